"""Checks for assignment 5: an ``LSTMCell(torch.nn.Module)`` equal to ``torch.nn.LSTMCell``.

The student's class must take ``(input_size, hidden_size, bias=True, device=None, dtype=None)``,
register ``weight_ih`` (4H, D), ``weight_hh`` (4H, H), ``bias_ih`` and ``bias_hh`` (4H,), start
uniform in ±1/sqrt(H), and map ``(input (B, D), hx=(h, c) or None)`` to ``(h', c')``, creating
zero states on the input's device and dtype. The reference here is ``torch.nn.LSTMCell`` itself.

The training check fits a small model built on the student's cell to the adding problem
(Hochreiter & Schmidhuber 1997): each step carries a random number and a 0/1 marker, exactly two
markers are set, and the target is the sum of the two marked numbers. Predicting the mean target
(1.0) scores a mean squared error of about 0.167; the check asks for {TARGET_MSE} or less on fresh
sequences of length {T_ADD} after {STEPS} Adam steps, within {CPU_BUDGET_S} s of CPU time.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import torch
from torch import nn

from lstmcourse.grading import guard
from lstmcourse.grading.report import expect_close, unpack

T_ADD, STEPS, BATCH, HIDDEN, LR = 20, 300, 64, 16, 0.02
TARGET_MSE, CPU_BUDGET_S = 0.02, 10.0
__doc__ = __doc__.format(**globals())
_process_time = time.process_time
_torch_cell = nn.LSTMCell
PARAMS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def _make(cls: type, *args, **kw) -> nn.Module:
    module = guard.call_student(lambda: cls(*args, **kw), name="LSTMCell(...)")
    if not isinstance(module, nn.Module):
        raise AssertionError(f"LSTMCell(...) must build a torch.nn.Module; got "
                             f"{type(module).__name__}.")
    return module


def parameters(cls: type, *, sizes: tuple[tuple[int, int], ...] = ((3, 5), (1, 2))) -> None:
    """Parameter names, shapes, dtype and initial range match ``torch.nn.LSTMCell``."""
    for D, H in sizes:
        ours = _make(cls, D, H)
        want = {n: tuple(p.shape) for n, p in _torch_cell(D, H).named_parameters()}
        got = {n: tuple(p.shape) for n, p in ours.named_parameters()}
        if got != want:
            raise AssertionError(f"LSTMCell({D}, {H}) has parameters {got}; torch.nn.LSTMCell "
                                 f"has {want} (names and shapes must match for state_dict).")
        bound = H ** -0.5
        for n, p in ours.named_parameters():
            if float(p.detach().abs().max()) > bound + 1e-12 or float(p.detach().std()) == 0:
                raise AssertionError(f"{n} must start uniform in ±1/sqrt(H) = ±{bound:.3g}; got "
                                     f"values in [{float(p.min()):.3g}, {float(p.max()):.3g}].")
        nobias = {n for n, _ in _make(cls, D, H, bias=False).named_parameters()}
        if nobias != {"weight_ih", "weight_hh"}:
            raise AssertionError(f"LSTMCell({D}, {H}, bias=False) must have only weight_ih and "
                                 f"weight_hh; it has {sorted(nobias)}.")
        p64 = next(iter(_make(cls, D, H, dtype=torch.float64).parameters()))
        if p64.dtype != torch.float64:
            raise AssertionError(f"LSTMCell(..., dtype=torch.float64) made {p64.dtype} weights.")


def _permuted(ref: nn.LSTMCell, order: str) -> nn.LSTMCell:
    """A torch cell whose rows are read in ``order`` instead of i, f, g, o."""
    H = ref.hidden_size
    idx = torch.cat([torch.arange(H) + "ifgo".index(k) * H for k in order])
    other = _torch_cell(ref.input_size, H, dtype=torch.float64)
    with torch.no_grad():
        for n in PARAMS:
            getattr(other, n).copy_(getattr(ref, n)[torch.argsort(idx)])
    return other


def forward(cls: type, *, seed: int = 0, sizes: tuple[tuple[int, int, int], ...] = (
        (2, 3, 4), (1, 1, 1), (5, 6, 3))) -> None:
    """Outputs and gradients equal ``torch.nn.LSTMCell`` with the same weights (float64)."""
    gen = torch.Generator().manual_seed(seed)
    for B, D, H in sizes:
        case = f"B={B}, D={D}, H={H}"
        ref = _torch_cell(D, H, dtype=torch.float64)
        ours = _make(cls, D, H, dtype=torch.float64)
        try:
            ours.load_state_dict(ref.state_dict())
        except Exception as exc:
            raise AssertionError(f"load_state_dict(torch.nn.LSTMCell(...).state_dict()) "
                                 f"failed: {exc}") from None
        x = torch.randn(B, D, dtype=torch.float64, generator=gen)
        h = torch.randn(B, H, dtype=torch.float64, generator=gen)
        c = torch.randn(B, H, dtype=torch.float64, generator=gen)
        xr, hr, cr = (t.clone().requires_grad_(True) for t in (x, h, c))
        want_h, want_c = ref(xr, (hr, cr))
        hints_h, hints_c = {}, {}
        for order in ("ifog", "fiog", "igfo"):
            mh, mc = _permuted(ref, order)(x, (h, c))
            hints_h[f"gate order {order}"] = mh.detach()
            hints_c[f"gate order {order}"] = mc.detach()
        xs, hs, cs = (t.clone().requires_grad_(True) for t in (x, h, c))
        got = unpack(guard.call_student(ours, xs, (hs, cs), name="LSTMCell.forward"),
                     2, "LSTMCell.forward", "(h, c)")
        expect_close(got[1].detach(), want_c.detach(), "c", case, mistakes=hints_c)
        expect_close(got[0].detach(), want_h.detach(), "h", case, mistakes=hints_h)
        # Gradients of one fixed loss through both outputs, w.r.t. every input and parameter.
        w_h = torch.randn(B, H, dtype=torch.float64, generator=gen)
        (want_h * w_h + want_c).sum().backward()
        loss = (got[0] * w_h + got[1]).sum()
        guard.call_student(loss.backward, name="LSTMCell backward")
        for label, mine, theirs in (("input", xs, xr), ("h", hs, hr), ("c", cs, cr)):
            if mine.grad is None:
                raise AssertionError(f"[{case}] no gradient reached {label}: did you detach?")
            expect_close(mine.grad, theirs.grad, f"gradient w.r.t. {label}", case)
        for n in PARAMS:
            g = getattr(ours, n).grad
            if g is None:
                raise AssertionError(f"[{case}] {n} received no gradient.")
            expect_close(g, getattr(ref, n).grad, f"gradient w.r.t. {n}", case)
        # hx left out: zeros, created with the input's dtype.
        got0 = unpack(guard.call_student(ours, x, name="LSTMCell.forward"), 2,
                      "LSTMCell.forward", "(h, c)")
        if got0[0].dtype != torch.float64:
            raise AssertionError(f"with hx=None and float64 input, h came back {got0[0].dtype}: "
                                 "create the zero states with the input's dtype and device.")
        expect_close(got0[0].detach(), ref(x)[0].detach(), "h with hx=None", case)


def device_agnostic(cls: type) -> None:
    """The cell runs on the 'meta' device: no hidden CPU tensors, states on the input's device."""
    ours = _make(cls, 3, 4, device="meta")
    if any(p.device.type != "meta" for p in ours.parameters()):
        raise AssertionError("LSTMCell(..., device='meta') left parameters off the meta device.")
    x = torch.empty(2, 3, device="meta")
    try:
        h, c = ours(x)
    except Exception as exc:
        raise AssertionError(
            f"on device 'meta' the forward pass failed ({type(exc).__name__}: {exc}). Hint: "
            "create zero states with torch.zeros(..., device=input.device, dtype=input.dtype), "
            "never on the default device.") from None
    if h.device.type != "meta" or tuple(h.shape) != (2, 4):
        raise AssertionError(f"h is {tuple(h.shape)} on {h.device}; expected (2, 4) on meta.")


def adding_batch(n: int, T: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Adding-problem inputs (T, n, 2) and targets (n, 1); one marker in each half."""
    values = torch.rand(T, n, generator=gen)
    first = torch.randint(0, T // 2, (n,), generator=gen)
    second = torch.randint(T // 2, T, (n,), generator=gen)
    markers = torch.zeros(T, n)
    markers[first, torch.arange(n)] = 1.0
    markers[second, torch.arange(n)] = 1.0
    target = (values * markers).sum(0, keepdim=True).T
    return torch.stack([values, markers], dim=2), target


def train_adding(cls: type, *, seed: int = 0) -> None:
    """Train cell + linear read-out on the adding problem; fail above TARGET_MSE or over budget."""
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    cell = _make(cls, 2, HIDDEN)
    head = nn.Linear(HIDDEN, 1)
    opt = _Adam([*cell.parameters(), *head.parameters()], lr=LR)

    def predict(x: torch.Tensor) -> torch.Tensor:
        hx = None
        for t in range(x.shape[0]):
            hx = cell(x[t]) if hx is None else cell(x[t], hx)
        return head(hx[0])

    # The forward check already traced the student's forward pass for calls into the reference;
    # tracing all 300 steps would cost more than the training itself. One thread: the model is tiny.
    guard.verify()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    start = _process_time()
    try:
        mse = _fit(predict, opt, gen, start)
    finally:
        torch.set_num_threads(threads)
    guard.verify()
    used = _process_time() - start
    if mse > TARGET_MSE:
        raise AssertionError(f"after {STEPS} steps the test MSE is {mse:.4f}; the target is "
                             f"{TARGET_MSE} (predicting the mean scores about 0.167). Check the "
                             "forget gate and the cell state update.")
    # Print, never return: a test cell's displayed value would count as a partial grade.
    print(f"adding problem: test MSE {mse:.4f} (target {TARGET_MSE}) in {used:.1f} s CPU")


class _Adam:
    """Adam (Kingma & Ba 2015), written out: torch.optim takes 2 s to import, the grader seconds."""

    def __init__(self, params: list[torch.Tensor], lr: float, betas=(0.9, 0.999), eps=1e-8):
        self.params, self.lr, self.betas, self.eps, self.t = params, lr, betas, eps, 0
        self.m = [torch.zeros_like(p) for p in params]
        self.v = [torch.zeros_like(p) for p in params]

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        self.t += 1
        b1, b2 = self.betas
        for p, m, v in zip(self.params, self.m, self.v, strict=True):
            if p.grad is None:
                continue
            m.mul_(b1).add_(p.grad, alpha=1 - b1)  # running mean of the gradient
            v.mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)  # ... and of its square
            m_hat, v_hat = m / (1 - b1**self.t), v / (1 - b2**self.t)
            p.sub_(self.lr * m_hat / (v_hat.sqrt() + self.eps))


def _fit(predict: Callable, opt: _Adam, gen: torch.Generator,
         start: float) -> float:
    for _ in range(STEPS):
        x, y = adding_batch(BATCH, T_ADD, gen)
        loss = ((predict(x) - y) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if _process_time() - start > CPU_BUDGET_S:
            raise AssertionError(f"training took more than {CPU_BUDGET_S} s of CPU time.")
    with torch.no_grad():
        x, y = adding_batch(1000, T_ADD, gen)
        return float(((predict(x) - y) ** 2).mean())


# torch rebinds some of its own attributes lazily, so only what the checks rely on is watched.
guard.watch("torch", torch, ("sigmoid", "tanh", "zeros", "randn", "rand", "randint", "cat",
                             "stack", "allclose", "no_grad", "Generator", "float64", "Tensor"))
guard.watch("torch.nn", nn, ("LSTMCell", "Module", "Parameter", "Linear"))
guard.watch("torch.Tensor", torch.Tensor, [k for k in vars(torch.Tensor) if not k.startswith("_")
                                           or k in ("__sub__", "__mul__", "__add__", "__pow__")])
guard.watch("torch.autograd", torch.autograd, ("grad", "backward"))
