"""A small, seeded trainer for the course's experiments.

``fit`` trains any ``nn.Module`` that maps a batch of time-major inputs to outputs, with Adam,
gradient-norm clipping, mini-batches drawn in a seeded order, and early stopping on a
validation score (the best weights are restored at the end). It is deliberately plain: one
loop over epochs, one over batches.

Shapes follow the rest of the course: inputs are time-major, ``x`` (T, B) token ids or
(T, B, D) features, so the batch dimension is **1** for ``x`` and 0 for ``y``.

Quiet by default where it should be: the tqdm bar shows only when stderr is a terminal
(``progress=None``) and never when ``progress=False``; nothing else is printed. The book
builds therefore print nothing.
"""

from __future__ import annotations

import copy
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

__all__ = ["seed_everything", "accuracy", "evaluate", "fit", "FitResult", "resolve_device"]

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def seed_everything(seed: int, threads: int | None = None) -> None:
    """Seed Python, NumPy and torch; set torch's CPU thread count when ``threads`` is given.

    What this makes repeatable, and what not (measured on the course's models, issue 10):

    - on one machine a run is repeatable to the bit, and measured so with 1 or 2 torch threads
      alike (the tensors are too small for torch and MKL to split a sum between threads; MKL
      does not promise that for larger ones);
    - on another CPU it is not: torch, MKL and OpenBLAS pick kernels for the instruction set
      (SSE, AVX2, AVX-512), and their last bits differ. A training run is chaotic enough that
      this can move the moment a model escapes a plateau, so one seed may learn a task on one
      CPU and not on another. Training in float64 does not cure it (measured: the same seeds
      still diverge). Results that must hold on every machine are therefore summarised over
      seeds (medians), never taken from one model.
    - ``torch.use_deterministic_algorithms`` would not help: it only swaps CUDA kernels, and
      CPU kernels are already deterministic for a given instruction set.

    Args:
        seed: the seed of all three generators (NumPy's takes it modulo :math:`2^{32}`).
        threads: torch's number of CPU threads; None leaves it as it is.
    """
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    if threads is not None:
        torch.set_num_threads(threads)


def resolve_device(device: str | torch.device | None) -> torch.device:
    """The torch device to run on: ``None`` or "cpu" gives the CPU, "cuda" needs CUDA.

    Args:
        device: a device name or ``torch.device``; None means the CPU.

    Returns:
        The ``torch.device``.

    Raises:
        ValueError: CUDA asked for but not available.
    """
    dev = torch.device("cpu" if device is None else device)
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device={str(device)!r} asked for CUDA, but torch sees no CUDA device; "
                         "use device='cpu'")
    return dev


def accuracy(output: torch.Tensor, y: torch.Tensor) -> float:
    """Fraction of correct class predictions.

    Args:
        output: logits, (..., C).
        y: class ids, (...).

    Returns:
        The accuracy, a float in [0, 1].
    """
    return (output.argmax(dim=-1) == y).float().mean().item()


@dataclass
class FitResult:
    """What :func:`fit` returns.

    Attributes:
        model: the trained model, with the best validation weights loaded.
        history: one dict per epoch: ``epoch``, ``train_loss``, ``val_loss``, ``val_score``,
            ``seconds`` (wall time of that epoch's training pass).
        best_epoch: the epoch (1-based) whose weights were kept.
        best_score: its validation score.
        stopped: why training ended: "target", "patience" or "epochs".
    """

    model: nn.Module
    history: list[dict] = field(default_factory=list)
    best_epoch: int = 0
    best_score: float = float("-inf")
    stopped: str = "epochs"

    @property
    def epoch_seconds(self) -> float:
        """Median wall time of one training epoch."""
        return float(np.median([h["seconds"] for h in self.history]))


def _batches(n: int, batch_size: int, gen: torch.Generator | None) -> list[torch.Tensor]:
    order = torch.randperm(n, generator=gen) if gen is not None else torch.arange(n)
    return list(order.split(batch_size))


@torch.no_grad()
def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor, *, loss_fn: LossFn,
             score_fn: Callable[[torch.Tensor, torch.Tensor], float] = accuracy,
             batch_size: int = 512, device: str | torch.device | None = None
             ) -> tuple[float, float]:
    """Mean loss and score of ``model`` on a data set, in evaluation mode, without gradients.

    The score is computed on all outputs at once, so any ``score_fn`` works.

    Args:
        model: maps ``x[:, batch]`` to outputs, (B, C) or time-major (T, B, C).
        x: inputs, time-major (T, B, ...).
        y: targets, (B, ...).
        loss_fn: compares outputs with targets; averaged over the examples.
        score_fn: higher is better (default: accuracy).
        batch_size: examples per forward pass.
        device: where the model runs; data move batch by batch.

    Returns:
        The pair ``(loss, score)``.
    """
    dev = resolve_device(device)
    model.eval()
    outs, total = [], 0.0
    for idx in _batches(y.shape[0], batch_size, None):
        out = model(x[:, idx].to(dev))
        total += loss_fn(out, y[idx].to(dev)).item() * len(idx)
        outs.append(out.cpu())
    # outputs are (B, C) or time-major (T, B, C): join along the batch dimension
    out = torch.cat(outs, dim=0 if outs[0].dim() == 2 else 1)
    return total / y.shape[0], score_fn(out, y)


Data = tuple[torch.Tensor, torch.Tensor]


def fit(model: nn.Module, train: Data | Callable[[int], Data],
        val: tuple[torch.Tensor, torch.Tensor], *,
        loss_fn: LossFn | None = None,
        score_fn: Callable[[torch.Tensor, torch.Tensor], float] = accuracy,
        epochs: int = 30, batch_size: int = 64, lr: float = 1e-2, clip: float = 1.0,
        patience: int = 4, target: float | None = None, seed: int = 0,
        device: str | torch.device | None = None, progress: bool | None = None,
        desc: str = "train") -> FitResult:
    """Train ``model`` with Adam and early stopping; return the best model and its history.

    Args:
        model: maps ``x[:, batch]`` to outputs that ``loss_fn`` compares with ``y[batch]``.
        train: ``(x, y)`` with x (T, B, ...) time-major and y (B, ...); or a function of the
            epoch number (1, 2, ...) that returns fresh ``(x, y)`` for that epoch, the usual
            way to train on a synthetic task without overfitting a fixed sample.
        val: validation ``(x, y)``, same layout; decides early stopping and the kept weights.
        loss_fn: defaults to cross-entropy on (B, C) logits.
        score_fn: higher is better (default: accuracy).
        epochs: most epochs to run.
        batch_size, lr, clip: mini-batch size, Adam's learning rate, max gradient norm.
        patience: stop after this many epochs without a better validation score.
        target: stop as soon as the validation score reaches it (``None``: never).
        seed: seeds the batch order (the caller seeds the model's initial weights).
        device: "cpu" (default) or e.g. "cuda"; data move batch by batch.
        progress: ``True`` show a bar, ``False`` never, ``None`` only on a terminal.
        desc: label of the progress bar.

    Returns:
        A :class:`FitResult` with the model, its best weights loaded, and the history.

    Raises:
        ValueError: ``epochs``, ``batch_size`` or ``patience`` below 1, or x and y of
            different batch sizes.
    """
    if patience < 1 or epochs < 1 or batch_size < 1:
        raise ValueError(f"epochs, batch_size and patience must be >= 1, got {epochs}, "
                         f"{batch_size}, {patience}")
    loss_fn = loss_fn or nn.functional.cross_entropy
    dev = resolve_device(device)
    model.to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    result = FitResult(model=model)
    best_state, waited = copy.deepcopy(model.state_dict()), 0
    # disable=None is tqdm's "only on a TTY"; False/True force it.
    bar = tqdm(range(1, epochs + 1), desc=desc, leave=False,
               disable=None if progress is None else not progress)
    for epoch in bar:
        x, y = train(epoch) if callable(train) else train
        if x.shape[1] != y.shape[0]:
            raise ValueError(f"train: x has batch size {x.shape[1]} in dim 1 (time-major) but y "
                             f"has {y.shape[0]} in dim 0; expected equal")
        model.train()
        start, total = time.perf_counter(), 0.0
        for idx in _batches(y.shape[0], batch_size, gen):
            opt.zero_grad()
            loss = loss_fn(model(x[:, idx].to(dev)), y[idx].to(dev))
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), clip)
            opt.step()
            total += loss.item() * len(idx)
        seconds = time.perf_counter() - start
        val_loss, val_score = evaluate(model, *val, loss_fn=loss_fn, score_fn=score_fn,
                                       device=dev)
        result.history.append({"epoch": epoch, "train_loss": total / y.shape[0],
                               "val_loss": val_loss, "val_score": val_score,
                               "seconds": seconds})
        bar.set_postfix(val=f"{val_score:.3f}")
        if val_score > result.best_score:
            result.best_epoch, result.best_score, waited = epoch, val_score, 0
            best_state = copy.deepcopy(model.state_dict())
        else:
            waited += 1
        if target is not None and val_score >= target:
            result.stopped = "target"
            break
        if waited >= patience:
            result.stopped = "patience"
            break
    bar.close()
    model.load_state_dict(best_state)
    model.eval()
    return result
