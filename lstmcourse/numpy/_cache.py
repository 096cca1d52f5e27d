"""The base classes of every cache: a named record of what a forward pass must hand to backward.

A forward function returns ``(..., cache)``; its backward twin takes the cache back. Caches are
small dataclasses rather than tuples so that the fields have names, and all of them expose the
gate activations by name, both as ``cache.gates["f"]`` and ``cache["f"]`` (handy for plots).
For one step a gate is (B, H); for a sequence it is stacked over time, (T, B, H).
"""

from __future__ import annotations

from functools import cached_property

import numpy as np


class Cache:
    """``cache[name]`` reads ``cache.gates[name]`` (gate name -> activation)."""

    gates: dict[str, np.ndarray]

    def __getitem__(self, name: str) -> np.ndarray:
        try:
            return self.gates[name]
        except KeyError:
            raise KeyError(
                f"this {type(self).__name__} has no gate {name!r}; its gates are {list(self.gates)}"
            ) from None


class SequenceCache(Cache):
    """A sequence's cache: ``steps`` holds one cell cache per time step, in time order."""

    steps: list

    @cached_property
    def gates(self) -> dict[str, np.ndarray]:
        """Every gate stacked over time, (T, B, H) (built on first use)."""
        return {k: np.stack([step.gates[k] for step in self.steps]) for k in self.steps[0].gates}


def add_grads(total: dict | None, grads: dict) -> dict:
    """``total + grads`` key by key, in place (``total`` None: start from ``grads``)."""
    if total is None:
        return grads
    for key in total:
        total[key] += grads[key]
    return total
