"""The default path composes with PyTorch's tools as torch.nn's layers do: double backward,
torch.func (grad, jacrev, vmap), CPU autocast to bfloat16, float16/bfloat16 modules. And no path
calls one of torch's recurrent kernels."""

from __future__ import annotations

import warnings

import pytest
import torch
from torch.func import functional_call, grad, jacrev, vmap
from torch_helpers import LAYERS, assert_same, flatten, make_pair

F64 = torch.float64


def _x(T: int = 5, B: int = 2, D: int = 3, dtype: torch.dtype = F64, seed: int = 7):
    return torch.randn(T, B, D, dtype=dtype, generator=torch.Generator().manual_seed(seed))


def _second_order(module: torch.nn.Module, x: torch.Tensor) -> list[torch.Tensor]:
    """Gradients of a gradient penalty: d/dθ sum((d loss/d(x, θ))^2), every output in the loss."""
    x = x.clone().requires_grad_(True)
    loss = sum((t * t).sum() for t in flatten(module(x)))
    wrt = [x, *module.parameters()]
    first = torch.autograd.grad(loss, wrt, create_graph=True)
    assert all(g.grad_fn is not None for g in first), "first-order gradients lost their graph"
    penalty = sum((g * g).sum() for g in first)
    return list(torch.autograd.grad(penalty, wrt))


@pytest.mark.parametrize("mode", list(LAYERS))
def test_double_backward_matches_torch_nn_and_readable(mode: str) -> None:
    ours, ref = make_pair(LAYERS, mode, 3, 4, num_layers=2, bidirectional=True, dtype=F64)
    x = _x()
    fast = _second_order(ours, x)
    assert_same(fast, _second_order(ref, x), 1e-10, "second-order gradients vs torch.nn")
    ours.impl = "readable"
    assert_same(fast, _second_order(ours, x), 1e-10, "second-order gradients vs readable")


def _loss_of_params(module):
    def loss(params, x):
        return sum((t * t).sum() for t in flatten(functional_call(module, params, (x,))))

    return loss


@pytest.mark.parametrize("mode", list(LAYERS))
def test_func_grad_and_jacrev_match_torch_nn(mode: str) -> None:
    ours, ref = make_pair(LAYERS, mode, 3, 4, bidirectional=True, dtype=F64)
    x = _x()
    params = {k: v.detach() for k, v in ref.named_parameters()}
    g_ours = grad(_loss_of_params(ours))(params, x)
    g_ref = grad(_loss_of_params(ref))(params, x)
    assert_same([g_ours[k] for k in params], [g_ref[k] for k in params], 1e-10, "torch.func.grad")

    def jac(m):
        return jacrev(lambda x: functional_call(m, params, (x,))[0])(x)

    assert_same([jac(ours)], [jac(ref)], 1e-10, "torch.func.jacrev")


def test_vmap_of_grad_matches_torch_nn_lstm() -> None:
    """Per-example gradients. torch.nn supports this for the LSTM in float32 only (in float64,
    and for RNN and GRU, its batching rule fails)."""
    ours, ref = make_pair(LAYERS, "lstm", 3, 4)
    xs = torch.randn(3, 5, 2, 3, generator=torch.Generator().manual_seed(3))
    params = {k: v.detach() for k, v in ref.named_parameters()}

    def per_example(m):
        def loss(params, x):
            return functional_call(m, params, (x,))[0].pow(2).sum()

        return vmap(grad(loss), in_dims=(None, 0))(params, xs)

    g_ours = per_example(ours)
    with warnings.catch_warnings():  # torch warns of a slow fallback
        warnings.simplefilter("ignore")
        g_ref = per_example(ref)
    assert_same([g_ours[k] for k in params], [g_ref[k] for k in params], 1e-5, "vmap(grad)")


@pytest.mark.parametrize("mode", list(LAYERS))
def test_vmap_forward_equals_a_loop(mode: str) -> None:
    """torch.nn has no batching rule for its RNN kernels; ours vmaps (through the step loop)."""
    ours, _ = make_pair(LAYERS, mode, 3, 4, dtype=F64)
    xs = torch.randn(3, 5, 2, 3, dtype=F64, generator=torch.Generator().manual_seed(4))
    batched = vmap(lambda x: ours(x)[0])(xs)
    assert_same([batched], [torch.stack([ours(x)[0] for x in xs])], 1e-12, "vmap forward")


# Low precision. Our results are compared with float64 ones: their largest error may be at most
# LOW_PRECISION_FACTOR times torch.nn's own error on the same weights and input. Measured over 12
# seeds per network and dtype (2 layers, T=9): ours / torch.nn's error was 0.5-1.0 typically, at
# most 1.54 (ReLU RNN in float16); we compute in float32 inside and round once, torch.nn's oneDNN
# kernels likewise.
LOW_PRECISION_FACTOR = 2.0


def _errors(result, truth) -> float:
    return max((a.double() - b).abs().max().item() for a, b in zip(result, truth, strict=True))


def _check_low_precision(ours_out, ref_out, truth, what: str) -> None:
    assert [t.dtype for t in ours_out] == [t.dtype for t in ref_out], f"{what}: dtypes"
    err, ref_err = _errors(ours_out, truth), _errors(ref_out, truth)
    assert err <= LOW_PRECISION_FACTOR * ref_err + 1e-6, f"{what}: {err:.2e} vs {ref_err:.2e}"


@pytest.mark.parametrize("mode", list(LAYERS))
def test_cpu_autocast_bfloat16_like_torch_nn(mode: str) -> None:
    """torch.nn runs RNN and LSTM in bfloat16 under autocast and the GRU in float32 (no autocast
    rule): same output dtypes, errors of the same size, gradients reach float32 parameters."""
    ours, ref = make_pair(LAYERS, mode, 5, 7, num_layers=2)
    x = _x(9, 3, 5, torch.float32)
    truth = flatten(ref.double()(x.double()))
    ref.float()
    with torch.autocast("cpu", dtype=torch.bfloat16):
        ours_out, ref_out = flatten(ours(x)), flatten(ref(x))
    _check_low_precision(ours_out, ref_out, truth, "autocast outputs")
    sum(t.float().sum() for t in ours_out).backward()
    sum(t.float().sum() for t in ref_out).backward()
    for p, q in zip(ours.parameters(), ref.parameters(), strict=True):
        assert p.grad.dtype == q.grad.dtype == torch.float32
        scale = q.grad.abs().max().item()
        assert (p.grad - q.grad).abs().max().item() <= 0.1 * scale + 1e-3  # bf16: 3 digits


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
@pytest.mark.parametrize("mode", list(LAYERS))
def test_low_precision_modules_like_torch_nn(mode: str, dtype: torch.dtype) -> None:
    ours, ref = make_pair(LAYERS, mode, 5, 7, num_layers=2)
    x = _x(9, 3, 5, torch.float32)
    truth = flatten(ref.double()(x.double()))
    ours.to(dtype)
    ref.to(dtype)
    ours_out, ref_out = flatten(ours(x.to(dtype))), flatten(ref(x.to(dtype)))
    _check_low_precision(ours_out, ref_out, truth, f"{dtype} outputs")
    sum(t.sum() for t in ours_out).backward()
    assert all(p.grad.dtype == dtype and torch.isfinite(p.grad).all() for p in ours.parameters())


# torch's own recurrent kernels (and cell kernels). Our code must never reach one of them.
KERNELS = {
    "aten::lstm",
    "aten::gru",
    "aten::rnn_tanh",
    "aten::rnn_relu",
    "aten::lstm_cell",
    "aten::gru_cell",
    "aten::rnn_tanh_cell",
    "aten::rnn_relu_cell",
    "aten::_thnn_fused_lstm_cell",
    "aten::_thnn_fused_gru_cell",
    "aten::mkldnn_rnn_layer",
    "aten::_cudnn_rnn",
    "aten::miopen_rnn",
}


def _ops_called(fn) -> set[str]:
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
        fn()
    return {event.name for event in prof.events()}


def _paths(module, x):
    """Every way a call can go: training, inference, double backward, torch.func, low precision."""

    def train():
        module(x.clone().requires_grad_(True))[0].sum().backward()

    def infer():
        with torch.no_grad():
            module(x)

    def double():
        _second_order(module, x)

    def func():
        params = {k: v.detach() for k, v in module.named_parameters()}
        grad(_loss_of_params(module))(params, x)

    def autocast():
        with torch.autocast("cpu", dtype=torch.bfloat16):
            module(x.float())[0].float().sum().backward()

    return {"train": train, "no_grad": infer, "double": double, "func": func, "autocast": autocast}


def test_the_kernel_check_can_fail() -> None:
    """The profiler does see torch.nn's kernels: the test below would notice one."""
    _, ref = make_pair(LAYERS, "lstm", 3, 4)
    assert "aten::lstm" in _ops_called(lambda: ref(_x(dtype=torch.float32)))


@pytest.mark.parametrize("impl", ["fused", "readable"])
@pytest.mark.parametrize("mode", list(LAYERS))
def test_no_torch_recurrent_kernel_in_any_path(mode: str, impl: str) -> None:
    ours, _ = make_pair(LAYERS, mode, 3, 4, num_layers=2, bidirectional=True)
    ours.impl = impl
    for name, run in _paths(ours, _x(dtype=torch.float32)).items():
        ours.float()
        found = _ops_called(run) & KERNELS
        assert not found, f"{mode} {impl} {name}: {sorted(found)}"
    half = ours.to(torch.bfloat16)
    x = _x(dtype=torch.bfloat16)
    assert not _ops_called(lambda: half(x)[0].float().sum().backward()) & KERNELS
