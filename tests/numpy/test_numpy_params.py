"""Parameter counts, torch-like initialisation and copying weights out of torch modules."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import lstmcourse.numpy as lnp
from lstmcourse.conventions import PARAM_KEYS


def test_lecture_embedding32_lstm100_counts() -> None:
    assert lnp.lstm_param_count(32, 100, biases=1) == 53_200  # Keras: one bias per gate unit
    assert lnp.lstm_param_count(32, 100, biases=2) == 53_600  # PyTorch: b_ih and b_hh
    assert lnp.lstm_param_count(32, 100) == 53_600  # default is PyTorch's


@pytest.mark.parametrize("D,H", [(32, 100), (1, 1), (7, 13)])
@pytest.mark.parametrize("biases", [0, 1, 2])
def test_gru_is_three_quarters_and_rnn_one_quarter_of_lstm(D: int, H: int, biases: int) -> None:
    lstm = lnp.lstm_param_count(D, H, biases)
    assert 4 * lnp.gru_param_count(D, H, biases) == 3 * lstm
    assert 4 * lnp.rnn_param_count(D, H, biases) == lstm


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("bias", [True, False])
def test_counts_equal_torch_modules(kind: str, bias: bool) -> None:
    module = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[kind](5, 9,
                                                                                    bias=bias)
    count = {"rnn": lnp.rnn_param_count, "lstm": lnp.lstm_param_count,
             "gru": lnp.gru_param_count}[kind]
    assert count(5, 9, biases=2 if bias else 0) == sum(p.numel() for p in module.parameters())


def test_count_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="biases must be 0, 1 .* or 2 .*got 3"):
        lnp.lstm_param_count(32, 100, biases=3)
    with pytest.raises(ValueError, match="hidden_size must be a positive integer, got 0"):
        lnp.gru_param_count(32, 0)


@pytest.mark.parametrize("kind,G", [("rnn", 1), ("lstm", 4), ("gru", 3)])
def test_init_params_shapes_and_range(kind: str, G: int) -> None:
    D, H = 6, 25
    p = lnp.init_params(kind, D, H, rng=0)
    assert {k: v.shape for k, v in p.items()} == {
        "weight_ih": (G * H, D), "weight_hh": (G * H, H), "bias_ih": (G * H,), "bias_hh": (G * H,)
    }
    bound = 1 / np.sqrt(H)  # = 0.2
    for v in p.values():
        assert v.dtype == np.float64
        assert np.all(np.abs(v) <= bound)
        assert np.abs(v).max() > 0.9 * bound  # spread over the whole range, not e.g. N(0, 0.01)


def test_init_params_seeding_and_dtype() -> None:
    a = lnp.init_params("lstm", 3, 4, rng=5)
    b = lnp.init_params("lstm", 3, 4, rng=np.random.default_rng(5))
    c = lnp.init_params("lstm", 3, 4, rng=6)
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])
    assert not np.array_equal(a["weight_hh"], c["weight_hh"])
    p32 = lnp.init_params("gru", 3, 4, rng=0, dtype=np.float32)
    assert all(v.dtype == np.float32 for v in p32.values())
    with pytest.raises(ValueError, match=r"cell must be one of \['gru', 'lstm', 'rnn'\], "
                                         r"got 'LSTM'"):
        lnp.init_params("LSTM", 3, 4)


def test_params_from_torch_layer_index_and_reverse() -> None:
    torch.manual_seed(0)
    module = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    for layer in (0, 1):
        for reverse in (False, True):
            p = lnp.params_from_torch(module, layer=layer, reverse=reverse)
            suffix = f"_l{layer}" + ("_reverse" if reverse else "")
            for key in PARAM_KEYS:
                expected = getattr(module, key + suffix).detach().double().numpy()
                assert p[key].dtype == np.float64
                np.testing.assert_array_equal(p[key], expected)
    # layer 1 reads both directions of layer 0: D = 2H = 8
    assert lnp.params_from_torch(module, layer=1)["weight_ih"].shape == (16, 8)


def test_params_from_torch_cells_and_copies() -> None:
    torch.manual_seed(1)
    cell = torch.nn.GRUCell(3, 4)
    p = lnp.params_from_torch(cell)
    np.testing.assert_array_equal(p["weight_hh"], cell.weight_hh.detach().double().numpy())
    p["weight_hh"][0, 0] = 123.0  # a copy: the module is untouched
    assert cell.weight_hh[0, 0].item() != 123.0
    assert lnp.params_from_torch(cell, dtype=np.float32)["bias_ih"].dtype == np.float32


def test_params_from_torch_without_bias_gives_zero_biases() -> None:
    module = torch.nn.RNN(3, 4, bias=False)
    p = lnp.params_from_torch(module)
    np.testing.assert_array_equal(p["bias_ih"], np.zeros(4))
    np.testing.assert_array_equal(p["bias_hh"], np.zeros(4))


def test_params_from_torch_errors() -> None:
    with pytest.raises(ValueError, match=r"layer must be in 0\.\.1 .*num_layers=2, got 2"):
        lnp.params_from_torch(torch.nn.GRU(3, 4, num_layers=2), layer=2)
    with pytest.raises(ValueError, match="reverse=True needs a bidirectional LSTM"):
        lnp.params_from_torch(torch.nn.LSTM(3, 4), reverse=True)
    with pytest.raises(ValueError, match="LSTMCell has one set of weights"):
        lnp.params_from_torch(torch.nn.LSTMCell(3, 4), layer=1)
    with pytest.raises(ValueError, match="got Linear"):
        lnp.params_from_torch(torch.nn.Linear(3, 4))
