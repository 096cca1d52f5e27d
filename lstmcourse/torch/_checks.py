"""Input checks shared by the cells and the layers.

torch.nn reports a wrong rank with ``ValueError`` and a wrong size with ``RuntimeError``. Code that
swaps in our modules may catch either, so every size error here is a :class:`ShapeError`, which is
both. A hidden state of the wrong kind (not a tensor, not a pair) is a :class:`StateTypeError`.
Each message names the argument, what it got and what was expected.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch


class ShapeError(ValueError, RuntimeError):
    """A tensor has the wrong size. Caught by ``except ValueError`` and ``except RuntimeError``."""


class StateTypeError(TypeError, AttributeError, IndexError, RuntimeError):
    """``hx`` is not the kind of object the module takes (a tensor, or a pair for the LSTM).

    torch.nn has no check for this: it fails on whichever line trips first, so the error type
    depends on the object (``AttributeError`` for a number or a string, ``IndexError`` for a
    one-element tuple, ``RuntimeError`` for three tensors, ``TypeError`` for an int given to the
    LSTM). This one error is all four, so any ``except`` clause written for torch.nn catches it,
    and its message says what was expected.
    """


def check_rank(name: str, who: str, tensor: torch.Tensor, allowed: Sequence[int]) -> None:
    """Raise ``ValueError`` unless ``tensor.dim()`` is one of ``allowed`` (like torch.nn)."""
    if tensor.dim() not in allowed:
        ranks = " or ".join(f"{r}D" for r in allowed)
        raise ValueError(
            f"{who}: Expected {name} to be {ranks}, got {tensor.dim()}D instead "
            f"(shape {tuple(tensor.shape)})"
        )


def kind_of(value: object) -> str:
    """A short description of what was passed, for messages: ``tuple of 1 (Tensor)``, ``int``."""
    if isinstance(value, (tuple, list)):
        inner = ", ".join(type(v).__name__ for v in value)
        return f"{type(value).__name__} of {len(value)} ({inner})"
    return type(value).__name__


def check_dtype(who: str, tensor: torch.Tensor, weight: torch.Tensor) -> None:
    """Raise ``ValueError`` when the input's dtype differs from the weights' (like torch.nn).

    Under autocast the dtypes may differ on purpose, and torch.nn skips the check; so do we.
    """
    if tensor.dtype != weight.dtype and not torch.is_autocast_enabled(tensor.device.type):
        raise ValueError(
            f"{who}: input dtype ({tensor.dtype}) does not match weight dtype ({weight.dtype}); "
            f"convert the input with input.to({weight.dtype}) or the module with "
            f"module.to({tensor.dtype})"
        )


def check_feature_size(who: str, x: torch.Tensor, input_size: int, legend: str) -> None:
    """Raise :class:`ShapeError` unless the last dimension of ``x`` is ``input_size``."""
    if x.size(-1) != input_size:
        raise ShapeError(
            f"{who}: input.size(-1) must be equal to input_size. Expected {input_size}, "
            f"got {x.size(-1)} (input has shape {tuple(x.shape)}, read as {legend})"
        )


def check_state(who: str, name: str, state: torch.Tensor, expected: tuple[int, ...]) -> None:
    """Raise :class:`ShapeError` unless ``state`` has exactly the ``expected`` shape."""
    if tuple(state.shape) != tuple(expected):
        raise ShapeError(f"{who}: Expected {name} size {tuple(expected)}, got {tuple(state.shape)}")
