"""The static inspection of submitted cells (no kernel, no nbgrader): what it flags and what not."""

from __future__ import annotations

import textwrap

import pytest

from lstmcourse.grading.static import MODULE, inspect_cells, tainted_tests

PROTECTED = {"np", "check", "torch", "nn"}
TESTS = [("test_f", "check.f(f)"), ("test_g", "check.g(g)")]


def zeroed(*cells: str, **kw) -> set[str]:
    kw.setdefault("protected", PROTECTED)
    found = inspect_cells([(i, textwrap.dedent(c)) for i, c in enumerate(cells)], **kw)
    return set(tainted_tests(found, TESTS))


HONEST_G = """
def g(x):
    return np.tanh(x)
"""


@pytest.mark.parametrize("body", [
    "from lstmcourse.numpy import rnn_cell\n    return rnn_cell(x)",
    "import lstmcourse.numpy as L\n    return L.rnn_cell(x)",
    "from lstmcourse import numpy as L\n    return L.rnn_cell(x)",
    "return check.f(x)",
    "return check._ref_rnn_cell(x)",
    "return getattr(check, '_ref_' + 'rnn_cell')(x)",
    "return 'lstmcourse'",
])
def test_using_the_reference_zeroes_only_that_function(body):
    assert zeroed(f"def f(x):\n    {body}\n", HONEST_G) == {"test_f"}


@pytest.mark.parametrize("code", [
    "np.allclose = lambda *a, **k: True",
    "np.testing.assert_allclose = lambda *a, **k: None",
    "check.f = lambda f: None",
    "check = None",
    "del np.isclose",
    "np.__dict__['allclose'] = None",
    "import sys\nsys.modules['numpy'].allclose = None",
    "import importlib",
    "__import__('os')",
    "exec('np.allclose = 1')",
    "setattr(np, 'allclose', None)",
    "def f(x):\n    global np\n    np = None",
    "def helper():\n    np.testing.assert_allclose = print\nhelper()",
    "get_ipython().run_cell('import lstmcourse')",
    "!echo hi",
    "%run other.py",
    "x = f.__globals__",
    "(1).__class__.__base__.__subclasses__()",
])
def test_tampering_zeroes_every_test(code):
    assert zeroed(code, "def f(x):\n    return x\n", HONEST_G) == {"test_f", "test_g"}


def test_a_top_level_alias_taints_the_functions_that_use_it():
    alias = "from lstmcourse.numpy import rnn_cell as _r\n"
    assert zeroed(alias, "def f(x):\n    return _r(x)\n", HONEST_G) == {"test_f"}
    assert zeroed("R = check._ref_rnn_cell\n", "def f(x):\n    return R(x)\n",
                  HONEST_G) == {"test_f"}


def test_taint_follows_calls_between_student_functions():
    helper = "def helper(x):\n    import lstmcourse.numpy as L\n    return L.sigmoid(x)\n"
    g_uses_helper = "def g(x):\n    return helper(x) * 2\n"
    assert zeroed(helper, "def f(x):\n    return x\n", g_uses_helper) == {"test_g"}


@pytest.mark.parametrize("code", [
    # Ordinary student code, including self-checks that call the grader at the top level.
    "import numpy as np\nimport math\nfrom typing import Any\n"
    "def f(x):\n    '''See lstmcourse for the reference.'''\n    cache = {}\n"
    "    cache['x'] = x\n    return np.tanh(x) + math.pi\n",
    "%matplotlib inline\ncheck.f(f)\nresult = f(np.ones(3))",
    "class Cell:\n    def __init__(self):\n        super().__init__()\n        self.w = 1\n"
    "    def forward(self, input):\n        return input\n",
    "def f(x)\n    return x",  # a syntax error defines nothing and flags nothing
])
def test_honest_code_is_not_flagged(code):
    assert zeroed(code, HONEST_G) == set()


def test_assignment_specific_rules_for_torch():
    torch_cell = "class f(nn.Module):\n    def forward(self, x, hx):\n" \
                 "        return nn.LSTMCell(2, 3)(x, hx)\n"
    # torch is not on the default allowlist (the NumPy assignments).
    assert zeroed("import torch\n", HONEST_G) == {"test_f", "test_g"}
    kw = {"allowed_modules": ["numpy", "torch"], "forbidden_attrs": ["LSTMCell", "_VF"]}
    assert zeroed(torch_cell, HONEST_G, **kw) == {"test_f"}
    assert zeroed("from torch.nn import LSTMCell as Base\nclass f(Base):\n    pass\n",
                  HONEST_G, **kw) == {"test_f"}
    assert zeroed("import torch\nclass f(nn.Module):\n    def forward(self, x):\n"
                  "        return torch.sigmoid(x)\n", HONEST_G, **kw) == set()


def test_findings_say_where_and_what():
    found = inspect_cells([(3, "def f(x):\n    import lstmcourse\n    return x\n")],
                          protected=PROTECTED)
    (finding,) = found.reasons("f")
    assert (finding.cell, finding.line) == (3, 2)
    assert "lstmcourse" in str(finding) and "f (cell 3, line 2)" in str(finding)
    assert MODULE not in found.tainted
