"""lstmcourse.numpy: the exact NumPy reference for RNNs, LSTMs and GRUs, forward and backward.

Everything in the course (book figures, widgets, graders, the torch modules' tests) takes its
numbers from here. Conventions are PyTorch's throughout (:mod:`lstmcourse.conventions`):

- parameters are a dict ``{"weight_ih": (G*H, D), "weight_hh": (G*H, H), "bias_ih": (G*H,),
  "bias_hh": (G*H,)}`` with G gate blocks stacked by rows: RNN 1; LSTM 4 in the order i, f, g, o;
  GRU 3 in the order r, z, n;
- each sequence function is a loop over its cell function (``lstm`` calls ``lstm_cell`` once per
  step), and each backward function a loop over the cell's backward;
- one step takes x (B, D) and states (B, H); a sequence is time-major, x (T, B, D) -> out (T, B, H);
- every forward function returns a cache as its last value, and its ``*_backward`` twin takes it
  and returns one gradient per forward input, in the same order, plus ``grads`` keyed like params.

Shape legend: T time steps, B batch, D input features, H hidden units, G gate blocks.

Modules: :mod:`.activations`, :mod:`.params`, :mod:`.rnn`, :mod:`.lstm`, :mod:`.gru`,
:mod:`.bidirectional`, :mod:`.gradcheck`.
"""

from .activations import sigmoid, sigmoid_grad, tanh, tanh_grad
from .bidirectional import BidirectionalCache, bidirectional, bidirectional_backward
from .gradcheck import numerical_gradient, relative_error
from .gru import GRUCache, GRUCellCache, gru, gru_backward, gru_cell, gru_cell_backward
from .lstm import LSTMCache, LSTMCellCache, lstm, lstm_backward, lstm_cell, lstm_cell_backward
from .params import (
    gru_param_count,
    init_params,
    lstm_param_count,
    params_from_torch,
    rnn_param_count,
)
from .rnn import RNNCache, RNNCellCache, rnn, rnn_backward, rnn_cell, rnn_cell_backward

__all__ = [
    "BidirectionalCache",
    "GRUCache",
    "GRUCellCache",
    "LSTMCache",
    "LSTMCellCache",
    "RNNCache",
    "RNNCellCache",
    "bidirectional",
    "bidirectional_backward",
    "gru",
    "gru_backward",
    "gru_cell",
    "gru_cell_backward",
    "gru_param_count",
    "init_params",
    "lstm",
    "lstm_backward",
    "lstm_cell",
    "lstm_cell_backward",
    "lstm_param_count",
    "numerical_gradient",
    "params_from_torch",
    "relative_error",
    "rnn",
    "rnn_backward",
    "rnn_cell",
    "rnn_cell_backward",
    "rnn_param_count",
    "sigmoid",
    "sigmoid_grad",
    "tanh",
    "tanh_grad",
]
