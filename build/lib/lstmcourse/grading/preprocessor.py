"""The nbgrader preprocessor that applies :mod:`lstmcourse.grading.static` during autograding.

It runs outside the kernel, after ``Execute`` and before ``SaveAutoGrades`` (see the course's
``nbgrader_config.py``), on the notebook nbgrader has already sanitised: locked cells carry the
instructor's source again (``OverwriteCells``), so a locked cell with a valid ``grade_id`` and the
instructor's checksum is trusted and every other code cell is the student's. For each test cell
that calls a function whose source breaks the rules, it appends an ``IntegrityError`` output; a
test cell with an error output scores zero in nbgrader, and the feedback shows the reason.

It also caps every text output at ``max_output_chars`` (nbgrader's ``LimitOutput`` counts lines,
and one line can be megabytes long), so the graded notebook and its feedback stay small.
"""

from __future__ import annotations

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Dict, Integer, List

from lstmcourse.grading import static


def _trusted(cell: NotebookNode) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return (utils.is_locked(cell) and not utils.is_solution(cell) and "grade_id" in meta
            and meta.get("checksum") == utils.compute_checksum(cell))


class IntegrityCheck(NbGraderPreprocessor):
    """Zero the tests of functions whose submitted source uses the reference or tampers."""

    allowed_modules = List(sorted(static.ALLOWED_MODULES),
                           help="Modules any student cell may import.").tag(config=True)
    extra_modules = Dict({}, help="{assignment: [modules]} allowed on top of allowed_modules."
                         ).tag(config=True)
    forbidden_attributes = Dict({}, help="{assignment: [names]} attributes students may not use."
                                ).tag(config=True)
    max_output_chars = Integer(20_000, help="Cap on each text output of a cell.").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict
                   ) -> tuple[NotebookNode, ResourcesDict]:
        assignment = resources.get("nbgrader", {}).get("assignment", "")
        code = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
        trusted = [c.source for _, c in code if _trusted(c)]
        student = [(i, c.source) for i, c in code if not _trusted(c)]
        tests = [(c.metadata.nbgrader["grade_id"], c.source) for _, c in code
                 if utils.is_grade(c) and not utils.is_solution(c) and _trusted(c)]
        inspection = static.inspect_cells(
            student, protected=static.bound_names(trusted),
            allowed_modules=[*self.allowed_modules, *self.extra_modules.get(assignment, [])],
            forbidden_attrs=self.forbidden_attributes.get(assignment, []))
        zeroed = static.tainted_tests(inspection, tests)
        for _, cell in code:
            self._cap(cell)
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in zeroed and _trusted(cell):
                reasons = [str(r) for r in zeroed[grade_id][:5]] or ["(see the other cells)"]
                text = ("This test gives no points: the code it tests breaks the grading rules "
                        "(no lstmcourse, no imports beyond the allowed ones, no patching of "
                        "numpy or the grader). Found: " + "; ".join(reasons))
                self.log.warning("%s: %s", grade_id, text)
                cell.outputs.append(NotebookNode(output_type="error", ename="IntegrityError",
                                                 evalue=text, traceback=[text]))
        return nb, resources

    def _cap(self, cell: NotebookNode) -> None:
        limit = self.max_output_chars
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and len(out.get("text", "")) > limit:
                out.text = out.text[:limit] + f"\n... output cut at {limit} characters ...\n"
            for mime, value in dict(out.get("data", {})).items():
                if isinstance(value, str) and len(value) > limit and mime.startswith("text/"):
                    out.data[mime] = value[:limit] + "\n... cut ..."
