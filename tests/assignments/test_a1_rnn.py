"""Assignment 1 through the real nbgrader CLI: release, full marks, zero, partial marks with the
right hints, rule breaks that cost only their function, and a class whose broken submissions do
not stop the batch (raises, endless loop, syntax error, renamed function, a killed kernel,
megabytes of output).

One autograde call grades the whole class; each notebook runs in its own sandbox.
"""

from __future__ import annotations

import pytest
from nbgrader_course import auto_points, with_body, with_cell, with_source

pytestmark = pytest.mark.slow
A = "a1_rnn"

CHEAT_BACKWARD = {
    # Each replaces rnn_cell_backward's body; rnn_cell stays correct. Caught by the rules (the
    # import) or by the sandbox (the package is not there; the grader's module is not there).
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
    "cheat_importlib": """
import importlib
return importlib.import_module("lstm" + "course.numpy").rnn_cell_backward(dh, cache)""",
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
IDS = ("test_rnn_cell_tanh", "test_rnn_cell_relu", "test_rnn_cell_backward",
       "test_inputs_unchanged")


@pytest.fixture(scope="module")
def graded(course):
    src = course.source(A)
    subs = {
        "full": src,
        "stub": course.released(A),
        "wrong_sigmoid": with_body(src, "rnn_cell", WRONG_FORWARD_SIGMOID),
        "wrong_no_tanh_grad": with_body(src, "rnn_cell_backward", WRONG_BACKWARD_NO_TANH),
        **{k: with_body(src, "rnn_cell_backward", v) for k, v in CHEAT_BACKWARD.items()},
        "cheat_top_level_alias": with_cell(
            with_body(src, "rnn_cell_backward", "return _r(dh, cache)"), "rnn_cell",
            "from lstmcourse.numpy import rnn_cell_backward as _r"),
        # What the old in-kernel guard punished is harmless now: patching numpy or the grader's
        # names in the kernel changes nothing the grader computes.
        "patch_allclose": with_cell(src, "rnn_cell", "np.allclose = lambda *a, **k: True"),
        "patch_testing": with_cell(src, "rnn_cell",
                                   "np.testing.assert_allclose = lambda *a, **k: None"),
        "patch_checks": with_cell(src, "rnn_cell", "check = None"),
        # Robustness: each breaks rnn_cell_backward only; rnn_cell's 4 points must survive.
        "raises": with_body(src, "rnn_cell_backward", 'raise ValueError("oops")'),
        "loops": with_body(src, "rnn_cell_backward", "while True:\n    pass"),
        "syntax_error": with_source(src, "rnn_cell_backward", "def rnn_cell_backward(dh, cache)\n"
                                    "    return dh"),
        "renamed": with_source(src, "rnn_cell_backward", "def rnn_backward_step(dh, cache):\n"
                               "    return dh"),
        # The kernel dies: the tests after it were never recorded; the batch goes on.
        "kills_kernel": with_cell(src, "rnn_cell", "import os\nos._exit(1)"),
        "megabytes": with_cell(src, "rnn_cell", 'print("x" * 3_000_000)\nprint("y\\n" * 50_000)'),
    }
    # A shorter cell timeout keeps the endless loop cheap; everything else takes well under it.
    scores = course.grade(A, subs, "--SandboxedExecute.timeout=5")
    course.nbgrader("generate_feedback", A, "--force")
    return scores


def total(scores: dict) -> float:
    return sum(v or 0 for v in scores.values())


def points(graded, student):
    return tuple(graded[student][g] for g in IDS)


def test_release_has_no_solution_or_hidden_tests(course):
    text = course.generate(A).read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "seed=101",
                   "np.maximum(a, 0.0)", "da.T @ cache", "singular value"):
        assert marker not in text
    assert text.count("raise NotImplementedError()") == 3  # rnn_cell, backward, experiment


def test_source_scores_full_marks(graded, course):
    assert graded["full"] == {**auto_points(course.source(A)), "why_gradients_vanish": None}


def test_released_notebook_scores_zero(graded):
    assert total(graded["stub"]) == 0
    assert graded["stub"]["why_gradients_vanish"] == 0  # untouched answer: zero, not "to grade"


def test_wrong_forward_costs_only_the_forward(graded, course):
    # The backward pass is graded on a cache in the documented format: it keeps its 4 points.
    assert points(graded, "wrong_sigmoid") == (0, 1, 4, 1)
    assert "sigmoid instead of tanh" in course.outputs(A, "wrong_sigmoid", "test_rnn_cell_tanh")


def test_wrong_backward_scores_partial_with_hint(graded, course):
    assert points(graded, "wrong_no_tanh_grad") == (3, 1, 0, 1)
    msg = course.outputs(A, "wrong_no_tanh_grad", "test_rnn_cell_backward")
    assert "forgetting the derivative of tanh" in msg and "largest error" in msg


@pytest.mark.parametrize("student", sorted(CHEAT_BACKWARD))
def test_reaching_for_the_reference_earns_nothing_for_that_function(graded, student):
    assert points(graded, student)[:3] == (3, 1, 0)


@pytest.mark.parametrize("student", ["cheat_import", "cheat_module_alias"])
def test_the_rules_message_names_the_cell_and_line(graded, course, student):
    msg = course.outputs(A, student, "test_rnn_cell_backward")
    assert "gives no points" in msg and "imports lstmcourse.numpy" in msg and "In [" in msg


def test_a_top_level_alias_of_the_reference_taints_its_users(graded, course):
    assert points(graded, "cheat_top_level_alias")[:3] == (3, 1, 0)
    assert "gives no points" in course.outputs(A, "cheat_top_level_alias",
                                               "test_rnn_cell_backward")


@pytest.mark.parametrize("student", ["patch_allclose", "patch_testing", "patch_checks"])
def test_patching_the_kernel_changes_nothing(graded, course, student):
    assert graded[student] == {**auto_points(course.source(A)), "why_gradients_vanish": None}


@pytest.mark.parametrize("student", ["raises", "loops", "syntax_error", "renamed"])
def test_broken_backward_keeps_forward_points(graded, student):
    assert points(graded, student)[:3] == (3, 1, 0)


def test_messages_quote_the_students_error(graded, course):
    assert "rnn_cell_backward raised ValueError" in course.outputs(A, "raises",
                                                                   "test_rnn_cell_backward")
    assert "defines no 'rnn_cell_backward'" in course.outputs(A, "renamed",
                                                              "test_rnn_cell_backward")
    assert "never made" in course.outputs(A, "loops", "test_rnn_cell_backward")


def test_a_killed_kernel_scores_nothing_and_the_batch_finishes(graded):
    assert total(graded["kills_kernel"]) == 0
    # Everyone graded after that notebook (names sort after "kills_kernel") still got grades.
    assert total(graded["megabytes"]) == 9 and total(graded["wrong_sigmoid"]) == 6


def test_megabytes_of_output_are_cut_and_graded(graded, course):
    assert total(graded["megabytes"]) == 9
    size = (course.root / "autograded" / "megabytes" / A / f"{A}.ipynb").stat().st_size
    assert size < 300_000


def test_feedback_is_generated_with_the_messages(graded, course):
    html = (course.root / "feedback" / "wrong_no_tanh_grad" / A / f"{A}.html").read_text()
    assert "forgetting the derivative of tanh" in html
    assert (course.root / "feedback" / "full" / A / f"{A}.html").exists()


def test_feedback_shows_no_hidden_test(graded, course):
    for html in (course.root / "feedback").rglob("*.html"):
        text = html.read_text()
        assert "HIDDEN TESTS" not in text and "seed=10" not in text, html
