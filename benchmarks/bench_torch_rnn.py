"""How fast is ``lstmcourse.torch`` next to ``torch.nn``? Prints a table of ratios; asserts nothing.

For RNN, LSTM and GRU at three sizes (T, B, D, H), float32, on the CPU (or CUDA with
``--device cuda``), this times

- ``fwd``: the forward pass under ``torch.no_grad()`` (inference),
- ``fwd+bwd``: forward, then ``backward()`` of the summed output (training),

for ``torch.nn``'s module (the peer) and ``lstmcourse.torch``'s default path (for the LSTM and
the GRU on the CPU that is the compiled loop of ``lstmcourse.torch.native``; with
``--python-loop`` also the Python loop of ``lstmcourse.torch.fused`` that CUDA tensors take; with
``--readable`` also ``impl="readable"``), all in ONE process, with the same weights, the same input
and the same thread count (2 by default: the size of the course's CI machine). The contenders are
interleaved round by round, so that a change in machine load hits all of them alike, and the table
shows the median of ours / the median of torch.nn, and the same ratio of the fastest rounds
(``min``), which a machine shared with other jobs disturbs less. Goals (issue 15): fwd <= 1.5x
(<= 2x at batch 1), fwd+bwd <= 1.2x.

Run: ``python benchmarks/bench_torch_rnn.py [--rounds N] [--quick] [--readable] [--python-loop]
[--threads N] [--device cpu|cuda] [--kinds LSTM GRU RNN]``.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time
from collections.abc import Callable

import torch

import lstmcourse.torch as lt
from lstmcourse.torch import native

SIZES = [(100, 64, 32, 128), (500, 32, 32, 100), (50, 1, 32, 128)]  # (T, B, D, H)
PAIRS = {
    "RNN": (torch.nn.RNN, lt.RNN),
    "LSTM": (torch.nn.LSTM, lt.LSTM),
    "GRU": (torch.nn.GRU, lt.GRU),
}
TASKS = ("fwd", "fwd+bwd")


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _timer(fn: Callable[[], None], device: torch.device) -> float:
    _sync(device)
    start = time.perf_counter()
    fn()
    _sync(device)
    return time.perf_counter() - start


def _jobs(
    module: torch.nn.Module, x: torch.Tensor, context: Callable = contextlib.nullcontext
) -> dict[str, Callable[[], None]]:
    def forward() -> None:
        with torch.no_grad(), context():
            module(x)

    def forward_backward() -> None:
        with context():
            out, _ = module(x)
            out.sum().backward()

    return {"fwd": forward, "fwd+bwd": forward_backward}


def bench(
    kind: str,
    size: tuple[int, int, int, int],
    rounds: int,
    device: torch.device,
    readable: bool,
    python_loop: bool = False,
) -> dict[tuple[str, str], list[float]]:
    """Seconds of every counted round per (contender, task) for one network and size."""
    T, B, D, H = size
    ref_cls, our_cls = PAIRS[kind]
    torch.manual_seed(0)
    ref = ref_cls(D, H, device=device)
    models = {"torch.nn": ref, "ours": our_cls(D, H, device=device)}
    if readable:
        models["readable"] = our_cls(D, H, device=device, impl="readable")
    if python_loop:
        models["python loop"] = our_cls(D, H, device=device)
    for m in models.values():
        m.load_state_dict(ref.state_dict())
    x = torch.randn(T, B, D, device=device)
    jobs = {name: _jobs(m, x) for name, m in models.items()}
    if python_loop:
        jobs["python loop"] = _jobs(models["python loop"], x, native.turned_off)
    # Short jobs get more repetitions per round, so that one timing is not a few microseconds.
    reps = max(1, round(2000 / (T * B)))
    times: dict[tuple[str, str], list[float]] = {}
    for r in range(rounds + 1):  # round 0 warms up and is not counted
        for task in TASKS:
            for name in models:
                t = sum(_timer(jobs[name][task], device) for _ in range(reps)) / reps
                if r:
                    times.setdefault((name, task), []).append(t)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--quick", action="store_true", help="3 rounds, no readable path")
    parser.add_argument("--readable", action="store_true", help="also time impl='readable'")
    parser.add_argument(
        "--python-loop",
        action="store_true",
        help="also time LSTM and GRU without the compiled loops",
    )
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    parser.add_argument("--kinds", nargs="+", default=list(PAIRS), choices=list(PAIRS))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    rounds = 3 if args.quick else args.rounds
    readable = args.readable and not args.quick
    python_loop = args.python_loop and not args.quick
    device = torch.device(args.device)
    print(
        f"{device.type}, float32, {torch.get_num_threads()} threads, {rounds} interleaved rounds; "
        "medians in ms, ratio = ours / torch.nn"
    )
    if device.type == "cpu":
        loop = "compiled" if native.available() else f"Python (no compiled loop: {native.reason()})"
        print(f"lstmcourse.torch.LSTM and GRU run the {loop} loops")
    head = f"{'net':5s} {'T/B/D/H':15s} {'task':8s} {'torch.nn':>9s} {'ours':>9s} {'ratio':>6s}"
    print(
        head
        + "   min"
        + ("  readable  ratio" if readable else "")
        + ("  py-loop  ratio" if python_loop else "")
    )
    for kind in args.kinds:
        for size in SIZES:
            compiled = kind in ("LSTM", "GRU")  # the kinds with a compiled loop
            times = bench(kind, size, rounds, device, readable, python_loop and compiled)
            med = {key: statistics.median(v) for key, v in times.items()}
            for task in TASKS:
                peer, ours = med[("torch.nn", task)], med[("ours", task)]
                fastest = min(times[("ours", task)]) / min(times[("torch.nn", task)])
                line = (
                    f"{kind:5s} {'/'.join(map(str, size)):15s} {task:8s} "
                    f"{peer * 1e3:9.3f} {ours * 1e3:9.3f} {ours / peer:5.2f}x {fastest:5.2f}x"
                )
                if readable:
                    slow = med[("readable", task)]
                    line += f" {slow * 1e3:9.3f} {slow / peer:5.2f}x"
                if ("python loop", task) in med:
                    slow = med[("python loop", task)]
                    line += f" {slow * 1e3:8.3f} {slow / peer:5.2f}x"
                print(line, flush=True)


if __name__ == "__main__":
    main()
