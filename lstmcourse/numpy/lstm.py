r"""The LSTM: one step, a whole sequence, and backpropagation through time.

The equations are PyTorch's ``nn.LSTM`` and ``nn.LSTMCell`` (gate order i, f, g, o). For each
time step t:

.. math::

    z_t &= W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh} \\
    i_t &= \sigma(z_t^i) \\
    f_t &= \sigma(z_t^f) \\
    g_t &= \tanh(z_t^g) \\
    o_t &= \sigma(z_t^o) \\
    c_t &= f_t \odot c_{t-1} + i_t \odot g_t \\
    h_t &= o_t \odot \tanh(c_t)

- :math:`z_t` (B, 4H) holds all four gates' pre-activations: the gates' weights are stacked by
  rows in :math:`W_{ih}` and :math:`W_{hh}`, so *one* matrix product gives all four.
  :math:`z_t^i` is columns 0:H, :math:`z_t^f` H:2H, :math:`z_t^g` 2H:3H, :math:`z_t^o` 3H:4H.
- The input gate :math:`i_t` says how much of the candidate :math:`g_t` to write, the forget
  gate :math:`f_t` how much of the old cell state to keep, the output gate :math:`o_t` how much
  of the cell to show. The cell state :math:`c_t` is the "conveyor belt"; the hidden state
  :math:`h_t` is also the output.
- :math:`\sigma` is the logistic sigmoid, :math:`\odot` the elementwise product.

Shapes (T time steps, B batch, D input features, H hidden units):

- :math:`x_t` (B, D); :math:`h_t, c_t, i_t, f_t, g_t, o_t` (B, H);
- a sequence x (T, B, D) gives out (T, B, H);
- :math:`W_{ih}` (4H, D), :math:`W_{hh}` (4H, H), :math:`b_{ih}, b_{hh}` (4H,).

Backward, for one step, given :math:`dh = \partial L / \partial h_t` and
:math:`dc = \partial L / \partial c_t` arriving from later steps, the two paths into
:math:`c_t` are added first, :math:`dc \leftarrow dc + dh \odot o_t \odot (1 - \tanh^2(c_t))`,
and then (:math:`dz = [dz^i, dz^f, dz^g, dz^o]` is (B, 4H), the gates side by side):

.. math::

    do &= dh \odot \tanh(c_t), & di &= dc \odot g_t, \\
    dg &= dc \odot i_t, & df &= dc \odot c_{t-1}, \\
    dc_{t-1} &= dc \odot f_t, \\
    dz^i &= di \odot i_t (1 - i_t), & dz^f &= df \odot f_t (1 - f_t), \\
    dz^g &= dg \odot (1 - g_t^2), & dz^o &= do \odot o_t (1 - o_t), \\
    dx_t &= dz\, W_{ih}, & dh_{t-1} &= dz\, W_{hh}, \\
    dW_{ih} &= dz^\top x_t, & dW_{hh} &= dz^\top h_{t-1}, \\
    db_{ih} &= db_{hh} = \textstyle\sum_B dz

:func:`lstm` calls :func:`lstm_cell` once per time step, and :func:`lstm_backward` calls
:func:`lstm_cell_backward` once per step, from the last to the first: what the book derives is
what runs.
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
    """What :func:`lstm_cell_backward` needs. ``gates`` holds i, f, g, o, each (B, H)."""

    gates: dict[str, np.ndarray]
    x: np.ndarray  # (B, D)
    h_prev: np.ndarray  # (B, H)
    c_prev: np.ndarray  # (B, H)
    c: np.ndarray  # (B, H)  c_t
    tanh_c: np.ndarray  # (B, H)  tanh(c_t), kept for backward
    params: dict[str, np.ndarray]


def lstm_cell(
    x: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray, params: dict, *, check: bool = True
) -> tuple[np.ndarray, np.ndarray, LSTMCellCache]:
    """One LSTM step: the equations of this module for one t.

    Args:
        x: input :math:`x_t`, (B, D).
        h_prev: hidden state :math:`h_{t-1}`, (B, H).
        c_prev: cell state :math:`c_{t-1}`, (B, H).
        params: ``weight_ih`` (4H, D), ``weight_hh`` (4H, H), ``bias_ih`` and ``bias_hh``
            (4H,), gate blocks in the order i, f, g, o.
        check: check the arguments' types and shapes first. :func:`lstm` checks them once for
            the whole sequence and passes False (which saves it 10-12 %).

    Returns:
        The tuple ``(h, c, cache)``, with :math:`h_t` and :math:`c_t`, (B, H) each, and the
        :class:`LSTMCellCache` for :func:`lstm_cell_backward`.
    """
    if check:
        params = check_params(params, "lstm")
        x = np.asarray(x)
        check_input("x", x, params["weight_ih"].shape[1], sequence=False)
        B, H = x.shape[0], params["weight_hh"].shape[1]
        h_prev = check_state("h_prev", h_prev, B, H, x.dtype)
        c_prev = check_state("c_prev", c_prev, B, H, x.dtype)
    p, H = params, params["weight_hh"].shape[1]

    # One product per weight matrix gives all four gates' pre-activations: (B, 4H). The biases
    # are added in place (+=), which spares a (B, 4H) temporary; the sum of the two products is
    # not, so that z takes the wider dtype of x, h_prev and the weights, as NumPy's + does.
    z = x @ p["weight_ih"].T + h_prev @ p["weight_hh"].T
    z += p["bias_ih"] + p["bias_hh"]
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
    """Backward of :func:`lstm_cell`: the backward equations of this module for one step.

    Args:
        dh: gradient of the loss w.r.t. the returned h, (B, H).
        dc: gradient w.r.t. the returned c, (B, H).
        cache: the cache that :func:`lstm_cell` returned.

    Returns:
        The tuple ``(dx, dh_prev, dc_prev, grads)``, with dx (B, D), dh_prev and dc_prev
        (B, H), and ``grads`` with the keys and shapes of ``params``.
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
    """Cache of :func:`lstm`: ``steps[t]`` is step t's :class:`LSTMCellCache`.

    ``gates[k]`` for k in i, f, g, o is (T, B, H).
    """

    steps: list[LSTMCellCache]
    c: np.ndarray  # (T, B, H)   every c_t
    out: np.ndarray  # (T, B, H)   every h_t


def lstm(
    x: np.ndarray, params: dict, h0: np.ndarray | None = None, c0: np.ndarray | None = None
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray], LSTMCache]:
    """Run the LSTM over a time-major sequence, one :func:`lstm_cell` per time step.

    Args:
        x: the inputs, (T, B, D).
        params: ``weight_ih`` (4H, D), ``weight_hh`` (4H, H), ``bias_ih`` and ``bias_hh``
            (4H,).
        h0: initial hidden state (B, H); zeros when None.
        c0: initial cell state (B, H); zeros when None.

    Returns:
        The tuple ``(out, (h_n, c_n), cache)``. out (T, B, H) holds every :math:`h_t`; h_n
        and c_n (B, H) are the last step's states; the :class:`LSTMCache` is for
        :func:`lstm_backward`.
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
    # Everything is checked above, once, so the steps skip the cell's checks. (Computing
    # x @ W_ih^T for all steps in one product before the loop was measured too, and was no
    # faster: its (T, B, 4H) result costs more memory traffic than T products with D columns.)
    for t in range(T):
        h, c, step = lstm_cell(x[t], h, c, p, check=False)
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

    The gradient reaching :math:`h_t` is ``dout[t]`` plus what flows back from step t + 1;
    :math:`c_t` gets only what flows back along the conveyor belt. Every step adds its share to
    the parameter gradients.

    Args:
        dout: gradient of the loss w.r.t. every :math:`h_t` in ``out``, (T, B, H).
        cache: the cache that :func:`lstm` returned.
        dh_n: extra gradient w.r.t. the returned h_n, (B, H); none when None.
        dc_n: extra gradient w.r.t. the returned c_n, (B, H); none when None.

    Returns:
        The tuple ``(dx, dh0, dc0, grads)``, with dx (T, B, D), dh0 and dc0 (B, H), and
        ``grads`` with the keys and shapes of ``params``.
    """
    T, B, H = cache.out.shape
    dout = check_grad("dout", dout, cache.out.shape, "(T, B, H), the shape of out")
    dh = np.zeros((B, H), cache.out.dtype) if dh_n is None else check_grad(
        "dh_n", dh_n, (B, H), "(B, H), the shape of h_n")
    dc = np.zeros((B, H), cache.out.dtype) if dc_n is None else check_grad(
        "dc_n", dc_n, (B, H), "(B, H), the shape of c_n")
    dx, grads = [None] * T, None
    # (Stacking every step's dz and computing dx and dW for all steps in one product each after
    # the loop saved only 4-7 %, too little to pay for a cell backward with two modes.)
    for t in reversed(range(T)):
        dx[t], dh, dc, step_grads = lstm_cell_backward(dout[t] + dh, dc, cache.steps[t])
        grads = add_grads(grads, step_grads)
    return np.stack(dx), dh, dc, grads
