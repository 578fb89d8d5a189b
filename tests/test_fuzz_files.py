"""The file fuzzer finds no crash, hang or leak, and hostile special files cost no memory."""

from __future__ import annotations

from cartpole_game.harness.fuzz_files import fuzz_files


def test_a_short_file_fuzz_finds_nothing() -> None:
    report = fuzz_files(cases=40, seed=1)
    crashes = [crash for kind in report.kinds for crash in kind.crashes]
    assert crashes == [] and report.hangs == 0
    by_kind = {kind.kind: kind for kind in report.kinds}
    for kind in ("highscores", "progress", "replay", "checkpoint"):
        assert by_kind[kind].cases == 40
        assert by_kind[kind].refused > 0  # the mutants really were bad files
        for label in ("/dev/zero", "a FIFO", "a 3 GB file"):
            special = by_kind[f"{kind} from {label}"]
            assert special.loaded == 0 and special.refused == 1, special
    assert max(report.special_peak_mib.values()) < 100
