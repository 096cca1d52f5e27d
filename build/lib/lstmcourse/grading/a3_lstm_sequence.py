"""Checks for assignment 3: ``lstm``, ``lstm_backward`` (through time) and ``lstm_param_count``.

The notebook gives students the reference ``lstm_cell`` and ``lstm_cell_backward`` to build on, so
the call tracer allows exactly those two entries into :mod:`lstmcourse.numpy`.
Shapes: T time steps, B batch, D input features, H hidden units; x (T, B, D), out (T, B, H).
"""

from __future__ import annotations

from collections.abc import Callable

from lstmcourse.grading import guard, mistakes
from lstmcourse.grading.cases import cases, copies, data
from lstmcourse.grading.report import expect_close, expect_equal_number, unpack, unpack_grads
from lstmcourse.numpy import lstm as _ref_lstm
from lstmcourse.numpy import lstm_backward as _ref_lstm_backward
from lstmcourse.numpy import lstm_param_count as _ref_lstm_param_count

GIVEN = ("lstm_cell", "lstm_cell_backward")
WEIGHTS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def lstm(student: Callable, *, seed: int = 0, n_random: int = 3) -> None:
    """``student(x, params, h0, c0)`` returns ``(out, (h_n, c_n), cache)`` like the reference.

    Also called with the states left out, which must mean zeros.
    """
    for k, case in enumerate(cases(seed, n_random)):
        d = data(case, "lstm", seed * 1000 + k, sequence=True)
        out, (hn, cn), _ = _ref_lstm(d["x"], d["params"], d["h"], d["c"])
        s = copies(d)
        got = unpack(guard.call_student(student, s["x"], s["params"], s["h"], s["c"],
                                        allowed=GIVEN, name="lstm"),
                     3, "lstm", "(out, (h_n, c_n), cache)")
        states = unpack(got[1], 2, "lstm's second output", "(h_n, c_n)")
        m_out, m_h, m_c = mistakes.lstm_mistakes(d["x"], d["params"], d["h"], d["c"])
        expect_close(got[0], out, "out", case.label(), legend="(T, B, H)", mistakes=m_out)
        expect_close(states[0], hn, "h_n", case.label(), legend="(B, H)", mistakes=m_h)
        expect_close(states[1], cn, "c_n", case.label(), legend="(B, H)", mistakes=m_c)
    # Default states: zeros.
    d = data(next(cases(seed, 0)), "lstm", seed, sequence=True)
    out, _, _ = _ref_lstm(d["x"], d["params"])
    got = unpack(guard.call_student(student, d["x"].copy(), copies(d)["params"],
                                    allowed=GIVEN, name="lstm"), 3, "lstm", "(out, ...)")
    expect_close(got[0], out, "out with h0 and c0 left out (they default to zeros)", "defaults")


def lstm_backward(student_forward: Callable, student_backward: Callable, *, seed: int = 1,
                  n_random: int = 3) -> None:
    """``student_backward(dout, cache, dh_n, dc_n)`` gives the reference dx, dh0, dc0, grads."""
    for k, case in enumerate(cases(seed, n_random)):
        d = data(case, "lstm", seed * 1000 + k, sequence=True)
        out, _, cache = _ref_lstm(d["x"], d["params"], d["h"], d["c"])
        ref = _ref_lstm_backward(d["dout"], cache, d["dh"], d["dc"])
        want = {"dx": ref[0], "dh0": ref[1], "dc0": ref[2], **ref[3]}
        s = copies(d)
        fwd = unpack(guard.call_student(student_forward, s["x"], s["params"], s["h"], s["c"],
                                        allowed=GIVEN, name="lstm"),
                     3, "lstm", "(out, (h_n, c_n), cache)")
        expect_close(fwd[0], out, "out from your lstm (fix lstm first)", case.label())
        got = unpack(guard.call_student(student_backward, s["dout"], fwd[2], s["dh"], s["dc"],
                                        allowed=GIVEN, name="lstm_backward"),
                     4, "lstm_backward", "(dx, dh0, dc0, grads)")
        variants = mistakes.lstm_backward_mistakes(d["dout"], d["x"], d["params"], d["h"],
                                                   d["c"], d["dh"], d["dc"])
        named = {"dx": got[0], "dh0": got[1], "dc0": got[2],
                 **unpack_grads(got[3], WEIGHTS, case.label())}
        for key, value in named.items():
            label = key if key in ("dx", "dh0", "dc0") else f"grads[{key!r}]"
            expect_close(value, want[key], label, case.label(),
                         mistakes={m: v[key] for m, v in variants.items()})


def lstm_param_count(student: Callable, *, extra: tuple[tuple[int, int, int], ...] = ()) -> None:
    """``student(input_size, hidden_size, biases=2)`` counts like the reference (incl. 53,600)."""
    sizes = ((32, 100, 2), (32, 100, 1), (1, 1, 2), (7, 3, 1), (3, 7, 0), *extra)
    for D, H, biases in sizes:
        got = guard.call_student(student, D, H, biases, name="lstm_param_count")
        expect_equal_number(got, _ref_lstm_param_count(D, H, biases),
                            f"lstm_param_count({D}, {H}, biases={biases})", "counts",
                            mistakes=mistakes.lstm_param_count_mistakes(D, H, biases))
    got = guard.call_student(student, 32, 100, name="lstm_param_count")
    expect_equal_number(got, _ref_lstm_param_count(32, 100), "lstm_param_count(32, 100)",
                        "default biases (PyTorch's two)")


guard.take_snapshot()
