"""The inputs every check runs: a few fixed cases, then random ones from a seed.

A case is a name a student can read in a failure message plus sizes and a scale for the inputs.
Fixed cases cover the corners (a batch of one, one feature and one unit, saturating inputs, zero
inputs and states); random cases draw sizes so that D, H and B differ and shape slips show up.
Hidden tests pass another ``seed`` and ``n_random`` and so see inputs the student never saw.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from lstmcourse.numpy import init_params


@dataclass(frozen=True)
class Case:
    """Sizes of one test: T time steps, B batch, D input features, H hidden units."""

    name: str
    B: int
    D: int
    H: int
    T: int = 1
    scale: float = 1.0  # inputs and states are drawn in ±scale
    zero: bool = False  # zero inputs and zero states

    def label(self) -> str:
        sizes = f"T={self.T}, B={self.B}, D={self.D}, H={self.H}"
        return f"{self.name} ({sizes})"


FIXED = (
    Case("small", B=2, D=3, H=4, T=3),
    Case("batch of 1", B=1, D=3, H=2, T=2),
    Case("one feature, one unit", B=3, D=1, H=1, T=4),
    Case("large inputs", B=2, D=4, H=3, T=3, scale=30.0),
    Case("zero input and state", B=2, D=2, H=3, T=2, zero=True),
)


def cases(seed: int = 0, n_random: int = 3, fixed: bool = True) -> Iterator[Case]:
    """The fixed cases (unless ``fixed=False``), then ``n_random`` random ones from ``seed``."""
    if fixed:
        yield from FIXED
    rng = np.random.default_rng(seed)
    for k in range(n_random):
        B, D, H, T = (int(v) for v in rng.integers([1, 1, 1, 1], [6, 7, 7, 7]))
        # The label never names the seed: hidden tests' seeds stay out of the feedback.
        yield Case(f"random #{k + 1}", B=B, D=D, H=H, T=T)


def data(case: Case, cell: str, seed: int, sequence: bool = False) -> dict:
    """Parameters, input and states for ``case``; x is (T, B, D) if ``sequence`` else (B, D)."""
    rng = np.random.default_rng(seed)
    params = init_params(cell, case.D, case.H, rng=rng)
    if case.scale != 1.0:
        # Scale the weights too so that pre-activations really saturate the gates.
        params = {k: v * case.scale**0.5 for k, v in params.items()}
    xshape = (case.T, case.B, case.D) if sequence else (case.B, case.D)
    factor = 0.0 if case.zero else case.scale
    return {
        "params": params,
        "x": rng.uniform(-1, 1, xshape) * factor,
        "h": rng.uniform(-1, 1, (case.B, case.H)) * (0.0 if case.zero else 1.0),
        "c": rng.uniform(-1, 1, (case.B, case.H)) * (0.0 if case.zero else 1.0),
        "dout": rng.standard_normal(xshape[:-1] + (case.H,)),
        "dh": rng.standard_normal((case.B, case.H)),
        "dc": rng.standard_normal((case.B, case.H)),
    }
