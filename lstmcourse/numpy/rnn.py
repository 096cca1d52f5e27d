"""The plain (Elman) RNN: one step, a whole sequence, and backpropagation through time.

Equation (PyTorch's ``nn.RNN``/``nn.RNNCell``), for each time step t:

    h_t = phi(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh),     phi = tanh (default) or relu

Shape legend: T time steps, B batch, D input features, H hidden units.

    x_t      (B, D)        x (whole sequence)  (T, B, D), time-major like torch
    h_t      (B, H)        out = all h_t        (T, B, H)
    W_ih     (H, D)        W_hh  (H, H)         b_ih, b_hh  (H,)

Rows are examples, so in code ``W_ih x_t`` is ``x @ W_ih.T``. The backward pass is the chain rule
run in reverse: with a_t the pre-activation, da_t = dh_t * phi'(a_t), and then

    dx_t = da_t W_ih,  dh_{t-1} = da_t W_hh,  dW_ih += da_t^T x_t,  dW_hh += da_t^T h_{t-1}.

``rnn`` calls ``rnn_cell`` once per time step, and ``rnn_backward`` calls ``rnn_cell_backward``.

The RNN has no gates; its cache exposes the activation under the name "h".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._cache import Cache, SequenceCache, add_grads
from ._checks import as_float_array, check_grad, check_input, check_params, check_state

_NONLINEARITIES = ("tanh", "relu")


def _check_nonlinearity(nonlinearity: str) -> None:
    if nonlinearity not in _NONLINEARITIES:
        raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")


def _phi_backward(dh: np.ndarray, h: np.ndarray, nonlinearity: str) -> np.ndarray:
    """da = dh * phi'(a), written with the output h = phi(a) that the forward pass kept."""
    if nonlinearity == "tanh":
        return dh * (1.0 - h * h)  # tanh'(a) = 1 - tanh(a)^2
    return dh * (h > 0)  # relu'(a) = 1 where a > 0 (torch uses 0 at a = 0)


# --------------------------------------------------------------------------------------- one step
@dataclass(eq=False)
class RNNCellCache(Cache):
    """What ``rnn_cell_backward`` needs: the inputs, the output and the nonlinearity."""

    gates: dict[str, np.ndarray]  # {"h": h}
    x: np.ndarray  # (B, D)
    h_prev: np.ndarray  # (B, H)
    h: np.ndarray  # (B, H)
    params: dict[str, np.ndarray]
    nonlinearity: str


def rnn_cell(
    x: np.ndarray, h_prev: np.ndarray, params: dict, nonlinearity: str = "tanh"
) -> tuple[np.ndarray, RNNCellCache]:
    """One RNN step: h = phi(W_ih x + b_ih + W_hh h_prev + b_hh).

    x (B, D), h_prev (B, H), params as in :mod:`lstmcourse.numpy.params` (G = 1).
    Returns h (B, H) and the cache for :func:`rnn_cell_backward`.
    """
    _check_nonlinearity(nonlinearity)
    p = check_params(params, "rnn")
    x = np.asarray(x)
    check_input("x", x, p["weight_ih"].shape[1], sequence=False)
    H = p["weight_hh"].shape[1]
    h_prev = check_state("h_prev", h_prev, x.shape[0], H, x.dtype)

    a = x @ p["weight_ih"].T + p["bias_ih"] + h_prev @ p["weight_hh"].T + p["bias_hh"]  # (B, H)
    h = np.tanh(a) if nonlinearity == "tanh" else np.maximum(a, 0)
    return h, RNNCellCache({"h": h}, x, h_prev, h, p, nonlinearity)


def rnn_cell_backward(
    dh: np.ndarray, cache: RNNCellCache
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Backward of :func:`rnn_cell`: dh (B, H) -> dx (B, D), dh_prev (B, H), grads (like params)."""
    dh = check_grad("dh", dh, cache.h.shape, "(B, H), the shape of h")
    p = cache.params
    da = _phi_backward(dh, cache.h, cache.nonlinearity)  # (B, H)
    dx = da @ p["weight_ih"]  # (B, D)
    dh_prev = da @ p["weight_hh"]  # (B, H)
    grads = {
        "weight_ih": da.T @ cache.x,  # (H, D)
        "weight_hh": da.T @ cache.h_prev,  # (H, H)
        "bias_ih": da.sum(axis=0),  # (H,)
        "bias_hh": da.sum(axis=0),
    }
    return dx, dh_prev, grads


# ------------------------------------------------------------------------------- whole sequence
@dataclass(eq=False)
class RNNCache(SequenceCache):
    """Cache of :func:`rnn`: ``steps[t]`` is step t's :class:`RNNCellCache`; ``gates["h"]`` is
    every h_t, (T, B, H)."""

    steps: list[RNNCellCache]
    out: np.ndarray  # (T, B, H)


def rnn(
    x: np.ndarray, params: dict, h0: np.ndarray | None = None, nonlinearity: str = "tanh"
) -> tuple[np.ndarray, np.ndarray, RNNCache]:
    """Run the RNN over a time-major sequence x (T, B, D) from h0 (B, H) (default zeros).

    Returns out (T, B, H) (every h_t), h_n (B, H) (= out[-1]) and the cache for
    :func:`rnn_backward`: one :func:`rnn_cell` per time step.
    """
    _check_nonlinearity(nonlinearity)
    p = check_params(params, "rnn", column_major=True)
    x = as_float_array("x", x)
    check_input("x", x, p["weight_ih"].shape[1], sequence=True)
    T, B, _ = x.shape
    dtype = np.result_type(x, p["weight_ih"])
    h = check_state("h0", h0, B, p["weight_hh"].shape[1], dtype)
    out, steps = np.empty((T, *h.shape), dtype), []
    for t in range(T):
        h, step = rnn_cell(x[t], h, p, nonlinearity)
        out[t] = h
        steps.append(step)
    return out, h, RNNCache(steps, out)


def rnn_backward(
    dout: np.ndarray, cache: RNNCache, dh_n: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Backpropagation through time for :func:`rnn`: :func:`rnn_cell_backward` for t = T-1 ... 0.

    dout (T, B, H): gradient of the loss w.r.t. every h_t in ``out``; dh_n (B, H): extra gradient
    w.r.t. the returned h_n (default none). Returns dx (T, B, D), dh0 (B, H), grads (like params).

    The gradient reaching h_t is dout_t plus what flows back from step t + 1; every step adds its
    share to the parameter gradients.
    """
    T, B, H = cache.out.shape
    dout = check_grad("dout", dout, cache.out.shape, "(T, B, H), the shape of out")
    dh = (np.zeros((B, H), cache.out.dtype) if dh_n is None
          else check_grad("dh_n", dh_n, (B, H), "(B, H), the shape of h_n"))
    dx, grads = [None] * T, None
    for t in reversed(range(T)):
        dx[t], dh, step_grads = rnn_cell_backward(dout[t] + dh, cache.steps[t])
        grads = add_grads(grads, step_grads)
    return np.stack(dx), dh, grads
