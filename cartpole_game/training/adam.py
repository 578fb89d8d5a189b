"""Adam on torch's fused CPU kernel, called directly: what ``torch.optim.Adam(fused=True)`` runs.

Building any ``torch.optim`` optimizer imports ``torch._dynamo`` (``add_param_group`` is wrapped
to keep the compiler out), and that import alone takes about 1.3 s on the 2-core machine: a
tenth of a whole default ``train --algo dqn``. The DQN needs nothing of the optimizer class but
its update, so it keeps Adam's state here and calls the same kernel, with the same arguments and
step count; ``tests/test_adam.py`` checks the weights stay bit-identical to torch's Adam.
"""

from __future__ import annotations

import torch


class FusedAdam:
    """Adam (no weight decay, no AMSGrad) over ``params``, updated in place by :meth:`step`."""

    def __init__(
        self,
        params: list[torch.Tensor],
        lr: float,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> None:
        self.params = params
        self.lr, self.betas, self.eps = lr, betas, eps
        self.exp_avgs = [torch.zeros_like(p) for p in params]
        self.exp_avg_sqs = [torch.zeros_like(p) for p in params]
        # One step counter per parameter, a float tensor, as torch's fused Adam keeps them.
        self.steps = [torch.zeros((), dtype=torch.float32) for _ in params]

    def step(self, grads: list[torch.Tensor]) -> None:
        """One Adam update of every parameter with its gradient in ``grads`` (same order)."""
        with torch.no_grad():
            torch._foreach_add_(self.steps, 1)
            torch._fused_adam_(
                self.params,
                grads,
                self.exp_avgs,
                self.exp_avg_sqs,
                [],
                self.steps,
                lr=self.lr,
                beta1=self.betas[0],
                beta2=self.betas[1],
                weight_decay=0.0,
                eps=self.eps,
                amsgrad=False,
                maximize=False,
            )
