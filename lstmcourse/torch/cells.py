r"""One time step of an Elman RNN, an LSTM and a GRU, written line by line from the equations.

The step functions (:func:`rnn_step`, :func:`lstm_step`, :func:`gru_step`) are the readable
heart of ``lstmcourse.torch``: plain tensor arithmetic that autograd differentiates for us. The
modules (:class:`RNNCell`, :class:`LSTMCell`, :class:`GRUCell`) wrap them with torch.nn's
constructor, parameter names, initialisation and ``forward`` signature, so
``lstmcourse.torch.LSTMCell`` can replace ``torch.nn.LSTMCell`` and load its ``state_dict``.

Shape legend
    B  batch size            D  input features (``input_size``)
    H  hidden size           G  gates stacked in the weights: 1 (RNN), 4 (LSTM), 3 (GRU)

Glossary
    :math:`x_t` input at step t, :math:`h_{t-1}` previous hidden state, :math:`c_{t-1}` previous
    cell state (LSTM), :math:`\sigma` the logistic sigmoid, :math:`\odot` elementwise product.
    :math:`W_{i\cdot}` are blocks of ``weight_ih`` (G*H, D), :math:`W_{h\cdot}` blocks of
    ``weight_hh`` (G*H, H), :math:`b_{i\cdot}`, :math:`b_{h\cdot}` blocks of ``bias_ih`` and
    ``bias_hh`` (G*H,). The blocks are stacked in the order i, f, g, o (LSTM) and r, z, n (GRU).

What is left out on purpose: torch's fused C++ kernels (``torch.lstm_cell`` and friends). Nothing
here calls them; the layers in :mod:`lstmcourse.torch.fused` are the fast path, tested equal.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from ..conventions import gate_count
from ._checks import ShapeError, StateTypeError, check_dtype, check_rank, kind_of

__all__ = ["rnn_step", "lstm_step", "gru_step", "RNNCell", "LSTMCell", "GRUCell"]


def _affine(x: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
    """``x @ weight.T + bias``: (B, D) @ (D, G*H) -> (B, G*H); ``bias`` may be None."""
    out = x @ weight.T
    return out if bias is None else out + bias


def rnn_step(
    x: Tensor,
    h: Tensor,
    weight_ih: Tensor,
    weight_hh: Tensor,
    bias_ih: Tensor | None,
    bias_hh: Tensor | None,
    nonlinearity: str = "tanh",
) -> Tensor:
    r"""One step of an Elman RNN: :math:`h_t = \phi(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh})`.

    ``x`` (B, D), ``h`` (B, H), ``weight_ih`` (H, D), ``weight_hh`` (H, H), biases (H,) or None.
    :math:`\phi` is tanh or ReLU (``nonlinearity``). Returns the new hidden state (B, H).
    """
    pre = _affine(x, weight_ih, bias_ih) + _affine(h, weight_hh, bias_hh)
    if nonlinearity == "tanh":
        return torch.tanh(pre)
    if nonlinearity == "relu":
        return torch.relu(pre)
    raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")


def lstm_step(
    x: Tensor,
    h: Tensor,
    c: Tensor,
    weight_ih: Tensor,
    weight_hh: Tensor,
    bias_ih: Tensor | None,
    bias_hh: Tensor | None,
) -> tuple[Tensor, Tensor]:
    r"""One LSTM step, gate order i, f, g, o as in torch.nn.

    .. math::
        i_t &= \sigma(W_{ii} x_t + b_{ii} + W_{hi} h_{t-1} + b_{hi})   && \text{input gate} \\
        f_t &= \sigma(W_{if} x_t + b_{if} + W_{hf} h_{t-1} + b_{hf})   && \text{forget gate} \\
        g_t &= \tanh(W_{ig} x_t + b_{ig} + W_{hg} h_{t-1} + b_{hg})    && \text{candidate} \\
        o_t &= \sigma(W_{io} x_t + b_{io} + W_{ho} h_{t-1} + b_{ho})   && \text{output gate} \\
        c_t &= f_t \odot c_{t-1} + i_t \odot g_t                        && \text{conveyor belt} \\
        h_t &= o_t \odot \tanh(c_t)

    ``x`` (B, D), ``h`` and ``c`` (B, H), ``weight_ih`` (4H, D), ``weight_hh`` (4H, H),
    biases (4H,) or None. Returns ``(h_t, c_t)``, each (B, H).
    """
    # All four gates' pre-activations in one matmul each for x and h: (B, 4H).
    pre = _affine(x, weight_ih, bias_ih) + _affine(h, weight_hh, bias_hh)
    pre_i, pre_f, pre_g, pre_o = pre.chunk(4, dim=1)  # four (B, H) views
    i = torch.sigmoid(pre_i)  # how much of the candidate to write
    f = torch.sigmoid(pre_f)  # how much of the old cell to keep
    g = torch.tanh(pre_g)  # the candidate values, in (-1, 1)
    o = torch.sigmoid(pre_o)  # how much of the cell to show
    c_next = f * c + i * g
    h_next = o * torch.tanh(c_next)
    return h_next, c_next


def gru_step(
    x: Tensor,
    h: Tensor,
    weight_ih: Tensor,
    weight_hh: Tensor,
    bias_ih: Tensor | None,
    bias_hh: Tensor | None,
) -> Tensor:
    r"""One GRU step, exactly torch.nn's variant (gate order r, z, n).

    .. math::
        r_t &= \sigma(W_{ir} x_t + b_{ir} + W_{hr} h_{t-1} + b_{hr})            && \text{reset} \\
        z_t &= \sigma(W_{iz} x_t + b_{iz} + W_{hz} h_{t-1} + b_{hz})            && \text{update} \\
        n_t &= \tanh(W_{in} x_t + b_{in} + r_t \odot (W_{hn} h_{t-1} + b_{hn}))
            && \text{candidate} \\
        h_t &= (1 - z_t) \odot n_t + z_t \odot h_{t-1}

    Note where the reset gate acts: on :math:`W_{hn} h_{t-1} + b_{hn}`, after the matmul.
    ``x`` (B, D), ``h`` (B, H), ``weight_ih`` (3H, D), ``weight_hh`` (3H, H), biases (3H,)
    or None. Returns the new hidden state (B, H).
    """
    xr, xz, xn = _affine(x, weight_ih, bias_ih).chunk(3, dim=1)  # input parts, (B, H) each
    hr, hz, hn = _affine(h, weight_hh, bias_hh).chunk(3, dim=1)  # hidden parts, (B, H) each
    r = torch.sigmoid(xr + hr)
    z = torch.sigmoid(xz + hz)
    n = torch.tanh(xn + r * hn)
    return (1 - z) * n + z * h


class _CellBase(nn.Module):
    """Parameters, initialisation and input checks shared by the three cells."""

    _cell: str  # "rnn", "lstm" or "gru": its name in lstmcourse.conventions.GATES

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        super().__init__()
        for name, value in (("input_size", input_size), ("hidden_size", hidden_size)):
            if not isinstance(value, int):
                raise TypeError(f"{name} should be of type int, got: {type(value).__name__}")
            if value <= 0:  # torch.nn builds empty weights here; we refuse (see the docstrings)
                raise ValueError(f"{name} must be greater than zero, got {value}")
        if not isinstance(bias, bool):
            raise TypeError(f"bias should be of type bool, got: {type(bias).__name__}")
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        kw = {"device": device, "dtype": dtype}
        gh = gate_count(self._cell) * hidden_size
        # The same names, shapes and registration order as torch.nn, so state_dicts match and
        # reset_parameters draws the same numbers from the same seed.
        self.weight_ih = nn.Parameter(torch.empty(gh, input_size, **kw))
        self.weight_hh = nn.Parameter(torch.empty(gh, hidden_size, **kw))
        if bias:
            self.bias_ih = nn.Parameter(torch.empty(gh, **kw))
            self.bias_hh = nn.Parameter(torch.empty(gh, **kw))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw every parameter from U(-1/sqrt(H), 1/sqrt(H)), as torch.nn does."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for weight in self.parameters():
            nn.init.uniform_(weight, -bound, bound)

    def extra_repr(self) -> str:
        # What torch.nn prints, so reprs compare equal.
        return f"{self.input_size}, {self.hidden_size}" + ("" if self.bias else ", bias=False")

    def _prepare(self, x: Tensor, states: tuple[Tensor | None, ...]) -> tuple[Tensor, list, bool]:
        """Check ranks and sizes; add a batch dimension to unbatched input; default zero states."""
        who = type(self).__name__
        check_rank("input", who, x, (1, 2))
        check_dtype(who, x, self.weight_ih)
        batched = x.dim() == 2
        if not batched:
            x = x.unsqueeze(0)
        if x.size(1) != self.input_size:
            raise ShapeError(
                f"{who}: input has inconsistent input_size: got {x.size(1)}, expected "
                f"{self.input_size} (input shape {tuple(x.shape)}, read as (B, D))"
            )
        out = []
        names = ["hx"] if len(states) == 1 else ["hx[0]", "hx[1]"]
        for name, s in zip(names, states, strict=True):
            if s is None:
                s = torch.zeros(x.size(0), self.hidden_size, dtype=x.dtype, device=x.device)
            elif not isinstance(s, Tensor):
                raise StateTypeError(f"{who}: {name} must be a tensor, got {kind_of(s)}")
            else:
                check_rank(name, who, s, (1, 2))
                if (s.dim() == 2) != batched:
                    raise ShapeError(
                        f"{who}: {name} must be {2 if batched else 1}-D for "
                        f"{'batched' if batched else 'unbatched'} input, got shape "
                        f"{tuple(s.shape)}"
                    )
                if not batched:
                    s = s.unsqueeze(0)
                if tuple(s.shape) != (x.size(0), self.hidden_size):
                    raise ShapeError(
                        f"{who}: Expected {name} of shape (B, H) = "
                        f"{(x.size(0), self.hidden_size)}, got {tuple(s.shape)}"
                    )
            out.append(s)
        return x, out, batched


class RNNCell(_CellBase):
    r"""An Elman RNN cell, a drop-in for ``torch.nn.RNNCell``: one step of :class:`~.layers.RNN`.

    .. math::
        h' = \phi(W_{ih} x + b_{ih} + W_{hh} h + b_{hh}), \qquad \phi = \tanh \text{ or }
        \mathrm{ReLU}

    computed by :func:`rnn_step`.

    Args:
        input_size: D, the number of features of x.
        hidden_size: H, the number of features of h.
        bias: if False, the cell has no ``bias_ih`` and ``bias_hh``. Default: True.
        nonlinearity: :math:`\phi`, ``"tanh"`` or ``"relu"``. Default: ``"tanh"``.
        device: where to create the parameters. Default: torch's default device.
        dtype: the parameters' dtype. Default: torch's default dtype.

    Inputs: ``input, hx``

    - **input**: (B, D), or unbatched (D,).
    - **hx**: h, (B, H) or unbatched (H,); zeros when omitted.

    Returns:
        **h'** (B, H), or (H,) for unbatched input: the next hidden state.

    Attributes:
        weight_ih: (H, D), :math:`W_{ih}`.
        weight_hh: (H, H), :math:`W_{hh}`.
        bias_ih: (H,), :math:`b_{ih}`.
        bias_hh: (H,), :math:`b_{hh}`.

    All are drawn from :math:`\mathcal{U}(-1/\sqrt{H}, 1/\sqrt{H})` as in torch.nn.

    Note:
        Intended differences from ``torch.nn.RNNCell``: ``input_size`` or ``hidden_size`` of 0
        and a non-bool ``bias`` are refused (torch.nn builds a cell with empty weights, or
        reads ``bias`` as a truth value); ``hx`` that is not a tensor raises
        :class:`~lstmcourse.torch._checks.StateTypeError`, a subclass of the error torch.nn
        raises there.

    Example:
        >>> cell = RNNCell(10, 20, nonlinearity="relu")
        >>> h = torch.zeros(3, 20)
        >>> for x in torch.randn(6, 3, 10):  # six steps of a batch of three
        ...     h = cell(x, h)
        >>> h.shape
        torch.Size([3, 20])
    """

    _cell = "rnn"

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        nonlinearity: str = "tanh",
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        super().__init__(input_size, hidden_size, bias, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def extra_repr(self) -> str:
        s = super().extra_repr()  # torch.nn shows the nonlinearity unquoted
        return s if self.nonlinearity == "tanh" else s + f", nonlinearity={self.nonlinearity}"

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        x, (h,), batched = self._prepare(input, (hx,))
        h = rnn_step(
            x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh, self.nonlinearity
        )
        return h if batched else h.squeeze(0)


class LSTMCell(_CellBase):
    r"""An LSTM cell, a drop-in for ``torch.nn.LSTMCell``: one step of :class:`~.layers.LSTM`.

    .. math::
        \begin{aligned}
        i &= \sigma(W_{ii} x + b_{ii} + W_{hi} h + b_{hi}) \\
        f &= \sigma(W_{if} x + b_{if} + W_{hf} h + b_{hf}) \\
        g &= \tanh(W_{ig} x + b_{ig} + W_{hg} h + b_{hg}) \\
        o &= \sigma(W_{io} x + b_{io} + W_{ho} h + b_{ho}) \\
        c' &= f \odot c + i \odot g \\
        h' &= o \odot \tanh(c')
        \end{aligned}

    computed by :func:`lstm_step` (gate order i, f, g, o).

    Args:
        input_size: D, the number of features of x.
        hidden_size: H, the number of features of h and c.
        bias: if False, the cell has no ``bias_ih`` and ``bias_hh``. Default: True.
        device: where to create the parameters. Default: torch's default device.
        dtype: the parameters' dtype. Default: torch's default dtype.

    Inputs: ``input, (h, c)``

    - **input**: (B, D), or unbatched (D,).
    - **(h, c)**: the hidden and cell states, each (B, H) or unbatched (H,); zeros when the pair
      is omitted.

    Returns:
        ``(h', c')``, each (B, H), or (H,) for unbatched input: the next states.

    Attributes:
        weight_ih: (4H, D), :math:`W_{ii}, W_{if}, W_{ig}, W_{io}` stacked by rows.
        weight_hh: (4H, H), :math:`W_{hi}, W_{hf}, W_{hg}, W_{ho}`.
        bias_ih: (4H,).
        bias_hh: (4H,).

    All are drawn from :math:`\mathcal{U}(-1/\sqrt{H}, 1/\sqrt{H})` as in torch.nn.

    Note:
        Intended differences from ``torch.nn.LSTMCell``: ``input_size`` or ``hidden_size`` of
        0 and a non-bool ``bias`` are refused; ``hx`` that is not a pair of tensors raises
        :class:`~lstmcourse.torch._checks.StateTypeError`, a subclass of each error torch.nn
        may raise there.

    Example:
        >>> cell = LSTMCell(10, 20)
        >>> h, c = torch.zeros(3, 20), torch.zeros(3, 20)
        >>> for x in torch.randn(6, 3, 10):  # six steps of a batch of three
        ...     h, c = cell(x, (h, c))
        >>> h.shape, c.shape
        (torch.Size([3, 20]), torch.Size([3, 20]))
    """

    _cell = "lstm"

    def forward(
        self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None
    ) -> tuple[Tensor, Tensor]:
        if hx is not None:  # in torch.nn's order: each element's kind and rank, then the count
            wrong = StateTypeError(
                f"LSTMCell: hx must be a pair (h, c) of tensors, got {kind_of(hx)}"
            )
            if not isinstance(hx, (tuple, list)):
                raise wrong
            for idx, s in enumerate(hx):
                if not isinstance(s, Tensor):
                    raise wrong
                check_rank(f"hx[{idx}]", "LSTMCell", s, (1, 2))
            if len(hx) != 2:
                raise wrong
        x, (h, c), batched = self._prepare(input, (None, None) if hx is None else tuple(hx))
        h, c = lstm_step(x, h, c, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(_CellBase):
    r"""A GRU cell, exactly torch.nn's variant, a drop-in for ``torch.nn.GRUCell``: one step of
    :class:`~.layers.GRU`.

    .. math::
        \begin{aligned}
        r &= \sigma(W_{ir} x + b_{ir} + W_{hr} h + b_{hr}) \\
        z &= \sigma(W_{iz} x + b_{iz} + W_{hz} h + b_{hz}) \\
        n &= \tanh(W_{in} x + b_{in} + r \odot (W_{hn} h + b_{hn})) \\
        h' &= (1 - z) \odot n + z \odot h
        \end{aligned}

    computed by :func:`gru_step` (gate order r, z, n).

    Args:
        input_size: D, the number of features of x.
        hidden_size: H, the number of features of h.
        bias: if False, the cell has no ``bias_ih`` and ``bias_hh``. Default: True.
        device: where to create the parameters. Default: torch's default device.
        dtype: the parameters' dtype. Default: torch's default dtype.

    Inputs: ``input, hx``

    - **input**: (B, D), or unbatched (D,).
    - **hx**: h, (B, H) or unbatched (H,); zeros when omitted.

    Returns:
        **h'** (B, H), or (H,) for unbatched input: the next hidden state.

    Attributes:
        weight_ih: (3H, D), :math:`W_{ir}, W_{iz}, W_{in}` stacked by rows.
        weight_hh: (3H, H), :math:`W_{hr}, W_{hz}, W_{hn}`.
        bias_ih: (3H,).
        bias_hh: (3H,).

    All are drawn from :math:`\mathcal{U}(-1/\sqrt{H}, 1/\sqrt{H})` as in torch.nn.

    Note:
        Intended differences from ``torch.nn.GRUCell``: ``input_size`` or ``hidden_size`` of 0
        and a non-bool ``bias`` are refused; ``hx`` that is not a tensor raises
        :class:`~lstmcourse.torch._checks.StateTypeError`, a subclass of the error torch.nn
        raises there.

    Example:
        >>> cell = GRUCell(10, 20)
        >>> h = cell(torch.randn(3, 10))  # h starts at zeros
        >>> h.shape
        torch.Size([3, 20])
    """

    _cell = "gru"

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        x, (h,), batched = self._prepare(input, (hx,))
        h = gru_step(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        return h if batched else h.squeeze(0)
