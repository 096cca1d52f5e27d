"""The base class of every cache: a named record of what a forward pass must hand to backward.

A forward function returns ``(..., cache)``; its backward twin takes the cache back. Caches are
small dataclasses rather than tuples so that the fields have names, and all of them expose the
gate activations by name, both as ``cache.gates["f"]`` and ``cache["f"]`` (handy for plots).
For one step a gate is (B, H); for a sequence it is stacked over time, (T, B, H).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(eq=False)
class Cache:
    """Holds ``gates`` (gate name -> activation); ``cache[name]`` reads ``cache.gates[name]``."""

    gates: dict[str, np.ndarray]

    def __getitem__(self, name: str) -> np.ndarray:
        try:
            return self.gates[name]
        except KeyError:
            raise KeyError(
                f"this {type(self).__name__} has no gate {name!r}; its gates are {list(self.gates)}"
            ) from None
