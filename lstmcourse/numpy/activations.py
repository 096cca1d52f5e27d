"""Activation functions and their derivatives, safe for any input size.

Implements

    sigmoid(x) = 1 / (1 + exp(-x))        in (0, 1): the gates i_t, f_t, o_t (and r_t, z_t)
    tanh(x)    = (e^x - e^-x)/(e^x + e^-x) in (-1, 1): the candidate g_t and tanh(c_t)

and their derivatives written as functions of the *input* x:

    sigmoid_grad(x) = sigmoid(x) * (1 - sigmoid(x))
    tanh_grad(x)    = 1 - tanh(x)**2

Overflow. For x < -709 (float64) or x < -88 (float32), ``np.exp(-x)`` overflows to inf. The
formula still gives the right answer, 1 / (1 + inf) = 0 exactly, so ``sigmoid`` only silences
NumPy's overflow warning; small values keep their relative precision (1 / (1 + e^40) is computed
as a quotient, not as 1 minus something). The variant exp(x) / (1 + exp(x)) would not: it gives
inf / inf = nan for large x. The two-branch form with exp(-|x|), which never overflows (the one
assignment 2 asks for), gives the same values and costs a third more time in an LSTM step.
``np.tanh`` cannot overflow. All functions keep the input's dtype (float32 stays float32).

In the backward passes we never call ``*_grad(x)``: the forward pass already stored s = sigmoid(x)
or t = tanh(x), and s*(1-s), 1-t*t are cheaper. The ``*_grad`` functions are for plots and tests.
"""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic sigmoid, elementwise: any shape in, same shape out."""
    x = as_float_array("x", x)
    with np.errstate(over="ignore"):  # exp(-x) = inf for very negative x gives 1/(1+inf) = 0
        return 1.0 / (1.0 + np.exp(-x))


def tanh(x: np.ndarray) -> np.ndarray:
    """Hyperbolic tangent, elementwise (NumPy's, which is already stable)."""
    return np.tanh(as_float_array("x", x))


def sigmoid_grad(x: np.ndarray) -> np.ndarray:
    """d sigmoid(x) / dx = sigmoid(x) (1 - sigmoid(x)); at most 1/4, reached at x = 0."""
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh_grad(x: np.ndarray) -> np.ndarray:
    """d tanh(x) / dx = 1 - tanh(x)^2; at most 1, reached at x = 0."""
    t = tanh(x)
    return 1.0 - t * t
