r"""The fast path: whole-sequence RNN, LSTM and GRU layers with a hand-written backward.

Each function here computes exactly what a loop over :mod:`lstmcourse.torch.cells` computes,

.. code-block:: python

    for t in range(T):                       # or reversed(range(T)) when reverse=True
        h, c = lstm_step(x[t], h, c, weight_ih, weight_hh, bias_ih, bias_hh)
        out[t] = h

and the readable layers (``impl="readable"``, the loop above with the step functions of
:mod:`.cells`) are its specification: the tests hold the two to 1e-12 in float64, outputs and
gradients. It is faster in three ways:

1. **All input projections in one matmul.** :math:`W_{ih} x_t + b_{ih}` does not depend on the
   recurrence, so it is computed for every step at once: (T*B, D) @ (D, G*H). Only
   :math:`W_{hh} h_{t-1}` stays inside the loop, one ``addmm`` for all G gates, written straight
   into preallocated buffers.
2. **A hand-written backward through time** (a ``torch.autograd.Function``), the same
   derivation as ``lstmcourse.numpy``'s ``lstm_cell_backward``. Autograd would record about a
   dozen small ops per step and replay them one by one; here every factor that does not depend on
   the incoming gradient (e.g. :math:`i_t (1 - i_t)`) is computed for all steps in one go before
   the loop, and the weight gradients are a single matmul over all steps after it.
3. **tanh through the sigmoid, in the LSTM and the RNN only.** On the CPU ``torch.tanh`` is about
   five times slower than ``torch.sigmoid`` (34 against 7 microseconds on a (64, 128) float32
   tensor), so these two use chapter 4's identity :math:`\tanh(p) = 2\sigma(2p) - 1`: the tanh
   rows of the weights are doubled (exact: a power of two), so that ONE sigmoid per step activates
   all gates, and the LSTM carries :math:`2 c_t`. Measured against the same code with
   ``torch.tanh`` (benchmark sizes, one thread, interleaved, four runs on a busy machine): it
   saves the LSTM 3-23 % of the forward (about 10 % typically) and up to 19 % of
   forward+backward, and the RNN 11-30 % of the forward. The GRU gained at most 7 %, so it uses
   ``torch.tanh``. The identity agrees with ``torch.tanh`` to a few units in the last place,
   absolutely.

Shape legend: T steps, B batch, D input features, H hidden size, G gates (RNN 1, LSTM 4, GRU 3).
``x`` is time-major (T, B, D); states are (B, H); ``out`` is (T, B, H). ``reverse=True`` runs the
recurrence from t = T-1 down to 0 (the backward half of a bidirectional layer) and still returns
``out`` in the input's time order.

The functions are device- and dtype-agnostic: every buffer is created like ``x``. They also
compose like torch.nn's layers (see the entry points at the end of this file):

- double backward (``create_graph=True``, e.g. gradient penalties): the hand-written backward
  then recomputes the forward with the readable step functions and lets autograd differentiate
  that (:func:`_recomputed_backward`); a plain ``backward()`` keeps the fast code;
- ``torch.func`` (``grad``, ``jacrev``, ``vmap``) runs the readable step loop;
- autocast and float16/bfloat16 follow torch.nn's dtypes, computing in float32 inside;
- under ``torch.no_grad()`` the LSTM runs :mod:`.inference`, which keeps nothing for a backward;
- on the CPU the LSTM and the GRU run their loops compiled (:mod:`.native`): the same steps
  with the gate arithmetic of a step in one pass; the Python loops here then serve CUDA tensors
  and machines without a C++ compiler;
- ``torch.compile`` calls the time loop eagerly instead of unrolling it.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

from . import native
from .cells import gru_step, lstm_step, rnn_step
from .inference import _doubled, lstm_inference  # one copy of the row-doubling helper

__all__ = ["rnn_sequence", "lstm_sequence", "gru_sequence"]


def _steps(T: int, reverse: bool) -> range:
    """The order in which the forward recurrence visits the time steps."""
    return range(T - 1, -1, -1) if reverse else range(T)


def _previous(first: Tensor, seq: Tensor, reverse: bool) -> Tensor:
    """The state *entering* each step, (T, B, H): ``first`` (B, H) then ``seq`` shifted by one."""
    if reverse:
        return torch.cat((seq[1:], first.unsqueeze(0)), 0)
    return torch.cat((first.unsqueeze(0), seq[:-1]), 0)


def _projection(x: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
    """``x @ weight.T + bias`` for every step at once: (T, B, D) -> (T, B, G*H)."""
    T, B, D = x.shape
    x2 = x.reshape(T * B, D)
    xw = torch.mm(x2, weight.t()) if bias is None else torch.addmm(bias, x2, weight.t())
    return xw.view(T, B, weight.size(0))


def _sum_bias(b_ih: Tensor | None, b_hh: Tensor | None) -> Tensor | None:
    """RNN and LSTM add both biases to the same pre-activation; add them once."""
    return None if b_ih is None else b_ih + b_hh


def _param_grads(
    ctx, d_pre_x: Tensor, d_pre_h: Tensor, x: Tensor, h_prev: Tensor, w_ih: Tensor
) -> tuple[Tensor | None, ...]:
    """Gradients of x, weight_ih, weight_hh, bias_ih, bias_hh from the pre-activation gradients.

    ``d_pre_x`` (T, B, G*H) is the gradient reaching :math:`W_{ih} x_t + b_{ih}` and ``d_pre_h``
    the one reaching :math:`W_{hh} h_{t-1} + b_{hh}` (the same tensor except in the GRU). Each
    weight gradient is one matmul summed over all steps and batch rows at once.
    """
    T, B, D = x.shape
    GH = w_ih.size(0)  # explicit sizes: a batch of size 0 is allowed
    gx = d_pre_x.reshape(T * B, GH)
    gh = d_pre_h.reshape(T * B, GH)
    need = ctx.needs_input_grad
    dx = torch.mm(gx, w_ih).view(T, B, D) if need[0] else None
    dw_ih = torch.mm(gx.t(), x.reshape(T * B, D)) if need[ctx.w_ih_index] else None
    dw_hh = (
        torch.mm(gh.t(), h_prev.reshape(T * B, h_prev.size(-1)))
        if need[ctx.w_ih_index + 1]
        else None
    )
    db_ih = gx.sum(0) if need[ctx.w_ih_index + 2] else None
    db_hh = gh.sum(0) if need[ctx.w_ih_index + 3] else None
    return dx, dw_ih, dw_hh, db_ih, db_hh


def _step_loop(
    step: Callable, x: Tensor, states: list[Tensor], params: list, reverse: bool, kw: dict
) -> tuple[Tensor, list[Tensor]]:
    """The specification: ``step`` (a function of :mod:`.cells`) over time, through autograd.

    Returns ``out`` (T, B, H) and the final states. The fast path falls back to it where autograd
    has to see every operation: a backward that must itself be differentiable, and torch.func.
    """
    out: list[Tensor | None] = [None] * x.size(0)
    for t in _steps(x.size(0), reverse):
        new = step(x[t], *states, *params, **kw)
        states = list(new) if isinstance(new, tuple) else [new]
        out[t] = states[0]
    return torch.stack(out, 0), states


def _recomputed_backward(
    ctx, step: Callable, n_states: int, grads: tuple[Tensor, ...], kw: dict
) -> tuple[Tensor | None, ...]:
    """The backward when autograd records it (``create_graph=True``, e.g. a gradient penalty).

    The hand-written backward updates buffers in place, which autograd cannot differentiate. So
    here the forward is recomputed with the readable step functions on the saved inputs, and
    autograd differentiates that, keeping the graph: the gradients it returns have a
    ``grad_fn``, and a second backward goes through ordinary autograd. Slower, but only taken
    for higher-order derivatives; a plain ``backward()`` runs the fast code.
    """
    n_in = 1 + n_states + 4  # x, the states, weight_ih, weight_hh, bias_ih, bias_hh
    inputs = ctx.saved_tensors[:n_in]
    x, states, params = inputs[0], list(inputs[1 : 1 + n_states]), list(inputs[1 + n_states :])
    out, finals = _step_loop(step, x, states, params, ctx.reverse, kw)
    wanted = [k for k in range(n_in) if ctx.needs_input_grad[k]]
    found = torch.autograd.grad(
        [out, *finals],
        [inputs[k] for k in wanted],
        grads,
        create_graph=True,
        allow_unused=True,
    )
    result: list[Tensor | None] = [None] * len(ctx.needs_input_grad)
    for k, g in zip(wanted, found, strict=True):
        result[k] = g
    return tuple(result)


def _under_functorch(tensors: tuple[Tensor | None, ...]) -> bool:
    """True inside ``torch.func.grad`` / ``jacrev`` / ``vmap`` / ``functional_call`` transforms.

    The hand-written backward writes into buffers in place, which vmap (used by jacrev) cannot
    batch; the step functions are plain tensor arithmetic, which every transform handles.
    """
    functorch = torch._C._functorch  # private, but the only way to ask; checked by the tests
    if functorch.peek_interpreter_stack() is not None:  # a transform is active
        return True
    return any(t is not None and functorch.is_functorch_wrapped_tensor(t) for t in tensors)


def _needs_graph(tensors: tuple[Tensor | None, ...]) -> bool:
    """Will autograd want a backward through this call?"""
    return torch.is_grad_enabled() and any(t is not None and t.requires_grad for t in tensors)


def _autocast_dtype(x: Tensor) -> torch.dtype | None:
    """The dtype autocast runs torch's RNN and LSTM in, or None when autocast is off."""
    device = x.device.type
    return torch.get_autocast_dtype(device) if torch.is_autocast_enabled(device) else None


def _cast(tensors: tuple[Tensor | None, ...], dtype: torch.dtype) -> list[Tensor | None]:
    return [None if t is None else t.to(dtype) for t in tensors]


# float16 and bfloat16 keep 11 and 8 significant bits. Rounding after every small op of a step
# (and the sigmoid form of tanh, whose 2 s - 1 cancels digits near 0) made our bfloat16 LSTM
# about twice as far from the float64 result as torch.nn's, whose kernels keep float32 inside.
# So we do the same: compute in float32, round the results once (differentiably).
_LOW_PRECISION = (torch.float16, torch.bfloat16)


def _in_float32(fn: Callable, args: tuple, **kw) -> tuple[Tensor, ...]:
    """``fn(*args, **kw)`` computed in float32 and rounded back to ``args[0]``'s dtype."""
    results = fn(*_cast(args, torch.float32), **kw)
    return tuple(r.to(args[0].dtype) for r in results)


class _RNNFunction(torch.autograd.Function):
    r""":math:`h_t = \phi(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh})` over a sequence."""

    @staticmethod
    def forward(ctx, x, h0, w_ih, w_hh, b_ih, b_hh, relu, reverse):
        T, B, _ = x.shape
        H = h0.size(1)
        xw = _projection(x, w_ih, _sum_bias(b_ih, b_hh))  # (T, B, H)
        if relu:
            w_hh_t = w_hh.t()
        else:  # tanh(p) = 2 sigmoid(2p) - 1: double the pre-activation through the weights
            xw.mul_(2)
            w_hh_t = (w_hh * 2).t()
        minus_one = x.new_full((), -1.0)
        pre = x.new_empty(B, H)
        out = x.new_empty(T, B, H)
        # unbind(0) makes the per-step views once, so the loop indexes Python lists.
        xw_t, out_t = xw.unbind(0), out.unbind(0)
        h = h0
        for t in _steps(T, reverse):
            torch.addmm(xw_t[t], h, w_hh_t, out=pre)
            if relu:
                h = torch.clamp_min(pre, 0, out=out_t[t])
            else:
                h = torch.add(minus_one, torch.sigmoid(pre, out=out_t[t]), alpha=2, out=out_t[t])
        ctx.save_for_backward(x, h0, w_ih, w_hh, b_ih, b_hh, out)
        ctx.relu, ctx.reverse, ctx.w_ih_index = relu, reverse, 2
        return out, h.clone()

    @staticmethod
    def backward(ctx, dout, dh_n):
        if torch.is_grad_enabled():  # create_graph=True: a backward autograd can differentiate
            kw = {"nonlinearity": "relu" if ctx.relu else "tanh"}
            return _recomputed_backward(ctx, rnn_step, 1, (dout, dh_n), kw)
        x, h0, w_ih, w_hh, _, _, out = ctx.saved_tensors
        # phi'(pre) written with phi's output: ReLU' = [h > 0], tanh' = 1 - h^2; all steps at once.
        deriv = (out > 0).to(out.dtype) if ctx.relu else 1 - out * out
        d_pre = torch.empty_like(out)
        dout_t, deriv_t, d_pre_t = dout.unbind(0), deriv.unbind(0), d_pre.unbind(0)
        dh = dh_n
        for t in reversed(_steps(x.size(0), ctx.reverse)):
            dh = dh + dout_t[t]  # from the output at t and from step t+1
            dp = torch.mul(dh, deriv_t[t], out=d_pre_t[t])
            dh = torch.mm(dp, w_hh)  # flows into h_{t-1}
        dx, dw_ih, dw_hh, db_ih, db_hh = _param_grads(
            ctx, d_pre, d_pre, x, _previous(h0, out, ctx.reverse), w_ih
        )
        return dx, dh, dw_ih, dw_hh, db_ih, db_hh, None, None


class _LSTMFunction(torch.autograd.Function):
    """The LSTM of :func:`lstmcourse.torch.cells.lstm_step` over a whole sequence."""

    @staticmethod
    def forward(ctx, x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse):
        T, B, _ = x.shape
        H = h0.size(1)
        # g = tanh(p_g) = 2 sigmoid(2 p_g) - 1: with the g rows doubled, ONE sigmoid per step
        # serves all four gates.
        bias = _sum_bias(b_ih, b_hh)
        bias = None if bias is None else _doubled(bias, 2 * H, 3 * H)
        acts = _projection(x, _doubled(w_ih, 2 * H, 3 * H), bias)  # (T, B, 4H), becomes the gates
        w_hh_t = _doubled(w_hh, 2 * H, 3 * H).t()
        cells2 = x.new_empty(T, B, H)  # 2 c_t of every step
        out = x.new_empty(T, B, H)  # h_t of every step
        one = x.new_ones(())
        tanh_c = x.new_empty(B, H)  # reused every step
        # Per-step views made once (unbind), so the loop only indexes Python lists. Every op in
        # the loop writes into these buffers: no allocation per step.
        acts_t, cells_t, out_t = acts.unbind(0), cells2.unbind(0), out.unbind(0)
        i_t, f_t, g_t, o_t = (acts[..., k * H : (k + 1) * H].unbind(0) for k in range(4))
        h, c2 = h0, c0 * 2
        for t in _steps(T, reverse):
            acts_t[t].addmm_(h, w_hh_t).sigmoid_()  # i, f, o, and sigmoid(2 p_g) in g's slot
            g = g_t[t].lerp_(one, -1.0)  # 1 - 2 (1 - s) = 2 s - 1 = tanh(p_g)
            # 2 c_t = f_t (2 c_{t-1}) + 2 i_t g_t  (2 c is carried: then one sigmoid gives tanh(c))
            c2 = torch.mul(f_t[t], c2, out=cells_t[t]).addcmul_(i_t[t], g, value=2)
            torch.sigmoid(c2, out=tanh_c).lerp_(one, -1.0)  # tanh(c_t) = 2 sigmoid(2 c_t) - 1
            h = torch.mul(o_t[t], tanh_c, out=out_t[t])  # h_t = o_t tanh(c_t)
        ctx.save_for_backward(x, h0, c0, w_ih, w_hh, b_ih, b_hh, acts, cells2, out)
        ctx.reverse, ctx.w_ih_index = reverse, 3
        return out, h.clone(), c2 * 0.5

    @staticmethod
    def backward(ctx, dout, dh_n, dc_n):
        if torch.is_grad_enabled():  # create_graph=True: a backward autograd can differentiate
            return _recomputed_backward(ctx, lstm_step, 2, (dout, dh_n, dc_n), {})
        x, h0, c0, w_ih, w_hh, _, _, acts, cells2, out = ctx.saved_tensors
        T, B, H = out.shape
        i, f, g, o = acts.view(T, B, 4, H).unbind(2)
        one = out.new_ones(())
        tanh_c = torch.sigmoid(cells2).lerp_(one, -1.0)  # tanh(c) = 2 sigmoid(2c) - 1
        c_prev = _previous(c0 * 2, cells2, ctx.reverse).mul_(0.5)
        # Everything the loop multiplies by, for all steps at once. With dh, dc the gradients
        # reaching h_t and c_t:
        #   dc  += dh * o (1 - tanh(c)^2)          (through h_t = o tanh(c_t))
        #   d pre_i = dc * g i (1 - i),  d pre_f = dc * c_prev f (1 - f),
        #   d pre_g = dc * i (1 - g^2),  d pre_o = dh * tanh(c) o (1 - o).
        # Written in place into one (T, B, 4, H) buffer (big temporaries cost page faults);
        # addcmul(a, a, a, value=-1) is a - a * a = a (1 - a).
        k = torch.addcmul(one, tanh_c, tanh_c, value=-1).mul_(o)
        m = torch.empty_like(acts).view(T, B, 4, H)
        torch.addcmul(i, i, i, value=-1, out=m[:, :, 0]).mul_(g)
        torch.addcmul(f, f, f, value=-1, out=m[:, :, 1]).mul_(c_prev)
        torch.addcmul(one, g, g, value=-1, out=m[:, :, 2]).mul_(i)
        torch.addcmul(o, o, o, value=-1, out=m[:, :, 3]).mul_(tanh_c)
        # The loop multiplies m by the incoming gradients in place: m becomes d pre.
        dout_t, k_t, f_t = dout.unbind(0), k.unbind(0), f.unbind(0)
        m_ifg, m_o = m[:, :, :3].unbind(0), m[:, :, 3].unbind(0)
        d_pre_t = m.view(T, B, 4 * H).unbind(0)
        order = list(reversed(_steps(T, ctx.reverse)))
        dh, dc = dh_n + dout_t[order[0]], dc_n.clone()  # buffers, updated in place below
        for n, t in enumerate(order):
            # dh, dc: the gradients reaching h_t (from out[t] and step t+1) and c_t.
            dc.addcmul_(dh, k_t[t])
            m_ifg[t].mul_(dc.unsqueeze(1))  # d pre_i, d pre_f, d pre_g
            m_o[t].mul_(dh)  # d pre_o
            if n + 1 < len(order):  # into h_{t-1}, plus what the output at t-1 sends
                torch.addmm(dout_t[order[n + 1]], d_pre_t[t], w_hh, out=dh)
            else:
                torch.mm(d_pre_t[t], w_hh, out=dh)
            dc.mul_(f_t[t])  # into c_{t-1} along the conveyor belt
        dx, dw_ih, dw_hh, db_ih, db_hh = _param_grads(
            ctx, m, m, x, _previous(h0, out, ctx.reverse), w_ih
        )
        return dx, dh, dc, dw_ih, dw_hh, db_ih, db_hh, None


class _GRUFunction(torch.autograd.Function):
    """The GRU of :func:`lstmcourse.torch.cells.gru_step` over a whole sequence."""

    @staticmethod
    def forward(ctx, x, h0, w_ih, w_hh, b_ih, b_hh, reverse):
        T, B, _ = x.shape
        H = h0.size(1)
        xw = _projection(x, w_ih, b_ih)  # (T, B, 3H): W_i x + b_i for r, z, n
        w_hh_t = w_hh.t()
        hw_all = x.new_empty(T, B, 3 * H)  # W_h h + b_h of every step
        acts = x.new_empty(T, B, 3 * H)  # r, z, n of every step
        out = x.new_empty(T, B, H)
        # Per-step views made once (unbind), so the loop only indexes Python lists.
        hw_t, out_t = hw_all.unbind(0), out.unbind(0)
        x_rz, x_n = xw[..., : 2 * H].unbind(0), xw[..., 2 * H :].unbind(0)
        h_rz, h_n = hw_all[..., : 2 * H].unbind(0), hw_all[..., 2 * H :].unbind(0)
        rz_t, n_t = acts[..., : 2 * H].unbind(0), acts[..., 2 * H :].unbind(0)
        r_t, z_t = acts[..., :H].unbind(0), acts[..., H : 2 * H].unbind(0)
        h = h0
        for t in _steps(T, reverse):
            if b_hh is None:
                torch.mm(h, w_hh_t, out=hw_t[t])
            else:
                torch.addmm(b_hh, h, w_hh_t, out=hw_t[t])  # (B, 3H): the one matmul per step
            torch.sigmoid(x_rz[t] + h_rz[t], out=rz_t[t])  # r and z together
            n = torch.tanh(torch.addcmul(x_n[t], r_t[t], h_n[t]), out=n_t[t])  # n = tanh(p_n)
            h = torch.lerp(n, h, z_t[t], out=out_t[t])  # n + z (h - n) = (1 - z) n + z h
        ctx.save_for_backward(x, h0, w_ih, w_hh, b_ih, b_hh, hw_all, acts, out)
        ctx.reverse, ctx.w_ih_index = reverse, 2
        return out, h.clone()

    @staticmethod
    def backward(ctx, dout, dh_n):
        if torch.is_grad_enabled():  # create_graph=True: a backward autograd can differentiate
            return _recomputed_backward(ctx, gru_step, 1, (dout, dh_n), {})
        x, h0, w_ih, w_hh, _, _, hw_all, acts, out = ctx.saved_tensors
        T, B, H = out.shape
        r, z, n = acts.view(T, B, 3, H).unbind(2)
        h_prev = _previous(h0, out, ctx.reverse)
        one = out.new_ones(())
        # With dh the gradient reaching h_t, every pre-activation gradient is dh times a factor
        # known before the loop. The four factors share one (T, B, 4, H) buffer, computed in
        # place (big temporaries cost page faults); a.addcmul_(a, z, value=-1) is a (1 - z).
        fac = out.new_empty(T, B, 4, H)
        a_r, a_z, a_hn, a_n = fac.unbind(2)
        # d pre_n = dh (1 - z)(1 - n^2)              (pre_n = xn + r hn)
        torch.addcmul(one, n, n, value=-1, out=a_n).addcmul_(a_n, z, value=-1)
        # d pre_z = dh (h_prev - n) z (1 - z)
        torch.sub(h_prev, n, out=a_z).mul_(z).addcmul_(a_z, z, value=-1)
        # d pre_r = d pre_n hn r (1 - r)
        torch.mul(hw_all[..., 2 * H :], r, out=a_r)
        a_r.addcmul_(a_r, r, value=-1).mul_(a_n)
        # d hn = d pre_n r                            (hn = W_hn h + b_hn)
        torch.mul(r, a_n, out=a_hn)
        # Slots r, z, hn are adjacent: per step they form the (B, 3H) gradient reaching
        # W_hh h + b_hh. The loop multiplies them by dh in place.
        f_h = fac[:, :, :3].unbind(0)
        f_h_flat = fac.view(T, B, 4 * H)[:, :, : 3 * H].unbind(0)
        dh_all = torch.empty_like(out)
        dout_t, dh_t, z_t = dout.unbind(0), dh_all.unbind(0), z.unbind(0)
        dh = dh_n
        dh_prev = torch.empty_like(dh_n)
        for t in reversed(_steps(T, ctx.reverse)):
            dh = torch.add(dout_t[t], dh, out=dh_t[t])  # from the output at t and step t+1
            f_h[t].mul_(dh.unsqueeze(1))  # d pre_r, d pre_z, d hn
            # into h_{t-1}: the direct path z h_{t-1} plus the matmul
            dh = torch.mul(dh, z_t[t], out=dh_prev).addmm_(f_h_flat[t], w_hh)
        d_pre_h = fac.view(T, B, 4 * H)[:, :, : 3 * H].contiguous()
        # The input side sees d pre_r, d pre_z and d pre_n: put d pre_n in the hn slot.
        a_hn.copy_(a_n.mul_(dh_all))
        d_pre_x = fac.view(T, B, 4 * H)[:, :, : 3 * H]
        dx, dw_ih, dw_hh, db_ih, db_hh = _param_grads(ctx, d_pre_x, d_pre_h, x, h_prev, w_ih)
        return dx, dh, dw_ih, dw_hh, db_ih, db_hh, None


# The three entry points. Each picks the path that fits the caller's context:
# - autocast on: as torch.nn does, the RNN and the LSTM run in autocast's lower precision (their
#   inputs and weights cast, differentiably), the GRU in the dtype it was given (torch lists no
#   autocast rule for it); the path itself then runs with autocast off;
# - inside a torch.func transform: the step loop of .cells (see _under_functorch);
# - the LSTM and the GRU on the CPU: the compiled loops of .native (training and inference);
# - no gradient wanted: the inference loop (the LSTM's lives in .inference; the RNN's and GRU's
#   training forwards were already within 1.35x of torch.nn, so they serve both);
# - otherwise the autograd Functions above.
# torch.compiler.disable keeps torch.compile from tracing (and unrolling) the time loop: a
# compiled model calls these eagerly, which costs a graph break per layer and direction instead
# of minutes of compilation and a slower, unrolled graph.


@torch.compiler.disable
def rnn_sequence(
    x: Tensor,
    h0: Tensor,
    weight_ih: Tensor,
    weight_hh: Tensor,
    bias_ih: Tensor | None,
    bias_hh: Tensor | None,
    nonlinearity: str = "tanh",
    reverse: bool = False,
) -> tuple[Tensor, Tensor]:
    """One direction of one Elman RNN layer: x (T, B, D), h0 (B, H) -> (out (T, B, H), h_n)."""
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
    args = (x, h0, weight_ih, weight_hh, bias_ih, bias_hh)
    dtype = _autocast_dtype(x)
    if dtype is not None:
        with torch.autocast(x.device.type, enabled=False):
            return rnn_sequence(*_cast(args, dtype), nonlinearity=nonlinearity, reverse=reverse)
    if x.dtype in _LOW_PRECISION:
        return _in_float32(rnn_sequence, args, nonlinearity=nonlinearity, reverse=reverse)
    if _under_functorch(args):
        out, (h,) = _step_loop(
            rnn_step, x, [h0], list(args[2:]), reverse, {"nonlinearity": nonlinearity}
        )
        return out, h
    return _RNNFunction.apply(*args, nonlinearity == "relu", reverse)


@torch.compiler.disable
def lstm_sequence(
    x: Tensor,
    h0: Tensor,
    c0: Tensor,
    weight_ih: Tensor,
    weight_hh: Tensor,
    bias_ih: Tensor | None,
    bias_hh: Tensor | None,
    reverse: bool = False,
) -> tuple[Tensor, Tensor, Tensor]:
    """One direction of one LSTM layer: x (T, B, D), h0, c0 (B, H) -> (out, h_n, c_n)."""
    args = (x, h0, c0, weight_ih, weight_hh, bias_ih, bias_hh)
    dtype = _autocast_dtype(x)
    if dtype is not None:
        with torch.autocast(x.device.type, enabled=False):
            return lstm_sequence(*_cast(args, dtype), reverse=reverse)
    if x.dtype in _LOW_PRECISION:
        return _in_float32(lstm_sequence, args, reverse=reverse)
    if _under_functorch(args):
        out, (h, c) = _step_loop(lstm_step, x, [h0, c0], list(args[3:]), reverse, {})
        return out, h, c
    if native.usable(*args):  # CPU: the same loop compiled from C++
        return native.lstm_native(*args, reverse=reverse, need_graph=_needs_graph(args))
    if not _needs_graph(args):
        return lstm_inference(*args, reverse=reverse)
    return _LSTMFunction.apply(*args, reverse)


@torch.compiler.disable
def gru_sequence(
    x: Tensor,
    h0: Tensor,
    weight_ih: Tensor,
    weight_hh: Tensor,
    bias_ih: Tensor | None,
    bias_hh: Tensor | None,
    reverse: bool = False,
) -> tuple[Tensor, Tensor]:
    """One direction of one GRU layer: x (T, B, D), h0 (B, H) -> (out (T, B, H), h_n)."""
    args = (x, h0, weight_ih, weight_hh, bias_ih, bias_hh)
    if torch.is_autocast_enabled(x.device.type):
        with torch.autocast(x.device.type, enabled=False):
            return gru_sequence(*args, reverse=reverse)
    if x.dtype in _LOW_PRECISION:
        return _in_float32(gru_sequence, args, reverse=reverse)
    if _under_functorch(args):
        out, (h,) = _step_loop(gru_step, x, [h0], list(args[2:]), reverse, {})
        return out, h
    if native.usable(*args):  # CPU: the same loop compiled from C++
        return native.gru_native(*args, reverse=reverse, need_graph=_needs_graph(args))
    return _GRUFunction.apply(*args, reverse)
