"""Parameters: counting them, initialising them like torch, and reading them out of torch.

Every function in ``lstmcourse.numpy`` takes its weights as a plain dict in PyTorch's layout and
names, so weights move between NumPy and ``torch.nn`` without renaming or transposing:

    params["weight_ih"]  (G*H, D)   input-to-hidden weights W_ih, gate blocks stacked by rows
    params["weight_hh"]  (G*H, H)   hidden-to-hidden weights W_hh
    params["bias_ih"]    (G*H,)     b_ih
    params["bias_hh"]    (G*H,)     b_hh

G is the number of gate blocks: RNN 1, GRU 3 (order r, z, n), LSTM 4 (order i, f, g, o). Rows
``k*H:(k+1)*H`` of ``weight_ih`` belong to the k-th gate, e.g. the forget gate of an LSTM is rows
H:2H. Shape legend: D input features, H hidden units.

PyTorch keeps two bias vectors where one would do (b_ih + b_hh is all that reaches a gate, except
b_hn inside the GRU's reset product). Keras keeps one. That is why ``*_param_count`` takes
``biases``.
"""

from __future__ import annotations

import numpy as np

from ._checks import GATE_COUNT, PARAM_KEYS


def _gates(cell: str) -> int:
    if cell not in GATE_COUNT:
        raise ValueError(f"cell must be one of {sorted(GATE_COUNT)}, got {cell!r}")
    return GATE_COUNT[cell]


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
    """Number of trainable numbers in one LSTM layer: 4 (H D + H H + biases H).

    >>> lstm_param_count(32, 100, biases=1)   # Embedding(32) -> LSTM(100), Keras
    53200
    >>> lstm_param_count(32, 100)             # the same layer in PyTorch (two biases)
    53600
    """
    return _param_count(4, input_size, hidden_size, biases)


def gru_param_count(input_size: int, hidden_size: int, biases: int = 2) -> int:
    """Number of trainable numbers in one GRU layer: 3 (H D + H H + biases H), 3/4 of an LSTM."""
    return _param_count(3, input_size, hidden_size, biases)


def rnn_param_count(input_size: int, hidden_size: int, biases: int = 2) -> int:
    """Number of trainable numbers in one plain (Elman) RNN layer: H D + H H + biases H."""
    return _param_count(1, input_size, hidden_size, biases)


def init_params(
    cell: str,
    input_size: int,
    hidden_size: int,
    *,
    rng: np.random.Generator | int | None = None,
    dtype: type | np.dtype = np.float64,
) -> dict[str, np.ndarray]:
    """Fresh parameters for ``cell`` ("rnn", "lstm" or "gru"), drawn like torch.nn does.

    Every entry is uniform in [-1/sqrt(H), 1/sqrt(H)], H = ``hidden_size``. ``rng`` is a
    ``np.random.Generator`` or an int seed (None: a fresh, unseeded generator). The numbers differ
    from torch's own draw; to copy a torch module's weights use :func:`params_from_torch`.

    Returns ``{"weight_ih": (G*H, D), "weight_hh": (G*H, H), "bias_ih", "bias_hh": (G*H,)}``.
    """
    G = _gates(cell)
    _check_sizes(input_size, hidden_size, 2)
    D, H = int(input_size), int(hidden_size)
    if not isinstance(rng, np.random.Generator):
        rng = np.random.default_rng(rng)
    bound = 1.0 / np.sqrt(H)
    shapes = {
        "weight_ih": (G * H, D),
        "weight_hh": (G * H, H),
        "bias_ih": (G * H,),
        "bias_hh": (G * H,),
    }
    return {k: rng.uniform(-bound, bound, size=s).astype(dtype) for k, s in shapes.items()}


def params_from_torch(
    module: object, layer: int = 0, reverse: bool = False, dtype: type | np.dtype = np.float64
) -> dict[str, np.ndarray]:
    """Copy the weights of a ``torch.nn`` RNN/LSTM/GRU (or ``*Cell``) into a params dict.

    ``lstmcourse.torch``'s modules work too: they keep the same parameter names.

    Layers keep their weights as ``weight_ih_l{layer}`` etc., with the suffix ``_reverse`` for the
    backward direction of a bidirectional layer; cells as plain ``weight_ih``. The arrays are new
    float64 copies (``dtype`` to change that), so changing them does not touch the module. A module
    built with ``bias=False`` gives zero biases, which computes the same thing.
    """
    # Imported here so that lstmcourse.numpy itself does not need torch.
    import torch

    if not isinstance(module, torch.nn.Module):
        raise ValueError(
            f"module must be a torch.nn.RNN/LSTM/GRU or RNNCell/LSTMCell/GRUCell, "
            f"got {type(module).__name__}"
        )
    # Duck-typed on torch.nn's parameter names, so lstmcourse.torch's drop-in modules work too:
    # a layer has ``num_layers`` and ``weight_ih_l0``; a cell has a plain ``weight_ih``.
    if hasattr(module, "num_layers") and hasattr(module, "weight_ih_l0"):
        if not 0 <= layer < module.num_layers:
            raise ValueError(
                f"layer must be in 0..{module.num_layers - 1} for this {type(module).__name__} "
                f"with num_layers={module.num_layers}, got {layer!r}"
            )
        if reverse and not module.bidirectional:
            raise ValueError(
                f"reverse=True needs a bidirectional {type(module).__name__}; this one has "
                "bidirectional=False"
            )
        if getattr(module, "proj_size", 0):
            raise ValueError("LSTMs with proj_size > 0 are not supported by lstmcourse.numpy")
        suffix = f"_l{layer}" + ("_reverse" if reverse else "")
    elif hasattr(module, "weight_ih") and hasattr(module, "weight_hh"):
        if layer != 0 or reverse:
            raise ValueError(
                f"a {type(module).__name__} has one set of weights: use layer=0, reverse=False "
                f"(got layer={layer!r}, reverse={reverse!r})"
            )
        suffix = ""
    else:
        raise ValueError(
            f"module must be a torch.nn.RNN/LSTM/GRU or RNNCell/LSTMCell/GRUCell, "
            f"got {type(module).__name__}"
        )

    def grab(name: str) -> np.ndarray:
        return getattr(module, name + suffix).detach().cpu().to(torch.float64).numpy().astype(dtype)

    params = {"weight_ih": grab("weight_ih"), "weight_hh": grab("weight_hh")}
    for key in ("bias_ih", "bias_hh"):
        if getattr(module, "bias", True) and getattr(module, key + suffix, None) is not None:
            params[key] = grab(key)
        else:
            params[key] = np.zeros(params["weight_ih"].shape[0], dtype=dtype)
    return {k: params[k] for k in PARAM_KEYS}
