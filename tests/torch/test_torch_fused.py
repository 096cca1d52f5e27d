"""The fast path (lstmcourse.torch.fused) equals the readable step loop, and its hand-written
backward passes torch's numerical gradient check."""

from __future__ import annotations

import pytest
import torch
from torch_helpers import LAYERS, assert_same, run_with_grads

import lstmcourse.torch as lt
from lstmcourse.torch import fused


@pytest.mark.parametrize("mode", list(LAYERS))
def test_fused_equals_readable(mode: str) -> None:
    ours_cls, _, extra = LAYERS[mode]
    torch.manual_seed(0)
    m = ours_cls(7, 9, num_layers=2, bidirectional=True, dtype=torch.float64, **extra)
    x = torch.randn(13, 4, 7, dtype=torch.float64) * 2  # large enough to saturate some gates
    m.impl = "readable"
    out_r, grad_r, w = run_with_grads(m, [x], None)
    m.impl = "fused"
    out_f, grad_f, _ = run_with_grads(m, [x], w)
    assert_same(out_f, out_r, 1e-12, "outputs")
    assert_same(grad_f, grad_r, 1e-12, "gradients")


def _args(n_states: int, gates: int, bias: bool, seed: int) -> list:
    g = torch.Generator().manual_seed(seed)

    def r(*shape):
        return (torch.randn(*shape, generator=g, dtype=torch.float64) * 0.7).requires_grad_(True)

    T, B, D, H = 4, 2, 3, 3
    states = [r(B, H) for _ in range(n_states)]
    weights = [r(gates * H, D), r(gates * H, H)]
    biases = [r(gates * H), r(gates * H)] if bias else [None, None]
    return [r(T, B, D), *states, *weights, *biases]


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("bias", [True, False])
def test_lstm_function_gradcheck(reverse: bool, bias: bool) -> None:
    args = _args(2, 4, bias, 1)
    assert torch.autograd.gradcheck(lambda *a: fused.lstm_sequence(*a, reverse=reverse), args)


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("bias", [True, False])
def test_gru_function_gradcheck(reverse: bool, bias: bool) -> None:
    args = _args(1, 3, bias, 2)
    assert torch.autograd.gradcheck(lambda *a: fused.gru_sequence(*a, reverse=reverse), args)


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
@pytest.mark.parametrize("reverse", [False, True])
def test_rnn_function_gradcheck(nonlinearity: str, reverse: bool) -> None:
    args = _args(1, 1, True, 3)
    assert torch.autograd.gradcheck(
        lambda *a: fused.rnn_sequence(*a, nonlinearity=nonlinearity, reverse=reverse), args
    )


def test_saturated_gates_stay_finite_and_exact() -> None:
    """The LSTM's fast path computes tanh as 2 sigmoid(2x) - 1: check it at |x| in the hundreds."""
    torch.manual_seed(1)
    m = lt.LSTM(2, 3, dtype=torch.float64)
    x = torch.randn(6, 2, 2, dtype=torch.float64) * 300
    m.impl = "readable"
    ref = m(x)[0]
    m.impl = "fused"
    out = m(x)[0]
    assert torch.isfinite(out).all()
    torch.testing.assert_close(out, ref, rtol=0, atol=1e-15)


def test_no_grad_forward_and_partial_requires_grad() -> None:
    """Forward under no_grad works; with frozen weights only the input gets a gradient."""
    torch.manual_seed(2)
    m = lt.GRU(3, 4, num_layers=2)
    x = torch.randn(5, 2, 3)
    with torch.no_grad():
        out, _ = m(x)
    assert not out.requires_grad
    m.requires_grad_(False)
    xg = x.clone().requires_grad_(True)
    m(xg)[0].sum().backward()
    assert xg.grad is not None and xg.grad.abs().sum() > 0
    assert all(p.grad is None for p in m.parameters())


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("T", [1, 16, 37])
def test_lstm_no_grad_forward_equals_readable(T: int, reverse: bool) -> None:
    """Without autograd too, bidirectional, with given states, at a few lengths."""
    torch.manual_seed(T)
    m = lt.LSTM(3, 4, bidirectional=True, dtype=torch.float64)
    x = torch.randn(T, 2, 3, dtype=torch.float64)
    states = (torch.randn(2, 2, 4, dtype=torch.float64), torch.randn(2, 2, 4, dtype=torch.float64))
    with torch.no_grad():
        out_f, (h_f, c_f) = m(x, states)
        m.impl = "readable"
        out_r, (h_r, c_r) = m(x, states)
    assert_same([out_f, h_f, c_f], [out_r, h_r, c_r], 1e-12, "no-grad outputs")
