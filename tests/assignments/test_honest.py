"""Honest work gets full marks, however it is written, through the real nbgrader CLI.

Each submission below is correct but written the way real students write: with magics and ``?``
cells, helper classes that use ``self.__dict__``, harmless imports inside functions, float32,
einsum, a cache structure of its own, states passed positionally, a state pair returned as a
list. Every one must score exactly the source notebook's points.
"""

from __future__ import annotations

import pytest
from nbgrader_course import auto_points, with_body, with_cell

pytestmark = pytest.mark.slow

MAGICS = """
%timeit np.zeros(3)
np.zeros?
get_ipython().run_line_magic("time", "np.ones(2)")"""

# assignment -> {student: [(cell to change, new body) or ("after:" + cell, new cell source)]}
HONEST = {
    "a2_lstm_cell": {
        "magics": [("after:sigmoid", MAGICS), ("after:lstm_cell", "%%time\nlstm_cell?")],
        "float32": [("lstm_cell", """
H = h_prev.shape[1]
x, h_prev, c_prev = (np.asarray(a, np.float32) for a in (x, h_prev, c_prev))
p = {k: v.astype(np.float32) for k, v in params.items()}
z = x @ p["weight_ih"].T + p["bias_ih"] + h_prev @ p["weight_hh"].T + p["bias_hh"]
i, f = sigmoid(z[:, :H]).astype(np.float32), sigmoid(z[:, H:2 * H]).astype(np.float32)
g, o = np.tanh(z[:, 2 * H:3 * H]), sigmoid(z[:, 3 * H:]).astype(np.float32)
c = f * c_prev + i * g
h = o * np.tanh(c)
return h, c, {"x": x, "h_prev": h_prev, "c_prev": c_prev, "c": c, "params": p,
              "i": i, "f": f, "g": g, "o": o}""")],
        # Its own cache class (self.__dict__) and an import inside a function.
        "own_cache_class": [("after:sigmoid", """
class Cache:
    def __init__(self, **kw):
        self.__dict__.update(kw)"""), ("lstm_cell", """
from types import SimpleNamespace
H = h_prev.shape[1]
z = x @ params["weight_ih"].T + params["bias_ih"] + h_prev @ params["weight_hh"].T
z = z + params["bias_hh"]
i, f, g, o = (z[:, k * H:(k + 1) * H] for k in range(4))
i, f, g, o = sigmoid(i), sigmoid(f), np.tanh(g), sigmoid(o)
c = f * c_prev + i * g
gates = SimpleNamespace(i=i, f=f, g=g, o=o)
return o * np.tanh(c), c, Cache(x=x, h_prev=h_prev, c_prev=c_prev, c=c, p=params, gates=gates)
"""), ("lstm_cell_backward", """
s = cache.gates
tc = np.tanh(cache.c)
dc = dc + dh * s.o * (1.0 - tc ** 2)
dz = np.hstack([dc * s.g * s.i * (1 - s.i), dc * cache.c_prev * s.f * (1 - s.f),
                dc * s.i * (1 - s.g ** 2), dh * tc * s.o * (1 - s.o)])
grads = {"weight_ih": np.einsum("bg,bd->gd", dz, cache.x),
         "weight_hh": np.einsum("bg,bh->gh", dz, cache.h_prev),
         "bias_ih": dz.sum(0), "bias_hh": dz.sum(0)}
return dz @ cache.p["weight_ih"], dz @ cache.p["weight_hh"], dc * s.f, grads""")],
    },
    "a3_lstm_sequence": {
        # Returns the state pair as a list, keeps the caches in a dict, loops with while.
        "list_pair_dict_cache": [("lstm", """
T, B, _ = x.shape
H = params["weight_hh"].shape[1]
h, c = (np.zeros((B, H)) if s is None else s for s in (h0, c0))
out, caches, t = np.empty((T, B, H)), {}, 0
while t < T:
    h, c, caches[t] = lstm_cell(x[t], h, c, params)
    out[t] = h
    t += 1
return out, [h, c], {"steps": caches, "T": T}"""), ("lstm_backward", """
T, B, H = dout.shape
steps = cache["steps"] if isinstance(cache, dict) else dict(enumerate(cache))
dh = np.zeros((B, H)) if dh_n is None else dh_n.copy()
dc = np.zeros((B, H)) if dc_n is None else dc_n.copy()
dx, total = [], None
for t in range(T - 1, -1, -1):
    dxt, dh, dc, g = lstm_cell_backward(dh + dout[t], dc, steps[t])
    dx.insert(0, dxt)
    total = g if total is None else {k: total[k] + g[k] for k in total}
return np.array(dx), dh, dc, total""")],
        "magics": [("after:lstm", MAGICS)],
    },
    "a4_gru_bidirectional": {
        # Passes the initial states to the layer positionally; einsum in the cell.
        "positional_einsum": [("bidirectional", """
states_f = [v[0] for v in kw.values()]
states_b = [v[1] for v in kw.values()]
out_f, state_f, cache_f = layer(x, params_fwd, *states_f)
out_b, state_b, cache_b = layer(x[::-1], params_bwd, *states_b)
out = np.concatenate([out_f, out_b[::-1]], axis=2)
if isinstance(state_f, tuple):
    return out, [np.stack(pair) for pair in zip(state_f, state_b)], None
return out, np.stack([state_f, state_b]), None"""), ("gru_cell", """
H = h_prev.shape[1]
gi = np.einsum("bd,gd->bg", x, params["weight_ih"]) + params["bias_ih"]
gh = np.einsum("bh,gh->bg", h_prev, params["weight_hh"]) + params["bias_hh"]
r, z = np.split(1 / (1 + np.exp(-(gi[:, :2 * H] + gh[:, :2 * H]))), 2, axis=1)
n = np.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
return (1 - z) * n + z * h_prev, None""")],
        "magics": [("after:gru_cell", MAGICS)],
    },
}


def submission(src, edits):
    nb = src
    for target, text in edits:
        if target.startswith("after:"):
            nb = with_cell(nb, target[len("after:"):], text.strip("\n"))
        else:
            nb = with_body(nb, target, text)
    return nb


@pytest.fixture(scope="module")
def graded(course):
    result = {}
    for a, students in HONEST.items():
        src = course.source(a)
        result[a] = course.grade(a, {s: submission(src, e) for s, e in students.items()})
    return result


@pytest.mark.parametrize("a,student", [(a, s) for a in HONEST for s in HONEST[a]])
def test_honest_variant_scores_full_marks(graded, course, a, student):
    assert graded[a][student] == auto_points(course.source(a)), \
        {g: course.outputs(a, student, g)[:300] for g, v in graded[a][student].items() if not v}
