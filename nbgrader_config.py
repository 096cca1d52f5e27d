"""nbgrader from the repository root: the course's settings are in assignments/nbgrader_config.py.

With this file, ``nbgrader`` commands and the formgrader (``jupyter lab`` started here) work from
the root, on the course in ``assignments/``.
"""

load_subconfig("assignments/nbgrader_config.py")  # noqa: F821 - provided by traitlets
