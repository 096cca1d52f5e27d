"""Benchmark: lstmcourse.numpy.lstm against torch.nn.LSTM on the CPU (prints ratios only).

Ours is the teaching code itself: ``lstm`` is a loop over ``lstm_cell`` and ``lstm_backward`` a
loop over ``lstm_cell_backward``. Both run in this process, in float32, with the same weights and
the same number of threads (torch.set_num_threads is set to the number of BLAS threads NumPy
uses). Runs alternate (ours, torch, ours, torch, ...) so that both see the same machine state;
each ratio is the median over the rounds of ours / torch within one round, which stays steady
on a busy machine where the times themselves drift.

    ratio = our time / torch time        (goal: forward <= 1.5, forward+backward <= 2)

Forward is compared three ways:

- **torch autograd**: the input requires grad, so torch records what backward needs, as our
  forward always does (its cache). This is the like-for-like peer, and the one the goals are
  measured against; forward+backward (dx and all parameter gradients) is the same work on both
  sides, so it has only this peer.
- **torch no_grad**: torch's CPU LSTM hands the whole sequence to oneDNN's fused LSTM kernel
  (compiled C++, no per-step Python, nothing kept for backward). Its time is close to that of
  the matrix products alone. The row "floor" times just NumPy's T products h @ W_hh^T, which
  no loop can avoid: 1.5 minus that ratio is all that is left, against this peer, for the
  input products, the gates, the cache and Python's per-step cost together.
- **torch no_grad, no oneDNN**: the same with oneDNN switched off, torch's own step loop.

Run: ``python benchmarks/bench_numpy_lstm.py [--repeats N] [--threads N] [--clock wall|cpu]``.
On a busy machine, ``--threads 1 --clock cpu`` gives the steadiest ratios.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import warnings

import numpy as np
import torch

import lstmcourse.numpy as lnp

SIZES = [(100, 64, 32, 128), (500, 32, 32, 100)]  # (T, B, D, H)


def blas_threads() -> tuple[int, str]:
    """(threads NumPy's BLAS uses, a description); threadpoolctl if installed, else a guess."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        env = os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS")
        n = int(env) if env else os.cpu_count() or 1
        return n, f"{n} (threadpoolctl not installed: from the environment / cpu count)"
    for pool in threadpool_info():
        if pool.get("user_api") == "blas":
            desc = (f"{pool['num_threads']} ({pool.get('internal_api')} "
                    f"{pool.get('version')}, core {pool.get('architecture')})")
            return pool["num_threads"], desc
    n = os.cpu_count() or 1
    return n, f"{n} (no BLAS pool found by threadpoolctl)"


CLOCK = time.perf_counter  # wall clock; --clock cpu switches to this process's CPU time


def timed(fn) -> float:
    start = CLOCK()
    fn()
    return CLOCK() - start


def bench(T: int, B: int, D: int, H: int, repeats: int) -> dict[str, float]:
    torch.manual_seed(0)
    module = torch.nn.LSTM(D, H)  # float32
    params = lnp.params_from_torch(module, dtype=np.float32)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((T, B, D)).astype(np.float32)
    dout = rng.standard_normal((T, B, H)).astype(np.float32)
    x_t, dout_t = torch.from_numpy(x), torch.from_numpy(dout)

    def np_fwd():
        lnp.lstm(x, params)

    def np_fwd_bwd():
        _, _, cache = lnp.lstm(x, params)
        lnp.lstm_backward(dout, cache)

    w_hh_t = np.ascontiguousarray(params["weight_hh"].T)  # (H, 4H), the layout BLAS likes
    h = np.zeros((B, H), np.float32)

    def np_floor():
        for _ in range(T):
            h @ w_hh_t

    def torch_fwd_nograd():
        with torch.no_grad():
            module(x_t)

    def torch_fwd_native():
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # an irrelevant note about Intel GPUs
            with torch.backends.mkldnn.flags(enabled=False):
                module(x_t)

    def torch_fwd_grad():
        module(x_t.requires_grad_())

    def torch_fwd_bwd():
        module.zero_grad(set_to_none=True)
        xg = x_t.detach().requires_grad_()
        out, _ = module(xg)
        out.backward(dout_t)

    # same numbers? (float32: to ~1e-5)
    out_np = lnp.lstm(x, params)[0]
    with torch.no_grad():
        out_t = module(x_t)[0].numpy()
    assert np.allclose(out_np, out_t, atol=1e-4), "numpy and torch disagree"
    assert out_np.dtype == np.float32

    pairs = {
        "fwd vs torch autograd": (np_fwd, torch_fwd_grad),
        "fwd+bwd vs torch autograd": (np_fwd_bwd, torch_fwd_bwd),
        "fwd vs torch no_grad": (np_fwd, torch_fwd_nograd),
        "fwd vs no_grad no oneDNN": (np_fwd, torch_fwd_native),
        "floor vs torch no_grad": (np_floor, torch_fwd_nograd),
    }
    result = {}
    for name, (ours, theirs) in pairs.items():
        for _ in range(3):  # warm-up: caches, and the allocator settling on the sizes it sees
            ours(), theirs()
        t_ours, t_theirs = [], []
        for _ in range(repeats):  # interleaved
            t_ours.append(timed(ours))
            t_theirs.append(timed(theirs))
        ratio = statistics.median(a / b for a, b in zip(t_ours, t_theirs, strict=True))
        result[name] = (statistics.median(t_ours), statistics.median(t_theirs), ratio)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--threads", type=int, default=None,
                        help="threads for both (needs threadpoolctl); default: NumPy's BLAS count")
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                        help="cpu: process CPU time, robust on a busy machine with --threads 1")
    args = parser.parse_args()
    if args.clock == "cpu":
        global CLOCK
        CLOCK = time.process_time
    if args.threads is not None:
        from threadpoolctl import threadpool_limits

        threadpool_limits(args.threads, user_api="blas")
    n, desc = blas_threads()
    torch.set_num_threads(n)
    print(f"numpy {np.__version__}, torch {torch.__version__}; BLAS threads {desc}; "
          f"torch threads {torch.get_num_threads()}; {args.clock} clock")
    core = {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if k in os.environ}
    print(f"OpenBLAS settings from the environment: {core or 'none'}")
    goals = {"fwd vs torch autograd": 1.5, "fwd+bwd vs torch autograd": 2.0}
    print(f"{'size (T, B, D, H)':<20}{'what':<28}{'ours ms':>9}{'torch ms':>10}{'ratio':>7}"
          f"{'goal':>7}")
    for T, B, D, H in SIZES:
        for name, (ours, theirs, ratio) in bench(T, B, D, H, args.repeats).items():
            size = f"({T}, {B}, {D}, {H})"
            goal = f"{'<=' if ratio <= goals[name] else '> '}{goals[name]}" if name in goals else ""
            print(f"{size:<20}{name:<28}{ours * 1e3:9.2f}{theirs * 1e3:10.2f}{ratio:7.2f}"
                  f"{goal:>7}")
    print("ratio: median over interleaved rounds of ours / torch; the goals are the two "
          "'vs torch autograd' rows (see the docstring)")


if __name__ == "__main__":
    main()
