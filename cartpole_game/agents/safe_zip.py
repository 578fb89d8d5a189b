"""Zip archives from strangers, opened with every size bounded before anything is inflated.

An SB3 ``.zip`` and every file ``torch.save`` writes are zip archives. Before :mod:`zipfile` (or
torch's own reader) parses one, the end-of-central-directory record is checked by hand: a
bounded member count and directory size, no zip64, no multi-disk archives. Then each member
must have a plain name (no absolute path, no ``..``, no backslash or control character, no
duplicate), be unencrypted, stored or deflated, and declare an uncompressed size within the
limit; reading a member stops at that limit whatever the archive claims.
"""

from __future__ import annotations

import io
import struct
import zipfile

from cartpole_game.core.errors import FileFormatError

MAX_MEMBERS = 4096  # torch writes one member per tensor: a state dict of ~4,000 tensors
MAX_DIRECTORY_BYTES = 1 << 20
MAX_TOTAL_BYTES = 128 << 20  # all members, uncompressed
_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
_MAX_COMMENT = 0xFFFF


def _check_directory(shown: str, data: bytes, what: str) -> None:
    start = data.rfind(_EOCD, max(0, len(data) - _EOCD_SIZE - _MAX_COMMENT))
    if start < 0 or start + _EOCD_SIZE > len(data):
        raise FileFormatError(shown, f"{what} is a damaged zip archive (no central directory)")
    _, disk, cd_disk, disk_entries, entries, cd_size, cd_offset, _ = struct.unpack(
        "<4s4H2LH", data[start : start + _EOCD_SIZE]
    )
    if disk or cd_disk or disk_entries != entries:
        raise FileFormatError(shown, f"{what} is a multi-part zip archive")
    if entries == 0xFFFF or cd_size == 0xFFFFFFFF or cd_offset == 0xFFFFFFFF:
        raise FileFormatError(shown, f"{what} is a zip64 archive, far larger than any agent")
    if entries > MAX_MEMBERS or cd_size > MAX_DIRECTORY_BYTES:
        raise FileFormatError(
            shown, f"{what} holds too many files ({entries}; the limit is {MAX_MEMBERS})"
        )


def _plain_name(name: str) -> bool:
    parts = name.split("/")
    return (
        bool(name)
        and not name.startswith("/")
        and "\\" not in name
        and ":" not in parts[0]
        and all(part not in ("", ".", "..") for part in parts)
        and all(ord(c) >= 32 and c != "\x7f" for c in name)
    )


class BoundedZip:
    """A zip archive in memory whose members were all checked (see the module's docstring)."""

    def __init__(self, data: bytes, shown: str, what: str, max_member_bytes: int) -> None:
        self.shown = shown
        self.what = what
        _check_directory(shown, data, what)
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
            raise FileFormatError(shown, f"{what} is a damaged zip archive ({exc})") from None
        if len(infos) > MAX_MEMBERS:
            raise FileFormatError(shown, f"{what} holds too many files ({len(infos)})")
        self.members: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            name = info.filename
            if not _plain_name(name) or name in self.members:
                raise FileFormatError(
                    shown, f"{what} holds a file with an unsafe or repeated name ({name[:60]!r})"
                )
            if info.flag_bits & 0x1:
                raise FileFormatError(shown, f"{what} holds an encrypted file ({name[:60]!r})")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise FileFormatError(
                    shown, f"{what} uses a compression this game does not read ({name[:60]!r})"
                )
            if info.file_size > max_member_bytes:
                raise FileFormatError(
                    shown,
                    f"{what} holds a file too large to be an agent's ({name[:60]!r}: "
                    f"{info.file_size:,} bytes; the limit is {max_member_bytes:,})",
                )
            total += info.file_size
            self.members[name] = info
        if total > MAX_TOTAL_BYTES:
            raise FileFormatError(shown, f"{what} unpacks to {total:,} bytes, too large")

    def read(self, name: str, limit: int) -> bytes:
        """Member ``name``'s bytes; never more than ``limit`` (nor than it declared)."""
        info = self.members[name]
        if info.file_size > limit:
            raise FileFormatError(
                self.shown,
                f"{self.what}: {name[:60]!r} is too large ({info.file_size:,} bytes; "
                f"the limit is {limit:,})",
            )
        try:
            with self._zip.open(info) as member:
                data = member.read(info.file_size + 1)
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError) as exc:
            raise FileFormatError(
                self.shown, f"{self.what}: {name[:60]!r} is damaged ({exc})"
            ) from None
        if len(data) != info.file_size:
            raise FileFormatError(self.shown, f"{self.what}: {name[:60]!r} is damaged (size)")
        return data
