"""The course's assignments seen from outside nbgrader's gradebook.

What this module knows, and who uses it:

- **where the source notebooks are** (:func:`course_dir`): the course folder ``assignments/`` of
  the repository that ``lstmcourse`` was installed from (``pip install -e .``), or a folder named
  by ``--course`` or ``$LSTMCOURSE_COURSE``;
- **what each assignment asks** (:func:`describe`): title, chapters, the functions the student
  writes, every graded test with its points and one-line description, all read from the source
  notebook itself. The book's assignment boxes and tables are built from it (:func:`box`,
  :func:`table`), so they cannot drift from the notebooks;
- **the student's version** of a notebook (:func:`release`) and **a notebook graded** the way
  ``nbgrader autograde`` grades it (:func:`grade`), for ``python -m lstmcourse.grading``;

How :func:`grade` stays the autograder. It runs nbgrader's own pipelines, as the course's
``nbgrader_config.py`` sets them, in this process:

1. ``generate_assignment``'s preprocessors turn the source notebook into what nbgrader records in
   its gradebook (SaveCells: each nbgrader cell's source and checksum, hidden tests included, and
   each test's points) and into the student's version;
2. ``autograde``'s sanitising preprocessors put the instructor's cells back from that record
   (OverwriteCells: test cells with their hidden tests, set-up cells, points; deleted tests are
   added back);
3. ``autograde``'s own preprocessors plan, run the notebook in the sandbox and judge
   (:class:`~lstmcourse.grading.autograde.SandboxedExecute`);
4. each test's score is nbgrader's ``determine_grade``, which is what SaveAutoGrades writes to
   the gradebook.

Only the steps that read or write the gradebook are replaced: by the in-memory record of step 1
(SaveCells, OverwriteCells, OverwriteKernelspec) or left out (SaveAutoGrades, whose score is
step 4, and AssignLatePenalties: a self-learner has no deadline).
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbformat.notebooknode import NotebookNode

REPO_COURSE = Path(__file__).resolve().parents[2] / "assignments"
COURSE_ENV = "LSTMCOURSE_COURSE"
CONFIG = "nbgrader_config.py"


class CourseError(Exception):
    """A notebook cannot be graded here; the message says why and what to do."""


# ------------------------------------------------------------------------- where the course is
def course_dir(path: str | os.PathLike | None = None) -> Path:
    """The course folder, the one holding ``source/`` and ``nbgrader_config.py``.

    Args:
        path: the folder; None looks at ``$LSTMCOURSE_COURSE``, then at ``assignments/`` of
            the repository this package lives in.

    Returns:
        The folder, resolved.

    Raises:
        CourseError: the folder found has no ``source/`` or no ``nbgrader_config.py``.
    """
    if path is not None:
        candidates = [("--course", Path(path))]
    elif os.environ.get(COURSE_ENV):
        candidates = [(f"${COURSE_ENV}", Path(os.environ[COURSE_ENV]))]
    else:
        candidates = [("the repository of lstmcourse", REPO_COURSE)]
    for _, folder in candidates:
        if (folder / "source").is_dir() and (folder / CONFIG).is_file():
            return folder.resolve()
    where, folder = candidates[0]
    raise CourseError(
        f"cannot find the course's assignments: {folder} ({where}) has no source/ folder and "
        f"{CONFIG}. The source notebooks (with the tests the grader runs) are in the course "
        "repository, under assignments/: use lstmcourse from a clone of it (`make venv`, or "
        "`pip install -e .` there), or pass --course PATH/TO/assignments.")


def names(course: Path | None = None) -> list[str]:
    """The assignments, in order: ``source/<name>/<name>.ipynb``."""
    source = (course or course_dir()) / "source"
    return sorted(p.name for p in source.iterdir() if (p / f"{p.name}.ipynb").is_file())


def source_path(name: str, course: Path | None = None) -> Path:
    course = course or course_dir()
    path = course / "source" / name / f"{name}.ipynb"
    if not path.is_file():
        raise CourseError(f"unknown assignment {name!r}: the course has "
                          f"{', '.join(names(course))}.")
    return path


def source_notebook(name: str, course: Path | None = None) -> NotebookNode:
    return nbformat.read(source_path(name, course), as_version=4)


def tidy(nb: NotebookNode) -> NotebookNode:
    """A source notebook in its committed form: no outputs or execution counts, and each nbgrader
    cell's id equal to its grade id. Other cells keep their ids (Jupyter gives a new cell a random
    one once; it never changes after), so an edit shows in ``git diff`` as just that edit."""
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        grade_id = _nbgrader(cell).get("grade_id")
        if grade_id:
            cell.id = grade_id
    nbformat.validate(nb)
    return nb


def tidy_sources(course: Path | None = None) -> list[Path]:
    """Rewrite every source notebook in its committed form; return those that changed."""
    changed = []
    for name in names(course):
        path = source_path(name, course)
        text = path.read_text(encoding="utf-8")
        new = nbformat.writes(tidy(nbformat.reads(text, as_version=4))) + "\n"
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed


# ------------------------------------------------------------------- what an assignment asks
def _nbgrader(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


@dataclass(frozen=True)
class Test:
    """One graded cell: a test cell, or a written answer that a person grades."""

    grade_id: str
    points: float
    what: str              # the test's docstring, or the question of a written answer
    written: bool = False


@dataclass(frozen=True)
class Assignment:
    """What one assignment asks, as :func:`describe` reads it from the source notebook."""

    name: str
    title: str                       # the notebook's first heading, without "Assignment N: "
    number: int
    chapters: tuple[int, ...]
    writes: tuple[str, ...]          # functions and classes in the student's cells
    tests: tuple[Test, ...] = field(default=())

    @property
    def points(self) -> float:
        return sum(t.points for t in self.tests)

    @property
    def written_points(self) -> float:
        return sum(t.points for t in self.tests if t.written)


def _docstring(source: str) -> str:
    try:
        return ast.get_docstring(ast.parse(source)) or ""
    except SyntaxError:
        return ""


def describe(name: str, course: Path | None = None) -> Assignment:
    """What assignment ``name`` asks, read from its source notebook.

    Args:
        name: the assignment, e.g. ``"a2_lstm_cell"``.
        course: the course folder (default :func:`course_dir`).

    Returns:
        The :class:`Assignment`: title, chapters, the functions the student writes, the tests.

    Raises:
        CourseError: an unknown assignment, or a notebook whose first heading is not
            "# Assignment N: title".
    """
    nb = source_notebook(name, course)
    heading = next(line for c in nb.cells if c.cell_type == "markdown"
                   for line in c.source.splitlines() if line.startswith("# "))
    m = re.fullmatch(r"# Assignment (\d+): (.+)", heading.strip())
    if not m:
        raise CourseError(f"{name}: the first heading should read '# Assignment N: title'")
    writes: list[str] = []
    tests: list[Test] = []
    previous_text = ""
    for cell in nb.cells:
        meta = _nbgrader(cell)
        if cell.cell_type == "code" and meta.get("solution"):
            for node in ast.parse(cell.source).body:
                if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                    writes.append(node.name)
        if meta.get("grade"):
            written = cell.cell_type == "markdown"
            what = (re.sub(r"^\*\*[^*]+\*\*\s*", "", previous_text).strip() if written
                    else _docstring(cell.source))
            tests.append(Test(meta["grade_id"], float(meta["points"]), what, written))
        if cell.cell_type == "markdown":
            previous_text = cell.source
    chapters = tuple(nb.metadata.get("lstmcourse", {}).get("chapters", ()))
    return Assignment(name, m.group(2), int(m.group(1)), chapters, tuple(writes), tuple(tests))


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _pts(x: float) -> str:
    return f"{x:g} point{'s' * (x != 1)}"


def get_command(name: str) -> str:
    return f".venv/bin/python -m lstmcourse.grading get {name}"


def check_command(name: str) -> str:
    return f".venv/bin/python -m lstmcourse.grading check {name}.ipynb"


def _code(text: str, names: tuple[str, ...]) -> str:
    """``text`` (a test's docstring) as Markdown with its code in backticks: calls, keyword
    arguments, dotted or underscored names, the student's functions, ``nan`` and ``inf``."""
    words = "|".join(re.escape(n) for n in (*names, "nan", "inf"))
    pattern = (r"[A-Za-z_][\w.]*\([^()]*\)|\w+=\"[^\"]*\"|\b[A-Za-z_]\w*(?:[._]\w+)+\b"
               rf"|\b(?:{words})\b")
    return re.sub(pattern, lambda m: f"`{m.group(0)}`", text)


def box(name: str, course: Path | None = None) -> str:
    """Markdown for a chapter's *Graded assignment* section, from the assignment itself."""
    a = describe(name, course)
    chapters = _and([str(c) for c in a.chapters])
    lines = [f"**Assignment {a.number}: {a.title}** (`{a.name}`, for chapter"
             f"{'s' * (len(a.chapters) > 1)} {chapters}, {_pts(a.points)}). You write "
             f"{_and([f'`{w}`' for w in a.writes])}. What is graded:", ""]
    for t in a.tests:
        how = "written answer, graded by a person: " if t.written else ""
        lines.append(f"- {_pts(t.points)}: {how}{t.what if t.written else _code(t.what, a.writes)}")
    lines += ["", f"Get the notebook: from the course folder, `{get_command(name)}` writes "
              f"`{name}.ipynb` into it (the instructor's version, with solutions, is "
              f"`assignments/source/{name}/`). Open it in Jupyter and fill in the functions. To "
              f"have it graded without an instructor, `{check_command(name)}` runs the course's "
              "autograder on it, hidden tests included, and prints each test's points and "
              "feedback. In a class, fetch and submit it as your instructor says instead."]
    return "\n".join(lines)


def table(course: Path | None = None) -> str:
    """Markdown table of every assignment: chapters, what the student writes, points."""
    rows = ["| Assignment | Chapters | You write | Points |", "|---|---|---|---|"]
    for name in names(course):
        a = describe(name, course)
        writes = ", ".join(f"`{w}`" for w in a.writes)
        if a.written_points:
            writes += ", a written answer"
        auto = a.points - a.written_points
        points = f"{a.points:g}" + (f" ({auto:g} autograded)" if a.written_points else "")
        rows.append(f"| `{a.name}`: {a.title} | {', '.join(map(str, a.chapters))} | {writes} "
                    f"| {points} |")
    return "\n".join(rows)


# ------------------------------------------------------------------------ nbgrader's pipelines
def load_config(course: Path):
    """The course's nbgrader configuration, as ``nbgrader`` itself would load it."""
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader(CONFIG, path=str(course)).load_config()


@dataclass
class _Cell:
    name: str
    cell_type: str
    locked: bool
    source: str
    checksum: str | None
    max_score: float | None = None


class _Record:
    """What ``nbgrader generate_assignment`` saves in the gradebook for one notebook (its
    SaveCells step), answering the questions autograde's sanitising steps ask the gradebook."""

    def __init__(self, nb: NotebookNode) -> None:
        from nbgrader import utils

        self.kernelspec = json.dumps(nb.metadata.get("kernelspec", {}))
        self.source_cells: list[_Cell] = []
        self.grade_cells: list[_Cell] = []
        self.solution_cells: list[_Cell] = []
        self.task_cells: list[_Cell] = []
        for cell in nb.cells:
            if not (utils.is_grade(cell) or utils.is_solution(cell) or utils.is_locked(cell)
                    or utils.is_task(cell)):
                continue
            meta = cell.metadata.nbgrader
            entry = _Cell(meta["grade_id"], cell.cell_type, utils.is_locked(cell), cell.source,
                          meta.get("checksum"),
                          float(meta["points"]) if "points" in meta else None)
            self.source_cells.append(entry)
            for kind, lst in (("grade", self.grade_cells), ("solution", self.solution_cells),
                              ("task", self.task_cells)):
                if meta.get(kind):
                    lst.append(entry)

    def _find(self, cells: list[_Cell], grade_id: str) -> _Cell:
        from nbgrader.api import MissingEntry

        for cell in cells:
            if cell.name == grade_id:
                return cell
        raise MissingEntry()

    def find_notebook(self, notebook_id: str, assignment_id: str) -> _Record:
        return self

    def find_source_cell(self, grade_id: str, notebook_id: str, assignment_id: str) -> _Cell:
        return self._find(self.source_cells, grade_id)

    def find_graded_cell(self, grade_id: str, notebook_id: str, assignment_id: str) -> _Cell:
        return self._find(self.grade_cells + self.task_cells, grade_id)


def _from_record(cls: type) -> type:
    """``cls`` (an nbgrader preprocessor that asks the gradebook) asking the record instead."""
    from nbgrader.preprocessors import (
        NbGraderPreprocessor,
        OverwriteCells,
        OverwriteKernelspec,
        SaveCells,
    )

    if issubclass(cls, OverwriteCells):
        class FromRecord(cls):
            def preprocess(self, nb, resources):
                self.notebook_id = resources["nbgrader"]["notebook"]
                self.assignment_id = resources["nbgrader"]["assignment"]
                self.gradebook = resources["lstmcourse_record"]
                nb, resources = NbGraderPreprocessor.preprocess(self, nb, resources)
                if self.add_missing_cells:
                    nb, resources = self.add_missing_grade_cells(nb, resources)
                    nb, resources = self.add_missing_task_cells(nb, resources)
                return nb, resources
    elif issubclass(cls, OverwriteKernelspec):
        class FromRecord(cls):
            def preprocess(self, nb, resources):
                kernelspec = json.loads(resources["lstmcourse_record"].kernelspec)
                if kernelspec:
                    nb.metadata["kernelspec"] = kernelspec
                return nb, resources
    elif issubclass(cls, SaveCells):
        class FromRecord(cls):
            def preprocess(self, nb, resources):
                resources["lstmcourse_record"] = _Record(nb)
                return nb, resources
    else:
        return cls
    FromRecord.__name__ = FromRecord.__qualname__ = cls.__name__
    return FromRecord


def _run(pipeline: list, nb: NotebookNode, resources: dict, config) -> NotebookNode:
    for cls in pipeline:
        if isinstance(cls, str):
            from traitlets.utils.importstring import import_item

            cls = import_item(cls)
        nb, resources = cls(config=config)(nb, resources)
    return nb


def _resources(name: str) -> dict:
    return {"nbgrader": {"notebook": name, "assignment": name, "student": "self",
                         "db_url": ""}, "metadata": {"path": "."}}


def release(name: str, course: Path | None = None) -> tuple[NotebookNode, _Record]:
    """The student's version of assignment ``name``, as ``nbgrader generate_assignment`` makes it.

    Args:
        name: the assignment.
        course: the course folder (default :func:`course_dir`).

    Returns:
        The pair ``(notebook, record)``, with the record of what that command writes to the
        gradebook.
    """
    from nbgrader.converters import GenerateAssignment

    course = course or course_dir()
    config = load_config(course)
    nb = source_notebook(name, course)
    resources = _resources(name)
    pipeline = [_from_record(c) for c in GenerateAssignment(config=config).preprocessors]
    nb = _run(pipeline, nb, resources, config)
    return nb, resources["lstmcourse_record"]


# ------------------------------------------------------------------------------ self-grading
def _unsandboxed_execute(base: type) -> type:
    class UnsandboxedExecute(base):
        """The same step, with the notebook run as this user, without bwrap."""

        def run_notebook(self, folder, notebook, out, limits):
            return run_unsandboxed(folder, notebook, out, limits)

    return UnsandboxedExecute


def run_unsandboxed(folder: Path, notebook: str, out: str, limits) -> Any:
    """What :func:`lstmcourse.grading.sandbox.run_notebook` does, without the sandbox: the same
    runner and limits (time, memory, file size, open files, output), as this user, in
    ``folder``. For a self-learner's own notebook on a machine without bubblewrap."""
    from lstmcourse.grading import sandbox

    shutil.copy(Path(sandbox.__file__).with_name("runner.py"),
                Path(folder) / "_lstmcourse_runner.py")
    argv = [sys.executable, "_lstmcourse_runner.py", notebook, out,
            "--cell-timeout", str(limits.cell_s), "--max-output", str(limits.output_chars)]
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1")
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=folder, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True,
                            preexec_fn=lambda: sandbox._set_limits(limits))
    timed_out = False
    try:
        _, err = proc.communicate(timeout=limits.wall_s)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(proc.pid, signal.SIGKILL)
        _, err = proc.communicate()
    return sandbox.Result(returncode=proc.returncode, seconds=time.perf_counter() - start,
                          timed_out=timed_out, log=err.decode(errors="replace")[-4000:])


def sandbox_problem() -> str | None:
    """Why the sandbox cannot run here (None when it can): bwrap missing, or no namespaces."""
    from lstmcourse.grading import sandbox

    try:
        sandbox.bwrap()
    except sandbox.SandboxUnavailable as exc:
        return str(exc)
    folder = Path(tempfile.mkdtemp(prefix="lstmcourse-probe-"))
    try:
        result = sandbox.run(folder, [sys.executable, "-c", "pass"],
                             sandbox.Limits(wall_s=60))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if result.returncode != 0:
        return f"bwrap cannot create a sandbox here: {result.log.strip()[-300:]}"
    return None


@dataclass(frozen=True)
class Score:
    """One graded cell's result in :class:`Graded`."""

    grade_id: str
    score: float | None        # None: a written answer, for a person to grade
    points: float
    what: str
    feedback: str              # the grader's message in the test cell ("" for written answers)
    written: bool


@dataclass
class Graded:
    """What :func:`grade` returns: the scores, the graded notebook, and how it ran."""

    assignment: str
    scores: list[Score]
    notebook: NotebookNode     # as ``autograded/`` would hold it
    sandboxed: bool

    @property
    def total(self) -> float:
        return sum(s.score or 0 for s in self.scores)

    @property
    def points(self) -> float:
        return sum(s.points for s in self.scores)


def read_notebook(path: str | os.PathLike) -> NotebookNode:
    path = Path(path)
    if not path.is_file():
        raise CourseError(f"{path}: no such file")
    try:
        return nbformat.read(path, as_version=4)
    except Exception as exc:
        raise CourseError(f"{path}: not a Jupyter notebook that can be read "
                          f"({type(exc).__name__}: {str(exc)[:200]})") from None


def identify(nb: NotebookNode, path: Path | None, course: Path) -> str:
    """Which assignment ``nb`` is: the one whose graded and locked cells it carries (its file
    name decides a tie)."""
    ids = {_nbgrader(c).get("grade_id") for c in nb.cells} - {None}
    best, overlap = None, 0
    for name in names(course):
        src = source_notebook(name, course)
        known = {_nbgrader(c).get("grade_id") for c in src.cells} - {None}
        n = len(ids & known) + (0.5 if path is not None and path.stem == name else 0)
        if len(ids & known) and n > overlap:
            best, overlap = name, n
    if best is None:
        where = f"{path}" if path is not None else "the notebook"
        raise CourseError(f"{where} is not one of the course's assignment notebooks: none of its "
                          "cells carries the nbgrader marks of "
                          f"{', '.join(names(course))}. Check the notebook you got with "
                          "`python -m lstmcourse.grading get NAME` (or from your instructor).")
    return best


def _round_trip(nb: NotebookNode) -> NotebookNode:
    """``nb`` written and read back, as nbgrader does between passes (a test cell nbgrader put
    back has no cell id; nbformat warns about that, nbgrader's output says nothing)."""
    from nbformat.warnings import MissingIDFieldWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MissingIDFieldWarning)
        return nbformat.reads(nbformat.writes(nb), as_version=4)


def grade(nb: NotebookNode, name: str, course: Path | None = None,
          sandboxed: bool = True) -> Graded:
    """Grade notebook ``nb`` as assignment ``name`` with the course's autograder pipeline.

    Args:
        nb: the student's notebook.
        name: the assignment it answers (see :func:`identify`).
        course: the course folder (default :func:`course_dir`).
        sandboxed: run the notebook in the bubblewrap sandbox; False runs it as this user
            (:func:`run_unsandboxed`), for a machine without bubblewrap.

    Returns:
        The :class:`Graded` notebook, with one :class:`Score` per graded cell.
    """
    from nbgrader import utils
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import AssignLatePenalties, SaveAutoGrades

    from lstmcourse.grading.autograde import SandboxedExecute

    course = course or course_dir()
    config = load_config(course)
    _, record = release(name, course)
    resources = _resources(name)
    resources["lstmcourse_record"] = record
    autograde = Autograde(config=config)
    sanitize = [_from_record(c) for c in autograde.sanitize_preprocessors]
    steps = []
    for cls in autograde.autograde_preprocessors:
        if isinstance(cls, type) and issubclass(cls, (SaveAutoGrades, AssignLatePenalties)):
            continue
        if not sandboxed and isinstance(cls, type) and issubclass(cls, SandboxedExecute):
            cls = _unsandboxed_execute(cls)
        steps.append(cls)
    # Between its two passes nbgrader writes the notebook to autograded/ and reads it back.
    nb = _round_trip(nbformat.from_dict(nb))
    nb = _run(sanitize, nb, resources, config)
    nb = _run(steps, _round_trip(nb), resources, config)
    described = {t.grade_id: t for t in describe(name, course).tests}
    scores = []
    for cell in nb.cells:
        if not utils.is_grade(cell):
            continue
        score, points = utils.determine_grade(cell)
        gid = cell.metadata.nbgrader["grade_id"]
        feedback = "\n".join(
            str(o.get("evalue") if o.get("output_type") == "error" else o.get("text", ""))
            for o in cell.get("outputs", [])).strip()
        t = described.get(gid)
        scores.append(Score(gid, score, points, t.what if t else "", feedback,
                            cell.cell_type == "markdown"))
    return Graded(name, scores, nb, sandboxed)
