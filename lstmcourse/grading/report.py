"""Compare one output of a student's function with the reference and say what is wrong.

:func:`expect_close` is the single comparison every check uses. It fails with a message that
names the case, the output, the shape got and expected (with a hint when the shape is the
expected one transposed), the largest error and where it sits, and — when the student's value
equals one of the ``mistakes`` computed on the same inputs — what that mistake is.

It runs where judging happens: outside the sandbox when a class is graded, in the student's
kernel when they run the checks at home. Tolerances follow the precision the student computed in:
float64 results must agree to about 1e-7, float32 ones to what float32 can hold (about 1e-4 of
the largest value), since float32 is not a bug unless a notebook asks for float64.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np


def _max_abs(d: np.ndarray) -> float:
    """Largest |d| using operators only; NaN anywhere gives inf."""
    if d.size == 0:
        return 0.0
    with np.errstate(all="ignore"):
        sq = d * d
    if not bool((sq == sq).all()):  # NaN is the only value not equal to itself
        return float("inf")
    return float(sq.max()) ** 0.5


def as_array(value: Any, what: str, case: str) -> np.ndarray:
    """``value`` as a float64 array, or an AssertionError that says what came back instead."""
    if isinstance(value, np.ndarray) or isinstance(value, (float, int, np.floating)):
        return np.asarray(value, dtype=np.float64)
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # a torch tensor
        return np.asarray(value.detach().cpu().double().numpy(), dtype=np.float64)
    raise AssertionError(
        f"[{case}] {what}: expected a NumPy array, got {type(value).__name__} ({value!r:.80}).")


def expect_shape(got: np.ndarray, shape: tuple[int, ...], what: str, case: str,
                 legend: str = "") -> None:
    """Fail when ``got`` does not have ``shape``; hint at transposes and missing batch axes."""
    if tuple(got.shape) == tuple(shape):
        return
    msg = f"[{case}] {what} has shape {tuple(got.shape)}; expected {tuple(shape)}"
    if legend:
        msg += f" {legend}"
    msg += "."
    if tuple(got.shape) == tuple(shape)[::-1] and len(shape) == 2:
        msg += " Hint: that is the expected shape transposed — check the order of the matmul" \
               " (x @ W.T gives (B, G*H) with W of shape (G*H, D))."
    elif got.size == int(np.prod(shape)):
        msg += " The number of elements is right: a reshape or axis order is off."
    elif len(got.shape) == len(shape) - 1:
        msg += " An axis is missing: did you sum or index over the batch?"
    raise AssertionError(msg)


# (atol, rtol) by the dtype the student's result came in. float32: the measured error of honest
# float32 implementations of every graded function on the graded cases is below 3e-6 absolute and
# 1e-5 relative (tests/assignments/test_honest.py); the factor of 10 keeps every mistake hint
# distinguishable (the closest one, a transposed square weight, differs by more than 1e-2).
TOLERANCES = {"float64": (1e-7, 1e-6), "float32": (3e-5, 1e-4), "float16": (3e-3, 1e-2)}


def expect_close(got: Any, want: Any, what: str, case: str, *, legend: str = "",
                 mistakes: Mapping[str, Any] | None = None, atol: float | None = None,
                 rtol: float | None = None) -> None:
    """Fail unless ``got`` equals ``want`` within ``atol + rtol * |want|`` everywhere.

    ``mistakes`` maps a hint (what the student probably did) to the value that mistake produces
    on the same inputs; the first one ``got`` matches is named in the message. Without ``atol``
    and ``rtol`` the tolerance follows ``got``'s dtype (:data:`TOLERANCES`).
    """
    dtype = str(getattr(got, "dtype", "float64")).replace("torch.", "")
    default_atol, default_rtol = TOLERANCES.get(dtype, TOLERANCES["float64"])
    atol = default_atol if atol is None else atol
    rtol = default_rtol if rtol is None else rtol
    want = np.asarray(want, dtype=np.float64)
    got = as_array(got, what, case)
    expect_shape(got, want.shape, what, case, legend)
    with np.errstate(all="ignore"):
        diff = got - want
        scale = want * want
    err = _max_abs(diff)
    tol = atol + rtol * (float(scale.max()) ** 0.5 if scale.size else 0.0)
    if err <= tol:
        return
    if err == float("inf"):
        where = "it contains NaN or inf"
    else:
        idx = tuple(int(i) for i in np.unravel_index(int((diff * diff).argmax()), diff.shape))
        where = (f"largest error {err:.3g} at index {list(idx)}: got {float(got[idx]):.6g}, "
                 f"expected {float(want[idx]):.6g}")
    msg = f"[{case}] {what} is wrong: {where} (tolerance {tol:.1g})."
    for hint, value in (mistakes or {}).items():
        value = np.asarray(value, dtype=np.float64)
        if value.shape == got.shape and _max_abs(got - value) <= tol:
            msg += f" Hint: your {what} equals what {hint} gives."
            break
    raise AssertionError(msg)


def expect_equal_number(got: Any, want: int, what: str, case: str,
                        mistakes: Mapping[str, int] | None = None) -> None:
    """Fail unless ``got`` is the integer ``want``; name a matching mistake."""
    if isinstance(got, bool) or not isinstance(got, (int, np.integer)):
        raise AssertionError(f"[{case}] {what}: expected an int, got {type(got).__name__}.")
    if int(got) == want:
        return
    msg = f"[{case}] {what} is {int(got)}; expected {want}."
    for hint, value in (mistakes or {}).items():
        if int(got) == value:
            msg += f" Hint: that is what {hint} gives."
            break
    raise AssertionError(msg)


def unpack(result: Any, n: int, what: str, names: str) -> tuple:
    """Check that a function returned ``n`` values (a tuple, or a list: Python code that unpacks
    them accepts both); say what it returned otherwise."""
    if not isinstance(result, (tuple, list)) or len(result) != n:
        got = (f"{len(result)} values" if isinstance(result, (tuple, list))
               else type(result).__name__)
        raise AssertionError(f"{what} must return {n} values {names}; it returned {got}.")
    return tuple(result)


def expect_unchanged(after: list, before: list, what: str, case: str) -> None:
    """Fail when a function changed the arrays it was given (``x += ...`` on an argument)."""
    for k, (a, b) in enumerate(zip(after, before, strict=False)):
        a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
        if a.shape != b.shape or _max_abs(a - b) > 0:
            raise AssertionError(
                f"[{case}] {what} changed its array argument #{k + 1} in place. The caller's "
                "arrays must stay as they were: write `a = a + b` (a new array) instead of "
                "`a += b`, or copy first.")


def unpack_grads(grads: Any, keys: tuple[str, ...], case: str) -> dict[str, Any]:
    """Check that ``grads`` is a dict with one gradient per parameter; return them by key."""
    if not isinstance(grads, dict):
        raise AssertionError(f"grads must be a dict with keys {list(keys)}; "
                             f"got {type(grads).__name__}.")
    for key in keys:
        if key not in grads:
            raise AssertionError(f"[{case}] grads has no key {key!r}; "
                                 f"expected the keys {list(keys)} (like params).")
    return {key: grads[key] for key in keys}
