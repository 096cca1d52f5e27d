"""Experiments that test the lecture's claims on small, seeded, CPU-sized models.

Run one from the command line (``python -m lstmcourse.experiments --help`` lists them)::

    python -m lstmcourse.experiments distance            # full configuration, stored results
    python -m lstmcourse.experiments all --small --out /tmp/x

Each experiment module has ``NAME``, ``TITLE``, ``CONFIGS`` (``"full"`` and ``"small"``, the
small one a subset of the full one), ``run(config, device=...) -> dict`` and
``plot(results, ax=None)``. :func:`run_experiment` adds bookkeeping (configuration, machine,
wall time) and writes ``<name>.json``, ``<name>.csv`` and ``<name>.png``. The book reads the
stored JSON (:func:`load`) and draws the figures with the same ``plot`` functions;
:mod:`.claims` turns the numbers into verdicts.
"""

from __future__ import annotations

import time
from pathlib import Path
from types import ModuleType

from . import (
    bidirectional,
    distance,
    forget_gates,
    gradients,
    gru_vs_lstm,
    negation,
    practice,
    tanh_sigmoid,
)
from .common import RESULTS_DIR, load_results, machine, save_results
from .plotting import SAVE_DPI, use_book_style

__all__ = ["EXPERIMENTS", "RESULTS_DIR", "run_experiment", "load", "plot"]

EXPERIMENTS: dict[str, ModuleType] = {m.NAME: m for m in (
    distance, gradients, forget_gates, negation, gru_vs_lstm, bidirectional, tanh_sigmoid,
    practice)}


def _module(name: str) -> ModuleType:
    if name not in EXPERIMENTS:
        raise ValueError(f"unknown experiment {name!r}; expected one of {sorted(EXPERIMENTS)}")
    return EXPERIMENTS[name]


def run_experiment(name: str, size: str = "full", *, out_dir: Path | str | None = RESULTS_DIR,
                   device: str = "cpu", figure: bool = True) -> dict:
    """Run experiment ``name`` in configuration ``size`` ("full" or "small").

    Writes ``<name>.json`` / ``.csv`` (and ``.png`` when ``figure``) to ``out_dir`` unless it
    is ``None``; returns the results dict.
    """
    mod = _module(name)
    if size not in mod.CONFIGS:
        raise ValueError(f"size must be one of {sorted(mod.CONFIGS)}, got {size!r}")
    start = time.perf_counter()
    results = mod.run(mod.CONFIGS[size], device=device)
    results = {"name": name, "title": mod.TITLE, "size": size, "config": mod.CONFIGS[size],
               "seconds": round(time.perf_counter() - start, 2), "machine": machine(),
               **results}
    if out_dir is not None:
        save_results(name, results, out_dir)
        if figure:
            import matplotlib.pyplot as plt

            fig = plot(name, results)
            fig.savefig(Path(out_dir) / f"{name}.png", dpi=SAVE_DPI, bbox_inches="tight")
            plt.close(fig)
    return results


def load(name: str, results_dir: Path | str = RESULTS_DIR) -> dict:
    """The stored results of experiment ``name``."""
    _module(name)
    return load_results(name, results_dir)


def plot(name: str, results: dict | None = None):
    """Draw experiment ``name``'s figure from ``results`` (default: the stored ones).

    Returns the matplotlib Figure.
    """
    use_book_style()
    ax = _module(name).plot(results if results is not None else load(name))
    fig = (ax[0] if hasattr(ax, "__len__") else ax).figure
    fig.tight_layout()
    return fig
