"""lstmcourse.grading: the checks the course's nbgrader assignments call, and what guards them.

A test cell in an assignment calls one check, for example ``check.lstm_cell(lstm_cell)``. The
check runs the student's function on fixed and random cases, compares every output with the
reference in :mod:`lstmcourse.numpy` (or ``torch.nn`` for assignment 5) and raises an
``AssertionError`` whose message says what is wrong: the shape got and expected, which output is
off and by how much, and a hint when the output equals a known mistake (gate order, a missing
forget gate, sigmoid where tanh belongs) computed on the same inputs.

Modules:

- ``report``: comparison of one output with the reference, and of it with mistaken variants.
- ``guard``: what the checks do inside the kernel so that student code cannot fool them
  (a snapshot of numpy and lstmcourse taken at import, a call tracer).
- ``static``: an AST inspection of the submitted cells, run outside the kernel.
- ``preprocessor``: the nbgrader preprocessor that applies ``static`` after execution.
- ``mistakes``: the catalogue of common wrong implementations, computed on purpose.
- ``a1_rnn`` … ``a5_torch_lstm``: the checks, one module per assignment.

Import order matters for the guard: the assignments import their check module in a locked
set-up cell, before any student code has run.
"""

from lstmcourse.grading.guard import IntegrityError

__all__ = ["IntegrityError"]
