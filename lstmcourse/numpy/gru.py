"""The GRU: one step, a whole sequence, and backpropagation through time.

Equations, exactly PyTorch's ``nn.GRU``/``nn.GRUCell`` (gate order r, z, n), for each step t:

    r_t = sigmoid(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)           reset gate
    z_t = sigmoid(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)           update gate
    n_t = tanh(W_in x_t + b_in + r_t * (W_hn h_{t-1} + b_hn))      candidate
    h_t = (1 - z_t) * n_t + z_t * h_{t-1}

Note two details that differ between papers and libraries, fixed here as torch has them: the reset
gate multiplies (W_hn h + b_hn) *after* the product (so b_hn sits inside the reset), and z_t = 1
means "keep the old state". W_ir, W_iz, W_in are the row blocks of W_ih (likewise W_hh, b_ih, b_hh).

Shape legend: T time steps, B batch, D input features, H hidden units.

    x_t (B, D);  h_t, r_t, z_t, n_t (B, H);  x (T, B, D);  out (T, B, H)
    W_ih (3H, D),  W_hh (3H, H),  b_ih, b_hh (3H,)

Backward for one step, with gi = W_ih x + b_ih and gh = W_hh h_prev + b_hh (both (B, 3H)):

    dn = dh * (1 - z),   dz = dh * (h_prev - n),   dh_prev gets dh * z directly
    da_n = dn * (1 - n^2)                     gradient at n's pre-activation
    dr = da_n * gh[n]
    dgi = [dr * r(1-r), dz * z(1-z), da_n]     dgh = [dr * r(1-r), dz * z(1-z), da_n * r]
    dx = dgi W_ih,  dh_prev += dgh W_hh,  dW_ih = dgi^T x,  dW_hh = dgh^T h_prev

``gru`` calls ``gru_cell`` once per time step, and ``gru_backward`` calls ``gru_cell_backward``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..conventions import GATES
from ._cache import Cache, SequenceCache, add_grads
from ._checks import as_float_array, check_grad, check_input, check_params, check_state
from .activations import sigmoid


# --------------------------------------------------------------------------------------- one step
@dataclass(eq=False)
class GRUCellCache(Cache):
    """What ``gru_cell_backward`` needs. ``gates`` holds r, z, n, each (B, H)."""

    gates: dict[str, np.ndarray]
    x: np.ndarray  # (B, D)
    h_prev: np.ndarray  # (B, H)
    gh_n: np.ndarray  # (B, H)  W_hn h_prev + b_hn, the part the reset gate scales
    params: dict[str, np.ndarray]


def gru_cell(
    x: np.ndarray, h_prev: np.ndarray, params: dict
) -> tuple[np.ndarray, GRUCellCache]:
    """One GRU step. x (B, D), h_prev (B, H) -> h (B, H), cache.

    ``params``: weight_ih (3H, D), weight_hh (3H, H), bias_ih, bias_hh (3H,), gates r, z, n.
    """
    p = check_params(params, "gru")
    x = np.asarray(x)
    check_input("x", x, p["weight_ih"].shape[1], sequence=False)
    B, H = x.shape[0], p["weight_hh"].shape[1]
    h_prev = check_state("h_prev", h_prev, B, H, x.dtype)

    gi = x @ p["weight_ih"].T + p["bias_ih"]  # (B, 3H) input parts of r, z, n
    gh = h_prev @ p["weight_hh"].T + p["bias_hh"]  # (B, 3H) hidden parts
    r = sigmoid(gi[:, 0:H] + gh[:, 0:H])  # reset gate
    z = sigmoid(gi[:, H : 2 * H] + gh[:, H : 2 * H])  # update gate
    gh_n = gh[:, 2 * H :]
    n = np.tanh(gi[:, 2 * H :] + r * gh_n)  # candidate: reset scales the hidden part only
    h = (1.0 - z) * n + z * h_prev  # z = 1 keeps the old state
    gates = dict(zip(GATES["gru"], (r, z, n), strict=True))
    return h, GRUCellCache(gates, x, h_prev, gh_n, p)


def gru_cell_backward(
    dh: np.ndarray, cache: GRUCellCache
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Backward of :func:`gru_cell`: dh (B, H) -> dx (B, D), dh_prev (B, H), grads (like params)."""
    r, z, n = (cache.gates[k] for k in GATES["gru"])
    dh = check_grad("dh", dh, n.shape, "(B, H), the shape of h")
    p = cache.params

    dn = dh * (1.0 - z)
    dz = dh * (cache.h_prev - n)
    da_n = dn * (1.0 - n * n)  # through tanh
    dr = da_n * cache.gh_n
    da_r = dr * r * (1.0 - r)  # through sigmoid
    da_z = dz * z * (1.0 - z)
    dgi = np.concatenate([da_r, da_z, da_n], axis=1)  # (B, 3H) w.r.t. gi = W_ih x + b_ih
    dgh = np.concatenate([da_r, da_z, da_n * r], axis=1)  # (B, 3H) w.r.t. gh = W_hh h + b_hh
    dx = dgi @ p["weight_ih"]
    dh_prev = dh * z + dgh @ p["weight_hh"]  # direct path through z * h_prev, and through gh
    grads = {
        "weight_ih": dgi.T @ cache.x,
        "weight_hh": dgh.T @ cache.h_prev,
        "bias_ih": dgi.sum(axis=0),
        "bias_hh": dgh.sum(axis=0),
    }
    return dx, dh_prev, grads


# ------------------------------------------------------------------------------- whole sequence
@dataclass(eq=False)
class GRUCache(SequenceCache):
    """Cache of :func:`gru`: ``steps[t]`` is step t's :class:`GRUCellCache`; ``gates[k]`` for
    k in r, z, n is (T, B, H)."""

    steps: list[GRUCellCache]
    out: np.ndarray  # (T, B, H)


def gru(
    x: np.ndarray, params: dict, h0: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, GRUCache]:
    """Run the GRU over a time-major sequence x (T, B, D) from h0 (B, H) (default zeros).

    Returns out (T, B, H), h_n (B, H) and the cache for :func:`gru_backward`: one
    :func:`gru_cell` per time step.
    """
    p = check_params(params, "gru", column_major=True)
    x = as_float_array("x", x)
    check_input("x", x, p["weight_ih"].shape[1], sequence=True)
    T, B, _ = x.shape
    dtype = np.result_type(x, p["weight_ih"])
    h = check_state("h0", h0, B, p["weight_hh"].shape[1], dtype)
    out, steps = np.empty((T, *h.shape), dtype), []
    for t in range(T):
        h, step = gru_cell(x[t], h, p)
        out[t] = h
        steps.append(step)
    return out, h, GRUCache(steps, out)


def gru_backward(
    dout: np.ndarray, cache: GRUCache, dh_n: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Backpropagation through time for :func:`gru`: :func:`gru_cell_backward` for t = T-1 ... 0.

    dout (T, B, H), optional dh_n (B, H) -> dx (T, B, D), dh0 (B, H), grads (like params).
    """
    T, B, H = cache.out.shape
    dout = check_grad("dout", dout, cache.out.shape, "(T, B, H), the shape of out")
    dh = np.zeros((B, H), cache.out.dtype) if dh_n is None else check_grad(
        "dh_n", dh_n, (B, H), "(B, H), the shape of h_n")
    dx, grads = [None] * T, None
    for t in reversed(range(T)):
        dx[t], dh, step_grads = gru_cell_backward(dout[t] + dh, cache.steps[t])
        grads = add_grads(grads, step_grads)
    return np.stack(dx), dh, grads
