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

``lstm`` calls ``lstm_cell`` once per time step, and ``lstm_backward`` calls
``lstm_cell_backward`` once per step, from the last to the first: what the book derives is what
runs.
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
class LSTMCellCache(Cache):
    """What ``lstm_cell_backward`` needs. ``gates`` holds i, f, g, o, each (B, H)."""

    gates: dict[str, np.ndarray]
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

    # One product per weight matrix gives all four gates' pre-activations: (B, 4H).
    z = x @ p["weight_ih"].T + p["bias_ih"] + h_prev @ p["weight_hh"].T + p["bias_hh"]
    i = sigmoid(z[:, 0 * H : 1 * H])  # input gate
    f = sigmoid(z[:, 1 * H : 2 * H])  # forget gate
    g = np.tanh(z[:, 2 * H : 3 * H])  # candidate values
    o = sigmoid(z[:, 3 * H : 4 * H])  # output gate
    c = f * c_prev + i * g  # keep part of the old cell, write part of the candidate
    tanh_c = np.tanh(c)
    h = o * tanh_c  # show part of the (squashed) cell
    gates = dict(zip(GATES["lstm"], (i, f, g, o), strict=True))
    return h, c, LSTMCellCache(gates, x, h_prev, c_prev, c, tanh_c, p)


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
    i, f, g, o = (cache.gates[k] for k in GATES["lstm"])
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
class LSTMCache(SequenceCache):
    """Cache of :func:`lstm`: ``steps[t]`` is step t's :class:`LSTMCellCache`; ``gates[k]`` for
    k in i, f, g, o is (T, B, H)."""

    steps: list[LSTMCellCache]
    c: np.ndarray  # (T, B, H)   every c_t
    out: np.ndarray  # (T, B, H)   every h_t


def lstm(
    x: np.ndarray, params: dict, h0: np.ndarray | None = None, c0: np.ndarray | None = None
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray], LSTMCache]:
    """Run the LSTM over a time-major sequence, one :func:`lstm_cell` per time step.

    x (T, B, D); h0, c0 (B, H), zeros when None. Returns out (T, B, H) (every h_t),
    (h_n, c_n) (B, H) each (the last step's states) and the cache for :func:`lstm_backward`.
    """
    p = check_params(params, "lstm", column_major=True)
    x = as_float_array("x", x)
    check_input("x", x, p["weight_ih"].shape[1], sequence=True)
    T, B, _ = x.shape
    H = p["weight_hh"].shape[1]
    dtype = np.result_type(x, p["weight_ih"])
    h = check_state("h0", h0, B, H, dtype)
    c = check_state("c0", c0, B, H, dtype)
    out, cells, steps = np.empty((T, B, H), dtype), np.empty((T, B, H), dtype), []
    for t in range(T):
        h, c, step = lstm_cell(x[t], h, c, p)
        out[t], cells[t] = h, c
        steps.append(step)
    return out, (h, c), LSTMCache(steps, cells, out)


def lstm_backward(
    dout: np.ndarray,
    cache: LSTMCache,
    dh_n: np.ndarray | None = None,
    dc_n: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Backpropagation through time for :func:`lstm`: :func:`lstm_cell_backward` for t = T-1 ... 0.

    dout (T, B, H): gradient w.r.t. every h_t in ``out``; dh_n, dc_n (B, H): extra gradients
    w.r.t. the returned h_n and c_n (default none). Returns dx (T, B, D), dh0 (B, H), dc0 (B, H)
    and grads (same keys and shapes as params).

    The gradient reaching h_t is dout_t plus what flows back from step t + 1; c_t gets only what
    flows back along the conveyor belt. Every step adds its share to the parameter gradients.
    """
    T, B, H = cache.out.shape
    dout = check_grad("dout", dout, cache.out.shape, "(T, B, H), the shape of out")
    dh = np.zeros((B, H), cache.out.dtype) if dh_n is None else check_grad(
        "dh_n", dh_n, (B, H), "(B, H), the shape of h_n")
    dc = np.zeros((B, H), cache.out.dtype) if dc_n is None else check_grad(
        "dc_n", dc_n, (B, H), "(B, H), the shape of c_n")
    dx, grads = [None] * T, None
    for t in reversed(range(T)):
        dx[t], dh, dc, step_grads = lstm_cell_backward(dout[t] + dh, dc, cache.steps[t])
        grads = add_grads(grads, step_grads)
    return np.stack(dx), dh, dc, grads
