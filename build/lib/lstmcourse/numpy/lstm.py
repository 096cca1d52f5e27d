"""The LSTM: one step, a whole sequence, and backpropagation through time.

Equations (PyTorch's ``nn.LSTM``/``nn.LSTMCell``, gate order i, f, g, o), for each time step t:

    z_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh      all four gates' pre-activations, (B, 4H)
    i_t = sigmoid(z_t[i])        input gate:   how much of the candidate to write
    f_t = sigmoid(z_t[f])        forget gate:  how much of the old cell state to keep
    g_t = tanh(z_t[g])           candidate:    what to write
    o_t = sigmoid(z_t[o])        output gate:  how much of the cell to show
    c_t = f_t * c_{t-1} + i_t * g_t               the cell state ("conveyor belt")
    h_t = o_t * tanh(c_t)                         the hidden state, also the output

``*`` is the elementwise product. z_t[i] means columns 0:H of z_t, [f] H:2H, [g] 2H:3H, [o] 3H:4H:
the four gates' weights are stacked by rows in W_ih and W_hh, so ONE matrix product gives all four.

Shape legend: T time steps, B batch, D input features, H hidden units.

    x_t (B, D);  h_t, c_t, i_t, f_t, g_t, o_t (B, H);  x (T, B, D);  out (T, B, H)
    W_ih (4H, D),  W_hh (4H, H),  b_ih, b_hh (4H,)

Backward, for one step, given dh = dL/dh_t and dc = dL/dc_t arriving from later steps:

    do = dh * tanh(c_t)
    dc = dc + dh * o_t * (1 - tanh(c_t)^2)           both paths into c_t
    di = dc * g_t,   dg = dc * i_t,   df = dc * c_{t-1},   dc_{t-1} = dc * f_t
    dz = [di * i(1-i), df * f(1-f), dg * (1-g^2), do * o(1-o)]      (B, 4H)
    dx_t = dz W_ih,  dh_{t-1} = dz W_hh,  dW_ih = dz^T x_t,  dW_hh = dz^T h_{t-1},  db = sum_B dz

``lstm_cell`` and ``lstm_cell_backward`` are the plain, line-by-line version to learn from.
``lstm`` and ``lstm_backward`` compute the same numbers faster (tests check they agree):

- the input half of z_t, W_ih x_t + b_ih + b_hh, does not depend on h, so it is computed for all
  T steps in one (T*B, D) x (D, 4H) matrix product before the loop;
- all four gates go through a single tanh per step, using sigmoid(a) = (1 + tanh(a/2)) / 2;
- activations are written in place into preallocated (T, B, ...) arrays, which are also the cache;
- in backward, the weight gradients sum_t dz_t^T x_t and sum_t dz_t^T h_{t-1} are one matrix
  product each after the loop; only dh_{t-1} = dz_t W_hh has to be computed step by step.
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
class LSTMCellCache(Cache):
    """What ``lstm_cell_backward`` needs. ``gates`` holds i, f, g, o, each (B, H)."""

    x: np.ndarray  # (B, D)
    h_prev: np.ndarray  # (B, H)
    c_prev: np.ndarray  # (B, H)
    c: np.ndarray  # (B, H)  c_t
    tanh_c: np.ndarray  # (B, H)  tanh(c_t), kept for backward
    params: dict[str, np.ndarray]


def lstm_cell(
    x: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray, params: dict
) -> tuple[np.ndarray, np.ndarray, LSTMCellCache]:
    """One LSTM step. x (B, D), h_prev (B, H), c_prev (B, H) -> h (B, H), c (B, H), cache.

    ``params``: weight_ih (4H, D), weight_hh (4H, H), bias_ih, bias_hh (4H,), gates i, f, g, o.
    """
    p = check_params(params, "lstm")
    x = np.asarray(x)
    check_input("x", x, p["weight_ih"].shape[1], sequence=False)
    B, H = x.shape[0], p["weight_hh"].shape[1]
    h_prev = check_state("h_prev", h_prev, B, H, x.dtype)
    c_prev = check_state("c_prev", c_prev, B, H, x.dtype)

    # One fused product per weight matrix gives all four gates' pre-activations: (B, 4H).
    z = x @ p["weight_ih"].T + p["bias_ih"] + h_prev @ p["weight_hh"].T + p["bias_hh"]
    i = sigmoid(z[:, 0 * H : 1 * H])  # input gate
    f = sigmoid(z[:, 1 * H : 2 * H])  # forget gate
    g = np.tanh(z[:, 2 * H : 3 * H])  # candidate values
    o = sigmoid(z[:, 3 * H : 4 * H])  # output gate
    c = f * c_prev + i * g  # keep part of the old cell, write part of the candidate
    tanh_c = np.tanh(c)
    h = o * tanh_c  # show part of the (squashed) cell
    cache = LSTMCellCache({"i": i, "f": f, "g": g, "o": o}, x, h_prev, c_prev, c, tanh_c, p)
    return h, c, cache


def lstm_cell_backward(
    dh: np.ndarray, dc: np.ndarray, cache: LSTMCellCache
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Backward of :func:`lstm_cell`.

    dh, dc (B, H): gradients w.r.t. the returned h and c. Returns dx (B, D), dh_prev (B, H),
    dc_prev (B, H) and grads (same keys and shapes as params).
    """
    shape = cache.c.shape
    dh = check_grad("dh", dh, shape, "(B, H), the shape of h")
    dc = check_grad("dc", dc, shape, "(B, H), the shape of c")
    i, f, g, o = (cache.gates[k] for k in "ifgo")
    p = cache.params

    do = dh * cache.tanh_c
    dc = dc + dh * o * (1.0 - cache.tanh_c**2)  # c_t reaches the loss directly and through h_t
    di = dc * g
    dg = dc * i
    df = dc * cache.c_prev
    dc_prev = dc * f
    # Back through the activations (sigmoid' = s(1-s), tanh' = 1-t^2), gates side by side again.
    dz = np.concatenate(
        [di * i * (1.0 - i), df * f * (1.0 - f), dg * (1.0 - g * g), do * o * (1.0 - o)], axis=1
    )  # (B, 4H)
    dx = dz @ p["weight_ih"]  # (B, D)
    dh_prev = dz @ p["weight_hh"]  # (B, H)
    grads = {
        "weight_ih": dz.T @ cache.x,  # (4H, D)
        "weight_hh": dz.T @ cache.h_prev,  # (4H, H)
        "bias_ih": dz.sum(axis=0),  # (4H,)
        "bias_hh": dz.sum(axis=0),
    }
    return dx, dh_prev, dc_prev, grads


# ------------------------------------------------------------------------------- whole sequence
@dataclass(eq=False)
class LSTMCache(Cache):
    """Cache of :func:`lstm`. ``gates[k]`` for k in i, f, g, o is (T, B, H) (views into ``act``)."""

    x: np.ndarray  # (T, B, D)
    h0: np.ndarray  # (B, H)
    c0: np.ndarray  # (B, H)
    act: np.ndarray  # (T, B, 4H)  gate activations [i, f, g, o] side by side
    c: np.ndarray  # (T, B, H)   every c_t
    out: np.ndarray  # (T, B, H)   every h_t
    params: dict[str, np.ndarray]

    @cached_property
    def tanh_c(self) -> np.ndarray:
        """tanh(c_t) for every t, (T, B, H): recomputed for backward in one call, not stored."""
        return np.tanh(self.c)

    @cached_property
    def steps(self) -> list[LSTMCellCache]:
        """Per-step caches, as ``lstm_cell`` would have made them (built on first use)."""
        T = len(self.x)
        h_prev = [self.h0, *self.out[:-1]]
        c_prev = [self.c0, *self.c[:-1]]
        return [
            LSTMCellCache({k: v[t] for k, v in self.gates.items()}, self.x[t], h_prev[t],
                          c_prev[t], self.c[t], self.tanh_c[t], self.params)
            for t in range(T)
        ]


def lstm(
    x: np.ndarray, params: dict, h0: np.ndarray | None = None, c0: np.ndarray | None = None
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray], LSTMCache]:
    """Run the LSTM over a time-major sequence.

    x (T, B, D); h0, c0 (B, H), zeros when None. Returns out (T, B, H) (every h_t),
    (h_n, c_n) (B, H) each (the last step's states) and the cache for :func:`lstm_backward`.

    Equivalent to the plain loop (what this function computes, only faster):

        h, c = h0, c0
        for t in range(T):
            h, c, _ = lstm_cell(x[t], h, c, params)
            out[t] = h
    """
    p = check_params(params, "lstm")
    x = np.asarray(x)
    check_input("x", x, p["weight_ih"].shape[1], sequence=True)
    T, B, D = x.shape
    H = p["weight_hh"].shape[1]
    dtype = np.result_type(x, p["weight_ih"])
    h0 = check_state("h0", h0, B, H, dtype)
    c0 = check_state("c0", c0, B, H, dtype)

    # The input half of z_t for every t in ONE matrix product: (T*B, D) @ (D, 4H) -> (T, B, 4H).
    # `act` first holds these pre-activations; the loop turns them into gate activations in place.
    #
    # One tanh for all four gates: sigmoid(a) = (1 + tanh(a/2)) / 2, the same function (and it
    # cannot overflow). So the sigmoid gates' columns (i, f, o) of the weights and biases are
    # halved once, up front (exact in floating point); per step we take tanh over (B, 4H) and then
    # s = 0.5*t + 0.5 for i, f, o.
    half = np.ones(4 * H, dtype)
    half[: 2 * H] = half[3 * H :] = 0.5
    W_ih_T = np.ascontiguousarray(p["weight_ih"].T * half)  # (D, 4H); contiguous: BLAS likes it
    W_hh_T = np.ascontiguousarray(p["weight_hh"].T * half)  # (H, 4H)
    act = (x.reshape(T * B, D) @ W_ih_T).reshape(T, B, 4 * H)
    act += (p["bias_ih"] + p["bias_hh"]) * half

    c_all = np.empty((T, B, H), dtype)
    out = np.empty((T, B, H), dtype)
    hw = np.empty((B, 4 * H), dtype)  # buffer for W_hh h_{t-1}, reused every step
    ig = np.empty((B, H), dtype)  # buffer for i_t * g_t

    h, c = h0, c0
    for t in range(T):
        z = act[t]  # (B, 4H), a view: writing to z writes to act[t]
        z += np.matmul(h, W_hh_T, out=hw)  # z_t (i, f, o halved), input half precomputed
        np.tanh(z, out=z)  # g_t = tanh(z[g]); the others still need 0.5*t + 0.5
        for sig in (z[:, : 2 * H], z[:, 3 * H :]):  # i and f (side by side), then o
            sig *= 0.5
            sig += 0.5
        i, f, g, o = z[:, :H], z[:, H : 2 * H], z[:, 2 * H : 3 * H], z[:, 3 * H :]
        c = np.multiply(f, c, out=c_all[t])  # c_t = f_t * c_{t-1} ...
        c += np.multiply(i, g, out=ig)  # ... + i_t * g_t
        h = np.tanh(c, out=out[t])
        h *= o  # h_t = o_t * tanh(c_t)

    gates = {k: act[:, :, n * H : (n + 1) * H] for n, k in enumerate("ifgo")}
    cache = LSTMCache(gates, x, h0, c0, act, c_all, out, p)
    return out, (out[-1].copy(), c_all[-1].copy()), cache


def lstm_backward(
    dout: np.ndarray,
    cache: LSTMCache,
    dh_n: np.ndarray | None = None,
    dc_n: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Backpropagation through time for :func:`lstm`.

    dout (T, B, H): gradient w.r.t. every h_t in ``out``; dh_n, dc_n (B, H): extra gradients
    w.r.t. the returned h_n and c_n (default none). Returns dx (T, B, D), dh0 (B, H), dc0 (B, H)
    and grads (same keys and shapes as params).

    Equivalent to calling :func:`lstm_cell_backward` for t = T-1 down to 0, passing dh_prev and
    dc_prev down, and summing the per-step grads; the sums are done as matrix products at the end.
    """
    out, x, p = cache.out, cache.x, cache.params
    T, B, H = out.shape
    D = x.shape[2]
    dout = check_grad("dout", dout, out.shape, "(T, B, H), the shape of out")
    dh = np.zeros((B, H), out.dtype) if dh_n is None else check_grad(
        "dh_n", dh_n, (B, H), "(B, H), the shape of h_n")
    dc = np.zeros((B, H), out.dtype) if dc_n is None else check_grad(
        "dc_n", dc_n, (B, H), "(B, H), the shape of c_n")
    W_hh = p["weight_hh"]
    dz_all = np.empty((T, B, 4 * H), np.result_type(out, dout, dh, dc))

    tanh_c = cache.tanh_c
    for t in reversed(range(T)):
        a = cache.act[t]
        i, f, g, o = a[:, :H], a[:, H : 2 * H], a[:, 2 * H : 3 * H], a[:, 3 * H :]
        tc = tanh_c[t]
        c_prev = cache.c[t - 1] if t > 0 else cache.c0
        dh = dh + dout[t]  # from the loss at step t and from step t+1
        dc = dc + dh * o * (1.0 - tc * tc)
        dz = dz_all[t]
        dz[:, :H] = dc * g * i * (1.0 - i)  # di * sigmoid'
        dz[:, H : 2 * H] = dc * c_prev * f * (1.0 - f)  # df * sigmoid'
        dz[:, 2 * H : 3 * H] = dc * i * (1.0 - g * g)  # dg * tanh'
        dz[:, 3 * H :] = dh * tc * o * (1.0 - o)  # do * sigmoid'
        dc = dc * f  # dc_{t-1}
        dh = dz @ W_hh  # dh_{t-1}

    dz2 = dz_all.reshape(T * B, 4 * H)
    dx = (dz2 @ p["weight_ih"]).reshape(T, B, D)
    dW_hh = dz_all[0].T @ cache.h0
    if T > 1:  # h_{t-1} for t >= 1 is out[t-1]
        dW_hh += dz_all[1:].reshape(-1, 4 * H).T @ out[:-1].reshape(-1, H)
    db = dz2.sum(axis=0)
    grads = {
        "weight_ih": dz2.T @ x.reshape(T * B, D),
        "weight_hh": dW_hh,
        "bias_ih": db,
        "bias_hh": db.copy(),
    }
    return dx, dh, dc, grads
