"""Generated movie reviews: a small sentiment data set that ships as code, not as a download.

IMDB is the lecture's data set, but the course installs nothing from the network, so
:func:`reviews` writes reviews from a small grammar instead. A review is a few sentences about
a film's acting, plot, music, ... plus some neutral plot summary, and its label follows from
rules a reader can check by hand:

- every sentiment sentence has a **sign** (the adjective's polarity, flipped by "not" or
  "never") and a **strength**: 2, or 3 with an intensifier ("very good"), or 1 with a
  downtoner ("slightly dull"). Negation weakens an intensifier: "not very good" is 1, a mild
  negative, where "not good" is 2;
- negation can stand far from its adjective: "i would not say the plot was clever";
- in "X but Y" the writer concedes X: it counts half (weight 1) and Y counts fully (weight 2);
- the review is positive when the weighted sum of its sentences is positive (a review whose
  sum is 0 is drawn again, so there are no ties).

:func:`long_reviews` are the long-range version: a headline with a rating ("rating : three
out of ten .") and then only neutral plot summary, so that the one word that decides the label
comes ``length - 3`` steps before the end.

Both return a :class:`lstmcourse.tasks.TaskData`, time-major like the rest of the course:
``x`` (T, B) int64 token ids, **padded at the front** with ``"<pad>"`` (id 0) like Keras's
``pad_sequences``, so that the last step is always a real word; ``y`` (B,) int64, 1 positive.
The same seed gives the same reviews on every machine (NumPy's ``default_rng``).
"""

from __future__ import annotations

import numpy as np

from lstmcourse.tasks import TaskData, _check_int, _wrap

__all__ = ["VOCAB", "reviews", "long_reviews", "sentence_score"]

ASPECTS = ["acting", "plot", "script", "music", "ending", "cast", "dialogue", "pacing",
           "photography", "soundtrack", "story", "humour", "direction", "editing", "lead",
           "villain", "score", "setting", "premise", "finale", "writing", "casting",
           "lighting", "tone", "opening"]
POSITIVE = ["good", "great", "brilliant", "moving", "funny", "clever", "gripping", "beautiful",
            "charming", "superb", "fresh", "smart", "tight", "lovely", "stunning", "powerful",
            "sharp", "warm", "delightful", "excellent", "memorable", "touching", "solid",
            "wonderful", "inventive", "elegant", "thrilling", "witty", "honest", "rich"]
NEGATIVE = ["bad", "dull", "boring", "awful", "weak", "clumsy", "predictable", "flat",
            "messy", "tedious", "lazy", "silly", "bland", "poor", "terrible", "confusing",
            "slow", "forced", "shallow", "cheap", "stiff", "painful", "hollow", "dreary",
            "sloppy", "annoying", "lifeless", "uneven", "stale", "forgettable"]
INTENSIFIERS = ["very", "really", "truly", "incredibly", "extremely", "remarkably",
                "genuinely", "utterly"]
DOWNTONERS = ["slightly", "somewhat", "mildly", "fairly"]
NEGATORS = ["not", "never"]
COPULAS = ["was", "is", "felt", "seemed"]
# neutral plot summary: words that say nothing about the verdict
PEOPLE = ["detective", "teacher", "soldier", "nurse", "farmer", "painter", "boxer", "widow",
          "student", "pilot", "lawyer", "chef", "singer", "thief", "doctor", "priest",
          "sailor", "journalist", "mechanic", "dancer"]
ACTIONS = ["lives", "works", "hides", "travels", "waits", "arrives", "teaches", "searches",
           "struggles", "settles"]
PLACES = ["town", "city", "village", "island", "desert", "forest", "harbour", "school",
          "hospital", "prison", "farm", "hotel", "station", "castle"]
PLACE_ADJ = ["small", "quiet", "northern", "coastal", "crowded", "remote", "old", "new"]
RELATIVES = ["mother", "father", "brother", "sister", "son", "daughter", "friend",
             "neighbour", "partner", "boss"]
EVENTS = ["war", "storm", "wedding", "funeral", "accident", "election", "trial", "robbery",
          "strike", "flood"]
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "holiday"]
# the long-range cue: a rating out of ten (no middle ratings, so every one decides)
RATINGS_NEG = ["one", "two", "three", "four"]
RATINGS_POS = ["seven", "eight", "nine", "ten"]
FUNCTION = [".", "the", "a", "but", "i", "would", "say", "what", "film", "follows", "who",
            "in", "to", "after", "with", "my", "her", "his", "at", "on", "we", "meet", "saw",
            "it", "cinema", "returns", "home", "rating", ":", "out", "of"]

PAD = "<pad>"
VOCAB = list(dict.fromkeys(
    [PAD] + FUNCTION + ASPECTS + POSITIVE + NEGATIVE + INTENSIFIERS + DOWNTONERS + NEGATORS
    + COPULAS + PEOPLE + ACTIONS + PLACES + PLACE_ADJ + RELATIVES + EVENTS + DAYS
    + RATINGS_NEG + RATINGS_POS))
_ID = {w: i for i, w in enumerate(VOCAB)}
STRENGTH = {"plain": 2, "intensified": 3, "downtoned": 1, "negated intensified": 1}


def sentence_score(sign: int, modifier: str, negated: bool) -> int:
    """Signed strength of one clause: ``sign`` +-1 of the adjective, ``modifier`` one of
    "plain", "intensified", "downtoned"; negation flips the sign and weakens an intensifier."""
    if modifier not in ("plain", "intensified", "downtoned"):
        raise ValueError(f"modifier must be 'plain', 'intensified' or 'downtoned', "
                         f"got {modifier!r}")
    if negated and modifier == "downtoned":
        raise ValueError("a downtoned clause cannot be negated ('not slightly good')")
    key = "negated intensified" if negated and modifier == "intensified" else modifier
    return (-sign if negated else sign) * STRENGTH[key]


class _Writer:
    """Draws words and sentences from one random generator."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng

    def pick(self, words: list[str]) -> str:
        return words[self.rng.integers(len(words))]

    def clause(self, *, negated: bool | None = None) -> tuple[list[str], list[str], int]:
        """An adjective phrase: (its negator, if any; modifier and adjective; score).

        ``negated`` None draws it (probability 0.4); True or False forces it.
        """
        sign = 1 if self.rng.random() < 0.5 else -1
        if negated is None:
            negated = bool(self.rng.random() < 0.4)
        modifier = self.pick(["plain", "intensified"] if negated
                             else ["plain", "intensified", "downtoned"])
        mod = {"plain": [], "intensified": [self.pick(INTENSIFIERS)],
               "downtoned": [self.pick(DOWNTONERS)]}[modifier]
        adj = self.pick(POSITIVE if sign > 0 else NEGATIVE)
        neg = [self.pick(NEGATORS)] if negated else []
        return neg, mod + [adj], sentence_score(sign, modifier, negated)

    def copula(self, neg: list[str]) -> str:
        """"was" or "is" before a negator ("was not"), any copula otherwise ("felt")."""
        return self.pick(COPULAS[:2] if neg else COPULAS)

    def simple(self) -> tuple[list[str], int]:
        """"the plot was not very clever ." (weight 2)"""
        neg, phrase, s = self.clause()
        return ["the", self.pick(ASPECTS), self.copula(neg), *neg, *phrase, "."], 2 * s

    def contrast(self) -> tuple[list[str], int]:
        """"the plot was clever but the acting was stiff ." (weights 1 and 2)"""
        n1, p1, s1 = self.clause()
        n2, p2, s2 = self.clause()
        words = ["the", self.pick(ASPECTS), self.copula(n1), *n1, *p1, "but",
                 "the", self.pick(ASPECTS), self.copula(n2), *n2, *p2, "."]
        return words, s1 + 2 * s2

    def say(self) -> tuple[list[str], int]:
        """"i would not say the plot was clever ." (negation four words from its target)"""
        negated = bool(self.rng.random() < 0.5)
        _, phrase, s = self.clause(negated=negated)    # its negator moves before "say"
        words = ["i", "would", *(["not"] if negated else []), "say", "the",
                 self.pick(ASPECTS), "was", *phrase, "."]
        return words, 2 * s

    def exclaim(self) -> tuple[list[str], int]:
        """"what a truly stunning finale ." (weight 2, never negated)"""
        _, phrase, s = self.clause(negated=False)
        return ["what", "a", *phrase, self.pick(ASPECTS), "."], 2 * s

    def neutral(self) -> list[str]:
        """A sentence of plot summary; it carries no sentiment."""
        kind = self.rng.integers(4)
        if kind == 0:
            return ["the", "film", "follows", "a", self.pick(PEOPLE), "who",
                    self.pick(ACTIONS), "in", "the", self.pick(PLACE_ADJ), self.pick(PLACES), "."]
        if kind == 1:
            return ["the", self.pick(PEOPLE), "returns", "home", "after", "the",
                    self.pick(EVENTS), "."]
        if kind == 2:
            return ["we", "meet", self.pick(["her", "his"]), self.pick(RELATIVES), "at", "the",
                    self.pick(PLACES), "."]
        return ["i", "saw", "it", "on", "a", self.pick(DAYS), "with", "my",
                self.pick(RELATIVES), "."]


def _pad(rows: list[list[str]], length: int) -> np.ndarray:
    """Front-pad each review to ``length`` ids; returns (T, B) int64."""
    x = np.zeros((length, len(rows)), dtype=np.int64)      # 0 is "<pad>"
    for b, words in enumerate(rows):
        x[length - len(words):, b] = [_ID[w] for w in words]
    return x


def reviews(n: int, *, length: int = 48, seed: int = 0) -> TaskData:
    """``n`` short reviews of at most ``length`` words, labelled by the module's rules.

    Each review has 1 to 3 sentiment sentences (simple, "but" contrast, "i would (not) say",
    "what a ...") and 0 to 2 neutral sentences, in random order.

    Returns:
        ``x`` (T, B) int64 with T = ``length``, ``y`` (B,) int64; ``info["score"]`` (B,) the
        weighted sum that decides the label, ``info["contrast"]`` (B,) bool (has a "but"),
        ``info["far_negation"]`` (B,) bool (has "i would not say"), ``info["length"]`` (B,).
    """
    n = _check_int("n", n, 1)
    length = _check_int("length", length, 24)       # room for the longest three sentences
    rng = np.random.default_rng(seed)
    w = _Writer(rng)
    kinds = [w.simple, w.contrast, w.say, w.exclaim]
    rows, scores, contrast, far = [], [], [], []
    while len(rows) < n:
        parts = [kinds[rng.integers(len(kinds))]() for _ in range(rng.integers(1, 4))]
        score = sum(s for _, s in parts)
        flags = ("but" in sum((p for p, _ in parts), []),
                 any(p[:3] == ["i", "would", "not"] for p, _ in parts))
        sentences = [p for p, _ in parts] + [w.neutral() for _ in range(rng.integers(0, 3))]
        order = rng.permutation(len(sentences))
        words = [t for k in order for t in sentences[k]]
        if score == 0 or len(words) > length:         # no ties; must fit
            continue
        rows.append(words)
        scores.append(score)
        contrast.append(flags[0])
        far.append(flags[1])
    y = (np.array(scores) > 0).astype(np.int64)
    return _wrap(_pad(rows, length), y, vocab=list(VOCAB), classes=["negative", "positive"],
                 info={"score": np.array(scores), "contrast": np.array(contrast),
                       "far_negation": np.array(far),
                       "length": np.array([len(r) for r in rows])})


def long_reviews(n: int, *, length: int = 64, shortest: int = 7, seed: int = 0) -> TaskData:
    """``n`` reviews of up to ``length`` words: "rating : <k> out of ten ." and then neutral
    plot summary only. The rating decides (one to four negative, seven to ten positive).

    Each review is filled with neutral sentences until it has at least a length drawn
    uniformly from ``shortest`` to ``length`` words (the last sentence is cut at ``length``),
    so the distance from the rating word to the last word spreads from ``shortest - 3`` to
    ``length - 3`` steps. With a small ``shortest`` the short reviews give a learner an easy
    start; with a large one every review needs a long memory. Front-padded like
    :func:`reviews`.

    Returns:
        ``x`` (T, B) int64 with T = ``length``, ``y`` (B,) int64; ``info["distance"]`` (B,)
        the number of steps from the rating word to the last word of the review.
    """
    n = _check_int("n", n, 1)
    length = _check_int("length", length, 16)
    shortest = _check_int("shortest", shortest, 7)          # the headline alone is 7 words
    if shortest > length:
        raise ValueError(f"shortest must be <= length = {length}, got {shortest}")
    rng = np.random.default_rng(seed)
    w = _Writer(rng)
    y = rng.integers(0, 2, size=n)
    rows = []
    for b in range(n):
        rating = w.pick(RATINGS_POS if y[b] else RATINGS_NEG)
        words = ["rating", ":", rating, "out", "of", "ten", "."]
        target = rng.integers(shortest, length + 1)
        while len(words) < target:
            words += w.neutral()
        words = words[:length]                 # the last sentence may be cut short
        rows.append(words)
    distance = np.array([len(r) - 1 - 2 for r in rows])     # the rating is word 2
    return _wrap(_pad(rows, length), y.astype(np.int64), vocab=list(VOCAB),
                 classes=["negative", "positive"], info={"distance": distance})
