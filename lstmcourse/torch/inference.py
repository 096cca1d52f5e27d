r"""The LSTM forward without autograd, in Python: ``lstmcourse.torch.LSTM`` under ``no_grad``.

:func:`lstmcourse.torch.fused.lstm_sequence` comes here when no gradient is wanted (grad mode off,
or no input requires a gradient) and the compiled loop of :mod:`.native` does not apply: CUDA
tensors, or a machine where it could not be built. It computes the same numbers as the training
forward of :mod:`.fused`, but it keeps nothing for a backward pass, so every per-step value lives
in a buffer that is overwritten at the next step, and the loop touches only two new tensor views per
step (the step's input projection and its slot in the output).

Per step, with the g rows of the weights doubled (so that ONE sigmoid activates all four gates,
:math:`\tanh(p) = 2\sigma(2p) - 1`, see :mod:`.fused`) and :math:`2c` carried instead of
:math:`c`:

.. code-block:: python

    gates = sigmoid(h @ W_hh.T + xproj[t])        # i, f, sigmoid(2 p_g), o      (B, 4H)
    g = 2 * gates_g - 1                           # tanh(p_g)
    c2 = f * c2 + 2 * i * g                       # 2 c_t
    h = o * (2 * sigmoid(c2) - 1)                 # o_t tanh(c_t), written into out[t]

What was measured (interleaved with ``torch.nn.LSTM`` in one process; ratios ours / torch.nn;
the machine was shared, so only differences of 10 % or more are read as real):

- this loop against the training forward of :mod:`.fused` run under ``no_grad``, one thread:
  1.39x against 1.55x at T100/B64/D32/H128 and 1.64x against 1.86x at T500/B32/D32/H100, about
  10 % faster; at batch 1 (T50/B1) the two were within noise (3.6-4.6x), as per-op dispatch
  decides there. The saving comes from reusing four (B, H) gate views and one cell buffer
  instead of cutting seven per-step views into the tensors a backward would need.
- ``torch.mm(h, W_hh.T, out=gates).add_(xproj[t])`` against one
  ``torch.addmm(xproj[t], h, W_hh.T, out=gates)``: 1.40x against 1.54x at T500/B32/H100 (two
  threads, quiet machine): ``addmm`` first copies ``xproj[t]`` into ``gates``, then multiplies
  with beta = 1. In-place ``xproj[t].addmm_`` was slower (1.70x): the gate views must then be
  cut every step.

What limits the rest: torch.nn's inference is one oneDNN call per layer that applies the gate
nonlinearities and the cell update in the same pass as the matmul; here they are six separate
elementwise ops per step, each a pass over (B, H) or (B, 4H) and a Python-level dispatch of about
a microsecond (at batch 1 that dispatch is the whole cost of an op).

Shape legend: T steps, B batch, D input features, H hidden size. ``x`` (T, B, D), states (B, H).
"""

from __future__ import annotations

import torch
from torch import Tensor

__all__ = ["lstm_inference"]


def _doubled(w: Tensor, lo: int, hi: int) -> Tensor:
    """A copy of ``w`` with rows ``lo:hi`` multiplied by 2 (exact in floating point)."""
    w2 = w.clone()
    w2[lo:hi] *= 2
    return w2


def lstm_inference(
    x: Tensor,
    h0: Tensor,
    c0: Tensor,
    weight_ih: Tensor,
    weight_hh: Tensor,
    bias_ih: Tensor | None,
    bias_hh: Tensor | None,
    reverse: bool = False,
) -> tuple[Tensor, Tensor, Tensor]:
    """One direction of one LSTM layer, no autograd: x (T, B, D) -> (out (T, B, H), h_n, c_n)."""
    T, B, D = x.shape
    H = h0.size(1)
    with torch.no_grad():  # also when called with grad mode on but nothing requiring a gradient
        g_rows = (2 * H, 3 * H)
        w_ih = _doubled(weight_ih, *g_rows)
        w_hh_t = _doubled(weight_hh, *g_rows).t()
        x2 = x.reshape(T * B, D)
        if bias_ih is None:
            xproj = torch.mm(x2, w_ih.t())
        else:
            xproj = torch.addmm(_doubled(bias_ih + bias_hh, *g_rows), x2, w_ih.t())
        out = x.new_empty(T, B, H)
        gates = x.new_empty(B, 4 * H)
        i, f, g, o = gates.split(H, 1)  # views made once, refilled every step
        tanh_c = x.new_empty(B, H)
        one = x.new_ones(())
        h, c2 = h0, c0 * 2
        steps = zip(xproj.view(T, B, 4 * H).unbind(0), out.unbind(0), strict=True)
        for xp, slot in reversed(list(steps)) if reverse else steps:
            torch.mm(h, w_hh_t, out=gates).add_(xp).sigmoid_()
            g.lerp_(one, -1.0)  # s + (-1)(1 - s) = 2 s - 1 = tanh(p_g)
            c2.mul_(f).addcmul_(i, g, value=2)  # c2 is our own buffer (c0 * 2), so in place
            torch.sigmoid(c2, out=tanh_c).lerp_(one, -1.0)  # tanh(c_t)
            h = torch.mul(o, tanh_c, out=slot)  # h_t, straight into the output
        return out, h.clone(), c2.mul_(0.5)
