"""Plans and records: what crosses the sandbox wall, and how a record is judged.

Fast unit tests of :mod:`lstmcourse.grading.record` (the code beside student code) and
:mod:`lstmcourse.grading.plan` (the grader's side): values survive the round trip as plain data,
nothing executable crosses, a forged or missing record earns nothing.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lstmcourse.grading import a1_rnn, record
from lstmcourse.grading.plan import Plan, Student, collecting


def roundtrip(value):
    arrays: dict = {}
    return record.decode(record.encode(value, arrays), arrays)


def test_plain_values_survive_the_round_trip():
    value = {"a": (np.arange(3.0), [1, "s", None, True]), "b": np.float32(2.5)}
    back = roundtrip(value)
    assert isinstance(back["a"], tuple) and isinstance(back["a"][1], list)
    assert np.array_equal(back["a"][0], np.arange(3.0)) and back["b"] == 2.5
    assert math.isnan(roundtrip(float("nan"))) and roundtrip(float("-inf")) == -math.inf
    assert roundtrip(np.ones(2, np.float32)).dtype == np.float32  # the student's dtype is kept


def test_objects_cross_as_their_type_name_only():
    class LSTMCellCache:
        pass

    back = roundtrip([LSTMCellCache(), np.array([object()], dtype=object)])
    assert [type(v).__name__ for v in back] == ["Opaque", "Opaque"]
    assert repr(back[0]) == "<LSTMCellCache object>"


def test_records_are_read_without_pickles(tmp_path):
    np.savez(tmp_path / "r.npz", a0=np.array([{"x": 1}], dtype=object))
    (tmp_path / "r.json").write_text('{"calls": {}}')
    with pytest.raises(ValueError, match="allow_pickle"):
        record.read(tmp_path, "r")[1]["a0"].sum()


def test_calls_record_values_errors_and_side_effects():
    def bump(x):
        x += 1
        return x * 2

    def leave():
        raise SystemExit("bye")

    plan = Plan("t")
    a = plan.call(Student("bump"), np.zeros(2))
    b = plan.call(Student("leave"))
    c = plan.call(Student("missing"))
    d = plan.call(Student("bump"), a)          # an earlier result as an argument
    wire, inputs = plan.wire()
    rec, arrays = record.run_calls(wire, inputs, {"bump": bump, "leave": leave})
    out = plan.outcomes(rec, arrays)
    assert np.array_equal(out[a.key].value, [2.0, 2.0])
    assert np.array_equal(out[a.key].args_after[0], [1.0, 1.0])  # the in-place change is seen
    assert out[b.key].error["type"] == "SystemExit"
    assert "defines no 'missing'" in out[c.key].error["message"]
    assert np.array_equal(out[d.key].value, [6.0, 6.0])


def test_a_missing_or_forged_record_earns_nothing():
    with collecting() as plans:
        a1_rnn.rnn_cell(Student("rnn_cell"), n_random=0)
    (plan,) = plans
    assert plan.judge({}, {}) and all("never made" in m for m in plan.judge({}, {}))
    # A record whose values were written by hand, for keys the grader did not plan, counts as
    # nothing; a value in the wrong form fails with a message, never a crash.
    forged = {"calls": {"rnn_cell.999:0": {"value": {"tuple": [1.0, None]}}}}
    assert len(plan.judge(forged, {})) == len(plan.calls)
    broken = {"calls": {plan.calls[0]["key"]: {"value": {"array": "nope"}}}}
    assert "could not be read back" in plan.judge(broken, {})[0]


def test_planning_collects_instead_of_running():
    with collecting() as plans:
        a1_rnn.rnn_cell(Student("rnn_cell"), seed=7, n_random=2)
        a1_rnn.rnn_cell_backward(Student("rnn_cell"), Student("rnn_cell_backward"))
    assert [p.name for p in plans] == ["rnn_cell", "rnn_cell_backward"]
    assert plans[0].targets == {"rnn_cell"}
    assert plans[1].graded_names() == {"rnn_cell_backward"}   # the forward pass only helps
    keys = [c["key"] for p in plans for c in p.calls]
    assert len(keys) == len(set(keys))                        # one cell's plans never collide
