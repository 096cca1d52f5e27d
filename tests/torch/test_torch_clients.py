"""Two small clients, written the way PyTorch's examples use recurrent layers, run once with
``torch.nn`` and once with ``lstmcourse.torch``: the only difference is the namespace passed in.

- :func:`word_language_model`: embedding -> dropout -> 2-layer LSTM with dropout -> dropout ->
  linear decoder, trained with SGD and gradient clipping for a few steps on a tiny generated
  corpus, fed as packed batches of sentences of different lengths.
- :func:`time_sequence`: two LSTMCells stepped by hand over sine waves, fitted with LBFGS, then
  left to continue the waves on their own for a few steps.

Everything runs in float64 from the same seed, so the two namespaces must give the same losses
and predictions up to rounding. The tolerances come from measured spreads (see each test).
"""

from __future__ import annotations

import math
from types import ModuleType

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

import lstmcourse.torch as lt

F64 = torch.float64


# --- Client 1: a word-level language model on packed batches --------------------------------


def _corpus(n_sentences: int, vocab: int, gen: torch.Generator) -> list[torch.Tensor]:
    """Sentences of 3..12 tokens from a random first-order Markov chain over ``vocab`` words,
    so there is something to learn: each word strongly prefers a few successors."""
    logits = 3.0 * torch.randn(vocab, vocab, generator=gen, dtype=F64)
    probs = torch.softmax(logits, dim=1)
    sentences = []
    for _ in range(n_sentences):
        length = int(torch.randint(3, 13, (1,), generator=gen))
        words = [int(torch.randint(vocab, (1,), generator=gen))]
        for _ in range(length - 1):
            words.append(int(torch.multinomial(probs[words[-1]], 1, generator=gen)))
        sentences.append(torch.tensor(words))
    return sentences


class WordModel(nn.Module):
    """Embedding -> dropout -> LSTM (from ``rnn``) -> dropout -> linear decoder over the vocab."""

    def __init__(self, rnn: ModuleType, vocab: int, emb: int, hidden: int, dropout: float):
        super().__init__()
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(vocab, emb)
        self.lstm = rnn.LSTM(emb, hidden, num_layers=2, dropout=dropout)
        self.decoder = nn.Linear(hidden, vocab)

    def forward(self, tokens: torch.Tensor, lengths: list[int]) -> torch.Tensor:
        """``tokens`` (T, B) padded, ``lengths`` per sentence; returns logits (N, vocab) for the
        N real positions, in packed order."""
        emb = self.drop(self.encoder(tokens))
        packed = pack_padded_sequence(emb, lengths, enforce_sorted=False)
        out, _ = self.lstm(packed)
        return self.decoder(self.drop(out.data))


def word_language_model(rnn: ModuleType, seed: int = 0, steps: int = 6) -> list[float]:
    """Train for ``steps`` batches of 8 sentences; returns the training losses, then the loss
    on held-out sentences in eval mode (no dropout)."""
    gen = torch.Generator().manual_seed(seed)
    vocab = 20
    sentences = _corpus(8 * steps + 8, vocab, gen)
    torch.manual_seed(seed)
    model = WordModel(rnn, vocab, emb=12, hidden=16, dropout=0.2).to(F64)
    opt = torch.optim.SGD(model.parameters(), lr=1.0)
    loss_fn = nn.CrossEntropyLoss()

    def batch(group: list[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor, list[int]]:
        # Predict word t+1 from words up to t: inputs drop the last word, targets the first.
        lengths = [len(s) - 1 for s in group]
        tokens = nn.utils.rnn.pad_sequence([s[:-1] for s in group])
        targets = nn.utils.rnn.pad_sequence([s[1:] for s in group])
        packed_targets = pack_padded_sequence(targets, lengths, enforce_sorted=False).data
        return tokens, packed_targets, lengths

    losses = []
    model.train()
    for step in range(steps):
        tokens, targets, lengths = batch(sentences[8 * step : 8 * step + 8])
        opt.zero_grad()
        loss = loss_fn(model(tokens, lengths), targets)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 0.5)
        opt.step()
        losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        tokens, targets, lengths = batch(sentences[-8:])
        losses.append(loss_fn(model(tokens, lengths), targets).item())
    return losses


# --- Client 2: two LSTMCells over sine waves ------------------------------------------------


class Sequence(nn.Module):
    """Two stacked LSTMCells (from ``rnn``) and a linear read-out, stepped one value at a time;
    after the input runs out, the model's own prediction is fed back as the next input."""

    def __init__(self, rnn: ModuleType, hidden: int = 12):
        super().__init__()
        self.hidden = hidden
        self.cell1 = rnn.LSTMCell(1, hidden)
        self.cell2 = rnn.LSTMCell(hidden, hidden)
        self.readout = nn.Linear(hidden, 1)

    def forward(self, waves: torch.Tensor, future: int = 0) -> torch.Tensor:
        """``waves`` (B, T); returns the predictions (B, T + future) of each next value."""
        B = waves.size(0)
        h1, c1, h2, c2 = (torch.zeros(B, self.hidden, dtype=waves.dtype) for _ in range(4))
        outputs = []
        y = waves[:, :1]
        for x in list(waves.split(1, dim=1)) + [None] * future:
            x = y if x is None else x  # past the data: feed the last prediction back
            h1, c1 = self.cell1(x, (h1, c1))
            h2, c2 = self.cell2(h1, (h2, c2))
            y = self.readout(h2)
            outputs.append(y)
        return torch.cat(outputs, dim=1)


def time_sequence(rnn: ModuleType, seed: int = 0, steps: int = 3) -> list[float]:
    """Fit sine waves with LBFGS for ``steps`` steps; returns the training loss after each step,
    the test loss, and the mean of the predicted continuation."""
    gen = torch.Generator().manual_seed(seed)
    T, n = 30, 10
    phase = torch.randint(-20, 20, (n, 1), generator=gen, dtype=F64)
    data = torch.sin((torch.arange(T + 1, dtype=F64) + phase) / 4.0)
    train_x, train_y = data[2:, :-1], data[2:, 1:]
    test_x, test_y = data[:2, :-1], data[:2, 1:]
    torch.manual_seed(seed)
    model = Sequence(rnn).to(F64)
    opt = torch.optim.LBFGS(model.parameters(), lr=0.8, max_iter=5)
    loss_fn = nn.MSELoss()
    results = []
    for _ in range(steps):

        def closure():
            opt.zero_grad()
            loss = loss_fn(model(train_x), train_y)
            loss.backward()
            return loss

        opt.step(closure)
        with torch.no_grad():
            results.append(loss_fn(model(train_x), train_y).item())
    with torch.no_grad():
        future = 10
        pred = model(test_x, future=future)
        results.append(loss_fn(pred[:, :-future], test_y).item())
        results.append(pred[:, -future:].mean().item())
    return results


# --- The tests ------------------------------------------------------------------------------

# Largest relative difference between the two namespaces, measured over seeds 0-9 on this
# machine: word_language_model 1.5e-16, time_sequence 2.2e-12 (LBFGS's line searches amplify
# rounding). The bounds leave a margin of about 30x over those.
TOLERANCE = {"word_language_model": 5e-15, "time_sequence": 1e-10}
CLIENTS = {"word_language_model": word_language_model, "time_sequence": time_sequence}


def _rel_diff(a: list[float], b: list[float]) -> float:
    return max(abs(x - y) / max(abs(y), 1e-300) for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("client", list(CLIENTS))
def test_client_gives_torch_nn_numbers(client: str, seed: int) -> None:
    want = CLIENTS[client](nn, seed)
    got = CLIENTS[client](lt, seed)
    assert all(math.isfinite(v) for v in want)
    assert _rel_diff(got, want) < TOLERANCE[client], (got, want)


@pytest.mark.parametrize("client", list(CLIENTS))
def test_client_learns(client: str) -> None:
    """The clients are real: training lowers the loss (so an equal pair of broken runs, e.g. a
    model whose LSTM never sees its input, would not pass unnoticed)."""
    losses = CLIENTS[client](lt, 0)
    train = losses[:-1] if client == "word_language_model" else losses[:-2]
    assert train[-1] < train[0]
