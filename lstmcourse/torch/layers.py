r"""Multi-layer, optionally bidirectional RNN, LSTM and GRU layers: drop-ins for torch.nn's.

A layer runs a cell over time; a stack of ``num_layers`` feeds each layer's output sequence to the
next as its input; a bidirectional layer runs a second cell over reversed time and concatenates
the two outputs feature-wise (forward half first). In the loop form this module computes:

.. code-block:: python

    for layer in range(num_layers):
        outs = []
        for direction in (forward, backward):            # backward only when bidirectional
            h, c = h0[k], c0[k]                            # k = layer * num_directions + direction
            steps = range(T) if direction is forward else reversed(range(T))
            out = [None] * T
            for t in steps:
                h, c = lstm_step(x[t], h, c, *params(layer, direction))
                out[t] = h
            outs.append(stack(out)); h_n[k], c_n[k] = h, c
        x = cat(outs, dim=-1)                              # (T, B, num_directions * H)
        if training and layer < num_layers - 1:
            x = dropout(x, p)
    output = x

``impl="readable"`` runs exactly that loop with :mod:`lstmcourse.torch.cells`;
``impl="fused"`` (the default) runs each direction of each layer with
:mod:`lstmcourse.torch.fused`, which the tests check gives the same numbers.

Shape legend
    T  sequence length    B  batch size    D  ``input_size``    H  ``hidden_size``
    L  ``num_layers``     K  number of directions (2 if ``bidirectional`` else 1)

Parameters, for layer ``k`` (0-based) and suffix ``""`` or ``"_reverse"`` (the backward
direction), with G = 1 (RNN), 4 (LSTM, gates i, f, g, o) or 3 (GRU, gates r, z, n):
    ``weight_ih_l{k}{suffix}`` (G*H, D) for k = 0, else (G*H, K*H);
    ``weight_hh_l{k}{suffix}`` (G*H, H); ``bias_ih_l{k}{suffix}``, ``bias_hh_l{k}{suffix}`` (G*H,).
All are drawn from U(-1/sqrt(H), 1/sqrt(H)) in torch.nn's order, so the same seed gives the
same weights as torch.nn, and ``state_dict``\ s load both ways.

Constructor arguments (all as in torch.nn)
    input_size, hidden_size; num_layers=1; bias=True; batch_first=False (input and output are
    (B, T, *) instead of (T, B, *); states stay (L*K, B, H)); dropout=0.0 (on the outputs of every
    layer but the last, in training mode); bidirectional=False; device=None; dtype=None;
    nonlinearity="tanh" (RNN only: "tanh" or "relu"); proj_size=0 (LSTM; only 0 is supported).
    ``impl`` ("fused" or "readable", keyword only) is ours.

Inputs: ``input`` (T, B, D), or (B, T, D) with batch_first, or unbatched (T, D); ``hx`` the
initial hidden state (L*K, B, H), or (L*K, H) for unbatched input, zeros when omitted; for the
LSTM a pair ``(h_0, c_0)`` of such tensors.

Outputs: ``output`` (T, B, K*H) (batch_first: (B, T, K*H); unbatched: (T, K*H)), the last
layer's hidden state at every step; ``h_n`` (L*K, B, H), every layer's final hidden state
(for the backward direction: its state after reading x_0); for the LSTM ``(h_n, c_n)``.
"""

from __future__ import annotations

import math
import numbers
import warnings

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from ..conventions import PARAM_KEYS, gate_count, suffix
from . import fused
from ._checks import ShapeError, check_dtype, check_feature_size, check_rank, check_state
from .cells import gru_step, lstm_step, rnn_step

__all__ = ["RNN", "LSTM", "GRU"]

_CELLS = {"RNN_TANH": "rnn", "RNN_RELU": "rnn", "LSTM": "lstm", "GRU": "gru"}  # torch.nn's modes
_IMPLS = ("fused", "readable")


def _readable_direction(
    mode: str, x: Tensor, states: list[Tensor], params: list[Tensor | None], reverse: bool
) -> tuple[Tensor, list[Tensor]]:
    """Run one cell over time with the step functions of :mod:`.cells`: out (T, B, H), states."""
    steps = range(x.size(0) - 1, -1, -1) if reverse else range(x.size(0))
    out: list[Tensor | None] = [None] * x.size(0)
    for t in steps:
        if mode == "LSTM":
            states = list(lstm_step(x[t], states[0], states[1], *params))
        elif mode == "GRU":
            states = [gru_step(x[t], states[0], *params)]
        else:
            nonlinearity = "relu" if mode == "RNN_RELU" else "tanh"
            states = [rnn_step(x[t], states[0], *params, nonlinearity=nonlinearity)]
        out[t] = states[0]
    return torch.stack(out, 0), states


def _fused_direction(
    mode: str, x: Tensor, states: list[Tensor], params: list[Tensor | None], reverse: bool
) -> tuple[Tensor, list[Tensor]]:
    """The same as :func:`_readable_direction`, through :mod:`.fused`."""
    if mode == "LSTM":
        out, h, c = fused.lstm_sequence(x, states[0], states[1], *params, reverse=reverse)
        return out, [h, c]
    if mode == "GRU":
        out, h = fused.gru_sequence(x, states[0], *params, reverse=reverse)
        return out, [h]
    nonlinearity = "relu" if mode == "RNN_RELU" else "tanh"
    out, h = fused.rnn_sequence(x, states[0], *params, nonlinearity=nonlinearity, reverse=reverse)
    return out, [h]


class _RNNBase(nn.Module):
    """Parameters, checks and the layer/direction loop shared by :class:`RNN`, :class:`LSTM`,
    :class:`GRU`. ``mode`` is one of "RNN_TANH", "RNN_RELU", "LSTM", "GRU" as in torch.nn."""

    def __init__(
        self,
        mode: str,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
        *,
        impl: str = "fused",
    ) -> None:
        super().__init__()
        if mode not in _CELLS:
            raise ValueError(f"mode must be one of {sorted(_CELLS)}, got {mode!r}")
        for name, value in (
            ("input_size", input_size),
            ("hidden_size", hidden_size),
            ("num_layers", num_layers),
        ):
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"{name} must be a positive int, got {value!r}")
        for name, value in (
            ("bias", bias),
            ("batch_first", batch_first),
            ("bidirectional", bidirectional),
        ):
            if not isinstance(value, bool):
                raise TypeError(f"{name} should be of type bool, got: {type(value).__name__}")
        if (
            not isinstance(dropout, numbers.Number)
            or isinstance(dropout, bool)
            or not 0 <= dropout <= 1
        ):
            raise ValueError(f"dropout must be a number in [0, 1] (a probability), got {dropout!r}")
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                f"dropout acts between layers, so dropout={dropout} with num_layers=1 does nothing",
                stacklevel=3,
            )
        if proj_size != 0:
            raise NotImplementedError(f"proj_size={proj_size}: LSTM projections are not supported")
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = 0
        self.impl = impl  # checked in forward, so it can be switched on a live module

        kw = {"device": device, "dtype": dtype}
        gh = gate_count(_CELLS[mode]) * hidden_size
        self._flat_weights_names: list[str] = []
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else hidden_size * self.num_directions
            for direction in range(self.num_directions):
                end = suffix(self, layer, reverse=direction == 1)
                shapes = ((gh, layer_input), (gh, hidden_size), (gh,), (gh,))  # as PARAM_KEYS
                for key, shape in zip(PARAM_KEYS, shapes, strict=True):
                    if bias or key.startswith("weight"):
                        self.register_parameter(key + end, nn.Parameter(torch.empty(shape, **kw)))
                        self._flat_weights_names.append(key + end)
        self.reset_parameters()

    @property
    def num_directions(self) -> int:
        return 2 if self.bidirectional else 1

    def reset_parameters(self) -> None:
        """Draw every parameter from U(-1/sqrt(H), 1/sqrt(H)), in torch.nn's order."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for weight in self.parameters():
            nn.init.uniform_(weight, -bound, bound)

    def flatten_parameters(self) -> None:
        """Does nothing: there is no cuDNN weight buffer to compact (kept for drop-in use)."""

    @property
    def all_weights(self) -> list[list[Tensor]]:
        """The parameters grouped per layer and direction, as in torch.nn."""
        per = 4 if self.bias else 2
        flat = [getattr(self, n) for n in self._flat_weights_names]
        return [flat[i : i + per] for i in range(0, len(flat), per)]

    def cell_params(self, layer: int, direction: int = 0) -> list[Tensor | None]:
        """``[weight_ih, weight_hh, bias_ih, bias_hh]`` of one layer and direction (biases may
        be None)."""
        end = suffix(self, layer, reverse=direction == 1)
        return [getattr(self, key + end, None) for key in PARAM_KEYS]

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.mode == "RNN_RELU":
            s += ", nonlinearity='relu'"
        for name, default in (
            ("num_layers", 1),
            ("bias", True),
            ("batch_first", False),
            ("dropout", 0.0),
            ("bidirectional", False),
        ):
            if getattr(self, name) != default:
                s += f", {name}={getattr(self, name)}"
        return s

    def _states(self, x: Tensor, hx: object, batched: bool) -> list[Tensor]:
        """Check or create the initial states; returns a list of (L*K, B, H) tensors."""
        who = type(self).__name__
        lstm = self.mode == "LSTM"
        expected = (self.num_layers * self.num_directions, x.size(1), self.hidden_size)
        if hx is None:
            zeros = [x.new_zeros(expected) for _ in range(2 if lstm else 1)]
            return zeros
        if lstm:
            if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                raise TypeError(f"{who}: hx must be a pair (h_0, c_0) of tensors, got {type(hx)}")
            names, states = ["hx[0] (h_0)", "hx[1] (c_0)"], list(hx)
        else:
            if not isinstance(hx, Tensor):
                raise TypeError(f"{who}: hx must be a tensor, got {type(hx)}")
            names, states = ["hx"], [hx]
        want = 3 if batched else 2
        for idx, (name, s) in enumerate(zip(names, states, strict=True)):
            if s.dim() != want:
                kind = "batched 3-D" if batched else "unbatched 2-D"
                layout = "(L*K, B, H)" if batched else "(L*K, H)"
                raise ShapeError(
                    f"{who}: for {kind} input, {name} should also be {want}-D {layout}, "
                    f"but got a {s.dim()}-D tensor of shape {tuple(s.shape)}"
                )
            if not batched:
                s = s.unsqueeze(1)
            check_state(who, name, s, expected)
            states[idx] = s
        return states

    def forward(self, input: Tensor, hx: object = None) -> tuple[Tensor, object]:
        who = type(self).__name__
        if isinstance(input, nn.utils.rnn.PackedSequence):
            raise TypeError(f"{who}: PackedSequence input is not supported; pad the batch instead")
        if self.impl not in _IMPLS:
            raise ValueError(f"{who}: impl must be one of {_IMPLS}, got {self.impl!r}")
        check_rank("input", who, input, (2, 3))
        check_dtype(who, input, self.weight_ih_l0)
        batched = input.dim() == 3
        legend = ("(B, T, D)" if self.batch_first else "(T, B, D)") if batched else "(T, D)"
        check_feature_size(who, input, self.input_size, legend)
        # Work time-major with a batch dimension: (T, B, D).
        x = input if batched else input.unsqueeze(1)
        if batched and self.batch_first:
            x = x.transpose(0, 1)
        x = x.contiguous()
        if x.size(0) == 0:
            raise ShapeError(
                f"{who}: Expected sequence length to be larger than 0, got input of shape "
                f"{tuple(input.shape)} read as {legend}"
            )
        states = self._states(x, hx, batched)

        run = _fused_direction if self.impl == "fused" else _readable_direction
        finals: list[list[Tensor]] = [[] for _ in states]
        for layer in range(self.num_layers):
            outs = []
            for direction in range(self.num_directions):
                k = layer * self.num_directions + direction
                out, last = run(
                    self.mode,
                    x,
                    [s[k] for s in states],
                    self.cell_params(layer, direction),
                    direction == 1,
                )
                outs.append(out)
                for acc, s in zip(finals, last, strict=True):
                    acc.append(s)
            x = outs[0] if len(outs) == 1 else torch.cat(outs, 2)
            if self.dropout > 0 and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, training=True)

        output = x
        h_n = [torch.stack(acc, 0) for acc in finals]  # each (L*K, B, H)
        if not batched:
            output = output.squeeze(1)
            h_n = [s.squeeze(1) for s in h_n]
        elif self.batch_first:
            output = output.transpose(0, 1)
        return output, (tuple(h_n) if self.mode == "LSTM" else h_n[0])


class RNN(_RNNBase):
    r"""A multi-layer Elman RNN, a drop-in for ``torch.nn.RNN``.

    .. math:: h_t = \phi(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh}), \quad
              \phi = \tanh \text{ or ReLU}

    Arguments, inputs, outputs and parameters (G = 1) are described in
    :mod:`lstmcourse.torch.layers`; ``nonlinearity`` is "tanh" (default) or "relu".
    Returns ``(output, h_n)``.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: str = "tanh",
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
        *,
        impl: str = "fused",
    ) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        super().__init__(
            "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU",
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            device=device,
            dtype=dtype,
            impl=impl,
        )
        self.nonlinearity = nonlinearity


class LSTM(_RNNBase):
    r"""A multi-layer LSTM, a drop-in for ``torch.nn.LSTM``.

    At every step, layer and direction (gate order i, f, g, o; see
    :func:`lstmcourse.torch.cells.lstm_step`):

    .. math::
        i_t = \sigma(W_{ii} x_t + b_{ii} + W_{hi} h_{t-1} + b_{hi}), \quad
        f_t = \sigma(W_{if} x_t + b_{if} + W_{hf} h_{t-1} + b_{hf}),

        g_t = \tanh(W_{ig} x_t + b_{ig} + W_{hg} h_{t-1} + b_{hg}), \quad
        o_t = \sigma(W_{io} x_t + b_{io} + W_{ho} h_{t-1} + b_{ho}),

        c_t = f_t \odot c_{t-1} + i_t \odot g_t, \quad h_t = o_t \odot \tanh(c_t).

    Arguments, inputs, outputs and parameters (G = 4) are described in
    :mod:`lstmcourse.torch.layers`. ``hx`` is a pair ``(h_0, c_0)``; returns
    ``(output, (h_n, c_n))``.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
        *,
        impl: str = "fused",
    ) -> None:
        super().__init__(
            "LSTM",
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            proj_size,
            device=device,
            dtype=dtype,
            impl=impl,
        )


class GRU(_RNNBase):
    r"""A multi-layer GRU, exactly torch.nn's variant, a drop-in for ``torch.nn.GRU``.

    At every step, layer and direction (gate order r, z, n; see
    :func:`lstmcourse.torch.cells.gru_step`):

    .. math::
        r_t = \sigma(W_{ir} x_t + b_{ir} + W_{hr} h_{t-1} + b_{hr}), \quad
        z_t = \sigma(W_{iz} x_t + b_{iz} + W_{hz} h_{t-1} + b_{hz}),

        n_t = \tanh(W_{in} x_t + b_{in} + r_t \odot (W_{hn} h_{t-1} + b_{hn})), \quad
        h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}.

    Arguments, inputs, outputs and parameters (G = 3) are described in
    :mod:`lstmcourse.torch.layers`. Returns ``(output, h_n)``.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
        *,
        impl: str = "fused",
    ) -> None:
        super().__init__(
            "GRU",
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            device=device,
            dtype=dtype,
            impl=impl,
        )
