r"""The plain (Elman) RNN: one step, a whole sequence, and backpropagation through time.

The equation is PyTorch's ``nn.RNN`` and ``nn.RNNCell``. For each time step t:

.. math::

    h_t = \phi(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh})

with :math:`\phi` = tanh (the default) or ReLU.

Shapes (T time steps, B batch, D input features, H hidden units):

- :math:`x_t` (B, D); a whole sequence x (T, B, D), time-major like torch;
- :math:`h_t` (B, H); out, every :math:`h_t`, (T, B, H);
- :math:`W_{ih}` (H, D), :math:`W_{hh}` (H, H), :math:`b_{ih}, b_{hh}` (H,).

Rows are examples, so in code :math:`W_{ih} x_t` is ``x @ W_ih.T``. The backward pass is the
chain rule run in reverse: with :math:`a_t` the pre-activation,
:math:`da_t = dh_t \odot \phi'(a_t)`, and then

.. math::

    dx_t &= da_t W_{ih}, & dh_{t-1} &= da_t W_{hh}, \\
    dW_{ih} &\mathrel{+}= da_t^\top x_t, & dW_{hh} &\mathrel{+}= da_t^\top h_{t-1}.

:func:`rnn` calls :func:`rnn_cell` once per time step, and :func:`rnn_backward` calls
:func:`rnn_cell_backward`.

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
    """What :func:`rnn_cell_backward` needs: the inputs, the output and the nonlinearity."""

    gates: dict[str, np.ndarray]  # {"h": h}
    x: np.ndarray  # (B, D)
    h_prev: np.ndarray  # (B, H)
    h: np.ndarray  # (B, H)
    params: dict[str, np.ndarray]
    nonlinearity: str


def rnn_cell(
    x: np.ndarray,
    h_prev: np.ndarray,
    params: dict,
    nonlinearity: str = "tanh",
    *,
    check: bool = True,
) -> tuple[np.ndarray, RNNCellCache]:
    r"""One RNN step, :math:`h_t = \phi(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh})`.

    Args:
        x: input :math:`x_t`, (B, D).
        h_prev: hidden state :math:`h_{t-1}`, (B, H).
        params: ``weight_ih`` (H, D), ``weight_hh`` (H, H), ``bias_ih`` and ``bias_hh`` (H,),
            as in :mod:`lstmcourse.numpy.params` with G = 1.
        nonlinearity: :math:`\phi`, "tanh" or "relu".
        check: check the arguments' types and shapes first. :func:`rnn` checks them once for
            the whole sequence and passes False (which saves it about 25 %).

    Returns:
        The tuple ``(h, cache)``, with :math:`h_t` (B, H) and the :class:`RNNCellCache` for
        :func:`rnn_cell_backward`.
    """
    if check:
        _check_nonlinearity(nonlinearity)
        params = check_params(params, "rnn")
        x = np.asarray(x)
        check_input("x", x, params["weight_ih"].shape[1], sequence=False)
        h_prev = check_state("h_prev", h_prev, x.shape[0], params["weight_hh"].shape[1], x.dtype)
    p = params

    a = x @ p["weight_ih"].T + p["bias_ih"] + h_prev @ p["weight_hh"].T + p["bias_hh"]  # (B, H)
    h = np.tanh(a) if nonlinearity == "tanh" else np.maximum(a, 0)
    return h, RNNCellCache({"h": h}, x, h_prev, h, p, nonlinearity)


def rnn_cell_backward(
    dh: np.ndarray, cache: RNNCellCache
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Backward of :func:`rnn_cell`.

    Args:
        dh: gradient of the loss w.r.t. the returned h, (B, H).
        cache: the cache that :func:`rnn_cell` returned.

    Returns:
        The tuple ``(dx, dh_prev, grads)``, with dx (B, D), dh_prev (B, H), and ``grads`` with
        the keys and shapes of ``params``.
    """
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
    """Cache of :func:`rnn`: ``steps[t]`` is step t's :class:`RNNCellCache`.

    ``gates["h"]`` is every :math:`h_t`, (T, B, H).
    """

    steps: list[RNNCellCache]
    out: np.ndarray  # (T, B, H)


def rnn(
    x: np.ndarray, params: dict, h0: np.ndarray | None = None, nonlinearity: str = "tanh"
) -> tuple[np.ndarray, np.ndarray, RNNCache]:
    """Run the RNN over a time-major sequence, one :func:`rnn_cell` per time step.

    Args:
        x: the inputs, (T, B, D).
        params: ``weight_ih`` (H, D), ``weight_hh`` (H, H), ``bias_ih`` and ``bias_hh`` (H,).
        h0: initial hidden state (B, H); zeros when None.
        nonlinearity: "tanh" or "relu".

    Returns:
        The tuple ``(out, h_n, cache)``. out (T, B, H) holds every :math:`h_t`; h_n (B, H) is
        ``out[-1]``; the :class:`RNNCache` is for :func:`rnn_backward`.
    """
    _check_nonlinearity(nonlinearity)
    p = check_params(params, "rnn", column_major=True)
    x = as_float_array("x", x)
    check_input("x", x, p["weight_ih"].shape[1], sequence=True)
    T, B, _ = x.shape
    dtype = np.result_type(x, p["weight_ih"])
    h = check_state("h0", h0, B, p["weight_hh"].shape[1], dtype)
    out, steps = np.empty((T, *h.shape), dtype), []
    # Everything is checked above, once, so the steps skip the cell's checks.
    for t in range(T):
        h, step = rnn_cell(x[t], h, p, nonlinearity, check=False)
        out[t] = h
        steps.append(step)
    return out, h, RNNCache(steps, out)


def rnn_backward(
    dout: np.ndarray, cache: RNNCache, dh_n: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Backpropagation through time for :func:`rnn`: :func:`rnn_cell_backward` for t = T-1 ... 0.

    The gradient reaching :math:`h_t` is ``dout[t]`` plus what flows back from step t + 1;
    every step adds its share to the parameter gradients.

    Args:
        dout: gradient of the loss w.r.t. every :math:`h_t` in ``out``, (T, B, H).
        cache: the cache that :func:`rnn` returned.
        dh_n: extra gradient w.r.t. the returned h_n, (B, H); none when None.

    Returns:
        The tuple ``(dx, dh0, grads)``, with dx (T, B, D), dh0 (B, H), and ``grads`` with the
        keys and shapes of ``params``.
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
