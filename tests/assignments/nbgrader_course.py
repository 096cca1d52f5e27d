"""A temporary copy of the nbgrader course, driven through the real ``nbgrader`` CLI.

``Course.grade`` puts a whole class of submissions in place and runs ONE ``nbgrader autograde``
for all of them (a kernel start per notebook is the cost; nbgrader start-up is paid once), then
reads every test cell's score from the gradebook. Submissions are made from the source notebook
by replacing a function's solution region, so they stay in step with the notebooks.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "assignments"
BIN = Path(sys.executable).parent
GENERATED = ("release", "submitted", "autograded", "feedback", "gradebook.db", ".nbgrader.log")


class Course:
    def __init__(self, root: Path) -> None:
        self.root = root
        shutil.copytree(SOURCE, root, ignore=shutil.ignore_patterns(*GENERATED, "__pycache__"))
        self.env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
        self.generated: set[str] = set()

    def nbgrader(self, *args: str, timeout: float = 900, check: bool = True
                 ) -> subprocess.CompletedProcess:
        proc = subprocess.run([str(BIN / "nbgrader"), *args], cwd=self.root, env=self.env,
                              capture_output=True, text=True, timeout=timeout)
        if check and proc.returncode != 0:
            raise AssertionError(f"nbgrader {' '.join(args)} failed ({proc.returncode}):\n"
                                 f"{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}")
        return proc

    def generate(self, assignment: str) -> Path:
        if assignment not in self.generated:
            self.nbgrader("generate_assignment", assignment, "--force")
            self.generated.add(assignment)
        return self.root / "release" / assignment / f"{assignment}.ipynb"

    def source(self, assignment: str) -> nbformat.NotebookNode:
        return nbformat.read(self.root / "source" / assignment / f"{assignment}.ipynb", 4)

    def released(self, assignment: str) -> nbformat.NotebookNode:
        return nbformat.read(self.generate(assignment), 4)

    def grade(self, assignment: str, submissions: dict[str, nbformat.NotebookNode],
              *extra: str, failing: tuple[str, ...] = ()) -> dict[str, dict[str, float | None]]:
        """Autograde every submission in one CLI call; ``{student: {grade_id: auto_score}}``.

        nbgrader grades the whole class even when some notebooks cannot be graded at all (a
        killed kernel), then exits with an error naming them: ``failing`` lists those expected.
        """
        self.generate(assignment)
        for student, nb in submissions.items():
            folder = self.root / "submitted" / student / assignment
            folder.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, folder / f"{assignment}.ipynb")
        proc = self.nbgrader("autograde", assignment, "--force", *extra, check=not failing)
        if failing:
            for student in failing:
                assert student in proc.stdout + proc.stderr, f"{student} did not fail"
            assert proc.returncode != 0
        from nbgrader.api import Gradebook, MissingEntry

        scores = {}
        with Gradebook(f"sqlite:///{self.root / 'gradebook.db'}") as gb:
            for student in submissions:
                try:
                    nb = gb.find_submission_notebook(assignment, assignment, student)
                except MissingEntry:  # a notebook nbgrader could not grade at all
                    assert student in failing, student
                    scores[student] = {}
                    continue
                scores[student] = {g.name: g.auto_score for g in nb.grades}
        return scores

    def autograded(self, assignment: str, student: str) -> nbformat.NotebookNode:
        return nbformat.read(self.root / "autograded" / student / assignment
                             / f"{assignment}.ipynb", 4)

    def outputs(self, assignment: str, student: str, grade_id: str) -> str:
        """All text a test cell printed or raised in the autograded notebook."""
        for cell in self.autograded(assignment, student).cells:
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
                parts = []
                for out in cell.get("outputs", []):
                    parts += [out.get("text", ""), out.get("ename", ""), out.get("evalue", "")]
                return "\n".join(parts)
        raise KeyError(grade_id)


# ---------------------------------------------------------------------- making submissions
def cell_by_id(nb: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    for cell in nb.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            return cell
    raise KeyError(grade_id)


_REGION = re.compile(r"( *)### BEGIN SOLUTION\n.*?### END SOLUTION", re.S)


def with_body(nb: nbformat.NotebookNode, grade_id: str, body: str, region: int = 0
              ) -> nbformat.NotebookNode:
    """A copy of ``nb`` whose ``region``-th solution region in cell ``grade_id`` is ``body``
    (indented to the region's own indentation)."""
    nb = nbformat.from_dict(nb)
    cell = cell_by_id(nb, grade_id)
    matches = list(_REGION.finditer(cell.source))
    m = matches[region]
    indent = m.group(1)
    text = "\n".join(indent + line if line else line for line in body.strip("\n").splitlines())
    cell.source = cell.source[:m.start()] + text + cell.source[m.end():]
    return nb


def with_source(nb: nbformat.NotebookNode, grade_id: str, source: str) -> nbformat.NotebookNode:
    """A copy of ``nb`` with cell ``grade_id``'s whole source replaced."""
    nb = nbformat.from_dict(nb)
    cell_by_id(nb, grade_id).source = source
    return nb


def with_cell(nb: nbformat.NotebookNode, after: str, source: str) -> nbformat.NotebookNode:
    """A copy of ``nb`` with a new, unmarked code cell (a student's own) after cell ``after``."""
    nb = nbformat.from_dict(nb)
    index = nb.cells.index(cell_by_id(nb, after))
    nb.cells.insert(index + 1, nbformat.v4.new_code_cell(source))
    return nb


def auto_points(nb: nbformat.NotebookNode) -> dict[str, float]:
    """``{grade_id: points}`` of the autograded (code) test cells."""
    return {c.metadata.nbgrader["grade_id"]: float(c.metadata.nbgrader["points"])
            for c in nb.cells if c.cell_type == "code"
            and c.get("metadata", {}).get("nbgrader", {}).get("grade")}
