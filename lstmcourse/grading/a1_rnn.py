"""Checks for assignment 1: ``rnn_cell`` and ``rnn_cell_backward``.

Each check is a plan (:mod:`lstmcourse.grading.plan`): the calls to make on inputs from
:mod:`lstmcourse.grading.cases`, and judges that compare what came back with
:mod:`lstmcourse.numpy` and explain a failure. Shapes: B batch, D input features, H hidden units;
x (B, D), h (B, H).

Backward passes are graded on two caches, the student's own and one in the documented format
(``CACHE_KEYS``): see :mod:`lstmcourse.grading.judges`.
"""

from __future__ import annotations

from lstmcourse.conventions import PARAM_KEYS as PARAM_NAMES
from lstmcourse.grading import judges, mistakes
from lstmcourse.grading.cases import cases, data
from lstmcourse.grading.plan import Plan, check, student
from lstmcourse.grading.report import expect_close, unpack, unpack_grads
from lstmcourse.numpy import rnn_cell as _ref_rnn_cell
from lstmcourse.numpy import rnn_cell_backward as _ref_rnn_cell_backward

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

    def forward_ok() -> None:
        h = unpack(fwd.get(label), 2, "rnn_cell", "(h, cache)")[0]
        expect_close(h, h_ref, "h from your rnn_cell", label)

    judges.backward_on_either_cache(
        own, documented, compare=lambda got: _compare_grads(got, want, variants, label),
        forward_ok=forward_ok, cache_keys=CACHE_KEYS, label=label)


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

@check("inputs_unchanged")
def inputs_unchanged(forward, backward, *, seed: int = 2) -> Plan:
    """Neither function changes the arrays it is given."""
    plan = Plan("inputs_unchanged")
    forward, backward = student(forward, "rnn_cell"), student(backward, "rnn_cell_backward")
    d = data(next(cases(seed, 0)), "rnn", seed)
    args = (d["x"], d["h"], d["params"], "tanh")
    fwd = plan.call(forward, *args)
    plan.expect(judges.unchanged, fwd, args, "rnn_cell")
    documented = plan.call(backward, d["dh"], documented_cache(d["x"], d["h"], d["params"]))
    own = plan.call(backward, d["dh"], fwd[1])
    plan.expect(judges.unchanged_either, documented, own, [d["dh"]], "rnn_cell_backward")
    return plan
