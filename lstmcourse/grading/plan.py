"""Plans: what a check asks of the student's code, and how the answers are judged.

A check in an assignment module (``check.lstm_cell(lstm_cell)``) does not call the student's
function itself. It builds a :class:`Plan`:

- ``plan.call(target, *args)`` adds one call of the student's function (``target``) on inputs
  the grader drew, and returns a :class:`Pending` handle for its result;
- ``plan.expect(judge, handle, ...)`` adds a judgement: after the calls were made, ``judge`` is
  called with each handle replaced by its :class:`Outcome` and raises ``AssertionError`` with a
  message for the student when something is wrong.

The calls and the judgements run in different places. At home, in the student's kernel, a check
does both at once (:func:`run_here`). When the class is graded, the plan is made outside the
sandbox, its calls cross the wall as plain data (:mod:`lstmcourse.grading.record`), the sandboxed
kernel makes them and writes down the results, and the judgements run outside again on those
results: expected values never exist in a process that runs student code.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lstmcourse.grading import record


@dataclass(frozen=True)
class Student:
    """The student's function or class called ``name`` (in a test cell: the object itself)."""

    name: str
    obj: Any = None


@dataclass(frozen=True)
class Given:
    """A function the notebook gives the student (assignments 3 and 4 give reference layers)."""

    name: str


@dataclass(frozen=True)
class Pending:
    """What call ``key`` will return; ``handle[2]`` is item 2 of it, usable as a later argument."""

    key: str
    path: tuple = ()

    def __getitem__(self, item: int | str) -> Pending:
        return Pending(self.key, (*self.path, item))


@dataclass
class Outcome:
    """What one call did: its return value (or the error it raised) and its array arguments as
    they were after the call."""

    function: str
    value: Any = None
    error: dict | None = None
    args_after: list = field(default_factory=list)
    seconds: float = 0.0

    def get(self, case: str = "") -> Any:
        """The returned value; an AssertionError that quotes the student's error otherwise."""
        if self.error is None:
            return self.value
        e = self.error
        where = f" ({e['where']})" if e.get("where") else ""
        prefix = f"[{case}] " if case else ""
        msg = f"{prefix}{self.function} raised {e['type']}{where}: {e['message']}"
        if e["type"] in ("ModuleNotFoundError", "ImportError") and "lstmcourse" in e["message"]:
            msg += (" — the grader runs your code without the course package: write the function "
                    "yourself, with NumPy.")
        raise AssertionError(msg)


_uids = itertools.count()


@dataclass
class Plan:
    """The calls of one check and the judgements on their results."""

    name: str
    uid: int = field(default_factory=lambda: next(_uids))   # keeps keys unique within a cell
    calls: list[dict] = field(default_factory=list)
    targets: set[str] = field(default_factory=set)
    # The functions this check grades; the assignment's rules are applied to these. Others it
    # calls (a forward pass, to get a cache for the backward one) only help.
    graded: set[str] = field(default_factory=set)
    _objects: dict[str, Any] = field(default_factory=dict)
    _judges: list[tuple[Callable, tuple, dict]] = field(default_factory=list)
    _arrays: dict[str, np.ndarray] = field(default_factory=dict)
    _labels: dict[str, str] = field(default_factory=dict)

    # --- building ---------------------------------------------------------------------------
    def call(self, target: Student | Given | Pending, *args: Any, attrs: tuple[str, ...] = (),
             probe: str = "", **kwargs: Any) -> Pending:
        """Add ``target(*args, **kwargs)`` (or ``target.attr(...)``, or a probe of it)."""
        key = f"{self.name}.{self.uid}:{len(self.calls)}"
        entry = {"key": key, "target": self._encode(target),
                 "args": [self._encode(a) for a in args],
                 "kwargs": [[k, self._encode(v)] for k, v in kwargs.items()]}
        if attrs:
            entry["attrs"] = list(attrs)
        if probe:
            entry["probe"] = probe
        self.calls.append(entry)
        self._labels[key] = _function_name(target, attrs)
        return Pending(key)

    def expect(self, judge: Callable[..., None], *args: Any, **kwargs: Any) -> None:
        """Afterwards: ``judge(*args, **kwargs)``, each Pending replaced by its Outcome."""
        self._judges.append((judge, args, kwargs))

    def grades(self, *functions: Student) -> None:
        """Name the functions this check grades (default: every student function it calls)."""
        self.graded.update(f.name for f in functions)

    def graded_names(self) -> set[str]:
        return self.graded or self.targets

    def _encode(self, value: Any) -> Any:
        if isinstance(value, Student):
            self.targets.add(value.name)
            if value.obj is not None:
                self._objects[value.name] = value.obj
            return {"name": value.name}
        if isinstance(value, Given):
            return {"given": value.name}
        if isinstance(value, Pending):
            return {"ref": value.key, "path": list(value.path)}
        if isinstance(value, (tuple, list)):
            kind = "tuple" if isinstance(value, tuple) else "list"
            return {kind: [self._encode(v) for v in value]}
        if isinstance(value, dict):
            return {"dict": [[k, self._encode(v)] for k, v in value.items()]}
        return record.encode(value, self._arrays, prefix=f"p{self.uid}a")

    # --- the wire format --------------------------------------------------------------------
    def wire(self) -> tuple[dict, dict[str, np.ndarray]]:
        """The plan as plain data: what :func:`lstmcourse.grading.record.run_calls` reads."""
        return {"calls": self.calls}, self._arrays

    # --- judging ----------------------------------------------------------------------------
    def outcomes(self, rec: dict, arrays: dict[str, np.ndarray]) -> dict[str, Outcome]:
        """Decode a record into one :class:`Outcome` per call of this plan."""
        out = {}
        for call in self.calls:
            key = call["key"]
            entry = rec.get("calls", {}).get(key)
            if entry is None:
                entry = {"error": {"type": "NotRun", "where": "",
                                   "message": "this call was never made (the notebook stopped "
                                              "before this test: a crash or the time limit)"}}
            oc = Outcome(self._labels[key], error=entry.get("error"),
                         seconds=float(entry.get("seconds", 0.0)))
            if oc.error is None:
                try:
                    oc.value = record.decode(entry["value"], arrays)
                    oc.args_after = record.decode(entry.get("args_after", {"list": []}), arrays)
                except Exception as exc:  # a forged or broken record is the student's failure
                    oc.error = {"type": "BadRecord", "where": "",
                                "message": f"the result could not be read back ({exc})"}
            out[key] = oc
        return out

    def judge(self, rec: dict, arrays: dict[str, np.ndarray]) -> list[str]:
        """Every judgement's failure message (empty when all pass)."""
        outcomes = self.outcomes(rec, arrays)

        def sub(v: Any) -> Any:
            return _resolve(v, outcomes)

        failures = []
        for judge, args, kwargs in self._judges:
            try:
                judge(*map(sub, args), **{k: sub(v) for k, v in kwargs.items()})
            except AssertionError as exc:
                failures.append(str(exc))
            except Exception as exc:  # values of an unexpected form (a forged record, say)
                failures.append(f"{self.name}: the values your code returned could not be "
                                f"checked ({type(exc).__name__}: {exc}).")
        return failures


def _resolve(value: Any, outcomes: dict[str, Outcome]) -> Any:
    """Replace Pending handles (also inside tuples, lists and dicts) by their outcomes."""
    if isinstance(value, Pending):
        oc = outcomes[value.key]
        if not value.path:
            return oc
        item = oc.get()
        for step in value.path:
            item = item[step]
        return item
    if isinstance(value, tuple):
        return tuple(_resolve(v, outcomes) for v in value)
    if isinstance(value, list):
        return [_resolve(v, outcomes) for v in value]
    if isinstance(value, dict):
        return {k: _resolve(v, outcomes) for k, v in value.items()}
    return value


def _function_name(target: Any, attrs: tuple[str, ...]) -> str:
    base = {Student: lambda t: t.name, Given: lambda t: t.name}.get(type(target),
                                                                      lambda t: "the object")
    return ".".join([base(target), *attrs])


def failure_message(failures: list[str]) -> str:
    """One message for a test cell: the first failure, and how many more there are."""
    if not failures:
        return ""
    more = len(failures) - 1
    return failures[0] + (f"\n(and {more} more failing case{'s' * (more > 1)})" if more else "")


# --- where a check runs --------------------------------------------------------------------------
# While the grader plans a test cell (outside the sandbox), checks add their plans to this list
# instead of running.
_collecting: list[Plan] | None = None


@contextlib.contextmanager
def collecting() -> Iterator[list[Plan]]:
    """Within this block every check returns its plan into the yielded list instead of running."""
    global _collecting
    previous, _collecting = _collecting, []
    try:
        yield _collecting
    finally:
        _collecting = previous


def run_here(plan: Plan, given: dict | None = None) -> None:
    """Make the plan's calls in this process and judge them (a student's own run)."""
    wire, inputs = plan.wire()
    rec, arrays = record.run_calls(wire, inputs, dict(plan._objects), given)
    # The same round trip through plain data as in grading, so home and grader agree exactly.
    msg = failure_message(plan.judge(rec, arrays))
    if msg:
        raise AssertionError(msg)


def student(obj: Any, name: str) -> Student:
    """The student's object as a call target; in planning it is already a :class:`Student`."""
    if isinstance(obj, Student):
        return obj
    return Student(name, obj)


def check(name: str, given: Callable[[], dict] | None = None) -> Callable:
    """Decorator for a check ``f(*students, **options) -> Plan``: plans when collecting, else
    runs here; ``given`` returns the given functions the calls may receive."""

    def wrap(make: Callable[..., Plan]) -> Callable[..., None]:
        def run(*args: Any, **kwargs: Any) -> None:
            plan = make(*args, **kwargs)
            if _collecting is not None:
                _collecting.append(plan)
                return
            run_here(plan, given() if given else None)

        run.__name__ = run.__qualname__ = make.__name__
        run.__doc__ = make.__doc__
        return run

    return wrap
