"""Drop-in replacements for torch.nn's recurrent modules, written from the equations.

``from lstmcourse.torch import LSTM`` gives a module with torch.nn.LSTM's constructor, parameter
names and shapes, initialisation, ``forward`` signature and return values (packed sequences and
``proj_size`` included); its ``state_dict`` loads into ``torch.nn.LSTM`` and back, and its repr
and error types are torch.nn's. Nothing calls torch's own recurrent kernels.

- :mod:`.cells`: one step of each network, line by line from the book's equations, and the
  cell modules :class:`~.cells.RNNCell`, :class:`~.cells.LSTMCell`, :class:`~.cells.GRUCell`.
- :mod:`.layers`: :class:`~.layers.RNN`, :class:`~.layers.LSTM`, :class:`~.layers.GRU` (layers
  stacked, bidirectional, dropout between layers, PackedSequence input, LSTM projections).
  ``impl="readable"`` loops over the step functions; ``impl="fused"`` (default) uses :mod:`.fused`.
- :mod:`.fused`: the fast path, one matmul for all input projections, one per step for the
  recurrence, and a hand-written backward through time; tested equal to the readable path.
- :mod:`.native`: the LSTM's time loop of :mod:`.fused` compiled from C++ (``csrc/``) for CPU
  tensors, built at first use, with the Python loop where no compiler is found.
- :mod:`.inference`: the LSTM's Python loop under ``torch.no_grad()`` (CUDA, or no compiled
  loop), which keeps nothing for a backward.
- :mod:`.convert`: weights to and from ``lstmcourse.numpy`` params dicts.
"""

from .cells import GRUCell, LSTMCell, RNNCell, gru_step, lstm_step, rnn_step
from .convert import load_numpy_params, to_numpy_params
from .layers import GRU, LSTM, RNN

__all__ = [
    "RNNCell",
    "LSTMCell",
    "GRUCell",
    "RNN",
    "LSTM",
    "GRU",
    "rnn_step",
    "lstm_step",
    "gru_step",
    "to_numpy_params",
    "load_numpy_params",
]
