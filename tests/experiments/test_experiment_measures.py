"""The measuring functions agree with torch autograd / torch.nn computed independently."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lstmcourse import tasks
from lstmcourse.experiments.forget_gates import forget_values
from lstmcourse.experiments.gradients import (
    FLOOR,
    orders_lost,
    state_gradient_by_lag,
    state_gradients,
)
from lstmcourse.experiments.models import SequenceClassifier
from lstmcourse.experiments.tanh_sigmoid import gradient_by_lag
from lstmcourse.numpy import init_params


def test_tanh_gradient_by_lag_matches_autograd():
    steps, n, d, h, seed = 12, 5, 3, 6, 7
    got = gradient_by_lag("tanh", 2.0, hidden=h, input=d, steps=steps, n=n, seed=seed)
    # same draws, same order, as the function under test
    rng = np.random.default_rng(seed)
    p = {k: torch.tensor(v) for k, v in init_params("rnn", d, h, rng=rng).items()}
    x = torch.tensor(rng.standard_normal((steps, n, d)))
    v = rng.standard_normal((n, h))
    v = torch.tensor(v / np.linalg.norm(v, axis=1, keepdims=True))
    states = [torch.zeros(n, h, dtype=torch.float64, requires_grad=True)]
    for t in range(steps):
        a = x[t] @ p["weight_ih"].T + p["bias_ih"] + states[-1] @ (2.0 * p["weight_hh"]).T \
            + p["bias_hh"]
        states.append(torch.tanh(a))
        states[-1].retain_grad()
    (v * states[-1]).sum().backward()
    want = [states[steps - k].grad.norm(dim=1).mean().item() for k in range(steps + 1)]
    np.testing.assert_allclose(got, want, rtol=1e-10)


def test_forget_values_match_torch_gates():
    torch.manual_seed(0)
    model = SequenceClassifier("lstm", 5, 2, vocab_size=11, embed_size=4)
    x = torch.randint(0, 11, (7, 3))
    got = forget_values(model, x)
    ref = torch.nn.LSTM(4, 5)
    ref.load_state_dict(model.rnn.state_dict())
    with torch.no_grad():
        e = model.embed(x)
        out, _ = ref(e)
        h_prev = torch.cat([torch.zeros(1, 3, 5), out[:-1]])
        w_ih, w_hh = ref.weight_ih_l0[5:10], ref.weight_hh_l0[5:10]   # rows of the f block
        b = ref.bias_ih_l0[5:10] + ref.bias_hh_l0[5:10]
        f = torch.sigmoid(e @ w_ih.T + h_prev @ w_hh.T + b)
    np.testing.assert_allclose(got, f.numpy().ravel(), rtol=1e-5, atol=1e-6)


def test_state_gradients_of_an_rnn_match_a_jacobian_product():
    torch.manual_seed(1)
    model = SequenceClassifier("rnn", 4, 2, vocab_size=9, embed_size=3).double()
    x = torch.randint(0, 9, (6, 1))
    y = torch.tensor([1])
    g = state_gradients(model, x, y)["state"]
    # by hand: d(margin)/dh_T = w_1 - w_0 (class 1 is true), then one Jacobian per step back
    with torch.no_grad():
        out, _ = model.rnn(model.embed(x))
        w = model.head.weight
        grad = (w[1] - w[0]).clone()
        want = [grad.norm().item()]
        for t in range(5, 0, -1):
            grad = (grad * (1 - out[t, 0] ** 2)) @ model.rnn.weight_hh_l0
            want.append(grad.norm().item())
    np.testing.assert_allclose(g[::-1], want, rtol=1e-8)


def test_float64_measurement_does_not_underflow_where_float32_does():
    # issue 10: a gradient that shrinks ~1e-2 per step is 0 in float32 long before 40 steps,
    # and "orders lost" became inf. The experiment measures on a float64 copy instead.
    torch.manual_seed(2)
    model = SequenceClassifier("rnn", 4, 2, vocab_size=len(tasks.AGREEMENT_VOCAB), embed_size=3)
    with torch.no_grad():
        model.rnn.weight_hh_l0.mul_(0.1)
    data = tasks.agreement(8, 40, seed=0)                   # T = 43
    g32 = state_gradients(model, data.x, data.y)["state"][::-1]     # by lag
    g64 = state_gradient_by_lag(model, data)
    assert (g32 == 0).any() and (g64 > 0).all()
    assert model.rnn.weight_hh_l0.dtype == torch.float32    # measured on a copy
    # where float32 is far from its limits the two agree; near them (here from ~1e-20 on,
    # where single components of the gradient are already denormal) float32 drifts first
    normal = g32 > 1e-15
    np.testing.assert_allclose(g32[normal], g64[normal], rtol=1e-4)
    lost = orders_lost(g64, 41)
    assert np.isfinite(lost) and 40 < lost < 300


def test_a_gradient_of_exactly_zero_counts_at_the_floor():
    g = np.array([2.0, 1e-3, 0.0])
    assert orders_lost(g, 2) == pytest.approx(-3 - np.log10(FLOOR))   # "at least" ~305 orders
    assert orders_lost(np.array([1.0, 0.0, 0.0]), 2) == 0.0
