"""The fast path (lstmcourse.torch.fused, and lstmcourse.torch.inference under no_grad) equals the
readable step loop, its hand-written backward passes torch's numerical gradient check, and only
create_graph=True leaves that backward for the recomputing one.

Every test runs twice: with the compiled LSTM loop (lstmcourse.torch.native, the CPU's default)
and with it turned off, so that the LSTM's Python loop, the one CUDA tensors take, is held to the
readable loop here too."""

from __future__ import annotations

import pytest
import torch
from torch_helpers import LAYERS, assert_same, flatten, run_with_grads

import lstmcourse.torch as lt
from lstmcourse.torch import fused, native


@pytest.fixture(params=["compiled loop", "python loop"], autouse=True)
def lstm_loop(request):
    if request.param == "python loop":
        with native.turned_off():
            yield request.param
    else:
        assert native.available(), native.reason()
        yield request.param


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


@pytest.mark.parametrize("mode", list(LAYERS))
def test_inference_paths_equal_readable(mode: str) -> None:
    """Every way of asking for no gradient: grad mode off, or frozen weights and a plain input
    (grad mode on). Two layers, both directions, given initial states."""
    ours_cls, _, extra = LAYERS[mode]
    torch.manual_seed(3)
    m = ours_cls(3, 5, num_layers=2, bidirectional=True, dtype=torch.float64, **extra)
    x = torch.randn(11, 2, 3, dtype=torch.float64) * 2
    h0 = torch.randn(4, 2, 5, dtype=torch.float64)
    hx = (h0, torch.randn(4, 2, 5, dtype=torch.float64)) if mode == "lstm" else h0
    m.impl = "readable"
    with torch.no_grad():
        ref = flatten(m(x, hx))
    m.impl = "fused"
    with torch.no_grad():
        assert_same(flatten(m(x, hx)), ref, 1e-12, "no_grad outputs")
    m.requires_grad_(False)
    got = flatten(m(x, hx))
    assert not any(t.requires_grad for t in got)
    assert_same(got, ref, 1e-12, "frozen-weights outputs")


@pytest.mark.parametrize("mode", list(LAYERS))
def test_only_create_graph_takes_the_recomputing_backward(mode: str, monkeypatch) -> None:
    """A plain backward() keeps the hand-written (fast) backward; create_graph=True recomputes
    through the step functions so that the gradient can be differentiated again."""
    calls = []
    original = fused._recomputed_backward

    def spy(*args, **kw):
        calls.append(1)
        return original(*args, **kw)

    monkeypatch.setattr(fused, "_recomputed_backward", spy)
    ours_cls, _, extra = LAYERS[mode]
    m = ours_cls(3, 4, **extra)
    x = torch.randn(5, 2, 3, requires_grad=True)
    m(x)[0].sum().backward()
    assert calls == []
    (gx,) = torch.autograd.grad(m(x)[0].pow(2).sum(), x, create_graph=True)
    assert calls == [1] and gx.grad_fn is not None
