"""lstmcourse.torch.RNN/LSTM/GRU against torch.nn: outputs and every gradient, both impls."""

from __future__ import annotations

import pytest
import torch
from torch_helpers import LAYERS, assert_matches_peer, make_pair

T, B, D, H = 5, 3, 4, 6

# (num_layers, bidirectional, batch_first, batched, states given, bias)
CONFIGS = [
    (1, False, False, True, False, True),
    (1, False, False, True, True, True),
    (1, True, False, True, True, True),
    (2, True, False, True, True, True),
    (3, False, True, True, True, True),
    (3, True, True, True, False, True),
    (2, True, False, False, True, True),
    (1, False, True, False, False, True),
    (2, False, False, True, True, False),
]


def _ids(c: tuple) -> str:
    L, bi, bf, batched, given, bias = c
    return (
        f"L{L}"
        + ("-bi" if bi else "")
        + ("-bf" if bf else "")
        + ("" if batched else "-unbatched")
        + ("-h0" if given else "-zeros")
        + ("" if bias else "-nobias")
    )


def _inputs(mode: str, config: tuple, dtype: torch.dtype) -> list:
    L, bi, bf, batched, given, _ = config
    gen = torch.Generator().manual_seed(7)
    shape = ((B, T, D) if bf else (T, B, D)) if batched else (T, D)
    x = torch.randn(shape, generator=gen, dtype=dtype)
    if not given:
        return [x]
    s_shape = (L * (2 if bi else 1), B, H) if batched else (L * (2 if bi else 1), H)
    h0 = torch.randn(s_shape, generator=gen, dtype=dtype)
    if mode == "lstm":
        return [x, (h0, torch.randn(s_shape, generator=gen, dtype=dtype))]
    return [x, h0]


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("impl", ["fused", "readable"])
@pytest.mark.parametrize("config", CONFIGS, ids=_ids)
@pytest.mark.parametrize("mode", list(LAYERS))
def test_layer_matches_torch(mode: str, config: tuple, impl: str, dtype: torch.dtype) -> None:
    L, bi, bf, _, _, bias = config
    ours, ref = _pair(mode, L, bi, bf, bias, dtype, impl)
    assert_matches_peer(ours, ref, _inputs(mode, config, dtype), dtype)


def _pair(mode, L, bi, bf, bias, dtype, impl):
    ours, ref = make_pair(
        LAYERS, mode, D, H, num_layers=L, bidirectional=bi, batch_first=bf, bias=bias, dtype=dtype
    )
    ours.impl = impl
    return ours, ref


@pytest.mark.parametrize("mode", ["lstm", "gru"])
def test_dropout_between_layers_matches_torch(mode: str) -> None:
    """In training mode, dropout hits every layer's output but the last, drawing the same
    random numbers as torch.nn; in eval mode it is off."""
    ours, ref = make_pair(
        LAYERS, mode, D, H, num_layers=3, dropout=0.5, bidirectional=True, dtype=torch.float64
    )
    x = torch.randn(T, B, D, dtype=torch.float64)
    torch.manual_seed(5)
    out_o, _ = ours(x)
    torch.manual_seed(5)
    out_r, _ = ref(x)
    torch.testing.assert_close(out_o, out_r, rtol=0, atol=1e-10)
    ours.eval()
    no_drop = ours(x)[0]
    torch.manual_seed(5)
    assert not torch.allclose(ours.train()(x)[0], no_drop), "training mode should drop units"
    torch.testing.assert_close(ours.eval()(x)[0], ref.eval()(x)[0], rtol=0, atol=1e-10)


def test_dropout_with_one_layer_warns_like_torch() -> None:
    with pytest.warns(UserWarning, match="num_layers"):
        LAYERS["lstm"][0](D, H, dropout=0.3)


@pytest.mark.parametrize("mode", list(LAYERS))
def test_default_states_follow_input_dtype(mode: str) -> None:
    ours, _ = make_pair(LAYERS, mode, D, H, num_layers=2, dtype=torch.float64)
    out, h = ours(torch.randn(T, B, D, dtype=torch.float64))
    states = h if isinstance(h, tuple) else (h,)
    assert out.dtype == torch.float64 and out.shape == (T, B, H)
    for s in states:
        assert s.dtype == torch.float64 and s.shape == (2, B, H)


@pytest.mark.parametrize("mode", list(LAYERS))
def test_empty_batch_gives_torch_shapes(mode: str) -> None:
    ours, ref = make_pair(LAYERS, mode, D, H, num_layers=2, bidirectional=True)
    x = torch.randn(T, 0, D, requires_grad=True)
    out_o, out_r = ours(x)[0], ref(x)[0]
    assert out_o.shape == out_r.shape == (T, 0, 2 * H)
    out_o.sum().backward()
    assert x.grad.shape == x.shape
