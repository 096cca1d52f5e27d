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
                h = h @ weight_hr.T                        # only when proj_size > 0
                out[t] = h
            outs.append(stack(out)); h_n[k], c_n[k] = h, c
        x = cat(outs, dim=-1)                              # (T, B, num_directions * H_out)
        if training and layer < num_layers - 1:
            x = dropout(x, p)
    output = x

A :class:`~torch.nn.utils.rnn.PackedSequence` (sequences of different lengths, sorted longest
first) runs the same loop, except that step t updates only the first ``batch_sizes[t]``
sequences, the ones still running, and the others keep their states. So each sequence's forward
state stops at its own last element, and its backward state starts there, as in torch.nn.

``impl="readable"`` runs exactly that loop with :mod:`lstmcourse.torch.cells`;
``impl="fused"`` (the default) runs each direction of each layer with
:mod:`lstmcourse.torch.fused` (the LSTM on the CPU with its loop compiled from C++,
:mod:`lstmcourse.torch.native`), which the tests check gives the same numbers. Packed input and
``proj_size > 0`` take the readable loop under either ``impl``.

Shape legend
    T  sequence length    B  batch size    D  ``input_size``    H  ``hidden_size``
    L  ``num_layers``     K  number of directions (2 if ``bidirectional`` else 1)
    P  ``proj_size`` (LSTM only)           H_out  the size of h: P if P > 0 else H
    N  the number of elements in a packed batch (the sum of the sequence lengths)

Each class's docstring lists its arguments, inputs, outputs and parameters.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Sequence

import torch
from torch import Tensor, nn
from torch.nn import functional as F
from torch.nn.utils.rnn import PackedSequence

from ..conventions import PARAM_KEYS, PROJ_KEY, gate_count, suffix
from . import fused
from ._checks import (
    ShapeError,
    StateTypeError,
    check_dtype,
    check_feature_size,
    check_rank,
    check_state,
    kind_of,
)
from .cells import gru_step, lstm_step, rnn_step

__all__ = ["RNN", "LSTM", "GRU"]

_CELLS = {"RNN_TANH": "rnn", "RNN_RELU": "rnn", "LSTM": "lstm", "GRU": "gru"}  # torch.nn's modes
_IMPLS = ("fused", "readable")


def _step(
    mode: str,
    x: Tensor,
    states: list[Tensor],
    params: list[Tensor | None],
    weight_hr: Tensor | None,
) -> list[Tensor]:
    """One step of the cell ``mode`` from :mod:`.cells`; returns the new ``[h]`` or ``[h, c]``."""
    if mode == "LSTM":
        h, c = lstm_step(x, states[0], states[1], *params)
        if weight_hr is not None:
            h = h @ weight_hr.T  # the projection h_t = W_hr (o_t * tanh(c_t)): (B, H) -> (B, P)
        return [h, c]
    if mode == "GRU":
        return [gru_step(x, states[0], *params)]
    nonlinearity = "relu" if mode == "RNN_RELU" else "tanh"
    return [rnn_step(x, states[0], *params, nonlinearity=nonlinearity)]


def _readable_steps(
    mode: str,
    xs: Sequence[Tensor],
    states: list[Tensor],
    params: list[Tensor | None],
    reverse: bool,
    weight_hr: Tensor | None = None,
) -> tuple[list[Tensor], list[Tensor]]:
    """Run one cell over the steps ``xs[t]`` (n_t, D); returns the outputs [(n_t, H_out)] and the
    final states, each (B, *) with B = n_0 >= n_1 >= ...

    When n_t < B (a packed batch, longest sequence first) only the first n_t sequences are still
    running at step t: the step updates them and the rest keep their states. Going forward, a
    sequence's state stops changing after its last element; going backward (``reverse``), it
    keeps h_0 until the loop reaches that element.
    """
    steps = range(len(xs) - 1, -1, -1) if reverse else range(len(xs))
    out: list[Tensor] = [xs[0]] * len(xs)  # placeholders, each overwritten below
    for t in steps:
        n = xs[t].size(0)
        new = _step(mode, xs[t], [s[:n] for s in states], params, weight_hr)
        out[t] = new[0]
        if n < states[0].size(0):  # sequences that are not running keep their states
            new = [torch.cat((a, s[n:])) for a, s in zip(new, states, strict=True)]
        states = new
    return out, states


def _readable_direction(
    mode: str,
    x: Tensor,
    states: list[Tensor],
    params: list[Tensor | None],
    reverse: bool,
    weight_hr: Tensor | None = None,
) -> tuple[Tensor, list[Tensor]]:
    """Run one cell over time with the step functions of :mod:`.cells`: out (T, B, H_out) and
    the final states."""
    out, states = _readable_steps(mode, x.unbind(0), states, params, reverse, weight_hr)
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
        # torch.nn's checks and error types: TypeError for a wrong type, ValueError for a value.
        sizes = {"input_size": input_size, "hidden_size": hidden_size, "num_layers": num_layers}
        for name, value in (*sizes.items(), ("proj_size", proj_size)):
            if not isinstance(value, int):
                raise TypeError(f"{name} should be of type int, got: {type(value).__name__}")
        for name, value in sizes.items():
            if value <= 0:
                raise ValueError(f"{name} must be greater than zero, got {value}")
        if proj_size < 0:
            raise ValueError(
                f"proj_size should be a positive integer, or zero to disable projections; "
                f"got {proj_size}"
            )
        if proj_size >= hidden_size:
            raise ValueError(
                f"proj_size has to be smaller than hidden_size; got proj_size={proj_size}, "
                f"hidden_size={hidden_size}"
            )
        if proj_size and mode != "LSTM":
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        for name, value in (("bias", bias), ("batch_first", batch_first)):
            if not isinstance(value, bool):
                raise TypeError(f"{name} should be of type bool, got: {type(value).__name__}")
        # torch.nn keeps bidirectional as given and reads it as a truth value; an int is fine.
        if not isinstance(bidirectional, numbers.Integral):
            raise TypeError(
                f"bidirectional should be of type bool (or an int read as one), got: "
                f"{type(bidirectional).__name__}"
            )
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
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        self.impl = impl  # checked in forward, so it can be switched on a live module

        kw = {"device": device, "dtype": dtype}
        gh = gate_count(_CELLS[mode]) * hidden_size
        h_out = proj_size or hidden_size  # the size of h, and of each direction's output
        shapes = {  # for one layer and direction; weight_ih's columns depend on the layer
            "weight_hh": (gh, h_out),
            "bias_ih": (gh,),
            "bias_hh": (gh,),
            PROJ_KEY: (proj_size, hidden_size),
        }
        keys = [k for k in PARAM_KEYS if bias or k.startswith("weight")]
        keys += [PROJ_KEY] if proj_size else []
        # Registered in torch.nn's order, so the same seed draws the same weights.
        self._flat_weights_names: list[str] = []
        self._all_weights: list[list[str]] = []  # the names, per layer and direction
        for layer in range(num_layers):
            shapes["weight_ih"] = (gh, input_size if layer == 0 else h_out * self.num_directions)
            for direction in range(self.num_directions):
                end = suffix(self, layer, reverse=direction == 1)
                for key in keys:
                    self.register_parameter(key + end, nn.Parameter(torch.empty(shapes[key], **kw)))
                self._all_weights.append([key + end for key in keys])
                self._flat_weights_names += self._all_weights[-1]
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
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    @property
    def _flat_weights(self) -> list[Tensor]:
        """All parameters in registration order (torch.nn keeps this list for its kernels)."""
        return [getattr(self, name) for name in self._flat_weights_names]

    def cell_params(self, layer: int, direction: int = 0) -> list[Tensor | None]:
        """``[weight_ih, weight_hh, bias_ih, bias_hh]`` of one layer and direction (biases may
        be None). The projection ``weight_hr`` (proj_size > 0) is not part of the cell."""
        end = suffix(self, layer, reverse=direction == 1)
        return [getattr(self, key + end, None) for key in PARAM_KEYS]

    def extra_repr(self) -> str:
        # Exactly what torch.nn prints, so reprs compare equal: the nondefault constructor
        # arguments in this order, shown as given (bidirectional=1 stays 1). Like torch.nn's, an
        # RNN's repr does not show its nonlinearity; read it from ``.nonlinearity``.
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    def _state_shapes(self, batch: int) -> list[tuple[int, int, int]]:
        """The shapes of h_0 (L*K, B, H_out) and, for the LSTM, c_0 (L*K, B, H)."""
        lk = self.num_layers * self.num_directions
        h = (lk, batch, self.proj_size or self.hidden_size)
        return [h, (lk, batch, self.hidden_size)] if self.mode == "LSTM" else [h]

    def get_expected_hidden_size(self, input: Tensor, batch_sizes: Tensor | None) -> tuple:
        """The shape h_0 must have for a batched ``input`` (torch.nn's helper, same arguments)."""
        if batch_sizes is not None:
            batch = int(batch_sizes[0])
        else:
            batch = input.size(0) if self.batch_first else input.size(1)
        return self._state_shapes(batch)[0]

    def get_expected_cell_size(self, input: Tensor, batch_sizes: Tensor | None) -> tuple:
        """The shape c_0 must have (LSTM): (L*K, B, H)."""
        return self.get_expected_hidden_size(input, batch_sizes)[:2] + (self.hidden_size,)

    def permute_hidden(self, hx: object, permutation: Tensor | None) -> object:
        """Reorder the batch dimension (1) of ``hx``, a tensor or a pair, by ``permutation``."""
        if permutation is None:
            return hx
        if isinstance(hx, Tensor):
            return hx.index_select(1, permutation)
        return tuple(s.index_select(1, permutation) for s in hx)

    def _states(self, hx: object, like: Tensor, batch: int, batched: bool) -> list[Tensor]:
        """Check ``hx``, or create zero states like the tensor ``like``, for a batch of ``batch``
        sequences; returns ``[h_0]``, or ``[h_0, c_0]`` for the LSTM, each (L*K, B, *)."""
        who = type(self).__name__
        lstm = self.mode == "LSTM"
        expected = self._state_shapes(batch)
        if hx is None:
            return [like.new_zeros(shape) for shape in expected]
        if lstm:
            if not (
                isinstance(hx, (tuple, list))
                and len(hx) == 2
                and all(isinstance(s, Tensor) for s in hx)
            ):
                raise StateTypeError(
                    f"{who}: hx must be a pair (h_0, c_0) of tensors, got {kind_of(hx)}"
                )
            names, states = ["hx[0] (h_0)", "hx[1] (c_0)"], list(hx)
        else:
            if not isinstance(hx, Tensor):
                raise StateTypeError(f"{who}: hx must be a tensor (h_0), got {kind_of(hx)}")
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
            check_state(who, name, s, expected[idx])
            states[idx] = s
        return states

    def forward(self, input: Tensor | PackedSequence, hx: object = None) -> tuple[object, object]:
        who = type(self).__name__
        if self.impl not in _IMPLS:
            raise ValueError(f"{who}: impl must be one of {_IMPLS}, got {self.impl!r}")
        packed = isinstance(input, PackedSequence)
        if packed:
            # data (N, D) holds step 0 of every sequence, then step 1 of those still running...
            x, batch_sizes, sorted_indices, unsorted_indices = input
            if x.dim() != 2:
                raise ShapeError(
                    f"{who}: a PackedSequence's data must be 2-D (N, D), got shape "
                    f"{tuple(x.shape)}"
                )
            check_dtype(who, x, self.weight_ih_l0)
            check_feature_size(who, x, self.input_size, "(N, D), packed")
            sizes = batch_sizes.tolist()  # n_t, the number of sequences running at step t
            batched = True
            # hx comes in the caller's batch order; the packed data is sorted longest first.
            states = self._states(hx, x, sizes[0], batched)
            states = [self.permute_hidden(s, sorted_indices) for s in states]
        else:
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
            states = self._states(hx, x, x.size(1), batched)

        # The fused functions run full-length batches without a projection; packed input and
        # proj_size > 0 take the readable loop. (Running a packed batch through them in runs of
        # steps with the same batch size was measured no faster: 15.1 against 14.5 ms
        # forward+backward, 5.7 against 4.1 ms no_grad, T50/B32/D32/H128, one thread.)
        fast = self.impl == "fused" and not packed and not self.proj_size
        finals: list[list[Tensor]] = [[] for _ in states]
        for layer in range(self.num_layers):
            outs = []
            for direction in range(self.num_directions):
                k = layer * self.num_directions + direction
                state = [s[k] for s in states]
                params = self.cell_params(layer, direction)
                reverse = direction == 1
                w_hr = getattr(self, PROJ_KEY + suffix(self, layer, reverse), None)
                if fast:
                    out, last = _fused_direction(self.mode, x, state, params, reverse)
                elif packed:
                    steps, last = _readable_steps(
                        self.mode, x.split(sizes), state, params, reverse, w_hr
                    )
                    out = torch.cat(steps)  # back to packed data, (N, H_out)
                else:
                    out, last = _readable_direction(self.mode, x, state, params, reverse, w_hr)
                outs.append(out)
                for acc, s in zip(finals, last, strict=True):
                    acc.append(s)
            x = outs[0] if len(outs) == 1 else torch.cat(outs, -1)
            if self.dropout > 0 and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, training=True)

        h_n = [torch.stack(acc, 0) for acc in finals]  # each (L*K, B, *)
        if packed:
            output = PackedSequence(x, batch_sizes, sorted_indices, unsorted_indices)
            h_n = [self.permute_hidden(s, unsorted_indices) for s in h_n]  # caller's order
        elif not batched:
            output = x.squeeze(1)
            h_n = [s.squeeze(1) for s in h_n]
        else:
            output = x.transpose(0, 1) if self.batch_first else x
        return output, (tuple(h_n) if self.mode == "LSTM" else h_n[0])


class RNN(_RNNBase):
    r"""A multi-layer Elman RNN with tanh or ReLU, a drop-in for ``torch.nn.RNN``.

    Every layer computes, for each element of the sequence,

    .. math::
        h_t = \phi(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh}),
        \qquad \phi = \tanh \text{ or } \mathrm{ReLU},

    where :math:`x_t` is the input at step t (for a layer above the first, the output of the
    layer below, after dropout in training mode) and :math:`h_{t-1}` the layer's hidden state at
    t-1, or :math:`h_0` at t = 0. The plain loop is :func:`lstmcourse.torch.cells.rnn_step` over
    time, as the module docstring shows.

    Args:
        input_size: D, the number of features of :math:`x_t`.
        hidden_size: H, the number of features of :math:`h_t`.
        num_layers: L, recurrent layers stacked, each reading the outputs of the one below.
            Default: 1.
        nonlinearity: :math:`\phi`, ``"tanh"`` or ``"relu"``. Default: ``"tanh"``.
        bias: if False, the layers have no ``bias_ih`` and ``bias_hh``. Default: True.
        batch_first: if True, ``input`` and ``output`` are batch-major, (B, T, ...) instead
            of (T, B, ...). The states keep their layout, and a PackedSequence ignores it.
            Default: False.
        dropout: if > 0, dropout with this probability on the output of every layer but the
            last, in training mode. Default: 0.
        bidirectional: if true (True, or a nonzero int), each layer also runs over reversed
            time, and K = 2. Default: False.
        device: where to create the parameters. Default: torch's default device.
        dtype: the parameters' dtype. Default: torch's default dtype.
        impl: ours, keyword only: ``"fused"`` (default, :mod:`lstmcourse.torch.fused`) or
            ``"readable"`` (the loop over the step function). Packed input always takes the
            readable loop.

    Inputs: ``input, hx``

    - **input**: (T, B, D), (B, T, D) when ``batch_first``, unbatched (T, D), or a
      :class:`~torch.nn.utils.rnn.PackedSequence` of (N, D) data (see
      :func:`torch.nn.utils.rnn.pack_padded_sequence`).
    - **hx**: :math:`h_0`, (L*K, B, H) or unbatched (L*K, H); zeros when omitted. For packed
      input it is in the order of the original batch, not the sorted one, as in torch.nn.

    Returns:
        ``(output, h_n)``: **output** (T, B, K*H) (batch_first: (B, T, K*H); unbatched (T, K*H);
        for packed input a PackedSequence with the input's ``batch_sizes`` and indices), the
        last layer's :math:`h_t` at every step, forward half first; **h_n** (L*K, B, H) or
        (L*K, H), every layer and direction's final state: for a packed sequence the state
        after its own last element; for the backward direction the state after reading
        :math:`x_0`.

    Attributes:
        weight_ih_l[k]: (H, D) for k = 0, else (H, K*H). The suffix ``_reverse`` marks the
            backward direction: ``weight_ih_l[k]_reverse``, and likewise for the others.
        weight_hh_l[k]: (H, H).
        bias_ih_l[k]: (H,).
        bias_hh_l[k]: (H,).

    All are drawn from :math:`\mathcal{U}(-1/\sqrt{H}, 1/\sqrt{H})` in torch.nn's order, so the
    same seed gives the same weights, and ``state_dict``\ s load both ways.

    Note:
        Intended differences from ``torch.nn.RNN``: ``impl`` is ours; ``hx`` of the wrong kind
        raises :class:`~lstmcourse.torch._checks.StateTypeError`, a subclass of each error
        torch.nn may raise there; an int ``bidirectional`` runs (torch.nn 2.13 accepts it but
        its kernel then refuses it); torch.nn's private validation helpers (``check_input``,
        ``check_forward_args``, ``check_hidden_size``) are not provided. The repr, like
        torch.nn's, does not show ``nonlinearity``.

    Example:
        >>> rnn = RNN(10, 20, num_layers=2, nonlinearity="relu")
        >>> output, h_n = rnn(torch.randn(5, 3, 10))
        >>> output.shape, h_n.shape
        (torch.Size([5, 3, 20]), torch.Size([2, 3, 20]))
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
        proj_size: None = None,
    ) -> None:
        if proj_size is not None:  # torch.nn refuses the argument, even proj_size=0
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
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
    r"""A multi-layer long short-term memory network, a drop-in for ``torch.nn.LSTM``.

    Every layer computes, for each element of the sequence (gate order i, f, g, o):

    .. math::
        \begin{aligned}
        i_t &= \sigma(W_{ii} x_t + b_{ii} + W_{hi} h_{t-1} + b_{hi}) \\
        f_t &= \sigma(W_{if} x_t + b_{if} + W_{hf} h_{t-1} + b_{hf}) \\
        g_t &= \tanh(W_{ig} x_t + b_{ig} + W_{hg} h_{t-1} + b_{hg}) \\
        o_t &= \sigma(W_{io} x_t + b_{io} + W_{ho} h_{t-1} + b_{ho}) \\
        c_t &= f_t \odot c_{t-1} + i_t \odot g_t \\
        h_t &= o_t \odot \tanh(c_t)
        \end{aligned}

    where :math:`x_t` is the input at step t (for a layer above the first, the output of the
    layer below, after dropout in training mode), :math:`h_{t-1}` and :math:`c_{t-1}` the
    layer's hidden and cell states at t-1 (:math:`h_0`, :math:`c_0` at t = 0), :math:`\sigma`
    the sigmoid and :math:`\odot` the elementwise product. The plain loop is
    :func:`lstmcourse.torch.cells.lstm_step` over time, as the module docstring shows.

    With ``proj_size`` P > 0 the hidden state is projected to P features,
    :math:`h_t = W_{hr}(o_t \odot \tanh(c_t))`, so ``weight_hh`` has P columns and ``h`` and the
    output have P features per direction, while :math:`c_t` keeps H.

    Args:
        input_size: D, the number of features of :math:`x_t`.
        hidden_size: H, the number of features of :math:`c_t` (and of :math:`h_t` when
            ``proj_size`` is 0).
        num_layers: L, recurrent layers stacked, each reading the outputs of the one below.
            Default: 1.
        bias: if False, the layers have no ``bias_ih`` and ``bias_hh``. Default: True.
        batch_first: if True, ``input`` and ``output`` are batch-major, (B, T, ...) instead
            of (T, B, ...). The states keep their layout, and a PackedSequence ignores it.
            Default: False.
        dropout: if > 0, dropout with this probability on the output of every layer but the
            last, in training mode. Default: 0.
        bidirectional: if true (True, or a nonzero int), each layer also runs over reversed
            time, and K = 2. Default: False.
        proj_size: P; if > 0, the size of :math:`h_t` after the projection :math:`W_{hr}`.
            Must be smaller than H. Default: 0.
        device: where to create the parameters. Default: torch's default device.
        dtype: the parameters' dtype. Default: torch's default dtype.
        impl: ours, keyword only: ``"fused"`` (default, :mod:`lstmcourse.torch.fused`) or
            ``"readable"`` (the loop over the step function). Packed input and
            ``proj_size > 0`` always take the readable loop.

    Inputs: ``input, (h_0, c_0)``

    - **input**: (T, B, D), (B, T, D) when ``batch_first``, unbatched (T, D), or a
      :class:`~torch.nn.utils.rnn.PackedSequence` of (N, D) data (see
      :func:`torch.nn.utils.rnn.pack_padded_sequence`).
    - **h_0**: (L*K, B, H_out) or unbatched (L*K, H_out), with H_out = P if P > 0 else H.
    - **c_0**: (L*K, B, H) or unbatched (L*K, H). Both are zeros when the pair is omitted; for
      packed input they are in the order of the original batch, as in torch.nn.

    Returns:
        ``(output, (h_n, c_n))``: **output** (T, B, K*H_out) (batch_first: (B, T, K*H_out);
        unbatched (T, K*H_out); for packed input a PackedSequence with the input's
        ``batch_sizes`` and indices), the last layer's :math:`h_t` at every step, forward half
        first; **h_n** (L*K, B, H_out) and **c_n** (L*K, B, H) (unbatched without B), every
        layer and direction's final states: for a packed sequence those after its own last
        element; for the backward direction those after reading :math:`x_0`.

    Attributes:
        weight_ih_l[k]: (4H, D) for k = 0, else (4H, K*H_out): :math:`W_{ii}, W_{if}, W_{ig},
            W_{io}` stacked by rows. The suffix ``_reverse`` marks the backward direction:
            ``weight_ih_l[k]_reverse``, and likewise for the others.
        weight_hh_l[k]: (4H, H_out): :math:`W_{hi}, W_{hf}, W_{hg}, W_{ho}`.
        bias_ih_l[k]: (4H,).
        bias_hh_l[k]: (4H,).
        weight_hr_l[k]: (P, H), only when ``proj_size`` > 0: :math:`W_{hr}`.

    All are drawn from :math:`\mathcal{U}(-1/\sqrt{H}, 1/\sqrt{H})` in torch.nn's order, so the
    same seed gives the same weights, and ``state_dict``\ s load both ways.

    Note:
        Intended differences from ``torch.nn.LSTM``: ``impl`` is ours; ``hx`` of the wrong kind
        raises :class:`~lstmcourse.torch._checks.StateTypeError`, a subclass of each error
        torch.nn may raise there; an int ``bidirectional`` runs (torch.nn 2.13 accepts it but
        its kernel then refuses it); torch.nn's private validation helpers (``check_input``,
        ``check_forward_args``, ``check_hidden_size``) are not provided.

    Example:
        >>> lstm = LSTM(10, 20, num_layers=2, proj_size=5)
        >>> output, (h_n, c_n) = lstm(torch.randn(7, 3, 10))
        >>> output.shape, h_n.shape, c_n.shape
        (torch.Size([7, 3, 5]), torch.Size([2, 3, 5]), torch.Size([2, 3, 20]))
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
    r"""A multi-layer gated recurrent unit network, exactly torch.nn's variant, a drop-in for
    ``torch.nn.GRU``.

    Every layer computes, for each element of the sequence (gate order r, z, n):

    .. math::
        \begin{aligned}
        r_t &= \sigma(W_{ir} x_t + b_{ir} + W_{hr} h_{t-1} + b_{hr}) \\
        z_t &= \sigma(W_{iz} x_t + b_{iz} + W_{hz} h_{t-1} + b_{hz}) \\
        n_t &= \tanh(W_{in} x_t + b_{in} + r_t \odot (W_{hn} h_{t-1} + b_{hn})) \\
        h_t &= (1 - z_t) \odot n_t + z_t \odot h_{t-1}
        \end{aligned}

    where :math:`x_t` is the input at step t (for a layer above the first, the output of the
    layer below, after dropout in training mode), :math:`h_{t-1}` the layer's hidden state at
    t-1 (:math:`h_0` at t = 0), :math:`\sigma` the sigmoid and :math:`\odot` the elementwise
    product. The reset gate acts after the matmul, on :math:`W_{hn} h_{t-1} + b_{hn}`. The plain
    loop is :func:`lstmcourse.torch.cells.gru_step` over time, as the module docstring shows.

    Args:
        input_size: D, the number of features of :math:`x_t`.
        hidden_size: H, the number of features of :math:`h_t`.
        num_layers: L, recurrent layers stacked, each reading the outputs of the one below.
            Default: 1.
        bias: if False, the layers have no ``bias_ih`` and ``bias_hh``. Default: True.
        batch_first: if True, ``input`` and ``output`` are batch-major, (B, T, ...) instead
            of (T, B, ...). The states keep their layout, and a PackedSequence ignores it.
            Default: False.
        dropout: if > 0, dropout with this probability on the output of every layer but the
            last, in training mode. Default: 0.
        bidirectional: if true (True, or a nonzero int), each layer also runs over reversed
            time, and K = 2. Default: False.
        device: where to create the parameters. Default: torch's default device.
        dtype: the parameters' dtype. Default: torch's default dtype.
        impl: ours, keyword only: ``"fused"`` (default, :mod:`lstmcourse.torch.fused`) or
            ``"readable"`` (the loop over the step function). Packed input always takes the
            readable loop.

    Inputs: ``input, hx``

    - **input**: (T, B, D), (B, T, D) when ``batch_first``, unbatched (T, D), or a
      :class:`~torch.nn.utils.rnn.PackedSequence` of (N, D) data (see
      :func:`torch.nn.utils.rnn.pack_padded_sequence`).
    - **hx**: :math:`h_0`, (L*K, B, H) or unbatched (L*K, H); zeros when omitted. For packed
      input it is in the order of the original batch, not the sorted one, as in torch.nn.

    Returns:
        ``(output, h_n)``: **output** (T, B, K*H) (batch_first: (B, T, K*H); unbatched (T, K*H);
        for packed input a PackedSequence with the input's ``batch_sizes`` and indices), the
        last layer's :math:`h_t` at every step, forward half first; **h_n** (L*K, B, H) or
        (L*K, H), every layer and direction's final state: for a packed sequence the state
        after its own last element; for the backward direction the state after reading
        :math:`x_0`.

    Attributes:
        weight_ih_l[k]: (3H, D) for k = 0, else (3H, K*H): :math:`W_{ir}, W_{iz}, W_{in}`
            stacked by rows. The suffix ``_reverse`` marks the backward direction:
            ``weight_ih_l[k]_reverse``, and likewise for the others.
        weight_hh_l[k]: (3H, H): :math:`W_{hr}, W_{hz}, W_{hn}`.
        bias_ih_l[k]: (3H,).
        bias_hh_l[k]: (3H,).

    All are drawn from :math:`\mathcal{U}(-1/\sqrt{H}, 1/\sqrt{H})` in torch.nn's order, so the
    same seed gives the same weights, and ``state_dict``\ s load both ways.

    Note:
        Intended differences from ``torch.nn.GRU``: ``impl`` is ours; ``hx`` of the wrong kind
        raises :class:`~lstmcourse.torch._checks.StateTypeError`, a subclass of each error
        torch.nn may raise there; an int ``bidirectional`` runs (torch.nn 2.13 accepts it but
        its kernel then refuses it); torch.nn's private validation helpers (``check_input``,
        ``check_forward_args``, ``check_hidden_size``) are not provided. Under CPU autocast the
        output has torch.nn's dtype (float32), but the matmuls also run in float32, where
        torch.nn's run in bfloat16: more accurate, and without autocast's speed-up.

    Example:
        >>> gru = GRU(10, 20, bidirectional=True, batch_first=True)
        >>> output, h_n = gru(torch.randn(3, 7, 10))
        >>> output.shape, h_n.shape
        (torch.Size([3, 7, 40]), torch.Size([2, 3, 20]))
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
        proj_size: None = None,
    ) -> None:
        if proj_size is not None:  # torch.nn refuses the argument, even proj_size=0
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
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
