"""The sequence functions are a loop over the cells: they give what ``*_cell`` gives step by step.

``lstm``/``gru``/``rnn`` call the cells (with column-major weights, see ``check_params``) and
their backward functions call ``*_cell_backward``; these tests tie them to a loop of our own,
forward and backward, and check the caches.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy_test_helpers import assert_close

import lstmcourse.numpy as lnp
from lstmcourse.conventions import GATES

T, B, D, H = 6, 3, 4, 5
EXACT = 1e-12  # same math, different order of floating-point operations


def _data(kind: str, seed: int = 0):
    rng = np.random.default_rng(seed)
    params = lnp.init_params(kind, D, H, rng=rng)
    x = rng.standard_normal((T, B, D))
    h0, c0 = rng.standard_normal((B, H)), rng.standard_normal((B, H))
    dout, dh_n, dc_n = (rng.standard_normal(s) for s in ((T, B, H), (B, H), (B, H)))
    return params, x, h0, c0, dout, dh_n, dc_n


def _sum_grads(total: dict | None, grads: dict) -> dict:
    return dict(grads) if total is None else {k: total[k] + grads[k] for k in total}


def test_lstm_sequence_equals_cell_loop() -> None:
    params, x, h0, c0, dout, dh_n, dc_n = _data("lstm")
    out, (h_n, c_n), cache = lnp.lstm(x, params, h0, c0)

    h, c, caches = h0, c0, []
    for t in range(T):
        h, c, step = lnp.lstm_cell(x[t], h, c, params)
        caches.append(step)
        assert_close(out[t], h, f"out[{t}]", EXACT)
        for gate in GATES["lstm"]:
            assert_close(cache[gate][t], step[gate], f"gate {gate} at t={t}", EXACT)
            assert_close(cache.steps[t].gates[gate], step.gates[gate], f"steps[{t}]", EXACT)
    assert_close(h_n, h, "h_n", EXACT)
    assert_close(c_n, c, "c_n", EXACT)

    dx, dh0, dc0, grads = lnp.lstm_backward(dout, cache, dh_n, dc_n)
    dh, dc, total = dh_n, dc_n, None
    for t in reversed(range(T)):
        dx_t, dh, dc, g = lnp.lstm_cell_backward(dout[t] + dh, dc, caches[t])
        assert_close(dx[t], dx_t, f"dx[{t}]", EXACT)
        total = _sum_grads(total, g)
    assert_close(dh0, dh, "dh0", EXACT)
    assert_close(dc0, dc, "dc0", EXACT)
    for key, value in total.items():
        assert_close(grads[key], value, key, EXACT)


def test_gru_sequence_equals_cell_loop() -> None:
    params, x, h0, _, dout, dh_n, _ = _data("gru", 1)
    out, h_n, cache = lnp.gru(x, params, h0)
    h, caches = h0, []
    for t in range(T):
        h, step = lnp.gru_cell(x[t], h, params)
        caches.append(step)
        assert_close(out[t], h, f"out[{t}]", EXACT)
        for gate in GATES["gru"]:
            assert_close(cache[gate][t], step[gate], f"gate {gate} at t={t}", EXACT)
    assert_close(h_n, h, "h_n", EXACT)

    dx, dh0, grads = lnp.gru_backward(dout, cache, dh_n)
    dh, total = dh_n, None
    for t in reversed(range(T)):
        dx_t, dh, g = lnp.gru_cell_backward(dout[t] + dh, caches[t])
        assert_close(dx[t], dx_t, f"dx[{t}]", EXACT)
        total = _sum_grads(total, g)
    assert_close(dh0, dh, "dh0", EXACT)
    for key, value in total.items():
        assert_close(grads[key], value, key, EXACT)


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_rnn_sequence_equals_cell_loop(nonlinearity: str) -> None:
    params, x, h0, _, dout, dh_n, _ = _data("rnn", 2)
    out, h_n, cache = lnp.rnn(x, params, h0, nonlinearity=nonlinearity)
    h, caches = h0, []
    for t in range(T):
        h, step = lnp.rnn_cell(x[t], h, params, nonlinearity=nonlinearity)
        caches.append(step)
        assert_close(out[t], h, f"out[{t}]", EXACT)
    assert_close(h_n, h, "h_n", EXACT)
    assert_close(cache["h"], out, "cache['h']", EXACT)

    dx, dh0, grads = lnp.rnn_backward(dout, cache, dh_n)
    dh, total = dh_n, None
    for t in reversed(range(T)):
        dx_t, dh, g = lnp.rnn_cell_backward(dout[t] + dh, caches[t])
        assert_close(dx[t], dx_t, f"dx[{t}]", EXACT)
        total = _sum_grads(total, g)
    assert_close(dh0, dh, "dh0", EXACT)
    for key, value in total.items():
        assert_close(grads[key], value, key, EXACT)


def test_per_step_caches_feed_the_cell_backward() -> None:
    """cache.steps[t] is a working LSTMCellCache: the cell backward accepts it."""
    params, x, h0, c0, dout, _, dc_n = _data("lstm", 3)
    _, _, cache = lnp.lstm(x, params, h0, c0)
    _, _, step = lnp.lstm_cell(x[-1], cache.out[-2], cache.c[-2], params)
    expected = lnp.lstm_cell_backward(dout[-1], dc_n, step)
    got = lnp.lstm_cell_backward(dout[-1], dc_n, cache.steps[-1])
    for a, b in zip(got[:3], expected[:3], strict=True):
        assert_close(a, b, "cell backward from cache.steps[-1]", EXACT)
    assert len(cache.steps) == T


def test_caches_expose_gates_by_name() -> None:
    params, x, h0, c0, *_ = _data("lstm")
    _, _, cell = lnp.lstm_cell(x[0], h0, c0, params)
    assert set(cell.gates) == {"i", "f", "g", "o"}
    assert cell["f"] is cell.gates["f"]
    assert cell["f"].shape == (B, H)
    _, _, seq = lnp.lstm(x, params)
    assert seq["f"].shape == (T, B, H)
    # gates are probabilities (sigmoid) or in (-1, 1) (tanh)
    assert np.all((seq["i"] > 0) & (seq["i"] < 1)) and np.all(np.abs(seq["g"]) < 1)
    _, _, gcache = lnp.gru(x, lnp.init_params("gru", D, H, rng=0))
    assert set(gcache.gates) == {"r", "z", "n"} and gcache["z"].shape == (T, B, H)
    with pytest.raises(KeyError, match="no gate 'q'.*'i', 'f', 'g', 'o'"):
        seq["q"]


def test_bidirectional_gates_are_in_input_time_order() -> None:
    p_f = lnp.init_params("lstm", D, H, rng=0)
    p_b = lnp.init_params("lstm", D, H, rng=1)
    x = np.random.default_rng(2).standard_normal((T, B, D))
    out, (h_n, c_n), cache = lnp.bidirectional(lnp.lstm, x, p_f, p_b)
    assert out.shape == (T, B, 2 * H) and h_n.shape == (2, B, H) and c_n.shape == (2, B, H)
    assert cache["f"].shape == (2, T, B, H)
    # backward direction = forward function on reversed time, with its own weights
    out_b, (hb, _), cache_b = lnp.lstm(x[::-1], p_b)
    assert_close(cache["f"][1], cache_b["f"][::-1], "backward-direction forget gate", EXACT)
    assert_close(out[:, :, H:], out_b[::-1], "backward half of out", EXACT)
    assert_close(h_n[1], hb, "backward h_n", EXACT)
    assert_close(out[-1, :, :H], h_n[0], "forward h_n is the last forward output", EXACT)
    assert_close(out[0, :, H:], h_n[1], "backward h_n is the first backward output", EXACT)


@pytest.mark.parametrize("order", ["C", "F"])
def test_sequence_does_not_modify_its_inputs(order: str) -> None:
    params, x, h0, c0, dout, dh_n, dc_n = _data("lstm")
    params = {k: np.asarray(v, order=order) for k, v in params.items()}  # F: W.T is C-contiguous
    copies = [a.copy() for a in (x, h0, c0, dout, dh_n, dc_n, *params.values())]
    _, _, cache = lnp.lstm(x, params, h0, c0)
    lnp.lstm_backward(dout, cache, dh_n, dc_n)
    for a, b in zip((x, h0, c0, dout, dh_n, dc_n, *params.values()), copies, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("kind", ["rnn", "gru"])
def test_rnn_and_gru_per_step_caches(kind: str) -> None:
    params, x, h0, _, dout, dh_n, _ = _data(kind, 4)
    layer = {"rnn": lnp.rnn, "gru": lnp.gru}[kind]
    cell = {"rnn": lnp.rnn_cell, "gru": lnp.gru_cell}[kind]
    cell_backward = {"rnn": lnp.rnn_cell_backward, "gru": lnp.gru_cell_backward}[kind]
    out, _, cache = layer(x, params, h0)
    assert len(cache.steps) == T
    t = T // 2
    _, step = cell(x[t], out[t - 1], params)
    for got, expected in zip(cell_backward(dout[t], cache.steps[t]),
                             cell_backward(dout[t], step), strict=True):
        if isinstance(got, dict):
            for key in got:
                assert_close(got[key], expected[key], key, EXACT)
        else:
            assert_close(got, expected, f"{kind} cell backward from cache.steps[{t}]", EXACT)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_sequences_call_their_cell_once_per_step(kind: str, monkeypatch) -> None:
    """The sequence functions are what the book teaches: T calls of *_cell (with
    ``check=False``: the sequence has checked everything once) and T of *_cell_backward."""
    import importlib

    module = importlib.import_module(f"lstmcourse.numpy.{kind}")
    calls = {"cell": [], "backward": []}
    cell, cell_backward = getattr(module, f"{kind}_cell"), getattr(module, f"{kind}_cell_backward")

    def counting_cell(*args, **kwargs):
        calls["cell"].append(kwargs.get("check", True))
        return cell(*args, **kwargs)

    def counting_backward(*args, **kwargs):
        calls["backward"].append(kwargs)
        return cell_backward(*args, **kwargs)

    monkeypatch.setattr(module, f"{kind}_cell", counting_cell)
    monkeypatch.setattr(module, f"{kind}_cell_backward", counting_backward)
    params, x, *_, dout, _, _ = _data(kind, 5)
    out, _, cache = getattr(module, kind)(x, params)
    getattr(module, f"{kind}_backward")(dout, cache)
    assert calls["cell"] == [False] * T
    assert calls["backward"] == [{}] * T


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_unchecked_cell_computes_what_the_checked_one_does(kind: str) -> None:
    """``check=False`` skips only the checks: same outputs and cache, on the column-major
    parameters the sequence functions pass."""
    from lstmcourse.numpy._checks import check_params

    params, x, h0, c0, *_ = _data(kind, 6)
    cell = getattr(lnp, f"{kind}_cell")
    states = (h0, c0) if kind == "lstm" else (h0,)
    checked = cell(x[0], *states, params)
    unchecked = cell(x[0], *states, check_params(params, kind, column_major=True), check=False)
    for a, b in zip(checked[:-1], unchecked[:-1], strict=True):
        assert_close(b, a, f"{kind} cell output, check=False", EXACT)
    for gate in GATES[kind]:
        assert_close(unchecked[-1][gate], checked[-1][gate], f"{kind} gate {gate}", EXACT)
