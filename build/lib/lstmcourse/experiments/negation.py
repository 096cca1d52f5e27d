"""Experiment 4: a bag-of-words network against an LSTM on sentiment with negation.

Claim tested (chapter 7): a network that only sees which words occur (the lecture's "DNN")
cannot tell "not good, good, no like" from "good, good, like"; an LSTM reads the order and
gets the negation right. Task: :func:`lstmcourse.tasks.negation` (three sentiment words, each
negated with probability 1/2 by "not"/"no" one to three words earlier, plus stray negators
that govern nothing).

Besides the trained models, the results hold the **bag-of-words ceiling**: the accuracy of the
best possible order-blind rule, which predicts the majority class of each combination of
(number of positive words, number of negators) on a large sample. No bag-of-words model can
beat it, however it is trained.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch
from torch import nn

from lstmcourse import tasks
from lstmcourse.train import FitResult, fit, seed_everything

from .common import stable_seed
from .models import BagOfWords, SequenceClassifier

NAME = "negation"
TITLE = "Bag of words against LSTM on negated sentiment"
TASK = {"length": 16, "n_sentiment": 3, "max_gap": 3, "p_stray": 0.5}
TRAIN = {"per_epoch": 2048, "epochs": 20, "lr": 1e-2, "batch": 64, "n_val": 1024,
         "n_test": 2048, "target": 0.995, "hidden": 32, "embed": 16}
CONFIGS = {
    "full": {"models": ["bow", "lstm", "gru"], "seeds": [0, 1]},
    "small": {"models": ["bow", "lstm"], "seeds": [0]},
}


def make_model(name: str) -> nn.Module:
    v = len(tasks.SENTIMENT_VOCAB)
    if name == "bow":
        return BagOfWords(v, 2, embed_size=TRAIN["embed"], hidden_size=TRAIN["hidden"])
    return SequenceClassifier(name, TRAIN["hidden"], 2, vocab_size=v, embed_size=TRAIN["embed"])


@dataclass
class NegationRun:
    model: nn.Module
    fit: FitResult
    correct: np.ndarray          # (B_test,) bool
    n_negated: np.ndarray        # (B_test,) how many sentiment words are negated


@lru_cache(maxsize=16)
def train_negation(name: str, seed: int, device: str = "cpu") -> NegationRun:
    """Train model ``name`` ("bow", "rnn", "lstm", "gru") on the negation task."""
    key = ("negation", name, seed)
    val = tasks.negation(TRAIN["n_val"], **TASK, seed=stable_seed(*key, "val"))
    test = tasks.negation(TRAIN["n_test"], **TASK, seed=stable_seed("negation", "test", seed))

    def data(epoch: int) -> tuple[torch.Tensor, torch.Tensor]:
        d = tasks.negation(TRAIN["per_epoch"], **TASK, seed=stable_seed(*key, epoch))
        return d.x, d.y

    seed_everything(stable_seed(*key, "init"))
    model = make_model(name)
    result = fit(model, data, (val.x, val.y), epochs=TRAIN["epochs"], patience=TRAIN["epochs"],
                 target=TRAIN["target"], lr=TRAIN["lr"], batch_size=TRAIN["batch"],
                 seed=stable_seed(*key, "order"), device=device, desc=f"negation {name}")
    model.cpu()
    with torch.no_grad():
        correct = (model(test.x).argmax(-1) == test.y).numpy()
    return NegationRun(model, result, correct, test.info["negated"].sum(axis=1))


def bag_of_words_ceiling(n: int = 20_000, seed: int = 0) -> float:
    """Best accuracy of any rule that sees only (positive words, negators) counts.

    Negative words are then fixed too (there are always ``n_sentiment`` sentiment words), and
    which filler words occur says nothing about the label, so these two counts are all that
    an order-blind reader can use. The rule is fitted and scored on the same large sample,
    which slightly flatters it.
    """
    d = tasks.negation(n, **TASK, seed=stable_seed("negation", "ceiling", seed))
    x = d.x.numpy()
    pos = np.isin(x, [d.vocab.index(w) for w in tasks.POSITIVE]).sum(axis=0)
    neg = np.isin(x, [d.vocab.index(w) for w in tasks.NEGATORS]).sum(axis=0)
    table = Counter(zip(pos, neg, d.y.numpy(), strict=True))
    best = Counter()
    for (p, k, _), count in table.items():
        best[(p, k)] = max(best[(p, k)], count)
    return sum(best.values()) / n


def run(config: dict, *, device: str = "cpu") -> dict:
    rows = []
    for name in config["models"]:
        for seed in config["seeds"]:
            r = train_negation(name, seed, device)
            row = {"model": name, "seed": seed, "accuracy": round(float(r.correct.mean()), 4),
                   "epochs": len(r.fit.history),
                   "params": sum(p.numel() for p in r.model.parameters())}
            for k in range(TASK["n_sentiment"] + 1):   # accuracy by number of negated words
                row[f"acc_negated_{k}"] = round(float(r.correct[r.n_negated == k].mean()), 4)
            rows.append(row)
    summary = {m: round(float(np.mean([r["accuracy"] for r in rows if r["model"] == m])), 4)
               for m in config["models"]}
    return {"rows": rows, "summary": summary, "bow_ceiling": round(bag_of_words_ceiling(), 4),
            "task": dict(TASK), "training": dict(TRAIN)}


def plot(results: dict, ax=None):
    """Accuracy by number of negated sentiment words, one bar group per model."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.6))
    models = list(results["summary"])
    ks = sorted(int(k.rsplit("_", 1)[1]) for k in results["rows"][0] if k.startswith("acc_neg"))
    width = 0.8 / len(models)
    labels = {"bow": "bag of words"}
    for i, m in enumerate(models):
        rows = [r for r in results["rows"] if r["model"] == m]
        vals = [np.mean([r[f"acc_negated_{k}"] for r in rows]) for k in ks]
        ax.bar(np.array(ks) + (i - (len(models) - 1) / 2) * width, vals, width,
               label=f"{labels.get(m, m.upper())} ({results['summary'][m]:.0%})")
    ax.axhline(results["bow_ceiling"], color="k", ls="--", lw=1,
               label=f"bag-of-words ceiling ({results['bow_ceiling']:.0%})")
    ax.set_xticks(ks)
    ax.set_xlabel("negated sentiment words in the review")
    ax.set_ylabel("test accuracy")
    ax.set_ylim(0, 1.3)
    ax.set_yticks(np.linspace(0, 1, 6))
    ax.legend(fontsize=8, loc="upper center", ncol=2)
    ax.set_title("Who understands \"not\"?")
    return ax
