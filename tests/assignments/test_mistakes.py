"""The catalogue of mistakes: its "correct" branch equals lstmcourse.numpy, and every named
mistake really differs from the reference (or its hint could never be told apart)."""

from __future__ import annotations

import numpy as np
import pytest

import lstmcourse.numpy as ref
from lstmcourse.grading import mistakes

rng = np.random.default_rng(7)
B, D, H = 3, 4, 5
X, H0, C0 = rng.normal(size=(B, D)), rng.normal(size=(B, H)), rng.normal(size=(B, H))
DH, DC = rng.normal(size=(B, H)), rng.normal(size=(B, H))


def close(a, b) -> bool:
    return np.allclose(a, b, atol=1e-10, rtol=1e-10)


def test_rnn_backward_catalogue_matches_the_reference():
    p = ref.init_params("rnn", D, H, rng=1)
    h, cache = ref.rnn_cell(X, H0, p)
    dx, dh_prev, grads = ref.rnn_cell_backward(DH, cache)
    right = mistakes.rnn_cell_backward(DH, X, H0, h, p)
    assert close(right["dx"], dx) and close(right["dh_prev"], dh_prev)
    assert all(close(right[k], grads[k]) for k in grads)
    for m in mistakes.RNN_BACKWARD_MISTAKES:
        assert not close(mistakes.rnn_cell_backward(DH, X, H0, h, p, m)["dx"], dx), m
    assert all(not close(v, h) for v in mistakes.rnn_cell(X, H0, p).values())


def test_lstm_cell_catalogue_matches_the_reference():
    p = ref.init_params("lstm", D, H, rng=2)
    h, c, _ = ref.lstm_cell(X, H0, C0, p)
    h2, c2 = mistakes.lstm_cell_variant(X, H0, C0, p)
    assert close(h, h2) and close(c, c2)
    hs, cs = mistakes.lstm_cell_mistakes(X, H0, C0, p)
    assert set(hs) == set(mistakes.LSTM_CELL_MISTAKES)
    for m in mistakes.LSTM_CELL_MISTAKES:
        assert not close(hs[m], h), m


def test_lstm_cell_backward_catalogue_matches_the_reference():
    p = ref.init_params("lstm", D, H, rng=3)
    _, _, cache = ref.lstm_cell(X, H0, C0, p)
    dx, dh_prev, dc_prev, grads = ref.lstm_cell_backward(DH, DC, cache)
    right = mistakes.lstm_cell_backward_variant(DH, DC, X, H0, C0, p)
    for key, want in {"dx": dx, "dh_prev": dh_prev, "dc_prev": dc_prev, **grads}.items():
        assert close(right[key], want), key
    for m in mistakes.LSTM_BACKWARD_MISTAKES:
        assert not close(mistakes.lstm_cell_backward_variant(DH, DC, X, H0, C0, p, m)["dx"], dx)


def test_gru_catalogue_matches_the_reference():
    p = ref.init_params("gru", D, H, rng=4)
    h, _ = ref.gru_cell(X, H0, p)
    assert close(mistakes.gru_cell_variant(X, H0, p), h)
    for m, v in mistakes.gru_cell_mistakes(X, H0, p).items():
        assert not close(v, h), m


@pytest.mark.parametrize("T", [1, 4])
def test_sequence_catalogues_differ_from_the_reference(T):
    p = ref.init_params("lstm", D, H, rng=5)
    x, dout = rng.normal(size=(T, B, D)), rng.normal(size=(T, B, H))
    out, _, cache = ref.lstm(x, p, H0, C0)
    m_out, _, _ = mistakes.lstm_mistakes(x, p, H0, C0)
    dx, _, _, grads = ref.lstm_backward(dout, cache, DH, DC)
    m_back = mistakes.lstm_backward_mistakes(dout, x, p, H0, C0, DH, DC)
    if T > 1:  # with one step, not carrying state is no mistake at all
        assert all(not close(v, out) for v in m_out.values())
        # "=" instead of "+=" for the weight gradients leaves dx right and the sums wrong
        assign = [k for k in m_back if k.startswith("grads = ")]
        assert len(assign) == 1 and not close(m_back[assign[0]]["weight_ih"], grads["weight_ih"])
        assert all(not close(v["dx"], dx) for k, v in m_back.items() if k not in assign)
    # Leaving out dh_n and dc_n changes the gradient that reaches the initial state.
    assert not close(m_back["ignoring dh_n and dc_n"]["dh0"], ref.lstm_backward(
        dout, cache, DH, DC)[1])


def test_param_count_mistakes_all_differ():
    for D_, H_, b in ((32, 100, 2), (32, 100, 1), (3, 7, 0)):
        right = ref.lstm_param_count(D_, H_, b)
        wrong = mistakes.lstm_param_count_mistakes(D_, H_, b)
        assert right == 4 * H_ * (D_ + H_) + 4 * b * H_
        assert sum(v == right for v in wrong.values()) <= 1  # e.g. "one bias" when one was asked
