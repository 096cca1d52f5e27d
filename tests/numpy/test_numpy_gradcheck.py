"""Numerical gradient checks: the backward passes agree with central differences.

Independent of torch: the expected gradients come from evaluating the forward function only.
"""

from __future__ import annotations

import numpy as np
import pytest

import lstmcourse.numpy as lnp

RTOL = 1e-6  # relative_error of a correct backward is ~1e-9 here; a wrong one is ~1e-2 or more


def test_numerical_gradient_of_known_function() -> None:
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    df = np.array([[1.0, 2.0], [-1.0, 0.5]])
    grad = lnp.numerical_gradient(lambda v: v**3, x, df)
    np.testing.assert_allclose(grad, 3 * x**2 * df, rtol=1e-8)
    np.testing.assert_array_equal(x, [[1.0, -2.0], [0.5, 3.0]])  # restored


def test_relative_error() -> None:
    a = np.array([1.0, 2.0, 0.0])
    assert lnp.relative_error(a, a) == 0.0
    assert lnp.relative_error(a, a + [0.0, 2e-3, 0.0]) == pytest.approx(2e-3 / 4.002)
    assert lnp.relative_error(np.zeros(3), np.zeros(3)) == 0.0
    with pytest.raises(ValueError, match=r"a has shape \(3,\) but b has shape \(2,\)"):
        lnp.relative_error(a, a[:2])


def _check(f, arrays: dict, analytic: dict, df: np.ndarray) -> None:
    for name, arr in arrays.items():
        numeric = lnp.numerical_gradient(lambda _: f(), arr, df)
        err = lnp.relative_error(analytic[name], numeric)
        assert err < RTOL, f"d{name}: relative error {err:.2e}"


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_sequence_backward_matches_numerical_gradient(kind: str) -> None:
    rng = np.random.default_rng(11)
    T, B, D, H = 3, 2, 3, 2
    params = lnp.init_params(kind, D, H, rng=rng)
    x = rng.standard_normal((T, B, D))
    h0, c0 = rng.standard_normal((B, H)), rng.standard_normal((B, H))
    dout = rng.standard_normal((T, B, H))
    if kind == "lstm":
        def f():
            return lnp.lstm(x, params, h0, c0)[0]
        _, _, cache = lnp.lstm(x, params, h0, c0)
        dx, dh0, dc0, grads = lnp.lstm_backward(dout, cache)
        analytic = {"x": dx, "h0": dh0, "c0": dc0, **grads}
        arrays = {"x": x, "h0": h0, "c0": c0, **params}
    else:
        layer, backward = (lnp.rnn, lnp.rnn_backward) if kind == "rnn" else (lnp.gru,
                                                                            lnp.gru_backward)
        def f():
            return layer(x, params, h0)[0]
        _, _, cache = layer(x, params, h0)
        dx, dh0, grads = backward(dout, cache)
        analytic = {"x": dx, "h0": dh0, **grads}
        arrays = {"x": x, "h0": h0, **params}
    _check(f, arrays, analytic, dout)


def test_lstm_cell_backward_matches_numerical_gradient_for_both_outputs() -> None:
    rng = np.random.default_rng(12)
    B, D, H = 2, 3, 4
    params = lnp.init_params("lstm", D, H, rng=rng)
    x, h, c = rng.standard_normal((B, D)), rng.standard_normal((B, H)), rng.standard_normal((B, H))
    dh, dc = rng.standard_normal((B, H)), rng.standard_normal((B, H))
    df = np.stack([dh, dc])

    def f():
        h_new, c_new, _ = lnp.lstm_cell(x, h, c, params)
        return np.stack([h_new, c_new])

    _, _, cache = lnp.lstm_cell(x, h, c, params)
    dx, dh_prev, dc_prev, grads = lnp.lstm_cell_backward(dh, dc, cache)
    _check(f, {"x": x, "h": h, "c": c, **params},
           {"x": dx, "h": dh_prev, "c": dc_prev, **grads}, df)


def test_gradient_check_catches_a_wrong_gradient() -> None:
    """The check has teeth: a backward that forgets the forget-gate path fails it."""
    rng = np.random.default_rng(13)
    params = lnp.init_params("lstm", 2, 3, rng=rng)
    x, h, c = rng.standard_normal((1, 2)), rng.standard_normal((1, 3)), rng.standard_normal((1, 3))
    dh = rng.standard_normal((1, 3))
    _, _, cache = lnp.lstm_cell(x, h, c, params)
    _, _, dc_prev, _ = lnp.lstm_cell_backward(dh, np.zeros((1, 3)), cache)
    numeric = lnp.numerical_gradient(lambda _: lnp.lstm_cell(x, h, c, params)[0], c, dh)
    assert lnp.relative_error(dc_prev, numeric) < RTOL
    wrong = dc_prev / cache["f"]  # as if dc_prev = dc, dropping the "* f_t"
    assert lnp.relative_error(wrong, numeric) > 1e-2
