"""The same modules on a CUDA device (skipped with a reason when there is none)."""

from __future__ import annotations

import pytest
import torch
from test_torch_packed import Packer
from torch_helpers import CELLS, LAYERS, assert_matches_peer, make_pair, requires_cuda

pytestmark = [pytest.mark.cuda, requires_cuda]


@pytest.fixture(autouse=True)
def _no_tf32():
    """TF32 matmuls round to 10 mantissa bits; exactness tests need them off."""
    old = torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = False
    yield
    torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = old


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("impl", ["fused", "readable"])
@pytest.mark.parametrize("mode", list(LAYERS))
def test_layer_on_cuda_matches_torch(mode: str, impl: str, dtype: torch.dtype) -> None:
    ours, ref = make_pair(LAYERS, mode, 4, 6, num_layers=2, bidirectional=True, dtype=dtype)
    ours, ref = ours.to("cuda"), ref.to("cuda")
    ours.impl = impl
    g = torch.Generator().manual_seed(0)
    x = torch.randn(7, 3, 4, generator=g, dtype=dtype).to("cuda")
    h0 = torch.randn(4, 3, 6, generator=g, dtype=dtype).to("cuda")
    inputs = [x, (h0, h0.flip(1))] if mode == "lstm" else [x, h0]
    assert_matches_peer(ours, ref, inputs, dtype)
    assert_matches_peer(ours, ref, [x], dtype)  # default states must be made on the GPU


@pytest.mark.parametrize("mode", list(CELLS))
def test_cell_on_cuda_matches_torch(mode: str) -> None:
    ours, ref = make_pair(CELLS, mode, 4, 6, dtype=torch.float64, device="cuda")
    x = torch.randn(3, 4, dtype=torch.float64, device="cuda")
    assert_matches_peer(ours, ref, [x], torch.float64)


@pytest.mark.parametrize("impl", ["fused", "readable"])
@pytest.mark.parametrize("mode", list(LAYERS))
def test_packed_on_cuda_matches_torch(mode: str, impl: str) -> None:
    """A packed, unsorted, bidirectional two-layer batch on the GPU: outputs, states and all
    gradients equal torch.nn's (cuDNN) in float64."""
    ours, ref = make_pair(LAYERS, mode, 4, 6, num_layers=2, bidirectional=True,
                          dtype=torch.float64, device="cuda")
    ours.impl = impl
    g = torch.Generator().manual_seed(1)
    x = torch.randn(7, 3, 4, generator=g, dtype=torch.float64).to("cuda")
    h0 = torch.randn(4, 3, 6, generator=g, dtype=torch.float64).to("cuda")
    lengths = [5, 7, 2]
    inputs = [x, (h0, h0.flip(1))] if mode == "lstm" else [x, h0]
    assert_matches_peer(Packer(ours, lengths, False), Packer(ref, lengths, False), inputs,
                        torch.float64)


@pytest.mark.parametrize("packed", [False, True], ids=["padded", "packed"])
def test_projection_on_cuda_matches_torch(packed: bool) -> None:
    torch.manual_seed(0)
    ours = LAYERS["lstm"][0](4, 6, num_layers=2, bidirectional=True, proj_size=3,
                             dtype=torch.float64, device="cuda")
    torch.manual_seed(0)
    ref = LAYERS["lstm"][1](4, 6, num_layers=2, bidirectional=True, proj_size=3,
                            dtype=torch.float64, device="cuda")
    assert all(torch.equal(a, b) for a, b in zip(ours.parameters(), ref.parameters(),
                                                 strict=True))
    x = torch.randn(7, 3, 4, dtype=torch.float64, device="cuda")
    if packed:
        ours, ref = Packer(ours, [3, 7, 6], False), Packer(ref, [3, 7, 6], False)
    assert_matches_peer(ours, ref, [x], torch.float64)
