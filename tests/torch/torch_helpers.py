"""Shared helpers for the lstmcourse.torch tests: paired modules and an autograd harness.

Every comparison runs our module and the torch.nn peer on the same weights and inputs, and
compares the forward results and the gradients of one scalar loss with respect to the input,
the initial states and every parameter.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn

import lstmcourse.torch as lt

# mode -> (ours, torch.nn peer, extra constructor keywords)
LAYERS = {
    "rnn_tanh": (lt.RNN, nn.RNN, {"nonlinearity": "tanh"}),
    "rnn_relu": (lt.RNN, nn.RNN, {"nonlinearity": "relu"}),
    "lstm": (lt.LSTM, nn.LSTM, {}),
    "gru": (lt.GRU, nn.GRU, {}),
}
CELLS = {
    "rnn_tanh": (lt.RNNCell, nn.RNNCell, {"nonlinearity": "tanh"}),
    "rnn_relu": (lt.RNNCell, nn.RNNCell, {"nonlinearity": "relu"}),
    "lstm": (lt.LSTMCell, nn.LSTMCell, {}),
    "gru": (lt.GRUCell, nn.GRUCell, {}),
}
TOL = {torch.float64: 1e-10, torch.float32: 1e-5}


def make_pair(table: dict, mode: str, *args, seed: int = 0, **kw) -> tuple[nn.Module, nn.Module]:
    """(ours, peer) built from the same seed; the peer's state_dict is loaded into ours too."""
    ours_cls, ref_cls, extra = table[mode]
    torch.manual_seed(seed)
    ours = ours_cls(*args, **extra, **kw)
    torch.manual_seed(seed)
    ref = ref_cls(*args, **extra, **kw)
    ours.load_state_dict(ref.state_dict())
    return ours, ref


def flatten(result) -> list[torch.Tensor]:
    """The tensors of a forward result, ``out`` / ``(out, h)`` / ``(out, (h, c))``, in order."""
    if isinstance(result, torch.Tensor):
        return [result]
    return [t for item in result for t in flatten(item)]


def run_with_grads(module: nn.Module, inputs: list, loss_weights: list[torch.Tensor] | None):
    """Forward ``module(*inputs)``; backward ``sum(w * t)`` over the outputs.

    ``inputs`` may hold tensors, tuples of tensors or None; every tensor is cloned into a fresh
    leaf. Returns (outputs, gradients of inputs then parameters, loss weights used).
    """
    leaves: list[torch.Tensor] = []

    def leaf(v):
        if v is None:
            return None
        if isinstance(v, tuple):
            return tuple(leaf(u) for u in v)
        t = v.detach().clone().requires_grad_(True)
        leaves.append(t)
        return t

    args = [leaf(v) for v in inputs]
    outs = flatten(module(*args))
    if loss_weights is None:
        gen = torch.Generator().manual_seed(123)
        loss_weights = [
            torch.randn(o.shape, generator=gen, dtype=o.dtype).to(o.device) for o in outs
        ]
    loss = sum((o * w).sum() for o, w in zip(outs, loss_weights, strict=True))
    wrt = leaves + list(module.parameters())
    grads = torch.autograd.grad(loss, wrt)
    return [o.detach() for o in outs], list(grads), loss_weights


def assert_same(ours: list[torch.Tensor], ref: list[torch.Tensor], tol: float, what: str) -> None:
    assert len(ours) == len(ref), f"{what}: {len(ours)} tensors vs {len(ref)}"
    for k, (a, b) in enumerate(zip(ours, ref, strict=True)):
        assert a.shape == b.shape, f"{what}[{k}]: shape {tuple(a.shape)} vs {tuple(b.shape)}"
        assert a.dtype == b.dtype and a.device == b.device, f"{what}[{k}]: dtype/device differ"
        torch.testing.assert_close(a, b, rtol=0, atol=tol, msg=lambda m, k=k: f"{what}[{k}]: {m}")


def assert_matches_peer(ours: nn.Module, ref: nn.Module, inputs: list, dtype) -> None:
    """Outputs and all gradients of ``ours`` equal those of ``ref`` to TOL[dtype]."""
    out_r, grad_r, w = run_with_grads(ref, inputs, None)
    out_o, grad_o, _ = run_with_grads(ours, inputs, w)
    assert_same(out_o, out_r, TOL[dtype], "outputs")
    assert_same(grad_o, grad_r, TOL[dtype], "gradients")


requires_cuda = pytest.mark.skipif(
    not torch.cuda.is_available(), reason="needs a CUDA device; none is available here"
)
