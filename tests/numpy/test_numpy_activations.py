"""Activations: right values, right derivatives, no overflow warnings at |x| = 1000."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import lstmcourse.numpy as lnp


def test_sigmoid_known_values() -> None:
    x = np.array([0.0, np.log(3.0), -np.log(3.0), 2.0])
    np.testing.assert_allclose(lnp.sigmoid(x), [0.5, 0.75, 0.25, 1 / (1 + np.exp(-2.0))],
                               rtol=1e-15)


def test_tanh_known_values() -> None:
    x = np.array([0.0, np.log(2.0), -np.log(2.0)])
    # tanh(log 2) = (2 - 1/2) / (2 + 1/2) = 0.6
    np.testing.assert_allclose(lnp.tanh(x), [0.0, 0.6, -0.6], rtol=1e-15, atol=1e-17)


def test_sigmoid_symmetry_and_relation_to_tanh() -> None:
    x = np.linspace(-30, 30, 601)
    np.testing.assert_allclose(lnp.sigmoid(-x), 1 - lnp.sigmoid(x), atol=1e-15)
    np.testing.assert_allclose(2 * lnp.sigmoid(2 * x) - 1, lnp.tanh(x), atol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_no_overflow_warning_at_1000(dtype: type) -> None:
    x = np.array([-1000.0, -100.0, 0.0, 100.0, 1000.0], dtype=dtype)
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        s, t = lnp.sigmoid(x), lnp.tanh(x)
        ds, dt = lnp.sigmoid_grad(x), lnp.tanh_grad(x)
    assert s[0] == 0.0 and s[-1] == 1.0 and s[2] == 0.5
    assert t[0] == -1.0 and t[-1] == 1.0
    assert ds[0] == 0.0 and ds[-1] == 0.0 and ds[2] == 0.25
    assert dt[0] == 0.0 and dt[-1] == 0.0 and dt[2] == 1.0
    for arr in (s, t, ds, dt):
        assert arr.dtype == dtype


def test_derivatives_match_central_differences() -> None:
    x = np.linspace(-6, 6, 49)
    eps = 1e-6
    for f, df in ((lnp.sigmoid, lnp.sigmoid_grad), (lnp.tanh, lnp.tanh_grad)):
        numeric = (f(x + eps) - f(x - eps)) / (2 * eps)
        np.testing.assert_allclose(df(x), numeric, atol=1e-9)


def test_small_sigmoid_values_keep_relative_precision() -> None:
    # sigmoid(-40) = 4.248e-18: 1 / (1 + e^40) keeps its digits (1 - ... would give 0)
    assert lnp.sigmoid(np.array([-40.0]))[0] == pytest.approx(np.exp(-40.0) / (1 + np.exp(-40.0)),
                                                               rel=1e-14)


def test_lists_and_scalars_are_accepted() -> None:
    assert float(lnp.sigmoid(0.0)) == 0.5
    np.testing.assert_allclose(lnp.tanh([0.0, 1.0]), [0.0, np.tanh(1.0)])
    with pytest.raises(ValueError, match="x must hold real numbers"):
        lnp.sigmoid(np.array(["a"]))
