"""The widgets' JavaScript math agrees with lstmcourse.numpy to 1e-9 (run in Node or Chromium).

Every expected value here comes from lstmcourse.numpy (the reference), called on fixtures drawn
with NumPy; the JavaScript receives the same fixtures as JSON.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from widgets_js import run_js

from lstmcourse import numpy as ln
from lstmcourse.conventions import GATES
from lstmcourse.widgets.registry import STATIC
from lstmcourse.widgets.widget_data import vanishing_gradient_net

# Measured spread: every comparison in this file agrees to 1e-14 (the largest, the RNN gradient
# norms, lies between 1e-15 and 1e-14), with NumPy's OpenBLAS on its AVX-512 kernels and on its
# SSE ones (OPENBLAS_CORETYPE=Nehalem) alike; the JavaScript side runs V8, whose Math functions
# are ports of fdlibm and give the same bits on every CPU. 1e-9 leaves five orders of magnitude
# for other BLAS and libm builds; a wrong formula shows far above it.
TOL = 1e-9


def as_js(params: dict) -> dict:
    """Parameter arrays as nested lists (matrices as rows)."""
    return {k: np.asarray(v).tolist() for k, v in params.items()}


def logit(p: np.ndarray) -> np.ndarray:
    return np.log(p) - np.log1p(-p)


def test_activations_match_reference_including_huge_inputs():
    x = np.concatenate([np.linspace(-8, 8, 161), [-1000.0, -30.0, 30.0, 1000.0, 0.0]])
    got = run_js(
        "return fx.map(function (x) { return [M.sigmoid(x), M.tanh(x), M.sigmoidGrad(x), "
        "M.tanhGrad(x)]; });", x.tolist())
    got = np.array(got)
    assert np.all(np.isfinite(got))
    for col, fn in enumerate((ln.sigmoid, ln.tanh, ln.sigmoid_grad, ln.tanh_grad)):
        np.testing.assert_allclose(got[:, col], fn(x), rtol=0, atol=TOL)


def test_gate_step_matches_lstm_cell_with_those_gates():
    # A one-unit LSTM cell whose pre-activations are the logits of the chosen gate values
    # (x = 1, W_hh = 0) produces exactly those gates; lstm_cell then gives c and h.
    rng = np.random.default_rng(0)
    n = 40
    f, i, o = rng.uniform(0.01, 0.99, (3, n))
    g = rng.uniform(-0.99, 0.99, n)
    c_prev = rng.uniform(-2, 2, n)
    got = run_js(
        "return fx.map(function (a) { var r = M.gateStep(a[0], a[1], a[2], a[3], a[4]);"
        " return [r.c, r.h, r.keep, r.write]; });",
        np.stack([f, i, g, o, c_prev], 1).tolist())
    for k in range(n):
        params = {"weight_ih": np.array([[logit(i[k])], [logit(f[k])], [np.arctanh(g[k])],
                                         [logit(o[k])]]),
                  "weight_hh": np.zeros((4, 1)), "bias_ih": np.zeros(4), "bias_hh": np.zeros(4)}
        h, c, cache = ln.lstm_cell(np.ones((1, 1)), np.zeros((1, 1)), np.array([[c_prev[k]]]),
                                   params)
        assert abs(got[k][0] - c[0, 0]) < TOL
        assert abs(got[k][1] - h[0, 0]) < TOL
        assert abs(got[k][2] - cache["f"][0, 0] * c_prev[k]) < TOL
        assert abs(got[k][3] - cache["i"][0, 0] * cache["g"][0, 0]) < TOL


def test_gru_gate_step_matches_gru_cell_with_those_gates():
    rng = np.random.default_rng(1)
    n = 40
    r, z = rng.uniform(0.01, 0.99, (2, n))
    n_x, w_hn = rng.uniform(-2, 2, (2, n))
    h_prev = rng.uniform(-1, 1, n)
    got = run_js(
        "return fx.map(function (a) { var s = M.gruGateStep(a[0], a[1], a[2], a[3], a[4]);"
        " return [s.n, s.h, s.keep, s.write, s.rh]; });",
        np.stack([r, z, n_x, w_hn, h_prev], 1).tolist())
    for k in range(n):
        # x = 1: W_ir x = logit(r), W_iz x = logit(z), W_in x = n_x; W_hn = w_hn, b_hn = 0.
        params = {"weight_ih": np.array([[logit(r[k])], [logit(z[k])], [n_x[k]]]),
                  "weight_hh": np.array([[0.0], [0.0], [w_hn[k]]]),
                  "bias_ih": np.zeros(3), "bias_hh": np.zeros(3)}
        h, cache = ln.gru_cell(np.ones((1, 1)), np.array([[h_prev[k]]]), params)
        assert abs(got[k][0] - cache["n"][0, 0]) < TOL
        assert abs(got[k][1] - h[0, 0]) < TOL
        # h = (1 - z) n + z h_prev: the two parts the diagram prints on its wires.
        assert abs(got[k][2] - cache["z"][0, 0] * h_prev[k]) < TOL
        assert abs(got[k][3] - (1 - cache["z"][0, 0]) * cache["n"][0, 0]) < TOL
        # r (W_hn h_prev + b_hn), the reset part of the candidate (b_hn = 0 here).
        assert abs(got[k][4] - cache["r"][0, 0] * w_hn[k] * h_prev[k]) < TOL


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_full_cells_match_reference(seed):
    rng = np.random.default_rng(seed)
    D, H = 3, 5
    p_rnn, p_lstm, p_gru = (ln.init_params(c, D, H, rng=rng) for c in ("rnn", "lstm", "gru"))
    x, h, c = rng.normal(size=D), rng.normal(size=H), rng.normal(size=H)
    fx = {"x": x.tolist(), "h": h.tolist(), "c": c.tolist(),
          "rnn": as_js(p_rnn), "lstm": as_js(p_lstm), "gru": as_js(p_gru)}
    got = run_js(
        "var l = M.lstmCell(fx.x, fx.h, fx.c, fx.lstm), g = M.gruCell(fx.x, fx.h, fx.gru);"
        "return {rnn: M.rnnCell(fx.x, fx.h, fx.rnn).h, lstm_h: l.h, lstm_c: l.c,"
        " gates: [l.i, l.f, l.g, l.o], gru_h: g.h, gru_gates: [g.r, g.z, g.n]};", fx)
    X, Hs, Cs = x[None], h[None], c[None]
    np.testing.assert_allclose(got["rnn"], ln.rnn_cell(X, Hs, p_rnn)[0][0], atol=TOL, rtol=0)
    h1, c1, cache = ln.lstm_cell(X, Hs, Cs, p_lstm)
    np.testing.assert_allclose(got["lstm_h"], h1[0], atol=TOL, rtol=0)
    np.testing.assert_allclose(got["lstm_c"], c1[0], atol=TOL, rtol=0)
    for k, name in enumerate(GATES["lstm"]):
        np.testing.assert_allclose(got["gates"][k], cache[name][0], atol=TOL, rtol=0)
    h2, gcache = ln.gru_cell(X, Hs, p_gru)
    np.testing.assert_allclose(got["gru_h"], h2[0], atol=TOL, rtol=0)
    for k, name in enumerate(GATES["gru"]):
        np.testing.assert_allclose(got["gru_gates"][k], gcache[name][0], atol=TOL, rtol=0)


def test_rnn_gradient_norms_match_rnn_backward_at_every_lag():
    rng = np.random.default_rng(3)
    T, D, H = 12, 3, 4
    p = ln.init_params("rnn", D, H, rng=rng)
    p["weight_hh"] = p["weight_hh"] * 3.0            # large enough to make the norms move
    xs, h0, dh_T = rng.normal(size=(T, D)), rng.normal(size=H), rng.normal(size=H)
    got = run_js("return M.rnnGradNorms(fx.xs, fx.p, fx.h0, fx.dhT);",
                 {"xs": xs.tolist(), "p": as_js(p), "h0": h0.tolist(), "dhT": dh_T.tolist()})
    out, _, _ = ln.rnn(xs[:, None], p, h0=h0[None])
    states = np.concatenate([h0[None], out[:, 0]])   # h_0 .. h_T
    assert len(got) == T + 1
    for k in range(T + 1):
        t = T - k
        if k == 0:
            expected = np.linalg.norm(dh_T)
        else:   # dL/dh_t: backpropagate through the steps after t only, starting from h_t
            _, _, cache = ln.rnn(xs[t:, None], p, h0=states[t][None])
            _, dh_t, _ = ln.rnn_backward(np.zeros((k, 1, H)), cache, dh_n=dh_T[None])
            expected = np.linalg.norm(dh_t)
        assert abs(got[k] - expected) < TOL * max(1.0, expected)


@pytest.mark.parametrize("scale,T,forget_bias", [(1.0, 60, 3.0), (0.7, 25, 0.0), (1.3, 90, 6.5)])
def test_vanishing_curves_match_rnn_backward_and_lstm_forget_gates(scale, T, forget_bias):
    net = vanishing_gradient_net()
    got = run_js("return M.vanishingCurves(fx.net, fx.scale, fx.b, fx.T);",
                 {"net": net, "scale": scale, "b": forget_bias, "T": T})
    xs, w = np.array(net["xs"][:T])[:, None], np.array(net["w"])[None]
    H = len(net["w"])
    p = {"weight_ih": np.array(net["rnn_ih"]), "weight_hh": scale * np.array(net["Q"]),
         "bias_ih": np.zeros(H), "bias_hh": np.zeros(H)}
    out, _, _ = ln.rnn(xs, p)
    states = np.concatenate([np.zeros((1, 1, H)), out])      # h_0 .. h_T
    for lag in sorted({1, T // 2, T - 1}):                   # dL/dh_{T-lag} via the suffix
        _, _, cache = ln.rnn(xs[T - lag:], p, h0=states[T - lag])
        _, dh, _ = ln.rnn_backward(np.zeros((lag, 1, H)), cache, dh_n=w)
        expected = np.linalg.norm(dh) / np.linalg.norm(w)
        assert abs(got["rnn"][lag] - expected) < TOL * max(1.0, expected)
    q = {"weight_ih": np.array(net["lstm_ih"]), "weight_hh": np.array(net["lstm_hh"]),
         "bias_ih": np.r_[np.zeros(H), np.full(H, forget_bias), np.zeros(2 * H)],
         "bias_hh": np.zeros(4 * H)}
    _, _, cache = ln.lstm(xs, q)
    products = np.cumprod(cache["f"][::-1, 0], axis=0)       # [k] = f_T * ... * f_{T-k}
    expected = np.r_[1.0, np.linalg.norm(w * products[:-1], axis=1) / np.linalg.norm(w)]
    np.testing.assert_allclose(got["lstm"], expected, atol=TOL, rtol=0)
    assert len(got["rnn"]) == len(got["lstm"]) == T


@pytest.mark.parametrize("f,steps,w", [(0.9, 30, 0.8), (0.5, 7, 1.3), (0.99, 100, 1.05)])
def test_conveyor_and_scalar_rnn_match_lstm_and_rnn_backward(f, steps, w):
    got = run_js("var b = M.conveyor(fx[0], fx[1], 1.0);"
                 "return {c: b.c, dc: b.dcT_dc0, dh: M.scalarRnnGrad(fx[2], fx[1], 0.0),"
                 " dh_h0: M.scalarRnnGrad(fx[2], fx[1], 0.5)};", [f, steps, w])
    # One-unit LSTM, gates independent of x and h: i ~ 0 (bias -50), f = f, g = tanh(0) = 0.
    p = {"weight_ih": np.zeros((4, 1)), "weight_hh": np.zeros((4, 1)),
         "bias_ih": np.array([-50.0, logit(f), 0.0, 0.0]), "bias_hh": np.zeros(4)}
    x = np.zeros((steps, 1, 1))
    c = [1.0]
    h_t, c_t = np.zeros((1, 1)), np.ones((1, 1))
    for t in range(steps):
        h_t, c_t, _ = ln.lstm_cell(x[t], h_t, c_t, p)
        c.append(c_t[0, 0])
    np.testing.assert_allclose(got["c"], c, atol=TOL, rtol=0)
    _, _, cache = ln.lstm(x, p, c0=np.ones((1, 1)))
    _, _, dc0, _ = ln.lstm_backward(np.zeros_like(x), cache, dc_n=np.ones((1, 1)))
    assert abs(got["dc"] - dc0[0, 0]) < TOL
    q = {"weight_ih": np.zeros((1, 1)), "weight_hh": np.array([[w]]), "bias_ih": np.zeros(1),
         "bias_hh": np.zeros(1)}
    for key, h0 in (("dh", 0.0), ("dh_h0", 0.5)):
        _, _, rcache = ln.rnn(x, q, h0=np.array([[h0]]))
        _, dh0, _ = ln.rnn_backward(np.zeros_like(x), rcache, dh_n=np.ones((1, 1)))
        assert abs(got[key] - dh0[0, 0]) < TOL * max(1.0, abs(dh0[0, 0]))


def test_bidirectional_lstm_matches_reference():
    rng = np.random.default_rng(5)
    T, D, H = 7, 4, 3
    pf, pb = ln.init_params("lstm", D, H, rng=rng), ln.init_params("lstm", D, H, rng=rng)
    xs = rng.normal(size=(T, D))
    got = run_js("return M.bidirectionalLstm(fx.xs, fx.pf, fx.pb);",
                 {"xs": xs.tolist(), "pf": as_js(pf), "pb": as_js(pb)})
    out, _, _ = ln.bidirectional(ln.lstm, xs[:, None], pf, pb)
    np.testing.assert_allclose(got["out"], out[:, 0], atol=TOL, rtol=0)
    np.testing.assert_allclose(got["fwd"], out[:, 0, :H], atol=TOL, rtol=0)
    np.testing.assert_allclose(got["bwd"], out[:, 0, H:], atol=TOL, rtol=0)


@pytest.mark.parametrize("name", ["bilstm", "lstm"])
def test_trained_per_step_classifier_matches_reference(name):
    model = json.loads((STATIC / "bidirectional-model.json").read_text())["models"][name]
    ids = np.random.default_rng(6).integers(0, len(model["embed"]), size=17)
    got = run_js("return M.perStepClassifier(fx.m, fx.ids).probs;",
                 {"m": model, "ids": ids.tolist()})
    x = np.array(model["embed"])[ids][:, None]                # (T, 1, E)
    fwd = {k: np.array(v) for k, v in model["fwd"].items()}
    if "bwd" in model:
        bwd = {k: np.array(v) for k, v in model["bwd"].items()}
        out, _, _ = ln.bidirectional(ln.lstm, x, fwd, bwd)
    else:
        out, _, _ = ln.lstm(x, fwd)
    logits = out[:, 0] @ np.array(model["head"]["weight"]).T + model["head"]["bias"]
    probs = np.exp(logits - logits.max(1, keepdims=True))
    np.testing.assert_allclose(got, probs / probs.sum(1, keepdims=True), atol=TOL, rtol=0)
