"""Hostile and broken agent files stay inert and get one line naming the file.

Each malicious variant carries a payload that would create a marker file if anything unpickled
it; the marker must never appear. Each test also shows that the payload is real (unpickling it
does create the marker), so a test that passes is not passing on a dud.
"""

from __future__ import annotations

import base64
import io
import json
import os
import pickle
import time
import warnings
import zipfile
from pathlib import Path

import cloudpickle
import numpy as np
import pytest
import torch
from stable_baselines3 import DQN
from stable_baselines3.common.save_util import json_to_data
from stable_baselines3.common.vec_env import DummyVecEnv, VecNormalize

from cartpole_game.agents import load_agent
from tests.foreign_helpers import (
    CleanRLQNetwork,
    refusal,
    replace_pickle,
    with_data,
    write_zip,
    zip_members,
)


class Plant:
    """Unpickling this creates ``marker`` (the payload's harmless stand-in for running code)."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (open, (self.marker, "w"))


class System:
    """The classic: unpickling calls os.system."""

    def __init__(self, marker: Path) -> None:
        self.command = f"touch {marker}"

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (os.system, (self.command,))


@pytest.fixture(scope="module")
def sb3_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sb3") / "dqn.zip"
    DQN("MlpPolicy", "CartPole-v1", seed=0, device="cpu").save(path)
    return path


def test_a_poisoned_serialized_entry_never_runs_and_the_agent_plays(
    sb3_zip: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "pwned"
    payload = base64.b64encode(cloudpickle.dumps(Plant(marker))).decode()

    def poison(data: dict) -> None:
        for key in ("policy_kwargs", "observation_space", "action_space", "policy_class"):
            entry = data[key] if isinstance(data[key], dict) else {":type:": "<class 'dict'>"}
            entry[":serialized:"] = payload
            data[key] = entry
        data["planted"] = {":type:": "<class 'object'>", ":serialized:": payload}

    path = with_data(sb3_zip, tmp_path / "poisoned.zip", poison)
    agent = load_agent(path)
    assert agent.act(np.zeros(4, np.float32)) in (0, 1)
    assert not marker.exists()
    # SB3's own reading of the same data runs the payload.
    json_to_data(zip_members(path)["data"].decode())
    assert marker.exists()


def _evil_policy_pth(sb3_zip: Path, tmp_path: Path, policy: bytes, name: str) -> Path:
    members = zip_members(sb3_zip)
    members["policy.pth"] = policy
    return write_zip(tmp_path / name, members)


def test_os_system_in_policy_pth_is_refused(sb3_zip: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    original = zip_members(sb3_zip)["policy.pth"]
    evil = replace_pickle(original, pickle.dumps({"q_net.q_net.0.weight": System(marker)}, 2))
    path = _evil_policy_pth(sb3_zip, tmp_path, evil, "system.zip")
    problem = refusal(path)
    assert (
        "policy.pth" in problem and "weights-only" in problem and "nothing in it was run" in problem
    )
    assert not marker.exists()
    with pytest.raises(pickle.UnpicklingError):  # torch's own safe loader refuses it too
        torch.load(io.BytesIO(evil), weights_only=True)
    pickle.loads(zipfile.ZipFile(io.BytesIO(evil)).read("archive/data.pkl"))
    assert marker.exists()


def test_a_raw_pickle_as_policy_pth_is_refused(sb3_zip: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    evil = pickle.dumps(Plant(marker))
    problem = refusal(_evil_policy_pth(sb3_zip, tmp_path, evil, "raw.zip"))
    assert "policy.pth" in problem and "pickle" in problem
    assert not marker.exists()
    pickle.loads(evil)
    assert marker.exists()


def _laughs(levels: int = 40) -> bytes:
    """A "billion laughs" pickle: each tuple holds the one before it twice (2**40 leaves, in 300
    bytes); anything that walks it, such as printing it, never ends."""
    out = bytearray(b"\x80\x02]q\x00")  # PROTO 2, EMPTY_LIST, BINPUT 0
    for level in range(1, levels + 1):
        prev = bytes([level - 1])
        out += b"h" + prev + b"h" + prev + b"\x86" + b"q" + bytes([level])  # GET GET TUPLE2 PUT
    return bytes(out + b".")


def test_pickle_bombs_in_policy_pth_are_refused_quickly(sb3_zip: Path, tmp_path: Path) -> None:
    original = zip_members(sb3_zip)["policy.pth"]
    laughs = replace_pickle(original, _laughs())
    huge = replace_pickle(original, b"\x80\x02]" + b"N" * (2 << 20) + b".")  # 2 MB of opcodes
    for name, evil in (("laughs.zip", laughs), ("huge.zip", huge)):
        start = time.monotonic()
        problem = refusal(_evil_policy_pth(sb3_zip, tmp_path, evil, name))
        assert time.monotonic() - start < 10, name
        assert "policy.pth" in problem, problem


def test_a_plain_pickle_as_a_state_dict_is_refused(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    weights = {k: v.numpy() for k, v in CleanRLQNetwork().state_dict().items()}
    for protocol in (0, 2, 5):
        path = tmp_path / f"dqn-{protocol}.cleanrl_model"
        path.write_bytes(pickle.dumps({**weights, "planted": Plant(marker)}, protocol))
        assert "pickle" in refusal(path)
    assert not marker.exists()
    pickle.loads(path.read_bytes())
    assert marker.exists()


def test_vec_normalize_pkl_is_refused(tmp_path: Path) -> None:
    env = VecNormalize(DummyVecEnv([lambda: __import__("gymnasium").make("CartPole-v1")]))
    path = tmp_path / "vec_normalize.pkl"
    env.save(str(path))
    problem = refusal(path)
    assert "pickle" in problem and "vec_normalize.pkl" in problem


def test_a_whole_pickled_module_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.pt"
    torch.save(CleanRLQNetwork(), path)  # the module itself, not its state dict
    assert "weights-only" in refusal(path)


def _zip(tmp_path: Path, name: str, members: list[tuple[str, bytes]]) -> Path:
    return write_zip(tmp_path / name, members)


def test_zip_tricks_are_refused(sb3_zip: Path, tmp_path: Path) -> None:
    real = list(zip_members(sb3_zip).items())
    cases = {
        "traversal": [*real, ("../../evil", b"x")],
        "absolute": [*real, ("/etc/evil", b"x")],
        "repeated": [*real, ("policy.pth", b"x")],
        "many": [*real, *((f"f{i}", b"") for i in range(5000))],
    }
    for name, members in cases.items():
        with warnings.catch_warnings():  # zipfile warns of the repeated name as it writes it
            warnings.simplefilter("ignore")
            path = _zip(tmp_path, f"{name}.zip", members)
        problem = refusal(path)
        assert "name" in problem or "too many" in problem, (name, problem)
    # A zip bomb: 300 MB of zeros, deflated to a few hundred kB, as policy.pth.
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in real:
            if member != "policy.pth":
                archive.writestr(member, data)
        with archive.open("policy.pth", "w", force_zip64=False) as out:
            for _ in range(300):
                out.write(bytes(1 << 20))
    assert "too large" in refusal(bomb)


def test_an_agent_for_another_environment_is_refused(sb3_zip: Path, tmp_path: Path) -> None:
    def lunar(data: dict) -> None:
        data["observation_space"]["_shape"] = [8]

    assert "shape [8]" in refusal(with_data(sb3_zip, tmp_path / "lunar.zip", lunar))

    def three(data: dict) -> None:
        data["action_space"]["n"] = "3"

    assert "3" in refusal(with_data(sb3_zip, tmp_path / "acrobot.zip", three))

    def continuous(data: dict) -> None:
        data["action_space"][":type:"] = "<class 'gymnasium.spaces.box.Box'>"

    assert "Box" in refusal(with_data(sb3_zip, tmp_path / "box.zip", continuous))


def test_wrong_keys_shapes_and_settings_get_one_line(sb3_zip: Path, tmp_path: Path) -> None:
    unknown = tmp_path / "unknown.pt"
    torch.save({"encoder.weight": torch.zeros(8, 4), "head.bias": torch.zeros(2)}, unknown)
    problem = refusal(unknown)
    assert "encoder.weight" in problem and "no network layout" in problem

    three = tmp_path / "three.pt"
    torch.save({"network.0.weight": torch.zeros(3, 4), "network.0.bias": torch.zeros(3)}, three)
    assert "3 outputs" in refusal(three)

    eight = tmp_path / "eight.pt"
    torch.save({"network.0.weight": torch.zeros(2, 8), "network.0.bias": torch.zeros(2)}, eight)
    assert "8 observations" in refusal(eight)

    broken = tmp_path / "broken.pt"
    torch.save(
        {"network.0.weight": torch.zeros(16, 4), "network.2.weight": torch.ones(2, 8)}, broken
    )
    assert "takes 8 inputs" in refusal(broken)

    nan = tmp_path / "nan.pt"
    torch.save({"network.0.weight": torch.full((2, 4), float("nan"))}, nan)
    assert "not finite" in refusal(nan)

    def gelu(data: dict) -> None:
        data["policy_kwargs"] = {"activation_fn": "<class 'torch.nn.modules.activation.GELU'>"}

    assert "GELU" in refusal(with_data(sb3_zip, tmp_path / "gelu.zip", gelu))

    def arch(data: dict) -> None:
        data["policy_kwargs"] = {"net_arch": [256, 256]}

    assert "net_arch" in refusal(with_data(sb3_zip, tmp_path / "arch.zip", arch))

    members = zip_members(sb3_zip)
    del members["policy.pth"]
    assert "policy.pth" in refusal(write_zip(tmp_path / "nopolicy.zip", members))

    plain = write_zip(tmp_path / "other.zip", {"readme.txt": b"hello"})
    assert "neither" in refusal(plain)

    dict_of_dicts = tmp_path / "nested.pt"
    torch.save({"model": CleanRLQNetwork().state_dict()}, dict_of_dicts)
    assert "not a flat state dict" in refusal(dict_of_dicts)

    legacy = tmp_path / "legacy.pt"
    legacy.write_bytes(torch_bytes_legacy())
    assert "before torch 1.6" in refusal(legacy)


def torch_bytes_legacy() -> bytes:
    buffer = io.BytesIO()
    torch.save(CleanRLQNetwork().state_dict(), buffer, _use_new_zipfile_serialization=False)
    return buffer.getvalue()


def test_json_the_game_cannot_trust_is_refused(sb3_zip: Path, tmp_path: Path) -> None:
    members = zip_members(sb3_zip)
    for name, data in (
        ("deep", b"[" * 10_000 + b"]" * 10_000),
        ("nan", b'{"observation_space": NaN}'),
        ("binary", b"\xff\xfe\x00garbage"),
        ("list", json.dumps([1, 2]).encode()),
    ):
        members["data"] = data
        assert "data" in refusal(write_zip(tmp_path / f"{name}.zip", members)), name
