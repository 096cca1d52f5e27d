"""Two of nbgrader's steps, quiet where nbgrader warns about nothing wrong.

The sanitising step of the course's ``nbgrader autograde`` is nbgrader's OverwriteCells, quiet
about hidden tests:

``nbgrader generate_assignment`` records each test cell with its hidden tests, then cuts them
from the student's version, so every honest submission's test cells differ from the record and
nbgrader's OverwriteCells logs "Attribute 'checksum' for cell ``test_…`` has changed!" for each one,
as if the student had edited them. :class:`QuietOverwriteCells` restores the cells exactly as
OverwriteCells does, and stays silent when a test cell is the released one (the recorded source
with its hidden tests cut); any other change to a locked cell is still reported.

:class:`FeedbackClearHiddenTests` is ClearHiddenTests for ``nbgrader generate_feedback``, without
a warning about a setting it is given.
"""

from __future__ import annotations

import nbformat
from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.api import MissingEntry
from nbgrader.preprocessors import ClearHiddenTests, OverwriteCells
from traitlets import List


def without_hidden_tests(source: str) -> str:
    """``source`` as ``nbgrader generate_assignment`` releases it (ClearHiddenTests)."""
    cell = nbformat.v4.new_code_cell(source)
    ClearHiddenTests()._remove_hidden_test_region(cell)
    return cell.source


class QuietOverwriteCells(OverwriteCells):
    """OverwriteCells without the warning for test cells that are as released."""

    _as_released = False

    def preprocess_cell(self, cell: NotebookNode, resources: ResourcesDict, cell_index: int
                        ) -> tuple[NotebookNode, ResourcesDict]:
        self._as_released = False
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id is not None and utils.is_grade(cell) and cell.cell_type == "code":
            try:
                recorded = self.gradebook.find_source_cell(grade_id, self.notebook_id,
                                                           self.assignment_id)
            except MissingEntry:
                pass
            else:
                self._as_released = (recorded.locked and recorded.source != cell.source
                                     and cell.source == without_hidden_tests(recorded.source))
        return super().preprocess_cell(cell, resources, cell_index)

    def report_change(self, name: str, attr: str, old: object, new: object) -> None:
        if attr == "checksum" and self._as_released:
            self.log.debug("test cell %s is as released: its hidden tests are put back", name)
            return
        super().report_change(name, attr, old, new)


class FeedbackClearHiddenTests(ClearHiddenTests):
    """ClearHiddenTests for ``nbgrader generate_feedback``: the same step, which also accepts the
    HTML exporter's ``display_data_priority`` setting that every preprocessor is given (nbgrader's
    own class does not declare it configurable, so traitlets warns about it on every run)."""

    display_data_priority = List(
        ["text/html", "application/pdf", "text/latex", "image/svg+xml", "image/png",
         "image/jpeg", "text/plain"]).tag(config=True)
