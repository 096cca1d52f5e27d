"""Parameter names, shapes, initialisation and state_dicts are interchangeable with torch.nn."""

from __future__ import annotations

import math

import pytest
import torch
from torch_helpers import CELLS, LAYERS

from lstmcourse.conventions import PARAM_KEYS, gate_count, suffix

D, H = 3, 4


def test_conventions_spell_torch_nn_names() -> None:
    """lstmcourse.conventions names torch.nn's parameters: PARAM_KEYS in order, suffix(), G."""
    layer = torch.nn.GRU(D, H, num_layers=2, bidirectional=True)
    expected = [key + suffix(layer, k, reverse) for k in range(2) for reverse in (False, True)
                for key in PARAM_KEYS]
    assert [name for name, _ in layer.named_parameters()] == expected
    assert [name for name, _ in torch.nn.LSTMCell(D, H).named_parameters()] == list(PARAM_KEYS)
    assert layer.weight_hh_l1_reverse.shape == (gate_count("gru") * H, H)


def _build(table, mode, which, seed, **kw):
    cls = table[mode][which]
    torch.manual_seed(seed)
    return cls(D, H, **table[mode][2], **kw)


@pytest.mark.parametrize("mode", list(LAYERS))
@pytest.mark.parametrize("bi", [False, True])
@pytest.mark.parametrize("bias", [True, False])
def test_layer_names_shapes_and_init_equal_torch(mode: str, bi: bool, bias: bool) -> None:
    kw = {"num_layers": 3, "bidirectional": bi, "bias": bias}
    ours = _build(LAYERS, mode, 0, 11, **kw)
    ref = _build(LAYERS, mode, 1, 11, **kw)
    sd_o, sd_r = ours.state_dict(), ref.state_dict()
    assert list(sd_o) == list(sd_r)  # same names, same order
    for name in sd_r:
        # Same seed, same registration order, same uniform draws: identical numbers.
        assert torch.equal(sd_o[name], sd_r[name]), name
    bound = 1 / math.sqrt(H)
    assert all(p.abs().max() <= bound for p in ours.parameters())
    if bi:
        gates = gate_count(mode.split("_")[0])
        assert sd_o["weight_ih_l1_reverse"].shape == (gates * H, 2 * H)


@pytest.mark.parametrize("mode", list(CELLS))
def test_cell_names_shapes_and_init_equal_torch(mode: str) -> None:
    ours, ref = _build(CELLS, mode, 0, 5), _build(CELLS, mode, 1, 5)
    assert list(ours.state_dict()) == list(ref.state_dict())
    for name, value in ref.state_dict().items():
        assert torch.equal(ours.state_dict()[name], value), name


@pytest.mark.parametrize("mode", list(LAYERS))
def test_state_dict_loads_both_ways(mode: str) -> None:
    kw = {"num_layers": 2, "bidirectional": True, "dtype": torch.float64}
    ours, ref = _build(LAYERS, mode, 0, 1, **kw), _build(LAYERS, mode, 1, 2, **kw)
    x = torch.randn(4, 2, D, dtype=torch.float64)
    # torch.nn -> ours
    ours.load_state_dict(ref.state_dict(), strict=True)
    torch.testing.assert_close(ours(x)[0], ref(x)[0], rtol=0, atol=1e-12)
    # ours -> torch.nn
    fresh_ours = _build(LAYERS, mode, 0, 99, **kw)
    ref.load_state_dict(fresh_ours.state_dict(), strict=True)
    torch.testing.assert_close(ref(x)[0], fresh_ours(x)[0], rtol=0, atol=1e-12)


@pytest.mark.parametrize("mode", list(CELLS))
def test_cell_state_dict_loads_both_ways(mode: str) -> None:
    ours, ref = _build(CELLS, mode, 0, 1), _build(CELLS, mode, 1, 2)
    ours.load_state_dict(ref.state_dict(), strict=True)
    ref2 = _build(CELLS, mode, 1, 3)
    ref2.load_state_dict(ours.state_dict(), strict=True)
    for name, value in ref.state_dict().items():
        assert torch.equal(ref2.state_dict()[name], value)


def test_mismatched_state_dict_is_refused() -> None:
    ours = LAYERS["lstm"][0](D, H, num_layers=2)
    ref = torch.nn.LSTM(D, H, num_layers=1)
    with pytest.raises(RuntimeError, match="weight_ih_l1"):
        ours.load_state_dict(ref.state_dict())


def test_module_to_dtype_and_repr() -> None:
    m = LAYERS["gru"][0](D, H, num_layers=2, batch_first=True).to(torch.float64)
    assert all(p.dtype == torch.float64 for p in m.parameters())
    out, h = m(torch.randn(2, 5, D, dtype=torch.float64))
    assert out.shape == (2, 5, H) and h.shape == (2, 2, H)
    assert repr(m) == "GRU(3, 4, num_layers=2, batch_first=True)"
    assert repr(torch.nn.GRU(D, H, num_layers=2, batch_first=True)) == repr(m)
