"""The checks as a student runs them at home: in their own kernel, here in this process.

Every source notebook's cells run top to bottom without an error (its solutions pass its own
checks); with the released stubs every test cell fails with the student's NotImplementedError
quoted; honest variants pass; a failing check says what is wrong. nbgrader is not involved.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import nbformat
import numpy as np
import pytest

import lstmcourse.numpy as ref
from lstmcourse.grading import a1_rnn as check1
from lstmcourse.grading import a2_lstm_cell as check2
from lstmcourse.grading import a3_lstm_sequence as check3

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
    assert code_tests and all(isinstance(e, AssertionError) and "NotImplementedError" in str(e)
                              for e in code_tests.values())


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


def test_a_wrong_function_fails_with_the_mistake_named():
    def rnn_cell(x, h_prev, params, nonlinearity="tanh"):   # bias_hh left out
        a = x @ params["weight_ih"].T + params["bias_ih"] + h_prev @ params["weight_hh"].T
        return np.tanh(a), None

    with pytest.raises(AssertionError, match="leaving out bias_hh"):
        check1.rnn_cell(rnn_cell)


def test_float32_and_positional_variants_pass_at_home():
    def sigmoid(x):
        x = np.asarray(x, np.float32)
        return (np.exp(np.minimum(x, 0)) / (1 + np.exp(-np.abs(x)))).astype(np.float32)

    check2.sigmoid(sigmoid)
    check1.rnn_cell(lambda x, h, p, nl="tanh": honest_rnn_cell(x, h, p, nl))


def test_changing_an_input_in_place_is_reported():
    def rnn_cell(x, h_prev, params, nonlinearity="tanh"):
        h, cache = honest_rnn_cell(x, h_prev, params, nonlinearity)
        h_prev *= 0.0
        return h, cache

    check1.rnn_cell(rnn_cell)   # the values are right ...
    with pytest.raises(AssertionError, match="changed its array argument #2 in place"):
        check1.inputs_unchanged(rnn_cell, ref.rnn_cell_backward)   # ... the side effect is not
