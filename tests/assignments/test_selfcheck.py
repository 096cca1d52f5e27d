"""``python -m lstmcourse.grading``: what a learner without an instructor sees when the check
cannot grade (exit 1 and a message that says why), the student's notebook it hands out, and its
scores on odd notebooks (deleted or edited test cells) against ``nbgrader autograde``'s. Its
scores on the workflow's submissions are compared in test_workflow.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader_course import Course, cell_by_id
from test_workflow import A, work

from lstmcourse.grading import course

REPO = Path(__file__).resolve().parents[2]


def cli(*args: str, cwd: Path | None = None, env: dict | None = None
        ) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lstmcourse.grading", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300, env=env)


@pytest.fixture()
def other_notebook(tmp_path: Path) -> Path:
    path = tmp_path / "mine.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")]), path)
    return path


@pytest.mark.parametrize(("make", "message"), [
    (lambda d: d / "missing.ipynb", "no such file"),
    (lambda d: (d / "x.ipynb").write_text("{not json") and d / "x.ipynb",
     "not a Jupyter notebook"),
])
def test_an_unreadable_file_is_refused(tmp_path, make, message):
    proc = cli("check", str(make(tmp_path)))
    assert proc.returncode == 1 and message in proc.stderr and proc.stdout == ""


def test_a_notebook_of_another_course_is_refused(other_notebook):
    proc = cli("check", str(other_notebook))
    assert proc.returncode == 1
    assert "is not one of the course's assignment notebooks" in proc.stderr


def test_an_unknown_assignment_is_refused(tmp_path):
    nb, _ = course.release("a1_rnn")
    nbformat.write(nb, tmp_path / "a1_rnn.ipynb")
    proc = cli("check", str(tmp_path / "a1_rnn.ipynb"), "--assignment", "a9_attention")
    assert proc.returncode == 1 and "unknown assignment 'a9_attention'" in proc.stderr
    assert "a1_rnn, a2_lstm_cell" in proc.stderr


def test_without_the_course_sources_it_says_where_to_get_them(tmp_path):
    proc = cli("--course", str(tmp_path), "check", "a1_rnn.ipynb")
    assert proc.returncode == 1 and "cannot find the course's assignments" in proc.stderr
    assert "--course" in proc.stderr


def test_get_writes_the_student_version_and_never_overwrites(tmp_path):
    proc = cli("get", "a2_lstm_cell", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    path = tmp_path / "a2_lstm_cell.ipynb"
    text = path.read_text()
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
    assert text.count("raise NotImplementedError()") == 3
    path.write_text(text + " ")                       # the learner's work
    again = cli("get", "a2_lstm_cell", cwd=tmp_path)
    assert again.returncode == 1 and "exists already" in again.stderr
    assert path.read_text().endswith(" ")


def test_a_renamed_notebook_is_recognised_by_its_cells(tmp_path):
    nb, _ = course.release("a3_lstm_sequence")
    renamed = tmp_path / "my attempt (1).ipynb"
    nbformat.write(nb, renamed)
    assert course.identify(nb, renamed, course.course_dir()) == "a3_lstm_sequence"


def test_list_names_every_assignment():
    proc = cli("list")
    assert proc.returncode == 0
    assert [line.split()[0] for line in proc.stdout.splitlines()] == course.names()


# ------------------------------------------------------------------ odd notebooks, in process
ODD = {
    # nbgrader puts a deleted test cell back; an edited one is restored; a broken function.
    "deleted_test": lambda nb: _without(nb, "test_rnn_cell_relu"),
    "edited_test": lambda nb: _edited(nb, "test_rnn_cell_backward", '"""Nothing to see."""'),
    "renamed": lambda nb: _edited(nb, "rnn_cell_backward", "def backward(dh, cache):\n"
                                                            "    return dh"),
    # ... and one that nbgrader cannot grade at all: the check says it cannot either.
    "deleted_setup": lambda nb: _without(nb, "a1_setup"),
}


def _without(nb: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    nb = nbformat.from_dict(nb)
    nb.cells.remove(cell_by_id(nb, grade_id))
    return nb


def _edited(nb: nbformat.NotebookNode, grade_id: str, source: str) -> nbformat.NotebookNode:
    nb = nbformat.from_dict(nb)
    cell_by_id(nb, grade_id).source = source
    return nb


@pytest.mark.slow
def test_the_check_equals_autograde_on_odd_notebooks(tmp_path):
    c = Course(tmp_path / "course")
    solved = work(c.released(A), c.source(A), "alice")
    subs = {name: make(solved) for name, make in ODD.items()}
    expected = c.grade(A, subs, failing=("deleted_setup",))

    def self_check(nb: nbformat.NotebookNode) -> dict | None:
        try:
            return {s.grade_id: s.score for s in course.grade(nb, A, c.root).scores}
        except Exception:
            return None

    got = {name: self_check(nb) for name, nb in subs.items()}
    assert got.pop("deleted_setup") is None
    assert set(expected.pop("deleted_setup").values()) == {None}    # no grades
    assert got == expected
    path = tmp_path / "a1_rnn.ipynb"
    nbformat.write(subs["deleted_setup"], path)
    proc = cli("check", str(path))
    assert proc.returncode == 1 and "could not be graded as a1_rnn" in proc.stderr
