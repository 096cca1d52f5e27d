r"""Numerical gradients, to check a hand-written backward pass.

For a function y = f(x) and an upstream gradient df = dL/dy (same shape as y), the gradient
:math:`\partial L / \partial x_k = \sum_j df_j \, \partial y_j / \partial x_k` is estimated by
central differences, one entry of x at a time (:math:`e_k` is the k-th unit vector):

.. math::

    \frac{\partial L}{\partial x_k} \approx
    \frac{\sum \big(f(x + \varepsilon e_k) - f(x - \varepsilon e_k)\big) \odot df}{2 \varepsilon}

The error of this estimate is :math:`O(\varepsilon^2)` plus rounding of order
:math:`10^{-16} / \varepsilon`, so :math:`\varepsilon = 10^{-6}` in float64 gives about
:math:`10^{-10}` relative accuracy: enough to tell a right backward (relative error
:math:`10^{-8}` or less) from a wrong one (:math:`10^{-2}` or more). Use float64; float32 is far
too coarse.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def numerical_gradient(
    f: Callable[[np.ndarray], np.ndarray], x: np.ndarray, df: np.ndarray, eps: float = 1e-6
) -> np.ndarray:
    r"""Estimate dL/dx for :math:`L = \sum f(x) \odot df` by central differences.

    ``x`` is changed in place while f is evaluated (and restored afterwards), so ``f`` may either
    use its argument or read the same array from a closure, e.g. ``lambda _: lstm(x, p)[0]`` with
    ``x = p["weight_hh"]``.

    Args:
        f: the function to differentiate, called as ``f(x)``.
        x: where to differentiate: a writable float64 array.
        df: upstream gradient dL/dy, the shape of ``f(x)``.
        eps: the step :math:`\varepsilon` of the central differences.

    Returns:
        The estimate of dL/dx, an array like x.

    Raises:
        ValueError: ``x`` is not a float64 array, or ``df`` does not have f(x)'s shape.
    """
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise ValueError(f"x must be a float NumPy array (changed in place), got {type(x)}")
    if x.dtype != np.float64:
        raise ValueError(f"x has dtype {x.dtype}; numerical gradients need float64")
    grad = np.zeros_like(x)
    for k in np.ndindex(x.shape):
        old = x[k]
        x[k] = old + eps
        plus = np.array(f(x), dtype=np.float64)  # copy: f may return a view of a buffer
        x[k] = old - eps
        minus = np.array(f(x), dtype=np.float64)
        x[k] = old
        if plus.shape != np.shape(df):
            raise ValueError(f"df has shape {np.shape(df)}, expected {plus.shape} = f(x)'s shape")
        grad[k] = np.sum((plus - minus) * df) / (2.0 * eps)
    return grad


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    r"""The largest entry of :math:`|a - b| / \max(|a| + |b|, 10^{-8})`.

    0 for equal arrays, about 1 for unrelated ones. The floor :math:`10^{-8}` keeps entries where
    both are about 0 from dividing by zero.

    Args:
        a: an array.
        b: an array of the same shape.

    Returns:
        The relative error, a float (0.0 for empty arrays).

    Raises:
        ValueError: the shapes differ.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a has shape {a.shape} but b has shape {b.shape}; they must match")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8)))
