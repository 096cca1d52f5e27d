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
    with pytest.raises(TypeError, match="pair"):
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
    ("kwargs", "error", "match"),
    [
        ({"dropout": 1.5}, ValueError, "dropout must be a number in"),
        ({"num_layers": 0}, ValueError, "num_layers must be a positive int, got 0"),
        ({"bias": 1}, TypeError, "bias should be of type bool, got: int"),
        ({"proj_size": 2}, NotImplementedError, "proj_size=2"),
    ],
)
def test_constructor_errors(kwargs: dict, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        lt.LSTM(D, H, **kwargs)


def test_unknown_nonlinearity_and_impl() -> None:
    with pytest.raises(ValueError, match="'sigmoid'"):
        lt.RNN(D, H, nonlinearity="sigmoid")
    m = lt.LSTM(D, H)
    m.impl = "fast"
    with pytest.raises(ValueError, match="impl must be one of"):
        m(torch.randn(2, 1, D))
