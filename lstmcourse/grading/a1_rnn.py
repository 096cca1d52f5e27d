"""Checks for assignment 1: ``rnn_cell`` and ``rnn_cell_backward``.

Each check is a plan (:mod:`lstmcourse.grading.plan`): the calls to make on inputs from
:mod:`lstmcourse.grading.cases`, and judges that compare what came back with
:mod:`lstmcourse.numpy` and explain a failure. Shapes: B batch, D input features, H hidden units;
x (B, D), h (B, H).

Backward passes are graded on two caches: the one the student's own ``rnn_cell`` returns, and
one the grader builds in the format the notebook documents (``CACHE_KEYS``). Either passing is
enough, so a bug in the forward pass does not also cost the backward pass's points.
"""

from __future__ import annotations

from lstmcourse.grading import mistakes
from lstmcourse.grading.cases import cases, data
from lstmcourse.grading.plan import Plan, check, student
from lstmcourse.grading.record import arrays_in
from lstmcourse.grading.report import expect_close, expect_unchanged, unpack, unpack_grads
from lstmcourse.numpy import rnn_cell as _ref_rnn_cell
from lstmcourse.numpy import rnn_cell_backward as _ref_rnn_cell_backward
from lstmcourse.numpy._checks import PARAM_KEYS as PARAM_NAMES

# The cache format the notebook documents for rnn_cell (its solution uses exactly this).
CACHE_KEYS = ("x", "h_prev", "h", "params", "nonlinearity")


def documented_cache(x, h_prev, params, nonlinearity="tanh") -> dict:
    """The cache a correct ``rnn_cell`` returns in the documented format."""
    h, _ = _ref_rnn_cell(x, h_prev, params, nonlinearity)
    return {"x": x, "h_prev": h_prev, "h": h, "params": params, "nonlinearity": nonlinearity}


# --- rnn_cell ----------------------------------------------------------------------------------

def _judge_rnn_cell(out, d: dict, label: str, nonlinearity: str) -> None:
    h, _ = unpack(out.get(label), 2, "rnn_cell", "(h, cache)")
    want, _ = _ref_rnn_cell(d["x"], d["h"], d["params"], nonlinearity)
    expect_close(h, want, "h", label, legend="(B, H)",
                 mistakes=mistakes.rnn_cell(d["x"], d["h"], d["params"], nonlinearity))


@check("rnn_cell")
def rnn_cell(fn, *, seed: int = 0, n_random: int = 3, nonlinearity: str = "tanh") -> Plan:
    """``rnn_cell(x, h_prev, params, nonlinearity)`` returns ``(h, cache)`` like the reference;
    with ``nonlinearity`` left out it is tanh."""
    plan, fn = Plan("rnn_cell"), student(fn, "rnn_cell")
    for k, case in enumerate(cases(seed, n_random)):
        d = data(case, "rnn", seed * 1000 + k)
        got = plan.call(fn, d["x"], d["h"], d["params"], nonlinearity)
        plan.expect(_judge_rnn_cell, got, d, case.label(), nonlinearity)
    if nonlinearity == "tanh":  # the documented default
        d = data(next(cases(seed, 0)), "rnn", seed)
        got = plan.call(fn, d["x"], d["h"], d["params"])
        plan.expect(_judge_rnn_cell, got, d, "nonlinearity left out (tanh)", "tanh")
    return plan


# --- rnn_cell_backward -------------------------------------------------------------------------

def _compare_grads(got, want: dict, variants: dict, label: str) -> None:
    dx, dh_prev, grads = unpack(got, 3, "rnn_cell_backward", "(dx, dh_prev, grads)")
    named = {"dx": dx, "dh_prev": dh_prev, **unpack_grads(grads, PARAM_NAMES, label)}
    for key, value in named.items():
        what = key if key in ("dx", "dh_prev") else f"grads[{key!r}]"
        expect_close(value, want[key], what, label,
                     mistakes={m: v[key] for m, v in variants.items()})


def _judge_backward(fwd, own, documented, d: dict, label: str) -> None:
    h_ref, cache = _ref_rnn_cell(d["x"], d["h"], d["params"])
    dx, dh_prev, grads = _ref_rnn_cell_backward(d["dh"], cache)
    want = {"dx": dx, "dh_prev": dh_prev, **grads}
    variants = {m: mistakes.rnn_cell_backward(d["dh"], d["x"], d["h"], h_ref, d["params"], m)
                for m in mistakes.RNN_BACKWARD_MISTAKES}
    try:  # the documented cache: graded whatever the forward pass does
        _compare_grads(documented.get(label), want, variants, label)
        return
    except AssertionError as exc:
        on_documented = str(exc)
    try:
        expect_close(unpack(fwd.get(label), 2, "rnn_cell", "(h, cache)")[0], h_ref,
                     "h from your rnn_cell", label)
    except AssertionError as exc:
        raise AssertionError(
            f"{exc} So your own cache could not be used. On a cache in the documented format "
            f"(a dict with keys {', '.join(CACHE_KEYS)}): {on_documented}") from None
    _compare_grads(own.get(label), want, variants, label)


@check("rnn_cell_backward")
def rnn_cell_backward(forward, backward, *, seed: int = 1, n_random: int = 3) -> Plan:
    """``rnn_cell_backward(dh, cache)`` returns the reference gradients, on the cache of the
    student's own ``rnn_cell`` or on one in the documented format (tanh)."""
    plan = Plan("rnn_cell_backward")
    forward, backward = student(forward, "rnn_cell"), student(backward, "rnn_cell_backward")
    plan.grades(backward)
    for k, case in enumerate(cases(seed, n_random)):
        d = data(case, "rnn", seed * 1000 + k)
        fwd = plan.call(forward, d["x"], d["h"], d["params"], "tanh")
        own = plan.call(backward, d["dh"], fwd[1])
        documented = plan.call(backward, d["dh"], documented_cache(d["x"], d["h"], d["params"]))
        plan.expect(_judge_backward, fwd, own, documented, d, case.label())
    return plan


# --- inputs left alone -------------------------------------------------------------------------

def _judge_unchanged(out, args: tuple, what: str) -> None:
    out.get(what)
    expect_unchanged(out.args_after, arrays_in(args), what, "a small case")


@check("inputs_unchanged")
def inputs_unchanged(forward, backward, *, seed: int = 2) -> Plan:
    """Neither function changes the arrays it is given."""
    plan = Plan("inputs_unchanged")
    forward, backward = student(forward, "rnn_cell"), student(backward, "rnn_cell_backward")
    d = data(next(cases(seed, 0)), "rnn", seed)
    args = (d["x"], d["h"], d["params"], "tanh")
    plan.expect(_judge_unchanged, plan.call(forward, *args), args, "rnn_cell")
    cache = documented_cache(d["x"], d["h"], d["params"])
    args = (d["dh"], cache)
    plan.expect(_judge_unchanged, plan.call(backward, *args), args, "rnn_cell_backward")
    return plan
