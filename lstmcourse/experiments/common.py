"""What the experiments share: stable seeds, result files, and the agreement models.

Every trained model is identified by a small key (task, kind, distance, seed, ...). Its
initial weights, its training data and its test data all derive from that key through
:func:`stable_seed`, so one point of an experiment can be regenerated on its own and gives the
same model as when the whole experiment runs. That is what lets a quick test rerun a few
points and compare them with the stored full results.

Results live in ``lstmcourse/experiments/results/<name>.json`` (everything), ``<name>.csv``
(the rows) and ``<name>.png`` (the figure the command line draws).
"""

from __future__ import annotations

import csv
import json
import platform
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import torch
from torch.nn import functional as F

from lstmcourse import tasks
from lstmcourse.train import FitResult, evaluate, fit, seed_everything

from .models import SequenceClassifier, backend

RESULTS_DIR = Path(__file__).resolve().parent / "results"

__all__ = ["RESULTS_DIR", "stable_seed", "save_results", "load_results", "AgreementRun",
           "train_agreement", "agreement_model", "machine"]


def stable_seed(*key: object) -> int:
    """A seed that depends only on ``key`` (unlike ``hash``, the same in every process)."""
    return zlib.crc32("/".join(map(str, key)).encode())


def machine() -> dict:
    """Where a result was made: torch version, backend, CPU, torch's kernels, thread count.

    ``kernels`` is the instruction set torch's CPU kernels use ("AVX512", "AVX2", "DEFAULT",
    ...): trained models can differ between them (see :func:`lstmcourse.train.seed_everything`).
    """
    return {"torch": torch.__version__, "backend": backend(), "threads": torch.get_num_threads(),
            "processor": platform.processor() or platform.machine(),
            "kernels": torch.backends.cpu.get_cpu_capability(),
            "python": platform.python_version()}


def save_results(name: str, results: dict, out_dir: Path | str = RESULTS_DIR) -> Path:
    """Write ``results`` as ``<name>.json`` and its ``rows`` as ``<name>.csv``.

    Refuses (ValueError) results that hold inf or NaN: a stored number must be a number. A
    quantity that can be undefined (a median over no models) is stored as ``None`` (null).
    """
    text = json.dumps(results, indent=1, sort_keys=False, allow_nan=False) + "\n"
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.json"
    path.write_text(text)
    rows = results.get("rows", [])
    if rows:
        fields = list(dict.fromkeys(k for row in rows for k in row))
        with open(out / f"{name}.csv", "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
    return path


def load_results(name: str, results_dir: Path | str = RESULTS_DIR) -> dict:
    """Read ``<name>.json``; a clear error says how to make it when it is missing."""
    path = Path(results_dir) / f"{name}.json"
    if not path.exists():
        raise FileNotFoundError(f"no stored results for {name!r} at {path}; run "
                                f"`python -m lstmcourse.experiments {name}` to make them")
    return json.loads(path.read_text())


# --- the agreement models, shared by several experiments ------------------------------------

AGREEMENT = {"hidden": 32, "embed": 16, "per_epoch": 1024, "epochs": 20, "lr": 1e-2,
             "batch": 64, "n_val": 512, "n_test": 1024, "target": 0.99}


@dataclass
class AgreementRun:
    """One model trained on agreement with 0..``distance`` distractors."""

    model: SequenceClassifier
    fit: FitResult
    accuracy: float         # on sentences with exactly ``distance`` distractors
    seconds: float          # wall time of the training


def agreement_model(kind: str, distance: int, seed: int) -> SequenceClassifier:
    """The untrained model of :func:`train_agreement` (same key, same initial weights)."""
    seed_everything(stable_seed("agreement", kind, distance, seed, "init"))
    return SequenceClassifier(kind, AGREEMENT["hidden"], 2,
                              vocab_size=len(tasks.AGREEMENT_VOCAB), embed_size=AGREEMENT["embed"])


@lru_cache(maxsize=128)   # the full run of every experiment trains 66 agreement models
def train_agreement(kind: str, distance: int, seed: int, device: str = "cpu") -> AgreementRun:
    """Train ``kind`` on agreement, testing at exactly ``distance`` distractors.

    Training sentences have 0..``distance`` distractors (fresh ones each epoch), so short
    sentences give the first learning signal and long ones ask for memory; validation and
    test sentences all have exactly ``distance``. Training stops at 99 % validation accuracy
    or after ``AGREEMENT["epochs"]`` epochs: every model gets the same budget of sentences.
    Cached: experiments that study the same trained model share it within one process.
    """
    import time

    cfg = AGREEMENT
    key = ("agreement", kind, distance, seed)
    val = tasks.agreement(cfg["n_val"], distance, seed=stable_seed(*key, "val"))
    test = tasks.agreement(cfg["n_test"], distance, seed=stable_seed(*key, "test"))

    def data(epoch: int) -> tuple[torch.Tensor, torch.Tensor]:
        d = tasks.agreement(cfg["per_epoch"], (0, distance), seed=stable_seed(*key, epoch))
        return d.x, d.y

    model = agreement_model(kind, distance, seed)
    start = time.perf_counter()
    result = fit(model, data, (val.x, val.y), epochs=cfg["epochs"], patience=cfg["epochs"],
                 target=cfg["target"], lr=cfg["lr"], batch_size=cfg["batch"],
                 seed=stable_seed(*key, "order"), device=device,
                 desc=f"{kind} d={distance} s={seed}")
    seconds = time.perf_counter() - start
    _, acc = evaluate(result.model, test.x, test.y, loss_fn=F.cross_entropy, device=device)
    result.model.cpu()
    return AgreementRun(result.model, result, acc, seconds)
