"""lstmcourse: the reference code of an open course on LSTMs.

- ``lstmcourse.numpy``: readable, exact NumPy implementations (forward and backward).
- ``lstmcourse.torch``: ``torch.nn`` drop-in modules written from the same equations.
"""

__version__ = "0.1.0"
