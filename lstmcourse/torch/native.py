r"""The LSTM's and GRU's time loops compiled from C++ for CPU tensors: :mod:`.fused`, minus Python.

:mod:`.fused` loops over time in Python, and every step is six to eight torch calls: one matrix
product and the element-wise gate arithmetic. At batch 1 the few microseconds each call costs to
dispatch are the whole step; at batch 64 the element-wise calls each make their own pass over
memory. ``csrc/loops_cpu.cpp`` runs the same loops in C++: the matrix product is still
``at::mm`` (the same BLAS), and the gate arithmetic of a step is one pass that reads the gate
pre-activations and writes the new states (forward), or the pre-activation gradients (the LSTM's
backward; the GRU's backward stays :mod:`.fused`'s, fed the tensors it expects). The LSTM's
forward multiplies :math:`[x_t, h_{t-1}]` by :math:`[W_{ih}, W_{hh}]^T` in one product per step
instead of projecting all inputs beforehand (no (T, B, 4H) array to write and read back). The batch
is cut into one block of rows per thread, each running the whole time loop. The rest (the GRU's
input projection for all steps, the weight gradients from all steps) stays in Python.

**Built at first use.** The first call compiles ``loops_cpu.cpp`` with the machine's C++ compiler
(``$CXX``, else ``c++`` or ``g++``) against torch's headers, about 20 seconds (it says so on
stderr; ``make book`` builds it before running the pages), and keeps the library in
``~/.cache/lstmcourse`` (or ``$LSTMCOURSE_CACHE``), under a name made from the source, the flags
and the torch version, so later runs load it at once. Each load marks its library as used; a
build removes the libraries no run has loaded for :data:`KEEP_DAYS` days (those of an old source or
torch version, mostly). Where it cannot be built (no
compiler, not Linux or macOS, ...), :func:`available` is False, :func:`reason` says why, one
warning is issued, and the layers keep :mod:`.fused`'s Python loops: the same numbers, slower.
``LSTMCOURSE_NATIVE=0`` turns it off for a whole run, :func:`turned_off` for a block of code.

**When it is used**: by :func:`lstmcourse.torch.fused.lstm_sequence` and
:func:`~lstmcourse.torch.fused.gru_sequence` for CPU tensors of float32 or float64 outside
autocast and ``torch.func``. CUDA tensors keep :mod:`.fused` (device-agnostic torch ops, which is
what a GPU wants). The tests hold both paths to the readable step loop of :mod:`.cells` in
float64 (outputs, states and every gradient to 1e-12), and the compiled float32 LSTM to within
the error torch.nn's own float32 shows.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import torch
from torch import Tensor

__all__ = ["available", "reason", "turned_off", "usable", "lstm_native", "gru_native"]

SOURCE = Path(__file__).with_name("csrc") / "loops_cpu.cpp"
_ENV_SWITCH = "LSTMCOURSE_NATIVE"
KEEP_DAYS = 30  # a build removes cached libraries that no run has loaded for this long

# None: not tried yet; True: loaded; False: could not be built (see _why).
_state: bool | None = None
_why = ""
_off = 0  # > 0 inside turned_off()


def _compiler() -> str | None:
    return os.environ.get("CXX") or shutil.which("c++") or shutil.which("g++")


def _flags() -> list[str]:
    """Compiler flags: optimise, and let it use AVX2/FMA where torch says the CPU has them."""
    import torch.utils.cpp_extension as ext  # only imported when a build is needed

    flags = ["-O3", "-std=c++20", "-shared", "-fPIC", "-w"]  # torch's headers are C++20
    # Let the compiler turn the gate loops into SIMD code: no errno to set, no FP traps to keep.
    flags += ["-fno-math-errno", "-fno-trapping-math"]
    flags += ["-fopenmp"]  # at::parallel_for is OpenMP in torch's CPU builds
    flags.append(f"-D_GLIBCXX_USE_CXX11_ABI={int(torch._C._GLIBCXX_USE_CXX11_ABI)}")
    if torch.backends.cpu.get_cpu_capability() in ("AVX2", "AVX512"):
        flags += ["-mavx2", "-mfma"]
    flags += [f"-I{p}" for p in ext.include_paths()]
    libs = ext.library_paths()
    flags += [f"-L{p}" for p in libs] + [f"-Wl,-rpath,{p}" for p in libs]
    flags += ["-lc10", "-ltorch_cpu", "-lgomp"]  # torch's own OpenMP (at::parallel_for)
    if sys.platform == "darwin":
        flags += ["-undefined", "dynamic_lookup"]
    return flags


def _library_path(compiler: str, flags: list[str]) -> Path:
    """Where the built library lives: named by everything that went into it."""
    key = hashlib.sha256()
    for part in (SOURCE.read_bytes(), compiler.encode(), " ".join(flags).encode()):
        key.update(part)
    key.update(torch.__version__.encode())
    cache = Path(os.environ.get("LSTMCOURSE_CACHE") or Path.home() / ".cache" / "lstmcourse")
    return cache / f"loops_cpu-{key.hexdigest()[:16]}.so"


def _build(compiler: str, flags: list[str], target: Path) -> None:
    """Compile SOURCE into ``target``; several processes at once build it only once."""
    import fcntl  # POSIX only, like the build itself

    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be building it right now
        if target.exists():
            return
        with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
            built = Path(tmp) / target.name
            cmd = [compiler, str(SOURCE), "-o", str(built), *flags]
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode != 0:  # the compiler's last lines say why; the rest is noise
                last = "\n".join(done.stderr.strip().splitlines()[-4:])
                raise RuntimeError(
                    f"{compiler} exited with {done.returncode}" + (last and f": {last}")
                )
            os.replace(built, target)  # atomic: nobody loads a half-written file
    _prune(target)


def _mark_used(library: Path) -> None:
    """Set the library's modification time to now: :func:`_prune` keeps what was used lately."""
    with contextlib.suppress(OSError):  # a read-only cache is fine: nothing gets pruned there
        os.utime(library)


def _prune(keep: Path) -> None:
    """Remove the cache's libraries (and their lock files) not loaded for KEEP_DAYS days."""
    too_old = time.time() - KEEP_DAYS * 86400
    for old in keep.parent.glob("loops_cpu-*.so"):
        with contextlib.suppress(OSError):  # another process may be removing it too
            if old != keep and old.stat().st_mtime < too_old:
                old.unlink()
                old.with_suffix(".lock").unlink(missing_ok=True)


def _load() -> bool:
    global _state, _why
    if _state is not None:
        return _state
    _state = False
    if os.environ.get(_ENV_SWITCH, "1") == "0":
        _why = f"turned off by {_ENV_SWITCH}=0"
        return False
    compiler = _compiler()
    if sys.platform not in ("linux", "darwin"):
        _why = f"built on Linux and macOS only, this is {sys.platform}"
    elif compiler is None:
        _why = "no C++ compiler found (looked for $CXX, c++, g++)"
    else:
        try:
            flags = _flags()
            target = _library_path(compiler, flags)
            if not target.exists():
                # Tell the user why this first call takes a while (once per machine and torch).
                print(
                    f"lstmcourse.torch: compiling the CPU loops ({SOURCE.name}), once, ~20 s ...",
                    file=sys.stderr,
                    flush=True,
                )
                start = time.perf_counter()
                _build(compiler, flags, target)
                print(
                    f"lstmcourse.torch: done in {time.perf_counter() - start:.0f} s",
                    file=sys.stderr,
                )
            torch.ops.load_library(str(target))
            _mark_used(target)
            _state = True
        except Exception as err:  # any failure: keep the Python loop, say why once
            _why = f"building {SOURCE.name} failed: {err}"
    if not _state:
        warnings.warn(
            f"lstmcourse.torch: the compiled LSTM and GRU loops are not available ({_why}); the"
            " layers use the Python loops of lstmcourse.torch.fused instead: the same numbers,"
            " slower.",
            RuntimeWarning,
            stacklevel=3,
        )
    return _state


def available() -> bool:
    """Is the compiled loop loaded (building it first if needed)?"""
    return _load()


def reason() -> str:
    """Why :func:`available` is False ('' when it is True or was not asked yet)."""
    return _why


@contextlib.contextmanager
def turned_off():
    """Inside this block the LSTM layers use the Python loop of :mod:`.fused`, even on the CPU.

    The tests run both loops this way, and ``benchmarks/bench_torch_rnn.py --python-loop`` times
    both in one process. Not thread-safe: it switches the loop for the whole process.
    """
    global _off
    _off += 1
    try:
        yield
    finally:
        _off -= 1


def usable(*tensors: Tensor | None) -> bool:
    """Can the compiled loop take these tensors? CPU, float32 or float64, and the loop built."""
    x = tensors[0]
    if _off or x.device.type != "cpu" or x.numel() == 0:
        return False
    return x.dtype in (torch.float32, torch.float64) and _load()


def _prepare(x, h0, c0, w_ih, w_hh, b_ih, b_hh) -> tuple[Tensor, ...]:
    """The LSTM loop's inputs, contiguous; the two biases summed (zeros for a layer without)."""
    bias = x.new_zeros(w_hh.size(0)) if b_ih is None else b_ih + b_hh
    tensors = (x, h0, c0, w_ih, w_hh, bias)
    return tuple(t.contiguous() for t in tensors)


def _gru_prepare(x, h0, w_ih, w_hh, b_ih, b_hh) -> tuple[Tensor, ...]:
    """The GRU's loop inputs: b_hh stays apart (the reset gate multiplies W_hn h + b_hn)."""
    from .fused import _projection  # fused imports this module: import when called

    b_hh = x.new_zeros(w_hh.size(0)) if b_hh is None else b_hh.contiguous()
    return _projection(x, w_ih, b_ih), h0.contiguous(), w_hh.contiguous(), b_hh


class _NativeLSTMFunction(torch.autograd.Function):
    """The LSTM over a sequence with the compiled loops; the same saved tensors as :mod:`.fused`."""

    @staticmethod
    def forward(ctx, x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse):
        loop_inputs = _prepare(x, h0, c0, w_ih, w_hh, b_ih, b_hh)
        out, acts, cells = torch.ops.lstmcourse.lstm_forward(*loop_inputs, reverse, True)
        last = 0 if reverse else -1
        ctx.save_for_backward(x, h0, c0, w_ih, w_hh, b_ih, b_hh, acts, cells, out)
        ctx.reverse, ctx.w_ih_index = reverse, 3
        return out, out[last].clone(), cells[last].clone()

    @staticmethod
    def backward(ctx, dout, dh_n, dc_n):
        from .cells import lstm_step
        from .fused import _param_grads, _previous, _recomputed_backward

        if torch.is_grad_enabled():  # create_graph=True: a backward autograd can differentiate
            return _recomputed_backward(ctx, lstm_step, 2, (dout, dh_n, dc_n), {})
        x, h0, c0, w_ih, w_hh, _, _, acts, cells, out = ctx.saved_tensors
        dpre, dh0, dc0 = torch.ops.lstmcourse.lstm_backward(
            dout.contiguous(),
            dh_n.contiguous(),
            dc_n.contiguous(),
            acts,
            cells,
            c0.contiguous(),
            w_hh.contiguous(),
            ctx.reverse,
        )
        h_prev = _previous(h0, out, ctx.reverse)
        dx, dw_ih, dw_hh, db_ih, db_hh = _param_grads(ctx, dpre, dpre, x, h_prev, w_ih)
        return dx, dh0, dc0, dw_ih, dw_hh, db_ih, db_hh, None


def lstm_native(
    x: Tensor,
    h0: Tensor,
    c0: Tensor,
    weight_ih: Tensor,
    weight_hh: Tensor,
    bias_ih: Tensor | None,
    bias_hh: Tensor | None,
    reverse: bool = False,
    need_graph: bool = True,
) -> tuple[Tensor, Tensor, Tensor]:
    """One direction of one LSTM layer with the compiled loop: x (T, B, D) -> (out, h_n, c_n).

    ``need_graph=False`` runs the inference loop, which keeps nothing for a backward pass.
    Call only when :func:`usable` says so.
    """
    args = (x, h0, c0, weight_ih, weight_hh, bias_ih, bias_hh)
    if need_graph:
        return _NativeLSTMFunction.apply(*args, reverse)
    with torch.no_grad():
        out, h, c = torch.ops.lstmcourse.lstm_forward(*_prepare(*args), reverse, False)
        return out, h, c


class _NativeGRUFunction(torch.autograd.Function):
    """The GRU's compiled forward; its backward is :mod:`.fused`'s, reading the same tensors."""

    @staticmethod
    def forward(ctx, x, h0, w_ih, w_hh, b_ih, b_hh, reverse):
        xproj, h0c, w_hh_c, b_hh_c = _gru_prepare(x, h0, w_ih, w_hh, b_ih, b_hh)
        out, hw, acts = torch.ops.lstmcourse.gru_forward(xproj, h0c, w_hh_c, b_hh_c, reverse, True)
        ctx.save_for_backward(x, h0, w_ih, w_hh, b_ih, b_hh, hw, acts, out)
        ctx.reverse, ctx.w_ih_index = reverse, 2
        return out, out[0 if reverse else -1].clone()

    @staticmethod
    def backward(ctx, dout, dh_n):
        from .fused import _GRUFunction

        return _GRUFunction.backward(ctx, dout, dh_n)


def gru_native(
    x: Tensor,
    h0: Tensor,
    weight_ih: Tensor,
    weight_hh: Tensor,
    bias_ih: Tensor | None,
    bias_hh: Tensor | None,
    reverse: bool = False,
    need_graph: bool = True,
) -> tuple[Tensor, Tensor]:
    """One direction of one GRU layer with the compiled loop: x (T, B, D) -> (out, h_n).

    ``need_graph=False`` runs the inference loop, which keeps nothing for a backward pass.
    Call only when :func:`usable` says so.
    """
    args = (x, h0, weight_ih, weight_hh, bias_ih, bias_hh)
    if need_graph:
        return _NativeGRUFunction.apply(*args, reverse)
    with torch.no_grad():
        xproj, h0c, w_hh_c, b_hh_c = _gru_prepare(*args)
        out, h = torch.ops.lstmcourse.gru_forward(xproj, h0c, w_hh_c, b_hh_c, reverse, False)
        return out, h
