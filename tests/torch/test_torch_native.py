"""The compiled LSTM and GRU loops (lstmcourse.torch.native): built here, taken by default on
the CPU, equal to the readable step loop, as accurate as torch.nn in float32, and replaced by the
Python loops, with one warning, where they cannot be built."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
import torch
from torch_helpers import assert_same, flatten, run_with_grads

import lstmcourse.torch as lt
from lstmcourse.torch import native


def _ops_called(fn) -> set[str]:
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
        fn()
    return {event.name for event in prof.events()}


def test_the_compiled_loop_is_built_on_this_machine() -> None:
    """CI's machine has a C++ compiler (make test installs one), so the fast loop must load."""
    assert native.available(), f"the compiled LSTM loop did not load: {native.reason()}"


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_the_layers_take_it_on_the_cpu_and_turned_off_leaves_it(kind: str) -> None:
    m = getattr(lt, kind)(3, 4, num_layers=2, bidirectional=True)
    x = torch.randn(5, 2, 3)
    op = f"lstmcourse::{kind.lower()}_forward"

    def train():
        m(x)[0].sum().backward()

    def infer():
        with torch.no_grad():
            m(x)

    for run in (train, infer):
        assert op in _ops_called(run)
        with native.turned_off():
            assert op not in _ops_called(run)
    if kind == "LSTM":
        assert "lstmcourse::lstm_backward" in _ops_called(train)


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("batch", [1, 3, 40])  # 40 rows: two blocks of rows with two threads
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_equals_the_readable_loop(kind: str, bidirectional: bool, batch: int, threads: int) -> None:
    """float64: outputs, final states and every gradient to 1e-12, given initial states."""
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        torch.manual_seed(batch)
        m = getattr(lt, kind)(5, 6, num_layers=2, bidirectional=bidirectional, dtype=torch.float64)
        n = 4 if bidirectional else 2
        x = torch.randn(9, batch, 5, dtype=torch.float64) * 2  # saturates some gates
        h0 = torch.randn(n, batch, 6, dtype=torch.float64)
        hx = (h0, torch.randn(n, batch, 6, dtype=torch.float64)) if kind == "LSTM" else h0
        m.impl = "readable"
        out_r, grad_r, w = run_with_grads(m, [x, hx], None)
        m.impl = "fused"
        out_c, grad_c, _ = run_with_grads(m, [x, hx], w)
        assert_same(out_c, out_r, 1e-12, "outputs")
        assert_same(grad_c, grad_r, 1e-12, "gradients")
        with torch.no_grad():
            assert_same(flatten(m(x, hx)), out_r, 1e-12, "no_grad outputs")
    finally:
        torch.set_num_threads(before)


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_gradcheck(kind: str, reverse: bool, bias: bool) -> None:
    g = torch.Generator().manual_seed(4)

    def r(*shape):
        return (torch.randn(*shape, generator=g, dtype=torch.float64) * 0.7).requires_grad_(True)

    T, B, D, H = 4, 2, 3, 3
    G = 4 if kind == "LSTM" else 3
    states = [r(B, H), r(B, H)] if kind == "LSTM" else [r(B, H)]
    biases = [r(G * H), r(G * H)] if bias else [None, None]
    args = [r(T, B, D), *states, r(G * H, D), r(G * H, H), *biases]
    assert native.usable(*args)
    run = native.lstm_native if kind == "LSTM" else native.gru_native
    assert torch.autograd.gradcheck(lambda *a: run(*a, reverse=reverse, need_graph=True), args)


def _relative_error(m, truth, x: torch.Tensor, w: list, dtype) -> float:
    """Largest error of ``m`` run in ``dtype`` against ``truth`` (float64), over outputs and
    gradients, each relative to the largest value of its tensor."""
    outs, grads, _ = run_with_grads(m, [x.to(dtype)], [v.to(dtype) for v in w])
    ref_outs, ref_grads, _ = run_with_grads(truth, [x.double()], w)
    return max(
        ((a.double() - b).abs().max() / b.abs().max()).item()
        for a, b in zip(outs + grads, ref_outs + ref_grads, strict=True)
    )


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_float32_as_accurate_as_torch_nn(kind: str) -> None:
    """float32 against the float64 readable loop.

    Measured over 6 seeds and 2 sizes (T50/B1 and T30/B20, two layers, this test's set-up): the
    compiled loops' errors 2.4e-7 to 8.1e-7, torch.nn's 1.9e-7 to 1.5e-6 (the same with 1 and 2
    threads); the worst ratio of ours to torch.nn's in one case 2.0 for the LSTM and 1.4 for the
    GRU (the Python loops': 2.3 and 1.4). Allowed: 4x torch.nn's error.
    """
    for seed, (T, B) in enumerate([(50, 1), (30, 20), (30, 20)]):
        torch.manual_seed(seed)
        peer = getattr(torch.nn, kind)(8, 16, num_layers=2)
        ours = getattr(lt, kind)(8, 16, num_layers=2)
        truth = getattr(lt, kind)(8, 16, num_layers=2, impl="readable", dtype=torch.float64)
        ours.load_state_dict(peer.state_dict())
        truth.load_state_dict(peer.state_dict())
        x = torch.randn(T, B, 8) * 2
        _, _, w = run_with_grads(truth, [x.double()], None)
        ours_err = _relative_error(ours, truth, x, w, torch.float32)
        peer_err = _relative_error(peer, truth, x, w, torch.float32)
        assert ours_err <= 4 * peer_err, f"seed {seed}: ours {ours_err:.1e}, nn {peer_err:.1e}"


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_saturation_and_nan_like_torch_nn(dtype) -> None:
    """Pre-activations in the thousands (exp's clamp) stay finite and exact; NaN propagates."""
    torch.manual_seed(5)
    peer = torch.nn.LSTM(2, 3, dtype=dtype)
    ours = lt.LSTM(2, 3, dtype=dtype)
    ours.load_state_dict(peer.state_dict())
    x = torch.randn(6, 2, 2, dtype=dtype) * 3000
    with torch.no_grad():
        got, want = flatten(ours(x)), flatten(peer(x))
        assert all(torch.isfinite(t).all() for t in got)
        assert_same(got, want, 1e-6 if dtype == torch.float32 else 1e-12, "saturated")
        x[2, 1, 0] = float("nan")
        got, want = flatten(ours(x)), flatten(peer(x))
    for a, b in zip(got, want, strict=True):
        assert torch.equal(a.isnan(), b.isnan())


def test_other_dtypes_devices_and_empty_inputs_are_not_taken() -> None:
    """bfloat16 (computed in float32 first), other devices and empty inputs keep fused.py's
    paths. (Double backward through the compiled loop: test_torch_fused runs its
    recomputing-backward test with the compiled loop on.)"""
    assert native.usable(torch.randn(2, 2, 2)) and native.usable(torch.randn(2, 2, 2).double())
    assert not native.usable(torch.randn(2, 2, 2, dtype=torch.bfloat16))
    assert not native.usable(torch.randn(2, 2, 2, device="meta"))
    assert not native.usable(torch.randn(0, 2, 2))


def _python(code: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-W", "always", "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=300,
    )


_FALLBACK = """
import torch, lstmcourse.torch as lt
from lstmcourse.torch import native
torch.manual_seed(0)
m = lt.LSTM(3, 4, dtype=torch.float64)
x = torch.randn(5, 2, 3, dtype=torch.float64)
out = m(x)[0]
m.impl = "readable"
assert (out - m(x)[0]).abs().max() < 1e-12
print("available", native.available())
print("reason", native.reason())
"""


def test_switched_off_by_the_environment() -> None:
    """Asked for: the Python loop, silently (a warning is for what the user did not ask)."""
    done = _python(_FALLBACK, LSTMCOURSE_NATIVE="0")
    assert done.returncode == 0, done.stderr
    assert "available False" in done.stdout and "LSTMCOURSE_NATIVE=0" in done.stdout
    assert "RuntimeWarning" not in done.stderr, done.stderr


def test_a_failing_compiler_falls_back_with_one_warning(tmp_path) -> None:
    """A machine whose compiler fails: same numbers from the Python loop, one clear warning."""
    done = _python(_FALLBACK, CXX="/bin/false", LSTMCOURSE_CACHE=str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "available False" in done.stdout and "failed" in done.stdout
    assert done.stderr.count("RuntimeWarning") == 1, done.stderr
    assert "Python loop" in done.stderr
    assert not list(tmp_path.glob("*.so"))  # nothing half-built left to load later


def test_built_once_then_loaded_from_the_cache(tmp_path) -> None:
    """A fresh cache folder: the first process builds the library, the second only loads it."""
    code = "from lstmcourse.torch import native; print(native.available(), native.reason())"
    first = _python(code, LSTMCOURSE_CACHE=str(tmp_path))
    assert first.stdout.startswith("True"), first.stdout + first.stderr
    built = list(tmp_path.glob("loops_cpu-*.so"))
    assert len(built) == 1
    inode = built[0].stat().st_ino
    week_ago = time.time() - 7 * 86400
    os.utime(built[0], (week_ago, week_ago))
    second = _python(code, LSTMCOURSE_CACHE=str(tmp_path))
    assert second.stdout.startswith("True") and built[0].stat().st_ino == inode  # not rebuilt
    assert built[0].stat().st_mtime > week_ago + 86400  # but marked as used, for the pruning
    # the one-time build says what the wait is; loading says nothing
    assert "compiling the CPU loops" in first.stderr and "done in" in first.stderr
    assert second.stderr == "", second.stderr


def test_a_build_prunes_libraries_unused_for_a_month(tmp_path) -> None:
    """Old builds (another source or torch version) go; recent ones and the new one stay."""
    now = time.time()
    ages = {
        "new": native.KEEP_DAYS + 5,
        "recent": native.KEEP_DAYS - 1,
        "old": native.KEEP_DAYS + 1,
    }
    for name, days in ages.items():
        for suffix in (".so", ".lock"):
            path = tmp_path / f"loops_cpu-{name}{suffix}"
            path.write_text(name)
            os.utime(path, (now - days * 86400, now - days * 86400))
    (tmp_path / "notes.txt").write_text("not ours")
    os.utime(tmp_path / "notes.txt", (0, 0))
    native._prune(tmp_path / "loops_cpu-new.so")
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == [
        "loops_cpu-new.lock",
        "loops_cpu-new.so",
        "loops_cpu-recent.lock",
        "loops_cpu-recent.so",
        "notes.txt",
    ]
