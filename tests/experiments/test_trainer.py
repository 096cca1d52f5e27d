"""The trainer: learns, stops early, is seeded and stays silent off a terminal."""

from __future__ import annotations

import pytest
import torch

from lstmcourse import tasks
from lstmcourse.experiments.models import SequenceClassifier
from lstmcourse.train import fit, seed_everything


def small_problem():
    train = tasks.agreement(512, 2, seed=1)
    val = tasks.agreement(256, 2, seed=2)
    return (train.x, train.y), (val.x, val.y), len(train.vocab)


def make(vocab: int) -> SequenceClassifier:
    seed_everything(0)
    return SequenceClassifier("lstm", 16, 2, vocab_size=vocab, embed_size=8)


def test_fit_learns_a_short_dependency_and_stops_at_target():
    train, val, v = small_problem()
    r = fit(make(v), train, val, epochs=30, target=0.99, lr=1e-2, progress=False)
    assert r.stopped == "target"
    assert r.best_score >= 0.99
    assert len(r.history) < 30


def test_fit_is_reproducible_with_the_same_seeds():
    train, val, v = small_problem()
    a = fit(make(v), train, val, epochs=3, seed=4, progress=False)
    b = fit(make(v), train, val, epochs=3, seed=4, progress=False)
    assert [h["val_loss"] for h in a.history] == [h["val_loss"] for h in b.history]
    for p, q in zip(a.model.parameters(), b.model.parameters(), strict=True):
        assert torch.equal(p, q)


def test_patience_stops_and_restores_the_best_weights():
    train, val, v = small_problem()
    # a learning rate of zero never improves after epoch 1: patience 2 ends at epoch 3
    model = make(v)
    before = [p.clone() for p in model.parameters()]
    r = fit(model, train, val, epochs=20, patience=2, lr=0.0, progress=False)
    assert r.stopped == "patience" and len(r.history) == 3 and r.best_epoch == 1
    for p, q in zip(before, r.model.parameters(), strict=True):
        assert torch.equal(p, q)


def test_fresh_data_per_epoch_is_called_with_the_epoch_number():
    _, val, v = small_problem()
    seen = []

    def data(epoch: int):
        seen.append(epoch)
        d = tasks.agreement(128, 2, seed=epoch)
        return d.x, d.y

    fit(make(v), data, val, epochs=3, patience=5, progress=False)
    assert seen == [1, 2, 3]


def test_silent_when_not_a_terminal(capsys):
    train, val, v = small_problem()
    fit(make(v), train, val, epochs=2, progress=None)   # pytest's streams are not TTYs
    fit(make(v), train, val, epochs=2, progress=False)
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


def test_progress_bar_when_asked(capsys):
    train, val, v = small_problem()
    fit(make(v), train, val, epochs=2, progress=True, desc="demo-bar")
    assert "demo-bar" in capsys.readouterr().err


def test_bad_arguments_are_named():
    train, val, v = small_problem()
    x, y = train
    with pytest.raises(ValueError, match="time-major"):
        fit(make(v), (x.T.contiguous(), y), val, epochs=1, progress=False)
    with pytest.raises(ValueError, match="patience"):
        fit(make(v), train, val, patience=0, progress=False)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the error raised without CUDA")
def test_cuda_without_a_gpu_is_a_clear_error():
    train, val, v = small_problem()
    with pytest.raises(ValueError, match="device='cuda'.*no CUDA"):
        fit(make(v), train, val, epochs=1, device="cuda", progress=False)


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_fit_on_cuda():
    train, val, v = small_problem()
    r = fit(make(v), train, val, epochs=30, target=0.99, device="cuda", progress=False)
    assert r.best_score >= 0.99
