"""Experiment 1: accuracy against dependency distance for RNN, LSTM and GRU.

Claim tested (chapter 1): plain RNNs fail to learn long-range dependencies; LSTMs (and GRUs)
learn them. Task: subject-verb agreement (:func:`lstmcourse.tasks.agreement`) with N
distractor words between the subject and the verb. Each model is trained on 0..N distractors
with the same budget of sentences and tested on sentences with exactly N.
"""

from __future__ import annotations

import numpy as np

from .common import AGREEMENT, train_agreement

NAME = "distance"
TITLE = "Accuracy against dependency distance (agreement task)"
CONFIGS = {
    "full": {"kinds": ["rnn", "lstm", "gru"], "distances": [10, 20, 40, 60, 80],
             "seeds": [0, 1, 2]},
    # a subset of "full": every seed at the longest distance, the point the claim's verdict
    # reads, so the test can regenerate that verdict and compare it with the stored one
    "small": {"kinds": ["rnn", "lstm", "gru"], "distances": [80], "seeds": [0, 1, 2]},
}


def run(config: dict, *, device: str = "cpu") -> dict:
    """Train every (kind, distance, seed) and record test accuracy at that distance."""
    rows = []
    for distance in config["distances"]:
        for kind in config["kinds"]:
            for seed in config["seeds"]:
                r = train_agreement(kind, distance, seed, device)
                rows.append({"kind": kind, "distance": distance, "seed": seed,
                             "accuracy": round(r.accuracy, 4), "epochs": len(r.fit.history),
                             "seconds": round(r.seconds, 2)})
    return {"rows": rows, "summary": summarize(rows), "training": dict(AGREEMENT)}


def summarize(rows: list[dict]) -> dict:
    """Median accuracy over seeds per kind and distance: ``{"lstm": {"60": 0.99, ...}, ...}``."""
    out: dict[str, dict[str, float]] = {}
    for r in rows:
        out.setdefault(r["kind"], {}).setdefault(str(r["distance"]), [])
        out[r["kind"]][str(r["distance"])].append(r["accuracy"])
    return {k: {d: round(float(np.median(v)), 4) for d, v in dd.items()}
            for k, dd in out.items()}


def plot(results: dict, ax=None):
    """Median test accuracy (line) and each seed (dots) against distance, one colour per kind."""
    import matplotlib.pyplot as plt

    from .plotting import legend_outside

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.6))
    colors = {"rnn": "tab:red", "lstm": "tab:blue", "gru": "tab:green"}
    for kind, medians in results["summary"].items():
        ds = sorted(int(d) for d in medians)
        ax.plot(ds, [medians[str(d)] for d in ds], "-o", color=colors.get(kind),
                label=kind.upper())
        pts = [(r["distance"], r["accuracy"]) for r in results["rows"] if r["kind"] == kind]
        ax.scatter(*zip(*pts, strict=True), s=12, alpha=0.35, color=colors.get(kind))
    ax.axhline(0.5, color="gray", lw=0.8, ls=":")
    ax.set_xlabel("distractor words between subject and verb (words)")
    ax.set_ylabel("test accuracy (fraction)")
    ax.set_ylim(0.4, 1.03)
    legend_outside(ax)
    ax.set_title("Who remembers the subject?")
    return ax
