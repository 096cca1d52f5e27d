r"""The GRU: one step, a whole sequence, and backpropagation through time.

The equations are exactly PyTorch's ``nn.GRU`` and ``nn.GRUCell`` (gate order r, z, n). For each
time step t:

.. math::

    r_t &= \sigma(W_{ir} x_t + b_{ir} + W_{hr} h_{t-1} + b_{hr}) \\
    z_t &= \sigma(W_{iz} x_t + b_{iz} + W_{hz} h_{t-1} + b_{hz}) \\
    n_t &= \tanh(W_{in} x_t + b_{in} + r_t \odot (W_{hn} h_{t-1} + b_{hn})) \\
    h_t &= (1 - z_t) \odot n_t + z_t \odot h_{t-1}

with the reset gate :math:`r_t`, the update gate :math:`z_t` and the candidate :math:`n_t`. Two
details differ between papers and libraries, and are fixed here as torch has them: the reset
gate multiplies :math:`W_{hn} h_{t-1} + b_{hn}` *after* the product (so :math:`b_{hn}` sits
inside the reset), and :math:`z_t = 1` means "keep the old state". :math:`W_{ir}, W_{iz},
W_{in}` are the row blocks of :math:`W_{ih}` (likewise :math:`W_{hh}`, :math:`b_{ih}`,
:math:`b_{hh}`).

Shapes (T time steps, B batch, D input features, H hidden units):

- :math:`x_t` (B, D); :math:`h_t, r_t, z_t, n_t` (B, H);
- a sequence x (T, B, D) gives out (T, B, H);
- :math:`W_{ih}` (3H, D), :math:`W_{hh}` (3H, H), :math:`b_{ih}, b_{hh}` (3H,).

Backward for one step, with :math:`g^i = W_{ih} x + b_{ih}` and
:math:`g^h = W_{hh} h_{t-1} + b_{hh}` (both (B, 3H); :math:`g^h_n` is the candidate block of
:math:`g^h`, and :math:`da_n, da_r, da_z` are the gradients at the pre-activations):

.. math::

    dn &= dh \odot (1 - z), & dz &= dh \odot (h_{t-1} - n), \\
    da_n &= dn \odot (1 - n^2), & dr &= da_n \odot g^h_n, \\
    da_r &= dr \odot r (1 - r), & da_z &= dz \odot z (1 - z), \\
    dg^i &= [da_r, da_z, da_n], & dg^h &= [da_r, da_z, da_n \odot r], \\
    dx &= dg^i\, W_{ih}, & dh_{t-1} &= dh \odot z + dg^h\, W_{hh}, \\
    dW_{ih} &= (dg^i)^\top x, & dW_{hh} &= (dg^h)^\top h_{t-1}

:func:`gru` calls :func:`gru_cell` once per time step, and :func:`gru_backward` calls
:func:`gru_cell_backward`.
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
    """What :func:`gru_cell_backward` needs. ``gates`` holds r, z, n, each (B, H)."""

    gates: dict[str, np.ndarray]
    x: np.ndarray  # (B, D)
    h_prev: np.ndarray  # (B, H)
    gh_n: np.ndarray  # (B, H)  W_hn h_prev + b_hn, the part the reset gate scales
    params: dict[str, np.ndarray]


def gru_cell(
    x: np.ndarray, h_prev: np.ndarray, params: dict, *, check: bool = True
) -> tuple[np.ndarray, GRUCellCache]:
    """One GRU step: the equations of this module for one t.

    Args:
        x: input :math:`x_t`, (B, D).
        h_prev: hidden state :math:`h_{t-1}`, (B, H).
        params: ``weight_ih`` (3H, D), ``weight_hh`` (3H, H), ``bias_ih`` and ``bias_hh``
            (3H,), gate blocks in the order r, z, n.
        check: check the arguments' types and shapes first. :func:`gru` checks them once for
            the whole sequence and passes False (which saves it about 12 %).

    Returns:
        The tuple ``(h, cache)``, with :math:`h_t` (B, H) and the :class:`GRUCellCache` for
        :func:`gru_cell_backward`.
    """
    if check:
        params = check_params(params, "gru")
        x = np.asarray(x)
        check_input("x", x, params["weight_ih"].shape[1], sequence=False)
        B, H = x.shape[0], params["weight_hh"].shape[1]
        h_prev = check_state("h_prev", h_prev, B, H, x.dtype)
    p, H = params, params["weight_hh"].shape[1]

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
    """Backward of :func:`gru_cell`: the backward equations of this module for one step.

    Args:
        dh: gradient of the loss w.r.t. the returned h, (B, H).
        cache: the cache that :func:`gru_cell` returned.

    Returns:
        The tuple ``(dx, dh_prev, grads)``, with dx (B, D), dh_prev (B, H), and ``grads`` with
        the keys and shapes of ``params``.
    """
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
    """Cache of :func:`gru`: ``steps[t]`` is step t's :class:`GRUCellCache`.

    ``gates[k]`` for k in r, z, n is (T, B, H).
    """

    steps: list[GRUCellCache]
    out: np.ndarray  # (T, B, H)


def gru(
    x: np.ndarray, params: dict, h0: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, GRUCache]:
    """Run the GRU over a time-major sequence, one :func:`gru_cell` per time step.

    Args:
        x: the inputs, (T, B, D).
        params: ``weight_ih`` (3H, D), ``weight_hh`` (3H, H), ``bias_ih`` and ``bias_hh``
            (3H,).
        h0: initial hidden state (B, H); zeros when None.

    Returns:
        The tuple ``(out, h_n, cache)``. out (T, B, H) holds every :math:`h_t`; h_n (B, H) is
        the last one; the :class:`GRUCache` is for :func:`gru_backward`.
    """
    p = check_params(params, "gru", column_major=True)
    x = as_float_array("x", x)
    check_input("x", x, p["weight_ih"].shape[1], sequence=True)
    T, B, _ = x.shape
    dtype = np.result_type(x, p["weight_ih"])
    h = check_state("h0", h0, B, p["weight_hh"].shape[1], dtype)
    out, steps = np.empty((T, *h.shape), dtype), []
    # Everything is checked above, once, so the steps skip the cell's checks.
    for t in range(T):
        h, step = gru_cell(x[t], h, p, check=False)
        out[t] = h
        steps.append(step)
    return out, h, GRUCache(steps, out)


def gru_backward(
    dout: np.ndarray, cache: GRUCache, dh_n: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Backpropagation through time for :func:`gru`: :func:`gru_cell_backward` for t = T-1 ... 0.

    Args:
        dout: gradient of the loss w.r.t. every :math:`h_t` in ``out``, (T, B, H).
        cache: the cache that :func:`gru` returned.
        dh_n: extra gradient w.r.t. the returned h_n, (B, H); none when None.

    Returns:
        The tuple ``(dx, dh0, grads)``, with dx (T, B, D), dh0 (B, H), and ``grads`` with the
        keys and shapes of ``params``.
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
