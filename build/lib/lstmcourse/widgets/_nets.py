"""The fixed small networks two widgets show, rebuilt in Python bit for bit.

``static/lstm-math.js`` draws the weights of the ``vanishing-gradient`` and ``bidirectional``
widgets from a 32-bit xorshift generator, and seeds each word's vector with its FNV-1a hash. This
module repeats exactly those draws (same integers, same float operations in the same order), so
the Jupyter classes and the tests feed *the same* networks to ``lstmcourse.numpy``. A test checks
that both languages produce identical numbers.

Arrays follow the course's conventions (PyTorch's layout, gate order i, f, g, o). Shapes: the
vanishing-gradient inputs ``xs`` are (MAX_T, D); words are vectors of length D.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

MASK32 = 0xFFFFFFFF

VANISH_SEED, VANISH_H, VANISH_D, VANISH_MAX_T = 1997, 8, 4, 100
BIDIR_SEED, BIDIR_H, BIDIR_D = 1997 * 2, 3, 4


def rng(seed: int) -> Callable[[], float]:
    """xorshift32: a function giving floats in [0, 1), the same sequence as the JS ``rng``."""
    state = (seed & MASK32) or 1

    def next_float() -> float:
        nonlocal state
        state ^= (state << 13) & MASK32
        state ^= state >> 17
        state ^= (state << 5) & MASK32
        return state / 4294967296.0

    return next_float


def uniform_matrix(
    next_float: Callable[[], float], rows: int, cols: int, lo: float, hi: float
) -> list[list[float]]:
    """rows x cols values lo + (hi - lo) * u, drawn row by row."""
    return [[lo + (hi - lo) * next_float() for _ in range(cols)] for _ in range(rows)]


def hash_string(text: str) -> int:
    """FNV-1a (32 bit) over UTF-16 code units, like the JS ``hashString`` (BMP text)."""
    h = 2166136261
    for ch in text:
        h ^= ord(ch)
        h = (h * 16777619) & MASK32
    return h


def orthogonal(next_float: Callable[[], float], n: int) -> list[list[float]]:
    """An n x n orthogonal matrix by modified Gram-Schmidt on uniform rows (loop for loop as JS)."""
    a = uniform_matrix(next_float, n, n, -1.0, 1.0)
    q: list[list[float]] = []
    for r in range(n):
        v = list(a[r])
        for j in range(r):
            d = 0.0
            for c in range(n):
                d += v[c] * q[j][c]
            for c in range(n):
                v[c] -= d * q[j][c]
        s = 0.0
        for c in range(n):
            s += v[c] * v[c]
        length = math.sqrt(s)
        q.append([x / length for x in v])
    return q


def vanishing_net(scale: float, forget_bias: float) -> dict:
    """Inputs ``xs`` (MAX_T, D) and parameters ``rnn``, ``lstm`` of the vanishing-gradient widget.

    RNN: W_hh = scale * Q. LSTM: each gate block of W_hh is scale * Q_k. Input weights uniform in
    [-0.1, 0.1], inputs in [-1, 1], biases zero except the LSTM's forget block (= forget_bias).
    """
    nxt, H, D = rng(VANISH_SEED), VANISH_H, VANISH_D
    q = np.array(orthogonal(nxt, H))
    qs = np.array([row for _ in range(4) for row in orthogonal(nxt, H)])
    rnn_ih = np.array(uniform_matrix(nxt, H, D, -0.1, 0.1))
    lstm_ih = np.array(uniform_matrix(nxt, 4 * H, D, -0.1, 0.1))
    xs = np.array(uniform_matrix(nxt, VANISH_MAX_T, D, -1.0, 1.0))
    lstm_bias = np.zeros(4 * H)
    lstm_bias[H : 2 * H] = forget_bias
    return {
        "xs": xs,
        "rnn": {"weight_ih": rnn_ih, "weight_hh": scale * q,
                "bias_ih": np.zeros(H), "bias_hh": np.zeros(H)},
        "lstm": {"weight_ih": lstm_ih, "weight_hh": scale * qs,
                 "bias_ih": lstm_bias, "bias_hh": np.zeros(4 * H)},
    }


def embed_word(word: str) -> np.ndarray:
    """The (D,) vector of a word: D uniforms in [-1, 1) seeded by the lower-cased word's hash."""
    nxt = rng(hash_string(word.lower()))
    return np.array([-1.0 + 2.0 * nxt() for _ in range(BIDIR_D)])


def tokenize(sentence: str) -> list[str]:
    """Words separated by white space."""
    return sentence.split()


def bidirectional_net() -> dict:
    """Parameters ``fwd``, ``bwd`` of the bidirectional widget's LSTM (H=3, D=4), torch init."""
    nxt, H, D = rng(BIDIR_SEED), BIDIR_H, BIDIR_D
    b = 1.0 / np.sqrt(H)

    def one() -> dict:
        return {
            "weight_ih": np.array(uniform_matrix(nxt, 4 * H, D, -b, b)),
            "weight_hh": np.array(uniform_matrix(nxt, 4 * H, H, -b, b)),
            "bias_ih": np.array(uniform_matrix(nxt, 1, 4 * H, -b, b)[0]),
            "bias_hh": np.array(uniform_matrix(nxt, 1, 4 * H, -b, b)[0]),
        }

    fwd = one()
    return {"fwd": fwd, "bwd": one()}
