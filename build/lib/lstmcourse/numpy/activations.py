"""Activation functions and their derivatives, safe for any input size.

Implements

    sigmoid(x) = 1 / (1 + exp(-x))        in (0, 1): the gates i_t, f_t, o_t (and r_t, z_t)
    tanh(x)    = (e^x - e^-x)/(e^x + e^-x) in (-1, 1): the candidate g_t and tanh(c_t)

and their derivatives written as functions of the *input* x:

    sigmoid_grad(x) = sigmoid(x) * (1 - sigmoid(x))
    tanh_grad(x)    = 1 - tanh(x)**2

Numerical stability. ``np.exp(-x)`` overflows for x < -709 (float64) or x < -88 (float32). The
textbook formula then still gives the right answer, 1 / (1 + inf) = 0, but NumPy warns. We use the
two-branch form instead, which only ever exponentiates a non-positive number:

    x >= 0:  sigmoid(x) = 1 / (1 + exp(-x))        exp(-x) in (0, 1]
    x <  0:  sigmoid(x) = exp(x) / (1 + exp(x))    exp(x)  in (0, 1)

Both are the same function; with e = exp(-|x|) they read 1/(1+e) and e/(1+e). ``np.tanh`` is
stable already. All functions keep the input's dtype (float32 stays float32).

In the backward passes we never call ``*_grad(x)``: the forward pass already stored s = sigmoid(x)
or t = tanh(x), and s*(1-s), 1-t*t are cheaper. The ``*_grad`` functions are for plots and tests.
"""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic sigmoid, elementwise, without overflow: any shape in, same shape out."""
    x = as_float_array("x", x)
    e = np.exp(-np.abs(x))  # in (0, 1]: cannot overflow
    # x >= 0 -> 1/(1+e);  x < 0 -> e/(1+e)
    return np.where(x >= 0, 1.0, e) / (1.0 + e)


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
