"""The committed source notebooks: nbgrader metadata, cell conventions, and their committed form
(no outputs, stable cell ids), so that editing one in Jupyter and running ``make sources`` shows
in ``git diff`` as just the edit. Also the course's nbgrader configuration."""

from __future__ import annotations

import ast
import logging
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from lstmcourse.grading import a5_torch_lstm, course

ROOT = Path(__file__).resolve().parents[2] / "assignments"
NAMES = ["a1_rnn", "a2_lstm_cell", "a3_lstm_sequence", "a4_gru_bidirectional", "a5_torch_lstm"]


def load(name: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "source" / name / f"{name}.ipynb", 4)


def meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def test_the_course_has_the_five_assignments():
    assert course.names(ROOT) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_grade_ids_unique_and_points_explicit(name):
    nb = load(name)
    ids = [meta(c)["grade_id"] for c in nb.cells if meta(c)]
    assert len(ids) == len(set(ids)) and all(re.fullmatch(r"[A-Za-z0-9_]+", i) for i in ids)
    graded = [c for c in nb.cells if meta(c).get("grade")]
    assert graded and all(float(meta(c)["points"]) > 0 for c in graded)
    assert nb.metadata.kernelspec.name == "python3"


@pytest.mark.parametrize("name", NAMES)
def test_test_cells_are_locked_with_a_one_line_docstring_and_hidden_tests(name):
    tests = [c for c in load(name).cells if meta(c).get("grade") and c.cell_type == "code"]
    assert tests
    for cell in tests:
        m = meta(cell)
        assert m["locked"] and not m["solution"] and m["grade_id"].startswith("test_")
        first = ast.parse(cell.source).body[0]
        doc = ast.get_docstring(ast.Module(body=[first], type_ignores=[]))
        assert doc and "\n" not in doc, m["grade_id"]
        assert "check." in cell.source
    assert any("### BEGIN HIDDEN TESTS" in c.source for c in tests)


@pytest.mark.parametrize("name", NAMES)
def test_solution_regions_sit_inside_documented_functions(name):
    for cell in load(name).cells:
        if not (meta(cell).get("solution") and cell.cell_type == "code"):
            continue
        tree = ast.parse(cell.source)
        marker_lines = [i + 1 for i, line in enumerate(cell.source.splitlines())
                        if "### BEGIN SOLUTION" in line]
        assert marker_lines, meta(cell)["grade_id"]
        defs = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
        for line in marker_lines:
            owner = [d for d in defs if d.lineno < line <= d.end_lineno]
            assert owner, f"{meta(cell)['grade_id']}: solution region outside a function"
            outer = [n for n in tree.body if n.lineno <= owner[0].lineno <= n.end_lineno][0]
            assert ast.get_docstring(outer), f"{outer.name} has no docstring"


# ---------------------------------------------------------------------------- committed form
@pytest.mark.parametrize("name", NAMES)
def test_committed_without_outputs_and_with_grade_ids_as_cell_ids(name):
    nb = load(name)
    assert all(not c.get("outputs") and c.get("execution_count") is None
               for c in nb.cells if c.cell_type == "code")
    ids = [c.id for c in nb.cells]
    assert len(set(ids)) == len(ids)
    assert all(c.id == meta(c)["grade_id"] for c in nb.cells if meta(c))
    # Readable ids throughout, not the random hex Jupyter gives a new cell (which would be
    # stable too, but says nothing in a diff).
    assert not [i for i in ids if re.fullmatch(r"[0-9a-f]{8}(-[0-9a-f-]+)?", i)]


def test_regenerating_the_sources_changes_nothing(tmp_path):
    """``make sources`` (``python -m lstmcourse.grading tidy``) on the committed notebooks."""
    copy = tmp_path / "assignments"
    shutil.copytree(ROOT / "source", copy / "source")
    shutil.copy(ROOT / "nbgrader_config.py", copy)
    assert course.tidy_sources(copy) == []
    for name in NAMES:
        path = f"source/{name}/{name}.ipynb"
        assert (copy / path).read_bytes() == (ROOT / path).read_bytes()


def test_tidy_puts_an_edited_notebook_in_committed_form_once_and_for_all(tmp_path):
    copy = tmp_path / "assignments"
    shutil.copytree(ROOT / "source", copy / "source")
    shutil.copy(ROOT / "nbgrader_config.py", copy)
    path = copy / "source" / "a2_lstm_cell" / "a2_lstm_cell.ipynb"
    nb = nbformat.read(path, 4)
    # What a session in Jupyter leaves: outputs, counts, a renamed grade cell, a new cell.
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.execution_count = 3
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="hi\n")]
    nb.cells[3].id = "1f2e3d4c"
    nb.cells.insert(4, nbformat.v4.new_markdown_cell("A new remark."))
    new_id = nb.cells[4].id
    nbformat.write(nb, path)
    assert course.tidy_sources(copy) == [path]
    once = path.read_bytes()
    assert course.tidy_sources(copy) == [] and path.read_bytes() == once
    tidied = nbformat.read(path, 4)
    assert tidied.cells[3].id == meta(tidied.cells[3])["grade_id"] == "sigmoid"
    assert tidied.cells[4].id == new_id       # a cell of the author's keeps the id it was given
    assert not any(c.get("outputs") for c in tidied.cells)


# ------------------------------------------------------------- the descriptions in the book
@pytest.mark.parametrize("name", NAMES)
def test_the_notebook_names_the_chapters_it_belongs_to(name):
    a = course.describe(name, ROOT)
    assert a.chapters and a.title and a.writes and a.number == int(name[1])
    intro = load(name).cells[0].source
    words = "chapter " if len(a.chapters) == 1 else "chapters "
    words += " and ".join(map(str, a.chapters)) + " of the book"
    assert words in " ".join(intro.split())


def test_descriptions_match_the_notebooks():
    a1 = course.describe("a1_rnn", ROOT)
    assert a1.writes == ("rnn_cell", "rnn_cell_backward", "gradient_norm_at_start")
    assert [(t.grade_id, t.points, t.written) for t in a1.tests] == [
        ("test_rnn_cell_tanh", 3, False), ("test_rnn_cell_relu", 1, False),
        ("test_rnn_cell_backward", 4, False), ("test_inputs_unchanged", 1, False),
        ("why_gradients_vanish", 2, True)]
    assert a1.points == 11 and a1.tests[-1].what.startswith("Why do the gradients vanish")
    assert course.describe("a4_gru_bidirectional", ROOT).writes == ("gru_cell", "bidirectional")
    box = course.box("a2_lstm_cell", ROOT)
    assert "`sigmoid`, `lstm_cell` and `lstm_cell_backward`" in box and "11 points" in box
    assert "python -m lstmcourse.grading check a2_lstm_cell.ipynb" in box
    table = course.table(ROOT)
    assert table.count("\n| `a") == 5 and "| 11 (9 autograded) |" in table


def test_a5_states_the_recipe_the_grader_uses():
    text = " ".join(load("a5_torch_lstm").cells[0].source.split())
    a5 = a5_torch_lstm
    for fact in (f"hidden size {a5.HIDDEN}", f"sequences of length {a5.T_ADD}",
                 f"{a5.STEPS} Adam steps of batch {a5.BATCH}", f"at most **{a5.TARGET_MSE}**",
                 f"**{a5.CPU_BUDGET_S:g} s of CPU time**"):
        assert fact in text, fact


# --------------------------------------------------------------------------- configuration
def test_config_is_short_and_local():
    text = (ROOT / "nbgrader_config.py").read_text()
    assert "/work" not in text and "/usr/local/share" not in text
    config = course.load_config(ROOT)
    assert config.CourseDirectory.root == str(ROOT)
    assert config.Exchange.root in (str(ROOT / "exchange"), __import__("os").environ.get(
        "LSTMCOURSE_EXCHANGE"))
    names = [c.__name__ for c in config.Autograde.autograde_preprocessors]
    assert names[0] == "SandboxedExecute" and config.SandboxedExecute.timeout == 30
    assert "QuietOverwriteCells" in [c.__name__ for c in config.Autograde.sanitize_preprocessors]
    assert config.OverwriteCells.add_missing_cells
    # feedback never shows hidden tests
    assert "FeedbackClearHiddenTests" in [c.__name__ for c in config.GenerateFeedback.preprocessors]
    root_config = (ROOT.parent / "nbgrader_config.py").read_text()
    assert 'load_subconfig("assignments/nbgrader_config.py")' in root_config


class _Log(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_overwrite_cells_is_quiet_only_about_released_test_cells():
    from lstmcourse.grading.sanitize import QuietOverwriteCells

    released, record = course.release("a2_lstm_cell", ROOT)
    tampered = nbformat.from_dict(released)
    cell = next(c for c in tampered.cells if meta(c).get("grade_id") == "test_lstm_cell")
    cell.source = '"""lstm_cell returns the reference h and c on fixed and random cases."""'
    results = {}
    for label, nb in (("released", released), ("tampered", tampered)):
        step = course._from_record(QuietOverwriteCells)()
        handler = _Log()
        step.log.addHandler(handler)
        step.log.setLevel(logging.INFO)
        try:
            out, _ = step.preprocess(nbformat.from_dict(nb), {
                "nbgrader": {"notebook": "a2_lstm_cell", "assignment": "a2_lstm_cell"},
                "lstmcourse_record": record})
        finally:
            step.log.removeHandler(handler)
        results[label] = (handler.lines, out)
    assert results["released"][0] == []
    assert len(results["tampered"][0]) == 1 and "test_lstm_cell" in results["tampered"][0][0]
    recorded = {c.name: c.source for c in record.source_cells}
    for _, out in results.values():      # either way, every test cell is the instructor's again
        tests = [c for c in out.cells if meta(c).get("grade") and c.cell_type == "code"]
        assert len(tests) == 4 and sum("BEGIN HIDDEN TESTS" in c.source for c in tests) == 3
        assert all(c.source == recorded[c.id] for c in tests)
