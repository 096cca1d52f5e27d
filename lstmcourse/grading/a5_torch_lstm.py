"""Checks for assignment 5: an ``LSTMCell(torch.nn.Module)`` equal to ``torch.nn.LSTMCell``.

The student's class must take ``(input_size, hidden_size, bias=True, device=None, dtype=None)``,
register ``weight_ih`` (4H, D), ``weight_hh`` (4H, H), ``bias_ih`` and ``bias_hh`` (4H,), start
uniform in ±1/sqrt(H), and map ``(input (B, D), hx=(h, c) or None)`` to ``(h', c')``, creating
zero states on the input's device and dtype. The reference is ``torch.nn.LSTMCell`` itself; like
every reference it runs only in the judges, outside the student's process. The weights are drawn
here and loaded into the student's module with its own ``load_state_dict``.

The training check fits a small model built on the student's cell to the adding problem
(Hochreiter & Schmidhuber 1997; :func:`lstmcourse.grading.record.adding_batch`): each step carries
a random number and a 0/1 marker, exactly two markers are set, and the target is the sum of the
two marked numbers. The training runs beside the student's code (the ``train_adding`` probe of
:mod:`lstmcourse.grading.record`, on batches it draws itself); the test sequences are drawn here
and only the predictions come back, scored against targets that never leave the grader.
Predicting the mean target (1.0) scores a mean squared error of about 0.167; the check asks for
{TARGET_MSE} or less on {N_TEST} sequences of length {T_ADD} after {STEPS} Adam steps, within
{CPU_BUDGET_S} s of CPU time.
"""

from __future__ import annotations

import dataclasses

import torch
from torch import nn

from lstmcourse.conventions import GATES, PARAM_KEYS
from lstmcourse.grading import rules
from lstmcourse.grading.plan import Plan, check, student
from lstmcourse.grading.record import adding_batch
from lstmcourse.grading.report import as_array, expect_close, expect_shape, unpack

# The recipe: with these, a correct cell reached a test MSE of 0.01 or less from every one of 60
# seeds tried (two initialisation orders); with sequences of 20 and 300 steps, half the seeds
# left it stuck at predicting the mean.
T_ADD, STEPS, BATCH, HIDDEN, LR, N_TEST = 10, 400, 64, 16, 0.02, 1000
TARGET_MSE, CPU_BUDGET_S = 0.02, 10.0
__doc__ = __doc__.format(**globals())
PARAMS = PARAM_KEYS
LSTM_GATES = "".join(GATES["lstm"])  # "ifgo"

# What this assignment forbids: torch's own recurrent code, reached as an attribute or imported
# (``nn.LSTMCell``, ``torch._VF``, ``from torch.nn import LSTM``). The student's class is called
# LSTMCell too, so these names are free as the student's own (rules.Rules.attributes_only).
RULES = rules.Rules(
    attributes_only=frozenset({"LSTMCell", "LSTM", "lstm_cell", "lstm", "_VF", "_C", "ops",
                               "RNN", "RNNCell", "GRU", "GRUCell", "rnn", "gru", "_lstm_impl"}),
    why="this assignment asks you to write the gates yourself")


def _value(out, what: str, case: str = ""):
    """What a call returned; an AssertionError naming the call ``what`` otherwise."""
    return dataclasses.replace(out, function=what).get(case)


# --- parameters --------------------------------------------------------------------------------

def _judge_parameters(made: list, params, no_bias, params64, D: int, H: int) -> None:
    for out, call in zip(made, (f"LSTMCell({D}, {H})", f"LSTMCell({D}, {H}, bias=False)",
                                f"LSTMCell({D}, {H}, dtype=torch.float64)"), strict=True):
        _value(out, call)
    call = f"LSTMCell({D}, {H})"
    got = {n: tuple(p.shape) for n, p in _value(params, call).items()}
    want = {n: tuple(p.shape) for n, p in nn.LSTMCell(D, H).named_parameters()}
    if got != want:
        raise AssertionError(f"{call} has parameters {got}; torch.nn.LSTMCell has {want} (names "
                             "and shapes must match for state_dict).")
    bound = H ** -0.5
    for n, p in _value(params, call).items():
        p = p.detach()
        if float(p.abs().max()) > bound + 1e-6 or float(p.std()) == 0:
            raise AssertionError(f"{call}: {n} must start uniform in ±1/sqrt(H) = ±{bound:.3g}; "
                                 f"got values in [{float(p.min()):.3g}, {float(p.max()):.3g}].")
    names = sorted(_value(no_bias, f"LSTMCell({D}, {H}, bias=False)"))
    if names != ["weight_hh", "weight_ih"]:
        raise AssertionError(f"LSTMCell({D}, {H}, bias=False) must have only weight_ih and "
                             f"weight_hh; it has {names}.")
    dtypes = {str(p.dtype) for p in _value(params64, "LSTMCell(..., dtype=torch.float64)")
              .values()}
    if dtypes != {"torch.float64"}:
        raise AssertionError(f"LSTMCell({D}, {H}, dtype=torch.float64) made weights of dtype "
                             f"{', '.join(sorted(dtypes))}: pass dtype on to the parameters.")


@check("parameters")
def parameters(cls, *, sizes: tuple[tuple[int, int], ...] = ((3, 5), (1, 2))) -> Plan:
    """Parameter names, shapes, dtype and initial range match ``torch.nn.LSTMCell``."""
    plan, cls = Plan("parameters"), student(cls, "LSTMCell")
    for D, H in sizes:
        made = [plan.call(cls, D, H), plan.call(cls, D, H, bias=False),
                plan.call(cls, D, H, dtype=torch.float64)]
        plan.expect(_judge_parameters, made,
                    *(plan.call(m, probe="named_parameters") for m in made), D, H)
    return plan


# --- forward and backward ----------------------------------------------------------------------

def _reference(state: dict) -> nn.LSTMCell:
    """torch.nn.LSTMCell (float64) with the weights ``state``."""
    H, D = state["weight_ih"].shape[0] // 4, state["weight_ih"].shape[1]
    ref = nn.LSTMCell(D, H, dtype=torch.float64)
    ref.load_state_dict(state)
    return ref


def _permuted(state: dict, order: str) -> nn.LSTMCell:
    """A torch cell that reads the weights' row blocks in ``order`` instead of i, f, g, o."""
    H = state["weight_ih"].shape[0] // 4
    idx = torch.cat([torch.arange(H) + LSTM_GATES.index(k) * H for k in order])
    return _reference({n: w[torch.argsort(idx)] for n, w in state.items()})


def _judge_forward(cell, loaded, fb, kw_list, no_hx, d: dict, case: str) -> None:
    _value(cell, f"LSTMCell({d['x'].shape[1]}, {d['h'].shape[1]}, dtype=torch.float64)", case)
    _value(loaded, "load_state_dict(torch.nn.LSTMCell(...).state_dict())", case)
    x, h, c, w_h, w_c = (d[k] for k in ("x", "h", "c", "w_h", "w_c"))
    result = _value(fb, "LSTMCell.forward(input, (h, c)) or its backward pass", case)
    got_h, got_c = unpack(result["out"], 2, "LSTMCell.forward", "(h, c)")
    # The reference on the same inputs, its gradients of the same loss, and the outputs of cells
    # with the gates in another order (a hint when the student's outputs equal one of them).
    ref = _reference(d["state"])
    xr, hr, cr = (t.clone().requires_grad_(True) for t in (x, h, c))
    want_h, want_c = ref(xr, (hr, cr))
    ((want_h * w_h).sum() + (want_c * w_c).sum()).backward()
    hints_h, hints_c = {}, {}
    with torch.no_grad():
        for order in ("ifog", "fiog", "igfo"):
            hints_h[f"gate order {order}"], hints_c[f"gate order {order}"] = \
                _permuted(d["state"], order)(x, (h, c))
    expect_close(got_c, want_c.detach(), "c", case, mistakes=hints_c)
    expect_close(got_h, want_h.detach(), "h", case, mistakes=hints_h)
    for name, grad, want in zip(("input", "h", "c"), result["input_grads"], (xr, hr, cr),
                                strict=True):
        if grad is None:
            raise AssertionError(f"[{case}] no gradient reached {name}: did you detach?")
        expect_close(grad, want.grad, f"gradient w.r.t. {name}", case)
    for n in PARAMS:
        if result["param_grads"].get(n) is None:
            raise AssertionError(f"[{case}] {n} received no gradient.")
        expect_close(result["param_grads"][n], getattr(ref, n).grad, f"gradient w.r.t. {n}",
                     case)
    # hx by keyword, as a list [h, c]: the same outputs.
    got_h, got_c = unpack(_value(kw_list, "LSTMCell.forward(input, hx=[h, c])", case), 2,
                          "LSTMCell.forward", "(h, c)")
    expect_close(got_c, want_c.detach(), "c with hx=[h, c]", case, mistakes=hints_c)
    expect_close(got_h, want_h.detach(), "h with hx=[h, c]", case, mistakes=hints_h)
    # hx left out: zero states, created with the input's dtype.
    got_h, got_c = unpack(_value(no_hx, "LSTMCell.forward(input) (hx=None)", case), 2,
                          "LSTMCell.forward", "(h, c)")
    if getattr(got_h, "dtype", None) != torch.float64:
        raise AssertionError(f"[{case}] with hx=None and a float64 input, h came back "
                             f"{getattr(got_h, 'dtype', type(got_h).__name__)}: create the zero "
                             "states with the input's dtype and device.")
    with torch.no_grad():
        want_h, want_c = ref(x)
    expect_close(got_c, want_c, "c with hx=None", case)
    expect_close(got_h, want_h, "h with hx=None", case)


def _forward_data(B: int, D: int, H: int, gen: torch.Generator) -> dict:
    """Weights (in ±1/sqrt(H), like torch's initialisation), inputs, states, and the weights of
    the loss whose gradients are compared; all float64."""
    def draw(*shape: int, bound: float = 1.0) -> torch.Tensor:
        return (torch.rand(*shape, dtype=torch.float64, generator=gen) * 2 - 1) * bound

    shapes = {"weight_ih": (4 * H, D), "weight_hh": (4 * H, H), "bias_ih": (4 * H,),
              "bias_hh": (4 * H,)}
    return {"state": {n: draw(*s, bound=H ** -0.5) for n, s in shapes.items()},
            "x": draw(B, D), "h": draw(B, H), "c": draw(B, H), "w_h": draw(B, H),
            "w_c": draw(B, H)}


@check("forward")
def forward(cls, *, seed: int = 0, sizes: tuple[tuple[int, int, int], ...] = (
        (2, 3, 4), (1, 1, 1), (5, 6, 3))) -> Plan:
    """Outputs and gradients equal ``torch.nn.LSTMCell`` with the same weights (float64), with
    ``hx`` as a tuple or a list, by position or keyword, or left out."""
    plan, cls = Plan("forward"), student(cls, "LSTMCell")
    gen = torch.Generator().manual_seed(seed)
    for B, D, H in sizes:
        d = _forward_data(B, D, H, gen)
        cell = plan.call(cls, D, H, dtype=torch.float64)
        loaded = plan.call(cell, d["state"], attrs=("load_state_dict",))
        x, h, c = (d[k].clone().requires_grad_(True) for k in ("x", "h", "c"))
        fb = plan.call(cell, x, (h, c), probe="forward_backward", _weights=(d["w_h"], d["w_c"]))
        kw_list = plan.call(cell, d["x"], hx=[d["h"], d["c"]])
        no_hx = plan.call(cell, d["x"])
        plan.expect(_judge_forward, cell, loaded, fb, kw_list, no_hx, d, f"B={B}, D={D}, H={H}")
    return plan


# --- another device ----------------------------------------------------------------------------

def _judge_device(cell, params, out) -> None:
    _value(cell, "LSTMCell(3, 4, device='meta')")
    devices = {p.device.type for p in _value(params, "LSTMCell(3, 4, device='meta')").values()}
    if devices != {"meta"}:
        raise AssertionError(f"LSTMCell(3, 4, device='meta') made parameters on "
                             f"{', '.join(sorted(devices))}: pass device on to the parameters.")
    if out.error is not None:
        raise AssertionError(
            f"on device 'meta' the forward pass failed ({out.error['type']}: "
            f"{out.error['message']}). Hint: create zero states with "
            "torch.zeros(..., device=input.device, dtype=input.dtype), never on the default "
            "device.")
    h, _ = unpack(out.get(), 2, "LSTMCell.forward", "(h, c)")
    if getattr(h, "device", None) is None or h.device.type != "meta" or tuple(h.shape) != (2, 4):
        raise AssertionError(f"on device 'meta', h is {tuple(getattr(h, 'shape', ()))} on "
                             f"{getattr(h, 'device', type(h).__name__)}; expected (2, 4) on meta.")


@check("device_agnostic")
def device_agnostic(cls) -> Plan:
    """The cell runs on the 'meta' device: no hidden CPU tensors, states on the input's device."""
    plan, cls = Plan("device_agnostic"), student(cls, "LSTMCell")
    cell = plan.call(cls, 3, 4, device="meta")
    params = plan.call(cell, probe="named_parameters")
    plan.expect(_judge_device, cell, params, plan.call(cell, torch.empty(2, 3, device="meta")))
    return plan


# --- training ----------------------------------------------------------------------------------

def _judge_training(out, y_test: torch.Tensor) -> None:
    result = _value(out, "training LSTMCell on the adding problem")
    pred = as_array(result["predictions"], "predictions", "adding problem")
    expect_shape(pred, tuple(y_test.shape), "predictions", "adding problem")
    mse = float(((pred - y_test.numpy()) ** 2).mean())
    if not mse <= TARGET_MSE:
        raise AssertionError(f"after {STEPS} steps the test MSE is {mse:.4f}; the target is "
                             f"{TARGET_MSE} (predicting the mean scores about 0.167). Check the "
                             "forget gate and the cell state update.")
    # The CPU time is measured in the student's process, which could misreport it: this rule is
    # advisory. The hard limit is the sandbox's: each cell's and the whole notebook's wall time.
    if result["cpu_seconds"] > CPU_BUDGET_S:
        raise AssertionError(f"training took {result['cpu_seconds']:.1f} s of CPU time; the "
                             f"limit is {CPU_BUDGET_S:g} s.")


@check("train_adding")
def train_adding(cls, *, seed: int = 0) -> Plan:
    """Train cell + linear read-out on the adding problem; fail above TARGET_MSE or over budget.

    The training batches come from ``seed`` (drawn where the cell trains); the test sequences
    from another stream of it, drawn here, and their targets stay here."""
    plan, cls = Plan("train_adding"), student(cls, "LSTMCell")
    x_test, y_test = adding_batch(N_TEST, T_ADD, torch.Generator().manual_seed(10_000 + seed))
    out = plan.call(cls, x_test, probe="train_adding", hidden=HIDDEN, steps=STEPS, batch=BATCH,
                    lr=LR, seed=seed, budget_s=CPU_BUDGET_S)
    plan.expect(_judge_training, out, y_test.double())
    return plan
