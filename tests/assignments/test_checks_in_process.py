"""The checks and the in-kernel guard, run in this process (fast; nbgrader is not involved).

Every source notebook's cells run top to bottom without an error (its solutions pass its own
checks); with the released stubs every test cell fails; a check fed the reference itself, or run
after numpy or the reference was patched, raises IntegrityError.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import nbformat
import numpy as np
import pytest

import lstmcourse.numpy as ref
from lstmcourse.grading import IntegrityError, guard
from lstmcourse.grading import a1_rnn as check1
from lstmcourse.grading import a3_lstm_sequence as check3
from lstmcourse.grading import a4_gru_bidirectional as check4

SOURCE = Path(__file__).resolve().parents[2] / "assignments" / "source"
NUMPY_ASSIGNMENTS = ["a1_rnn", "a2_lstm_cell", "a3_lstm_sequence", "a4_gru_bidirectional"]
STUB = "# YOUR CODE HERE\nraise NotImplementedError()"


def run_cells(nb: nbformat.NotebookNode) -> dict[str, BaseException | None]:
    """Run the code cells in one namespace; ``{grade_id of a test cell: exception or None}``."""
    ns: dict = {}
    results = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(cell.source, meta.get("grade_id", "cell"), "exec"), ns)
            error = None
        except Exception as exc:  # noqa: BLE001 - a test cell's failure is the result
            error = exc
        if meta.get("grade"):
            results[meta["grade_id"]] = error
    return results


def stubbed(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """What generate_assignment makes of the solution regions (the code stub)."""
    import re

    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        cell.source = re.sub(r"( *)### BEGIN SOLUTION\n.*?### END SOLUTION",
                             lambda m: "\n".join(m.group(1) + s for s in STUB.splitlines()),
                             cell.source, flags=re.S)
    return nb


@pytest.mark.parametrize("name", NUMPY_ASSIGNMENTS)
def test_source_notebook_passes_its_checks(name):
    results = run_cells(nbformat.read(SOURCE / name / f"{name}.ipynb", 4))
    assert results and all(e is None for e in results.values()), results


@pytest.mark.parametrize("name", NUMPY_ASSIGNMENTS)
def test_every_test_fails_on_the_stub(name):
    results = run_cells(stubbed(nbformat.read(SOURCE / name / f"{name}.ipynb", 4)))
    code_tests = {k: v for k, v in results.items() if k != "why_gradients_vanish"}
    assert code_tests and all(isinstance(e, NotImplementedError) for e in code_tests.values())


def test_a_check_fed_the_reference_gives_nothing():
    with pytest.raises(IntegrityError, match="reference implementation"):
        check1.rnn_cell(ref.rnn_cell)
    with pytest.raises(IntegrityError, match="gru_cell"):
        check4.gru_cell(lambda x, h, p: ref.gru_cell(x, h, p))  # hidden behind a lambda


def test_given_functions_may_be_called_where_the_notebook_gives_them():
    def lstm(x, params, h0=None, c0=None):
        h, c, caches, out = h0, c0, [], []
        for t in range(len(x)):
            h, c, cache = ref.lstm_cell(x[t], h, c, params)
            out.append(h)
            caches.append(cache)
        return np.stack(out), (h, c), caches

    check3.lstm(lambda x, p, h0=None, c0=None: lstm(
        x, p, np.zeros((x.shape[1], p["weight_hh"].shape[1])) if h0 is None else h0,
        np.zeros((x.shape[1], p["weight_hh"].shape[1])) if c0 is None else c0))


def honest_rnn_cell(x, h_prev, params, nonlinearity="tanh"):
    a = x @ params["weight_ih"].T + params["bias_ih"] + h_prev @ params["weight_hh"].T
    a = a + params["bias_hh"]
    return (np.tanh(a) if nonlinearity == "tanh" else np.maximum(a, 0)), None


@pytest.mark.parametrize("target,attr", [(np, "allclose"), (np.testing, "assert_allclose"),
                                         (ref, "rnn_cell"), (check1, "expect_close")])
def test_patching_numpy_or_the_reference_is_detected(monkeypatch, target, attr):
    check1.rnn_cell(honest_rnn_cell)  # passes untouched
    monkeypatch.setattr(target, attr, lambda *a, **k: True)
    with pytest.raises(IntegrityError, match=attr):
        check1.rnn_cell(honest_rnn_cell)


def test_patching_a_reference_module_global_is_detected(monkeypatch):
    import sys

    rnn_module = sys.modules["lstmcourse.numpy.rnn"]  # the package's `rnn` is the function
    monkeypatch.setattr(rnn_module, "check_params", lambda p, cell: p)
    with pytest.raises(IntegrityError, match="check_params"):
        check1.rnn_cell(honest_rnn_cell)


def test_the_tracer_is_restored_after_a_failing_call():
    import sys

    def boom(*args):
        raise ValueError("student bug")

    before = sys.getprofile()
    with pytest.raises(ValueError):
        guard.call_student(boom, 1)
    assert sys.getprofile() is before
