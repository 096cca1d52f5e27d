"""Checks for assignment 1: ``rnn_cell`` and ``rnn_cell_backward``.

Each check runs the student's function on :mod:`lstmcourse.grading.cases`, compares with
:mod:`lstmcourse.numpy` and raises ``AssertionError`` with a message that explains the failure.
Shapes: B batch, D input features, H hidden units; x (B, D), h (B, H).
"""

from __future__ import annotations

from collections.abc import Callable

from lstmcourse.grading import guard, mistakes
from lstmcourse.grading.cases import cases, copies, data
from lstmcourse.grading.report import expect_close, unpack, unpack_grads
from lstmcourse.numpy import rnn_cell as _ref_rnn_cell
from lstmcourse.numpy import rnn_cell_backward as _ref_rnn_cell_backward

WEIGHTS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def rnn_cell(student: Callable, *, seed: int = 0, n_random: int = 3,
             nonlinearity: str = "tanh") -> None:
    """``student(x, h_prev, params, nonlinearity)`` returns ``(h, cache)`` like the reference."""
    for k, case in enumerate(cases(seed, n_random)):
        d = data(case, "rnn", seed * 1000 + k)
        want, _ = _ref_rnn_cell(d["x"], d["h"], d["params"], nonlinearity)
        s = copies(d)
        got = guard.call_student(student, s["x"], s["h"], s["params"], nonlinearity,
                                 name="rnn_cell")
        h, _ = unpack(got, 2, "rnn_cell", "(h, cache)")
        expect_close(h, want, "h", case.label(), legend="(B, H)",
                     mistakes=mistakes.rnn_cell(d["x"], d["h"], d["params"], nonlinearity))


def rnn_cell_backward(student_forward: Callable, student_backward: Callable, *, seed: int = 1,
                      n_random: int = 3) -> None:
    """``student_backward(dh, cache)`` on the student's own cache returns the reference gradients.

    The cache comes from the student's ``rnn_cell`` (tanh), so a wrong forward pass shows up here
    too; the message then says so.
    """
    for k, case in enumerate(cases(seed, n_random)):
        d = data(case, "rnn", seed * 1000 + k)
        h_ref, cache = _ref_rnn_cell(d["x"], d["h"], d["params"])
        dx, dh_prev, grads = _ref_rnn_cell_backward(d["dh"], cache)
        s = copies(d)
        fwd = unpack(guard.call_student(student_forward, s["x"], s["h"], s["params"], "tanh",
                                        name="rnn_cell"), 2, "rnn_cell", "(h, cache)")
        expect_close(fwd[0], h_ref, "h from your rnn_cell (fix rnn_cell first)", case.label())
        got = unpack(guard.call_student(student_backward, s["dh"], fwd[1],
                                        name="rnn_cell_backward"),
                     3, "rnn_cell_backward", "(dx, dh_prev, grads)")
        variants = {m: mistakes.rnn_cell_backward(d["dh"], d["x"], d["h"], h_ref, d["params"], m)
                    for m in mistakes.RNN_BACKWARD_MISTAKES}
        for name, want in (("dx", dx), ("dh_prev", dh_prev)):
            expect_close(got[0 if name == "dx" else 1], want, name, case.label(),
                         mistakes={m: v[name] for m, v in variants.items()})
        for key, value in unpack_grads(got[2], WEIGHTS, case.label()).items():
            expect_close(value, grads[key], f"grads[{key!r}]", case.label(),
                         mistakes={m: v[key] for m, v in variants.items()})


guard.take_snapshot()
