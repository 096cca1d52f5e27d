"""PackedSequence in and out: outputs, final states and every gradient equal torch.nn's.

A packed batch holds sequences of different lengths. torch.nn runs each sequence only over its
own steps: the forward direction's final state is taken at the sequence's last element, and the
backward direction starts there. These tests feed the same padded batch, packed the same way,
to both modules and compare everything, including the gradient that flows back through
``pack_padded_sequence`` to the padded input.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence
from torch_helpers import LAYERS, TOL, assert_matches_peer, make_pair

T, B, D, H = 6, 4, 3, 5
UNSORTED = [4, 6, 1, 3]  # lengths in the caller's order; the longest is not first
SORTED = [6, 4, 3, 1]


class Packer(nn.Module):
    """Packs a padded batch, runs ``rnn`` on it and returns the packed output's data and the
    states, so that the autograd harness of torch_helpers can compare two such modules."""

    def __init__(self, rnn: nn.Module, lengths: list[int], enforce_sorted: bool) -> None:
        super().__init__()
        self.rnn, self.lengths, self.enforce_sorted = rnn, lengths, enforce_sorted

    def forward(self, x: torch.Tensor, hx=None):
        packed = pack_padded_sequence(
            x, self.lengths, batch_first=self.rnn.batch_first, enforce_sorted=self.enforce_sorted
        )
        out, h = self.rnn(packed, hx)
        assert isinstance(out, PackedSequence)
        return out.data, h


# (num_layers, bidirectional, enforce_sorted, batch_first, states given)
CONFIGS = [
    (1, False, True, False, False),
    (1, False, False, False, True),
    (1, True, True, False, True),
    (1, True, False, True, False),
    (2, False, False, True, True),
    (2, True, True, False, False),
    (3, True, False, False, True),
    (2, True, False, True, True),
]


def _ids(c: tuple) -> str:
    L, bi, enforce, bf, given = c
    return (
        f"L{L}" + ("-bi" if bi else "") + ("-sorted" if enforce else "-unsorted")
        + ("-bf" if bf else "") + ("-h0" if given else "-zeros")
    )


def _inputs(mode: str, L: int, bi: bool, bf: bool, given: bool, dtype) -> list:
    gen = torch.Generator().manual_seed(11)
    x = torch.randn((B, T, D) if bf else (T, B, D), generator=gen, dtype=dtype)
    if not given:
        return [x]
    shape = (L * (2 if bi else 1), B, H)
    h0 = torch.randn(shape, generator=gen, dtype=dtype)
    return [x, (h0, torch.randn(shape, generator=gen, dtype=dtype)) if mode == "lstm" else h0]


@pytest.mark.parametrize("impl", ["fused", "readable"])
@pytest.mark.parametrize("config", CONFIGS, ids=_ids)
@pytest.mark.parametrize("mode", list(LAYERS))
def test_packed_matches_torch(mode: str, config: tuple, impl: str) -> None:
    """float64: outputs, h_n (and c_n), and the gradients of the padded input, hx and every
    parameter, all to 1e-10."""
    L, bi, enforce, bf, given = config
    dtype = torch.float64
    ours, ref = make_pair(
        LAYERS, mode, D, H, num_layers=L, bidirectional=bi, batch_first=bf, dtype=dtype
    )
    ours.impl = impl
    lengths = SORTED if enforce else UNSORTED
    inputs = _inputs(mode, L, bi, bf, given, dtype)
    assert_matches_peer(
        Packer(ours, lengths, enforce), Packer(ref, lengths, enforce), inputs, dtype
    )


@pytest.mark.parametrize("mode", list(LAYERS))
def test_packed_output_carries_torch_metadata(mode: str) -> None:
    """The output is a PackedSequence with torch.nn's batch_sizes and indices, so
    pad_packed_sequence gives torch.nn's padded output and lengths back."""
    ours, ref = make_pair(LAYERS, mode, D, H, bidirectional=True, dtype=torch.float64)
    x = torch.randn(T, B, D, dtype=torch.float64)
    packed = pack_padded_sequence(x, UNSORTED, enforce_sorted=False)
    out_o, out_r = ours(packed)[0], ref(packed)[0]
    for name in ("batch_sizes", "sorted_indices", "unsorted_indices"):
        assert torch.equal(getattr(out_o, name), getattr(out_r, name)), name
    padded_o, len_o = pad_packed_sequence(out_o)
    padded_r, len_r = pad_packed_sequence(out_r)
    assert len_o.tolist() == len_r.tolist() == UNSORTED
    torch.testing.assert_close(padded_o, padded_r, rtol=0, atol=TOL[torch.float64])


def test_final_state_is_taken_at_each_sequences_own_end() -> None:
    """Independent of torch.nn: a packed sequence's h_n equals the state after running that
    sequence alone, unpadded; for the backward direction that is the state after x_0 of the
    sequence read from its own last element."""
    torch.manual_seed(0)
    gru = LAYERS["gru"][0](D, H, bidirectional=True, dtype=torch.float64, impl="readable")
    x = torch.randn(T, B, D, dtype=torch.float64)
    _, h_n = gru(pack_padded_sequence(x, UNSORTED, enforce_sorted=False))
    for b, n in enumerate(UNSORTED):
        _, h_alone = gru(x[:n, b : b + 1])  # this sequence only, its own length
        torch.testing.assert_close(h_n[:, b], h_alone[:, 0], rtol=0, atol=1e-12)


@pytest.mark.parametrize("mode", ["lstm", "gru"])
def test_packed_dropout_draws_torch_numbers(mode: str) -> None:
    """In training mode dropout hits the packed data between layers with the same random
    numbers as torch.nn."""
    ours, ref = make_pair(LAYERS, mode, D, H, num_layers=3, dropout=0.5, dtype=torch.float64)
    packed = pack_padded_sequence(
        torch.randn(T, B, D, dtype=torch.float64), UNSORTED, enforce_sorted=False
    )
    torch.manual_seed(4)
    out_r = ref(packed)[0].data
    torch.manual_seed(4)
    out_o = ours(packed)[0].data
    torch.testing.assert_close(out_o, out_r, rtol=0, atol=TOL[torch.float64])


@pytest.mark.parametrize("mode", list(LAYERS))
def test_packed_float32(mode: str) -> None:
    ours, ref = make_pair(LAYERS, mode, D, H, num_layers=2, bidirectional=True)
    x = torch.randn(T, B, D)
    assert_matches_peer(Packer(ours, UNSORTED, False), Packer(ref, UNSORTED, False), [x],
                        torch.float32)


def test_packed_state_of_wrong_batch_is_refused() -> None:
    lstm = LAYERS["lstm"][0](D, H)
    packed = pack_padded_sequence(torch.randn(T, B, D), UNSORTED, enforce_sorted=False)
    h0 = torch.zeros(1, B + 1, H)
    with pytest.raises(RuntimeError, match=r"h_0\) size \(1, 4, 5\), got \(1, 5, 5\)"):
        lstm(packed, (h0, h0))
    with pytest.raises(RuntimeError, match="input_size. Expected 3, got 2"):
        lstm(pack_padded_sequence(torch.randn(T, B, 2), UNSORTED, enforce_sorted=False))
