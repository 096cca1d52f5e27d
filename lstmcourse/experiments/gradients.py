"""Experiment 2: how much gradient reaches a state k steps back, in trained models.

Claim tested (chapters 1 and 3): in a plain RNN the gradient shrinks geometrically with the lag
(a product of k Jacobians); the LSTM's additive cell update c_t = f * c_{t-1} + i * g lets it
through. For each model of experiment 1 at ``distance`` (trained, and the same model before
training) we run test sentences one step at a time and measure, at every step t,

    g(k) = || d(z_true - z_other) / d s_t ||,   k = T - 1 - t (the lag),

where z are the output logits and s_t the recurrent state after step t: h_t for RNN and GRU,
(h_t, c_t) joined for the LSTM. The logit margin is used instead of the loss so that a
confident, well-trained model does not look gradient-free just because its loss is near zero.
g is averaged over sentences. One number sums a model up: the orders of magnitude lost between
the verb and the subject, log10(g(1) / g(distance + 1)).

What is measured, exactly:

- **In float64.** Each model is trained in float32 and *measured* on a float64 copy. A trained
  RNN loses 10 to 30 orders of magnitude here, which brings its gradient at the subject near
  the end of float32's range (1e-38, 1e-45 with denormals): on one CI machine it was exactly 0
  and "orders lost" became inf (issue 10). float64 reaches 1e-308. Should a gradient still be
  0, it is counted as :data:`FLOOR` and the number reads "at least" that many orders; nothing
  stored is inf or NaN. (Measured: float32 and float64 agree to 3 decimals where float32 does
  not underflow, so the copy changes no number, it only removes the cliff.)
- **Over seeds, and only models that learned the task.** Training on this task escapes a long
  plateau at a moment that the last bits of the CPU's float kernels can move (issue 10): the
  same seed can learn on one CPU and stay at chance on another. A single model's number is
  therefore not a result. We train every kind with each of ``seeds`` and summarise by the
  **median** over the trained models whose test accuracy at ``distance`` is at least
  ``learned`` (they carry the subject's number across the distance, which is what the claim is
  about; a model that never learned to use the subject says nothing about how a gradient
  reaches it). Untrained models: the median over all seeds. The per-seed numbers are stored
  too (``rows``), with each model's accuracy and whether it counted.
"""

from __future__ import annotations

import copy

import numpy as np
import torch

from lstmcourse import tasks

from .common import agreement_model, stable_seed, train_agreement

NAME = "gradient-lag"
TITLE = "Gradient norm against lag, before and after training"
CONFIGS = {
    "full": {"kinds": ["rnn", "lstm", "gru"], "distance": 40, "seeds": list(range(10)),
             "learned": 0.9, "n": 256},
    # the same as "full": the claim is a median over all ten seeds, and a subset of the seeds
    # would be a different (noisier) number
    "small": {"kinds": ["rnn", "lstm", "gru"], "distance": 40, "seeds": list(range(10)),
              "learned": 0.9, "n": 256},
}
# Smallest positive float64 (normal) number: a gradient that is exactly 0 counts as this much,
# so "orders lost" stays finite and reads as a lower bound.
FLOOR = float(np.finfo(np.float64).tiny)


def state_gradients(model, x: torch.Tensor, y: torch.Tensor) -> dict[str, np.ndarray]:
    """Per-step gradient norms of the logit margin with respect to the recurrent state.

    Computed in the model's own precision: pass a float64 copy to measure in float64.

    Args:
        model: a unidirectional :class:`~lstmcourse.experiments.models.SequenceClassifier`.
        x: (T, B) token ids; y: (B,) true classes (2 classes).

    Returns:
        ``{"state": (T,), "cell": (T,) or absent}``: mean over B of the norm at each step t.
    """
    model.eval()
    inp = model.features(x).detach()                       # (T, B, E)
    lstm = model.kind == "lstm"
    states, state = [], None
    for t in range(inp.shape[0]):
        _, state = model.rnn(inp[t:t + 1], state)          # one step; state (1, B, H) or pair
        parts = state if lstm else (state,)
        for p in parts:
            p.retain_grad()
        states.append(parts)
    logits = model.head(states[-1][0][0])                  # from h_T: (B, 2)
    sign = 1.0 - 2.0 * y.to(logits.dtype)                  # +1 for class 0, -1 for class 1
    margin = (sign * (logits[:, 0] - logits[:, 1])).sum()  # z_true - z_other, summed over B
    margin.backward()
    # each sentence only touches its own column, so per-column norms are per-sentence gradients
    # (c_T feeds nothing, so its gradient is None: count it as zero)
    grads = [[torch.zeros_like(p[0]) if p.grad is None else p.grad[0] for p in parts]
             for parts in states]
    res = {"state": np.array([torch.cat(g, -1).norm(dim=-1).mean().item() for g in grads])}
    if lstm:
        res["cell"] = np.array([g[1].norm(dim=-1).mean().item() for g in grads])
    return res


def state_gradient_by_lag(model, data: tasks.TaskData) -> np.ndarray:
    """g(k) for k = 0..T-1 (index = lag), measured on a float64 copy of ``model``."""
    g = state_gradients(copy.deepcopy(model).double(), data.x, data.y)["state"]
    if not np.all(np.isfinite(g)):
        raise FloatingPointError(f"non-finite gradient norm in float64: {g}")
    return g[::-1].copy()                                  # step t = T-1-k  ->  lag k


def orders_lost(g: np.ndarray, lag: int) -> float:
    """log10(g(1) / g(lag)), with a gradient of exactly 0 counted as :data:`FLOOR`.

    Lag 0 is left out because it only measures the readout.
    """
    near, far = max(g[1], FLOOR), max(g[lag], FLOOR)
    return float(np.log10(near) - np.log10(far))


def _median(values: list[float]) -> float | None:
    """Median rounded to 3 decimals; ``None`` (JSON null) when there is nothing to count."""
    return round(float(np.median(values)), 3) if values else None


def run(config: dict, *, device: str = "cpu") -> dict:
    d = config["distance"]
    data = tasks.agreement(config["n"], d, seed=stable_seed("gradient-lag", d, 0))
    rows, curves, summary = [], {}, {}
    for kind in config["kinds"]:
        mine, ratios = [], {"trained": [], "untrained": []}     # one entry per seed
        for seed in config["seeds"]:
            trained = train_agreement(kind, d, seed, device)
            row = {"kind": kind, "seed": seed, "accuracy": round(trained.accuracy, 4),
                   "learned": trained.accuracy >= config["learned"]}
            for label, model in (("trained", trained.model),
                                 ("untrained", agreement_model(kind, d, seed))):
                g = state_gradient_by_lag(model, data)
                row[f"{label}_log10_ratio"] = round(orders_lost(g, d + 1), 3)
                ratios[label].append(g / max(g[0], FLOOR))
            mine.append(row)
        # which models each summary counts: trained ones that learned, untrained ones all
        counts = {"trained": [r["learned"] for r in mine], "untrained": [True] * len(mine)}
        summary[kind], curves[kind] = {}, {}
        for label, use in counts.items():
            kept = [r[f"{label}_log10_ratio"] for r, u in zip(mine, use, strict=True) if u]
            summary[kind][label] = {"log10_ratio_subject": _median(kept), "models": len(kept),
                                    "seeds": len(mine)}
            # the curve drawn: median over the same models of g(k)/g(0), lag by lag
            gs = [g for g, u in zip(ratios[label], use, strict=True) if u]
            curves[kind][label] = ([float(f"{v:.4g}") for v in np.median(gs, axis=0)]
                                   if gs else None)
        rows += mine
    return {"rows": rows, "summary": summary, "curves": curves}


def describe(results: dict) -> str:
    """What the results measured, in words and with their own numbers (the book prints it)."""
    cfg, s, d = results["config"], results["summary"], results["config"]["distance"]
    learned = ", ".join(f"{v['trained']['models']} of {v['trained']['seeds']} {k.upper()}s"
                        for k, v in s.items())
    rnn = max(r["trained_log10_ratio"] for r in results["rows"] if r["kind"] == "rnn")
    return (f"Every kind is trained with {len(cfg['seeds'])} seeds on sentences with up to {d} "
            f"distractors and tested at exactly {d}. A trained model counts when it learned the "
            f"task, i.e. reached {cfg['learned']:.0%} test accuracy: {learned} did. Each curve "
            f"is the median over those models (and over all the untrained ones) of the "
            f"gradient norm g(k), averaged over {cfg['n']} test sentences and divided by its "
            f"value at lag 0; the verdicts use the median of log10(g(1) / g({d + 1})), the "
            f"orders of magnitude lost between the verb and the subject. Gradients are measured "
            f"in float64, on a float64 copy of each model trained in float32: a trained RNN "
            f"here loses up to {rnn:.0f} orders of magnitude, which brings float32 (down to "
            f"about 1e-38) close enough to its end that the gradient at the subject was exactly "
            f"0 on one machine.")


def plot(results: dict, ax=None):
    """log-scale median g(k)/g(0) against lag k; solid trained, dashed untrained."""
    import matplotlib.pyplot as plt

    from .plotting import legend_outside

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.6))
    colors = {"rnn": "tab:red", "lstm": "tab:blue", "gru": "tab:green"}
    for kind, by_label in results["curves"].items():
        for label, ls in (("trained", "-"), ("untrained", "--")):
            curve = by_label[label]
            if curve is None:              # no model of this kind learned the task
                continue
            n = results["summary"][kind][label]["models"]
            ax.semilogy(range(len(curve)), curve, ls, color=colors.get(kind),
                        label=f"{kind.upper()} {label} ({n})")
    ax.set_xlabel("lag k (steps back from the verb)")
    ax.set_ylabel("median gradient norm\ng(k) / g(0) (ratio)")
    legend_outside(ax)
    ax.set_title("Gradient reaching a state k steps back")
    return ax
