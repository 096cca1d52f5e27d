"""The Jupyter widget classes: construct, sync traits, recompute, agree with lstmcourse.numpy and
with the JavaScript the page runs; the Python mirror of the widgets' networks is bit-exact."""

from __future__ import annotations

import json
import shutil
import subprocess

import numpy as np
import pytest
import traitlets
from widgets_js import js_defaults, run_js

from lstmcourse import numpy as ln
from lstmcourse.widgets import (
    CLASSES,
    WIDGETS,
    Activations,
    Bidirectional,
    ConveyorBelt,
    GatePlayground,
    GRUGates,
    VanishingGradient,
    _nets,
)
from lstmcourse.widgets._assets import esm_source

TOL = 1e-9


def logit(p: float) -> float:
    return float(np.log(p) - np.log1p(-p))


def test_one_class_per_widget_and_each_constructs():
    assert set(CLASSES) == set(WIDGETS)
    for name, cls in CLASSES.items():
        w = cls()
        state = w.get_state()
        assert f"globalThis.LSTMCourseWidgets[{name!r}]" in state["_esm"]
        for trait in cls.inputs:
            assert trait in state, f"{name}: input {trait} is not synced"


def test_python_defaults_equal_the_javascript_defaults():
    js = js_defaults()
    for name, cls in CLASSES.items():
        w = cls()
        assert set(js[name]) == set(cls.inputs), name
        for trait, value in js[name].items():
            assert getattr(w, trait) == value, f"{name}.{trait}"


def test_esm_is_a_loadable_es_module_exporting_render(tmp_path):
    node = shutil.which("node")
    for name in WIDGETS:
        path = tmp_path / f"{name}.mjs"
        path.write_text(esm_source(name))
        if node:
            code = ("import(process.argv[1]).then(m => process.stdout.write(JSON.stringify("
                    "[typeof m.default.render, Object.keys(m.default.defaults)])))")
            out = subprocess.run([node, "-e", code, path.as_uri()], capture_output=True,
                                 text=True, timeout=60)
            assert out.returncode == 0, out.stderr
            kind, keys = json.loads(out.stdout)
        else:   # no Node: the module must at least end with its export
            kind, keys = "function", list(CLASSES[name].inputs)
            assert esm_source(name).rstrip().endswith(f"LSTMCourseWidgets[{name!r}];")
        assert kind == "function"
        assert keys == list(CLASSES[name].inputs)


def test_gate_playground_recomputes_on_trait_change_and_matches_lstm_cell():
    w = GatePlayground()
    for values in ({"f": 0.3}, {"i": 0.9, "g": -0.4}, {"o": 0.15, "c_prev": -1.7}):
        for k, v in values.items():
            setattr(w, k, v)
        p = {"weight_ih": np.array([[logit(w.i)], [logit(w.f)], [np.arctanh(w.g)],
                                    [logit(w.o)]]),
             "weight_hh": np.zeros((4, 1)), "bias_ih": np.zeros(4), "bias_hh": np.zeros(4)}
        h, c, _ = ln.lstm_cell(np.ones((1, 1)), np.zeros((1, 1)), np.array([[w.c_prev]]), p)
        assert abs(w.c - c[0, 0]) < TOL
        assert abs(w.h - h[0, 0]) < TOL


def test_a_front_end_message_updates_the_trait_and_the_result():
    # ipywidgets applies a state message from the browser with set_state().
    w = GatePlayground()
    w.set_state({"f": 0.25, "c_prev": 2.0})
    assert w.f == 0.25 and w.c_prev == 2.0
    assert abs(w.c - (0.25 * 2.0 + w.i * w.g)) < TOL


def test_results_are_read_only_and_inputs_are_range_checked():
    w = GatePlayground()
    with pytest.raises(traitlets.TraitError):
        w.c = 3.0
    with pytest.raises(traitlets.TraitError):
        w.f = 1.5
    with pytest.raises(traitlets.TraitError):
        ConveyorBelt(steps=0)


def test_activations_match_reference():
    w = Activations(x=-2.5)
    x = np.array(-2.5)
    assert abs(w.sigmoid - ln.sigmoid(x)) < TOL
    assert abs(w.tanh - ln.tanh(x)) < TOL
    assert abs(w.sigmoid_grad - ln.sigmoid_grad(x)) < TOL
    assert abs(w.tanh_grad - ln.tanh_grad(x)) < TOL


def test_gru_gates_match_gru_cell():
    w = GRUGates(r=0.8, z=0.35, n_x=-0.7, w_hn=1.6, h_prev=0.45)
    p = {"weight_ih": np.array([[logit(0.8)], [logit(0.35)], [-0.7]]),
         "weight_hh": np.array([[0.0], [0.0], [1.6]]), "bias_ih": np.zeros(3),
         "bias_hh": np.zeros(3)}
    h, cache = ln.gru_cell(np.ones((1, 1)), np.array([[0.45]]), p)
    assert abs(w.n - cache["n"][0, 0]) < TOL
    assert abs(w.h - h[0, 0]) < TOL


@pytest.mark.parametrize("f,steps,w", [(0.9, 30, 0.8), (1.0, 12, 1.5), (0.0, 5, 0.0)])
def test_conveyor_belt_gives_f_to_the_T_and_w_to_the_T(f, steps, w):
    cb = ConveyorBelt(f=f, steps=steps, w=w)
    assert abs(cb.c_T - f**steps) < TOL
    assert abs(cb.dcT_dc0 - f**steps) < TOL
    assert abs(cb.dhT_dh0 - w**steps) < TOL * max(1.0, w**steps)


def test_rng_hash_and_orthogonal_are_bit_identical_in_both_languages():
    got = run_js(
        "var r = M.rng(12345), seq = []; for (var k = 0; k < 2000; k++) seq.push(r());"
        "return {seq: seq, hashes: fx.map(M.hashString), q: M.orthogonal(M.rng(7), 6)};",
        ["although", "hardworking,", "", "Ünïcode"])
    nxt = _nets.rng(12345)
    assert got["seq"] == [nxt() for _ in range(2000)]
    assert got["hashes"] == [_nets.hash_string(w) for w in
                             ["although", "hardworking,", "", "Ünïcode"]]
    q = _nets.orthogonal(_nets.rng(7), 6)
    assert got["q"] == q
    np.testing.assert_allclose(np.array(q) @ np.array(q).T, np.eye(6), atol=1e-12)


def test_widget_networks_are_bit_identical_in_both_languages():
    got = run_js("return {v: M.vanishingNet(1.3, 2.5), b: M.bidirectionalNet(),"
                 " e: fx.map(M.embedWord)};", ["cat", "Cat", "achievements"])
    v = _nets.vanishing_net(1.3, 2.5)
    assert got["v"]["xs"] == v["xs"].tolist()
    for cell in ("rnn", "lstm"):
        for key, arr in v[cell].items():
            assert got["v"][cell][key] == arr.tolist(), (cell, key)
    b = _nets.bidirectional_net()
    for d in ("fwd", "bwd"):
        for key, arr in b[d].items():
            assert got["b"][d][key] == arr.tolist(), (d, key)
    assert got["e"] == [_nets.embed_word(w).tolist() for w in ["cat", "Cat", "achievements"]]
    assert got["e"][0] == got["e"][1]          # embeddings ignore case


@pytest.mark.parametrize("scale,length,fb", [(1.0, 50, 1.0), (0.6, 80, 4.0), (1.8, 30, 0.0)])
def test_vanishing_gradient_python_equals_javascript(scale, length, fb):
    w = VanishingGradient(scale=scale, length=length, forget_bias=fb)
    got = run_js("var c = M.vanishingCurves(fx[0], fx[2], fx[1]);"
                 "return [c.rnn[fx[1]], c.lstm[fx[1]]];", [scale, length, fb])
    assert abs(w.rnn_ratio - got[0]) < TOL * max(1.0, got[0])
    assert abs(w.lstm_ratio - got[1]) < TOL * max(1.0, got[1])


def test_vanishing_gradient_vanishes_below_and_explodes_above_radius_one():
    small, large = VanishingGradient(scale=0.6, length=60), VanishingGradient(scale=2.0, length=60)
    assert small.rnn_ratio < 1e-6
    assert large.rnn_ratio > 10
    # A nearly open forget gate carries the LSTM's gradient much further than a half-open one.
    assert VanishingGradient(forget_bias=6.0).lstm_ratio > 100 * VanishingGradient(
        forget_bias=0.0).lstm_ratio


def test_bidirectional_python_equals_javascript_and_recomputes():
    w = Bidirectional(sentence="the cats on the mat were hungry", t=2)
    got = run_js("var words = M.tokenize(fx.s), net = M.bidirectionalNet();"
                 "return M.bidirectionalLstm(words.map(M.embedWord), net.fwd, net.bwd).out[fx.t];",
                 {"s": w.sentence, "t": 2})
    np.testing.assert_allclose(w.out, got, atol=TOL, rtol=0)
    assert w.out == w.h_fwd + w.h_bwd
    before = list(w.out)
    w.t = 5
    assert w.out != before
    w.sentence = "hello"             # cursor past the end reads the last word
    assert w.words == ["hello"] and len(w.out) == 6
