"""Experiment 3: what values does a trained LSTM's forget gate take?

Claim tested (chapters 2 and 3): the notes say gates are "in most cases either 0 or 1" (and,
elsewhere, that most forget-gate positions are 0). We collect every forget-gate value
f_t (all steps, sentences and units) of LSTMs trained in experiments 1 and 4, computed by the
reference :func:`lstmcourse.numpy.lstm` from the trained weights, and of one untrained LSTM.
"Near 0" means f < 0.1 and "near 1" means f > 0.9.
"""

from __future__ import annotations

import numpy as np
import torch

from lstmcourse import tasks
from lstmcourse.numpy import lstm, params_from_torch

from . import negation
from .common import agreement_model, stable_seed, train_agreement

NAME = "forget-gates"
TITLE = "Forget-gate values in trained LSTMs"
CONFIGS = {
    "full": {"distance": 40, "seed": 0, "n": 256},
    "small": {"distance": 40, "seed": 0, "n": 256},
}
BINS = np.linspace(0.0, 1.0, 21)


def forget_values(model, x) -> np.ndarray:
    """All forget-gate values of ``model`` (a SequenceClassifier with an LSTM) on ``x`` (T, B).

    Returns a flat array of T * B * H values, from ``lstmcourse.numpy.lstm``'s cache["f"].
    """
    inputs = model.features(x).detach().double().numpy()      # (T, B, E)
    # copy the weights into a torch.nn.LSTM, whatever backend trained them (same names)
    ref = torch.nn.LSTM(model.rnn.input_size, model.rnn.hidden_size)
    ref.load_state_dict(model.rnn.state_dict())
    _, _, cache = lstm(inputs, params_from_torch(ref))
    return np.asarray(cache["f"]).ravel()                    # from (T, B, H)


def run(config: dict, *, device: str = "cpu") -> dict:
    d, seed, n = config["distance"], config["seed"], config["n"]
    agree = tasks.agreement(n, d, seed=stable_seed("forget-gates", d, seed))
    neg = tasks.negation(n, **negation.TASK, seed=stable_seed("forget-gates", "negation", seed))
    models = {
        f"agreement, trained (d={d})": (train_agreement("lstm", d, seed, device).model, agree),
        "negation, trained": (negation.train_negation("lstm", seed, device).model, neg),
        "agreement, untrained": (agreement_model("lstm", d, seed), agree),
    }
    rows, summary = [], {}
    for label, (model, data) in models.items():
        f = forget_values(model, data.x)
        hist, _ = np.histogram(f, bins=BINS)
        for lo, hi, c in zip(BINS[:-1], BINS[1:], hist / f.size, strict=True):
            rows.append({"model": label, "bin_lo": round(lo, 2), "bin_hi": round(hi, 2),
                         "fraction": round(float(c), 5)})
        summary[label] = {"near_0": round(float((f < 0.1).mean()), 4),
                          "near_1": round(float((f > 0.9).mean()), 4),
                          "near_0_or_1": round(float(((f < 0.1) | (f > 0.9)).mean()), 4),
                          "mean": round(float(f.mean()), 4), "trained": "untrained" not in label}
    return {"rows": rows, "summary": summary}


def plot(results: dict, ax=None):
    """Histogram (fraction of values per bin) of f for each model, shaded ends at 0.1, 0.9."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.6))
    for label, s in results["summary"].items():
        rows = [r for r in results["rows"] if r["model"] == label]
        centers = [(r["bin_lo"] + r["bin_hi"]) / 2 for r in rows]
        ax.plot(centers, [r["fraction"] for r in rows], marker="o", ms=3,
                ls="--" if not s["trained"] else "-",
                label=f"{label}: {s['near_0_or_1']:.0%} near 0 or 1")
    for x0, x1 in ((0, 0.1), (0.9, 1.0)):
        ax.axvspan(x0, x1, color="gray", alpha=0.15)
    ax.set_xlabel("forget-gate value f")
    ax.set_ylabel("fraction of values")
    ax.set_ylim(0, 1.5 * max(r["fraction"] for r in results["rows"]))
    ax.legend(fontsize=8, loc="upper center")
    ax.set_title("Are forget gates mostly 0 or 1?")
    return ax
