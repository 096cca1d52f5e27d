"""nbgrader settings for the course: only what differs from nbgrader's defaults.

Run every nbgrader command from this folder (``cd assignments``), with the virtualenv's ``bin/``
first on PATH (nbgrader calls ``alembic``). Paths are relative to this folder.
"""

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearHiddenTests,
    GetGrades,
    IgnorePattern,
    LimitOutput,
    SaveAutoGrades,
)

from lstmcourse.grading.autograde import SandboxedExecute

c = get_config()  # noqa: F821 - provided by traitlets when it loads this file

c.CourseDirectory.course_id = "lstmcourse"
c.CourseDirectory.root = "."

# A deleted test cell is put back, so deleting a test cannot skip it.
c.OverwriteCells.add_missing_cells = True

# nbgrader's own autograde pipeline, with its execute step replaced: each submission runs in a
# bubblewrap sandbox where test cells only record what the student's functions return for the
# grader's inputs; the grader judges those records outside (lstmcourse/grading/autograde.py).
c.Autograde.autograde_preprocessors = [
    SandboxedExecute,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]
# One cell may run 30 s (the training test in a5 needs a few), the whole notebook 4 minutes.
c.SandboxedExecute.timeout = 30
c.SandboxedExecute.notebook_timeout = 240

# Feedback never shows hidden tests: they are cut from the test cells before the HTML is made.
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]
