"""Chapter 9's pieces: the generated reviews, the truncated model, clipping and the verdicts.

The labels of the generated reviews are checked by a second reader written here from the
rules in the module docstring (it parses the words, it does not call the generator's code).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from lstmcourse.experiments import load, practice, reviews
from lstmcourse.experiments.claims import FAILS, HOLDS, PARTLY

POS, NEG = set(reviews.POSITIVE), set(reviews.NEGATIVE)


def clause_score(words: list[str]) -> int:
    """Signed strength of one clause, read from its words (the module's rules)."""
    adj = [w for w in words if w in POS or w in NEG]
    assert len(adj) == 1, words
    sign = 1 if adj[0] in POS else -1
    negated = any(w in ("not", "never") for w in words)
    if any(w in reviews.INTENSIFIERS for w in words):
        strength = 1 if negated else 3
    elif any(w in reviews.DOWNTONERS for w in words):
        strength = 1
    else:
        strength = 2
    return -sign * strength if negated else sign * strength


def review_score(text: str) -> int:
    total = 0
    for sentence in text.replace("<pad>", "").split("."):
        words = sentence.split()
        if not any(w in POS or w in NEG for w in words):
            continue                                   # plot summary
        if "but" in words:
            cut = words.index("but")
            total += clause_score(words[:cut]) + 2 * clause_score(words[cut + 1:])
        else:
            total += 2 * clause_score(words)
    return total


def test_sentence_scores_follow_the_rules():
    assert [reviews.sentence_score(1, m, False) for m in ("plain", "intensified",
                                                          "downtoned")] == [2, 3, 1]
    assert reviews.sentence_score(1, "plain", True) == -2         # "not good"
    assert reviews.sentence_score(1, "intensified", True) == -1   # "not very good"
    assert reviews.sentence_score(-1, "intensified", True) == 1   # "not very bad"
    with pytest.raises(ValueError, match="modifier must be"):
        reviews.sentence_score(1, "loud", False)
    with pytest.raises(ValueError, match="cannot be negated"):
        reviews.sentence_score(1, "downtoned", True)


def test_review_labels_agree_with_an_independent_reader():
    d = reviews.reviews(600, seed=3)
    for b in range(len(d)):
        score = review_score(d.decode(b))
        assert score == d.info["score"][b] != 0, d.decode(b)
        assert int(d.y[b]) == (score > 0)
    # the hard cases occur often enough to matter
    assert d.info["contrast"].mean() > 0.2 and d.info["far_negation"].mean() > 0.1
    assert 0.4 < d.y.float().mean() < 0.6


def test_reviews_are_front_padded_seeded_and_in_the_vocabulary():
    a, b = reviews.reviews(50, length=40, seed=7), reviews.reviews(50, length=40, seed=7)
    assert torch.equal(a.x, b.x) and a.x.shape == (40, 50)
    assert not torch.equal(a.x, reviews.reviews(50, length=40, seed=8).x)
    for k in range(50):
        n = int(a.info["length"][k])
        assert (a.x[:40 - n, k] == 0).all() and (a.x[40 - n:, k] != 0).all()
        assert a.vocab[int(a.x[-1, k])] == "."
    assert 200 <= len(reviews.VOCAB) == len(set(reviews.VOCAB))


def test_long_reviews_are_decided_by_the_rating_only():
    d = reviews.long_reviews(300, length=64, shortest=20, seed=1)
    for b in range(len(d)):
        words = d.decode(b).split()
        at = words.index("rating") + 2                  # "rating : <k>"
        assert 64 - 1 - at == d.info["distance"][b]
        assert int(d.y[b]) == (words[at] in reviews.RATINGS_POS)
        assert words[at] in reviews.RATINGS_POS + reviews.RATINGS_NEG
        rest = words[at + 1:]
        assert not set(rest) & (POS | NEG | set(reviews.RATINGS_POS[:-1])
                                | set(reviews.RATINGS_NEG))
    assert d.info["distance"].min() >= 17 and d.info["distance"].max() <= 61


@pytest.mark.parametrize("kw, match", [({"length": 10}, "length must be"),
                                       ({"shortest": 80}, "shortest must be <="),
                                       ({"shortest": 3}, "shortest must be")])
def test_long_reviews_refuse_bad_arguments(kw, match):
    with pytest.raises(ValueError, match=match):
        reviews.long_reviews(5, **kw)


def test_truncation_changes_the_gradient_not_the_output():
    torch.manual_seed(0)
    model = practice.ReviewClassifier(len(reviews.VOCAB), embed=6, hidden=5)
    d = reviews.long_reviews(4, length=30, shortest=25, seed=0)
    full = model(d.x)
    cut = model(d.x, bptt=8)
    torch.testing.assert_close(cut, full)
    # the gradient reaches the embedding rows of early words only without truncation
    early = torch.unique(d.x[:30 - 8])
    late = torch.unique(d.x[30 - 8:])
    only_early = early[~torch.isin(early, late)]
    for bptt, reaches in ((None, True), (8, False)):
        model.zero_grad()
        model(d.x, bptt=bptt).sum().backward()
        rows = model.embed.weight.grad[only_early].abs().sum(dim=1)
        assert bool((rows > 0).all()) == reaches and (rows > 0).any() == reaches


def test_clip_gradient_matches_torch():
    torch.manual_seed(1)
    params = [torch.nn.Parameter(torch.randn(3, 4)), torch.nn.Parameter(torch.randn(5))]
    for p in params:
        p.grad = torch.randn_like(p) * 10
    ref = [p.grad.clone() for p in params]
    norm = practice.clip_gradient(params, 1.0)
    want = torch.sqrt(sum((g.double() ** 2).sum() for g in ref)).item()
    assert norm == pytest.approx(want, rel=1e-12)
    ref_params = [torch.nn.Parameter(p.detach().clone()) for p in params]
    for p, g in zip(ref_params, ref, strict=True):
        p.grad = g.clone()
    torch.nn.utils.clip_grad_norm_(ref_params, 1.0)
    for p, q in zip(params, ref_params, strict=True):
        torch.testing.assert_close(p.grad, q.grad)
    # below the threshold, and with None, nothing changes
    before = [p.grad.clone() for p in params]
    practice.clip_gradient(params, None)
    practice.clip_gradient(params, 1e9)
    for p, g in zip(params, before, strict=True):
        assert torch.equal(p.grad, g)


def test_learned_at_and_forgot():
    assert practice.learned_at([0.5, 0.96, 0.97], 0.95) == 2
    assert practice.learned_at([0.96, 0.5, 0.97], 0.95) == 3
    assert practice.learned_at([0.5, 0.6], 0.95) is None
    assert practice.forgot([0.5, 0.99, 0.5, 0.99], 0.95)
    assert not practice.forgot([0.5, 0.99, 0.9], 0.95)
    assert not practice.forgot([0.5, 0.6], 0.95)


def _clip_results(on: dict, off: dict) -> dict:
    base = {"seeds": 6, "learned": 6, "forgot": 0, "learned_at": 8, "log10_spike": 2.0}
    return {"summary": {"clipping": {"lr=0.1 clip=None": base | off,
                                     "lr=0.1 clip=1.0": base | on}}}


def test_clipping_rule_branches():
    v = practice.clipping_verdict
    # two fewer failures, or two epochs sooner: holds
    assert v(_clip_results({}, {"learned": 4})).verdict == HOLDS
    assert v(_clip_results({}, {"forgot": 2})).verdict == HOLDS
    assert v(_clip_results({"learned_at": 6}, {})).verdict == HOLDS
    # a never-learning unclipped run counts as infinitely late
    assert v(_clip_results({}, {"learned": 5, "learned_at": None})).verdict == HOLDS
    # never worse, spikes large: partly; spikes small or clipped worse: does not hold
    assert v(_clip_results({}, {"learned": 5})).verdict == PARTLY
    assert v(_clip_results({"log10_spike": 1.0}, {"learned": 5, "log10_spike": 1.0})
             ).verdict == FAILS
    assert v(_clip_results({"learned_at": 9}, {})).verdict == FAILS
    assert v(_clip_results({"learned": 5}, {})).verdict == FAILS


def test_bptt_and_stack_rule_branches():
    def bp(full, short):
        return {"summary": {"bptt": {"k=None": {"accuracy": full},
                                     "k=8": {"accuracy": short}}}}

    assert practice.bptt_verdict(bp(1.0, 0.5)).verdict == HOLDS
    assert practice.bptt_verdict(bp(0.85, 0.5)).verdict == PARTLY
    assert practice.bptt_verdict(bp(0.9, 0.85)).verdict == FAILS

    def st(one, two):
        return {"summary": {"stack": {"1x32": {"accuracy": one}, "2x32": {"accuracy": two}}}}

    assert practice.stack_verdict(st(0.94, 0.96)).verdict == HOLDS
    assert practice.stack_verdict(st(0.95, 0.955)).verdict == PARTLY
    assert practice.stack_verdict(st(0.96, 0.95)).verdict == FAILS


def test_data_refuses_unknown_kinds():
    with pytest.raises(ValueError, match="kind must be"):
        practice.data("imdb")


def test_stored_results_are_full_and_complete():
    r = load("practice")
    assert r["size"] == "full" and r["config"] == json.loads(
        json.dumps(practice.CONFIGS["full"]))
    cfg = r["config"]
    n = {"clipping": len(cfg["lrs"]) * len(cfg["clips"]) * len(cfg["clip_seeds"]),
         "bptt": len(cfg["bptt"]) * len(cfg["bptt_seeds"]),
         "stack": len(cfg["stacks"]) * len(cfg["stack_seeds"])}
    for part, count in n.items():
        assert sum(row["part"] == part for row in r["rows"]) == count, part
    # medians recomputed from the rows
    for shape, v in r["summary"]["stack"].items():
        accs = [row["accuracy"] for row in r["rows"] if row["setting"] == shape]
        assert v["accuracy"] == pytest.approx(float(np.median(accs)), abs=1e-4)
    # every trace is a log10 value or null (json null for a step that was not a number)
    for t in r["traces"].values():
        assert all(v is None or -12 < v < 12 for v in t["norm"])
