"""Data the widgets' JavaScript receives through the registry (``spec.data``), made by code.

The vanishing-gradient widget repeats chapter 1's measurement in the browser: a tanh RNN with
``W_hh = rho * Q`` (``Q`` a random orthogonal matrix), zero biases and inputs of size 1e-4, so
the states stay in tanh's linear regime; beside it an LSTM whose biases are zero except the forget
gate's, so that its forget gates are sigmoid(b_f). The network here is smaller than the
chapter's (H = 8, one sequence instead of 16), which changes nothing the chapter shows: in the
linear regime every factor of the product is rho times an orthogonal matrix (tests/widgets checks
the widget's numbers against the chapter's, to the digits the chapter prints).
"""

from __future__ import annotations

import numpy as np

from lstmcourse.numpy import init_params

VANISH_H, VANISH_D, VANISH_MAX_T = 8, 4, 100


def vanishing_gradient_net(seed: int = 0) -> dict:
    """Arrays (as lists) the vanishing-gradient widget runs: ``Q`` (H, H), ``rnn_ih`` (H, D),
    ``lstm_ih`` (4H, D), ``lstm_hh`` (4H, H), ``xs`` (MAX_T, D), ``w`` (H,) = dL/dh_T."""
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((VANISH_H, VANISH_H)))
    xs = 1e-4 * rng.standard_normal((VANISH_MAX_T, VANISH_D))
    w = rng.standard_normal(VANISH_H)
    rnn = init_params("rnn", VANISH_D, VANISH_H, rng=1)
    lstm = init_params("lstm", VANISH_D, VANISH_H, rng=1)
    arrays = {"Q": q, "rnn_ih": rnn["weight_ih"], "lstm_ih": lstm["weight_ih"],
              "lstm_hh": lstm["weight_hh"], "xs": xs, "w": w}
    return {k: v.tolist() for k, v in arrays.items()}
