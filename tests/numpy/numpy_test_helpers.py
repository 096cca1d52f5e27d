"""Helpers shared by tests/numpy: random sizes, and torch autograd as the independent reference."""

from __future__ import annotations

import numpy as np
import torch

TOL = 1e-10  # float64 agreement with torch, absolute and relative

TORCH_LAYERS = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}
TORCH_CELLS = {"rnn": torch.nn.RNNCell, "lstm": torch.nn.LSTMCell, "gru": torch.nn.GRUCell}


def random_sizes(seed: int) -> tuple[int, int, int, int]:
    """(T, B, D, H), small and different for every seed; seed 0 has batch 1."""
    rng = np.random.default_rng(1000 + seed)
    T, D, H = (int(v) for v in rng.integers(1, 7, size=3))
    B = 1 if seed == 0 else int(rng.integers(1, 5))
    return T + 1, B, D, H


def assert_close(actual: np.ndarray, expected: object, what: str, tol: float = TOL) -> None:
    """Compare with a torch tensor or an array, to `tol` absolute and relative."""
    if isinstance(expected, torch.Tensor):
        expected = expected.detach().numpy()
    actual = np.asarray(actual)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    np.testing.assert_allclose(actual, expected, rtol=tol, atol=tol, err_msg=what)


def tensor(a: np.ndarray) -> torch.Tensor:
    """A float64 leaf tensor that records its gradient."""
    return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)
