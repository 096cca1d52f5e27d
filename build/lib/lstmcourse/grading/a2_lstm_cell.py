"""Checks for assignment 2: ``sigmoid``, ``lstm_cell`` and ``lstm_cell_backward``.

Shapes: B batch, D input features, H hidden units; x (B, D), h and c (B, H); gates i, f, g, o.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np

from lstmcourse.grading import guard, mistakes
from lstmcourse.grading.cases import cases, copies, data
from lstmcourse.grading.report import expect_close, unpack, unpack_grads
from lstmcourse.numpy import lstm_cell as _ref_lstm_cell
from lstmcourse.numpy import lstm_cell_backward as _ref_lstm_cell_backward
from lstmcourse.numpy import sigmoid as _ref_sigmoid

WEIGHTS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def sigmoid(student: Callable, *, seed: int = 0) -> None:
    """Values match on a grid and random arrays of several shapes; no overflow at |x| = 1000."""
    rng = np.random.default_rng(seed)
    inputs = {
        "a grid from -10 to 10": np.linspace(-10, 10, 41),
        "a (3, 4) array": rng.normal(0, 3, (3, 4)),
        "extreme values ±1000, ±710, ±40, 0": np.array([-1000., -710., -40., 0., 40., 710., 1e3]),
        "a (2, 1, 3) array": rng.normal(0, 5, (2, 1, 3)),
    }
    for label, x in inputs.items():
        with warnings.catch_warnings(record=True) as caught, np.errstate(
                over="warn", invalid="warn", divide="warn", under="ignore"):
            warnings.simplefilter("always")
            got = guard.call_student(student, x.copy(), name="sigmoid")
        with np.errstate(all="ignore"):
            hints = {"tanh instead of sigmoid": np.tanh(x),
                     "1 / (1 + exp(x)) (the sign of the exponent flipped)": 1 / (1 + np.exp(x))}
        expect_close(got, _ref_sigmoid(x), "sigmoid(x)", label, mistakes=hints, atol=1e-12)
        overflow = [w for w in caught if issubclass(w.category, RuntimeWarning)]
        if overflow:
            raise AssertionError(
                f"[{label}] sigmoid warned: {overflow[0].message}. Hint: exp(-x) overflows for "
                "large negative x; use exp(-|x|), which is at most 1, and pick the formula by "
                "the sign of x.")


def lstm_cell(student: Callable, *, seed: int = 0, n_random: int = 3) -> None:
    """``student(x, h_prev, c_prev, params)`` returns ``(h, c, cache)`` equal to the reference."""
    for k, case in enumerate(cases(seed, n_random)):
        d = data(case, "lstm", seed * 1000 + k)
        h_ref, c_ref, _ = _ref_lstm_cell(d["x"], d["h"], d["c"], d["params"])
        s = copies(d)
        got = unpack(guard.call_student(student, s["x"], s["h"], s["c"], s["params"],
                                        name="lstm_cell"), 3, "lstm_cell", "(h, c, cache)")
        hs, cs = mistakes.lstm_cell_mistakes(d["x"], d["h"], d["c"], d["params"])
        # c first: most mistakes show up in the cell state, and its hint is the clearer one.
        expect_close(got[1], c_ref, "c", case.label(), legend="(B, H)", mistakes=cs)
        expect_close(got[0], h_ref, "h", case.label(), legend="(B, H)", mistakes=hs)


def lstm_cell_backward(student_forward: Callable, student_backward: Callable, *, seed: int = 1,
                       n_random: int = 3) -> None:
    """``student_backward(dh, dc, cache)`` on the student's own cache gives the reference grads."""
    for k, case in enumerate(cases(seed, n_random)):
        d = data(case, "lstm", seed * 1000 + k)
        h_ref, c_ref, cache = _ref_lstm_cell(d["x"], d["h"], d["c"], d["params"])
        ref = _ref_lstm_cell_backward(d["dh"], d["dc"], cache)
        want = {"dx": ref[0], "dh_prev": ref[1], "dc_prev": ref[2], **ref[3]}
        s = copies(d)
        fwd = unpack(guard.call_student(student_forward, s["x"], s["h"], s["c"], s["params"],
                                        name="lstm_cell"), 3, "lstm_cell", "(h, c, cache)")
        expect_close(fwd[0], h_ref, "h from your lstm_cell (fix lstm_cell first)", case.label())
        got = unpack(guard.call_student(student_backward, s["dh"], s["dc"], fwd[2],
                                        name="lstm_cell_backward"),
                     4, "lstm_cell_backward", "(dx, dh_prev, dc_prev, grads)")
        variants = {m: mistakes.lstm_cell_backward_variant(d["dh"], d["dc"], d["x"], d["h"],
                                                           d["c"], d["params"], m)
                    for m in mistakes.LSTM_BACKWARD_MISTAKES}
        named = {"dx": got[0], "dh_prev": got[1], "dc_prev": got[2],
                 **unpack_grads(got[3], WEIGHTS, case.label())}
        for key, value in named.items():
            label = key if key in ("dx", "dh_prev", "dc_prev") else f"grads[{key!r}]"
            expect_close(value, want[key], label, case.label(),
                         mistakes={m: v[key] for m, v in variants.items()})


guard.take_snapshot()
