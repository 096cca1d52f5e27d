"""How fast is ``lstmcourse.torch`` next to ``torch.nn``? Prints ratios; asserts nothing.

For LSTM and GRU, at (T=100, B=64, D=32, H=128) and (T=500, B=32, D=32, H=100), float32, on the
CPU (and on CUDA too when one is present), this times forward and forward+backward of

- ``torch.nn.LSTM`` / ``torch.nn.GRU`` (the peer),
- ``lstmcourse.torch`` with ``impl="fused"`` (the default) and ``impl="readable"``,

in the same process with the same thread count and the same weights, interleaving the contenders
round by round so that drifts in machine load hit all of them alike, and reports medians and the
ratio ours / torch.nn. Goals: forward <= 1.5x, forward+backward <= 2x for the fused path.

Run: ``python benchmarks/bench_torch_rnn.py [--rounds N] [--quick] [--readable] [--threads N]
[--device cpu|cuda]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import torch

import lstmcourse.torch as lt

SIZES = [(100, 64, 32, 128), (500, 32, 32, 100)]  # (T, B, D, H)


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _timer(fn: Callable[[], None], device: torch.device) -> float:
    _sync(device)
    start = time.perf_counter()
    fn()
    _sync(device)
    return time.perf_counter() - start


def _jobs(module: torch.nn.Module, x: torch.Tensor) -> dict[str, Callable[[], None]]:
    def forward() -> None:
        with torch.no_grad():
            module(x)

    def forward_backward() -> None:
        out, _ = module(x)
        out.sum().backward()

    return {"fwd": forward, "fwd+bwd": forward_backward}


def bench(
    kind: str, size: tuple[int, int, int, int], rounds: int, device: torch.device, readable: bool
) -> None:
    T, B, D, H = size
    ref_cls, our_cls = {"LSTM": (torch.nn.LSTM, lt.LSTM), "GRU": (torch.nn.GRU, lt.GRU)}[kind]
    torch.manual_seed(0)
    ref = ref_cls(D, H, device=device)
    models = {"torch.nn": ref, "fused": our_cls(D, H, device=device)}
    if readable:
        models["readable"] = our_cls(D, H, device=device, impl="readable")
    for m in models.values():
        m.load_state_dict(ref.state_dict())
    x = torch.randn(T, B, D, device=device)
    jobs = {name: _jobs(m, x) for name, m in models.items()}
    times: dict[tuple[str, str], list[float]] = {}
    for r in range(rounds + 1):  # round 0 warms up and is not counted
        for what in ("fwd", "fwd+bwd"):
            for name in models:
                t = _timer(jobs[name][what], device)
                if r:
                    times.setdefault((name, what), []).append(t)
    print(
        f"{kind} T={T} B={B} D={D} H={H} ({device.type}, float32, "
        f"{torch.get_num_threads()} threads, {rounds} rounds, medians)"
    )
    for what in ("fwd", "fwd+bwd"):
        peer = statistics.median(times[("torch.nn", what)])
        line = f"  {what:8s} torch.nn {peer * 1e3:8.2f} ms"
        for name in models:
            if name != "torch.nn":
                med = statistics.median(times[(name, what)])
                line += f" | {name} {med * 1e3:8.2f} ms = {med / peer:5.2f}x"
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="3 rounds, no readable path")
    parser.add_argument("--readable", action="store_true", help="also time impl='readable'")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    rounds = 3 if args.quick else args.rounds
    device = torch.device(args.device)
    for kind in ("LSTM", "GRU"):
        for size in SIZES:
            bench(kind, size, rounds, device, args.readable and not args.quick)


if __name__ == "__main__":
    main()
