"""LSTM with proj_size: h_t = W_hr (o_t * tanh(c_t)), against torch.nn in float64.

The projection shrinks the hidden state to P features; the cell state keeps H. Everything
torch.nn exposes is compared: parameter names, order, shapes and initial values, state_dicts
both ways, forward results and every gradient (padded and packed), and the errors for invalid
values.
"""

from __future__ import annotations

import pytest
import torch
from test_torch_packed import Packer
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence
from torch_helpers import TOL, assert_matches_peer

import lstmcourse.torch as lt
from lstmcourse.conventions import PARAM_KEYS, PROJ_KEY, suffix

T, B, D, H, P = 5, 3, 4, 6, 2
F64 = torch.float64


def _pair(seed: int = 0, **kw) -> tuple[nn.Module, nn.Module]:
    """(ours, torch.nn) built from the same seed: the same weights without copying any."""
    torch.manual_seed(seed)
    ours = lt.LSTM(D, H, proj_size=P, **kw)
    torch.manual_seed(seed)
    return ours, nn.LSTM(D, H, proj_size=P, **kw)


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("bi", [False, True])
def test_names_shapes_and_init_equal_torch(bi: bool, bias: bool) -> None:
    ours, ref = _pair(3, num_layers=2, bidirectional=bi, bias=bias)
    sd_o, sd_r = ours.state_dict(), ref.state_dict()
    assert list(sd_o) == list(sd_r)
    for name, value in sd_r.items():
        assert torch.equal(sd_o[name], value), name
    # Spelled with lstmcourse.conventions: the projection follows the four cell parameters.
    keys = [k for k in PARAM_KEYS if bias or k.startswith("weight")] + [PROJ_KEY]
    expected = [key + suffix(ref, k, r) for k in range(2) for r in ((False, True) if bi else
                (False,)) for key in keys]
    assert list(sd_o) == expected
    assert sd_o["weight_hr_l1"].shape == (P, H)
    assert sd_o["weight_hh_l0"].shape == (4 * H, P)
    assert sd_o["weight_ih_l1"].shape == (4 * H, (2 if bi else 1) * P)
    assert [[tuple(w.shape) for w in g] for g in ours.all_weights] == [
        [tuple(w.shape) for w in g] for g in ref.all_weights
    ]
    assert ours._flat_weights_names == ref._flat_weights_names


def test_state_dict_loads_both_ways() -> None:
    ours, ref = _pair(1, num_layers=2, bidirectional=True, dtype=F64)
    x = torch.randn(T, B, D, dtype=F64)
    other = lt.LSTM(D, H, proj_size=P, num_layers=2, bidirectional=True, dtype=F64)
    other.load_state_dict(ref.state_dict(), strict=True)
    torch.testing.assert_close(other(x)[0], ref(x)[0], rtol=0, atol=1e-12)
    ref2 = nn.LSTM(D, H, proj_size=P, num_layers=2, bidirectional=True, dtype=F64)
    ref2.load_state_dict(ours.state_dict(), strict=True)
    torch.testing.assert_close(ref2(x)[0], ours(x)[0], rtol=0, atol=1e-12)


# (num_layers, bidirectional, batch_first, batched, states given, bias)
CONFIGS = [
    (1, False, False, True, True, True),
    (2, True, False, True, True, True),
    (2, False, True, True, False, False),
    (3, True, True, True, True, True),
    (2, True, False, False, True, True),
]


@pytest.mark.parametrize("impl", ["fused", "readable"])
@pytest.mark.parametrize("config", CONFIGS, ids=str)
def test_projection_matches_torch(config: tuple, impl: str) -> None:
    L, bi, bf, batched, given, bias = config
    ours, ref = _pair(2, num_layers=L, bidirectional=bi, batch_first=bf, bias=bias, dtype=F64)
    ours.impl = impl
    gen = torch.Generator().manual_seed(5)
    lead = ((B, T) if bf else (T, B)) if batched else (T,)
    inputs = [torch.randn(*lead, D, generator=gen, dtype=F64)]
    if given:
        K = 2 if bi else 1
        mid = (B,) if batched else ()
        h0 = torch.randn(L * K, *mid, P, generator=gen, dtype=F64)
        c0 = torch.randn(L * K, *mid, H, generator=gen, dtype=F64)
        inputs.append((h0, c0))
    assert_matches_peer(ours, ref, inputs, F64)


@pytest.mark.parametrize("impl", ["fused", "readable"])
@pytest.mark.parametrize("bi", [False, True])
def test_packed_projection_matches_torch(bi: bool, impl: str) -> None:
    ours, ref = _pair(4, num_layers=2, bidirectional=bi, dtype=F64)
    ours.impl = impl
    gen = torch.Generator().manual_seed(6)
    K = 2 if bi else 1
    x = torch.randn(T, B, D, generator=gen, dtype=F64)
    hx = (torch.randn(2 * K, B, P, generator=gen, dtype=F64),
          torch.randn(2 * K, B, H, generator=gen, dtype=F64))
    lengths = [3, 5, 1]
    assert_matches_peer(Packer(ours, lengths, False), Packer(ref, lengths, False), [x, hx], F64)


def test_state_shapes() -> None:
    ours, ref = _pair(0, num_layers=2, bidirectional=True)
    out, (h_n, c_n) = ours(torch.randn(T, B, D))
    assert out.shape == (T, B, 2 * P) and h_n.shape == (4, B, P) and c_n.shape == (4, B, H)
    h0, c0 = torch.zeros(4, B, H), torch.zeros(4, B, H)  # h0 with H features: wrong
    with pytest.raises(RuntimeError, match=r"h_0\) size \(4, 3, 2\), got \(4, 3, 6\)"):
        ours(torch.randn(T, B, D), (h0, c0))
    with pytest.raises(RuntimeError):
        ref(torch.randn(T, B, D), (h0, c0))


def test_repr_equals_torch() -> None:
    for kw in ({}, {"num_layers": 2, "bidirectional": True, "bias": False}):
        ours, ref = _pair(0, **kw)
        assert repr(ours) == repr(ref)


@pytest.mark.parametrize(
    ("cls", "kwargs"),
    [
        ("LSTM", {"proj_size": -1}),
        ("LSTM", {"proj_size": H}),
        ("LSTM", {"proj_size": H + 3}),
        ("LSTM", {"proj_size": 1.5}),
        ("RNN", {"proj_size": 2}),
        ("RNN", {"proj_size": 0}),
        ("GRU", {"proj_size": 2}),
        ("GRU", {"proj_size": 0}),
    ],
    ids=str,
)
def test_invalid_projection_raises_torch_error_type(cls: str, kwargs: dict) -> None:
    """The same exception type as torch.nn, with a message that names proj_size."""
    with pytest.raises(Exception) as expected:
        getattr(nn, cls)(D, H, **kwargs)
    with pytest.raises(expected.type, match="proj_size"):
        getattr(lt, cls)(D, H, **kwargs)


def test_packed_projection_float32() -> None:
    ours, ref = _pair(0, bidirectional=True)
    x = torch.randn(T, B, D)
    packed = pack_padded_sequence(x, [2, 5, 4], enforce_sorted=False)
    (o_o, (h_o, c_o)), (o_r, (h_r, c_r)) = ours(packed), ref(packed)
    for a, b in ((o_o.data, o_r.data), (h_o, h_r), (c_o, c_r)):
        torch.testing.assert_close(a, b, rtol=0, atol=TOL[torch.float32])
