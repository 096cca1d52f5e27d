"""Drop-in replacements for torch.nn's recurrent modules, written from the equations.

``from lstmcourse.torch import LSTM`` gives a module with torch.nn.LSTM's constructor, parameter
names and shapes, initialisation, ``forward`` signature and return values; its ``state_dict``
loads into ``torch.nn.LSTM`` and back. Nothing calls torch's own recurrent kernels.

- :mod:`.cells`: one step of each network, line by line from the book's equations, and the
  cell modules :class:`RNNCell`, :class:`LSTMCell`, :class:`GRUCell`.
- :mod:`.layers`: :class:`RNN`, :class:`LSTM`, :class:`GRU` (layers stacked, bidirectional,
  dropout between layers). ``impl="readable"`` loops over the step functions;
  ``impl="fused"`` (default) uses :mod:`.fused`.
- :mod:`.fused`: the fast path, one matmul for all input projections, one per step for the
  recurrence, and a hand-written backward through time; tested equal to the readable path.
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
