"""Common wrong implementations, computed on purpose so that feedback can name them.

When a student's output is wrong, the checks compare it with each mistaken variant below,
computed on the same inputs. A match turns "h is off by 0.31" into "h is off by 0.31; your h
equals what a missing forget gate gives". Each function returns ``{hint: value}``.

This module re-does a little of the forward and backward arithmetic with one thing changed.
Every variant function has a ``None`` / default branch that is the correct computation, and
``tests/assignments/test_mistakes.py`` checks that branch equals :mod:`lstmcourse.numpy`, so the
catalogue cannot drift from the reference.
"""

from __future__ import annotations

import numpy as np

from lstmcourse.conventions import GATES
from lstmcourse.numpy import lstm, lstm_cell, lstm_cell_backward, sigmoid

Array = np.ndarray
LSTM, GRU = ("".join(GATES[cell]) for cell in ("lstm", "gru"))  # "ifgo", "rzn"


def _z(x: Array, h: Array, p: dict) -> Array:
    """All gates' pre-activations W_ih x + b_ih + W_hh h + b_hh, (B, G*H)."""
    return x @ p["weight_ih"].T + p["bias_ih"] + h @ p["weight_hh"].T + p["bias_hh"]


def _blocks(z: Array, n: int) -> list[Array]:
    H = z.shape[1] // n
    return [z[:, k * H:(k + 1) * H] for k in range(n)]


# ------------------------------------------------------------------------------------------ RNN
def rnn_cell(x: Array, h: Array, p: dict, nonlinearity: str = "tanh") -> dict[str, Array]:
    """Wrong versions of h = phi(W_ih x + b_ih + W_hh h + b_hh)."""
    z = _z(x, h, p)
    out = {
        "sigmoid instead of tanh": sigmoid(z),
        "leaving out bias_hh (one bias only)": np.tanh(z - p["bias_hh"]),
        "leaving out the recurrent term W_hh h_prev": np.tanh(z - h @ p["weight_hh"].T),
        "h_prev @ weight_hh without .T (the square weight used transposed)":
            np.tanh(z - h @ p["weight_hh"].T + h @ p["weight_hh"]),
        "no nonlinearity (h = W_ih x + b_ih + W_hh h_prev + b_hh)": z,
    }
    if nonlinearity == "relu":
        out = {"tanh although nonlinearity='relu' was asked": np.tanh(z), **out}
    else:
        out["relu instead of tanh"] = np.maximum(z, 0)
    return out


def rnn_cell_backward(dh: Array, x: Array, h_prev: Array, h: Array, p: dict,
                      variant: str | None = None) -> dict[str, Array]:
    """dx, dh_prev and grads from a (possibly wrong) da = dL/d(pre-activation); tanh only."""
    da = {
        None: dh * (1 - h * h),
        "forgetting the derivative of tanh (da = dh)": dh,
        "using 1 - h instead of 1 - h**2 as the derivative of tanh": dh * (1 - h),
        "applying tanh' to h instead of the pre-activation (1 - tanh(h)**2)":
            dh * (1 - np.tanh(h) ** 2),
    }[variant]
    return {"dx": da @ p["weight_ih"], "dh_prev": da @ p["weight_hh"],
            "weight_ih": da.T @ x, "weight_hh": da.T @ h_prev,
            "bias_ih": da.sum(0), "bias_hh": da.sum(0)}


RNN_BACKWARD_MISTAKES = (
    "forgetting the derivative of tanh (da = dh)",
    "using 1 - h instead of 1 - h**2 as the derivative of tanh",
    "applying tanh' to h instead of the pre-activation (1 - tanh(h)**2)",
)


# ------------------------------------------------------------------------------------ LSTM step
GATE_ORDERS = ("ifog", "fiog", "igfo", "iofg", "oifg", "gifo")


def lstm_cell_variant(x: Array, h: Array, c: Array, p: dict, variant: str | None = None
                      ) -> tuple[Array, Array]:
    """(h, c) of one LSTM step, right (``None``) or with one mistake."""
    z = _z(x, h, p)
    if variant == "leaving out bias_hh (one bias only)":
        z = z - p["bias_hh"]
    blocks = _blocks(z, 4)
    order = variant[len("gate order "):len("gate order ") + 4] \
        if variant and variant.startswith("gate order ") else LSTM
    zi, zf, zg, zo = (blocks[order.index(k)] for k in LSTM)
    gate = np.tanh if variant == "tanh for the gates i, f, o instead of sigmoid" else sigmoid

    def one(name: str):  # tanh on just one gate is a common slip too
        return np.tanh if variant == f"tanh instead of sigmoid for the gate {name}" else gate

    cand = sigmoid if variant == "sigmoid for the candidate g instead of tanh" else np.tanh
    i, f, g, o = one("i")(zi), one("f")(zf), cand(zg), one("o")(zo)
    if variant == "a missing forget gate (c = c_prev + i * g)":
        f = np.ones_like(f)
    if variant == "dropping the old cell state (c = i * g)":
        f = np.zeros_like(f)
    if variant == "a missing input gate (c = f * c_prev + g)":
        i = np.ones_like(i)
    c_new = f * c + i * g
    h_new = o * c_new if variant == "h = o * c (no tanh on the cell state)" else o * np.tanh(c_new)
    return h_new, c_new


LSTM_CELL_MISTAKES = (
    *(f"gate order {o} (instead of i, f, g, o)" for o in GATE_ORDERS),
    "a missing forget gate (c = c_prev + i * g)",
    "dropping the old cell state (c = i * g)",
    "a missing input gate (c = f * c_prev + g)",
    "sigmoid for the candidate g instead of tanh",
    "tanh for the gates i, f, o instead of sigmoid",
    *(f"tanh instead of sigmoid for the gate {k}" for k in "ifo"),
    "leaving out bias_hh (one bias only)",
    "h = o * c (no tanh on the cell state)",
)


def lstm_cell_mistakes(x: Array, h: Array, c: Array, p: dict) -> tuple[dict, dict]:
    """({hint: h}, {hint: c}) for every mistake in :data:`LSTM_CELL_MISTAKES`."""
    hs, cs = {}, {}
    for m in LSTM_CELL_MISTAKES:
        hs[m], cs[m] = lstm_cell_variant(x, h, c, p, m)
    return hs, cs


LSTM_BACKWARD_MISTAKES = (
    "ignoring the path from h into c (dc += dh * o * (1 - tanh(c)**2) left out)",
    "leaving out tanh' on the cell state (dc += dh * o)",
    "stacking the gate gradients in the order i, f, o, g",
    "1 - c**2 as the derivative of tanh(c) (it is 1 - tanh(c)**2)",
)


def lstm_cell_backward_variant(dh: Array, dc: Array, x: Array, h_prev: Array, c_prev: Array,
                               p: dict, variant: str | None = None) -> dict[str, Array]:
    """dx, dh_prev, dc_prev and grads of one LSTM step, right (``None``) or with one mistake."""
    _, _, cache = lstm_cell(x, h_prev, c_prev, p)
    i, f, g, o = (cache[k] for k in LSTM)
    tc = np.tanh(f * c_prev + i * g)
    do = dh * tc
    if variant == LSTM_BACKWARD_MISTAKES[0]:
        dct = dc
    elif variant == LSTM_BACKWARD_MISTAKES[1]:
        dct = dc + dh * o
    elif variant == LSTM_BACKWARD_MISTAKES[3]:
        c_t = f * c_prev + i * g
        dct = dc + dh * o * (1 - c_t * c_t)
    else:
        dct = dc + dh * o * (1 - tc * tc)
    parts = {"i": dct * g * i * (1 - i), "f": dct * c_prev * f * (1 - f),
             "g": dct * i * (1 - g * g), "o": do * o * (1 - o)}
    order = "ifog" if variant == LSTM_BACKWARD_MISTAKES[2] else LSTM
    dz = np.concatenate([parts[k] for k in order], axis=1)
    return {"dx": dz @ p["weight_ih"], "dh_prev": dz @ p["weight_hh"], "dc_prev": dct * f,
            "weight_ih": dz.T @ x, "weight_hh": dz.T @ h_prev,
            "bias_ih": dz.sum(0), "bias_hh": dz.sum(0)}


# -------------------------------------------------------------------------------- LSTM sequence
def lstm_mistakes(x: Array, p: dict, h0: Array, c0: Array) -> tuple[dict, dict, dict]:
    """({hint: out}, {hint: h_n}, {hint: c_n}) of common mistakes in the time loop."""
    T = x.shape[0]
    variants: dict[str, tuple[Array, Array, Array]] = {}

    def loop(carry_h: bool, carry_c: bool, emit_c: bool = False, h_for_c: bool = False):
        h, c, outs = h0, c0, []
        for t in range(T):
            c_in = (h if h_for_c else c) if carry_c else c0
            h_new, c_new, _ = lstm_cell(x[t], h if carry_h else h0, c_in, p)
            h, c = h_new, c_new
            outs.append(c if emit_c else h)
        return np.stack(outs), h, c

    variants["resetting h and c to h0, c0 at every step"] = loop(False, False)
    variants["not carrying the cell state c from step to step"] = loop(True, False)
    variants["not carrying the hidden state h from step to step"] = loop(False, True)
    variants["storing c_t instead of h_t in out"] = loop(True, True, emit_c=True)
    variants["passing h where c_prev belongs (carrying h as the cell state)"] = loop(
        True, True, h_for_c=True)
    out, (hn, cn), _ = lstm(x, p)
    variants["ignoring h0 and c0 (starting from zeros)"] = (out, hn, cn)
    out, (hn, cn), _ = lstm(x[::-1], p, h0, c0)
    variants["running the steps backwards in time"] = (out[::-1], hn, cn)
    return ({k: v[0] for k, v in variants.items()}, {k: v[1] for k, v in variants.items()},
            {k: v[2] for k, v in variants.items()})


def lstm_backward_mistakes(dout: Array, x: Array, p: dict, h0: Array, c0: Array,
                           dh_n: Array, dc_n: Array) -> dict[str, dict[str, Array]]:
    """{hint: {"dx", "dh0", "dc0", weight names}} for common mistakes in BPTT."""
    T = x.shape[0]
    steps = []
    h, c = h0, c0
    for t in range(T):
        h_new, c_new, cache = lstm_cell(x[t], h, c, p)
        steps.append(cache)
        h, c = h_new, c_new

    def bptt(carry_h: bool, carry_c: bool, use_final: bool, accumulate: bool = True
             ) -> dict[str, Array]:
        dh = dh_n if use_final else np.zeros_like(h0)
        dc = dc_n if use_final else np.zeros_like(c0)
        total = {k: np.zeros_like(v) for k, v in p.items()}
        dx = np.zeros_like(x)
        for t in reversed(range(T)):
            dxt, dh_prev, dc_prev, g = lstm_cell_backward(dh + dout[t], dc, steps[t])
            dx[t] = dxt
            for k in total:
                total[k] = total[k] + g[k] if accumulate else g[k]
            dh = dh_prev if carry_h else np.zeros_like(dh_prev)
            dc = dc_prev if carry_c else np.zeros_like(dc_prev)
        return {"dx": dx, "dh0": dh_prev, "dc0": dc_prev, **total}

    return {
        "no gradient through time (each step sees only its own dout[t])": bptt(False, False, True),
        "no gradient through time, and dh_n, dc_n ignored": bptt(False, False, False),
        "dropping dc_prev between steps (only dh flows back)": bptt(True, False, True),
        "dropping dh_prev between steps (only dc flows back)": bptt(False, True, True),
        "ignoring dh_n and dc_n": bptt(True, True, False),
        "grads = the step's gradients instead of grads += (only the first step's are kept)":
            bptt(True, True, True, accumulate=False),
    }


def lstm_param_count_mistakes(D: int, H: int, biases: int) -> dict[str, int]:
    """Wrong parameter counts and the slip behind each."""
    right_bias = biases * 4 * H
    return {
        "one bias vector (Keras' count) where two were asked": 4 * H * (D + H) + 4 * H,
        "two bias vectors (PyTorch's count) where one was asked": 4 * H * (D + H) + 8 * H,
        "leaving out the biases": 4 * H * (D + H),
        "counting one gate instead of four": (H * (D + H) + right_bias // 4),
        "leaving out the recurrent weights W_hh": 4 * H * D + right_bias,
        "H * H recurrent weights for all gates together (forgetting the 4)":
            4 * H * D + H * H + right_bias,
    }


# ------------------------------------------------------------------------------------------ GRU
GRU_MISTAKES = (
    "h' = z * n + (1 - z) * h (z and 1 - z swapped)",
    "the reset gate applied before the matmul: W_hn (r * h) + b_hn",
    "gate order z, r, n (instead of r, z, n)",
    "no reset gate (n = tanh(W_in x + b_in + W_hn h + b_hn))",
    "sigmoid for n instead of tanh",
    "leaving out bias_hh (one bias only)",
)


def gru_cell_variant(x: Array, h: Array, p: dict, variant: str | None = None) -> Array:
    """h' of one GRU step (PyTorch's equations), right (``None``) or with one mistake."""
    H = h.shape[1]
    gi = x @ p["weight_ih"].T + p["bias_ih"]
    gh = h @ p["weight_hh"].T + p["bias_hh"]
    if variant == "leaving out bias_hh (one bias only)":
        gh = gh - p["bias_hh"]
    order = "zrn" if variant == GRU_MISTAKES[2] else GRU
    pos = {k: order.index(k) for k in GRU}

    def blk(a: Array, k: str) -> Array:
        return a[:, pos[k] * H:(pos[k] + 1) * H]

    r = sigmoid(blk(gi, "r") + blk(gh, "r"))
    z = sigmoid(blk(gi, "z") + blk(gh, "z"))
    if variant == GRU_MISTAKES[1]:
        W_hn = p["weight_hh"][2 * H:3 * H]
        hn = (r * h) @ W_hn.T + p["bias_hh"][2 * H:3 * H]
    elif variant == GRU_MISTAKES[3]:
        hn = blk(gh, "n")
    else:
        hn = r * blk(gh, "n")
    act = sigmoid if variant == GRU_MISTAKES[4] else np.tanh
    n = act(blk(gi, "n") + hn)
    if variant == GRU_MISTAKES[0]:
        return z * n + (1 - z) * h
    return (1 - z) * n + z * h


def gru_cell_mistakes(x: Array, h: Array, p: dict) -> dict[str, Array]:
    return {m: gru_cell_variant(x, h, p, m) for m in GRU_MISTAKES}
