"""The small models the experiments train, and the one switch that picks the RNN layers.

``recurrent(kind, ...)`` is the only place that names a recurrent layer class. It returns the
layers of the current backend: ``torch.nn``'s or the course's own drop-ins from
``lstmcourse.torch`` (same constructor, parameter names and time-major ``(T, B, D)`` layout);
``set_backend`` switches. Stored results record which backend made them.

Legend: T time steps, B batch, V vocabulary, E embedding size, H hidden size, C classes.
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["recurrent", "backend", "set_backend", "SequenceClassifier", "BagOfWords"]

KINDS = ("rnn", "lstm", "gru")
BACKENDS = ("torch.nn", "lstmcourse.torch")
_backend = "lstmcourse.torch"   # the course's own layers; "torch.nn" for the library's


def _classes(name: str) -> dict[str, type[nn.Module]]:
    if name == "lstmcourse.torch":
        from lstmcourse.torch import GRU, LSTM, RNN
        return {"rnn": RNN, "lstm": LSTM, "gru": GRU}
    return {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


def backend() -> str:
    """Which package the recurrent layers come from: "torch.nn" or "lstmcourse.torch"."""
    return _backend


def set_backend(name: str) -> None:
    """Switch every experiment's recurrent layers to ``name`` (one of ``BACKENDS``)."""
    global _backend
    if name not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {name!r}")
    _classes(name)  # fail here, with the import error, if the package is missing
    _backend = name


def recurrent(kind: str, input_size: int, hidden_size: int, *,
              bidirectional: bool = False) -> nn.Module:
    """A one-layer recurrent layer: ``kind`` is "rnn" (tanh), "lstm" or "gru"."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    return _classes(_backend)[kind](input_size, hidden_size, bidirectional=bidirectional)


class SequenceClassifier(nn.Module):
    """Embedding (or raw features) -> one recurrent layer -> linear head.

    Input ``x``: (T, B) token ids when ``vocab_size`` is given, else (T, B, D) features.
    Output: (B, C) logits read from the final state, or (T, B, C) logits at every step when
    ``per_step=True``. For a bidirectional layer the final state is the forward direction's
    last step joined with the backward direction's last step (which is time 0).
    ``reverse=True`` feeds the sequence backwards (a backward-only reader); per-step outputs
    are flipped back so that step t of the output belongs to input step t.
    """

    def __init__(self, kind: str, hidden_size: int, num_classes: int, *,
                 vocab_size: int | None = None, embed_size: int = 16, input_size: int = 1,
                 bidirectional: bool = False, reverse: bool = False, per_step: bool = False):
        super().__init__()
        self.kind, self.reverse, self.per_step = kind, reverse, per_step
        self.embed = nn.Embedding(vocab_size, embed_size) if vocab_size else None
        d = embed_size if vocab_size else input_size
        self.rnn = recurrent(kind, d, hidden_size, bidirectional=bidirectional)
        self.head = nn.Linear(hidden_size * (2 if bidirectional else 1), num_classes)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """(T, B) ids or (T, B, D) -> (T, B, E) inputs of the recurrent layer."""
        return self.embed(x) if self.embed is not None else x

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        inp = self.features(x)
        if self.reverse:
            inp = inp.flip(0)
        out, _ = self.rnn(inp)                       # (T, B, H or 2H)
        if self.per_step:
            return self.head(out.flip(0) if self.reverse else out)   # (T, B, C)
        if self.rnn.bidirectional:
            h = out.shape[-1] // 2
            last = torch.cat([out[-1, :, :h], out[0, :, h:]], dim=-1)
        else:
            last = out[-1]
        return self.head(last)                       # (B, C)


class BagOfWords(nn.Module):
    """The order-blind baseline: sum of word embeddings -> MLP -> logits.

    Input ``x`` (T, B) token ids; output (B, C). It sees which words occur and how often,
    never in which order, like the lecture's "DNN" that misreads "not good".
    """

    def __init__(self, vocab_size: int, num_classes: int, *, embed_size: int = 16,
                 hidden_size: int = 32):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_size)
        self.mlp = nn.Sequential(nn.Linear(embed_size, hidden_size), nn.ReLU(),
                                 nn.Linear(hidden_size, num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.mlp(self.embed(x).sum(dim=0))    # (T, B, E) -> (B, E) -> (B, C)
