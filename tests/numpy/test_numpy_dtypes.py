"""float32 inputs compute in float32 and agree with float64 to float32 accuracy."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import lstmcourse.numpy as lnp

T, B, D, H = 5, 3, 4, 6


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_float32_in_float32_out(kind: str) -> None:
    rng = np.random.default_rng(0)
    p64 = lnp.init_params(kind, D, H, rng=rng)
    p32 = {k: v.astype(np.float32) for k, v in p64.items()}
    x64 = rng.standard_normal((T, B, D))
    dout64 = rng.standard_normal((T, B, H))
    layer = {"rnn": lnp.rnn, "lstm": lnp.lstm, "gru": lnp.gru}[kind]
    backward = {"rnn": lnp.rnn_backward, "lstm": lnp.lstm_backward, "gru": lnp.gru_backward}[kind]

    out32, _, cache32 = layer(x64.astype(np.float32), p32)
    out64, _, cache64 = layer(x64, p64)
    res32 = backward(dout64.astype(np.float32), cache32)
    res64 = backward(dout64, cache64)

    assert out32.dtype == np.float32
    np.testing.assert_allclose(out32, out64, atol=1e-5)
    for a32, a64 in zip(res32[:-1], res64[:-1], strict=True):
        assert a32.dtype == np.float32
        np.testing.assert_allclose(a32, a64, atol=1e-4)
    for key in p64:
        assert res32[-1][key].dtype == np.float32
        np.testing.assert_allclose(res32[-1][key], res64[-1][key], atol=1e-4)


def test_float32_cells() -> None:
    rng = np.random.default_rng(1)
    x = rng.standard_normal((B, D)).astype(np.float32)
    h = np.zeros((B, H), np.float32)
    for kind in ("rnn", "lstm", "gru"):
        p = lnp.init_params(kind, D, H, rng=rng, dtype=np.float32)
        assert all(v.dtype == np.float32 for v in p.values())
        res = {"rnn": lambda p=p: lnp.rnn_cell(x, h, p),
               "lstm": lambda p=p: lnp.lstm_cell(x, h, h, p),
               "gru": lambda p=p: lnp.gru_cell(x, h, p)}[kind]()
        assert res[0].dtype == np.float32, kind


def test_integer_input_is_computed_in_float64() -> None:
    p = lnp.init_params("lstm", 2, 3, rng=0)
    out, _, _ = lnp.lstm(np.ones((2, 1, 2), dtype=np.int64), p)
    assert out.dtype == np.float64


def test_huge_inputs_saturate_without_warnings() -> None:
    """Pre-activations of order 1e5 saturate the gates to exactly 0/1 with no overflow warning."""
    p = lnp.init_params("lstm", 2, 3, rng=0)
    x = np.array([[[1e6, -1e6]], [[-1e6, 1e6]]])
    # numpy's defaults warn on overflow, invalid and divide (underflow to 0 is silent and exact)
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        out, (h_n, c_n), cache = lnp.lstm(x, p)
        lnp.lstm_backward(np.ones_like(out), cache)
        lnp.lstm_cell(x[0], h_n, c_n, p)
        lnp.gru(x, lnp.init_params("gru", 2, 3, rng=0))
    assert np.all(np.isfinite(out))
    assert set(np.unique(cache["i"])) <= {0.0, 1.0}


def test_a_float64_state_makes_the_lstm_step_float64() -> None:
    """float32 x and weights with a float64 h_prev: the step promotes as NumPy's ``+`` does (the
    recurrent product is float64), instead of rounding h_prev's share to float32."""
    rng = np.random.default_rng(3)
    p = {k: v.astype(np.float32) for k, v in lnp.init_params("lstm", D, H, rng=rng).items()}
    x = rng.standard_normal((B, D)).astype(np.float32)
    h_prev = rng.standard_normal((B, H))
    c_prev = np.zeros((B, H), np.float32)
    h, c, _ = lnp.lstm_cell(x, h_prev, c_prev, p)
    # The book's equations, written out with the same arrays.
    z = x @ p["weight_ih"].T + h_prev @ p["weight_hh"].T + p["bias_ih"] + p["bias_hh"]
    i, f, g, o = (z[:, k * H : (k + 1) * H] for k in range(4))
    c_ref = 1 / (1 + np.exp(-i)) * np.tanh(g)      # c_prev = 0
    h_ref = 1 / (1 + np.exp(-o)) * np.tanh(c_ref)
    assert h.dtype == np.float64 and c.dtype == np.float64
    # Only the order of the float32 bias additions may differ: float32 rounding, ~1e-8 here.
    np.testing.assert_allclose(c, c_ref, rtol=0, atol=1e-6)
    np.testing.assert_allclose(h, h_ref, rtol=0, atol=1e-6)
