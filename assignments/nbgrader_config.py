"""nbgrader settings for the course: only what differs from nbgrader's defaults.

nbgrader reads this file from the repository root too (``../nbgrader_config.py`` loads it), so
every command in the book's appendix runs from the root, with ``.venv/bin`` first on PATH
(nbgrader calls ``alembic`` by name). Paths are absolute, computed from this file's place.
"""

import os
import warnings

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearOutput,
    DeduplicateIds,
    GetGrades,
    IgnorePattern,
    LimitOutput,
    OverwriteKernelspec,
    SaveAutoGrades,
)

from lstmcourse.grading.autograde import SandboxedExecute
from lstmcourse.grading.sanitize import FeedbackClearHiddenTests, QuietOverwriteCells

c = get_config()  # noqa: F821 - provided by traitlets when it loads this file
COURSE = os.path.dirname(os.path.abspath(__file__))  # noqa: F821 - __file__ too

c.CourseDirectory.course_id = "lstmcourse"
c.CourseDirectory.root = COURSE
c.NbGrader.logfile = os.path.join(COURSE, ".nbgrader.log")

# The exchange (release_assignment -> fetch_assignment, submit -> collect) is a folder of the
# course by default: nothing outside the repository, no root needed. On a shared JupyterHub,
# point LSTMCOURSE_EXCHANGE (or Exchange.root in /etc/jupyter/nbgrader_config.py) at a folder
# that instructors and students share.
c.Exchange.root = os.environ.get("LSTMCOURSE_EXCHANGE") or os.path.join(COURSE, "exchange")

# Sanitising a submission puts the instructor's cells back (nbgrader's OverwriteCells), quietly
# for test cells that are as released (their hidden tests were cut); a deleted test cell is put
# back too, so deleting a test cannot skip it.
c.Autograde.sanitize_preprocessors = [
    ClearOutput,
    DeduplicateIds,
    OverwriteKernelspec,
    QuietOverwriteCells,
    CheckCellMetadata,
]
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
c.GenerateFeedback.preprocessors = [GetGrades, FeedbackClearHiddenTests, CSSHTMLHeaderPreprocessor]

# nbgrader 0.9.6 with SQLAlchemy 2 warns "Object of type <SubmittedAssignment> not in session"
# when autograde records a new submission; the gradebook is right, the warning is noise.
warnings.filterwarnings("ignore", message=r"Object of type <\w+> not in session")
