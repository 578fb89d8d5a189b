"""The DQN's Adam (training/adam.py) is torch's fused Adam, bit for bit, without importing
torch._dynamo."""

from __future__ import annotations

import subprocess
import sys

import torch

from cartpole_game.training.adam import FusedAdam


def test_the_weights_stay_bit_identical_to_torch_optim_adam_fused() -> None:
    gen = torch.Generator().manual_seed(0)
    shapes = [(64, 4), (64,), (2, 64), (2,)]
    ours = [torch.randn(s, generator=gen) for s in shapes]
    theirs = [p.clone().requires_grad_(True) for p in ours]
    adam = FusedAdam(ours, lr=3e-3)
    reference = torch.optim.Adam(theirs, lr=3e-3, fused=True)
    for _ in range(50):
        grads = [torch.randn(s, generator=gen) for s in shapes]
        adam.step([g.clone() for g in grads])
        for p, g in zip(theirs, grads, strict=True):
            p.grad = g.clone()
        reference.step()
    for mine, torchs in zip(ours, theirs, strict=True):
        assert torch.equal(mine, torchs.detach())
    assert not torch.equal(
        ours[0], torch.randn(shapes[0], generator=torch.Generator().manual_seed(0))
    )


def test_training_the_dqn_does_not_import_the_compiler() -> None:
    code = (
        "import sys\n"
        "from cartpole_game.training.dqn import DQNConfig, DQNTrainer\n"
        "t = DQNTrainer(DQNConfig(), seed=0)\n"
        "for _ in range(130): next(t)\n"
        "assert t.n_updates > 0\n"
        "print('torch._dynamo' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
