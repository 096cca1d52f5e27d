"""Bad input fails early, with a message naming the argument, the shape got and the one expected."""

from __future__ import annotations

import numpy as np
import pytest

import lstmcourse.numpy as lnp
from lstmcourse.conventions import PARAM_KEYS

T, B, D, H = 5, 2, 3, 4
P_LSTM = lnp.init_params("lstm", D, H, rng=0)
P_GRU = lnp.init_params("gru", D, H, rng=0)
P_RNN = lnp.init_params("rnn", D, H, rng=0)
X = np.zeros((T, B, D))
S = np.zeros((B, H))


def test_wrong_feature_size() -> None:
    with pytest.raises(ValueError, match=r"x has shape \(5, 2, 7\), expected \(5, 2, 3\) = "
                                         r"\(T, B, D\)"):
        lnp.lstm(np.zeros((T, B, 7)), P_LSTM)
    with pytest.raises(ValueError, match=r"x has shape \(2, 7\), expected \(2, 3\) = \(B, D\)"):
        lnp.gru_cell(np.zeros((B, 7)), S, P_GRU)


@pytest.mark.parametrize("name", ["h0", "c0"])
def test_state_with_wrong_batch_or_hidden_size(name: str) -> None:
    for bad in ((3, H), (B, 5)):
        with pytest.raises(ValueError, match=rf"{name} has shape \({bad[0]}, {bad[1]}\), "
                                             rf"expected \(2, 4\) = \(B, H\)"):
            lnp.lstm(X, P_LSTM, **{name: np.zeros(bad)})


def test_cell_states_are_checked() -> None:
    with pytest.raises(ValueError, match=r"c_prev has shape \(2, 5\), expected \(2, 4\)"):
        lnp.lstm_cell(X[0], S, np.zeros((B, 5)), P_LSTM)
    with pytest.raises(ValueError, match=r"h_prev has shape \(1, 4\), expected \(2, 4\)"):
        lnp.rnn_cell(X[0], np.zeros((1, H)), P_RNN)  # would silently broadcast otherwise


def test_rank3_input_to_a_cell() -> None:
    for call in (lambda: lnp.lstm_cell(X, S, S, P_LSTM), lambda: lnp.gru_cell(X, S, P_GRU),
                 lambda: lnp.rnn_cell(X, S, P_RNN)):
        with pytest.raises(ValueError, match=r"x must be a 2-D array of shape \(B, D\), got "
                                             r"shape \(5, 2, 3\).*whole \(T, B, D\) sequence"):
            call()


def test_rank2_input_to_a_sequence() -> None:
    with pytest.raises(ValueError, match=r"x must be a 3-D array of shape \(T, B, D\), got shape "
                                         r"\(2, 3\).*time-major"):
        lnp.gru(X[0], P_GRU)


def test_gru_params_given_to_lstm_and_back() -> None:
    with pytest.raises(ValueError, match=r"params\['weight_hh'\] has shape \(12, 4\), expected "
                                         r"\(16, 4\).*looks like gru parameters given to lstm"):
        lnp.lstm(X, P_GRU)
    with pytest.raises(ValueError, match=r"looks like lstm parameters given to gru"):
        lnp.gru_cell(X[0], S, P_LSTM)
    with pytest.raises(ValueError, match=r"looks like rnn parameters given to lstm"):
        lnp.lstm_cell(X[0], S, S, P_RNN)


def test_weight_ih_rows_must_match_weight_hh() -> None:
    params = {**P_LSTM, "weight_ih": np.zeros((12, D))}
    with pytest.raises(ValueError, match=r"params\['weight_ih'\] has shape \(12, 3\), expected "
                                         r"\(16, 3\) = \(G\*H, D\)"):
        lnp.lstm(X, params)


def test_bias_shape() -> None:
    with pytest.raises(ValueError, match=r"params\['bias_hh'\] has shape \(4,\), expected \(16,\)"):
        lnp.lstm(X, {**P_LSTM, "bias_hh": np.zeros(H)})


@pytest.mark.parametrize("missing", PARAM_KEYS)
def test_missing_parameter_is_a_key_error(missing: str) -> None:
    params = {k: v for k, v in P_LSTM.items() if k != missing}
    with pytest.raises(KeyError, match=rf"params is missing the parameter '{missing}'"):
        lnp.lstm(X, params)


def test_torch_style_names_with_layer_suffix_are_a_key_error() -> None:
    params = {k + "_l0": v for k, v in P_GRU.items()}
    with pytest.raises(KeyError, match=r"missing the parameter 'weight_ih'; it has keys "
                                       r"\['bias_hh_l0'"):
        lnp.gru(X, params)


def test_upstream_gradient_shapes() -> None:
    _, _, cache = lnp.lstm(X, P_LSTM)
    with pytest.raises(ValueError, match=r"dout has shape \(5, 2, 3\), expected \(5, 2, 4\)"):
        lnp.lstm_backward(np.zeros((T, B, D)), cache)
    with pytest.raises(ValueError, match=r"dc_n has shape \(4,\), expected \(2, 4\)"):
        lnp.lstm_backward(np.zeros((T, B, H)), cache, dc_n=np.zeros(H))
    _, _, cell_cache = lnp.lstm_cell(X[0], S, S, P_LSTM)
    with pytest.raises(ValueError, match=r"dh has shape \(1, 4\), expected \(2, 4\)"):
        lnp.lstm_cell_backward(np.zeros((1, H)), S, cell_cache)


def test_other_bad_arguments() -> None:
    with pytest.raises(ValueError, match="nonlinearity must be 'tanh' or 'relu', got 'sigmoid'"):
        lnp.rnn(X, P_RNN, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match=r"x has shape \(0, 2, 3\): a sequence needs at least"):
        lnp.rnn(np.zeros((0, B, D)), P_RNN)
    with pytest.raises(ValueError, match="params must be a dict"):
        lnp.lstm(X, [P_LSTM])


def test_bidirectional_errors() -> None:
    with pytest.raises(ValueError, match=r"h0 must be a 3-D array of shape \(2, B, H\).*got "
                                         r"shape \(2, 4\)"):
        lnp.bidirectional(lnp.lstm, X, P_LSTM, P_LSTM, h0=S)
    with pytest.raises(ValueError, match=r"c0 has shape \(1, 2, 4\), expected \(2, 2, 4\)"):
        lnp.bidirectional(lnp.lstm, X, P_LSTM, P_LSTM, c0=np.zeros((1, B, H)))
    with pytest.raises(ValueError, match=r"unexpected keyword\(s\) \['c0'\] for gru"):
        lnp.bidirectional(lnp.gru, X, P_GRU, P_GRU, c0=np.zeros((2, B, H)))
    with pytest.raises(ValueError, match="layer must be lstmcourse.numpy's rnn, lstm or gru"):
        lnp.bidirectional(lnp.lstm_cell, X, P_LSTM, P_LSTM)
    _, _, cache = lnp.bidirectional(lnp.lstm, X, P_LSTM, P_LSTM)
    with pytest.raises(ValueError, match=r"dout has shape \(5, 2, 4\), expected \(5, 2, 8\)"):
        lnp.bidirectional_backward(np.zeros((T, B, H)), cache)
    _, _, gru_cache = lnp.bidirectional(lnp.gru, X, P_GRU, P_GRU)
    with pytest.raises(ValueError, match="dc_n is only for lstm; this cache comes from gru"):
        lnp.bidirectional_backward(np.zeros((T, B, 2 * H)), gru_cache, dc_n=np.zeros((2, B, H)))


def test_numerical_gradient_needs_float64_array() -> None:
    with pytest.raises(ValueError, match="x has dtype float32; numerical gradients need float64"):
        lnp.numerical_gradient(lambda v: v, np.zeros(3, np.float32), np.ones(3))
    with pytest.raises(ValueError, match=r"df has shape \(2,\), expected \(3,\)"):
        lnp.numerical_gradient(lambda v: v, np.zeros(3), np.ones(2))


@pytest.mark.parametrize(("layer", "params"), [(lnp.rnn, P_RNN), (lnp.lstm, P_LSTM),
                                               (lnp.gru, P_GRU)])
def test_empty_sequence_is_refused(layer, params) -> None:
    with pytest.raises(ValueError, match=r"x has shape \(0, 2, 3\): a sequence needs at least one"):
        layer(np.zeros((0, B, D)), params)
