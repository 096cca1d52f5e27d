"""Numerical gradients, to check a hand-written backward pass.

For a function y = f(x) and an upstream gradient df = dL/dy (same shape as y), the gradient
dL/dx_k = sum_j df_j * dy_j/dx_k is estimated by central differences, one entry of x at a time:

    dL/dx_k ~ sum( (f(x + eps e_k) - f(x - eps e_k)) * df ) / (2 eps)

The error of this estimate is O(eps^2) plus rounding of order 1e-16/eps, so eps = 1e-6 in
float64 gives about 1e-10 relative accuracy: enough to tell a right backward (relative error
~1e-8 or less) from a wrong one (~1e-2 or more). Use float64; float32 is far too coarse.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def numerical_gradient(
    f: Callable[[np.ndarray], np.ndarray], x: np.ndarray, df: np.ndarray, eps: float = 1e-6
) -> np.ndarray:
    """Estimate dL/dx for L = sum(f(x) * df) by central differences. Returns an array like x.

    ``x`` is changed in place while f is evaluated (and restored afterwards), so ``f`` may either
    use its argument or read the same array from a closure, e.g. ``lambda _: lstm(x, p)[0]`` with
    ``x = p["weight_hh"]``. ``x`` must be a writable float array.
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
    """max over entries of |a - b| / max(|a| + |b|, 1e-8): 0 for equal arrays, ~1 for unrelated.

    The floor 1e-8 keeps entries where both are ~0 from dividing by zero.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a has shape {a.shape} but b has shape {b.shape}; they must match")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8)))
