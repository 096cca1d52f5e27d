"""Parameters: counting them, initialising them like torch, and reading them out of torch.

Every function in ``lstmcourse.numpy`` takes its weights as a plain dict in PyTorch's layout and
names, so weights move between NumPy and ``torch.nn`` without renaming or transposing:

- ``params["weight_ih"]`` (G*H, D): input-to-hidden weights :math:`W_{ih}`, gate blocks stacked
  by rows;
- ``params["weight_hh"]`` (G*H, H): hidden-to-hidden weights :math:`W_{hh}`;
- ``params["bias_ih"]`` (G*H,): :math:`b_{ih}`;
- ``params["bias_hh"]`` (G*H,): :math:`b_{hh}`.

G is the number of row blocks, in the order of :data:`lstmcourse.conventions.GATES` (LSTM 4,
GRU 3, RNN 1). Rows ``k*H:(k+1)*H`` of ``weight_ih`` belong to the k-th gate, e.g. the forget gate
of an LSTM is rows H:2H. Shape legend: D input features, H hidden units.

PyTorch keeps two bias vectors where one would do (:math:`b_{ih} + b_{hh}` is all that reaches a
gate, except :math:`b_{hn}` inside the GRU's reset product). Keras keeps one. That is why
``*_param_count`` takes ``biases``.
"""

from __future__ import annotations

import numpy as np

from ..conventions import PARAM_KEYS, gate_count, suffix


def _check_sizes(input_size: int, hidden_size: int, biases: int) -> None:
    for name, value in (("input_size", input_size), ("hidden_size", hidden_size)):
        if int(value) != value or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if biases not in (0, 1, 2):
        raise ValueError(
            f"biases must be 0, 1 (one bias per gate unit, Keras) or 2 (b_ih and b_hh, PyTorch), "
            f"got {biases!r}"
        )


def _param_count(G: int, input_size: int, hidden_size: int, biases: int) -> int:
    _check_sizes(input_size, hidden_size, biases)
    D, H = int(input_size), int(hidden_size)
    # each gate block: H*D input weights + H*H recurrent weights + `biases` vectors of length H
    return G * (H * D + H * H + biases * H)


def lstm_param_count(input_size: int, hidden_size: int, biases: int = 2) -> int:
    """Number of trainable numbers in one LSTM layer, 4 (H D + H H + biases H).

    Args:
        input_size: D, the input features.
        hidden_size: H, the hidden units.
        biases: bias vectors per gate block: 2 as in PyTorch, 1 as in Keras, or 0.

    Returns:
        The count, an int.

    Raises:
        ValueError: a size that is not a positive integer, or ``biases`` not 0, 1 or 2.

    Examples:
        >>> lstm_param_count(32, 100, biases=1)   # Embedding(32) -> LSTM(100), Keras
        53200
        >>> lstm_param_count(32, 100)             # the same layer in PyTorch (two biases)
        53600
    """
    return _param_count(4, input_size, hidden_size, biases)


def gru_param_count(input_size: int, hidden_size: int, biases: int = 2) -> int:
    """Number of trainable numbers in one GRU layer, 3 (H D + H H + biases H): 3/4 of an LSTM.

    Args:
        input_size: D, the input features.
        hidden_size: H, the hidden units.
        biases: bias vectors per gate block: 2 as in PyTorch, 1 as in Keras, or 0.

    Returns:
        The count, an int.

    Raises:
        ValueError: a size that is not a positive integer, or ``biases`` not 0, 1 or 2.
    """
    return _param_count(3, input_size, hidden_size, biases)


def rnn_param_count(input_size: int, hidden_size: int, biases: int = 2) -> int:
    """Number of trainable numbers in one plain (Elman) RNN layer, H D + H H + biases H.

    Args:
        input_size: D, the input features.
        hidden_size: H, the hidden units.
        biases: bias vectors per gate block: 2 as in PyTorch, 1 as in Keras, or 0.

    Returns:
        The count, an int.

    Raises:
        ValueError: a size that is not a positive integer, or ``biases`` not 0, 1 or 2.
    """
    return _param_count(1, input_size, hidden_size, biases)


def init_params(
    cell: str,
    input_size: int,
    hidden_size: int,
    *,
    rng: np.random.Generator | int | None = None,
    dtype: type | np.dtype = np.float64,
) -> dict[str, np.ndarray]:
    r"""Fresh parameters for ``cell``, drawn like torch.nn does.

    Every entry is uniform in :math:`[-1/\sqrt{H}, 1/\sqrt{H}]`. The numbers differ from
    torch's own draw; to copy a torch module's weights use :func:`params_from_torch`.

    Args:
        cell: "rnn", "lstm" or "gru".
        input_size: D, the input features.
        hidden_size: H, the hidden units.
        rng: a ``np.random.Generator`` or an int seed (None: a fresh, unseeded generator).
        dtype: the arrays' dtype.

    Returns:
        A dict with ``weight_ih`` (G*H, D), ``weight_hh`` (G*H, H), ``bias_ih`` and
        ``bias_hh`` (G*H,).

    Raises:
        ValueError: an unknown ``cell`` or a size that is not a positive integer.
    """
    G = gate_count(cell)
    _check_sizes(input_size, hidden_size, 2)
    D, H = int(input_size), int(hidden_size)
    if not isinstance(rng, np.random.Generator):
        rng = np.random.default_rng(rng)
    bound = 1.0 / np.sqrt(H)
    shapes = ((G * H, D), (G * H, H), (G * H,), (G * H,))  # in the order of PARAM_KEYS
    draw = [rng.uniform(-bound, bound, size=s).astype(dtype) for s in shapes]
    return dict(zip(PARAM_KEYS, draw, strict=True))


def params_from_torch(
    module: object, layer: int = 0, reverse: bool = False, dtype: type | np.dtype = np.float64
) -> dict[str, np.ndarray]:
    """Copy the weights of a ``torch.nn`` RNN/LSTM/GRU (or ``*Cell``) into a params dict.

    ``lstmcourse.torch``'s modules work too: they keep the same parameter names. Layers keep
    their weights as ``weight_ih_l{layer}`` etc., with the suffix ``_reverse`` for the backward
    direction of a bidirectional layer; cells as plain ``weight_ih``. The arrays are new copies,
    so changing them does not touch the module. A module built with ``bias=False`` gives zero
    biases, which computes the same thing.

    Args:
        module: a ``torch.nn`` (or ``lstmcourse.torch``) RNN, LSTM, GRU or cell.
        layer: which layer of a stacked module (0 for a cell).
        reverse: the backward direction of a bidirectional layer.
        dtype: the arrays' dtype.

    Returns:
        A params dict with the keys of :data:`lstmcourse.conventions.PARAM_KEYS`.

    Raises:
        ValueError: not a recurrent torch module, a layer or direction it does not have, or an
            LSTM with ``proj_size`` > 0.
    """
    # Imported here so that lstmcourse.numpy itself does not need torch.
    import torch

    # Duck-typed on torch.nn's parameter names, so lstmcourse.torch's drop-in modules work too.
    # suffix() checks layer and reverse against the module.
    end = suffix(module, layer, reverse) if isinstance(module, torch.nn.Module) else None
    if end is None or not hasattr(module, "weight_ih" + end):
        raise ValueError(
            f"module must be a torch.nn.RNN/LSTM/GRU or RNNCell/LSTMCell/GRUCell, "
            f"got {type(module).__name__}"
        )
    if getattr(module, "proj_size", 0):
        raise ValueError("LSTMs with proj_size > 0 are not supported by lstmcourse.numpy")

    rows = getattr(module, "weight_ih" + end).shape[0]
    params = {}
    for key in PARAM_KEYS:
        value = getattr(module, key + end, None)  # None: a bias=False module
        params[key] = (np.zeros(rows, dtype=dtype) if value is None else
                       value.detach().cpu().to(torch.float64).numpy().astype(dtype))
    return params
