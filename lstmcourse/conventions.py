"""The course's conventions, written down once: PyTorch's parameter names, gate order and suffixes.

``lstmcourse.numpy``, ``lstmcourse.torch`` and the graders import them from here (the book's
*Notation and conventions* page explains them; ``widgets/static/lstm-math.js`` repeats them because
the browser cannot import Python, and its parity test ties it to ``lstmcourse.numpy``).

- A cell has four parameters, :data:`PARAM_KEYS`: ``weight_ih`` (G*H, D), ``weight_hh`` (G*H, H),
  ``bias_ih`` and ``bias_hh`` (G*H,), with G row blocks stacked in the order of :data:`GATES`:
  rows ``k*H:(k+1)*H`` belong to ``GATES[cell][k]``.
- A layer names them per layer k and direction: ``weight_ih_l{k}``, and ``weight_ih_l{k}_reverse``
  for the backward direction of a bidirectional layer (:func:`suffix`). An LSTM built with
  ``proj_size`` P > 0 has a fifth, :data:`PROJ_KEY` (P, H), registered after the four.

Nothing here needs NumPy or torch.
"""

#: PyTorch's parameter names, in the order torch.nn registers them.
PARAM_KEYS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")

#: The name of the projection of an LSTM layer with ``proj_size`` P > 0,
#: :math:`h_t = W_{hr} (o_t \odot \tanh(c_t))`. It is a (P, H) matrix, registered after
#: :data:`PARAM_KEYS` in every layer and direction (torch.nn's order).
PROJ_KEY = "weight_hr"

#: The row blocks of the weights and biases, in torch.nn's order. They are the LSTM's gates
#: (input, forget, candidate, output), the GRU's (reset, update, candidate), and the plain
#: RNN's single block, which is its new hidden state h.
GATES = {"rnn": ("h",), "lstm": ("i", "f", "g", "o"), "gru": ("r", "z", "n")}


def gate_count(cell: str) -> int:
    """G, the number of row blocks for ``cell`` ("rnn" 1, "lstm" 4, "gru" 3).

    Raises:
        ValueError: ``cell`` is not one of the keys of :data:`GATES`.
    """
    if cell not in GATES:
        raise ValueError(f"cell must be one of {sorted(GATES)}, got {cell!r}")
    return len(GATES[cell])


def suffix(module: object, layer: int = 0, reverse: bool = False) -> str:
    """The parameter-name suffix of one layer and direction of ``module``, checked.

    A layer (anything with ``num_layers``, like ``torch.nn.LSTM``) gives ``"_l{layer}"``, plus
    ``"_reverse"`` for the backward direction; a cell (``torch.nn.LSTMCell``) has one set of
    weights and gives ``""``.

    Args:
        module: a recurrent layer or cell (torch.nn's or ``lstmcourse.torch``'s).
        layer: the layer, 0-based.
        reverse: the backward direction of a bidirectional layer.

    Returns:
        The suffix, e.g. ``"_l1_reverse"``.

    Raises:
        ValueError: a layer or direction the module does not have.
    """
    who = type(module).__name__
    if not hasattr(module, "num_layers"):
        if layer != 0 or reverse:
            raise ValueError(
                f"a {who} has one set of weights: use layer=0, reverse=False "
                f"(got layer={layer!r}, reverse={reverse!r})"
            )
        return ""
    if not 0 <= layer < module.num_layers:
        raise ValueError(
            f"layer must be in 0..{module.num_layers - 1} for this {who} with "
            f"num_layers={module.num_layers}, got {layer!r}"
        )
    if reverse and not module.bidirectional:
        raise ValueError(
            f"reverse=True needs a bidirectional {who}; this one has bidirectional=False"
        )
    return f"_l{layer}" + ("_reverse" if reverse else "")
