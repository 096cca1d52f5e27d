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


def _ceiling_hits(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Where the best order-blind rule is right on a large sample, and how many words each
    example negates: ``(hits (n,) bool, n_negated (n,) int)``.

    The rule sees only the counts of positive words and of negators. Negative words are then
    fixed too (there are always ``n_sentiment`` sentiment words), and which filler words occur
    says nothing about the label, so these two counts are all that an order-blind reader can
    use. It predicts the majority label of each (positives, negators) cell; it is fitted and
    scored on the same sample, which slightly flatters it.
    """
    d = tasks.negation(n, **TASK, seed=stable_seed("negation", "ceiling", seed))
    x = d.x.numpy()
    pos = np.isin(x, [d.vocab.index(w) for w in tasks.POSITIVE]).sum(axis=0)
    neg = np.isin(x, [d.vocab.index(w) for w in tasks.NEGATORS]).sum(axis=0)
    y = d.y.numpy()
    table = Counter(zip(pos, neg, y, strict=True))
    majority = {}
    for (p, k, label), count in table.items():
        if count > table[(p, k, 1 - label)] or (count == table[(p, k, 1 - label)] and label):
            majority[(p, k)] = label
    hits = np.array([majority[(p, k)] == t for p, k, t in zip(pos, neg, y, strict=True)])
    return hits, d.info["negated"].sum(axis=1)


def bag_of_words_ceiling(n: int = 20_000, seed: int = 0) -> float:
    """Best accuracy of any rule that sees only (positive words, negators) counts."""
    hits, _ = _ceiling_hits(n, seed)
    return float(hits.mean())


def bag_of_words_ceiling_by_negated(n: int = 20_000, seed: int = 0) -> dict[str, float]:
    """The same rule's accuracy on the reviews with k negated sentiment words, by k ("0".."3").

    The overall ceiling is their average weighted by how often each k occurs, so one line at
    the overall value says nothing about a single group: the plot draws these instead.
    """
    hits, negated = _ceiling_hits(n, seed)
    return {str(k): round(float(hits[negated == k].mean()), 4) for k in np.unique(negated)}


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
            "bow_ceiling_by_negated": bag_of_words_ceiling_by_negated(),
            "task": dict(TASK), "training": dict(TRAIN)}


def plot(results: dict, ax=None):
    """Accuracy by number of negated sentiment words, one bar group per model, plus a group
    "all" with the overall accuracy.

    The order-blind ceiling bounds only the *overall* accuracy (a bag of words cannot see how
    many words are negated, so it may trade one group against another), so its line spans
    the "all" group alone. Over each count k a black tick shows what the best order-blind rule
    scores on that group: a reference, not a bound.
    """
    import matplotlib.pyplot as plt

    from .plotting import legend_outside

    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 3.6))
    models = list(results["summary"])
    ks = sorted(int(k.rsplit("_", 1)[1]) for k in results["rows"][0] if k.startswith("acc_neg"))
    by_k = results.get("bow_ceiling_by_negated") or bag_of_words_ceiling_by_negated()
    xs = np.arange(len(ks) + 1)                      # the counts, then "all"
    width = 0.8 / len(models)
    labels = {"bow": "bag of words"}
    for i, m in enumerate(models):
        rows = [r for r in results["rows"] if r["model"] == m]
        vals = [np.mean([r[f"acc_negated_{k}"] for r in rows]) for k in ks]
        ax.bar(xs + (i - (len(models) - 1) / 2) * width, vals + [results["summary"][m]],
               width, label=labels.get(m, m.upper()))
    ax.hlines([by_k[str(k)] for k in ks], xs[:-1] - 0.45, xs[:-1] + 0.45, color="k", lw=1.5,
              linestyles=":", label="best order-blind rule on the group")
    ax.hlines(results["bow_ceiling"], xs[-1] - 0.45, xs[-1] + 0.45, color="k", lw=2.5,
              label=f"order-blind ceiling, overall ({results['bow_ceiling']:.0%})")
    ax.set_xticks(xs, [str(k) for k in ks] + ["all"])
    ax.set_xlabel("negated sentiment words in the review (count)")
    ax.set_ylabel("test accuracy (fraction)")
    ax.set_ylim(0, 1.05)
    legend_outside(ax, "below", ncol=2)
    ax.set_title("Who understands \"not\"?")
    return ax
