"""Experiment 2: how much gradient reaches a state k steps back, in trained models.

Claim tested (chapters 1 and 3): in a plain RNN the gradient shrinks geometrically with the lag
(a product of k Jacobians); the LSTM's additive cell update c_t = f * c_{t-1} + i * g lets it
through. For each model of experiment 1 at ``distance`` (trained, and the same model before
training) we run test sentences one step at a time and measure, at every step t,

    g(k) = || d(z_true - z_other) / d s_t ||,   k = T - 1 - t (the lag),

where z are the output logits and s_t the recurrent state after step t: h_t for RNN and GRU,
(h_t, c_t) joined for the LSTM (the cell part is also stored alone). The logit margin is used
instead of the loss so that a confident, well-trained model does not look gradient-free just
because its loss is near zero. g is averaged over sentences.
"""

from __future__ import annotations

import numpy as np
import torch

from lstmcourse import tasks

from .common import agreement_model, stable_seed, train_agreement

NAME = "gradient-lag"
TITLE = "Gradient norm against lag, before and after training"
CONFIGS = {
    "full": {"kinds": ["rnn", "lstm", "gru"], "distance": 40, "seed": 0, "n": 256},
    "small": {"kinds": ["rnn", "lstm", "gru"], "distance": 40, "seed": 0, "n": 256},
}


def state_gradients(model, x: torch.Tensor, y: torch.Tensor) -> dict[str, np.ndarray]:
    """Per-step gradient norms of the logit margin with respect to the recurrent state.

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
    sign = 1.0 - 2.0 * y.float()                           # +1 for class 0, -1 for class 1
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


def run(config: dict, *, device: str = "cpu") -> dict:
    d, seed = config["distance"], config["seed"]
    data = tasks.agreement(config["n"], d, seed=stable_seed("gradient-lag", d, seed))
    rows, summary = [], {}
    for kind in config["kinds"]:
        trained = train_agreement(kind, d, seed, device)
        for label, model in (("trained", trained.model), ("untrained", agreement_model(kind, d,
                                                                                       seed))):
            g = state_gradients(model, data.x, data.y)
            T = len(g["state"])
            for t in range(T):
                row = {"kind": kind, "model": label, "lag": T - 1 - t,
                       "grad_norm": float(f"{g['state'][t]:.4g}")}
                if "cell" in g:
                    row["cell_grad_norm"] = float(f"{g['cell'][t]:.4g}")
                rows.append(row)
            # orders of magnitude lost from lag 1 (just before the verb slot) back to the
            # subject (lag d + 1); lag 0 is left out because it only measures the readout
            lost = np.log10(g["state"][T - 2] / g["state"][T - 1 - (d + 1)])
            summary.setdefault(kind, {})[label] = {
                "log10_ratio_subject": round(float(lost), 3),
                "accuracy": round(trained.accuracy, 4) if label == "trained" else None}
    return {"rows": rows, "summary": summary}


def plot(results: dict, ax=None):
    """log-scale g(k)/g(0) against lag k; solid trained, dashed untrained."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.6))
    colors = {"rnn": "tab:red", "lstm": "tab:blue", "gru": "tab:green"}
    for kind in results["summary"]:
        for label, ls in (("trained", "-"), ("untrained", "--")):
            pts = sorted((r["lag"], r["grad_norm"]) for r in results["rows"]
                         if r["kind"] == kind and r["model"] == label)
            lags, g = np.array(pts).T
            ax.semilogy(lags, g / g[0], ls, color=colors.get(kind),
                        label=f"{kind.upper()} {label}")
    ax.set_xlabel("lag k (steps back from the verb)")
    ax.set_ylabel("gradient norm g(k) / g(0)")
    ax.legend(fontsize=8, ncol=2)
    ax.set_title("Gradient reaching a state k steps back")
    return ax
