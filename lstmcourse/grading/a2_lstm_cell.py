"""Checks for assignment 2: ``sigmoid``, ``lstm_cell`` and ``lstm_cell_backward``.

Shapes: B batch, D input features, H hidden units; x (B, D), h and c (B, H); gates i, f, g, o.
Every check is a plan (:mod:`lstmcourse.grading.plan`); see :mod:`lstmcourse.grading.a1_rnn` for
how backward passes are graded on the student's cache or on the documented one.
"""

from __future__ import annotations

import numpy as np

from lstmcourse.conventions import GATES, PARAM_KEYS
from lstmcourse.grading import judges, mistakes
from lstmcourse.grading.cases import cases, data
from lstmcourse.grading.plan import Plan, check, student
from lstmcourse.grading.report import expect_close, unpack, unpack_grads
from lstmcourse.numpy import lstm_cell as _ref_lstm_cell
from lstmcourse.numpy import lstm_cell_backward as _ref_lstm_cell_backward
from lstmcourse.numpy import sigmoid as _ref_sigmoid

# The cache format the notebook documents for lstm_cell (its solution uses exactly this).
CACHE_KEYS = ("x", "h_prev", "c_prev", "i", "f", "g", "o", "c", "params")


def documented_cache(x, h_prev, c_prev, params) -> dict:
    """The cache a correct ``lstm_cell`` returns in the documented format."""
    _, c, ref = _ref_lstm_cell(x, h_prev, c_prev, params)
    return {"x": x, "h_prev": h_prev, "c_prev": c_prev, **{k: ref.gates[k] for k in GATES["lstm"]},
            "c": c, "params": params}


# --- sigmoid -----------------------------------------------------------------------------------

def _judge_sigmoid(out, x: np.ndarray, label: str) -> None:
    got = out.get(label)
    with np.errstate(all="ignore"):
        hints = {"tanh instead of sigmoid": np.tanh(x),
                 "1 / (1 + exp(x)) (the sign of the exponent flipped)": 1 / (1 + np.exp(x)),
                 "exp(x) / (1 + exp(x)) for every x (inf / inf is nan for large x)":
                     np.exp(x) / (1 + np.exp(x))}
    try:
        expect_close(got, _ref_sigmoid(x), "sigmoid(x)", label, mistakes=hints, atol=1e-12)
    except AssertionError as exc:
        if np.abs(x).max() >= 40:
            raise AssertionError(f"{exc} Hint: for large |x| one of exp(x), exp(-x) overflows to "
                                 "inf; use exp(-|x|), which is at most 1, and pick the formula "
                                 "by the sign of x.") from None
        raise


@check("sigmoid")
def sigmoid(fn, *, seed: int = 0) -> Plan:
    """Values match on a grid and random arrays of several shapes, and stay right (no nan, no
    inf) at |x| = 1000. Graded on the values: warnings do not count."""
    plan, fn = Plan("sigmoid"), student(fn, "sigmoid")
    rng = np.random.default_rng(seed)
    inputs = {
        "a grid from -10 to 10": np.linspace(-10, 10, 41),
        "a (3, 4) array": rng.normal(0, 3, (3, 4)),
        "extreme values ±1000, ±710, ±40, 0": np.array([-1000., -710., -40., 0., 40., 710., 1e3]),
        "a (2, 1, 3) array": rng.normal(0, 5, (2, 1, 3)),
    }
    for label, x in inputs.items():
        plan.expect(_judge_sigmoid, plan.call(fn, x), x, label)
    return plan


# --- lstm_cell ---------------------------------------------------------------------------------

def _judge_lstm_cell(out, d: dict, label: str) -> None:
    h, c, _ = unpack(out.get(label), 3, "lstm_cell", "(h, c, cache)")
    h_ref, c_ref, _ = _ref_lstm_cell(d["x"], d["h"], d["c"], d["params"])
    hs, cs = mistakes.lstm_cell_mistakes(d["x"], d["h"], d["c"], d["params"])
    # c first: most mistakes show up in the cell state, and its hint is the clearer one.
    expect_close(c, c_ref, "c", label, legend="(B, H)", mistakes=cs)
    expect_close(h, h_ref, "h", label, legend="(B, H)", mistakes=hs)


@check("lstm_cell")
def lstm_cell(fn, *, seed: int = 0, n_random: int = 3) -> Plan:
    """``lstm_cell(x, h_prev, c_prev, params)`` returns ``(h, c, cache)`` equal to the reference."""
    plan, fn = Plan("lstm_cell"), student(fn, "lstm_cell")
    for k, case in enumerate(cases(seed, n_random)):
        d = data(case, "lstm", seed * 1000 + k)
        got = plan.call(fn, d["x"], d["h"], d["c"], d["params"])
        plan.expect(_judge_lstm_cell, got, d, case.label())
    return plan


# --- lstm_cell_backward ------------------------------------------------------------------------

def _compare_grads(got, want: dict, variants: dict, label: str) -> None:
    dx, dh_prev, dc_prev, grads = unpack(got, 4, "lstm_cell_backward",
                                         "(dx, dh_prev, dc_prev, grads)")
    named = {"dx": dx, "dh_prev": dh_prev, "dc_prev": dc_prev,
             **unpack_grads(grads, PARAM_KEYS, label)}
    for key, value in named.items():
        what = key if key in ("dx", "dh_prev", "dc_prev") else f"grads[{key!r}]"
        expect_close(value, want[key], what, label,
                     mistakes={m: v[key] for m, v in variants.items()})


def _judge_backward(fwd, own, documented, d: dict, label: str) -> None:
    h_ref, _, cache = _ref_lstm_cell(d["x"], d["h"], d["c"], d["params"])
    ref = _ref_lstm_cell_backward(d["dh"], d["dc"], cache)
    want = {"dx": ref[0], "dh_prev": ref[1], "dc_prev": ref[2], **ref[3]}
    variants = {m: mistakes.lstm_cell_backward_variant(d["dh"], d["dc"], d["x"], d["h"], d["c"],
                                                       d["params"], m)
                for m in mistakes.LSTM_BACKWARD_MISTAKES}

    def forward_ok() -> None:
        h = unpack(fwd.get(label), 3, "lstm_cell", "(h, c, cache)")[0]
        expect_close(h, h_ref, "h from your lstm_cell", label)

    judges.backward_on_either_cache(
        own, documented, compare=lambda got: _compare_grads(got, want, variants, label),
        forward_ok=forward_ok, cache_keys=CACHE_KEYS, label=label)


@check("lstm_cell_backward")
def lstm_cell_backward(forward, backward, *, seed: int = 1, n_random: int = 3) -> Plan:
    """``lstm_cell_backward(dh, dc, cache)`` returns the reference gradients, on the cache of the
    student's own ``lstm_cell`` or on one in the documented format."""
    plan = Plan("lstm_cell_backward")
    forward, backward = student(forward, "lstm_cell"), student(backward, "lstm_cell_backward")
    plan.grades(backward)
    for k, case in enumerate(cases(seed, n_random)):
        d = data(case, "lstm", seed * 1000 + k)
        fwd = plan.call(forward, d["x"], d["h"], d["c"], d["params"])
        own = plan.call(backward, d["dh"], d["dc"], fwd[2])
        cache = documented_cache(d["x"], d["h"], d["c"], d["params"])
        documented = plan.call(backward, d["dh"], d["dc"], cache)
        plan.expect(_judge_backward, fwd, own, documented, d, case.label())
    return plan


# --- inputs left alone -------------------------------------------------------------------------

@check("inputs_unchanged")
def inputs_unchanged(sigmoid_fn, forward, backward, *, seed: int = 2) -> Plan:
    """No function changes the arrays it is given."""
    plan = Plan("inputs_unchanged")
    sigmoid_fn, forward = student(sigmoid_fn, "sigmoid"), student(forward, "lstm_cell")
    backward = student(backward, "lstm_cell_backward")
    d = data(next(cases(seed, 0)), "lstm", seed)
    plan.expect(judges.unchanged, plan.call(sigmoid_fn, d["x"]), [d["x"]], "sigmoid")
    args = (d["x"], d["h"], d["c"], d["params"])
    fwd = plan.call(forward, *args)
    plan.expect(judges.unchanged, fwd, args, "lstm_cell")
    documented = plan.call(backward, d["dh"], d["dc"], documented_cache(*args))
    own = plan.call(backward, d["dh"], d["dc"], fwd[2])
    plan.expect(judges.unchanged_either, documented, own, [d["dh"], d["dc"]],
                "lstm_cell_backward")
    return plan
