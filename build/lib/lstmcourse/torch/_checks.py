"""Input checks shared by the cells and the layers.

torch.nn reports a wrong rank with ``ValueError`` and a wrong size with ``RuntimeError``. Code that
swaps in our modules may catch either, so every size error here is a :class:`ShapeError`, which is
both. Each message names the argument, the shape it got and the shape it expected.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch


class ShapeError(ValueError, RuntimeError):
    """A tensor has the wrong size. Caught by ``except ValueError`` and ``except RuntimeError``."""


def check_rank(name: str, who: str, tensor: torch.Tensor, allowed: Sequence[int]) -> None:
    """Raise ``ValueError`` unless ``tensor.dim()`` is one of ``allowed`` (like torch.nn)."""
    if tensor.dim() not in allowed:
        ranks = " or ".join(f"{r}D" for r in allowed)
        raise ValueError(
            f"{who}: Expected {name} to be {ranks}, got {tensor.dim()}D instead "
            f"(shape {tuple(tensor.shape)})"
        )


def check_dtype(who: str, tensor: torch.Tensor, weight: torch.Tensor) -> None:
    """Raise ``ValueError`` when the input's dtype differs from the weights' (like torch.nn)."""
    if tensor.dtype != weight.dtype:
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
