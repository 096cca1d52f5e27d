"""Experiment 8 (chapter 9): three practices of training an LSTM, each against its absence.

The model is chapter 7's IMDB classifier scaled down to a CPU: ``Embedding(V, 32) ->
lstmcourse.torch.LSTM(32 units, 1 or 2 layers) -> Linear(1)``, one logit per review, trained
with binary cross-entropy on the generated reviews of :mod:`.reviews`.

- ``clipping``: SGD with momentum on long reviews (the rating comes first), with and without
  rescaling the gradient to norm 1 when it is larger. Records the gradient norm of every step
  *before* clipping, so both runs show the spikes; only one of them acts on them.
- ``bptt``: Adam on long reviews whose rating stands 13 to 45 steps before the end, with full
  backpropagation through time and truncated to the last ``k`` steps (the first ``T - k``
  steps run without a graph). Accuracy by distance of the rating, and the time of one
  training step (:func:`step_milliseconds`; epoch times are kept in the rows but drift with
  the load of a shared machine).
- ``stack``: Adam on short reviews (negation, "but", intensifiers), one layer of 32 units, two
  layers of 32, and one layer of 50 (about the stack's number of parameters); accuracy and
  the time of one training step.

The verdicts (:data:`VERDICTS`) are rules over the medians, each with its thresholds in its
docstring, like those of :mod:`.claims`; chapter 9 prints them.

Every run is keyed like the other experiments (:func:`.common.stable_seed`): initial weights and
batch order derive from the key, the data sets are fixed (generated once from their own seeds).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from lstmcourse.torch import LSTM
from lstmcourse.train import seed_everything

from . import reviews
from .common import stable_seed
from .plotting import legend_outside

NAME = "practice"
TITLE = "Training in practice: clipping, truncated BPTT, a stack of two layers"
DATA = {"n_train": 4000, "n_val": 1000, "n_test": 2000, "short_length": 48,
        "clip_length": 32, "clip_shortest": 7, "bptt_length": 48, "bptt_shortest": 16}
MODEL = {"embed": 32, "hidden": 32}
CLIPPING = {"optimizer": "sgd-momentum", "momentum": 0.9, "epochs": 12, "batch": 32,
            "max_norm": 1.0, "learned": 0.95}
BPTT = {"optimizer": "adam", "lr": 1e-2, "epochs": 12, "batch": 32, "max_norm": 1.0,
        "target": 0.99, "bins": [16, 24, 32, 40, 48]}
STACK = {"optimizer": "adam", "lr": 1e-2, "epochs": 10, "batch": 32, "max_norm": 1.0}
CONFIGS = {
    "full": {"lrs": [0.1, 0.3], "clips": [None, 1.0], "clip_seeds": [0, 1, 2, 3, 4, 5],
             "bptt": [8, 24, None], "bptt_seeds": [0, 1, 2],
             "stacks": ["1x32", "2x32", "1x50"], "stack_seeds": [0, 1, 2, 3, 4]},
    "small": {"lrs": [0.1], "clips": [None, 1.0], "clip_seeds": [0],
              "bptt": [8, None], "bptt_seeds": [0],
              "stacks": ["1x32", "2x32"], "stack_seeds": [0]},
}


class ReviewClassifier(nn.Module):
    """Chapter 7's classifier, time-major: tokens (T, B) -> (B,) logits.

    ``bptt=k`` truncates backpropagation to the last ``k`` steps: the first ``T - k`` steps
    run under ``no_grad`` and hand over their final (h, c) as a constant. The logits are the
    same as without truncation; only the gradient changes.
    """

    def __init__(self, vocab_size: int, *, embed: int = 32, hidden: int = 32,
                 num_layers: int = 1):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed)
        self.lstm = LSTM(embed, hidden, num_layers=num_layers)
        self.head = nn.Linear(hidden, 1)

    def forward(self, tokens: torch.Tensor, bptt: int | None = None) -> torch.Tensor:
        cut = 0 if bptt is None else max(tokens.shape[0] - bptt, 0)
        state = None
        if cut:
            with torch.no_grad():                      # no graph: nothing flows back here
                _, state = self.lstm(self.embed(tokens[:cut]))
        _, (h_n, _) = self.lstm(self.embed(tokens[cut:]), state)
        return self.head(h_n[-1]).squeeze(-1)          # h_n (layers, B, H) -> (B,)


def clip_gradient(parameters: list[nn.Parameter], max_norm: float | None) -> float:
    """Rescale the gradients to global norm ``max_norm`` if larger; return the norm before.

    The norm is summed in float64 so that neither tiny nor huge gradients lose it. Same rule
    as ``torch.nn.utils.clip_grad_norm_``; ``max_norm=None`` only measures.
    """
    grads = [p.grad for p in parameters if p.grad is not None]
    norm = math.sqrt(sum(float(g.double().pow(2).sum()) for g in grads))
    if max_norm is not None and norm > max_norm:
        scale = max_norm / (norm + 1e-6)
        for g in grads:
            g.mul_(scale)
    return norm


@dataclass
class Run:
    """One trained model and what its training recorded."""

    model: ReviewClassifier
    val_acc: list[float]          # after each epoch
    epoch_seconds: list[float]    # wall time of each epoch's training pass
    losses: np.ndarray            # (steps,) float64 mini-batch losses
    norms: np.ndarray             # (steps,) float64 gradient norms before clipping
    correct: np.ndarray           # (n_test,) bool, the final model on the test set
    diverged: bool                # a loss or norm stopped being a number


@lru_cache(maxsize=4)
def data(kind: str) -> dict[str, reviews.TaskData]:
    """The fixed data sets: ``kind`` "short" (rules), "clip" or "bptt" (long, rating first)."""
    def make(n: int, split: str) -> reviews.TaskData:
        seed = stable_seed("reviews", kind, split)
        if kind == "short":
            return reviews.reviews(n, length=DATA["short_length"], seed=seed)
        return reviews.long_reviews(n, length=DATA[f"{kind}_length"],
                                    shortest=DATA[f"{kind}_shortest"], seed=seed)
    if kind not in ("short", "clip", "bptt"):
        raise ValueError(f"kind must be 'short', 'clip' or 'bptt', got {kind!r}")
    return {s: make(DATA[f"n_{s}"], s) for s in ("train", "val", "test")}


@torch.no_grad()
def _accuracy(model: nn.Module, d: reviews.TaskData) -> np.ndarray:
    model.eval()
    return ((model(d.x) > 0).long() == d.y).numpy()


def train(model: ReviewClassifier, splits: dict, *, optimizer: torch.optim.Optimizer,
          epochs: int, batch: int, max_norm: float | None, seed: int,
          bptt: int | None = None, target: float | None = None) -> Run:
    """Mini-batch training; stops after ``epochs``, at ``target`` validation accuracy, or as
    soon as the loss or gradient norm is no longer a number."""
    x, y = splits["train"].x, splits["train"].y.float()
    params = list(model.parameters())
    gen = torch.Generator().manual_seed(seed)
    losses, norms, val_acc, seconds, diverged = [], [], [], [], False
    for _ in range(epochs):
        model.train()
        start = time.perf_counter()
        for idx in torch.randperm(len(y), generator=gen).split(batch):
            optimizer.zero_grad()
            loss = F.binary_cross_entropy_with_logits(model(x[:, idx], bptt), y[idx])
            loss.backward()
            norms.append(clip_gradient(params, max_norm))
            losses.append(loss.item())
            if not (math.isfinite(losses[-1]) and math.isfinite(norms[-1])):
                diverged = True
                break
            optimizer.step()
        seconds.append(time.perf_counter() - start)
        if diverged:
            break
        val_acc.append(float(_accuracy(model, splits["val"]).mean()))
        if target is not None and val_acc[-1] >= target:
            break
    correct = (np.zeros(len(splits["test"].y), bool) if diverged
               else _accuracy(model, splits["test"]))
    return Run(model, val_acc, seconds, np.array(losses), np.array(norms), correct, diverged)


def _model(key: tuple, layers: int = 1, hidden: int = MODEL["hidden"]) -> ReviewClassifier:
    seed_everything(stable_seed(*key, "init"))
    return ReviewClassifier(len(reviews.VOCAB), embed=MODEL["embed"], hidden=hidden,
                            num_layers=layers)


@lru_cache(maxsize=64)
def run_clipping(lr: float, clip: float | None, seed: int) -> Run:
    """SGD with momentum at learning rate ``lr``; ``clip`` None (off) or a max norm. The
    initial weights depend on ``seed`` only, so the runs with and without clipping start
    from the same model and coincide until the first step whose norm exceeds ``clip``."""
    model = _model(("practice", "clipping", seed))
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=CLIPPING["momentum"])
    return train(model, data("clip"), optimizer=opt, epochs=CLIPPING["epochs"],
                 batch=CLIPPING["batch"], max_norm=clip,
                 seed=stable_seed("practice", "clipping", seed, "order"))


@lru_cache(maxsize=64)
def run_bptt(k: int | None, seed: int) -> Run:
    """Adam on the long reviews, backpropagating through the last ``k`` steps (None: all)."""
    model = _model(("practice", "bptt", seed))
    opt = torch.optim.Adam(model.parameters(), lr=BPTT["lr"])
    return train(model, data("bptt"), optimizer=opt, epochs=BPTT["epochs"],
                 batch=BPTT["batch"], max_norm=BPTT["max_norm"], bptt=k,
                 target=BPTT["target"], seed=stable_seed("practice", "bptt", seed, "order"))


@lru_cache(maxsize=64)
def run_stack(shape: str, seed: int) -> Run:
    """Adam on the short reviews; ``shape`` "<layers>x<units>", e.g. "2x32"."""
    layers, hidden = (int(v) for v in shape.split("x"))
    model = _model(("practice", "stack", shape, seed), layers, hidden)
    opt = torch.optim.Adam(model.parameters(), lr=STACK["lr"])
    return train(model, data("short"), optimizer=opt, epochs=STACK["epochs"],
                 batch=STACK["batch"], max_norm=STACK["max_norm"],
                 seed=stable_seed("practice", "stack", shape, seed, "order"))


def step_milliseconds(models: dict[str, tuple[ReviewClassifier, int | None]], x: torch.Tensor,
                      repeats: int = 30) -> dict[str, float]:
    """Time of one training step (forward, backward, Adam) per model, in milliseconds.

    ``models`` maps a name to (model, bptt). The models take turns, step by step, and each
    keeps its fastest of ``repeats`` steps: on a shared machine other work slows single steps
    down but cannot make one faster, so the minimum, taken in turns, compares like with like.
    Epoch times recorded during training are not used for this (machine load drifts).
    """
    y = torch.zeros(x.shape[1])
    opts = {k: torch.optim.Adam(m.parameters(), lr=1e-3) for k, (m, _) in models.items()}
    best = dict.fromkeys(models, math.inf)
    for _ in range(repeats):
        for k, (m, bptt) in models.items():
            start = time.perf_counter()
            opts[k].zero_grad()
            F.binary_cross_entropy_with_logits(m(x, bptt), y).backward()
            opts[k].step()
            best[k] = min(best[k], time.perf_counter() - start)
    return {k: round(1000 * v, 3) for k, v in best.items()}


# --- the experiment -------------------------------------------------------------------------

def _log10(v: float) -> float | None:
    return round(math.log10(v), 3) if math.isfinite(v) and v > 0 else None


def _median(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return round(float(np.median(values)), 4) if values else None


def learned_at(val_acc: list[float], level: float) -> int | None:
    """First epoch (1-based) from which validation accuracy stays >= ``level``."""
    for e in range(len(val_acc)):
        if all(a >= level for a in val_acc[e:]):
            return e + 1
    return None


def forgot(val_acc: list[float], level: float) -> bool:
    """Did validation accuracy reach ``level`` and later fall below 0.8?"""
    reached = [e for e, a in enumerate(val_acc) if a >= level]
    return bool(reached) and any(a < 0.8 for a in val_acc[reached[0]:])


def _trace(values: np.ndarray, every: int = 5) -> list[float | None]:
    """log10 of the largest value in each window of ``every`` steps (None: not a number)."""
    out = []
    for i in range(0, len(values), every):
        w = values[i:i + every]
        out.append(None if not np.all(np.isfinite(w)) else _log10(float(w.max())))
    return out


def run(config: dict, *, device: str = "cpu") -> dict:
    if device != "cpu":
        raise ValueError(f"the practice experiment runs on the CPU only, got device={device!r}")
    rows, traces = [], {}
    level = CLIPPING["learned"]
    for lr in config["lrs"]:
        for clip in config["clips"]:
            for seed in config["clip_seeds"]:
                r = run_clipping(lr, clip, seed)
                rows.append({"part": "clipping", "setting": f"lr={lr} clip={clip}", "lr": lr,
                             "clip": clip, "seed": seed,
                             "accuracy": round(float(r.correct.mean()), 4),
                             "learned_at": learned_at(r.val_acc, level),
                             "forgot": forgot(r.val_acc, level), "diverged": r.diverged,
                             "log10_max_norm": _log10(float(np.max(r.norms))),
                             "log10_median_norm": _log10(float(np.median(r.norms))),
                             "max_loss": round(float(np.max(r.losses)), 4)
                             if np.all(np.isfinite(r.losses)) else None})
                if seed == config["clip_seeds"][0]:
                    traces[f"lr={lr} clip={clip}"] = {"norm": _trace(r.norms),
                                                      "loss": _trace(r.losses)}
    test = data("bptt")["test"]
    bins = [0, *BPTT["bins"]]
    for k in config["bptt"]:
        for seed in config["bptt_seeds"]:
            r = run_bptt(k, seed)
            d = test.info["distance"]
            row = {"part": "bptt", "setting": f"k={k}", "k": k, "seed": seed,
                   "accuracy": round(float(r.correct.mean()), 4),
                   "epochs": len(r.val_acc),
                   "epoch_seconds": round(float(np.median(r.epoch_seconds)), 3)}
            for lo, hi in zip(bins, bins[1:], strict=False):
                row[f"acc_{lo}_{hi}"] = round(float(r.correct[(d >= lo) & (d < hi)].mean()), 4)
            rows.append(row)
    for shape in config["stacks"]:
        for seed in config["stack_seeds"]:
            r = run_stack(shape, seed)
            rows.append({"part": "stack", "setting": shape, "seed": seed,
                         "accuracy": round(float(r.correct.mean()), 4),
                         "params": sum(p.numel() for p in r.model.parameters()),
                         "epoch_seconds": round(float(np.median(r.epoch_seconds)), 3)})
    summary = summarize(rows)
    # step times, measured in turns on one batch of 32 (see step_milliseconds)
    batch = slice(0, CLIPPING["batch"])
    bptt_ms = step_milliseconds({f"k={k}": (_model(("practice", "timing")), k)
                                 for k in config["bptt"]}, data("bptt")["train"].x[:, batch])
    stack_ms = step_milliseconds(
        {s: (_model(("practice", "timing", s), *map(int, s.split("x"))), None)
         for s in config["stacks"]}, data("short")["train"].x[:, batch])
    for part, ms in (("bptt", bptt_ms), ("stack", stack_ms)):
        for setting, v in ms.items():
            summary[part][setting]["step_ms"] = v
    return {"rows": rows, "summary": summary, "traces": traces,
            "data": dict(DATA), "model": dict(MODEL), "clipping": dict(CLIPPING),
            "bptt": dict(BPTT), "stack": dict(STACK)}


def summarize(rows: list[dict]) -> dict:
    """Medians over seeds for each setting of each part (the numbers the verdicts read)."""
    out: dict[str, dict] = {"clipping": {}, "bptt": {}, "stack": {}}
    for part in out:
        settings = dict.fromkeys(r["setting"] for r in rows if r["part"] == part)
        for s in settings:
            sel = [r for r in rows if r["part"] == part and r["setting"] == s]
            keys = [k for k, v in sel[0].items() if isinstance(v, float) or k in
                    ("learned_at", "params", "epochs")]
            med = {k: _median([r[k] for r in sel]) for k in keys
                   if k not in ("lr", "clip", "k")}
            med["seeds"] = len(sel)
            if part == "clipping":
                med["learned"] = sum(r["learned_at"] is not None for r in sel)
                med["forgot"] = sum(r["forgot"] for r in sel)
                med["diverged"] = sum(r["diverged"] for r in sel)
                spikes = [r["log10_max_norm"] - r["log10_median_norm"] for r in sel
                          if r["log10_max_norm"] is not None
                          and r["log10_median_norm"] is not None]
                med["log10_spike"] = _median(spikes)
            out[part][s] = med
    return out


# --- verdicts: each practice against its absence ----------------------------------------------

def clipping_verdict(r: dict):
    """Clipped against unclipped runs, pooled over learning rates and seeds. Holds if the
    clipped runs fail (never learn, or lose what they learned) at least 2 times fewer, or
    learn at least 2 epochs sooner (median) at every learning rate; partly if they are never
    worse (as many learned, median epoch no later) and the gradient norm peaks >= 10^1.5
    times above its median; else does not hold."""
    from .claims import FAILS, HOLDS, PARTLY, Verdict

    s = r["summary"]["clipping"]
    pairs = [(v, s[k.replace("clip=None", "clip=1.0")]) for k, v in s.items()
             if k.endswith("clip=None")]
    runs = sum(off["seeds"] for off, _ in pairs)

    def fails(v: dict) -> int:
        return v["seeds"] - v["learned"] + v["forgot"]

    fail_off, fail_on = sum(fails(a) for a, _ in pairs), sum(fails(b) for _, b in pairs)
    sooner = [(a["learned_at"] or math.inf) - (b["learned_at"] or math.inf) for a, b in pairs]
    spike = _median([v["log10_spike"] for v in s.values()])
    ev = (f"runs that failed: {fail_on} of {runs} clipped, {fail_off} of {runs} unclipped; "
          f"median epoch of learning, unclipped minus clipped: "
          f"{', '.join(f'{d:+.1f}' for d in sooner)}; "
          f"gradient norm peaks 10^{spike:.1f} times above its median")
    if fail_off - fail_on >= 2 or all(d >= 2 for d in sooner):
        return Verdict(HOLDS, ev)
    never_worse = fail_on <= fail_off and all(d >= 0 for d in sooner)
    return Verdict(PARTLY if never_worse and spike >= 1.5 else FAILS, ev)


def bptt_verdict(r: dict):
    """Median test accuracy over seeds: holds if full BPTT >= 0.9 and truncation to fewer
    steps than the nearest rating (k=8) <= 0.6; partly if full beats it by >= 0.2."""
    from .claims import FAILS, HOLDS, PARTLY, Verdict

    s = r["summary"]["bptt"]
    full, short = s["k=None"]["accuracy"], s["k=8"]["accuracy"]
    ev = f"full BPTT {full:.0%}, truncated to 8 steps {short:.0%}"
    if full >= 0.9 and short <= 0.6:
        return Verdict(HOLDS, ev)
    return Verdict(PARTLY if full - short >= 0.2 else FAILS, ev)


def stack_verdict(r: dict):
    """Median test accuracy over seeds: holds if two layers of 32 beat one layer of 32 by
    >= 1 point; partly if by > 0; else does not hold."""
    from .claims import FAILS, HOLDS, PARTLY, Verdict

    s = r["summary"]["stack"]
    one, two = s["1x32"]["accuracy"], s["2x32"]["accuracy"]
    ev = f"two layers {two:.1%}, one layer {one:.1%}"
    if two - one >= 0.01:
        return Verdict(HOLDS, ev)
    return Verdict(PARTLY if two > one else FAILS, ev)


VERDICTS = {"clipping": clipping_verdict, "bptt": bptt_verdict, "stack": stack_verdict}


# --- figures ----------------------------------------------------------------------------------

def plot_clipping(results: dict, axes=None):
    """Gradient norm (before clipping) and loss per step, first seed, with and without."""
    import matplotlib.pyplot as plt

    if axes is None:
        _, axes = plt.subplots(2, 1, figsize=(7, 5.2), sharex=True)
    lr = results["config"]["lrs"][0]
    # clipped first, unclipped on top: the two coincide until clipping first acts
    styles = {"1.0": ("#0969da", "clipped to norm 1"), "None": ("#cf222e", "no clipping")}
    for clip, (color, label) in styles.items():
        t = results["traces"][f"lr={lr} clip={clip}"]
        steps = np.arange(len(t["norm"])) * 5
        norm = [np.nan if v is None else v for v in t["norm"]]
        loss = [np.nan if v is None else 10 ** v for v in t["loss"]]
        axes[0].plot(steps, norm, color=color, lw=1, label=label)
        axes[1].plot(steps, loss, color=color, lw=1, label=label)
    axes[0].axhline(0, color="k", ls=":", lw=1)
    axes[0].set_ylabel("log10 gradient norm\n(max per 5 steps)")
    axes[1].axhline(math.log(2), color="k", ls=":", lw=1)
    axes[1].set_ylabel("loss (max per 5 steps)")
    axes[1].set_xlabel("training step (mini-batch of 32 reviews)")
    legend_outside(axes[1], "below")
    axes[0].set_title(f"SGD with momentum, learning rate {lr}, seed "
                      f"{results['config']['clip_seeds'][0]}")
    return axes


def plot_bptt(results: dict, ax=None):
    """Test accuracy by distance of the rating from the end, one line per k (median)."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.8))
    bins = [0, *results["bptt"]["bins"]]
    mids = [(lo + hi) / 2 for lo, hi in zip(bins, bins[1:], strict=False)]
    for k, v in results["summary"]["bptt"].items():
        ys = [v[f"acc_{lo}_{hi}"] for lo, hi in zip(bins, bins[1:], strict=False)]
        label = ("full BPTT" if k == "k=None" else f"truncated, {k}") + \
            f" ({v['step_ms']:.1f} ms per step)"
        ax.plot(mids, ys, marker="o", label=label)
    ax.set_xticks(mids, [f"{lo}-{hi - 1}" for lo, hi in zip(bins, bins[1:], strict=False)])
    ax.set_xlabel("steps from the rating word to the end of the review")
    ax.set_ylabel("test accuracy (median of seeds)")
    ax.set_ylim(0.35, 1.05)
    ax.axhline(0.5, color="k", ls=":", lw=1)
    legend_outside(ax, "below", ncol=1)
    return ax


def plot_stack(results: dict, ax=None):
    """Test accuracy per seed (dots) and median (bar) for each shape."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.6))
    s = results["summary"]["stack"]
    names = list(s)
    for i, shape in enumerate(names):
        accs = [r["accuracy"] for r in results["rows"]
                if r["part"] == "stack" and r["setting"] == shape]
        ax.bar(i, s[shape]["accuracy"], 0.6, color="#9ecae1")
        ax.plot([i] * len(accs), accs, "o", color="#08519c")
    def label(name: str) -> str:
        layers, units = name.split("x")
        word = "layer" if layers == "1" else "layers"
        return f"{layers} {word} x {units} units\n{int(s[name]['params']):,} parameters"

    ax.set_xticks(range(len(names)), [label(n) for n in names])
    lo = min(r["accuracy"] for r in results["rows"] if r["part"] == "stack")
    ax.set_ylim(max(0.0, lo - 0.05), 1.0)
    ax.set_ylabel("test accuracy")
    return ax


def plot(results: dict, ax=None):
    """All three figures side by side (the PNG of the command line)."""
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(17, 6))
    grid = fig.add_gridspec(2, 3)
    a0 = fig.add_subplot(grid[0, 0])
    a1 = fig.add_subplot(grid[1, 0], sharex=a0)
    plot_clipping(results, [a0, a1])
    plot_bptt(results, fig.add_subplot(grid[:, 1]))
    plot_stack(results, fig.add_subplot(grid[:, 2]))
    return fig.axes
