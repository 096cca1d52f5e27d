"""Experiment 3: what values does a trained LSTM's forget gate take?

Claim tested (chapters 2 and 3): the notes say gates are "in most cases either 0 or 1" (and,
elsewhere, that most forget-gate positions are 0). We collect every forget-gate value
f_t (all steps, sentences and units) of LSTMs trained in experiments 1 and 4, computed by the
reference :func:`lstmcourse.numpy.lstm` from the trained weights, and of the same agreement
LSTMs before training. "Near 0" means f < 0.1 and "near 1" means f > 0.9.

The values are pooled over seeds (every model adds the same number of values): one model's
share of values near 0 or 1 depends on its seed (measured: 0.21 to 0.56 over ten agreement
LSTMs), and which trajectory a seed takes can depend on the CPU's float kernels (issue 10).
Trained models count only when they learned their task (test accuracy >= ``learned``);
``models`` lists every model with its own share.
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
    # the agreement LSTMs of experiment 2 (same seeds) and the negation LSTMs of experiment 4
    "full": {"distance": 40, "seeds": list(range(10)), "negation_seeds": [0, 1],
             "learned": 0.9, "n": 256},
    "small": {"distance": 40, "seeds": list(range(10)), "negation_seeds": [0, 1],
              "learned": 0.9, "n": 256},
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


def near_0_or_1(f: np.ndarray) -> float:
    """Share of gate values below 0.1 or above 0.9."""
    return float(((f < 0.1) | (f > 0.9)).mean())


def run(config: dict, *, device: str = "cpu") -> dict:
    d, n = config["distance"], config["n"]
    agree = tasks.agreement(n, d, seed=stable_seed("forget-gates", d, 0))
    neg = tasks.negation(n, **negation.TASK, seed=stable_seed("forget-gates", "negation", 0))
    # (group, seed, model, test accuracy or None for untrained, sentences to run)
    candidates = []
    for seed in config["seeds"]:
        r = train_agreement("lstm", d, seed, device)
        candidates.append((f"agreement, trained (d={d})", seed, r.model, r.accuracy, agree))
    for seed in config["negation_seeds"]:
        r = negation.train_negation("lstm", seed, device)
        candidates.append(("negation, trained", seed, r.model, float(r.correct.mean()), neg))
    for seed in config["seeds"]:
        candidates.append(("agreement, untrained", seed, agreement_model("lstm", d, seed),
                           None, agree))
    models, pooled = [], {}
    for group, seed, model, acc, data in candidates:
        counted = acc is None or acc >= config["learned"]
        f = forget_values(model, data.x)
        models.append({"group": group, "seed": seed,
                       "accuracy": None if acc is None else round(acc, 4),
                       "counted": counted, "near_0_or_1": round(near_0_or_1(f), 4)})
        if counted:
            pooled.setdefault(group, []).append(f)
    rows, summary = [], {}
    for group, fs in pooled.items():
        f = np.concatenate(fs)
        hist, _ = np.histogram(f, bins=BINS)
        for lo, hi, c in zip(BINS[:-1], BINS[1:], hist / f.size, strict=True):
            rows.append({"model": group, "bin_lo": round(lo, 2), "bin_hi": round(hi, 2),
                         "fraction": round(float(c), 5)})
        summary[group] = {"near_0": round(float((f < 0.1).mean()), 4),
                          "near_1": round(float((f > 0.9).mean()), 4),
                          "near_0_or_1": round(near_0_or_1(f), 4),
                          "mean": round(float(f.mean()), 4), "trained": "untrained" not in group,
                          "models": len(fs)}
    return {"rows": rows, "summary": summary, "models": models}


def plot(results: dict, ax=None):
    """Histogram (fraction of values per bin) of f for each group of models (pooled), shaded
    ends at 0.1 and 0.9; the legend gives the number of models in each group."""
    import matplotlib.pyplot as plt

    from .plotting import legend_outside

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.6))
    for label, s in results["summary"].items():
        rows = [r for r in results["rows"] if r["model"] == label]
        centers = [(r["bin_lo"] + r["bin_hi"]) / 2 for r in rows]
        ax.plot(centers, [r["fraction"] for r in rows], marker="o", ms=3,
                ls="--" if not s["trained"] else "-",
                label=f"{label}, {s['models']} models: {s['near_0_or_1']:.0%} near 0 or 1")
    for x0, x1 in ((0, 0.1), (0.9, 1.0)):
        ax.axvspan(x0, x1, color="gray", alpha=0.15)
    ax.set_xlabel("forget-gate value f (0 to 1)")
    ax.set_ylabel("fraction of values per bin")
    ax.set_ylim(0, 1.05 * max(r["fraction"] for r in results["rows"]))
    legend_outside(ax, "below", ncol=1)
    ax.set_title("Are forget gates mostly 0 or 1?")
    return ax
