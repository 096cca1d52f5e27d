"""Bad input raises an error like torch.nn's that names the argument and the shapes."""

from __future__ import annotations

import pytest
import torch

import lstmcourse.torch as lt
from lstmcourse.torch._checks import ShapeError

D, H = 3, 4


@pytest.mark.parametrize("cls", [lt.RNN, lt.LSTM, lt.GRU])
def test_wrong_input_size(cls) -> None:
    m = cls(D, H)
    with pytest.raises(RuntimeError, match=r"input_size\. Expected 3, got 5 .*\(7, 2, 5\)"):
        m(torch.randn(7, 2, 5))
    with pytest.raises(ValueError, match=r"\(B, T, D\)"):  # ShapeError is a ValueError too
        cls(D, H, batch_first=True)(torch.randn(2, 7, 5))


@pytest.mark.parametrize("cls", [lt.RNN, lt.LSTM, lt.GRU])
@pytest.mark.parametrize("rank", [1, 4])
def test_wrong_input_rank(cls, rank: int) -> None:
    with pytest.raises(ValueError, match=rf"Expected input to be 2D or 3D, got {rank}D"):
        cls(D, H)(torch.randn(*([2] * (rank - 1)), D))


@pytest.mark.parametrize("cls", [lt.RNN, lt.GRU])
def test_mismatched_hidden_state(cls) -> None:
    m = cls(D, H, num_layers=2)
    x = torch.randn(5, 3, D)
    with pytest.raises(RuntimeError, match=r"Expected hx size \(2, 3, 4\), got \(1, 3, 4\)"):
        m(x, torch.zeros(1, 3, H))
    with pytest.raises(ShapeError, match=r"hx should also be 3-D .* shape \(2, 4\)"):
        m(x, torch.zeros(2, H))
    with pytest.raises(ShapeError, match=r"unbatched 2-D input, hx should also be 2-D"):
        m(torch.randn(5, D), torch.zeros(2, 1, H))


def test_mismatched_lstm_states() -> None:
    m = lt.LSTM(D, H, bidirectional=True)
    x = torch.randn(5, 3, D)
    h0 = torch.zeros(2, 3, H)
    with pytest.raises(RuntimeError, match=r"hx\[1\] \(c_0\) size \(2, 3, 4\), got \(2, 2, 4\)"):
        m(x, (h0, torch.zeros(2, 2, H)))
    with pytest.raises(RuntimeError, match=r"hx\[0\] \(h_0\) size \(2, 3, 4\), got \(1, 3, 4\)"):
        m(x, (torch.zeros(1, 3, H), h0))
    with pytest.raises(TypeError, match=r"pair \(h_0, c_0\) of tensors, got Tensor"):
        m(x, h0)


def test_empty_sequence_is_refused_like_torch() -> None:
    with pytest.raises(RuntimeError, match=r"sequence length to be larger than 0.*\(0, 2, 3\)"):
        lt.LSTM(D, H)(torch.randn(0, 2, D))


def test_dtype_mismatch_names_both_dtypes() -> None:
    with pytest.raises(ValueError, match=r"torch\.float64.*torch\.float32"):
        lt.GRU(D, H)(torch.randn(4, 2, D, dtype=torch.float64))


@pytest.mark.parametrize("cls", [lt.RNNCell, lt.LSTMCell, lt.GRUCell])
def test_cell_errors(cls) -> None:
    cell = cls(D, H)
    with pytest.raises(ValueError, match="Expected input to be 1D or 2D, got 3D"):
        cell(torch.randn(1, 2, D))
    with pytest.raises(RuntimeError, match=r"got 5, expected 3 .*\(2, 5\)"):
        cell(torch.randn(2, 5))
    state = torch.zeros(3, H)  # batch 3 against an input batch of 2
    hx = (state, state) if cls is lt.LSTMCell else state
    with pytest.raises(RuntimeError, match=r"\(B, H\) = \(2, 4\), got \(3, 4\)"):
        cell(torch.randn(2, D), hx)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"dropout": 1.5}, "dropout must be a number in"),
        ({"dropout": True}, "dropout must be a number in"),
        ({"num_layers": 0}, "num_layers must be greater than zero, got 0"),
        ({"num_layers": 1.0}, "num_layers should be of type int, got: float"),
        ({"input_size": 3.0}, "input_size should be of type int, got: float"),
        ({"hidden_size": 0}, "hidden_size must be greater than zero, got 0"),
        ({"bias": 1}, "bias should be of type bool, got: int"),
        ({"batch_first": 1}, "batch_first should be of type bool, got: int"),
        ({"proj_size": -1}, "proj_size should be a positive integer.*got -1"),
        ({"proj_size": H}, "proj_size has to be smaller than hidden_size"),
    ],
    ids=str,
)
def test_constructor_errors_have_torch_types(kwargs: dict, match: str) -> None:
    """Each invalid argument raises the exception type torch.nn raises, with a message that
    names the argument and the value."""
    args = {"input_size": D, "hidden_size": H, **kwargs}
    with pytest.raises(Exception) as expected:
        torch.nn.LSTM(**args)
    with pytest.raises(expected.type, match=match):
        lt.LSTM(**args)


def test_bidirectional_takes_an_int_like_torch() -> None:
    """torch.nn keeps bidirectional=1 as given (its repr shows 1); so do we, and it runs."""
    for value, K in ((1, 2), (0, 1), (True, 2)):
        m = lt.GRU(D, H, bidirectional=value)
        assert repr(m) == repr(torch.nn.GRU(D, H, bidirectional=value))
        out, h = m(torch.randn(5, 2, D))
        assert out.shape == (5, 2, K * H) and h.shape == (K, 2, H)
    with pytest.raises(TypeError, match="bidirectional should be of type bool"):
        lt.LSTM(D, H, bidirectional="yes")


# Wrong kinds of hx: torch.nn has no check for them and fails on whichever line trips first.
# ``state`` is a tensor of the right shape for the module at hand.
BAD_STATES = {
    "int": lambda state: 3,
    "str": lambda state: "h0",
    "tuple of one": lambda state: (state,),
    "list of one": lambda state: [state],
    "tuple of three": lambda state: (state,) * 3,
    "pair of ints": lambda state: (1, 2),
    "tensor for a pair": lambda state: state,
}


@pytest.mark.parametrize(
    ("name", "bad"),
    [
        (name, bad)
        for name in ("RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell")
        for bad in BAD_STATES
        if "LSTM" in name or bad != "tensor for a pair"  # a tensor is right for the others
    ],
)
def test_hx_of_wrong_kind_raises_torch_error_type(name: str, bad: str) -> None:
    """Our error is caught by the same except clause as torch.nn's, and says what it wanted."""
    cell = name.endswith("Cell")
    x = torch.randn(2, D) if cell else torch.randn(5, 2, D)
    hx = BAD_STATES[bad](torch.zeros(2, H) if cell else torch.zeros(1, 2, H))
    with pytest.raises(Exception) as expected:
        getattr(torch.nn, name)(D, H)(x, hx)
    with pytest.raises(expected.type, match=r"must be a (tensor|pair)"):
        getattr(lt, name)(D, H)(x, hx)
