"""The six widgets as Jupyter widgets (anywidget), with synced traits and Python-side results.

Each class loads the *same* JavaScript as the static book (see :mod:`._assets`): sliders and
readouts run in the browser. The slider values are synced traits, so ``w.f = 0.3`` in Python moves
the slider, and moving the slider changes ``w.f``. Each class also computes its readouts in
Python with :mod:`lstmcourse.numpy` (read-only traits such as ``w.c``, ``w.h``), so a notebook can
use the numbers the widget shows.

    >>> from lstmcourse.widgets import GatePlayground
    >>> w = GatePlayground(f=0.9, c_prev=1.0)
    >>> w          # in a notebook: the live widget
    >>> w.c, w.h   # c = f c_prev + i g, h = o tanh(c)
"""

from __future__ import annotations

from typing import ClassVar

import anywidget
import numpy as np
import traitlets as tl

from lstmcourse import numpy as ln

from . import _nets
from ._assets import STYLESHEET, check_name, esm_source, read


class _LSTMCourseWidget(anywidget.AnyWidget):
    """Base class: ties a subclass to its JavaScript by ``widget_name`` and recomputes on change."""

    widget_name: ClassVar[str] = ""
    #: traits whose change triggers :meth:`_compute`
    inputs: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: object) -> None:
        # Only for classes that name their widget: anywidget's add_traits() makes a subclass on the
        # fly whose _esm is a trait, and that one must stay untouched.
        if "widget_name" in cls.__dict__:
            cls._esm = esm_source(check_name(cls.widget_name))
            cls._css = read(STYLESHEET)
        super().__init_subclass__(**kwargs)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.observe(lambda _change: self._update(), names=list(self.inputs))
        self._update()

    def _update(self) -> None:
        for name, value in self._compute().items():
            self.set_trait(name, value)

    def _compute(self) -> dict:  # pragma: no cover - every subclass defines it
        raise NotImplementedError


def _unit(lo: float, hi: float, default: float) -> tl.Float:
    return tl.Float(default, min=lo, max=hi).tag(sync=True)


def _result() -> tl.Float:
    return tl.Float(0.0, read_only=True)


class GatePlayground(_LSTMCourseWidget):
    """One LSTM cell step with the gates set by hand: c = f c_prev + i g, h = o tanh(c)."""

    widget_name = "gate-playground"
    inputs = ("f", "i", "g", "o", "c_prev")
    f = _unit(0, 1, 0.8)
    i = _unit(0, 1, 0.5)
    g = _unit(-1, 1, 0.6)
    o = _unit(0, 1, 0.7)
    c_prev = _unit(-2, 2, 1.0)
    c = _result()
    h = _result()

    def _compute(self) -> dict:
        c = self.f * self.c_prev + self.i * self.g
        return {"c": c, "h": self.o * float(ln.tanh(np.array(c)))}


class Activations(_LSTMCourseWidget):
    """sigmoid, tanh and their derivatives at x."""

    widget_name = "activations"
    inputs = ("x",)
    x = _unit(-6, 6, 1.0)
    sigmoid = _result()
    tanh = _result()
    sigmoid_grad = _result()
    tanh_grad = _result()

    def _compute(self) -> dict:
        x = np.array(self.x)
        return {name: float(getattr(ln, name)(x))
                for name in ("sigmoid", "tanh", "sigmoid_grad", "tanh_grad")}


class GRUGates(_LSTMCourseWidget):
    """One GRU unit, gates set by hand: n = tanh(n_x + r w_hn h_prev), h = (1 - z) n + z h_prev."""

    widget_name = "gru-gates"
    inputs = ("r", "z", "n_x", "w_hn", "h_prev")
    r = _unit(0, 1, 0.5)
    z = _unit(0, 1, 0.3)
    n_x = _unit(-2, 2, 0.4)
    w_hn = _unit(-2, 2, 1.0)
    h_prev = _unit(-1, 1, -0.6)
    n = _result()
    h = _result()

    def _compute(self) -> dict:
        n = float(ln.tanh(np.array(self.n_x + self.r * (self.w_hn * self.h_prev))))
        return {"n": n, "h": (1 - self.z) * n + self.z * self.h_prev}


def _logit(p: float) -> float:
    """Inverse sigmoid; +-inf at 1 and 0 (the reference's sigmoid maps them back exactly)."""
    with np.errstate(divide="ignore"):
        return float(np.log(p) - np.log1p(-p))


class ConveyorBelt(_LSTMCourseWidget):
    """The cell state with a constant forget value f over T steps, next to a one-unit plain RNN.

    Computed with the reference on a one-unit LSTM whose gates do not depend on its inputs or
    state (W_ih = W_hh = 0; biases set f, shut the input gate), c_0 = 1:
    ``c_T`` (= f^T), ``dcT_dc0`` (from ``lstm_backward``) and, for h_t = tanh(w h_{t-1}) from rest,
    ``dhT_dh0`` (from ``rnn_backward``; = w^T).
    """

    widget_name = "conveyor-belt"
    inputs = ("f", "steps", "w")
    f = _unit(0, 1, 0.95)
    steps = tl.Int(30, min=1, max=100).tag(sync=True)
    w = _unit(0, 2, 0.9)
    c_T = _result()
    dcT_dc0 = _result()
    dhT_dh0 = _result()

    def _compute(self) -> dict:
        T = self.steps
        x = np.zeros((T, 1, 1))
        bias = np.array([-50.0, _logit(self.f), 0.0, 0.0])   # i ~ 0 (nothing written), f, g = 0, o
        p = {"weight_ih": np.zeros((4, 1)), "weight_hh": np.zeros((4, 1)),
             "bias_ih": bias, "bias_hh": np.zeros(4)}
        _, (_, c_n), cache = ln.lstm(x, p, c0=np.ones((1, 1)))
        _, _, dc0, _ = ln.lstm_backward(np.zeros((T, 1, 1)), cache, dh_n=np.zeros((1, 1)),
                                        dc_n=np.ones((1, 1)))
        q = {"weight_ih": np.zeros((1, 1)), "weight_hh": np.array([[self.w]]),
             "bias_ih": np.zeros(1), "bias_hh": np.zeros(1)}
        _, _, rcache = ln.rnn(x, q)
        _, dh0, _ = ln.rnn_backward(np.zeros((T, 1, 1)), rcache, dh_n=np.ones((1, 1)))
        return {"c_T": float(c_n[0, 0]), "dcT_dc0": float(dc0[0, 0]), "dhT_dh0": float(dh0[0, 0])}


class VanishingGradient(_LSTMCourseWidget):
    """How much gradient of L = mean(h_T) reaches the first state, RNN against LSTM.

    ``rnn_ratio`` = |dL/dh_0| / |dL/dh_T| and ``lstm_ratio`` = |dL/dc_0| / |dL/dc_T| for the
    widget's fixed networks (:func:`._nets.vanishing_net`), from ``rnn_backward``/``lstm_backward``.
    """

    widget_name = "vanishing-gradient"
    inputs = ("scale", "length", "forget_bias")
    scale = _unit(0.5, 2, 1.0)
    length = tl.Int(50, min=2, max=_nets.VANISH_MAX_T).tag(sync=True)
    forget_bias = _unit(0, 6, 1.0)
    rnn_ratio = _result()
    lstm_ratio = _result()

    def _compute(self) -> dict:
        net, T, H = _nets.vanishing_net(self.scale, self.forget_bias), self.length, _nets.VANISH_H
        x = net["xs"][:T, None, :]                       # (T, B=1, D)
        dh_T = np.full((1, H), 1.0 / H)                  # dL/dh_T for L = mean(h_T)
        zeros_out = np.zeros((T, 1, H))
        _, _, rcache = ln.rnn(x, net["rnn"])
        _, dh0, _ = ln.rnn_backward(zeros_out, rcache, dh_n=dh_T)
        _, (_, c_n), lcache = ln.lstm(x, net["lstm"])
        _, _, dc0, _ = ln.lstm_backward(zeros_out, lcache, dh_n=dh_T, dc_n=np.zeros((1, H)))
        # dL/dc_T: the only path from c_T to L is h_T = o_T tanh(c_T).
        dc_T = dh_T * lcache["o"][-1] * ln.tanh_grad(c_n)
        return {"rnn_ratio": float(np.linalg.norm(dh0) / np.linalg.norm(dh_T)),
                "lstm_ratio": float(np.linalg.norm(dc0) / np.linalg.norm(dc_T))}


class Bidirectional(_LSTMCourseWidget):
    """A sentence through the widget's bidirectional LSTM (H = 3), read at time cursor ``t``.

    ``h_fwd``, ``h_bwd`` (H,) and ``out`` (2H,) = [h_fwd ; h_bwd] at t, from the reference's
    ``bidirectional(lstm, ...)``; ``words`` is the tokenized sentence (at most 24 words).
    """

    widget_name = "bidirectional"
    inputs = ("sentence", "t")
    sentence = tl.Unicode(
        "Although this person is very hardworking, he really has no achievements"
    ).tag(sync=True)
    t = tl.Int(3, min=0, max=23).tag(sync=True)
    words = tl.List(read_only=True)
    h_fwd = tl.List(read_only=True)
    h_bwd = tl.List(read_only=True)
    out = tl.List(read_only=True)

    def _compute(self) -> dict:
        words = _nets.tokenize(self.sentence)[:24]
        if not words:
            return {"words": [], "h_fwd": [], "h_bwd": [], "out": []}
        net = _nets.bidirectional_net()
        x = np.stack([_nets.embed_word(w) for w in words])[:, None, :]     # (T, 1, D)
        out, _, _ = ln.bidirectional(ln.lstm, x, net["fwd"], net["bwd"])  # (T, 1, 2H)
        t, H = min(self.t, len(words) - 1), _nets.BIDIR_H
        row = out[t, 0]
        return {"words": words, "h_fwd": row[:H].tolist(), "h_bwd": row[H:].tolist(),
                "out": row.tolist()}


#: widget name -> class
CLASSES: dict[str, type[_LSTMCourseWidget]] = {
    cls.widget_name: cls
    for cls in (GatePlayground, ConveyorBelt, Activations, VanishingGradient, GRUGates,
                Bidirectional)
}
