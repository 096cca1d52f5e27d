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

``gru_cell`` is the plain version; ``gru`` computes every gi for all steps in one matrix product
before the loop (tests check both agree).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ._cache import Cache
from ._checks import check_grad, check_input, check_params, check_state
from .activations import sigmoid


# --------------------------------------------------------------------------------------- one step
@dataclass(eq=False)
class GRUCellCache(Cache):
    """What ``gru_cell_backward`` needs. ``gates`` holds r, z, n, each (B, H)."""

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
    return h, GRUCellCache({"r": r, "z": z, "n": n}, x, h_prev, gh_n, p)


def gru_cell_backward(
    dh: np.ndarray, cache: GRUCellCache
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Backward of :func:`gru_cell`: dh (B, H) -> dx (B, D), dh_prev (B, H), grads (like params)."""
    r, z, n = cache.gates["r"], cache.gates["z"], cache.gates["n"]
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
class GRUCache(Cache):
    """Cache of :func:`gru`. ``gates[k]`` for k in r, z, n is (T, B, H) (views into ``act``)."""

    x: np.ndarray  # (T, B, D)
    h0: np.ndarray  # (B, H)
    act: np.ndarray  # (T, B, 3H)  r, z, n side by side
    gh_n: np.ndarray  # (T, B, H)   W_hn h_{t-1} + b_hn
    out: np.ndarray  # (T, B, H)
    params: dict[str, np.ndarray]

    @cached_property
    def steps(self) -> list[GRUCellCache]:
        """Per-step caches, as ``gru_cell`` would have made them (built on first use)."""
        h_prev = [self.h0, *self.out[:-1]]
        return [
            GRUCellCache({k: v[t] for k, v in self.gates.items()}, self.x[t], h_prev[t],
                         self.gh_n[t], self.params)
            for t in range(len(self.x))
        ]


def gru(
    x: np.ndarray, params: dict, h0: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, GRUCache]:
    """Run the GRU over a time-major sequence x (T, B, D) from h0 (B, H) (default zeros).

    Returns out (T, B, H), h_n (B, H) and the cache for :func:`gru_backward`. Same numbers as
    ``h = gru_cell(x[t], h, params)[0]`` for t = 0..T-1, with gi for all steps precomputed.
    """
    p = check_params(params, "gru")
    x = np.asarray(x)
    check_input("x", x, p["weight_ih"].shape[1], sequence=True)
    T, B, D = x.shape
    H = p["weight_hh"].shape[1]
    dtype = np.result_type(x, p["weight_ih"])
    h0 = check_state("h0", h0, B, H, dtype)

    # gi_t = W_ih x_t + b_ih for all t at once; overwritten in place by the activations r, z, n.
    act = (x.reshape(T * B, D) @ p["weight_ih"].T).reshape(T, B, 3 * H)
    act += p["bias_ih"]
    gh_n_all = np.empty((T, B, H), dtype)
    out = np.empty((T, B, H), dtype)
    W_hh_T, b_hh = p["weight_hh"].T, p["bias_hh"]

    h = h0
    for t in range(T):
        a = act[t]
        gh = h @ W_hh_T + b_hh  # (B, 3H)
        rz = a[:, : 2 * H]
        rz += gh[:, : 2 * H]
        rz[...] = sigmoid(rz)  # r and z
        r, z = a[:, :H], a[:, H : 2 * H]
        gh_n_all[t] = gh[:, 2 * H :]
        n = a[:, 2 * H :]
        n += r * gh_n_all[t]
        np.tanh(n, out=n)
        h = np.subtract(h, n, out=out[t])  # h_t = n + z * (h_{t-1} - n)
        h *= z
        h += n

    gates = {k: act[:, :, m * H : (m + 1) * H] for m, k in enumerate("rzn")}
    cache = GRUCache(gates, x, h0, act, gh_n_all, out, p)
    return out, out[-1].copy(), cache


def gru_backward(
    dout: np.ndarray, cache: GRUCache, dh_n: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Backpropagation through time for :func:`gru`.

    dout (T, B, H), optional dh_n (B, H) -> dx (T, B, D), dh0 (B, H), grads (like params).
    Equivalent to :func:`gru_cell_backward` for t = T-1 down to 0 with the grads summed.
    """
    out, x, p = cache.out, cache.x, cache.params
    T, B, H = out.shape
    D = x.shape[2]
    dout = check_grad("dout", dout, out.shape, "(T, B, H), the shape of out")
    dh = np.zeros((B, H), out.dtype) if dh_n is None else check_grad(
        "dh_n", dh_n, (B, H), "(B, H), the shape of h_n")
    W_hh = p["weight_hh"]
    dtype = np.result_type(out, dout, dh)
    dgi_all = np.empty((T, B, 3 * H), dtype)
    dgh_all = np.empty((T, B, 3 * H), dtype)

    for t in reversed(range(T)):
        a = cache.act[t]
        r, z, n = a[:, :H], a[:, H : 2 * H], a[:, 2 * H :]
        h_prev = out[t - 1] if t > 0 else cache.h0
        dh = dh + dout[t]
        da_n = dh * (1.0 - z) * (1.0 - n * n)
        dgi, dgh = dgi_all[t], dgh_all[t]
        dgi[:, :H] = da_n * cache.gh_n[t] * r * (1.0 - r)  # reset gate
        dgi[:, H : 2 * H] = dh * (h_prev - n) * z * (1.0 - z)  # update gate
        dgi[:, 2 * H :] = da_n
        dgh[:, : 2 * H] = dgi[:, : 2 * H]
        dgh[:, 2 * H :] = da_n * r
        dh = dh * z + dgh @ W_hh  # dh_{t-1}

    dgi2 = dgi_all.reshape(T * B, 3 * H)
    dgh2 = dgh_all.reshape(T * B, 3 * H)
    dx = (dgi2 @ p["weight_ih"]).reshape(T, B, D)
    dW_hh = dgh_all[0].T @ cache.h0
    if T > 1:
        dW_hh += dgh_all[1:].reshape(-1, 3 * H).T @ out[:-1].reshape(-1, H)
    grads = {
        "weight_ih": dgi2.T @ x.reshape(T * B, D),
        "weight_hh": dW_hh,
        "bias_ih": dgi2.sum(axis=0),
        "bias_hh": dgh2.sum(axis=0),
    }
    return dx, dh, grads
