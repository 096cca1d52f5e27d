"""torch.compile(model) works on the default path and does not unroll the time loop.

The fast path is marked ``torch.compiler.disable`` (see :mod:`lstmcourse.torch.fused`): the
compiled graph holds the checks, reshapes and state stacking around it, and calls the time loop
eagerly. Unrolled, the loop made the first call take minutes at T=100 and the result run slower
than eager.
"""

from __future__ import annotations

import pytest
import torch
from torch_helpers import LAYERS, assert_same, flatten, make_pair


def _graph_sizes(module: torch.nn.Module, T: int) -> list[int]:
    """Compile with a backend that records the FX graphs it gets and runs them as they are."""
    sizes: list[int] = []

    def backend(gm: torch.fx.GraphModule, example_inputs):
        sizes.append(len(gm.graph.nodes))
        return gm.forward

    torch._dynamo.reset()
    compiled = torch.compile(module, backend=backend)
    x = torch.randn(T, 2, 3, generator=torch.Generator().manual_seed(T))
    assert_same(flatten(compiled(x)), flatten(module(x)), 1e-6, "compiled forward")
    return sizes


@pytest.mark.parametrize("mode", list(LAYERS))
def test_compiled_graphs_do_not_grow_with_sequence_length(mode: str) -> None:
    ours, _ = make_pair(LAYERS, mode, 3, 4, num_layers=2)
    short, long = _graph_sizes(ours, 3), _graph_sizes(ours, 12)
    assert short and short == long, f"graph sizes {short} at T=3, {long} at T=12"


def test_compiled_lstm_with_the_default_backend_matches_eager() -> None:
    """Inductor, the default backend: outputs and gradients equal eager's."""
    ours, _ = make_pair(LAYERS, "lstm", 3, 4, num_layers=2, bidirectional=True)
    torch._dynamo.reset()
    compiled = torch.compile(ours)
    x = torch.randn(6, 2, 3, generator=torch.Generator().manual_seed(0))
    eager = flatten(ours(x))
    got = flatten(compiled(x))
    assert_same(got, eager, 1e-6, "compiled outputs")
    params = list(ours.parameters())
    g_eager = torch.autograd.grad(sum(t.sum() for t in eager), params)
    g_comp = torch.autograd.grad(sum(t.sum() for t in got), params)
    assert_same(list(g_comp), list(g_eager), 1e-6, "compiled gradients")
