"""lstmcourse.grading: the checks the course's nbgrader assignments call, and the sandboxed grader.

A test cell in an assignment calls one check, for example ``check.lstm_cell(lstm_cell)``. A check
is a *plan*: calls of the student's function on inputs drawn from a seed, and judges that compare
what came back with the reference in :mod:`lstmcourse.numpy` (or ``torch.nn`` for assignment 5)
and say what is wrong: the shape got and expected, which output is off and by how much, and a
hint when the output equals a known mistake computed on the same inputs.

At home a check makes its calls and judges them at once, in the student's kernel. When a class is
graded, ``nbgrader autograde`` runs each submission in a sandbox where test cells only record,
and judges the records outside (:mod:`.autograde`); expected values never exist in a process that
runs student code.

Modules:

- :mod:`.plan`: plans, the student/given placeholders, running a plan at home.
- :mod:`.record`: the only grading code that runs beside student code: calls, and plain-data
  records.
- :mod:`.sandbox` and :mod:`.runner`: bubblewrap around one notebook's execution.
- :mod:`.autograde`: the nbgrader preprocessor that plans, runs the sandbox and judges.
- :mod:`.sanitize`: nbgrader's OverwriteCells and ClearHiddenTests, without their false alarms.
- :mod:`.course`: the assignments as data (sources, descriptions for the book, the student
  version) and a notebook graded by the autograder's pipeline outside nbgrader's gradebook,
  for ``python -m lstmcourse.grading check`` (``__main__``), a learner's own grader.
- :mod:`.given`: the functions a notebook gives its students, cut out for the sandbox.
- :mod:`.rules`: what an assignment forbids (the course package; torch's LSTM in assignment 5).
- :mod:`.report`: comparison of one output with the reference and with mistaken variants.
- :mod:`.mistakes`: the catalogue of common wrong implementations, computed on purpose.
- :mod:`.cases`: the sizes and inputs every check runs.
- :mod:`.a1_rnn` … :mod:`.a5_torch_lstm`: the checks, one module per assignment.
"""
