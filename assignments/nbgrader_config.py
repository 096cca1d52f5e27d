"""nbgrader settings for the course: only what differs from nbgrader's defaults.

Run every nbgrader command from this folder (``cd assignments``), with the virtualenv's ``bin/``
first on PATH (nbgrader calls ``alembic``). Paths are relative to this folder.
"""

from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    Execute,
    IgnorePattern,
    LimitOutput,
    SaveAutoGrades,
)

from lstmcourse.grading.preprocessor import IntegrityCheck

c = get_config()  # noqa: F821 - provided by traitlets when it loads this file

c.CourseDirectory.course_id = "lstmcourse"
c.CourseDirectory.root = "."

# Every notebook runs in the plain python3 kernel; one cell may take at most 30 s (the training
# test in a5 needs a few), then nbgrader interrupts the kernel and goes on with the next cell.
c.Execute.kernel_name = "python3"
c.Execute.timeout = 30
# A deleted test cell is put back, so deleting a test cannot skip it.
c.OverwriteCells.add_missing_cells = True

# nbgrader's own autograde pipeline with IntegrityCheck between execution and saving the grades:
# it reads the submitted cells outside the kernel and zeroes the tests of code that uses the
# reference or tampers with numpy or the grader (see lstmcourse/grading/static.py).
c.Autograde.autograde_preprocessors = [
    Execute,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    IntegrityCheck,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]
# Assignment 5 is written in torch, and may not reach torch's own recurrent code.
c.IntegrityCheck.extra_modules = {"a5_torch_lstm": ["torch"]}
c.IntegrityCheck.forbidden_attributes = {
    "a5_torch_lstm": ["LSTMCell", "LSTM", "lstm_cell", "lstm", "_VF", "_C", "ops", "RNN",
                      "RNNCell", "GRU", "GRUCell", "rnn", "gru", "_lstm_impl"],
}
