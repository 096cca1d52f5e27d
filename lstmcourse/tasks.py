"""Seeded synthetic sequence tasks that probe long-range memory (no downloads).

Every generator takes the number of examples ``n`` and a ``seed`` and returns a
:class:`TaskData` whose tensors are **time-major**, like ``torch.nn.LSTM`` expects:

=====  ==============================================================
T      sequence length (time steps)
B      number of examples (``n``)
D      input features per step (only the adding problem: D = 2)
=====  ==============================================================

* token tasks: ``x`` is ``(T, B)`` int64 token ids into ``vocab``; feed them through an
  ``nn.Embedding`` to get ``(T, B, E)``;
* the adding problem: ``x`` is ``(T, B, 2)`` float32;
* ``y`` is ``(B,)``: int64 class labels, or float32 targets for the adding problem.

The same ``seed`` gives the same data on every machine (NumPy's ``default_rng`` draws the
examples; torch only wraps the arrays).

:func:`adding_problem` and :func:`temporal_order` follow Hochreiter & Schmidhuber (1997).
The other three turn examples from the lecture notes into tasks whose answer needs a word
that is far away: :func:`negation` ("not good ... no like"), :func:`agreement`
("the cat(s) which ... was/were") and :func:`late_decision` ("although hard-working ... but
no achievements"), where the deciding word comes late so a reader going backwards meets it
first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

__all__ = [
    "TaskData",
    "adding_problem",
    "temporal_order",
    "negation",
    "agreement",
    "late_decision",
    "POSITIVE",
    "NEGATIVE",
    "NEGATORS",
]


@dataclass
class TaskData:
    """One generated data set.

    Attributes:
        x: inputs, ``(T, B)`` int64 token ids or ``(T, B, D)`` float32 features.
        y: targets, ``(B,)``: int64 class ids or float32 regression targets.
        vocab: the words behind the token ids (``None`` for the adding problem).
        classes: the meaning of each class id (``None`` for regression).
        info: per-example facts that explain the label, e.g. ``"decide_at"`` ``(B,)``.
    """

    x: torch.Tensor
    y: torch.Tensor
    vocab: list[str] | None = None
    classes: list[str] | None = None
    info: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.y.shape[0])

    def decode(self, b: int) -> str:
        """The example ``b`` as a sentence (token tasks only)."""
        if self.vocab is None:
            raise ValueError("decode: this task has no vocabulary (it is not a token task)")
        return " ".join(self.vocab[int(t)] for t in self.x[:, b])


# --- argument checks -------------------------------------------------------------------------

def _check_int(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _check_prob(name: str, value: float) -> float:
    if not 0.0 <= float(value) <= 1.0:
        raise ValueError(f"{name} must be a probability in [0, 1], got {value!r}")
    return float(value)


def _tokens(words: list[str]) -> dict[str, int]:
    return {w: i for i, w in enumerate(words)}


def _wrap(x: np.ndarray, y: np.ndarray, **kw) -> TaskData:
    return TaskData(torch.from_numpy(np.ascontiguousarray(x)), torch.from_numpy(y), **kw)


# --- Hochreiter & Schmidhuber's benchmarks ---------------------------------------------------

def adding_problem(n: int, length: int, *, seed: int = 0) -> TaskData:
    """The adding problem: add the two marked numbers of a long sequence.

    Each step carries two features: a number drawn uniformly from [0, 1] and a marker that is
    1 at exactly two steps and 0 elsewhere. The first marked step lies in the first half of the
    sequence, the second in the second half; the target is the sum of the two marked numbers.
    Predicting the constant 1 gives a mean squared error of about 1/6, the score to beat.

    Args:
        n: number of examples B.
        length: sequence length T (at least 2).
        seed: seed of the generator.

    Returns:
        ``x`` (T, B, 2) float32, ``y`` (B,) float32; ``info["marks"]`` (B, 2) marked steps.
    """
    n = _check_int("n", n, 1)
    length = _check_int("length", length, 2)
    rng = np.random.default_rng(seed)
    values = rng.uniform(0.0, 1.0, size=(length, n))
    half = length // 2
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, length, size=n)
    marks = np.zeros((length, n))
    cols = np.arange(n)
    marks[first, cols] = 1.0
    marks[second, cols] = 1.0
    x = np.stack([values, marks], axis=-1).astype(np.float32)          # (T, B, 2)
    y = (values[first, cols] + values[second, cols]).astype(np.float32)  # (B,)
    return _wrap(x, y, info={"marks": np.stack([first, second], axis=1)})


TEMPORAL_VOCAB = ["B", "E", "X", "Y", "a", "b", "c", "d"]


def temporal_order(n: int, length: int, *, seed: int = 0) -> TaskData:
    """The temporal-order problem: in which order did X and Y appear?

    A sequence starts with ``B``, ends with ``E`` and is filled with the distractors
    ``a b c d``. Two relevant symbols, each ``X`` or ``Y``, sit at a random step in
    [10 %, 20 %) and in [50 %, 60 %) of the sequence. The class is their order:
    0 = XX, 1 = XY, 2 = YX, 3 = YY.

    Args:
        n: number of examples B.
        length: sequence length T (at least 10, so the two windows do not collide).
        seed: seed of the generator.

    Returns:
        ``x`` (T, B) int64 tokens, ``y`` (B,) int64 in 0..3; ``info["positions"]`` (B, 2).
    """
    n = _check_int("n", n, 1)
    length = _check_int("length", length, 10)
    rng = np.random.default_rng(seed)
    tok = _tokens(TEMPORAL_VOCAB)
    x = rng.integers(tok["a"], tok["d"] + 1, size=(length, n))
    x[0], x[-1] = tok["B"], tok["E"]
    p1 = rng.integers(int(0.1 * length), max(int(0.2 * length), int(0.1 * length) + 1), size=n)
    p2 = rng.integers(int(0.5 * length), max(int(0.6 * length), int(0.5 * length) + 1), size=n)
    s1 = rng.integers(0, 2, size=n)       # 0 -> X, 1 -> Y
    s2 = rng.integers(0, 2, size=n)
    cols = np.arange(n)
    x[p1, cols] = tok["X"] + s1
    x[p2, cols] = tok["X"] + s2
    y = 2 * s1 + s2
    return _wrap(x.astype(np.int64), y.astype(np.int64), vocab=list(TEMPORAL_VOCAB),
                 classes=["XX", "XY", "YX", "YY"], info={"positions": np.stack([p1, p2], 1)})


# --- tasks built from the lecture's examples -------------------------------------------------

POSITIVE = ["good", "great", "like", "fun", "love"]
NEGATIVE = ["bad", "dull", "boring", "hate", "awful"]
NEGATORS = ["not", "no"]
FILLERS = ["the", "movie", "plot", "was", "it", "and", "a", "story", "acting", "really",
           "i", "this", "film", "very", "so", "of"]
SENTIMENT_VOCAB = POSITIVE + NEGATIVE + NEGATORS + FILLERS + ["but"]


def negation(n: int, length: int = 24, *, n_sentiment: int = 3, max_gap: int = 3,
             p_negate: float = 0.5, p_stray: float = 0.5, seed: int = 0) -> TaskData:
    """Sentiment with negation: "not"/"no" flips the next sentiment word, a few words later.

    A review has ``n_sentiment`` sentiment words (odd, so there are no ties) among filler
    words. Each sentiment word is negated with probability ``p_negate``: a negator ("not" or
    "no") is placed 1 to ``max_gap`` words before it, with only fillers in between. The
    review is positive (class 1) when most sentiment words are positive *after* negation.
    The lecture's example "not good, good, no like" is negative: two of three are negated.
    With probability ``p_stray`` a stray negator follows the last sentiment word; it governs
    nothing ("... good, I think not"), so counting negators is not enough either.

    A bag of words sees how many positive words and negators there are, but not which word
    each negator governs, so it cannot always tell; a reader that keeps order can.

    Args:
        n: number of examples B.
        length: sequence length T; must leave room: ``length >= n_sentiment * (max_gap + 1)``.
        n_sentiment: sentiment words per review (odd, >= 1).
        max_gap: the farthest a negator may stand before its word (>= 1).
        p_negate: probability that a sentiment word is negated.
        p_stray: probability of a stray negator after the last sentiment word (if it fits).
        seed: seed of the generator.

    Returns:
        ``x`` (T, B) int64, ``y`` (B,) int64 (0 negative, 1 positive);
        ``info["polarity"]`` (B, n_sentiment) of +-1 before negation,
        ``info["negated"]`` (B, n_sentiment) bool, ``info["positions"]`` (B, n_sentiment).
    """
    n = _check_int("n", n, 1)
    n_sentiment = _check_int("n_sentiment", n_sentiment, 1)
    if n_sentiment % 2 == 0:
        raise ValueError(f"n_sentiment must be odd (no ties), got {n_sentiment}")
    max_gap = _check_int("max_gap", max_gap, 1)
    p_negate = _check_prob("p_negate", p_negate)
    p_stray = _check_prob("p_stray", p_stray)
    slot = max_gap + 1                    # a sentiment word and the room for its negator
    if _check_int("length", length, 1) < n_sentiment * slot:
        raise ValueError(f"length must be >= n_sentiment * (max_gap + 1) = "
                         f"{n_sentiment * slot}, got {length}")
    rng = np.random.default_rng(seed)
    tok = _tokens(SENTIMENT_VOCAB)
    fillers = np.array([tok[w] for w in FILLERS])
    pos_ids = np.array([tok[w] for w in POSITIVE])
    neg_ids = np.array([tok[w] for w in NEGATIVE])
    not_ids = np.array([tok[w] for w in NEGATORS])
    x = rng.choice(fillers, size=(length, n))
    cols = np.arange(n)
    polarity = rng.choice([-1, 1], size=(n, n_sentiment))
    negated = rng.random((n, n_sentiment)) < p_negate
    gaps = rng.integers(1, max_gap + 1, size=(n, n_sentiment))
    # Split the spare steps at random between the slots, then put each sentiment word at the
    # end of its slot so that its negator (if any) always fits in front of it.
    spare = length - n_sentiment * slot
    cuts = np.sort(rng.integers(0, spare + 1, size=(n, n_sentiment)), axis=1)
    positions = cuts + np.arange(n_sentiment) * slot + max_gap          # (B, n_sentiment)
    for k in range(n_sentiment):
        words = np.where(polarity[:, k] > 0, rng.choice(pos_ids, size=n),
                         rng.choice(neg_ids, size=n))
        x[positions[:, k], cols] = words
        has = negated[:, k]
        x[positions[has, k] - gaps[has, k], cols[has]] = rng.choice(not_ids, size=has.sum())
    # A stray negator somewhere after the last sentiment word, where there is room.
    last = positions[:, -1]
    stray = (rng.random(n) < p_stray) & (last < length - 1)
    where = last + 1 + (rng.random(n) * (length - 1 - last)).astype(np.int64)
    x[where[stray], cols[stray]] = rng.choice(not_ids, size=stray.sum())
    effective = np.where(negated, -polarity, polarity)
    y = (effective.sum(axis=1) > 0).astype(np.int64)
    return _wrap(x.astype(np.int64), y, vocab=list(SENTIMENT_VOCAB),
                 classes=["negative", "positive"],
                 info={"polarity": polarity, "negated": negated, "positions": positions})


SINGULAR = ["cat", "dog", "child", "bird", "author"]
PLURAL = ["cats", "dogs", "children", "birds", "authors"]
DISTRACTORS = ["which", "already", "ate", "the", "food", "in", "garden", "quickly",
               "yesterday", "near", "old", "house", "that", "we", "saw", "with", "red", "ball"]
AGREEMENT_VOCAB = (["the"] + SINGULAR + PLURAL + [w for w in DISTRACTORS if w != "the"]
                   + ["<verb>", "<pad>"])


def agreement(n: int, distractors: int | tuple[int, int], *, seed: int = 0) -> TaskData:
    """Subject-verb agreement across distractor words: "the cat(s) which ... was/were".

    A sentence is ``the <subject> w_1 ... w_N <verb>`` with N filler words drawn at random;
    the class is the verb form the subject asks for: 0 = "was" (singular subject),
    1 = "were" (plural). The subject sits N + 1 steps before the verb slot, so N sets how far
    the number must be carried.

    ``distractors`` is either one N for all sentences (then T = N + 3) or a range
    ``(lo, hi)``: each sentence draws N uniformly from lo..hi and is left-padded with
    ``<pad>`` to T = hi + 3, so sentences of many distances share a batch.

    Args:
        n: number of examples B.
        distractors: N (>= 0), or an inclusive range ``(lo, hi)`` with 0 <= lo <= hi.
        seed: seed of the generator.

    Returns:
        ``x`` (T, B) int64, ``y`` (B,) int64 (0 "was", 1 "were");
        ``info["distance"]`` (B,) the N of each sentence.
    """
    n = _check_int("n", n, 1)
    if isinstance(distractors, tuple):
        if len(distractors) != 2:
            raise ValueError(f"distractors must be an int or a (lo, hi) pair, got {distractors!r}")
        lo = _check_int("distractors[0]", distractors[0], 0)
        hi = _check_int("distractors[1]", distractors[1], lo)
    else:
        lo = hi = _check_int("distractors", distractors, 0)
    rng = np.random.default_rng(seed)
    tok = _tokens(AGREEMENT_VOCAB)
    length = hi + 3
    filler = np.array([tok[w] for w in DISTRACTORS])
    y = rng.integers(0, 2, size=n)
    nouns = rng.integers(0, len(SINGULAR), size=n)
    distance = rng.integers(lo, hi + 1, size=n)
    x = rng.choice(filler, size=(length, n))
    steps = np.arange(length)[:, None]
    start = length - 3 - distance                      # (B,) where "the" goes
    x = np.where(steps < start, tok["<pad>"], x)
    cols = np.arange(n)
    x[start, cols] = tok["the"]
    subjects = np.array([[tok[w] for w in SINGULAR], [tok[w] for w in PLURAL]])
    x[start + 1, cols] = subjects[y, nouns]
    x[-1] = tok["<verb>"]
    return _wrap(x.astype(np.int64), y.astype(np.int64), vocab=list(AGREEMENT_VOCAB),
                 classes=["was", "were"], info={"distance": distance})


def late_decision(n: int, length: int = 30, *, decide_from: float = 0.7,
                  seed: int = 0) -> TaskData:
    """A verdict that only a late word settles: "although it was fun ... but boring".

    The first part of a review holds sentiment words whose polarity is random (they do not
    decide anything). Late in the review, at a step ``decide_at`` in
    [``decide_from`` * T, T - 2], comes "but" followed by the deciding sentiment word; the
    class is that word's polarity (1 positive, 0 negative). Filler words follow.

    A forward reader cannot know the verdict before ``decide_at``; a backward reader has
    met the deciding word before it reaches the start. Models that label every step with the
    verdict (``y`` broadcast over time) show the difference.

    Args:
        n: number of examples B.
        length: sequence length T (>= 6).
        decide_from: earliest place of the deciding word, as a fraction of T, in [0, 1).
        seed: seed of the generator.

    Returns:
        ``x`` (T, B) int64, ``y`` (B,) int64; ``info["decide_at"]`` (B,) step of the
        deciding word.
    """
    n = _check_int("n", n, 1)
    length = _check_int("length", length, 6)
    if not 0.0 <= decide_from < 1.0:
        raise ValueError(f"decide_from must be in [0, 1), got {decide_from!r}")
    rng = np.random.default_rng(seed)
    tok = _tokens(SENTIMENT_VOCAB)
    fillers = np.array([tok[w] for w in FILLERS])
    sentiment = np.array([tok[w] for w in POSITIVE + NEGATIVE])
    x = rng.choice(fillers, size=(length, n))
    lo = max(2, int(decide_from * length))
    decide_at = rng.integers(lo, length - 1, size=n) if lo < length - 1 else np.full(n, lo)
    y = rng.integers(0, 2, size=n)
    cols = np.arange(n)
    # Misleading sentiment words early on: about one step in four, random polarity.
    early = (rng.random((length, n)) < 0.25) & (np.arange(length)[:, None] < decide_at - 1)
    x = np.where(early, rng.choice(sentiment, size=(length, n)), x)
    x[decide_at - 1, cols] = tok["but"]
    bank = np.where(y == 1, 0, len(POSITIVE)) + rng.integers(0, len(POSITIVE), size=n)
    x[decide_at, cols] = sentiment[bank]
    return _wrap(x.astype(np.int64), y.astype(np.int64), vocab=list(SENTIMENT_VOCAB),
                 classes=["negative", "positive"], info={"decide_at": decide_at})
