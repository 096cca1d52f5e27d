"""Experiment 5: GRU against LSTM: parameters, time per training step, accuracy.

Claims tested (chapter 5): the GRU has fewer parameters, is "relatively faster", and shows
"basically no significant difference" in accuracy. Parameters are counted on the modules and
checked against :func:`lstmcourse.numpy.params.lstm_param_count` / ``gru_param_count``. Time: one
training step (forward, backward, Adam) on a batch of agreement sentences, the two models
timed in alternation, median of ``repeats`` rounds, once with ``torch.nn``'s layers and once
with ``lstmcourse.torch``'s. Accuracy: the models of experiments 1
(agreement at several distances) and 4 (negation), same seeds and budget.
"""

from __future__ import annotations

import time

import numpy as np
import torch
from torch.nn import functional as F

from lstmcourse import tasks
from lstmcourse.numpy import gru_param_count, lstm_param_count

from . import negation
from .common import AGREEMENT, agreement_model, stable_seed, train_agreement
from .models import BACKENDS, backend, set_backend

NAME = "gru-vs-lstm"
TITLE = "GRU against LSTM: parameters, speed, accuracy"
CONFIGS = {
    "full": {"distances": [40, 60, 80], "seeds": [0, 1, 2], "negation_seeds": [0, 1],
             "timing": {"distance": 40, "batch": 64, "steps": 10, "repeats": 7}},
    "small": {"distances": [80], "seeds": [0, 1, 2], "negation_seeds": [0],
              "timing": {"distance": 40, "batch": 64, "steps": 5, "repeats": 3}},
}


def step_seconds(kinds: list[str], distance: int, batch: int, steps: int,
                 repeats: int, layers: str | None = None) -> dict[str, float]:
    """Median seconds of one training step per kind, timed in alternation.

    ``layers`` picks the backend of the recurrent layers for this measurement only.
    """
    data = tasks.agreement(batch, distance, seed=stable_seed("timing", distance))
    previous = backend()
    try:
        set_backend(layers or previous)
        models = {k: agreement_model(k, distance, 0) for k in kinds}
    finally:
        set_backend(previous)
    opts = {k: torch.optim.Adam(m.parameters(), lr=1e-3) for k, m in models.items()}
    times: dict[str, list[float]] = {k: [] for k in kinds}
    for _ in range(repeats):
        for k in kinds:
            start = time.perf_counter()
            for _ in range(steps):
                opts[k].zero_grad()
                F.cross_entropy(models[k](data.x), data.y).backward()
                opts[k].step()
            times[k].append((time.perf_counter() - start) / steps)
    return {k: float(np.median(v)) for k, v in times.items()}


def run(config: dict, *, device: str = "cpu") -> dict:
    kinds = ["lstm", "gru"]
    rows = []
    for kind in kinds:
        for d in config["distances"]:
            for seed in config["seeds"]:
                r = train_agreement(kind, d, seed, device)
                rows.append({"kind": kind, "task": f"agreement d={d}", "seed": seed,
                             "accuracy": round(r.accuracy, 4), "epochs": len(r.fit.history)})
        for seed in config["negation_seeds"]:
            r = negation.train_negation(kind, seed, device)
            rows.append({"kind": kind, "task": "negation", "seed": seed,
                         "accuracy": round(float(r.correct.mean()), 4),
                         "epochs": len(r.fit.history)})
    # time both implementations: the answer depends on which kernels a library has
    t = {b: step_seconds(kinds, **config["timing"], layers=b) for b in BACKENDS}
    h, e = AGREEMENT["hidden"], AGREEMENT["embed"]
    layer = {k: sum(p.numel() for p in agreement_model(k, 40, 0).rnn.parameters())
             for k in kinds}
    summary = {
        "params": {"lstm": layer["lstm"], "gru": layer["gru"],
                   "lstm_formula": lstm_param_count(e, h), "gru_formula": gru_param_count(e, h),
                   "ratio": round(layer["gru"] / layer["lstm"], 4)},
        "step_ms": {b: {k: round(1e3 * v, 3) for k, v in tb.items()} for b, tb in t.items()},
        "time_ratio": {b: round(tb["gru"] / tb["lstm"], 3) for b, tb in t.items()},
        "accuracy": {k: round(float(np.mean([r["accuracy"] for r in rows if r["kind"] == k])), 4)
                     for k in kinds},
        "epochs": {k: round(float(np.mean([r["epochs"] for r in rows if r["kind"] == k])), 2)
                   for k in kinds},
    }
    # paired differences (same task and seed) for the "no significant difference" claim
    diffs = [g["accuracy"] - lt["accuracy"] for g in rows if g["kind"] == "gru"
             for lt in rows if lt["kind"] == "lstm" and lt["task"] == g["task"]
             and lt["seed"] == g["seed"]]
    # the standard error needs two pairs; with one it is None (JSON null), never NaN
    sem = float(np.std(diffs, ddof=1) / np.sqrt(len(diffs))) if len(diffs) > 1 else None
    summary["accuracy_diff"] = {"mean": round(float(np.mean(diffs)), 4),
                                "sem": None if sem is None else round(sem, 4), "n": len(diffs)}
    return {"rows": rows, "summary": summary}


def plot(results: dict, ax=None):
    """Three panels: parameters, time per step, mean accuracy per task."""
    import matplotlib.pyplot as plt

    from .plotting import legend_outside

    s = results["summary"]
    if ax is None:
        _, ax = plt.subplots(1, 3, figsize=(9, 3.4))
    colors = ["tab:blue", "tab:green"]
    ax[0].bar(["LSTM", "GRU"], [s["params"]["lstm"], s["params"]["gru"]], color=colors)
    ax[0].set_title("recurrent layer")
    ax[0].set_ylabel("parameters (count)")
    backends = list(s["step_ms"])
    xs = np.arange(len(backends))
    for i, kind in enumerate(["lstm", "gru"]):
        ax[1].bar(xs + (i - 0.5) * 0.4, [s["step_ms"][b][kind] for b in backends], 0.4,
                  color=colors[i], label=kind.upper())
    ax[1].set_xticks(xs, backends, rotation=20, ha="right")
    ax[1].set_title("training step")
    ax[1].set_ylabel("time per step (ms)")
    task_names = list(dict.fromkeys(r["task"] for r in results["rows"]))
    xs = np.arange(len(task_names))
    for i, kind in enumerate(["lstm", "gru"]):
        means = [np.mean([r["accuracy"] for r in results["rows"]
                          if r["kind"] == kind and r["task"] == t]) for t in task_names]
        ax[2].bar(xs + (i - 0.5) * 0.4, means, 0.4, color=colors[i], label=kind.upper())
    ax[2].set_xticks(xs, [t.replace("agreement ", "") for t in task_names], rotation=20,
                     ha="right")
    ax[2].set_ylim(0.4, 1.02)
    ax[2].set_title("tasks")
    ax[2].set_ylabel("test accuracy (fraction)")
    legend_outside(ax[2])
    return ax
