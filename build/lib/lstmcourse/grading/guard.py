"""What the checks do inside the kernel so that the student's code cannot fool them.

The student's cells run in the same kernel, before the test cells. Anything a check looks up at
call time (``numpy.allclose``, ``lstmcourse.numpy.lstm_cell``, this module's functions) could
have been replaced by then. Two defences live here; the authoritative one, an inspection of the
submitted source outside the kernel, lives in :mod:`lstmcourse.grading.static`.

1. **Snapshot at import.** The assignments import their check module in a locked set-up cell, the
   first code cell, before any student code. At that moment this module records the identity of
   every attribute of ``numpy``, ``numpy.testing``, ``numpy.linalg``, ``builtins``, ``torch`` (when
   imported) and every loaded ``lstmcourse`` module. :func:`verify` compares the live objects with
   the snapshot; a replaced attribute raises :class:`IntegrityError`, which fails the test cell.
   The comparison itself uses only ``is`` and ``dict`` lookups, which no assignment can redefine.
2. **A call tracer.** :func:`call_student` runs the student's function under ``sys.setprofile``
   and records every call that enters ``lstmcourse`` from outside it. A graded function that calls
   the reference (by any name, alias or indirection) raises :class:`IntegrityError`.

Neither defence holds against code that reaches into interpreter internals; that is what the
static inspection forbids (``sys``, ``gc``, ``importlib``, dunder attributes, ``exec``…).
"""

from __future__ import annotations

import builtins
import os
import sys
from collections.abc import Callable, Iterable
from typing import Any

import numpy

import lstmcourse


class IntegrityError(AssertionError):
    """A check found the grading environment tampered with, or a call into the reference."""


_PKG_DIR = os.path.dirname(os.path.abspath(lstmcourse.__file__)) + os.sep
_GRADING_DIR = os.path.join(_PKG_DIR, "grading") + os.sep
_WATCHED_NAMES = ("numpy", "numpy.testing", "numpy.linalg")

# Captured now, at import, so later replacement of sys.setprofile cannot blind the tracer.
_setprofile = sys.setprofile
_getprofile = sys.getprofile
_modules = sys.modules
_snapshot: dict[str, tuple[Any, dict[str, Any]]] = {}
_objects: dict[str, tuple[Any, dict[str, Any]]] = {}
# Names IPython (re)binds in builtins around every cell; they are not part of numpy's or
# lstmcourse's behaviour, so a change there is not tampering.
_VOLATILE = frozenset({"_", "get_ipython", "display", "exit", "quit", "dreload"})


def _watched_modules() -> Iterable[str]:
    yield from _WATCHED_NAMES
    yield from [name for name in list(_modules) if name.split(".")[0] == "lstmcourse"]


def take_snapshot() -> None:
    """Record the identity of every attribute of the watched modules (idempotent per module)."""
    for name in _watched_modules():
        module = _modules.get(name)
        if module is not None and name not in _snapshot:
            _snapshot[name] = (module, dict(vars(module)))


def watch(name: str, obj: Any, keys: Iterable[str]) -> None:
    """Also watch ``keys`` of ``obj`` (a module or class), e.g. torch's, whose other attributes
    torch itself rebinds lazily (``torch.manual_seed`` is wrapped once ``torch.optim`` loads)."""
    live = vars(obj)
    _objects[name] = (obj, {k: live[k] for k in keys if k in live})


def verify() -> None:
    """Raise :class:`IntegrityError` if any watched module or attribute was replaced."""
    problems = []
    for name, (module, attrs) in _snapshot.items():
        if _modules.get(name) is not module:
            problems.append(f"sys.modules[{name!r}] was replaced")
            continue
        live = vars(module)
        for key, value in attrs.items():
            # numpy's and torch's lazy submodules add keys later; replaced or deleted keys count.
            if key not in live or live[key] is not value:
                if key.startswith("__") or key in _VOLATILE:
                    continue  # bookkeeping that IPython and Python rebind between cells
                problems.append(f"{name}.{key} was replaced or deleted")
    for name, (obj, attrs) in _objects.items():
        live = vars(obj)
        problems += [f"{name}.{k} was replaced or deleted" for k, v in attrs.items()
                     if live.get(k) is not v]
    if problems:
        listed = "; ".join(problems[:5]) + (" …" if len(problems) > 5 else "")
        raise IntegrityError(
            "The grading environment was modified before this test ran: " + listed + ". "
            "Graded code must not patch numpy, builtins, torch or lstmcourse.")


_TRUSTED: set = set()


def trusted(func: Callable) -> Callable:
    """Mark a grader function that calls the reference on the student's behalf (e.g. the ``layer``
    handed to a student's ``bidirectional``); its calls into the reference are allowed."""
    _TRUSTED.add(func.__code__)
    return func


def _from_outside(caller: Any) -> bool:
    """Whether a call into the reference comes from student code (not from the reference itself
    and not from a :func:`trusted` grader function). The grader's other frames, such as the one
    in :func:`call_student` that calls the student's function, count as the student's."""
    if caller is None:
        return True
    name = caller.f_code.co_filename
    if name.startswith(_GRADING_DIR):
        return caller.f_code not in _TRUSTED
    return not name.startswith(_PKG_DIR)


def call_student(func: Callable, *args: Any, allowed: Iterable[str] = (),
                 name: str | None = None) -> Any:
    """Call ``func(*args)`` and fail if it entered ``lstmcourse`` other than through ``allowed``.

    ``allowed`` names reference functions an assignment hands to students on purpose (e.g.
    assignment 3 gives ``lstm_cell`` so that ``lstm`` can be written on top of it).
    """
    verify()
    allowed = frozenset(allowed)
    entered: list[str] = []

    def tracer(frame, event, arg):  # noqa: ARG001 - the profile-hook signature
        if event != "call":
            return
        filename = frame.f_code.co_filename
        if filename.startswith(_PKG_DIR) and not filename.startswith(_GRADING_DIR):
            if _from_outside(frame.f_back) and frame.f_code.co_name not in allowed:
                entered.append(f"{frame.f_code.co_name} ({os.path.relpath(filename, _PKG_DIR)})")

    previous = _getprofile()
    _setprofile(tracer)
    try:
        result = func(*args)
    finally:
        _setprofile(previous)
    if entered:
        label = name or getattr(func, "__name__", "the graded function")
        raise IntegrityError(
            f"{label} calls the course's reference implementation ({', '.join(entered[:3])}). "
            "Graded functions must be your own code; this check gives no points.")
    verify()
    return result


take_snapshot()
# ipykernel rebinds input, getpass, display … in builtins around every cell: watch only what the
# checks use.
watch("builtins", builtins, ("abs", "all", "any", "isinstance", "len", "max", "min", "float",
                             "int", "range", "type", "zip", "hasattr", "getattr", "sum", "tuple",
                             "list", "dict", "iter", "next", "round", "sorted", "repr", "str",
                             "bool", "enumerate", "AssertionError", "Exception", "print"))
# Keep references to numpy and builtins so that linters see them used (the snapshot reads them
# from sys.modules by name).
_ = (numpy, builtins)
