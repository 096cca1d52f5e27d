"""Assignments 2–5 through the real nbgrader CLI, one autograde call per assignment.

For each: the release holds no solution or hidden-test text; the source notebook scores full
marks and the released one zero; typical wrong implementations lose exactly the points of the
function that is wrong (a wrong forward pass does not cost its backward pass, which is graded on
the documented cache too) and the feedback names the mistake; a submission that calls the
reference (or torch's own LSTM cell) loses the points of that function, and of the shared
"inputs unchanged" point; feedback is generated and shows no hidden test.
"""

from __future__ import annotations

import pytest
from nbgrader_course import auto_points, with_body

pytestmark = pytest.mark.slow

# assignment -> {student: (cell to change, region index, new body)}
WRONG = {
    "a2_lstm_cell": {
        "gate_order": ("lstm_cell", 0, """
H = h_prev.shape[1]
z = x @ params["weight_ih"].T + params["bias_ih"] + h_prev @ params["weight_hh"].T
z = z + params["bias_hh"]
i, f = sigmoid(z[:, :H]), sigmoid(z[:, H:2 * H])
o, g = sigmoid(z[:, 2 * H:3 * H]), np.tanh(z[:, 3 * H:])
c = f * c_prev + i * g
return o * np.tanh(c), c, {}"""),
        "no_forget_gate": ("lstm_cell", 0, """
H = h_prev.shape[1]
z = x @ params["weight_ih"].T + params["bias_ih"] + h_prev @ params["weight_hh"].T
z = z + params["bias_hh"]
i, g, o = sigmoid(z[:, :H]), np.tanh(z[:, 2 * H:3 * H]), sigmoid(z[:, 3 * H:])
c = c_prev + i * g
return o * np.tanh(c), c, {}"""),
        # exp(x) / (1 + exp(x)) is inf / inf = nan at x = 1000: wrong values, not just a warning.
        "nan_sigmoid": ("sigmoid", 0, """
x = np.asarray(x, float)
return np.exp(x) / (1 + np.exp(x))"""),
        "cheat": ("lstm_cell_backward", 0, """
from lstmcourse.numpy import lstm_cell_backward as ref
return ref(dh, dc, cache)"""),
    },
    "a3_lstm_sequence": {
        "no_carry_c": ("lstm", 0, """
T, B, _ = x.shape
H = params["weight_hh"].shape[1]
h = np.zeros((B, H)) if h0 is None else h0
c0 = np.zeros((B, H)) if c0 is None else c0
out, caches = [], []
for t in range(T):
    h, c, cache = lstm_cell(x[t], h, c0, params)
    out.append(h)
    caches.append(cache)
return np.stack(out), (h, c), caches"""),
        "truncated_bptt": ("lstm_backward", 0, """
T, B, H = dout.shape
dxs, grads = [None] * T, None
for t in reversed(range(T)):
    dx, dh, dc, g = lstm_cell_backward(dout[t], np.zeros((B, H)), cache[t])
    dxs[t] = dx
    grads = g if grads is None else {k: grads[k] + g[k] for k in grads}
return np.stack(dxs), dh, dc, grads"""),
        "keras_count": ("lstm_param_count", 0,
                        "return 4 * (hidden_size * (input_size + hidden_size) + hidden_size)"),
        "cheat": ("lstm", 0, """
import lstmcourse.numpy as L
return L.lstm(x, params, h0, c0)"""),
    },
    "a4_gru_bidirectional": {
        "z_swapped": ("gru_cell", 0, """
H = h_prev.shape[1]
gi = x @ params["weight_ih"].T + params["bias_ih"]
gh = h_prev @ params["weight_hh"].T + params["bias_hh"]
r = 1 / (1 + np.exp(-(gi[:, :H] + gh[:, :H])))
z = 1 / (1 + np.exp(-(gi[:, H:2 * H] + gh[:, H:2 * H])))
n = np.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
return z * n + (1 - z) * h_prev, {}"""),
        "no_flip": ("bidirectional", 0, """
out_f, state_f, _ = layer(x, params_fwd, **{k: v[0] for k, v in kw.items()})
out_b, state_b, _ = layer(x[::-1], params_bwd, **{k: v[1] for k, v in kw.items()})
if isinstance(state_f, tuple):
    return np.concatenate([out_f, out_b], 2), tuple(
        np.stack([a, b]) for a, b in zip(state_f, state_b)), None
return np.concatenate([out_f, out_b], 2), np.stack([state_f, state_b]), None"""),
        "cheat": ("gru_cell", 0, """
from lstmcourse import numpy as L
return L.gru_cell(x, h_prev, params)"""),
    },
    "a5_torch_lstm": {
        "gate_order": ("LSTMCell", 1, """
if hx is None:
    zeros = input.new_zeros(input.shape[0], self.hidden_size)
    hx = (zeros, zeros)
h, c = hx
z = input @ self.weight_ih.T + h @ self.weight_hh.T
if self.bias_ih is not None:
    z = z + self.bias_ih + self.bias_hh
i, f, o, g = z.chunk(4, dim=1)
c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
return torch.sigmoid(o) * torch.tanh(c), c"""),
        "cpu_zeros": ("LSTMCell", 1, """
if hx is None:
    zeros = torch.zeros(input.shape[0], self.hidden_size)
    hx = (zeros, zeros)
h, c = hx
z = input @ self.weight_ih.T + h @ self.weight_hh.T
if self.bias_ih is not None:
    z = z + self.bias_ih + self.bias_hh
i, f, g, o = z.chunk(4, dim=1)
c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
return torch.sigmoid(o) * torch.tanh(c), c"""),
        "cheat_torch": ("LSTMCell", 1, """
ref = nn.LSTMCell(self.input_size, self.hidden_size, dtype=input.dtype)
ref.load_state_dict(self.state_dict())
return ref(input, hx)"""),
    },
}

# assignment -> {student: {grade_id: expected auto score}} (ids not listed: full points)
EXPECTED = {
    "a2_lstm_cell": {
        "gate_order": {"test_lstm_cell": 0},
        "no_forget_gate": {"test_lstm_cell": 0},
        "nan_sigmoid": {"test_sigmoid": 0},
        "cheat": {"test_lstm_cell_backward": 0, "test_inputs_unchanged": 0},
    },
    "a3_lstm_sequence": {
        "no_carry_c": {"test_lstm": 0},
        "truncated_bptt": {"test_lstm_backward": 0},
        "keras_count": {"test_lstm_param_count": 0},
        "cheat": {"test_lstm": 0, "test_inputs_unchanged": 0},
    },
    "a4_gru_bidirectional": {
        "z_swapped": {"test_gru_cell": 0},
        "no_flip": {"test_bidirectional_gru": 0, "test_bidirectional_lstm": 0},
        "cheat": {"test_gru_cell": 0, "test_inputs_unchanged": 0},
    },
    "a5_torch_lstm": {
        "gate_order": {"test_forward": 0, "test_adding_problem": 3},
        "cpu_zeros": {"test_device_agnostic": 0, "test_forward": 0},
        "cheat_torch": {"test_forward": 0, "test_adding_problem": 0, "test_device_agnostic": 0,
                        "test_parameters": 0},
    },
}
# The hint the feedback must show for a wrong submission.
HINTS = {
    ("a2_lstm_cell", "gate_order", "test_lstm_cell"): "gate order ifog",
    ("a2_lstm_cell", "no_forget_gate", "test_lstm_cell"): "a missing forget gate",
    ("a2_lstm_cell", "nan_sigmoid", "test_sigmoid"): "overflows",
    ("a3_lstm_sequence", "no_carry_c", "test_lstm"): "not carrying the cell state",
    ("a3_lstm_sequence", "truncated_bptt", "test_lstm_backward"): "no gradient through time",
    ("a3_lstm_sequence", "keras_count", "test_lstm_param_count"): "one bias vector",
    ("a4_gru_bidirectional", "z_swapped", "test_gru_cell"): "z and 1 - z swapped",
    ("a4_gru_bidirectional", "no_flip", "test_bidirectional_gru"): "not flipping",
    ("a5_torch_lstm", "gate_order", "test_forward"): "gate order ifog",
    ("a5_torch_lstm", "cpu_zeros", "test_device_agnostic"): "input.device",
}
ASSIGNMENTS = sorted(WRONG)


@pytest.fixture(scope="module")
def graded(course):
    result = {}
    for a in ASSIGNMENTS:
        src = course.source(a)
        subs = {"full": src, "stub": course.released(a)}
        for student, (cell, region, body) in WRONG[a].items():
            subs[student] = with_body(src, cell, body, region)
        result[a] = course.grade(a, subs)
        course.nbgrader("generate_feedback", a, "--force")
    return result


@pytest.mark.parametrize("a", ASSIGNMENTS)
def test_release_has_no_solution_or_hidden_tests(course, a):
    text = course.generate(a).read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "seed=50", "seed=40",
                   "seed=30", "seed=20", "np.stack(out)", "sigmoid(z[:, :H])", "chunk(4"):
        assert marker not in text, marker
    assert "raise NotImplementedError()" in text


@pytest.mark.parametrize("a", ASSIGNMENTS)
def test_source_full_marks_and_release_zero(graded, course, a):
    assert graded[a]["full"] == auto_points(course.source(a))
    assert sum(graded[a]["stub"].values()) == 0


@pytest.mark.parametrize("a,student", [(a, s) for a in ASSIGNMENTS for s in WRONG[a]])
def test_wrong_and_cheating_submissions(graded, course, a, student):
    points = auto_points(course.source(a))
    expected = {**points, **EXPECTED[a][student]}
    assert graded[a][student] == expected
    assert 0 < sum(expected.values()) < sum(points.values()) or student == "cheat_torch"


@pytest.mark.parametrize("key", sorted(HINTS))
def test_feedback_names_the_mistake(graded, course, key):
    a, student, grade_id = key
    assert HINTS[key] in course.outputs(a, student, grade_id)
    html = (course.root / "feedback" / student / a / f"{a}.html").read_text()
    assert HINTS[key].replace("'", "&#39;") in html


@pytest.mark.parametrize("a", ASSIGNMENTS)
def test_rule_breaks_are_explained(graded, course, a):
    student = "cheat_torch" if a == "a5_torch_lstm" else "cheat"
    zeroed = [g for g, v in EXPECTED[a][student].items() if v == 0]
    assert all("gives no points" in course.outputs(a, student, g) for g in zeroed)


@pytest.mark.parametrize("a", ASSIGNMENTS)
def test_feedback_shows_no_hidden_test_or_seed(graded, course, a):
    for html in (course.root / "feedback").glob(f"*/{a}/*.html"):
        text = html.read_text()
        assert "HIDDEN TESTS" not in text and "seed=" not in text, html
