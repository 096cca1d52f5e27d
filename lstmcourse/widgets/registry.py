"""The one list of widgets: what the book's directive, the Jupyter classes and the tests read.

A widget is one JavaScript file, ``static/<name>.js``, plus one :class:`Widget` entry in
:data:`REGISTRY` below. From the entry

- the ``{widget} NAME`` directive knows the name and which scripts to load (:mod:`.sphinx_ext`);
- :mod:`.jupyter` makes the class ``Widget.cls`` with one synced trait per input and per output;
- the JavaScript reads every default, range and label (serialized by :func:`js_source`, so no
  number is typed twice) and reports each output by name;
- the tests find the chapter page that shows the widget (``Widget.page``).

Inputs are :class:`Slider` (a number; integer when every bound and the step are) or
:class:`Text`. Outputs are :class:`Output`: ``"number"`` (a float readout), ``"text"`` or
``"list"`` (a JSON list). The JavaScript computes the outputs and sets them on the model; Python
never recomputes them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"


@dataclass(frozen=True)
class Slider:
    """A range input ``name`` in [lo, hi] moving by ``step``, starting at ``default``."""

    name: str
    label: str
    default: float
    lo: float
    hi: float
    step: float

    def __post_init__(self) -> None:
        if not self.lo <= self.default <= self.hi:
            raise ValueError(f"slider {self.name}: default {self.default} outside "
                             f"[{self.lo}, {self.hi}]")

    @property
    def integer(self) -> bool:
        return all(float(v).is_integer() for v in (self.default, self.lo, self.hi, self.step))


@dataclass(frozen=True)
class Text:
    """A one-line text input ``name`` of at most ``max_length`` characters."""

    name: str
    label: str
    default: str
    max_length: int = 400


@dataclass(frozen=True)
class Output:
    """A result the JavaScript reports: ``kind`` is "number", "text" or "list"."""

    name: str
    label: str
    kind: str = "number"

    def __post_init__(self) -> None:
        if self.kind not in ("number", "text", "list"):
            raise ValueError(f"output {self.name}: kind {self.kind!r}, expected number, text "
                             "or list")


@dataclass(frozen=True)
class Widget:
    """One widget.

    ``cls``: the Jupyter class name; ``page``: the chapter that shows it (a docname);
    ``scripts``: extra files in ``static/`` it needs, loaded before its own script;
    ``data``: a function returning JSON-able data the script receives as ``spec.data``.
    """

    name: str
    cls: str
    page: str
    title: str
    inputs: tuple[Slider | Text, ...]
    outputs: tuple[Output, ...]
    scripts: tuple[str, ...] = ()
    data: Callable[[], object] | None = field(default=None, compare=False)

    @property
    def script(self) -> str:
        return f"{self.name}.js"

    @property
    def defaults(self) -> dict:
        return {i.name: i.default for i in self.inputs}

    def to_json(self) -> dict:
        """What the JavaScript sees: name, title, inputs (with ``kind``), outputs, data."""
        inputs = [{**asdict(i), "kind": "text" if isinstance(i, Text) else "slider"}
                  for i in self.inputs]
        return {"name": self.name, "title": self.title, "inputs": inputs,
                "outputs": [asdict(o) for o in self.outputs],
                "data": self.data() if self.data else None}


def _vanishing_data() -> object:
    from .widget_data import vanishing_gradient_net

    return vanishing_gradient_net()


def _bidirectional_data() -> object:
    return json.loads((STATIC / "bidirectional-model.json").read_text(encoding="utf-8"))


_UNIT = dict(lo=0.0, hi=1.0, step=0.01)

REGISTRY: dict[str, Widget] = {w.name: w for w in (
    Widget(
        "gate-playground", "GatePlayground", "book/02-gates",
        "Gate playground: one LSTM cell step",
        inputs=(Slider("f", "f (forget gate)", 0.8, **_UNIT),
                Slider("i", "i (input gate)", 0.5, **_UNIT),
                Slider("g", "g (candidate)", 0.6, -1.0, 1.0, 0.01),
                Slider("o", "o (output gate)", 0.7, **_UNIT),
                Slider("c_prev", "c_prev (old cell state)", 1.0, -2.0, 2.0, 0.01)),
        outputs=(Output("keep", "kept  f·c_prev"), Output("write", "written  i·g"),
                 Output("c", "c = f·c_prev + i·g"), Output("h", "h = o·tanh(c)")),
        scripts=("cell-diagrams.js",),
    ),
    Widget(
        "conveyor-belt", "ConveyorBelt", "book/03-conveyor-belt",
        "The cell state as a conveyor belt",
        # Defaults: chapter 3's longest memory (f = 0.99 for 300 steps, its decay figure's third
        # curve), so the first readout is the number the chapter prints.
        inputs=(Slider("f", "f (forget value, every step)", 0.99, **_UNIT),
                Slider("steps", "T (number of steps)", 300, 1, 300, 1),
                Slider("w", "w (plain RNN's recurrent weight)", 0.9, 0.0, 2.0, 0.01)),
        outputs=(Output("c_T", "memory c_T (c_0 = 1)"),
                 Output("dcT_dc0", "LSTM  dc_T/dc_0 = f^T"),
                 Output("dhT_dh0", "plain RNN  dh_T/dh_0")),
    ),
    Widget(
        "activations", "Activations", "book/04-tanh-vs-sigmoid",
        "sigmoid and tanh, and their slopes",
        inputs=(Slider("x", "x (pre-activation)", 1.0, -6.0, 6.0, 0.01),),
        outputs=(Output("sigmoid", "σ(x)"), Output("tanh", "tanh(x)"),
                 Output("sigmoid_grad", "σ′(x)"), Output("tanh_grad", "tanh′(x)")),
    ),
    Widget(
        "vanishing-gradient", "VanishingGradient", "book/01-why-rnns-fail",
        "Vanishing and exploding gradients",
        inputs=(Slider("scale", "ρ (spectral radius of W_hh)", 1.0, 0.5, 1.5, 0.01),
                Slider("length", "T (sequence length)", 60, 2, 100, 1),
                Slider("forget_bias", "b_f (LSTM forget-gate bias)", 3.0, 0.0, 8.0, 0.1)),
        outputs=(Output("rnn_ratio", "RNN  |dL/dh_1| / |dL/dh_T|"),
                 Output("lstm_ratio", "LSTM cell path  ∏ f_s")),
        data=_vanishing_data,
    ),
    Widget(
        "gru-gates", "GRUGates", "book/05-gru",
        "GRU gates: reset, update and the new state",
        inputs=(Slider("r", "r (reset gate)", 0.5, **_UNIT),
                Slider("z", "z (update gate)", 0.3, **_UNIT),
                Slider("n_x", "n_x = W_in·x + b_in (input part of the candidate)", 0.4,
                       -2.0, 2.0, 0.01),
                Slider("w_hn", "w_hn (recurrent weight of the candidate)", 1.0, -2.0, 2.0,
                       0.01),
                Slider("h_prev", "h_prev (old state)", -0.6, -1.0, 1.0, 0.01)),
        outputs=(Output("n", "n = tanh(n_x + r·w_hn·h_prev)"),
                 Output("keep", "kept  z·h_prev"), Output("write", "written  (1 − z)·n"),
                 Output("h", "h = (1 − z)·n + z·h_prev")),
        scripts=("cell-diagrams.js",),
    ),
    Widget(
        "bidirectional", "Bidirectional", "book/06-bidirectional",
        "Reading both ways",
        inputs=(Text("sentence", "review",
                     "i love the acting and the story was really fun but dull and so was the film"),
                Slider("t", "t (time cursor, word index)", 3, 0, 29, 1)),
        outputs=(Output("words", "words the model reads", "list"),
                 Output("note", "note", "text"),
                 Output("fwd_read", "forward pass has read", "text"),
                 Output("bwd_read", "backward pass has read", "text"),
                 Output("p_bi", "BiLSTM  P(positive) at t"),
                 Output("p_fwd", "forward LSTM  P(positive) at t")),
        data=_bidirectional_data,
    ),
    # Figures: the machines drawn from the one description in cell-diagrams.js; no controls.
    *(Widget(name, cls, page, title, inputs=(), outputs=(), scripts=("cell-diagrams.js",))
      for name, cls, page, title in (
          ("diagram-rnn", "DiagramRNN", "book/01-why-rnns-fail", "An unrolled RNN"),
          ("diagram-lstm", "DiagramLSTM", "book/02-gates", "The LSTM cell"),
          ("diagram-gru", "DiagramGRU", "book/05-gru", "The GRU cell"),
          ("diagram-bidirectional", "DiagramBidirectional", "book/06-bidirectional",
           "A bidirectional layer"),
          ("diagram-model", "DiagramModel", "book/07-putting-it-together",
           "The review classifier"))),
)}

#: The widget names, in the order the book meets them.
WIDGETS: tuple[str, ...] = tuple(REGISTRY)


def get(name: str) -> Widget:
    """The entry of widget ``name``; a ValueError lists the known names."""
    if name not in REGISTRY:
        raise ValueError(f"widget name: got {name!r}, expected one of {', '.join(REGISTRY)}")
    return REGISTRY[name]


def js_source(names: tuple[str, ...] | list[str] = WIDGETS) -> str:
    """A classic script that puts the entries of ``names`` in ``globalThis.LSTMCourseRegistry``."""
    entries = json.dumps({n: get(n).to_json() for n in names}, separators=(",", ":"))
    return ("(function (root) { root.LSTMCourseRegistry = Object.assign("
            f"root.LSTMCourseRegistry || {{}}, {entries}); }})"
            '(typeof globalThis !== "undefined" ? globalThis : this);\n')
