"""Checks for assignment 4: ``gru_cell`` (PyTorch's equations) and ``bidirectional``.

GRU, gate order r, z, n:  n = tanh(W_in x + b_in + r * (W_hn h + b_hn)),  h' = (1 - z) * n + z * h.
Shapes: T time steps, B batch, D input features, H hidden units.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

from lstmcourse.grading import guard, mistakes
from lstmcourse.grading.cases import cases, copies, data
from lstmcourse.grading.report import expect_close, unpack
from lstmcourse.numpy import bidirectional as _ref_bidirectional
from lstmcourse.numpy import gru as _ref_gru
from lstmcourse.numpy import gru_cell as _ref_gru_cell
from lstmcourse.numpy import init_params as _init_params
from lstmcourse.numpy import lstm as _ref_lstm


def gru_cell(student: Callable, *, seed: int = 0, n_random: int = 3) -> None:
    """``student(x, h_prev, params)`` returns ``(h, cache)`` equal to the reference."""
    for k, case in enumerate(cases(seed, n_random)):
        d = data(case, "gru", seed * 1000 + k)
        want, _ = _ref_gru_cell(d["x"], d["h"], d["params"])
        s = copies(d)
        got = unpack(guard.call_student(student, s["x"], s["h"], s["params"], name="gru_cell"),
                     2, "gru_cell", "(h, cache)")
        expect_close(got[0], want, "h", case.label(), legend="(B, H)",
                     mistakes=mistakes.gru_cell_mistakes(d["x"], d["h"], d["params"]))


def _layer(name: str) -> Callable:
    """The reference layer, wrapped here so the tracer sees the grader, not the student, call it."""
    ref = {"gru": _ref_gru, "lstm": _ref_lstm}[name]

    @guard.trusted
    def layer(x, params, **kw):
        return ref(x, params, **kw)

    layer.__name__ = name
    return layer


def _bidirectional_mistakes(layer: Callable, x, pf, pb, kw) -> tuple[dict, dict]:
    """({hint: out}, {hint: h_n}) for the usual slips in a bidirectional wrapper."""
    of, sf, _ = layer(x, pf, **{k: v[0] for k, v in kw.items()})
    ob, sb, _ = layer(x[::-1], pb, **{k: v[1] for k, v in kw.items()})
    on, sn, _ = layer(x, pb, **{k: v[1] for k, v in kw.items()})
    h = (lambda s: s[0]) if isinstance(sf, tuple) else (lambda s: s)
    outs = {
        "not flipping the backward direction's output back to input time order":
            np.concatenate([of, ob], axis=2),
        "joining the halves backward first": np.concatenate([ob[::-1], of], axis=2),
        "running the backward direction on the unreversed input": np.concatenate([of, on], 2),
    }
    states = {"stacking h_n backward first": np.stack([h(sb), h(sf)]),
              "running the backward direction on the unreversed input":
                  np.stack([h(sf), h(sn)])}
    return outs, states


def bidirectional(student: Callable, *, layer: str = "gru", seed: int = 0,
                  n_random: int = 3) -> None:
    """``student(layer, x, params_fwd, params_bwd, h0=...)`` joins the directions like torch."""
    fn = _layer(layer)
    for k, case in enumerate(cases(seed, n_random)):
        d = data(case, layer, seed * 1000 + k, sequence=True)
        pb = _init_params(layer, case.D, case.H, rng=seed * 1000 + k + 500)
        h0 = np.stack([d["h"], d["h"][::-1] * 0.5])
        kw = {"h0": h0}
        if layer == "lstm":
            kw["c0"] = np.stack([d["c"], -d["c"]])
        ref_layer = {"gru": _ref_gru, "lstm": _ref_lstm}[layer]
        out, state, _ = _ref_bidirectional(ref_layer, d["x"], d["params"], pb, **kw)
        s = copies(d)
        call = partial(student, fn, s["x"], s["params"], {a: b.copy() for a, b in pb.items()},
                       **{a: b.copy() for a, b in kw.items()})
        got = unpack(guard.call_student(call, name="bidirectional"),
                     3, "bidirectional", "(out, h_n, cache)")
        m_out, m_h = _bidirectional_mistakes(fn, d["x"], d["params"], pb, kw)
        expect_close(got[0], out, "out", case.label(), legend="(T, B, 2H)", mistakes=m_out)
        if layer == "lstm":
            st = unpack(got[1], 2, "bidirectional(lstm, ...)'s second output", "(h_n, c_n)")
            expect_close(st[0], state[0], "h_n", case.label(), legend="(2, B, H)",
                         mistakes=m_h)
            expect_close(st[1], state[1], "c_n", case.label(), legend="(2, B, H)")
        else:
            expect_close(got[1], state, "h_n", case.label(), legend="(2, B, H)", mistakes=m_h)


guard.take_snapshot()
