r"""Activation functions and their derivatives, safe for any input size.

Implements the two squashing functions of the book, elementwise,

.. math::

    \sigma(x) &= \frac{1}{1 + e^{-x}} \in (0, 1) \\
    \tanh(x) &= \frac{e^x - e^{-x}}{e^x + e^{-x}} \in (-1, 1)

the sigmoid for the gates :math:`i_t, f_t, o_t` (and the GRU's :math:`r_t, z_t`), tanh for the
candidate :math:`g_t` and for :math:`\tanh(c_t)`, and their derivatives written as functions of
the *input* x:

.. math::

    \sigma'(x) &= \sigma(x)\,(1 - \sigma(x)) \\
    \tanh'(x) &= 1 - \tanh^2(x)

Overflow. For x < -709 (float64) or x < -88 (float32), ``np.exp(-x)`` overflows to inf. The
formula still gives the right answer, 1 / (1 + inf) = 0 exactly, so ``sigmoid`` only silences
NumPy's overflow warning; small values keep their relative precision (:math:`1 / (1 + e^{40})`
is computed as a quotient, not as 1 minus something). The variant
:math:`e^x / (1 + e^x)` would not: it gives inf / inf = nan for large x. The two-branch form
with :math:`e^{-|x|}`, which never overflows (the one assignment 2 asks for), gives the same
values and costs a third more time in an LSTM step. ``np.tanh`` cannot overflow. All functions
keep the input's dtype (float32 stays float32).

In the backward passes we never call ``*_grad(x)``: the forward pass already stored
:math:`s = \sigma(x)` or :math:`t = \tanh(x)`, and :math:`s(1-s)`, :math:`1-t^2` are cheaper.
The ``*_grad`` functions are for plots and tests.
"""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array


def sigmoid(x: np.ndarray) -> np.ndarray:
    r"""Logistic sigmoid :math:`\sigma(x) = 1 / (1 + e^{-x})`, elementwise.

    Args:
        x: array of any shape (integers become float64).

    Returns:
        An array of x's shape, values in (0, 1).
    """
    x = as_float_array("x", x)
    with np.errstate(over="ignore"):  # exp(-x) = inf for very negative x gives 1/(1+inf) = 0
        return 1.0 / (1.0 + np.exp(-x))


def tanh(x: np.ndarray) -> np.ndarray:
    """Hyperbolic tangent, elementwise (NumPy's, which is already stable).

    Args:
        x: array of any shape (integers become float64).

    Returns:
        An array of x's shape, values in (-1, 1).
    """
    return np.tanh(as_float_array("x", x))


def sigmoid_grad(x: np.ndarray) -> np.ndarray:
    r"""Derivative of the sigmoid, :math:`\sigma'(x) = \sigma(x)(1 - \sigma(x))`, elementwise.

    It is at most 1/4, reached at x = 0.

    Args:
        x: array of any shape: the sigmoid's *input*.

    Returns:
        An array of x's shape.
    """
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh_grad(x: np.ndarray) -> np.ndarray:
    r"""Derivative of tanh, :math:`\tanh'(x) = 1 - \tanh^2(x)`, elementwise.

    It is at most 1, reached at x = 0.

    Args:
        x: array of any shape: tanh's *input*.

    Returns:
        An array of x's shape.
    """
    t = tanh(x)
    return 1.0 - t * t
