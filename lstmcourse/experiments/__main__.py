"""Command line: ``python -m lstmcourse.experiments [--small] [--out DIR] NAME|all``."""

from __future__ import annotations

import argparse
import sys

import torch

from . import EXPERIMENTS, RESULTS_DIR, run_experiment
from .models import BACKENDS, backend, set_backend


def main(argv: list[str] | None = None) -> int:
    listing = "\n".join(f"  {name:15s} {mod.TITLE}" for name, mod in EXPERIMENTS.items())
    parser = argparse.ArgumentParser(
        prog="python -m lstmcourse.experiments",
        description="Run an experiment that tests one of the lecture's claims and write its "
                    "results (JSON, CSV) and figure (PNG).",
        epilog=f"experiments:\n{listing}\n  {'all':15s} every experiment, in this order",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("name", choices=[*EXPERIMENTS, "all"], metavar="NAME",
                        help="an experiment (see below) or 'all'")
    parser.add_argument("--small", action="store_true",
                        help="the small configuration the tests use (a subset of the full one)")
    parser.add_argument("--out", default=str(RESULTS_DIR),
                        help="output folder (default: the stored results the book reads)")
    parser.add_argument("--device", default="cpu", help="torch device, e.g. cpu or cuda")
    parser.add_argument("--backend", choices=BACKENDS, default=backend(),
                        help="which package provides the recurrent layers")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch CPU threads (default 1: faster than 2 for these small models; "
                             "1 and 2 train the same models to the bit where measured)")
    args = parser.parse_args(argv)
    set_backend(args.backend)
    torch.set_num_threads(args.threads)
    names = list(EXPERIMENTS) if args.name == "all" else [args.name]
    for name in names:
        res = run_experiment(name, "small" if args.small else "full", out_dir=args.out,
                             device=args.device)
        print(f"{name}: {res['seconds']:.1f} s -> {args.out}/{name}.json", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
