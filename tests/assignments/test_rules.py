"""What an assignment forbids, found in the source, and exactly which functions it costs."""

from __future__ import annotations

from lstmcourse.grading.rules import Rules, inspect, message

COURSE = Rules()
A5 = Rules(attributes=frozenset({"LSTMCell"}), why="write the gates yourself")
A4 = Rules(per_function={"gru_cell": frozenset({"gru"})}, why="compute the step yourself")


def cost(cells, rules, target):
    return inspect([(f"In [{k + 1}]", c) for k, c in enumerate(cells)], rules).cost(target, rules)


def test_magics_help_and_shell_lines_are_fine():
    cells = ["%timeit f(1)\nf?\n!ls", "%%time\ndef f(x):\n    return x.__class__.__name__"]
    assert cost(cells, COURSE, "f") == []


def test_an_import_costs_its_function_and_its_callers_only():
    cells = ["def helper(x):\n    import lstmcourse.numpy as L\n    return L.sigmoid(x)",
             "def lstm_cell(x):\n    return helper(x)",
             "def sigmoid(x):\n    return 1 / (1 + x)"]
    found = cost(cells, COURSE, "lstm_cell")
    assert found and found[0].where == "In [1], line 2"
    assert cost(cells, COURSE, "sigmoid") == []
    assert "gives no points: lstm_cell" in message("lstm_cell", found)


def test_a_top_level_alias_taints_the_functions_that_use_it():
    cells = ["from lstmcourse.numpy import lstm_cell_backward as _r",
             "def lstm_cell_backward(dh, dc, cache):\n    return _r(dh, dc, cache)"]
    assert cost(cells, COURSE, "lstm_cell_backward")


def test_a_local_variable_is_not_a_reference_to_a_top_level_name():
    cells = ["out, h = lstmcourse_free = 1, 2\nimport lstmcourse as out",
             "def gru_cell(x):\n    out = x + 1\n    return out"]
    assert cost(cells, COURSE, "gru_cell") == []


def test_forbidden_attributes_and_names_scoped_to_one_function():
    cells = ["class Cell:\n    def forward(self, x):\n        return torch.nn.LSTMCell(3, 4)(x)",
             "def gru_cell(x):\n    return gru(x)[1]", "def bidirectional(x):\n    return gru(x)"]
    assert cost(cells, A5, "Cell")
    assert cost(cells, A4, "gru_cell") and cost(cells, A4, "bidirectional") == []


def test_a_syntax_error_is_left_to_the_tests():
    assert cost(["def f(:\n    import lstmcourse"], COURSE, "f") == []
