"""lstmcourse: the reference code of an open course on LSTMs.

- :mod:`lstmcourse.numpy`: readable, exact NumPy implementations (forward and backward).
- :mod:`lstmcourse.torch`: ``torch.nn`` drop-in modules written from the same equations.
- :mod:`lstmcourse.conventions`: parameter names, gate order and suffixes, written once.
- :mod:`lstmcourse.widgets`: the book's interactive widgets, also usable in Jupyter.
- :mod:`lstmcourse.tasks`, :mod:`lstmcourse.train` and :mod:`lstmcourse.experiments`: synthetic
  tasks, a small trainer, and the experiments that test the lecture's claims.
- :mod:`lstmcourse.grading`: the checks the assignments call, and the sandboxed autograder.
"""

__version__ = "0.1.0"
