"""The committed source notebooks: nbgrader metadata, cell conventions, no outputs, and equal
to what ``assignments/make_sources.py`` writes (the generator is the way to edit them)."""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2] / "assignments"
NAMES = ["a1_rnn", "a2_lstm_cell", "a3_lstm_sequence", "a4_gru_bidirectional", "a5_torch_lstm"]


def load(name: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "source" / name / f"{name}.ipynb", 4)


def meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


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


@pytest.mark.parametrize("name", NAMES)
def test_committed_without_outputs_and_equal_to_the_generator(name):
    nb = load(name)
    assert all(not c.get("outputs") and c.get("execution_count") is None
               for c in nb.cells if c.cell_type == "code")
    spec = importlib.util.spec_from_file_location("make_sources", ROOT / "make_sources.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fresh = module.notebook(module.ASSIGNMENTS[name]())
    assert [(c.cell_type, c.source, c.metadata) for c in fresh.cells] == \
        [(c.cell_type, c.source, c.metadata) for c in nb.cells]


def test_config_is_short_and_relative():
    text = (ROOT / "nbgrader_config.py").read_text()
    assert 'c.CourseDirectory.root = "."' in text and "/work" not in text
    assert "SandboxedExecute" in text and "c.SandboxedExecute.timeout" in text
    assert "ClearHiddenTests" in text   # feedback never shows hidden tests
