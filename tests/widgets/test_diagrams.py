"""The machine diagrams of cell-diagrams.js, and the LSTM / GRU widgets whose face they are.

Runs the real JavaScript in Node: the diagrams through the string document that
cell-diagrams.js ships, the widgets (registry, widget-ui.js, the widget's script) through a
small fake DOM defined below. Every expected number comes from lstmcourse.numpy.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import numpy as np
import pytest

from lstmcourse import numpy as ln
from lstmcourse.conventions import GATES
from lstmcourse.widgets.registry import STATIC, js_source

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")

# The JSON round trip keeps float64 exactly; the browser math equals lstmcourse.numpy to 1e-14
# (see test_widgets_js_parity.py), so 1e-9 leaves room for other libm builds.
TOL = 1e-9

# Just enough DOM for widget-ui.js, widget-boot.js and the widgets: elements with attributes,
# children, classList, textContent, a value and events.
FAKE_DOM = r"""
function Node_(tag, doc) {
  this.tagName = tag; this.attributes = {}; this.childNodes = []; this.listeners = {};
  this.ownerDocument = doc; this.parentNode = null; this.value = ""; this.style = {};
  var self = this;
  this.classList = {
    add: function (c) {
      var l = (self.attributes["class"] || "").split(" ").filter(Boolean);
      if (l.indexOf(c) < 0) l.push(c);
      self.attributes["class"] = l.join(" ");
    },
    contains: function (c) { return (self.attributes["class"] || "").split(" ").indexOf(c) >= 0; }
  };
}
Node_.prototype.setAttribute = function (k, v) { this.attributes[k] = String(v); };
Node_.prototype.getAttribute = function (k) {
  return k in this.attributes ? this.attributes[k] : null; };
Node_.prototype.appendChild = function (c) {
  c.parentNode = this; this.childNodes.push(c); return c; };
Node_.prototype.removeChild = function (c) {
  this.childNodes.splice(this.childNodes.indexOf(c), 1); return c; };
Object.defineProperty(Node_.prototype, "firstChild", {
  get: function () { return this.childNodes[0] || null; } });
Object.defineProperty(Node_.prototype, "className", {
  get: function () { return this.attributes["class"] || ""; },
  set: function (v) { this.attributes["class"] = v; } });
Object.defineProperty(Node_.prototype, "textContent", {
  get: function () { return this.childNodes.map(function (c) { return c.textContent; }).join(""); },
  set: function (t) { this.childNodes = [new Text_(t)]; } });
Node_.prototype.addEventListener = function (t, f) {
  (this.listeners[t] = this.listeners[t] || []).push(f); };
Node_.prototype.fire = function (t) { (this.listeners[t] || []).forEach(function (f) { f({}); }); };
function Text_(t) { this.textContent = String(t); this.childNodes = []; this.attributes = {}; }
var document = { readyState: "complete", querySelectorAll: function () { return []; },
  addEventListener: function () {} };
document.createElement = function (t) { return new Node_(t, document); };
document.createElementNS = function (ns, t) { return new Node_(t, document); };
document.createTextNode = function (t) { return new Text_(t); };
globalThis.document = document;
function walk(n, fn) { fn(n); (n.childNodes || []).forEach(function (c) { walk(c, fn); }); }
function find(n, key, val) {
  var out = [];
  walk(n, function (m) { if (m.attributes && m.attributes[key] === val) out.push(m); });
  return out;
}
"""

# What every diagram must show, in the book's notation (data-label holds the source text).
REQUIRED = {
    "rnn": ["x_1", "x_2", "x_3", "x_T", "h_0", "h_1", "h_2", "h_3", "h_T"],
    "lstm": ["x_t", "h_{t-1}", "c_{t-1}", "c_t", "h_t", "f_t", "i_t", "g_t", "o_t"],
    "gru": ["x_t", "h_{t-1}", "h_t", "r_t", "z_t", "n_t", "W_{hn}"],
    "bidirectional": ["x_1", "x_2", "x_3", "out_1", "out_2", "out_3", "->h_0", "<-h_4"],
    "model": ["w_1", "w_T", "x_1", "x_T", "h_T", "h_0, c_0", "P(positive)"],
}
# The symbols drawn inside nodes: learned layers (σ, tanh) and elementwise operations.
SYMBOLS = {
    "lstm": {"σ": 3, "tanh": 2, "⊙": 3, "+": 1},
    "gru": {"σ": 2, "tanh": 1, "⊙": 3, "+": 1, "1−": 1},
    "rnn": {"tanh": 4},
    "bidirectional": {"fwd": 3, "bwd": 3},
    "model": {"embed": 4, "LSTM": 4, "linear": 1, "σ": 1},
}


def node_run(script: str, fixtures: object = None, *, widget: str | None = None) -> object:
    """Run ``script`` in Node with the diagrams loaded (and the widget stack if ``widget``)."""
    static = {name: str(STATIC / name) for name in (
        "lstm-math.js", "widget-ui.js", "widget-boot.js", "cell-diagrams.js")}
    lines = [FAKE_DOM, f"const D = require({json.dumps(static['cell-diagrams.js'])});"]
    if widget:
        lines += [
            f"require('vm').runInThisContext({json.dumps(js_source())});",
            f"const M = require({json.dumps(static['lstm-math.js'])});",
            f"require({json.dumps(static['widget-ui.js'])});",
            f"require({json.dumps(str(STATIC / (widget + '.js')))});",
            f"require({json.dumps(static['widget-boot.js'])});",
        ]
    lines += ["const fx = JSON.parse(require('fs').readFileSync(0, 'utf8'));",
              f"const result = (function () {{ {script} }})();",
              "process.stdout.write(JSON.stringify(result));"]
    proc = subprocess.run([shutil.which("node"), "-e", "\n".join(lines)],
                          input=json.dumps(fixtures), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def draw(name: str) -> dict:
    """The diagram as an SVG string plus its labels and node symbols."""
    return node_run(
        "var pic = D.draw(fx, {doc: D.stringDocument()}), labels = [], symbols = [];"
        "walk(pic.node, function (n) {"
        "  if (n.tagName === 'text' && n.attributes['data-label']) {"
        "    labels.push(n.attributes['data-label']);"
        "  }"
        "});"
        "walk(pic.node, function (n) { if (n.attributes && n.attributes['data-node'])"
        "  walk(n, function (m) { if (m.tagName === 'text') symbols.push(m.textContent); }); });"
        "return {svg: String(pic.node), labels: labels, symbols: symbols,"
        " viewBox: pic.node.getAttribute('viewBox')};", name)


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_each_diagram_shows_its_labels_and_symbols(name):
    got = draw(name)
    missing = [label for label in REQUIRED[name] if label not in got["labels"]]
    assert not missing, f"{name}: labels missing {missing}"
    counts = {s: got["symbols"].count(s) for s in SYMBOLS[name]}
    assert counts == SYMBOLS[name]
    svg = got["svg"]
    assert svg.startswith("<svg") and 'role="img"' in svg
    label = re.search(r'aria-label="([^"]*)"', svg).group(1)
    assert len(label) > 80 and "_" not in label and "{" not in label   # read aloud as words
    assert f"<title>{label.split(':')[0]}</title>" in svg


def test_subscripts_are_tspans_with_a_real_minus():
    svg = draw("lstm")["svg"]
    # h_{t-1}: the letter, then the subscript lowered in a smaller tspan, with U+2212.
    assert re.search(r'data-label="h_\{t-1\}">h<tspan dy="0.32em" class="cd-sub">t−1</tspan>',
                     svg)


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_every_point_and_label_lies_inside_the_view_box(name):
    got = draw(name)
    _, _, width, height = (float(v) for v in got["viewBox"].split())
    for x, y in re.findall(r'<text x="([-\d.]+)" y="([-\d.]+)"', got["svg"]):
        assert 0 < float(x) < width and 0 < float(y) < height
    for d in re.findall(r' d="([^"]+)"', got["svg"]):
        nums = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", d)]
        assert all(0 <= x <= width for x in nums[0::2]), d
        assert all(0 <= y <= height for y in nums[1::2]), d


def test_an_unknown_name_is_a_clear_error():
    out = node_run("try { D.draw('lstmm', {doc: D.stringDocument()}); return null; }"
                   " catch (e) { return e.message; }")
    assert out == ('diagram name: got "lstmm", expected one of rnn, lstm, gru, bidirectional, '
                   "model")


# ---- the widgets' faces -----------------------------------------------------------------------

# Mount the widget on a fake element, then for every case move the sliders (input events, as
# a reader does) and read what the face shows: each wire's width and printed value.
DRIVE = """
var W = globalThis.LSTMCourseWidgets[fx.widget], el = document.createElement('div');
var model = globalThis.LSTMCourseBoot.makeModel(W.defaults);
W.render({model: model, el: el});
return fx.cases.map(function (c) {
  Object.keys(c).forEach(function (k) {
    var input = find(el, 'data-param', k)[0]; input.value = String(c[k]); input.fire('input');
  });
  var wires = {};
  find(el, 'class', 'cd-svg cd-' + fx.face + ' cd-live').forEach(function (svg) {
    walk(svg, function (n) {
      var id = n.attributes && n.attributes['data-wire'];
      if (!id) return;
      var line = n.childNodes.filter(function (m) {
        return m.attributes['class'] === 'cd-line'; })[0];
      var text = find(svg, 'data-value-of', id)[0];
      wires[id] = {width: Number(line.getAttribute('stroke-width')),
        shown: text ? text.textContent : null,
        value: text ? Number(text.getAttribute('data-value')) : null};
    });
  });
  var outs = {};
  find(el, 'class', 'lw-out').forEach(function (o) {
    outs[o.getAttribute('data-output')] = o.textContent; });
  var synced = {};
  fx.outputs.forEach(function (k) { synced[k] = model.get(k); });
  return {wires: wires, readouts: outs, synced: synced};
});
"""


def drive(widget: str, face: str, cases: list[dict], outputs: list[str]) -> list[dict]:
    return node_run(DRIVE, {"widget": widget, "face": face, "cases": cases, "outputs": outputs},
                    widget=widget)


def shown(text: str) -> float:
    return float(text.replace("−", "-"))


def logit(p: float) -> float:
    return float(np.log(p) - np.log1p(-p))


def lstm_reference(f, i, g, o, c_prev):
    """lstm_cell with one unit whose pre-activations are the logits of the chosen gates."""
    params = {"weight_ih": np.array([[logit(i)], [logit(f)], [np.arctanh(g)], [logit(o)]]),
              "weight_hh": np.zeros((4, 1)), "bias_ih": np.zeros(4), "bias_hh": np.zeros(4)}
    h, c, cache = ln.lstm_cell(np.ones((1, 1)), np.zeros((1, 1)), np.array([[c_prev]]), params)
    gate = {k: float(cache[k][0, 0]) for k in GATES["lstm"]}
    return {"f": gate["f"], "i": gate["i"], "g": gate["g"], "o": gate["o"], "c_prev": c_prev,
            "keep": gate["f"] * c_prev, "write": gate["i"] * gate["g"], "c": float(c[0, 0]),
            "tc": float(np.tanh(c[0, 0])), "h": float(h[0, 0])}


LSTM_CASES = [dict(f=0.8, i=0.5, g=0.6, o=0.7, c_prev=1.0),
              dict(f=0.13, i=0.91, g=-0.77, o=0.42, c_prev=-1.6),
              dict(f=0.99, i=0.02, g=0.35, o=0.97, c_prev=1.95)]
# wire id on the LSTM face -> the value it carries
LSTM_WIRES = {"c_prev": "c_prev", "keep": "keep", "c": "c", "c_copy": "c", "tc": "tc", "h": "h",
              "f": "f", "i": "i", "g": "g", "o": "o", "write": "write"}


def test_lstm_face_prints_what_lstm_cell_computes():
    got = drive("gate-playground", "lstm", LSTM_CASES, ["keep", "write", "c", "h"])
    for case, frame in zip(LSTM_CASES, got, strict=True):
        ref = lstm_reference(**case)
        for wire, key in LSTM_WIRES.items():
            w = frame["wires"][wire]
            if w["shown"] is None:          # c_copy repeats c's value without printing it
                continue
            assert abs(w["value"] - ref[key]) < TOL, (wire, w, ref[key])
            assert abs(shown(w["shown"]) - ref[key]) <= 0.005 + TOL, (wire, w["shown"], ref[key])
        for key in ("keep", "write", "c", "h"):
            assert abs(frame["synced"][key] - ref[key]) < TOL       # what Jupyter receives
            assert abs(float(frame["readouts"][key]) - ref[key]) <= 5e-5 + TOL


def widths(frame: dict) -> dict:
    return {k: v["width"] for k, v in frame["wires"].items() if v["width"]}


def test_closing_the_forget_gate_thins_exactly_the_wires_it_feeds():
    base = dict(f=0.8, i=0.5, g=0.6, o=0.7, c_prev=1.0)
    before, closed = drive("gate-playground", "lstm", [base, dict(f=0.0)], [])
    b, a = widths(before), widths(closed)
    changed = {k for k in b if b[k] != a[k]}
    # f feeds the kept memory, hence c_t, its copy, tanh(c_t) and h_t; nothing upstream of it.
    assert changed == {"f", "keep", "c", "c_copy", "tc", "h"}
    assert a["keep"] == min(a.values()) < b["keep"]       # the belt past the gate: thinnest
    assert a["f"] == min(a.values())


def test_the_write_path_follows_the_input_gate():
    opened, shut = drive("gate-playground", "lstm", [dict(i=1.0, g=0.9), dict(i=0.0)], [])
    assert widths(shut)["write"] < widths(opened)["write"]
    assert shown(shut["wires"]["write"]["shown"]) == 0.0


def gru_reference(r, z, n_x, w_hn, h_prev):
    """gru_cell with one unit: W_ir x = logit(r), W_iz x = logit(z), W_in x = n_x, W_hn = w_hn."""
    params = {"weight_ih": np.array([[logit(r)], [logit(z)], [n_x]]),
              "weight_hh": np.array([[0.0], [0.0], [w_hn]]),
              "bias_ih": np.zeros(3), "bias_hh": np.zeros(3)}
    h, cache = ln.gru_cell(np.ones((1, 1)), np.array([[h_prev]]), params)
    rr, zz, n = (float(cache[k][0, 0]) for k in GATES["gru"])
    return {"r": rr, "z": zz, "h_prev": h_prev, "rh": rr * w_hn * h_prev, "n": n,
            "keep": zz * h_prev, "zc": 1 - zz, "write": (1 - zz) * n, "h": float(h[0, 0])}


GRU_CASES = [dict(r=0.5, z=0.3, n_x=0.4, w_hn=1.0, h_prev=-0.6),
             dict(r=0.93, z=0.71, n_x=-1.2, w_hn=1.7, h_prev=0.88),
             dict(r=0.05, z=0.02, n_x=1.9, w_hn=-1.4, h_prev=-0.95)]
GRU_WIRES = {"h_prev": "h_prev", "keep": "keep", "h": "h", "r": "r", "rh": "rh", "z": "z",
             "zc": "zc", "n": "n", "write": "write"}


def test_gru_face_prints_what_gru_cell_computes():
    got = drive("gru-gates", "gru", GRU_CASES, ["n", "keep", "write", "h"])
    for case, frame in zip(GRU_CASES, got, strict=True):
        ref = gru_reference(**case)
        for wire, key in GRU_WIRES.items():
            w = frame["wires"][wire]
            assert abs(w["value"] - ref[key]) < TOL, (wire, w, ref[key])
            assert abs(shown(w["shown"]) - ref[key]) <= 0.005 + TOL, (wire, w["shown"], ref[key])
        for key in ("n", "keep", "write", "h"):
            assert abs(frame["synced"][key] - ref[key]) < TOL
            assert abs(float(frame["readouts"][key]) - ref[key]) <= 5e-5 + TOL


def test_the_reset_gate_moves_only_the_candidate_side():
    base = dict(r=0.5, z=0.3, n_x=0.4, w_hn=1.0, h_prev=-0.6)
    before, after = drive("gru-gates", "gru", [base, dict(r=1.0)], [])
    b, a = widths(before), widths(after)
    changed = {k for k in b if b[k] != a[k]}
    assert changed == {"r", "rh", "n", "write", "h"}


# ---- the figure widgets at the top of the chapters ---------------------------------------------

@pytest.mark.parametrize("name", ["rnn", "lstm", "gru", "bidirectional", "model"])
def test_figure_widget_shows_the_diagram_and_its_caption(name):
    got = node_run(
        "var W = globalThis.LSTMCourseWidgets[fx], el = document.createElement('div');"
        "el.appendChild(document.createTextNode('needs JavaScript'));"
        "W.render({model: globalThis.LSTMCourseBoot.makeModel(W.defaults), el: el});"
        "var svgs = [], inputs = 0;"
        "walk(el, function (n) {"
        "  if (n.tagName === 'svg') svgs.push(n.getAttribute('data-diagram'));"
        "  if (n.tagName === 'input') inputs += 1; });"
        "var cap = el.childNodes[el.childNodes.length - 1];"
        "return {svgs: svgs, inputs: inputs, cls: el.className, role: el.getAttribute('role'),"
        " caption: cap.textContent, first: el.childNodes[0].tagName};",
        f"diagram-{name}", widget=f"diagram-{name}")
    assert got["svgs"] == [name] and got["inputs"] == 0
    assert got["first"] == "svg"                     # the no-JavaScript note is gone
    assert "cd-figure" in got["cls"].split() and got["role"] == "figure"
    assert len(got["caption"]) > 40 and "_" not in got["caption"]   # subscripts are <sub>
