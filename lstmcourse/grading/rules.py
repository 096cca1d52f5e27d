"""The few things an assignment forbids, found in the submitted source, and what they cost.

With the sandbox in place (:mod:`lstmcourse.grading.sandbox`) nothing a notebook does can change
a grade except the values its functions return, so no construct is forbidden for safety: magics,
``?``, dunders, helper classes and any import are fine. What stays forbidden is what an
assignment asks students not to use, because using it skips the exercise:

- the course package ``lstmcourse`` (it is not even importable in the sandbox, but a student
  should hear why their function gets no points, not only see an ImportError);
- per assignment, names such as torch's own recurrent code in assignment 5 (``nn.LSTMCell``,
  ``torch._VF`` …), or the given layers inside the cell that assignment 4 asks for.

A finding costs only the functions that contain it, and the functions that call those (a helper
that uses ``nn.LSTMCell`` taints the class that calls the helper). The message names the place
the way Jupyter shows it: ``In [7], line 3``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

TOP = "<top level>"


@dataclass(frozen=True)
class Rules:
    """What one assignment forbids.

    Args:
        modules: modules no student code may import (``lstmcourse`` always).
        attributes: attribute or plain names no student code may use (``rnn_cell``).
        attributes_only: names no student code may reach as an attribute (``nn.LSTMCell``) or
            import from a module (``from torch.nn import LSTMCell``), but may use as its own
            (assignment 5's class is called ``LSTMCell`` too).
        per_function: ``{function: names}`` that one function (and what it calls) may not use.
        why: the reason, in the student's terms, quoted in the message.
    """

    modules: frozenset[str] = frozenset({"lstmcourse"})
    attributes: frozenset[str] = frozenset()
    attributes_only: frozenset[str] = frozenset()
    per_function: Mapping[str, frozenset[str]] = field(default_factory=dict)
    why: str = "the course package holds the reference solution"


@dataclass(frozen=True)
class Finding:
    unit: str        # the top-level function, class or name it sits in (TOP: none)
    where: str       # "In [7], line 3"
    what: str        # "imports lstmcourse.numpy (why)"
    name: str = ""   # a name only some functions may not use (Rules.per_function), else ""

    def __str__(self) -> str:
        return f"{self.what} ({self.where})"


def to_python(source: str) -> str:
    """IPython's translation of a cell (``%timeit``, ``!ls``, ``f?``) into plain Python."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


def _units(tree: ast.Module) -> Iterable[tuple[list[str], ast.AST]]:
    """Each top-level statement with the names it binds (a def's name, an assignment's targets,
    an import's aliases); statements that bind nothing belong to TOP."""
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield [node.name], node
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            yield [(a.asname or a.name).split(".")[0] for a in node.names], node
        else:
            targets = [n.id for n in ast.walk(node) if isinstance(n, ast.Name)
                       and isinstance(n.ctx, ast.Store)]
            yield targets or [TOP], node


def _module_of(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if isinstance(node, ast.ImportFrom) and node.module and not node.level:
        return [node.module]
    return []


def _reached(node: ast.AST, names: frozenset[str]) -> list[str]:
    """How ``node`` reaches one of ``names`` from a module: ``nn.LSTMCell``, ``torch._VF``
    (an attribute), ``LSTMCell from torch.nn`` (an import)."""
    if isinstance(node, ast.Attribute) and node.attr in names:
        return [ast.unparse(node)]
    modules = _module_of(node)                    # import torch._VF, from torch._C import …
    found = [m for m in modules if set(m.split(".")[1:]) & names]
    if isinstance(node, ast.ImportFrom) and not found:
        found = [f"{a.name} from {node.module}" for a in node.names if a.name in names]
    return found


@dataclass
class Inspection:
    findings: list[Finding] = field(default_factory=list)
    references: dict[str, set[str]] = field(default_factory=dict)

    def cost(self, target: str, rules: Rules) -> list[Finding]:
        """Findings that cost ``target`` its points: its own, its helpers', and names that only
        ``target`` may not use."""
        seen, todo, out = set(), [target], []
        banned = rules.per_function.get(target, frozenset())
        while todo:
            unit = todo.pop()
            if unit in seen:
                continue
            seen.add(unit)
            out += [f for f in self.findings
                    if f.unit == unit and (not f.name or f.name in banned)]
            todo += sorted(self.references.get(unit, ()))
        return out


def inspect(cells: Sequence[tuple[str, str]], rules: Rules) -> Inspection:
    """Look at the student's cells, given as ``(where the cell is, source)``."""
    result = Inspection()
    per_function_names = frozenset().union(*rules.per_function.values()) \
        if rules.per_function else frozenset()
    for where, source in cells:
        try:
            tree = ast.parse(to_python(source))
        except SyntaxError:
            continue  # it cannot have run either; its functions fail their tests on their own
        for names, node in _units(tree):
            # The names this unit reads and does not bind itself (its locals and arguments are
            # its own business): through them a finding in a helper reaches its callers.
            nodes = list(ast.walk(node))
            local = {n.id for n in nodes if isinstance(n, ast.Name)
                     and isinstance(n.ctx, ast.Store)} | {a.arg for a in nodes
                                                         if isinstance(a, ast.arg)}
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                local -= set(names)
            loads = {n.id for n in nodes if isinstance(n, ast.Name)
                     and isinstance(n.ctx, ast.Load)} - local
            for name in names:
                result.references.setdefault(name, set()).update(loads - {name})
            for sub in ast.walk(node):
                place = f"{where}, line {getattr(sub, 'lineno', 1)}"
                for mod in _module_of(sub):
                    if mod.split(".")[0] in rules.modules:
                        result.findings += [Finding(n, place, f"imports {mod} ({rules.why})")
                                            for n in names]
                attr = sub.attr if isinstance(sub, ast.Attribute) else (
                    sub.id if isinstance(sub, ast.Name) else None)
                if attr in rules.attributes:
                    result.findings += [Finding(n, place, f"uses {attr} ({rules.why})")
                                        for n in names]
                for used in _reached(sub, rules.attributes_only):
                    result.findings += [Finding(n, place, f"uses {used} ({rules.why})")
                                        for n in names]
                if isinstance(sub, ast.Name) and sub.id in per_function_names:
                    result.findings += [Finding(n, place, f"uses {sub.id} ({rules.why})", sub.id)
                                        for n in names]
    return result


def message(target: str, findings: list[Finding]) -> str:
    """What a test cell says when its function breaks the rules."""
    found = "; ".join(list(dict.fromkeys(str(f) for f in findings))[:3])
    return (f"This test gives no points: {target} (or a helper it uses) {found}. Write it "
            "yourself: the rest of your notebook is graded as usual.")
