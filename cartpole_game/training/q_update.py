"""One Double-DQN gradient step on a ReLU MLP, its backward pass written out by hand.

The network is tiny (4-64-64-2) and the batch small, so autograd's bookkeeping and the modules'
call overhead cost more than the arithmetic: doing the same sums directly (forward with
``addmm``, the gradients of the Huber loss through the ReLU layers by the chain rule, then the
usual gradient clipping and fused Adam step) makes each update about twice as fast. The
gradients are the ones autograd computes (``tests/test_dqn.py`` compares them).

The loss is exactly the trainer's: ``smooth_l1_loss(Q(s, a), r + discount·Q_target(s', a*))``
averaged over the batch, ``a*`` the online network's choice at ``s'`` (Double DQN), with the
online network run once over ``s`` and ``s'`` together.
"""

from __future__ import annotations

import torch
from torch import nn

from cartpole_game.training.q_network import QNetwork


def _layers(net: QNetwork) -> list[tuple[torch.Tensor, torch.Tensor]]:
    layers: list[tuple[torch.Tensor, torch.Tensor]] = []
    for layer in net.layers:
        assert isinstance(layer, nn.Linear)
        layers.append((layer.weight, layer.bias))
    return layers


def forward(
    layers: list[tuple[torch.Tensor, torch.Tensor]], x: torch.Tensor
) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """The network's output for ``x`` (already scaled), and each layer's input."""
    inputs = [x]
    for w, b in layers[:-1]:
        x = torch.relu(torch.addmm(b, x, w.t()))
        inputs.append(x)
    w, b = layers[-1]
    return torch.addmm(b, x, w.t()), inputs


def td_gradients(
    online: QNetwork,
    target: QNetwork,
    batch: tuple[torch.Tensor, ...],
) -> tuple[list[torch.Tensor], float]:
    """The gradients of the Double-DQN Huber loss for ``online``'s parameters (in the order of
    ``online.parameters()``), and the loss."""
    obs, actions, rewards, next_obs, discounts = batch
    n = obs.shape[0]
    layers = _layers(online)
    scale = online.input_scale
    with torch.no_grad():
        q_both, inputs = forward(layers, torch.cat([obs, next_obs]) * scale)
        next_actions = q_both[n:].argmax(dim=1, keepdim=True)
        next_q, _ = forward(_layers(target), next_obs * target.input_scale)
        td_target = rewards + discounts * next_q.gather(1, next_actions).squeeze(1)
        chosen = q_both[:n].gather(1, actions.unsqueeze(1)).squeeze(1)
        loss = torch.nn.functional.smooth_l1_loss(chosen, td_target)
        error = chosen - td_target
        # dLoss/dQ: the Huber loss's slope, on the chosen action only, averaged over the batch.
        grad_out = torch.zeros(n, q_both.shape[1])
        grad_out.scatter_(1, actions.unsqueeze(1), (error.clamp(-1.0, 1.0) / n).unsqueeze(1))
        grads: list[torch.Tensor] = []
        for index in range(len(layers) - 1, -1, -1):
            w, _ = layers[index]
            x = inputs[index][:n]
            grads[:0] = [grad_out.t() @ x, grad_out.sum(0)]
            if index:
                grad_out = (grad_out @ w) * (x > 0)
    return grads, float(loss)


def clip_(grads: list[torch.Tensor], max_norm: float) -> None:
    """Scale ``grads`` down so that their total norm is at most ``max_norm`` (as torch's
    ``clip_grad_norm_`` does)."""
    total = torch.linalg.vector_norm(torch.stack(torch._foreach_norm(grads)))
    coefficient = torch.clamp(max_norm / (total + 1e-6), max=1.0)
    torch._foreach_mul_(grads, coefficient)
