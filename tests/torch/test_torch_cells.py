"""lstmcourse.torch cells against torch.nn cells: outputs and gradients, every input form."""

from __future__ import annotations

import pytest
import torch
from torch_helpers import CELLS, assert_matches_peer, make_pair

B, D, H = 4, 3, 5


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("form", ["batched", "unbatched", "zeros", "unbatched-zeros", "nobias"])
@pytest.mark.parametrize("mode", list(CELLS))
def test_cell_matches_torch(mode: str, form: str, dtype: torch.dtype) -> None:
    ours, ref = make_pair(CELLS, mode, D, H, bias=form != "nobias", dtype=dtype)
    gen = torch.Generator().manual_seed(3)
    lead = () if form.startswith("unbatched") else (B,)
    x = torch.randn(*lead, D, generator=gen, dtype=dtype)
    inputs = [x]
    if "zeros" not in form:
        h = torch.randn(*lead, H, generator=gen, dtype=dtype)
        if mode == "lstm":
            h = (h, torch.randn(*lead, H, generator=gen, dtype=dtype))
        inputs.append(h)
    assert_matches_peer(ours, ref, inputs, dtype)


def test_relu_cell_zeroes_negative_pre_activations() -> None:
    """A hand-computed case: with zero weights the ReLU cell returns relu(b_ih + b_hh)."""
    cell = CELLS["rnn_relu"][0](2, 3, nonlinearity="relu", dtype=torch.float64)
    with torch.no_grad():
        cell.weight_ih.zero_()
        cell.weight_hh.zero_()
        cell.bias_ih.copy_(torch.tensor([1.0, -2.0, 0.5]))
        cell.bias_hh.copy_(torch.tensor([0.5, 1.0, -1.0]))
    h = cell(torch.ones(1, 2, dtype=torch.float64))
    assert h.tolist() == [[1.5, 0.0, 0.0]]


def test_lstm_cell_hand_computed() -> None:
    """With zero weights and biases every gate is sigmoid(0) = 1/2 and g = tanh(0) = 0, so
    c' = c / 2 and h' = tanh(c / 2) / 2."""
    cell = CELLS["lstm"][0](2, 1, dtype=torch.float64)
    with torch.no_grad():
        for p in cell.parameters():
            p.zero_()
    c = torch.tensor([[2.0]], dtype=torch.float64)
    h1, c1 = cell(torch.ones(1, 2, dtype=torch.float64), (torch.zeros_like(c), c))
    assert c1.item() == 1.0
    assert abs(h1.item() - 0.5 * torch.tanh(torch.tensor(1.0, dtype=torch.float64)).item()) < 1e-15
