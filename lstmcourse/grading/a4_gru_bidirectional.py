"""Checks for assignment 4: ``gru_cell`` (PyTorch's equations) and ``bidirectional``.

GRU, gate order r, z, n:  n = tanh(W_in x + b_in + r * (W_hn h + b_hn)),  h' = (1 - z) * n + z * h.
Shapes: T time steps, B batch, D input features, H hidden units.

``bidirectional`` is called with the layers the notebook gives (``gru`` and ``lstm``, cut out of
:mod:`lstmcourse.numpy` for the sandbox), passing the initial states positionally or by keyword
as the notebook's own cells do. ``gru_cell`` may not call those given layers: that would hand the
exercise to the reference.
"""

from __future__ import annotations

import numpy as np

from lstmcourse.grading import judges, mistakes
from lstmcourse.grading.cases import cases, data
from lstmcourse.grading.plan import Given, Plan, check, student
from lstmcourse.grading.report import expect_close, unpack
from lstmcourse.grading.rules import Rules
from lstmcourse.numpy import bidirectional as _ref_bidirectional
from lstmcourse.numpy import gru as _ref_gru
from lstmcourse.numpy import gru_cell as _ref_gru_cell
from lstmcourse.numpy import init_params as _init_params
from lstmcourse.numpy import lstm as _ref_lstm

LAYERS = {"gru": _ref_gru, "lstm": _ref_lstm}


def given() -> dict:
    """What the notebook's set-up cell gives (for a student's own run of the checks)."""
    return dict(LAYERS)


RULES = Rules(per_function={"gru_cell": frozenset({"gru", "lstm"})},
              why="gru_cell must compute the step itself, not call the given layers")


# --- gru_cell ----------------------------------------------------------------------------------

def _judge_gru_cell(out, d: dict, label: str) -> None:
    h, _ = unpack(out.get(label), 2, "gru_cell", "(h, cache)")
    want, _ = _ref_gru_cell(d["x"], d["h"], d["params"])
    expect_close(h, want, "h", label, legend="(B, H)",
                 mistakes=mistakes.gru_cell_mistakes(d["x"], d["h"], d["params"]))


@check("gru_cell")
def gru_cell(fn, *, seed: int = 0, n_random: int = 3) -> Plan:
    """``gru_cell(x, h_prev, params)`` returns ``(h, cache)`` equal to the reference."""
    plan, fn = Plan("gru_cell"), student(fn, "gru_cell")
    for k, case in enumerate(cases(seed, n_random)):
        d = data(case, "gru", seed * 1000 + k)
        plan.expect(_judge_gru_cell, plan.call(fn, d["x"], d["h"], d["params"]), d,
                    case.label())
    return plan


# --- bidirectional -----------------------------------------------------------------------------

def _mistakes(layer: str, x, pf, pb, kw) -> tuple[dict, dict]:
    """({hint: out}, {hint: h_n}) for the usual slips in a bidirectional wrapper."""
    ref = LAYERS[layer]
    of, sf, _ = ref(x, pf, **{k: v[0] for k, v in kw.items()})
    ob, sb, _ = ref(x[::-1], pb, **{k: v[1] for k, v in kw.items()})
    on, sn, _ = ref(x, pb, **{k: v[1] for k, v in kw.items()})
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


def _judge_bidirectional(out, layer: str, x, pf, pb, kw: dict, label: str) -> None:
    got = unpack(out.get(label), 3, "bidirectional", "(out, h_n, cache)")
    ref_out, state, _ = _ref_bidirectional(LAYERS[layer], x, pf, pb, **kw)
    m_out, m_h = _mistakes(layer, x, pf, pb, kw)
    expect_close(got[0], ref_out, "out", label, legend="(T, B, 2H)", mistakes=m_out)
    if layer == "lstm":
        st = unpack(got[1], 2, "bidirectional(lstm, ...)'s second output", "(h_n, c_n)")
        expect_close(st[0], state[0], "h_n", label, legend="(2, B, H)", mistakes=m_h)
        expect_close(st[1], state[1], "c_n", label, legend="(2, B, H)")
    else:
        expect_close(got[1], state, "h_n", label, legend="(2, B, H)", mistakes=m_h)


def _case(layer: str, seed: int, k: int, case) -> tuple:
    d = data(case, layer, seed * 1000 + k, sequence=True)
    pb = _init_params(layer, case.D, case.H, rng=seed * 1000 + k + 500)
    kw = {"h0": np.stack([d["h"], d["h"][::-1] * 0.5])}
    if layer == "lstm":
        kw["c0"] = np.stack([d["c"], -d["c"]])
    return d["x"], d["params"], pb, kw


@check("bidirectional", given)
def bidirectional(fn, *, layer: str = "gru", seed: int = 0, n_random: int = 3) -> Plan:
    """``bidirectional(layer, x, params_fwd, params_bwd, h0=...)`` joins the two directions like
    torch; also with the initial states left out (zeros)."""
    plan, fn = Plan(f"bidirectional_{layer}"), student(fn, "bidirectional")
    for k, case in enumerate(cases(seed, n_random)):
        x, pf, pb, kw = _case(layer, seed, k, case)
        got = plan.call(fn, Given(layer), x, pf, pb, **kw)
        plan.expect(_judge_bidirectional, got, layer, x, pf, pb, kw, case.label())
    x, pf, pb, _ = _case(layer, seed, 0, next(cases(seed, 0)))
    got = plan.call(fn, Given(layer), x, pf, pb)
    plan.expect(_judge_bidirectional, got, layer, x, pf, pb, {}, "initial states left out")
    return plan


# --- inputs left alone -------------------------------------------------------------------------

@check("inputs_unchanged", given)
def inputs_unchanged(cell_fn, bidirectional_fn, *, seed: int = 2) -> Plan:
    """Neither function changes the arrays it is given."""
    plan = Plan("inputs_unchanged")
    cell_fn, bidirectional_fn = student(cell_fn, "gru_cell"), student(bidirectional_fn,
                                                                      "bidirectional")
    case = next(cases(seed, 0))
    d = data(case, "gru", seed)
    args = (d["x"], d["h"], d["params"])
    plan.expect(judges.unchanged, plan.call(cell_fn, *args), args, "gru_cell")
    x, pf, pb, kw = _case("lstm", seed, 0, case)
    got = plan.call(bidirectional_fn, Given("lstm"), x, pf, pb, **kw)
    plan.expect(judges.unchanged, got, (x, pf, pb), "bidirectional", kwargs=kw)
    return plan
