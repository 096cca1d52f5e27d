"""Checks for assignment 3: ``lstm``, ``lstm_backward`` (through time) and ``lstm_param_count``.

The notebook gives students the reference ``lstm_cell`` and ``lstm_cell_backward`` to build on
(in the sandbox they come from a module cut out of :mod:`lstmcourse.numpy`, see
:mod:`lstmcourse.grading.given`). Shapes: T time steps, B batch, D input features, H hidden
units; x (T, B, D), out (T, B, H).

The documented cache of ``lstm`` is the list of the T caches the given ``lstm_cell`` returned, in
time order. The grader builds it inside the sandbox by calling the given ``lstm_cell`` step after
step, so no state computed by the reference outside ever enters the sandbox.
"""

from __future__ import annotations

from lstmcourse.conventions import PARAM_KEYS
from lstmcourse.grading import judges, mistakes
from lstmcourse.grading.cases import cases, data
from lstmcourse.grading.plan import Given, Plan, check, student
from lstmcourse.grading.report import expect_close, expect_equal_number, unpack, unpack_grads
from lstmcourse.grading.rules import Rules
from lstmcourse.numpy import lstm as _ref_lstm
from lstmcourse.numpy import lstm_backward as _ref_lstm_backward
from lstmcourse.numpy import lstm_cell as _ref_lstm_cell
from lstmcourse.numpy import lstm_cell_backward as _ref_lstm_cell_backward
from lstmcourse.numpy import lstm_param_count as _ref_lstm_param_count


def given() -> dict:
    """What the notebook's set-up cell gives (for a student's own run of the checks)."""
    return {"lstm_cell": _ref_lstm_cell, "lstm_cell_backward": _ref_lstm_cell_backward}


RULES = Rules()
CACHE_FORMAT = "a list of the T caches the given lstm_cell returned, in time order"


# --- lstm --------------------------------------------------------------------------------------

def _judge_lstm(out, d: dict, label: str, defaults: bool = False) -> None:
    got = unpack(out.get(label), 3, "lstm", "(out, (h_n, c_n), cache)")
    states = unpack(got[1], 2, "lstm's second output", "(h_n, c_n)")
    if defaults:
        ref_out, (hn, cn), _ = _ref_lstm(d["x"], d["params"])
        m_out, m_h, m_c = {}, {}, {}
    else:
        ref_out, (hn, cn), _ = _ref_lstm(d["x"], d["params"], d["h"], d["c"])
        m_out, m_h, m_c = mistakes.lstm_mistakes(d["x"], d["params"], d["h"], d["c"])
    expect_close(got[0], ref_out, "out", label, legend="(T, B, H)", mistakes=m_out)
    expect_close(states[0], hn, "h_n", label, legend="(B, H)", mistakes=m_h)
    expect_close(states[1], cn, "c_n", label, legend="(B, H)", mistakes=m_c)


@check("lstm", given)
def lstm(fn, *, seed: int = 0, n_random: int = 3) -> Plan:
    """``lstm(x, params, h0, c0)`` returns ``(out, (h_n, c_n), cache)`` like the reference; with
    the states left out they are zeros."""
    plan, fn = Plan("lstm"), student(fn, "lstm")
    for k, case in enumerate(cases(seed, n_random)):
        d = data(case, "lstm", seed * 1000 + k, sequence=True)
        got = plan.call(fn, d["x"], d["params"], d["h"], d["c"])
        plan.expect(_judge_lstm, got, d, case.label())
    d = data(next(cases(seed, 0)), "lstm", seed, sequence=True)
    got = plan.call(fn, d["x"], d["params"])
    plan.expect(_judge_lstm, got, d, "h0 and c0 left out (zeros)", defaults=True)
    return plan


# --- lstm_backward -----------------------------------------------------------------------------

def documented_cache(plan: Plan, d: dict) -> list:
    """The documented cache, built in the sandbox: the given lstm_cell called step by step."""
    h, c, caches = d["h"], d["c"], []
    for t in range(d["x"].shape[0]):
        step = plan.call(Given("lstm_cell"), d["x"][t], h, c, d["params"])
        h, c = step[0], step[1]
        caches.append(step[2])
    return caches


def _compare_grads(got, want: dict, variants: dict, label: str) -> None:
    dx, dh0, dc0, grads = unpack(got, 4, "lstm_backward", "(dx, dh0, dc0, grads)")
    named = {"dx": dx, "dh0": dh0, "dc0": dc0, **unpack_grads(grads, PARAM_KEYS, label)}
    for key, value in named.items():
        what = key if key in ("dx", "dh0", "dc0") else f"grads[{key!r}]"
        expect_close(value, want[key], what, label,
                     mistakes={m: v[key] for m, v in variants.items()})


def _judge_backward(fwd, own, documented, d: dict, label: str, defaults: bool = False) -> None:
    ref_out, _, cache = _ref_lstm(d["x"], d["params"], d["h"], d["c"])
    dh_n, dc_n = (None, None) if defaults else (d["dh"], d["dc"])
    ref = _ref_lstm_backward(d["dout"], cache, dh_n, dc_n)
    want = {"dx": ref[0], "dh0": ref[1], "dc0": ref[2], **ref[3]}
    variants = {} if defaults else mistakes.lstm_backward_mistakes(
        d["dout"], d["x"], d["params"], d["h"], d["c"], d["dh"], d["dc"])

    def forward_ok() -> None:
        out = unpack(fwd.get(label), 3, "lstm", "(out, (h_n, c_n), cache)")[0]
        expect_close(out, ref_out, "out from your lstm", label)

    judges.backward_on_either_cache(
        own, documented, compare=lambda got: _compare_grads(got, want, variants, label),
        forward_ok=forward_ok, cache_keys=[CACHE_FORMAT], label=label)


@check("lstm_backward", given)
def lstm_backward(forward, backward, *, seed: int = 1, n_random: int = 3) -> Plan:
    """``lstm_backward(dout, cache, dh_n, dc_n)`` gives the reference dx, dh0, dc0 and grads, on
    the student's own cache or the documented one; ``dh_n`` and ``dc_n`` default to zeros."""
    plan = Plan("lstm_backward")
    forward, backward = student(forward, "lstm"), student(backward, "lstm_backward")
    plan.grades(backward)
    for k, case in enumerate(cases(seed, n_random)):
        d = data(case, "lstm", seed * 1000 + k, sequence=True)
        fwd = plan.call(forward, d["x"], d["params"], d["h"], d["c"])
        own = plan.call(backward, d["dout"], fwd[2], d["dh"], d["dc"])
        documented = plan.call(backward, d["dout"], documented_cache(plan, d), d["dh"], d["dc"])
        plan.expect(_judge_backward, fwd, own, documented, d, case.label())
    d = data(next(cases(seed, 0)), "lstm", seed, sequence=True)
    fwd = plan.call(forward, d["x"], d["params"], d["h"], d["c"])
    own = plan.call(backward, d["dout"], fwd[2])
    documented = plan.call(backward, d["dout"], documented_cache(plan, d))
    plan.expect(_judge_backward, fwd, own, documented, d, "dh_n and dc_n left out (zeros)",
                defaults=True)
    return plan


# --- lstm_param_count --------------------------------------------------------------------------

def _judge_count(out, D: int, H: int, biases: int | None) -> None:
    what = f"lstm_param_count({D}, {H}" + (")" if biases is None else f", biases={biases})")
    b = 2 if biases is None else biases
    hints = None if biases is None else mistakes.lstm_param_count_mistakes(D, H, b)
    case = "default biases (PyTorch's two)" if biases is None else "counts"
    expect_equal_number(out.get(what), _ref_lstm_param_count(D, H, b), what, case,
                        mistakes=hints)


@check("lstm_param_count")
def lstm_param_count(fn, *, extra: tuple[tuple[int, int, int], ...] = ()) -> Plan:
    """``lstm_param_count(input_size, hidden_size, biases=2)`` counts like the reference
    (including the 53,600 of an Embedding(32) feeding an LSTM(100))."""
    plan, fn = Plan("lstm_param_count"), student(fn, "lstm_param_count")
    for D, H, biases in ((32, 100, 2), (32, 100, 1), (1, 1, 2), (7, 3, 1), (3, 7, 0), *extra):
        plan.expect(_judge_count, plan.call(fn, D, H, biases), D, H, biases)
    plan.expect(_judge_count, plan.call(fn, 32, 100), 32, 100, None)
    return plan


# --- inputs left alone -------------------------------------------------------------------------

@check("inputs_unchanged", given)
def inputs_unchanged(forward, backward, *, seed: int = 2) -> Plan:
    """Neither function changes the arrays it is given."""
    plan = Plan("inputs_unchanged")
    forward, backward = student(forward, "lstm"), student(backward, "lstm_backward")
    d = data(next(cases(seed, 0)), "lstm", seed, sequence=True)
    args = (d["x"], d["params"], d["h"], d["c"])
    fwd = plan.call(forward, *args)
    plan.expect(judges.unchanged, fwd, args, "lstm")
    documented = plan.call(backward, d["dout"], documented_cache(plan, d), d["dh"], d["dc"])
    own = plan.call(backward, d["dout"], fwd[2], d["dh"], d["dc"])
    plan.expect(judges.unchanged_either, documented, own, [d["dout"]], "lstm_backward")
    return plan
