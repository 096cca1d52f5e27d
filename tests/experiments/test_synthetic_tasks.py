"""The synthetic tasks: shapes, seeding, and labels that follow the task's own rule."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lstmcourse import tasks


def words(data: tasks.TaskData, b: int) -> list[str]:
    return data.decode(b).split()


def test_adding_problem_shapes_and_targets():
    d = tasks.adding_problem(50, 20, seed=3)
    assert d.x.shape == (20, 50, 2) and d.x.dtype == torch.float32
    assert d.y.shape == (50,)
    marks = d.x[:, :, 1].numpy()
    assert (marks.sum(axis=0) == 2).all()
    first = marks[:10].argmax(axis=0)          # one mark in each half
    second = 10 + marks[10:].argmax(axis=0)
    vals = d.x[:, :, 0].numpy()
    expect = vals[first, np.arange(50)] + vals[second, np.arange(50)]
    np.testing.assert_allclose(d.y.numpy(), expect, rtol=1e-6)


def test_same_seed_same_data_and_different_seed_different_data():
    a, b = tasks.negation(64, seed=5), tasks.negation(64, seed=5)
    c = tasks.negation(64, seed=6)
    assert torch.equal(a.x, b.x) and torch.equal(a.y, b.y)
    assert not torch.equal(a.x, c.x)


def test_temporal_order_classes_follow_the_two_symbols():
    d = tasks.temporal_order(200, 30, seed=1)
    assert d.x.shape == (30, 200)
    for b in range(200):
        w = words(d, b)
        assert w[0] == "B" and w[-1] == "E"
        relevant = [s for s in w if s in ("X", "Y")]
        assert len(relevant) == 2
        assert d.classes[int(d.y[b])] == "".join(relevant)


def effective_label(ws: list[str], max_gap: int) -> int:
    """Independent reading of a negation review: a negator flips the next sentiment word when
    at most ``max_gap`` words separate them; majority vote of the results."""
    score, last_neg = 0, None
    for t, w in enumerate(ws):
        if w in tasks.NEGATORS:
            last_neg = t
        elif w in tasks.POSITIVE or w in tasks.NEGATIVE:
            pol = 1 if w in tasks.POSITIVE else -1
            if last_neg is not None and t - last_neg <= max_gap:
                pol = -pol
            last_neg = None
            score += pol
    return int(score > 0)


def test_negation_labels_match_an_independent_reading():
    d = tasks.negation(500, length=16, max_gap=3, seed=2)
    assert d.x.shape == (16, 500)
    labels = [effective_label(words(d, b), 3) for b in range(500)]
    assert labels == d.y.tolist()
    # both classes, and negation does change some labels relative to raw polarity
    assert 0.3 < d.y.float().mean() < 0.7
    raw = (d.info["polarity"].sum(axis=1) > 0).astype(int)
    assert (raw != d.y.numpy()).mean() > 0.2


def test_negation_rejects_even_counts_and_short_lengths():
    with pytest.raises(ValueError, match="n_sentiment must be odd"):
        tasks.negation(4, n_sentiment=2)
    with pytest.raises(ValueError, match="length must be >= .*12.*got 10"):
        tasks.negation(4, length=10, n_sentiment=3, max_gap=3)
    with pytest.raises(ValueError, match="p_negate"):
        tasks.negation(4, p_negate=1.5)


def test_agreement_subject_number_decides_the_class():
    d = tasks.agreement(300, 7, seed=0)
    assert d.x.shape == (10, 300)                # T = N + 3
    for b in range(300):
        w = words(d, b)
        assert w[0] == "the" and w[-1] == "<verb>"
        plural = w[1] in tasks.PLURAL
        assert plural or w[1] in tasks.SINGULAR
        assert d.classes[int(d.y[b])] == ("were" if plural else "was")
        assert not set(w[2:-1]) & set(tasks.SINGULAR + tasks.PLURAL)


def test_agreement_range_pads_on_the_left():
    d = tasks.agreement(200, (0, 12), seed=4)
    assert d.x.shape == (15, 200)
    dist = d.info["distance"]
    assert dist.min() >= 0 and dist.max() <= 12 and len(set(dist)) > 5
    for b in range(200):
        w = words(d, b)
        start = w.index("the")
        assert set(w[:start]) <= {"<pad>"} and start == 12 - dist[b]
        assert len(w) - 1 - (start + 1) - 1 == dist[b]      # words between subject and verb


def test_agreement_bad_arguments_name_themselves():
    with pytest.raises(ValueError, match="distractors must be an integer >= 0, got -1"):
        tasks.agreement(3, -1)
    with pytest.raises(ValueError, match=r"distractors\[1\]"):
        tasks.agreement(3, (5, 2))
    with pytest.raises(ValueError, match="n must be an integer >= 1"):
        tasks.agreement(0, 3)


def test_late_decision_word_after_but_decides():
    d = tasks.late_decision(300, 30, decide_from=0.7, seed=9)
    assert d.x.shape == (30, 300)
    at = d.info["decide_at"]
    assert at.min() >= 21 and at.max() <= 28
    for b in range(300):
        w = words(d, b)
        assert w[at[b] - 1] == "but"
        assert (w[at[b]] in tasks.POSITIVE) == bool(d.y[b])
        assert "but" not in w[at[b]:]                        # nothing after overrides it


def test_decode_needs_a_vocabulary():
    with pytest.raises(ValueError, match="no vocabulary"):
        tasks.adding_problem(2, 5).decode(0)
