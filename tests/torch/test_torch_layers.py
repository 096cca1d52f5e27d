"""lstmcourse.torch.RNN/LSTM/GRU against torch.nn: outputs and every gradient, both impls."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch_helpers import LAYERS, assert_matches_peer, make_pair

import lstmcourse.torch as lt

T, B, D, H = 5, 3, 4, 6

# (num_layers, bidirectional, batch_first, batched, states given, bias)
CONFIGS = [
    (1, False, False, True, False, True),
    (1, False, False, True, True, True),
    (1, True, False, True, True, True),
    (2, True, False, True, True, True),
    (3, False, True, True, True, True),
    (3, True, True, True, False, True),
    (2, True, False, False, True, True),
    (1, False, True, False, False, True),
    (2, False, False, True, True, False),
]


def _ids(c: tuple) -> str:
    L, bi, bf, batched, given, bias = c
    return (
        f"L{L}"
        + ("-bi" if bi else "")
        + ("-bf" if bf else "")
        + ("" if batched else "-unbatched")
        + ("-h0" if given else "-zeros")
        + ("" if bias else "-nobias")
    )


def _inputs(mode: str, config: tuple, dtype: torch.dtype) -> list:
    L, bi, bf, batched, given, _ = config
    gen = torch.Generator().manual_seed(7)
    shape = ((B, T, D) if bf else (T, B, D)) if batched else (T, D)
    x = torch.randn(shape, generator=gen, dtype=dtype)
    if not given:
        return [x]
    s_shape = (L * (2 if bi else 1), B, H) if batched else (L * (2 if bi else 1), H)
    h0 = torch.randn(s_shape, generator=gen, dtype=dtype)
    if mode == "lstm":
        return [x, (h0, torch.randn(s_shape, generator=gen, dtype=dtype))]
    return [x, h0]


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("impl", ["fused", "readable"])
@pytest.mark.parametrize("config", CONFIGS, ids=_ids)
@pytest.mark.parametrize("mode", list(LAYERS))
def test_layer_matches_torch(mode: str, config: tuple, impl: str, dtype: torch.dtype) -> None:
    L, bi, bf, _, _, bias = config
    ours, ref = _pair(mode, L, bi, bf, bias, dtype, impl)
    assert_matches_peer(ours, ref, _inputs(mode, config, dtype), dtype)


def _pair(mode, L, bi, bf, bias, dtype, impl):
    ours, ref = make_pair(
        LAYERS, mode, D, H, num_layers=L, bidirectional=bi, batch_first=bf, bias=bias, dtype=dtype
    )
    ours.impl = impl
    return ours, ref


@pytest.mark.parametrize("mode", ["lstm", "gru"])
def test_dropout_between_layers_matches_torch(mode: str) -> None:
    """In training mode, dropout hits every layer's output but the last, drawing the same
    random numbers as torch.nn; in eval mode it is off."""
    ours, ref = make_pair(
        LAYERS, mode, D, H, num_layers=3, dropout=0.5, bidirectional=True, dtype=torch.float64
    )
    x = torch.randn(T, B, D, dtype=torch.float64)
    torch.manual_seed(5)
    out_o, _ = ours(x)
    torch.manual_seed(5)
    out_r, _ = ref(x)
    torch.testing.assert_close(out_o, out_r, rtol=0, atol=1e-10)
    ours.eval()
    no_drop = ours(x)[0]
    torch.manual_seed(5)
    assert not torch.allclose(ours.train()(x)[0], no_drop), "training mode should drop units"
    torch.testing.assert_close(ours.eval()(x)[0], ref.eval()(x)[0], rtol=0, atol=1e-10)


def test_dropout_with_one_layer_warns_like_torch() -> None:
    with pytest.warns(UserWarning, match="num_layers"):
        LAYERS["lstm"][0](D, H, dropout=0.3)


@pytest.mark.parametrize("mode", list(LAYERS))
def test_default_states_follow_input_dtype(mode: str) -> None:
    ours, _ = make_pair(LAYERS, mode, D, H, num_layers=2, dtype=torch.float64)
    out, h = ours(torch.randn(T, B, D, dtype=torch.float64))
    states = h if isinstance(h, tuple) else (h,)
    assert out.dtype == torch.float64 and out.shape == (T, B, H)
    for s in states:
        assert s.dtype == torch.float64 and s.shape == (2, B, H)


@pytest.mark.parametrize("mode", list(LAYERS))
def test_empty_batch_gives_torch_shapes(mode: str) -> None:
    ours, ref = make_pair(LAYERS, mode, D, H, num_layers=2, bidirectional=True)
    x = torch.randn(T, 0, D, requires_grad=True)
    out_o, out_r = ours(x)[0], ref(x)[0]
    assert out_o.shape == out_r.shape == (T, 0, 2 * H)
    out_o.sum().backward()
    assert x.grad.shape == x.shape


# Constructor keywords to try on every class; each is checked for the repr and the surface.
REPR_CONFIGS = [
    {},
    {"num_layers": 2},
    {"bias": False},
    {"batch_first": True},
    {"num_layers": 3, "dropout": 0.25},
    {"bidirectional": True},
    {"bidirectional": 1},
    {"num_layers": 2, "bias": False, "batch_first": True, "dropout": 0.5, "bidirectional": True},
]
REPR_CLASSES = [
    ("RNN", {}),
    ("RNN", {"nonlinearity": "relu"}),
    ("LSTM", {}),
    ("LSTM", {"proj_size": 2}),
    ("GRU", {}),
]


@pytest.mark.parametrize("config", REPR_CONFIGS, ids=str)
@pytest.mark.parametrize(("name", "extra"), REPR_CLASSES, ids=str)
def test_repr_equals_torch(name: str, extra: dict, config: dict) -> None:
    assert repr(getattr(lt, name)(D, H, **extra, **config)) == repr(
        getattr(nn, name)(D, H, **extra, **config)
    )


@pytest.mark.parametrize("kw", [{}, {"bias": False}, {"nonlinearity": "relu"},
                                {"bias": False, "nonlinearity": "relu"}], ids=str)
@pytest.mark.parametrize("name", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cell_repr_equals_torch(name: str, kw: dict) -> None:
    if "nonlinearity" in kw and name != "RNNCell":
        kw = {k: v for k, v in kw.items() if k != "nonlinearity"}
    assert repr(getattr(lt, name)(D, H, **kw)) == repr(getattr(nn, name)(D, H, **kw))


# torch.nn.LSTM's own surface that a teaching mirror leaves out on purpose (its docstring says so).
NOT_MIRRORED = {"check_input", "check_forward_args", "check_hidden_size"}


@pytest.mark.parametrize(("name", "extra"), REPR_CLASSES, ids=str)
def test_surface_checklist(name: str, extra: dict) -> None:
    """A checklist of torch.nn's layer surface, each item compared with torch.nn itself:
    positional constructor order, attributes, weight lists, parameter order, unbatched input,
    batch_first, dropout in train and eval mode, flatten_parameters, reset_parameters,
    .double(), functional_call with swapped weights, and the public methods."""
    L, bias, bf, dropout, bi = 2, False, True, 0.5, True
    proj = extra.get("proj_size", 0)
    # Positional arguments in torch.nn's order (the RNN takes nonlinearity fourth).
    args = [D, H, L] + ([extra.get("nonlinearity", "tanh")] if name == "RNN" else [])
    args += [bias, bf, dropout, bi] + ([proj] if name == "LSTM" else [])
    torch.manual_seed(0)
    ours = getattr(lt, name)(*args)
    torch.manual_seed(0)
    ref = getattr(nn, name)(*args)
    # Attributes and the weight bookkeeping.
    attrs = ["mode", "input_size", "hidden_size", "num_layers", "bias", "batch_first",
             "dropout", "bidirectional", "proj_size", "training", "_flat_weights_names",
             "_all_weights"] + (["nonlinearity"] if name == "RNN" else [])
    for attr in attrs:
        assert getattr(ours, attr) == getattr(ref, attr), attr
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in ref.named_parameters()]
    for mine, theirs in zip(ours.all_weights, ref.all_weights, strict=True):
        assert all(torch.equal(a, b) for a, b in zip(mine, theirs, strict=True))
    assert all(torch.equal(a, b) for a, b in zip(ours._flat_weights, ref._flat_weights,
                                                 strict=True))
    # Public methods: all of torch.nn's, but for the validation helpers listed above.
    public = {n for n in dir(ref) if not n.startswith("_")}
    assert public - NOT_MIRRORED <= {n for n in dir(ours) if not n.startswith("_")}
    # Behaviour, in float64.
    ours.double(), ref.double()
    x = torch.randn(3, 5, D, dtype=torch.float64)  # (B, T, D): batch_first
    close = lambda a, b: torch.testing.assert_close(a, b, rtol=0, atol=1e-10)  # noqa: E731
    ours.eval(), ref.eval()  # dropout off
    for mine, theirs in zip(_flat(ours(x)), _flat(ref(x)), strict=True):
        close(mine, theirs)
    for mine, theirs in zip(_flat(ours(x[0])), _flat(ref(x[0])), strict=True):  # unbatched
        close(mine, theirs)
    ours.train(), ref.train()
    torch.manual_seed(1)
    out_o = ours(x)[0]
    torch.manual_seed(1)
    close(out_o, ref(x)[0])  # the same dropout draws
    assert ours.flatten_parameters() is None and ref.flatten_parameters() is None
    torch.manual_seed(2)
    ours.reset_parameters()
    torch.manual_seed(2)
    ref.reset_parameters()
    for (n, a), (_, b) in zip(ours.named_parameters(), ref.named_parameters(), strict=True):
        assert torch.equal(a, b), n
    # functional_call swaps the weights for one call (torch.func's way to use new weights).
    new = {n: torch.randn_like(p) for n, p in ref.named_parameters()}
    ours.eval(), ref.eval()
    got = torch.func.functional_call(ours, new, (x,))
    want = torch.func.functional_call(ref, new, (x,))
    for mine, theirs in zip(_flat(got), _flat(want), strict=True):
        close(mine, theirs)
    assert ours.get_expected_hidden_size(x, None) == ref.get_expected_hidden_size(x, None)
    if name == "LSTM":
        assert ours.get_expected_cell_size(x, None) == ref.get_expected_cell_size(x, None)
    perm = torch.tensor([2, 0, 1])
    state = torch.randn(2 * L, 3, H, dtype=torch.float64)
    close(ours.permute_hidden(state if name != "LSTM" else (state, state), perm)[0],
          ref.permute_hidden(state if name != "LSTM" else (state, state), perm)[0])


def _flat(result) -> list[torch.Tensor]:
    if isinstance(result, torch.Tensor):
        return [result]
    return [t for item in result for t in _flat(item)]
