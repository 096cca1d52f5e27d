r"""Bidirectional layers: run an RNN, LSTM or GRU forwards and backwards in time, side by side.

A bidirectional layer has two independent sets of parameters. The forward direction reads
:math:`x_0, \dots, x_{T-1}`; the backward direction reads :math:`x_{T-1}, \dots, x_0`. At each
time step t the output is the two hidden states joined, forward half first (like
``nn.LSTM(bidirectional=True)``):

.. math::

    \mathrm{out}_t = [\, h_t^{\mathrm{fwd}},\; h_t^{\mathrm{bwd}} \,] \qquad (B, 2H)

where :math:`h_t^{\mathrm{bwd}}` is the backward direction's state after it has read
:math:`x_{T-1}, \dots, x_t`, i.e. everything from t to the end. The final states are stacked,
forward first: :math:`h_n = [h_{T-1}^{\mathrm{fwd}}, h_0^{\mathrm{bwd}}]`, (2, B, H) (the
backward direction ends at t = 0). For an LSTM the same holds for :math:`c_n`.

Shapes (T time steps, B batch, D input features, H hidden units): x (T, B, D) gives
out (T, B, 2H); h0, c0, h_n, c_n are (2, B, H), index 0 forward, 1 backward.

Backward: dout (T, B, 2H) splits into the two halves; the backward half is reversed in time, each
direction runs its own backpropagation through time, and dx is the sum of both directions' dx
(the backward one reversed again to input time order).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ._cache import Cache
from ._checks import as_float_array, check_grad, check_rank
from .gru import gru, gru_backward
from .lstm import lstm, lstm_backward
from .rnn import rnn, rnn_backward

_LAYERS = {rnn: "rnn", lstm: "lstm", gru: "gru"}
_BACKWARDS = {"rnn": rnn_backward, "lstm": lstm_backward, "gru": gru_backward}


@dataclass(eq=False)
class BidirectionalCache(Cache):
    """Cache of :func:`bidirectional`.

    ``gates[k]`` is (2, T, B, H): index 0 the forward direction, 1 the backward direction, both in
    the input's time order (so ``gates["f"][1, t]`` is the backward LSTM's forget gate at
    :math:`x_t`). ``fwd`` and ``bwd`` are the two directions' own caches (``bwd`` in its reversed
    time order).
    """

    fwd: Cache
    bwd: Cache
    layer: str  # "rnn", "lstm" or "gru"
    hidden_size: int

    @cached_property
    def gates(self) -> dict[str, np.ndarray]:
        """Each gate of both directions, (2, T, B, H), built on first use."""
        return {k: np.stack([f, self.bwd.gates[k][::-1]]) for k, f in self.fwd.gates.items()}


def _split_state(name: str, state: object, B: int, H: int) -> tuple:
    """(2, B, H) -> (state[0], state[1]); None -> (None, None)."""
    if state is None:
        return None, None
    arr = as_float_array(name, state)
    check_rank(name, arr, 3, "(2, B, H): forward direction first, then backward")
    if arr.shape != (2, B, H):
        raise ValueError(
            f"{name} has shape {arr.shape}, expected {(2, B, H)} = (2, B, H) for a bidirectional "
            f"layer (batch B={B} from x, hidden size H={H} from weight_hh)"
        )
    return arr[0], arr[1]


def bidirectional(
    layer: Callable, x: np.ndarray, params_fwd: dict, params_bwd: dict, **kw: object
) -> tuple[np.ndarray, object, BidirectionalCache]:
    """Run ``layer`` in both directions over a time-major sequence.

    Args:
        layer: the function :func:`~lstmcourse.numpy.rnn.rnn`,
            :func:`~lstmcourse.numpy.lstm.lstm` or :func:`~lstmcourse.numpy.gru.gru`.
        x: the inputs, (T, B, D).
        params_fwd: the forward direction's parameters, as ``layer`` takes them.
        params_bwd: the backward direction's parameters.
        **kw: ``h0`` (2, B, H); for ``lstm`` also ``c0`` (2, B, H); for ``rnn`` also
            ``nonlinearity``.

    Returns:
        The tuple ``(out, h_n, cache)``, with out (T, B, 2H), h_n (2, B, H) (for ``lstm`` the
        pair ``(h_n, c_n)``) and the :class:`BidirectionalCache` for
        :func:`bidirectional_backward`.

    Raises:
        ValueError: ``layer`` is not one of the three functions, a keyword it does not take, or
            a state that is not (2, B, H).
    """
    if layer not in _LAYERS:
        raise ValueError(
            f"layer must be lstmcourse.numpy's rnn, lstm or gru function, got {layer!r}"
        )
    name = _LAYERS[layer]
    x = as_float_array("x", x)
    check_rank("x", x, 3, "(T, B, D)")
    allowed = {"rnn": {"h0", "nonlinearity"}, "lstm": {"h0", "c0"}, "gru": {"h0"}}[name]
    if set(kw) - allowed:
        raise ValueError(
            f"unexpected keyword(s) {sorted(set(kw) - allowed)} for {name}; "
            f"allowed: {sorted(allowed)}"
        )
    B = x.shape[1]
    H = np.shape(params_fwd.get("weight_hh", np.empty((0, 0))))[-1]
    kw_f, kw_b = dict(kw), dict(kw)
    for key in ("h0", "c0"):
        if key in kw:
            kw_f[key], kw_b[key] = _split_state(key, kw[key], B, H)

    out_f, state_f, cache_f = layer(x, params_fwd, **kw_f)
    out_b, state_b, cache_b = layer(x[::-1], params_bwd, **kw_b)  # reversed time
    out = np.concatenate([out_f, out_b[::-1]], axis=2)  # back to input time order
    if name == "lstm":
        state = (np.stack([state_f[0], state_b[0]]), np.stack([state_f[1], state_b[1]]))
    else:
        state = np.stack([state_f, state_b])
    return out, state, BidirectionalCache(cache_f, cache_b, name, H)


def bidirectional_backward(
    dout: np.ndarray,
    cache: BidirectionalCache,
    dh_n: np.ndarray | None = None,
    dc_n: np.ndarray | None = None,
) -> tuple:
    """Backward of :func:`bidirectional` (the cache knows which of rnn, lstm, gru ran).

    Args:
        dout: gradient of the loss w.r.t. ``out``, (T, B, 2H).
        cache: the cache that :func:`bidirectional` returned.
        dh_n: extra gradient w.r.t. the returned h_n, (2, B, H); none when None.
        dc_n: extra gradient w.r.t. the returned c_n, (2, B, H), for ``lstm`` only.

    Returns:
        For ``rnn`` and ``gru`` the tuple ``(dx, dh0, grads_fwd, grads_bwd)``, for ``lstm``
        ``(dx, dh0, dc0, grads_fwd, grads_bwd)``, with dx (T, B, D), dh0 and dc0 (2, B, H),
        and one ``grads`` dict per direction.

    Raises:
        ValueError: ``dc_n`` given for an rnn or gru, or a gradient of the wrong shape.
    """
    layer_backward = _BACKWARDS[cache.layer]
    if dc_n is not None and cache.layer != "lstm":
        raise ValueError(f"dc_n is only for lstm; this cache comes from {cache.layer}")
    T, B, _ = cache.fwd.out.shape
    H = cache.hidden_size
    dout = check_grad("dout", dout, (T, B, 2 * H), "(T, B, 2H), the shape of out")
    kw_f: dict = {}
    kw_b: dict = {}
    for key, value in (("dh_n", dh_n), ("dc_n", dc_n)):
        if value is not None:
            kw_f[key], kw_b[key] = _split_state(key, value, B, H)

    res_f = layer_backward(dout[:, :, :H], cache.fwd, **kw_f)
    res_b = layer_backward(dout[::-1, :, H:], cache.bwd, **kw_b)  # into the reversed time order
    dx = res_f[0] + res_b[0][::-1]
    states = [np.stack([sf, sb]) for sf, sb in zip(res_f[1:-1], res_b[1:-1], strict=True)]
    return (dx, *states, res_f[-1], res_b[-1])
