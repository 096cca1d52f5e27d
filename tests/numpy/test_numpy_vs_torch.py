"""Every output and every gradient of lstmcourse.numpy equals torch.nn (autograd) in float64.

The expected values come from torch.nn modules holding the same weights: an independent
implementation, differentiated by autograd. Sizes are random per seed (batch 1 included).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from numpy_test_helpers import TORCH_CELLS, TORCH_LAYERS, assert_close, random_sizes, tensor

import lstmcourse.numpy as lnp
from lstmcourse.conventions import PARAM_KEYS

SEEDS = range(4)
KINDS = [("rnn", "tanh"), ("rnn", "relu"), ("lstm", None), ("gru", None)]


def _torch_module(table: dict, kind: str, nonlinearity: str | None, D: int, H: int, **kw):
    extra = {"nonlinearity": nonlinearity} if kind == "rnn" else {}
    return table[kind](D, H, **extra, **kw).double()


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("kind,nonlinearity", KINDS)
def test_layer_matches_torch(kind: str, nonlinearity: str | None, seed: int) -> None:
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    T, B, D, H = random_sizes(seed)
    module = _torch_module(TORCH_LAYERS, kind, nonlinearity, D, H)
    params = lnp.params_from_torch(module)
    x = rng.standard_normal((T, B, D))
    h0 = rng.standard_normal((B, H))
    c0 = rng.standard_normal((B, H))
    dout = rng.standard_normal((T, B, H))
    dh_n = rng.standard_normal((B, H))
    dc_n = rng.standard_normal((B, H))

    # torch: L = sum(out * dout) + sum(h_n * dh_n) [+ sum(c_n * dc_n)], so dL/dout = dout etc.
    xt, h0t, c0t = tensor(x), tensor(h0), tensor(c0)
    if kind == "lstm":
        out_t, (hn_t, cn_t) = module(xt, (h0t[None], c0t[None]))
        loss = (out_t * torch.tensor(dout)).sum() + (hn_t[0] * torch.tensor(dh_n)).sum()
        loss = loss + (cn_t[0] * torch.tensor(dc_n)).sum()
    else:
        out_t, hn_t = module(xt, h0t[None])
        loss = (out_t * torch.tensor(dout)).sum() + (hn_t[0] * torch.tensor(dh_n)).sum()
    loss.backward()

    if kind == "lstm":
        out, (h_n, c_n), cache = lnp.lstm(x, params, h0, c0)
        assert_close(c_n, cn_t[0], "c_n")
        dx, dh0, dc0, grads = lnp.lstm_backward(dout, cache, dh_n, dc_n)
        assert_close(dc0, c0t.grad, "dc0")
    elif kind == "gru":
        out, h_n, cache = lnp.gru(x, params, h0)
        dx, dh0, grads = lnp.gru_backward(dout, cache, dh_n)
    else:
        out, h_n, cache = lnp.rnn(x, params, h0, nonlinearity=nonlinearity)
        dx, dh0, grads = lnp.rnn_backward(dout, cache, dh_n)
    assert_close(out, out_t, "out")
    assert_close(h_n, hn_t[0], "h_n")
    assert_close(dx, xt.grad, "dx")
    assert_close(dh0, h0t.grad, "dh0")
    assert set(grads) == set(PARAM_KEYS)
    for key in PARAM_KEYS:
        assert_close(grads[key], getattr(module, key + "_l0").grad, f"grads[{key!r}]")


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("kind,nonlinearity", KINDS)
def test_cell_matches_torch(kind: str, nonlinearity: str | None, seed: int) -> None:
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    _, B, D, H = random_sizes(seed)
    module = _torch_module(TORCH_CELLS, kind, nonlinearity, D, H)
    params = lnp.params_from_torch(module)
    x, h, c = (rng.standard_normal(s) for s in ((B, D), (B, H), (B, H)))
    dh, dc = rng.standard_normal((B, H)), rng.standard_normal((B, H))
    xt, ht, ct = tensor(x), tensor(h), tensor(c)

    if kind == "lstm":
        h_t, c_t = module(xt, (ht, ct))
        ((h_t * torch.tensor(dh)).sum() + (c_t * torch.tensor(dc)).sum()).backward()
        h_new, c_new, cache = lnp.lstm_cell(x, h, c, params)
        assert_close(c_new, c_t, "c")
        dx, dh_prev, dc_prev, grads = lnp.lstm_cell_backward(dh, dc, cache)
        assert_close(dc_prev, ct.grad, "dc_prev")
    else:
        h_t = module(xt, ht)
        (h_t * torch.tensor(dh)).sum().backward()
        if kind == "gru":
            h_new, cache = lnp.gru_cell(x, h, params)
            dx, dh_prev, grads = lnp.gru_cell_backward(dh, cache)
        else:
            h_new, cache = lnp.rnn_cell(x, h, params, nonlinearity=nonlinearity)
            dx, dh_prev, grads = lnp.rnn_cell_backward(dh, cache)
    assert_close(h_new, h_t, "h")
    assert_close(dx, xt.grad, "dx")
    assert_close(dh_prev, ht.grad, "dh_prev")
    for key in PARAM_KEYS:
        assert_close(grads[key], getattr(module, key).grad, f"grads[{key!r}]")


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("kind,nonlinearity", KINDS)
def test_bidirectional_matches_torch(kind: str, nonlinearity: str | None, seed: int) -> None:
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    T, B, D, H = random_sizes(seed)
    module = _torch_module(TORCH_LAYERS, kind, nonlinearity, D, H, bidirectional=True)
    p_f = lnp.params_from_torch(module)
    p_b = lnp.params_from_torch(module, reverse=True)
    x = rng.standard_normal((T, B, D))
    h0, c0 = rng.standard_normal((2, B, H)), rng.standard_normal((2, B, H))
    dout = rng.standard_normal((T, B, 2 * H))
    dh_n, dc_n = rng.standard_normal((2, B, H)), rng.standard_normal((2, B, H))

    xt, h0t, c0t = tensor(x), tensor(h0), tensor(c0)
    if kind == "lstm":
        out_t, (hn_t, cn_t) = module(xt, (h0t, c0t))
        loss = (cn_t * torch.tensor(dc_n)).sum()
    else:
        out_t, hn_t = module(xt, h0t)
        loss = 0
    loss = loss + (out_t * torch.tensor(dout)).sum() + (hn_t * torch.tensor(dh_n)).sum()
    loss.backward()

    layer = {"rnn": lnp.rnn, "lstm": lnp.lstm, "gru": lnp.gru}[kind]
    kw = {"h0": h0}
    if kind == "lstm":
        kw["c0"] = c0
    if kind == "rnn":
        kw["nonlinearity"] = nonlinearity
    out, state, cache = lnp.bidirectional(layer, x, p_f, p_b, **kw)
    assert_close(out, out_t, "out")
    if kind == "lstm":
        assert_close(state[0], hn_t, "h_n")
        assert_close(state[1], cn_t, "c_n")
        dx, dh0, dc0, g_f, g_b = lnp.bidirectional_backward(dout, cache, dh_n=dh_n, dc_n=dc_n)
        assert_close(dc0, c0t.grad, "dc0")
    else:
        assert_close(state, hn_t, "h_n")
        dx, dh0, g_f, g_b = lnp.bidirectional_backward(dout, cache, dh_n=dh_n)
    assert_close(dx, xt.grad, "dx")
    assert_close(dh0, h0t.grad, "dh0")
    for key in PARAM_KEYS:
        assert_close(g_f[key], getattr(module, key + "_l0").grad, f"forward grads[{key!r}]")
        assert_close(g_b[key], getattr(module, key + "_l0_reverse").grad,
                     f"backward grads[{key!r}]")


def test_default_states_are_zero_like_torch() -> None:
    torch.manual_seed(7)
    module = torch.nn.LSTM(3, 4).double()
    x = np.random.default_rng(7).standard_normal((5, 2, 3))
    out_t, (hn_t, cn_t) = module(torch.tensor(x))
    out, (h_n, c_n), _ = lnp.lstm(x, lnp.params_from_torch(module))
    assert_close(out, out_t, "out")
    assert_close(c_n, cn_t[0], "c_n")


def test_stacked_two_layer_lstm_matches_torch() -> None:
    """Layer 1 reads layer 0's outputs: params_from_torch(layer=1) picks the right weights."""
    torch.manual_seed(3)
    module = torch.nn.LSTM(3, 5, num_layers=2).double()
    x = np.random.default_rng(3).standard_normal((4, 2, 3))
    out_t, _ = module(torch.tensor(x))
    out0, _, _ = lnp.lstm(x, lnp.params_from_torch(module, layer=0))
    out1, _, _ = lnp.lstm(out0, lnp.params_from_torch(module, layer=1))
    assert_close(out1, out_t, "out of layer 1")
