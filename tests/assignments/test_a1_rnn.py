"""Assignment 1 through the real nbgrader CLI: release, full marks, zero, partial marks with the
right hints, cheating that earns nothing, and a class whose broken submissions do not stop the
batch (raises, endless loop, syntax error, renamed function, megabytes of output).

One autograde call grades the whole class (kernel start-up per notebook is the cost).
"""

from __future__ import annotations

import pytest
from nbgrader_course import auto_points, with_body, with_cell, with_source

pytestmark = pytest.mark.slow
A = "a1_rnn"

CHEAT_BACKWARD = {
    # Each replaces rnn_cell_backward's body; rnn_cell stays correct (4 points).
    "cheat_import": """
from lstmcourse.numpy import rnn_cell_backward as ref
return ref(dh, cache)""",
    "cheat_module_alias": """
import lstmcourse.numpy as L
return L.rnn_cell_backward(dh, cache)""",
    "cheat_getattr": """
return getattr(check, "_ref_rnn_" + "cell_backward")(dh, cache)""",
    "cheat_grader_attr": """
return check._ref_rnn_cell_backward(dh, cache)""",
}
WRONG_FORWARD_SIGMOID = """
a = x @ params["weight_ih"].T + params["bias_ih"] + h_prev @ params["weight_hh"].T
a = a + params["bias_hh"]
h = 1 / (1 + np.exp(-a)) if nonlinearity == "tanh" else np.maximum(a, 0.0)
cache = {"x": x, "h_prev": h_prev, "h": h, "params": params, "nonlinearity": nonlinearity}
return h, cache"""
WRONG_BACKWARD_NO_TANH = """
h, p = cache["h"], cache["params"]
da = dh
grads = {"weight_ih": da.T @ cache["x"], "weight_hh": da.T @ cache["h_prev"],
         "bias_ih": da.sum(axis=0), "bias_hh": da.sum(axis=0)}
return da @ p["weight_ih"], da @ p["weight_hh"], grads"""


@pytest.fixture(scope="module")
def graded(course):
    src = course.source(A)
    subs = {
        "full": src,
        "stub": course.released(A),
        "wrong_sigmoid": with_body(src, "rnn_cell", WRONG_FORWARD_SIGMOID),
        "wrong_no_tanh_grad": with_body(src, "rnn_cell_backward", WRONG_BACKWARD_NO_TANH),
        **{k: with_body(src, "rnn_cell_backward", v) for k, v in CHEAT_BACKWARD.items()},
        # Dynamic imports can reach anything (sys, builtins): every test loses its points.
        "cheat_importlib": with_body(src, "rnn_cell_backward", """
import importlib
return importlib.import_module("lstm" + "course.numpy").rnn_cell_backward(dh, cache)"""),
        "cheat_dunder_import": with_body(src, "rnn_cell_backward", """
mod = __import__("lstmcourse.numpy", fromlist=["rnn"])
return mod.rnn_cell_backward(dh, cache)"""),
        "cheat_top_level_alias": with_cell(
            with_body(src, "rnn_cell_backward", "return _r(dh, cache)"), "rnn_cell",
            "from lstmcourse.numpy import rnn_cell_backward as _r"),
        # Tampering at the top level of a student cell: every test loses its points.
        "tamper_allclose": with_cell(src, "rnn_cell", "np.allclose = lambda *a, **k: True"),
        "tamper_testing": with_cell(src, "rnn_cell",
                                    "np.testing.assert_allclose = lambda *a, **k: None"),
        "tamper_checks": with_cell(src, "rnn_cell", "check.rnn_cell = lambda *a, **k: None"),
        # Robustness: each breaks rnn_cell_backward only; rnn_cell's 4 points must survive.
        "raises": with_body(src, "rnn_cell_backward", 'raise ValueError("oops")'),
        "loops": with_body(src, "rnn_cell_backward", "while True:\n    pass"),
        "syntax_error": with_source(src, "rnn_cell_backward", "def rnn_cell_backward(dh, cache)\n"
                                    "    return dh"),
        "renamed": with_source(src, "rnn_cell_backward", "def rnn_backward_step(dh, cache):\n"
                               "    return dh"),
        # The kernel dies: nbgrader cannot grade this notebook, but the batch goes on.
        "kills_kernel": with_cell(src, "rnn_cell", "import os\nos._exit(1)"),
        "megabytes": with_cell(src, "rnn_cell", 'print("x" * 3_000_000)\nprint("y\\n" * 50_000)'),
    }
    # A shorter cell timeout keeps the endless loop cheap; everything else takes well under it.
    scores = course.grade(A, subs, "--Execute.timeout=10", failing=("kills_kernel",))
    course.nbgrader("generate_feedback", A, "--force")
    return scores


def total(scores: dict) -> float:
    return sum(v or 0 for v in scores.values())


def test_release_has_no_solution_or_hidden_tests(course):
    text = course.generate(A).read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "seed=101",
                   "np.maximum(a, 0.0)", "da.T @ cache", "singular value"):
        assert marker not in text
    assert text.count("raise NotImplementedError()") == 3  # rnn_cell, backward, experiment


def test_source_scores_full_marks(graded, course):
    points = auto_points(course.source(A))
    assert graded["full"] == {**points, "why_gradients_vanish": None}  # written answer: manual


def test_released_notebook_scores_zero(graded):
    assert total(graded["stub"]) == 0
    assert graded["stub"]["why_gradients_vanish"] == 0  # untouched answer: zero, not "to grade"


def test_wrong_forward_scores_partial_with_hint(graded, course):
    assert graded["wrong_sigmoid"]["test_rnn_cell_tanh"] == 0
    assert graded["wrong_sigmoid"]["test_rnn_cell_relu"] == 1  # the relu branch is right
    assert "sigmoid instead of tanh" in course.outputs(A, "wrong_sigmoid", "test_rnn_cell_tanh")


def test_wrong_backward_scores_partial_with_hint(graded, course):
    s = graded["wrong_no_tanh_grad"]
    assert (s["test_rnn_cell_tanh"], s["test_rnn_cell_relu"], s["test_rnn_cell_backward"]) \
        == (3, 1, 0)
    msg = course.outputs(A, "wrong_no_tanh_grad", "test_rnn_cell_backward")
    assert "forgetting the derivative of tanh" in msg and "largest error" in msg


@pytest.mark.parametrize("student", sorted(CHEAT_BACKWARD))
def test_calling_the_reference_earns_nothing_for_that_function(graded, course, student):
    s = graded[student]
    assert s["test_rnn_cell_backward"] == 0
    assert (s["test_rnn_cell_tanh"], s["test_rnn_cell_relu"]) == (3, 1)
    assert "IntegrityError" in course.outputs(A, student, "test_rnn_cell_backward")


def test_a_top_level_alias_of_the_reference_taints_its_users(graded, course):
    s = graded["cheat_top_level_alias"]
    assert (s["test_rnn_cell_tanh"], s["test_rnn_cell_relu"], s["test_rnn_cell_backward"]) \
        == (3, 1, 0)
    assert "IntegrityError" in course.outputs(A, "cheat_top_level_alias", "test_rnn_cell_backward")


@pytest.mark.parametrize("student", ["cheat_importlib", "cheat_dunder_import", "tamper_allclose",
                                     "tamper_testing", "tamper_checks"])
def test_tampering_earns_nothing(graded, student):
    assert total(graded[student]) == 0


@pytest.mark.parametrize("student", ["raises", "loops", "syntax_error", "renamed"])
def test_broken_backward_keeps_forward_points(graded, student):
    s = graded[student]
    assert (s["test_rnn_cell_tanh"], s["test_rnn_cell_relu"], s["test_rnn_cell_backward"]) \
        == (3, 1, 0)


def test_a_killed_kernel_scores_nothing_and_the_batch_finishes(graded):
    assert total(graded["kills_kernel"]) == 0
    # Everyone graded after that notebook (names sort after "kills_kernel") still got grades.
    assert total(graded["megabytes"]) == 8 and total(graded["wrong_sigmoid"]) == 1


def test_megabytes_of_output_are_cut_and_graded(graded, course):
    assert total(graded["megabytes"]) == 8
    size = (course.root / "autograded" / "megabytes" / A / f"{A}.ipynb").stat().st_size
    assert size < 300_000


def test_feedback_is_generated_with_the_messages(graded, course):
    html = (course.root / "feedback" / "wrong_no_tanh_grad" / A / f"{A}.html").read_text()
    assert "forgetting the derivative of tanh" in html
    assert (course.root / "feedback" / "full" / A / f"{A}.html").exists()
