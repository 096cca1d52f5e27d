"""Input checks shared by every function in ``lstmcourse.numpy``.

A shape mistake in NumPy rarely fails where it is made: broadcasting quietly turns a (B, H) state
into a (B, B, H) one, or an ``IndexError`` pops up three calls deeper. The helpers here check the
inputs at the door instead and raise an error that says, in plain words,

- which argument is wrong (``x``, ``h_prev``, ``params['weight_ih']`` ...),
- the shape (or key) it got,
- the shape (or key) that was expected, and what the letters in it mean.

Shape legend used in the messages: T time steps, B batch size, D input features, H hidden units,
G gates (RNN 1, GRU 3, LSTM 4).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..conventions import GATES, PARAM_KEYS, gate_count


def as_float_array(name: str, value: object) -> np.ndarray:
    """Return ``value`` as a floating-point array (integers become float64).

    Float16/32/64 arrays pass through unchanged, so float32 inputs are computed in float32.
    """
    try:
        arr = np.asarray(value)
    except Exception as exc:  # e.g. ragged nested lists
        raise ValueError(f"{name} must be an array of numbers; converting failed: {exc}") from None
    if arr.dtype.kind in "biu":
        arr = arr.astype(np.float64)
    elif arr.dtype.kind != "f":
        raise ValueError(f"{name} must hold real numbers, got an array of dtype {arr.dtype}")
    return arr


def check_rank(name: str, arr: np.ndarray, ndim: int, layout: str, hint: str = "") -> None:
    """Raise ValueError unless ``arr`` has ``ndim`` dimensions (``layout`` names them)."""
    if arr.ndim != ndim:
        msg = f"{name} must be a {ndim}-D array of shape {layout}, got shape {arr.shape}"
        if hint:
            msg += f". {hint}"
        raise ValueError(msg)


def check_shape(name: str, arr: np.ndarray, expected: tuple[int, ...], layout: str) -> None:
    """Raise ValueError unless ``arr.shape == expected`` (``layout`` spells it in letters)."""
    if arr.shape != tuple(expected):
        raise ValueError(
            f"{name} has shape {arr.shape}, expected {tuple(expected)} = {layout}"
        )


def check_params(
    params: Mapping[str, object], cell: str, name: str = "params", *, column_major: bool = False
) -> dict:
    """Check a parameter mapping for ``cell`` ("rnn", "lstm" or "gru") and return it as arrays.

    ``column_major=True`` returns the weights in column-major (Fortran) order, same values: then
    ``W.T`` in ``h @ W.T`` is row-major, the layout BLAS multiplies fastest (about 1.5x faster per
    step at the benchmark's sizes). The sequence functions ask for it once, before their loop.

    Returns a new dict with the four arrays (keys :data:`lstmcourse.conventions.PARAM_KEYS`).
    Raises

    - ``KeyError`` naming the missing key (and listing the keys that are there),
    - ``ValueError`` when a shape is off, e.g. GRU parameters (3H rows) given to an LSTM (4H rows).

    The hidden size H is read from ``weight_hh`` (G*H, H); D from ``weight_ih`` (G*H, D).
    """
    if not isinstance(params, Mapping):
        raise ValueError(
            f"{name} must be a dict with keys {list(PARAM_KEYS)}, got {type(params).__name__}"
        )
    for key in PARAM_KEYS:
        if key not in params:
            raise KeyError(
                f"{name} is missing the parameter {key!r}; it has keys {sorted(params)}, "
                f"expected {list(PARAM_KEYS)} (PyTorch's names; a layer without biases still "
                f"needs zero arrays for 'bias_ih' and 'bias_hh')"
            )
    p = {key: as_float_array(f"{name}[{key!r}]", params[key]) for key in PARAM_KEYS}
    if column_major:
        p = {key: np.asfortranarray(value) for key, value in p.items()}
    G = gate_count(cell)
    w_hh = p["weight_hh"]
    check_rank(f"{name}['weight_hh']", w_hh, 2, f"(G*H, H) with G={G} for {cell}")
    H = w_hh.shape[1]
    rows = w_hh.shape[0]
    if rows != G * H:
        msg = f"{name}['weight_hh'] has shape {w_hh.shape}, expected {(G * H, H)} = (G*H, H) "
        msg += f"with G={G} gates for {cell} and H={H}"
        other = {len(gates): kind for kind, gates in GATES.items()}
        if H and rows % H == 0 and rows // H in other:
            msg += f"; {rows} = {rows // H}*H rows looks like {other[rows // H]} parameters given "
            msg += f"to {cell}"
        raise ValueError(msg)
    w_ih = p["weight_ih"]
    check_rank(f"{name}['weight_ih']", w_ih, 2, f"(G*H, D) with G={G} for {cell}")
    if w_ih.shape[0] != G * H:
        raise ValueError(
            f"{name}['weight_ih'] has shape {w_ih.shape}, expected {(G * H, w_ih.shape[1])} = "
            f"(G*H, D) with G={G} for {cell} and H={H} (read from weight_hh)"
        )
    for key in ("bias_ih", "bias_hh"):
        check_shape(f"{name}[{key!r}]", p[key], (G * H,), f"(G*H,) with G={G}, H={H}")
    return p


def check_input(name: str, x: np.ndarray, D: int, *, sequence: bool) -> None:
    """Check a cell input (B, D) or a sequence input (T, B, D) against the weights' D."""
    if sequence:
        hint = ""
        if x.ndim == 2:
            hint = "A sequence is time-major (T, B, D); for one time step call the *_cell function"
        check_rank(name, x, 3, "(T, B, D)", hint)
        layout = f"(T, B, D) with D={D} (the columns of weight_ih)"
    else:
        hint = ""
        if x.ndim == 3:
            hint = ("A cell takes one time step (B, D); for a whole (T, B, D) sequence call "
                    "rnn/lstm/gru, or pass x[t]")
        elif x.ndim == 1:
            hint = "For a single example add a batch axis: x[None, :]"
        check_rank(name, x, 2, "(B, D)", hint)
        layout = f"(B, D) with D={D} (the columns of weight_ih)"
    if x.shape[-1] != D:
        expected = (*x.shape[:-1], D)
        raise ValueError(f"{name} has shape {x.shape}, expected {expected} = {layout}")
    if sequence and x.shape[0] == 0:
        raise ValueError(f"{name} has shape {x.shape}: a sequence needs at least one time step")


def check_state(name: str, state: object, B: int, H: int, dtype: np.dtype) -> np.ndarray:
    """Return a (B, H) state as an array, or zeros of that shape when ``state`` is None."""
    if state is None:
        return np.zeros((B, H), dtype=dtype)
    arr = as_float_array(name, state)
    if arr.shape != (B, H):
        raise ValueError(
            f"{name} has shape {arr.shape}, expected {(B, H)} = (B, H) with batch B={B} "
            f"(from x) and hidden size H={H} (from weight_hh)"
        )
    return arr


def check_grad(name: str, grad: object, expected: tuple[int, ...], layout: str) -> np.ndarray:
    """Check an upstream gradient (``dh``, ``dout`` ...) has the shape of what it differentiates."""
    arr = as_float_array(name, grad)
    check_shape(name, arr, expected, layout)
    return arr
