"""The functions a notebook gives its students, as one module the sandbox can import.

Assignment 3 builds a sequence on the reference ``lstm_cell``; assignment 4 wraps the reference
``gru`` and ``lstm`` layers. The course package is not importable in the sandbox, so
:func:`given_source` cuts exactly those definitions, and the ones they need, out of
:mod:`lstmcourse.numpy`'s source and writes them as one plain module: the students' code runs on
the very same functions as at home, and nothing else of the reference comes along.
"""

from __future__ import annotations

import ast
from pathlib import Path

NUMPY = Path(__file__).resolve().parents[1] / "numpy"
# Searched in this order; a definition's dependencies come from earlier modules or earlier lines.
MODULES = ("../conventions", "_checks", "_cache", "activations", "gradcheck", "rnn", "lstm", "gru")
MODULE_NAME = "_lstmcourse_given"


def _definitions() -> tuple[dict[str, tuple[int, str, set[str]]], list[str]]:
    """``{name: (order, source, names it uses)}`` of every top-level definition, and the plain
    (non-relative) import lines of the modules."""
    defs, imports = {}, []
    order = 0
    for mod in MODULES:
        source = (NUMPY / f"{mod}.py").read_text()
        for node in ast.parse(source).body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                if not (isinstance(node, ast.ImportFrom) and node.level):
                    imports.append(ast.get_source_segment(source, node))
                continue
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names = [node.name]
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names = [t.id for t in targets if isinstance(t, ast.Name)]
            else:
                continue
            # decorators are part of the definition
            start = min([node.lineno, *[d.lineno for d in getattr(node, "decorator_list", [])]])
            text = "\n".join(source.splitlines()[start - 1:node.end_lineno])
            uses = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            for name in names:
                defs[name] = (order, text, uses)
            order += 1
    return defs, imports


def given_source(names: tuple[str, ...]) -> str:
    """A module that defines ``names`` (and everything they use) exactly as lstmcourse.numpy."""
    defs, imports = _definitions()
    need, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name in need or name not in defs:
            continue
        need.add(name)
        todo += sorted(defs[name][2])
    missing = set(names) - need
    if missing:
        raise KeyError(f"lstmcourse.numpy defines no {sorted(missing)}")
    blocks = sorted({defs[n][0]: defs[n][1] for n in need}.items())
    header = [f'"""Given to the students of this assignment: {", ".join(names)}."""',
              *dict.fromkeys(imports)]
    return "\n".join(header) + "\n\n\n" + "\n\n\n".join(text for _, text in blocks) + "\n"
