"""Experiment 6: a bidirectional LSTM against a forward LSTM when the deciding word is late.

Claim tested (chapter 6): a Bi-RNN "reads the whole sentence first": when it has read the
first half, its backward direction already holds the second half, so it judges better.
Task: :func:`lstmcourse.tasks.late_decision`, the verdict is set by a word in the last 30 %
of the review. Every model labels **every step** with the review's verdict (a reader asked
"so far, what is the verdict?"). Models: a forward LSTM, the same LSTM fed the review
backwards, and a BiLSTM (both directions, H units each).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch
from torch.nn import functional as F

from lstmcourse import tasks
from lstmcourse.train import fit, seed_everything

from .common import stable_seed
from .models import SequenceClassifier

NAME = "bidirectional"
TITLE = "BiLSTM against LSTM when the deciding word comes late"
TASK = {"length": 30, "decide_from": 0.7}
TRAIN = {"per_epoch": 1024, "epochs": 15, "lr": 1e-2, "batch": 64, "n_val": 512,
         "n_test": 1024, "target": 0.99, "hidden": 32, "embed": 16}
MODELS = {"lstm": {}, "lstm-backward": {"reverse": True}, "bilstm": {"bidirectional": True}}
CONFIGS = {
    "full": {"models": list(MODELS), "seeds": [0, 1]},
    "small": {"models": ["lstm", "bilstm"], "seeds": [0]},
}
OFFSETS = range(-20, 6)     # step minus the deciding word's step, for the per-offset curve


def per_step_loss(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Cross-entropy of (T, B, C) per-step logits against the review's class y (B,)."""
    return F.cross_entropy(out.reshape(-1, out.shape[-1]), y.repeat(out.shape[0]))


def per_step_accuracy(out: torch.Tensor, y: torch.Tensor) -> float:
    return (out.argmax(-1) == y).float().mean().item()


@lru_cache(maxsize=8)
def train_model(name: str, seed: int, device: str = "cpu"):
    key = ("bidirectional", name, seed)
    val = tasks.late_decision(TRAIN["n_val"], **TASK, seed=stable_seed(*key, "val"))

    def data(epoch: int):
        d = tasks.late_decision(TRAIN["per_epoch"], **TASK, seed=stable_seed(*key, epoch))
        return d.x, d.y

    seed_everything(stable_seed(*key, "init"))
    model = SequenceClassifier("lstm", TRAIN["hidden"], 2, vocab_size=len(tasks.SENTIMENT_VOCAB),
                               embed_size=TRAIN["embed"], per_step=True, **MODELS[name])
    result = fit(model, data, (val.x, val.y), loss_fn=per_step_loss,
                 score_fn=per_step_accuracy, epochs=TRAIN["epochs"], patience=TRAIN["epochs"],
                 target=TRAIN["target"], lr=TRAIN["lr"], batch_size=TRAIN["batch"],
                 seed=stable_seed(*key, "order"), device=device, desc=f"late {name}")
    return model.cpu(), result


def run(config: dict, *, device: str = "cpu") -> dict:
    rows, curves = [], {}
    for name in config["models"]:
        for seed in config["seeds"]:
            model, result = train_model(name, seed, device)
            test = tasks.late_decision(TRAIN["n_test"], **TASK,
                                       seed=stable_seed("bidirectional", "test", seed))
            with torch.no_grad():
                ok = (model(test.x).argmax(-1) == test.y).numpy()      # (T, B)
            steps = np.arange(ok.shape[0])[:, None]
            before = steps < test.info["decide_at"][None, :]          # (T, B)
            rows.append({"model": name, "seed": seed, "accuracy": round(float(ok.mean()), 4),
                         "acc_before": round(float(ok[before].mean()), 4),
                         "acc_after": round(float(ok[~before].mean()), 4),
                         "acc_last_step": round(float(ok[-1].mean()), 4),
                         "epochs": len(result.history)})
            rel = steps - test.info["decide_at"][None, :]
            curves.setdefault(name, []).append(
                [float(ok[rel == k].mean()) if (rel == k).any() else None for k in OFFSETS])
    curve = {n: [round(float(np.mean([c[i] for c in cs])), 4) for i in range(len(OFFSETS))]
             for n, cs in curves.items()}
    summary = {n: {k: round(float(np.mean([r[k] for r in rows if r["model"] == n])), 4)
                   for k in ("accuracy", "acc_before", "acc_after", "acc_last_step")}
               for n in config["models"]}
    return {"rows": rows, "summary": summary, "offsets": list(OFFSETS), "curve": curve,
            "task": dict(TASK), "training": dict(TRAIN)}


def plot(results: dict, ax=None):
    """Per-step accuracy against the step's distance to the deciding word."""
    import matplotlib.pyplot as plt

    from .plotting import legend_outside

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.6))
    labels = {"lstm": "LSTM (forward)", "lstm-backward": "LSTM reading backwards",
              "bilstm": "BiLSTM"}
    for name, ys in results["curve"].items():
        ax.plot(results["offsets"], ys, "-o", ms=3, label=labels.get(name, name))
    ax.axvline(0, color="k", lw=0.8, ls=":")
    ax.set_xlabel("step minus the deciding word's step (steps)")
    ax.set_ylabel("accuracy of the verdict\nat that step (fraction)")
    ax.set_ylim(0.3, 1.03)
    legend_outside(ax)
    ax.set_title("Judging before the deciding word")
    return ax
