"""Experiment 7: does tanh (instead of sigmoid) "alleviate" vanishing gradients in an RNN?

Claim tested (chapter 4): the notes say tanh is preferred because its larger derivative
alleviates the vanishing gradient. We measure how the gradient of an untrained plain RNN,
h_t = phi(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh), shrinks with the lag for phi = tanh and
phi = sigmoid, with the same weights (torch's uniform init, drawn by
:func:`lstmcourse.numpy.params.init_params`) multiplied by a gain. The gradient k steps back is the
product of k Jacobians, dh_T/dh_{T-k} = prod_t diag(phi'(a_t)) W_hh; we apply it to a random
unit vector and average its norm over sentences. The derivatives are
:func:`lstmcourse.numpy.activations.tanh_grad` and
:func:`~lstmcourse.numpy.activations.sigmoid_grad` (at most 1 and 1/4).
Experiment 1 then says whether a *trained* tanh RNN carries information far.
"""

from __future__ import annotations

import numpy as np

from lstmcourse.numpy import init_params, sigmoid, sigmoid_grad, tanh, tanh_grad

NAME = "tanh-sigmoid"
TITLE = "Gradient decay in a plain RNN: tanh against sigmoid"
CONFIGS = {
    "full": {"gains": [1.0, 2.0, 4.0], "hidden": 32, "input": 16, "steps": 60, "n": 64,
             "seed": 0},
    "small": {"gains": [1.0, 2.0, 4.0], "hidden": 32, "input": 16, "steps": 60, "n": 64,
              "seed": 0},
}
PHI = {"tanh": (tanh, tanh_grad), "sigmoid": (sigmoid, sigmoid_grad)}


def gradient_by_lag(phi: str, gain: float, *, hidden: int, input: int, steps: int, n: int,
                    seed: int) -> np.ndarray:
    """Mean over n sequences of ||dh_T/dh_{T-k} v|| for k = 0..steps (v a random unit vector).

    Inputs x_t are standard normal, (T, B, D) = (steps, n, input); h_0 = 0.
    """
    f, fprime = PHI[phi]
    rng = np.random.default_rng(seed)
    p = init_params("rnn", input, hidden, rng=rng)
    w_hh = gain * p["weight_hh"]                                  # (H, H)
    x = rng.standard_normal((steps, n, input))                    # (T, B, D)
    h, pre = np.zeros((n, hidden)), []
    for t in range(steps):
        a = x[t] @ p["weight_ih"].T + p["bias_ih"] + h @ w_hh.T + p["bias_hh"]   # (B, H)
        pre.append(a)
        h = f(a)
    v = rng.standard_normal((n, hidden))
    v /= np.linalg.norm(v, axis=1, keepdims=True)                 # dL/dh_T, one per sequence
    norms = [1.0]
    for t in reversed(range(steps)):            # v <- v diag(phi'(a_t)) W_hh  (one step back)
        v = (v * fprime(pre[t])) @ w_hh
        norms.append(float(np.linalg.norm(v, axis=1).mean()))
    return np.array(norms)                                        # (steps + 1,) by lag 0..T


def run(config: dict, *, device: str = "cpu") -> dict:
    kw = {k: config[k] for k in ("hidden", "input", "steps", "n", "seed")}
    rows, summary = [], {}
    for gain in config["gains"]:
        for phi in PHI:
            g = gradient_by_lag(phi, gain, **kw)
            rows += [{"phi": phi, "gain": gain, "lag": k, "grad_norm": float(f"{v:.4g}")}
                     for k, v in enumerate(g)]
            summary.setdefault(str(gain), {})[phi] = {
                "log10_at_40": round(float(np.log10(g[40])), 3)}
    return {"rows": rows, "summary": summary}


def plot(results: dict, ax=None):
    """log-scale gradient norm against lag; colour = gain, line style = nonlinearity."""
    import matplotlib.pyplot as plt

    from .plotting import legend_outside

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.6))
    colors = ["tab:blue", "tab:orange", "tab:purple", "tab:gray"]
    for i, gain in enumerate(results["summary"]):
        for phi, ls in (("tanh", "-"), ("sigmoid", "--")):
            pts = sorted((r["lag"], r["grad_norm"]) for r in results["rows"]
                         if r["phi"] == phi and str(r["gain"]) == gain)
            lags, g = np.array(pts).T
            ax.semilogy(lags, np.maximum(g, 1e-300), ls, color=colors[i % 4],
                        label=f"{phi}, weights x{float(gain):g}")
    ax.set_xlabel("lag k (steps)")
    ax.set_ylabel("gradient norm k steps back\n(relative to lag 0)")
    legend_outside(ax)
    ax.set_title("Plain RNN at initialisation")
    return ax
