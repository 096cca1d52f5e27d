"""A look at the submitted source, outside the kernel: what a graded function may not contain.

The kernel that runs the tests has also run the student's code, so anything measured inside it can
in principle be faked. This module reads the student-controlled cells as text, parses them (after
IPython's own translation of ``%magics`` and ``!shell`` lines) and reports, per top-level function
or class, the constructs that no honest solution needs:

- an import of anything outside a short allowlist (numpy, math, … and torch in assignment 5), so
  ``import lstmcourse``, ``from lstmcourse.numpy import lstm_cell as f``, ``import sys`` or
  ``import importlib`` are all caught, however the name is aliased later;
- the names ``lstmcourse``, ``__import__``, ``importlib``, ``eval``, ``exec``, ``compile``,
  ``getattr``/``setattr``/``delattr``, ``globals``, ``vars``, ``sys``, ``gc``, ``get_ipython`` …,
  which are the ways to reach a module or attribute by a string;
- the grader's module (``check``) inside a function, or its private attributes anywhere;
- dunder attributes (``f.__globals__``, ``x.__class__.__subclasses__``; ``super().__init__`` is
  fine), the ways to climb from an object to the interpreter's internals;
- assignment to, or deletion of, an attribute or item of a module or of a name the locked cells
  define (``np.allclose = …``, ``np.testing.assert_allclose = …``, ``check.lstm_cell = …``), and
  rebinding such a name at the top level (``np = …``);
- per assignment, forbidden attributes (assignment 5: torch's own recurrent code, ``nn.LSTMCell``,
  ``torch._VF`` …).

Findings inside a function taint that function and, through name references, every function that
uses it (a top-level ``ref = <finding>`` taints the name ``ref``). Findings that change or can
reach shared state (tampering, ``sys``, ``importlib``, ``__import__``, dunders …) taint every
test. :func:`tainted_tests` then names the test cells that call a tainted function, and
:mod:`lstmcourse.grading.preprocessor` zeroes those.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# Harmless standard-library helpers are allowed too, so a student who reaches for `random` or
# `copy` is not zeroed for it; what can reach the reference or the grader (sys, importlib)
# is not.
ALLOWED_MODULES = frozenset({"numpy", "math", "typing", "dataclasses", "collections",
                             "functools", "itertools", "time", "matplotlib", "__future__",
                             "random", "statistics", "fractions", "operator", "copy", "enum",
                             "abc", "numbers", "string", "re", "textwrap", "tqdm"})
FORBIDDEN_NAMES = frozenset({
    "lstmcourse", "__import__", "importlib", "eval", "exec", "compile", "getattr", "setattr",
    "delattr", "globals", "locals", "vars", "open", "sys", "gc", "inspect", "builtins",
    "__builtins__", "get_ipython", "breakpoint", "__loader__", "__spec__",
})
# Names that reach or change shared state: a finding with one of them taints every test.
TAMPER_NAMES = FORBIDDEN_NAMES - {"lstmcourse", "getattr"}
ALLOWED_DUNDERS = frozenset({"__init__"})
ALLOWED_MAGICS = frozenset({"matplotlib"})
MODULE = "<top level>"
GRADER_NAMES = frozenset({"check"})  # what the set-up cells call the grading module


@dataclass
class Finding:
    """One forbidden construct: where it is and what it is."""

    unit: str  # the top-level function/class it sits in, or MODULE
    cell: int  # index of the cell in the notebook
    line: int
    what: str
    tamper: bool = False  # changes shared state, so every test is in doubt

    def __str__(self) -> str:
        where = "top-level code" if self.unit == MODULE else self.unit
        return f"{where} (cell {self.cell}, line {self.line}): {self.what}"


@dataclass
class Inspection:
    """What :func:`inspect_cells` found."""

    findings: list[Finding] = field(default_factory=list)
    references: dict[str, set[str]] = field(default_factory=dict)  # unit -> names it loads
    tainted: set[str] = field(default_factory=set)  # units, after propagation; MODULE = all

    def reasons(self, unit: str) -> list[Finding]:
        return [f for f in self.findings if f.unit == unit]


def to_python(source: str) -> str:
    """IPython's translation of a cell (magics, ``!cmd``) to plain Python, as the kernel runs it."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:  # pragma: no cover - IPython is a dependency of nbgrader
        return source
    return TransformerManager().transform_cell(source)


def bound_names(sources: Iterable[str]) -> set[str]:
    """Names the given (trusted) cells bind at top level: imports, defs, assignments."""
    names: set[str] = set()
    for src in sources:
        try:
            tree = ast.parse(to_python(src))
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in node.names)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for t in targets:
                    names.update(n.id for n in ast.walk(t) if isinstance(n, ast.Name))
    return names


def _root(node: ast.AST) -> str | None:
    """The name at the root of ``a.b[c].d``, or None."""
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


class _Visitor(ast.NodeVisitor):
    def __init__(self, cell: int, unit: str, protected: set[str], allowed_modules: frozenset,
                 forbidden_attrs: frozenset, out: Inspection) -> None:
        self.cell, self.unit, self.protected = cell, unit, protected
        self.allowed_modules, self.forbidden_attrs, self.out = (allowed_modules,
                                                                forbidden_attrs, out)
        self.docstrings: set[int] = set()

    def flag(self, node: ast.AST, what: str, tamper: bool = False) -> None:
        self.out.findings.append(Finding(self.unit, self.cell, getattr(node, "lineno", 0), what,
                                         tamper))

    # imports ---------------------------------------------------------------------------------
    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            root = alias.name.split(".")[0]
            if root not in self.allowed_modules:
                self.flag(node, f"imports {alias.name} (allowed: "
                                f"{', '.join(sorted(self.allowed_modules))})",
                          tamper=root != "lstmcourse")
            self.protected.add((alias.asname or alias.name).split(".")[0])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level or module.split(".")[0] not in self.allowed_modules:
            self.flag(node, f"imports from {'.' * node.level}{module}",
                      tamper=module.split(".")[0] != "lstmcourse")
        for alias in node.names:
            if alias.name in self.forbidden_attrs or alias.name.lower() in self.forbidden_attrs:
                self.flag(node, f"imports {alias.name}, which this assignment does not allow")
            self.protected.add(alias.asname or alias.name)

    # names and attributes ----------------------------------------------------------------------
    def visit_Name(self, node: ast.Name) -> None:
        if node.id in FORBIDDEN_NAMES:
            self.flag(node, f"uses {node.id}", tamper=node.id in TAMPER_NAMES)
        if node.id in GRADER_NAMES and self.unit != MODULE:
            self.flag(node, f"uses the grader's module {node.id} inside graded code")
        if isinstance(node.ctx, ast.Load):
            self.out.references.setdefault(self.unit, set()).add(node.id)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        a = node.attr
        if a.startswith("__") and a.endswith("__") and a not in ALLOWED_DUNDERS:
            self.flag(node, f"reads the attribute {a}", tamper=True)
        elif a in self.forbidden_attrs or a.lower() in self.forbidden_attrs:
            self.flag(node, f"uses .{a}, which this assignment does not allow")
        elif a.startswith("_") and _root(node) in GRADER_NAMES:
            self.flag(node, f"reads the grader's private {ast.unparse(node)}")
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            root = _root(node)
            if root in self.protected:
                self.flag(node, f"modifies {ast.unparse(node)}, which belongs to a module or "
                                "to the grader's cells", tamper=True)
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if isinstance(node.ctx, (ast.Store, ast.Del)) and _root(node) in self.protected:
            self.flag(node, f"modifies {ast.unparse(node)}, which belongs to a module or to "
                            "the grader's cells", tamper=True)
        self.generic_visit(node)

    def visit_Global(self, node: ast.Global) -> None:
        for name in node.names:
            if name in self.protected:
                self.flag(node, f"declares global {name}, a name the grader's cells define",
                          tamper=True)

    def visit_Constant(self, node: ast.Constant) -> None:
        if (isinstance(node.value, str) and "lstmcourse" in node.value
                and id(node) not in self.docstrings):
            self.flag(node, "mentions lstmcourse in a string")

    def _note_docstring(self, body: Sequence[ast.stmt]) -> None:
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            self.docstrings.add(id(body[0].value))

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._note_docstring(node.body)
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._note_docstring(node.body)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        # get_ipython().run_line_magic("matplotlib", "inline") is what `%matplotlib inline`
        # becomes; let exactly that through and nothing else of IPython's.
        f = node.func
        if (isinstance(f, ast.Attribute) and f.attr == "run_line_magic"
                and isinstance(f.value, ast.Call) and isinstance(f.value.func, ast.Name)
                and f.value.func.id == "get_ipython" and node.args
                and isinstance(node.args[0], ast.Constant)
                and node.args[0].value in ALLOWED_MAGICS):
            return
        self.generic_visit(node)


def inspect_cells(cells: Sequence[tuple[int, str]], *, protected: Iterable[str] = (),
                  allowed_modules: Iterable[str] = ALLOWED_MODULES,
                  forbidden_attrs: Iterable[str] = ()) -> Inspection:
    """Inspect student-controlled cells ``[(cell_index, source), ...]``.

    ``protected``: names the trusted (locked) cells bind, e.g. ``np`` and ``check``; student code
    may use them but not rebind or modify them.
    """
    out = Inspection()
    protected = set(protected)
    allowed = frozenset(allowed_modules)
    forbidden = frozenset(a.lower() for a in forbidden_attrs) | frozenset(forbidden_attrs)
    for index, source in cells:
        try:
            tree = ast.parse(to_python(source))
        except SyntaxError:
            continue  # the kernel cannot run it either: it defines nothing
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                unit = node.name
                out.references.setdefault(unit, set())
            else:
                unit = MODULE
                for target in _rebound(node):
                    if target in protected:
                        out.findings.append(Finding(MODULE, index, node.lineno,
                                                    f"rebinds {target}, a name the grader's "
                                                    "cells define", tamper=True))
            before = len(out.findings)
            _Visitor(index, unit, protected, allowed, forbidden, out).visit(node)
            if unit == MODULE:
                # `ref = check._ref_x` or `from lstmcourse.numpy import x as ref` at the top
                # level: the names bound there carry the finding to the functions that use them.
                for name in _bound_by(node):
                    for f in out.findings[before:]:
                        out.findings.append(Finding(name, f.cell, f.line, f.what))
    out.tainted = {f.unit for f in out.findings} - {MODULE}
    if any(f.tamper for f in out.findings):
        out.tainted.add(MODULE)
    changed = True
    while changed:  # a function that uses a tainted function is tainted too
        changed = False
        for unit, names in out.references.items():
            if unit != MODULE and unit not in out.tainted and names & out.tainted:
                out.tainted.add(unit)
                changed = True
    return out


def _bound_by(node: ast.stmt) -> list[str]:
    """Names a top-level statement binds (assignment targets and import aliases)."""
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return [(a.asname or a.name).split(".")[0] for a in node.names]
    return _rebound(node)


def _rebound(node: ast.stmt) -> list[str]:
    """Top-level names a statement binds by plain assignment (``np = ...``, ``for np in``)."""
    targets: list[ast.AST] = []
    if isinstance(node, ast.Assign):
        targets = list(node.targets)
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor)):
        targets = [node.target]
    elif isinstance(node, (ast.With, ast.AsyncWith)):
        targets = [i.optional_vars for i in node.items if i.optional_vars is not None]
    names = []
    for t in targets:
        if isinstance(t, ast.Name):
            names.append(t.id)
        elif isinstance(t, (ast.Tuple, ast.List)):
            names.extend(e.id for e in t.elts if isinstance(e, ast.Name))
    return names


def names_used(source: str) -> set[str]:
    """Every name a (test) cell loads."""
    try:
        tree = ast.parse(to_python(source))
    except SyntaxError:
        return set()
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


def tainted_tests(inspection: Inspection, tests: Sequence[tuple[str, str]]
                  ) -> dict[str, list[Finding]]:
    """``{grade_id: reasons}`` for the test cells ``[(grade_id, source)]`` losing their points."""
    result: dict[str, list[Finding]] = {}
    everything = MODULE in inspection.tainted
    for grade_id, source in tests:
        used = names_used(source) & inspection.tainted
        if everything or used:
            reasons = [f for f in inspection.findings if f.tamper] if everything else []
            for unit in sorted(used):
                reasons += inspection.reasons(unit) or _via(inspection, unit)
            result[grade_id] = list({str(r): r for r in reasons}.values())  # without repeats
    return result


def _via(inspection: Inspection, unit: str) -> list[Finding]:
    """Reasons for a unit tainted only through the functions it calls."""
    callees = inspection.references.get(unit, set()) & inspection.tainted
    return [Finding(unit, f.cell, f.line, f"calls {f.unit}, which {f.what}")
            for c in sorted(callees) for f in inspection.reasons(c)[:1]]
