"""lstmcourse.torch agrees with the NumPy reference on the same weights, both directions of
the weight conversion work, and the torch gradients equal the reference's hand-written BPTT."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import lstmcourse.numpy as lnp
import lstmcourse.torch as lt

T, B, D, H = 6, 3, 4, 5
LAYER = {
    "rnn": (lt.RNN, lnp.rnn, lnp.rnn_backward),
    "lstm": (lt.LSTM, lnp.lstm, lnp.lstm_backward),
    "gru": (lt.GRU, lnp.gru, lnp.gru_backward),
}


@pytest.mark.parametrize("impl", ["fused", "readable"])
@pytest.mark.parametrize("cell", list(LAYER))
def test_layer_agrees_with_numpy_forward_and_backward(cell: str, impl: str) -> None:
    cls, forward, backward = LAYER[cell]
    params = lnp.init_params(cell, D, H, rng=3)
    module = lt.load_numpy_params(cls(D, H, dtype=torch.float64, impl=impl), params)
    rng = np.random.default_rng(4)
    x, h0, c0 = (
        rng.standard_normal((T, B, D)),
        rng.standard_normal((B, H)),
        rng.standard_normal((B, H)),
    )
    dout, dh_n, dc_n = (
        rng.standard_normal((T, B, H)),
        rng.standard_normal((B, H)),
        rng.standard_normal((B, H)),
    )

    xt = torch.tensor(x, requires_grad=True)
    h0t, c0t = (
        torch.tensor(h0[None], requires_grad=True),
        torch.tensor(c0[None], requires_grad=True),
    )
    if cell == "lstm":
        out, (h_n, c_n), cache = forward(x, params, h0, c0)
        out_t, (h_t, c_t) = module(xt, (h0t, c0t))
        np.testing.assert_allclose(c_t[0].detach().numpy(), c_n, rtol=0, atol=1e-10)
        loss = (
            (out_t * torch.tensor(dout)).sum()
            + (h_t[0] * torch.tensor(dh_n)).sum()
            + (c_t[0] * torch.tensor(dc_n)).sum()
        )
        dx, dh0, dc0, grads = backward(dout, cache, dh_n, dc_n)
    else:
        out, h_n, cache = forward(x, params, h0)
        out_t, h_t = module(xt, h0t)
        loss = (out_t * torch.tensor(dout)).sum() + (h_t[0] * torch.tensor(dh_n)).sum()
        dx, dh0, grads = backward(dout, cache, dh_n)
    np.testing.assert_allclose(out_t.detach().numpy(), out, rtol=0, atol=1e-10)
    np.testing.assert_allclose(h_t[0].detach().numpy(), h_n, rtol=0, atol=1e-10)

    loss.backward()
    np.testing.assert_allclose(xt.grad.numpy(), dx, rtol=0, atol=1e-10)
    np.testing.assert_allclose(h0t.grad[0].numpy(), dh0, rtol=0, atol=1e-10)
    if cell == "lstm":
        np.testing.assert_allclose(c0t.grad[0].numpy(), dc0, rtol=0, atol=1e-10)
    for key, value in grads.items():
        got = getattr(module, key + "_l0").grad.numpy()
        np.testing.assert_allclose(got, value, rtol=0, atol=1e-10, err_msg=key)


def test_bidirectional_lstm_agrees_with_numpy() -> None:
    module = lt.LSTM(D, H, bidirectional=True, dtype=torch.float64)
    p_fwd = lt.to_numpy_params(module, 0)
    p_bwd = lt.to_numpy_params(module, 0, reverse=True)
    x = np.random.default_rng(0).standard_normal((T, B, D))
    out, (h_n, c_n), _ = lnp.bidirectional(lnp.lstm, x, p_fwd, p_bwd)
    out_t, (h_t, c_t) = module(torch.tensor(x))
    np.testing.assert_allclose(out_t.detach().numpy(), out, rtol=0, atol=1e-10)
    np.testing.assert_allclose(h_t.detach().numpy(), h_n, rtol=0, atol=1e-10)
    np.testing.assert_allclose(c_t.detach().numpy(), c_n, rtol=0, atol=1e-10)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_cell_step_agrees_with_numpy(cell: str) -> None:
    params = lnp.init_params(cell, D, H, rng=1)
    cls = {"rnn": lt.RNNCell, "lstm": lt.LSTMCell, "gru": lt.GRUCell}[cell]
    module = lt.load_numpy_params(cls(D, H, dtype=torch.float64), params)
    rng = np.random.default_rng(2)
    x, h, c = rng.standard_normal((B, D)), rng.standard_normal((B, H)), rng.standard_normal((B, H))
    if cell == "lstm":
        h_ref, c_ref, _ = lnp.lstm_cell(x, h, c, params)
        h_t, c_t = module(torch.tensor(x), (torch.tensor(h), torch.tensor(c)))
        np.testing.assert_allclose(c_t.detach().numpy(), c_ref, rtol=0, atol=1e-12)
    else:
        h_ref, _ = (lnp.rnn_cell if cell == "rnn" else lnp.gru_cell)(x, h, params)
        h_t = module(torch.tensor(x), torch.tensor(h))
    np.testing.assert_allclose(h_t.detach().numpy(), h_ref, rtol=0, atol=1e-12)


def test_weights_round_trip_between_numpy_and_torch() -> None:
    module = lt.GRU(D, H, num_layers=2, bidirectional=True)  # float32
    p = lt.to_numpy_params(module, layer=1, reverse=True)
    assert p["weight_ih"].dtype == np.float64 and p["weight_ih"].shape == (3 * H, 2 * H)
    np.testing.assert_array_equal(p["bias_hh"], module.bias_hh_l1_reverse.detach().numpy())
    p = {k: v + 1.0 for k, v in p.items()}
    lt.load_numpy_params(module, p, layer=1, reverse=True)
    np.testing.assert_allclose(
        module.weight_hh_l1_reverse.detach().numpy(), p["weight_hh"], atol=1e-6
    )
    assert module.weight_hh_l1_reverse.dtype == torch.float32
    # torch.nn modules work too, since the names are the same.
    ref = torch.nn.GRU(D, H, num_layers=2, bidirectional=True)
    lt.load_numpy_params(ref, p, layer=1, reverse=True)
    torch.testing.assert_close(ref.weight_hh_l1_reverse, module.weight_hh_l1_reverse)


def test_bias_free_module_gives_zero_biases_and_refuses_nonzero_ones() -> None:
    module = lt.LSTMCell(D, H, bias=False)
    p = lt.to_numpy_params(module)
    assert not p["bias_ih"].any() and p["bias_ih"].shape == (4 * H,)
    p["bias_hh"][0] = 1.0
    with pytest.raises(ValueError, match="bias=False"):
        lt.load_numpy_params(module, p)


def test_conversion_errors_name_the_problem() -> None:
    module = lt.LSTM(D, H)
    with pytest.raises(ValueError, match=r"params\['weight_ih'\] has shape \(3, 3\)"):
        lt.load_numpy_params(module, {**lt.to_numpy_params(module), "weight_ih": np.zeros((3, 3))})
    with pytest.raises(KeyError, match="bias_hh"):
        lt.load_numpy_params(
            module, {k: v for k, v in lt.to_numpy_params(module).items() if k != "bias_hh"}
        )
    with pytest.raises(ValueError, match="layer must be in 0..0"):
        lt.to_numpy_params(module, layer=1)
    with pytest.raises(ValueError, match="bidirectional"):
        lt.to_numpy_params(module, reverse=True)


def test_params_from_torch_reads_our_modules_like_torch_nn() -> None:
    """lstmcourse.numpy.params_from_torch accepts lstmcourse.torch modules (same names)."""
    torch.manual_seed(0)
    ref = torch.nn.GRU(3, 5, num_layers=2, bidirectional=True)
    ours = lt.GRU(3, 5, num_layers=2, bidirectional=True)
    ours.load_state_dict(ref.state_dict())
    for layer in (0, 1):
        for reverse in (False, True):
            a = lnp.params_from_torch(ours, layer=layer, reverse=reverse)
            b = lnp.params_from_torch(ref, layer=layer, reverse=reverse)
            assert a.keys() == b.keys()
            for k in a:
                np.testing.assert_array_equal(a[k], b[k])
    cell = lt.LSTMCell(3, 4)
    assert lnp.params_from_torch(cell)["weight_hh"].shape == (16, 4)
