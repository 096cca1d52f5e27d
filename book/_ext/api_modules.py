"""``api-modules``: one autodoc section per module of a package (a local Sphinx extension).

The API appendix should list every public module of ``lstmcourse`` without anyone keeping a list
by hand: modules are added while the course grows. The directive walks the package with
:mod:`pkgutil` and emits, for each public module (no path component starting with ``_``), a
section titled with the module name holding ``.. automodule:: NAME`` with ``:members:``.
A module that fails to import is an autodoc warning, so a broken package fails the build.

Packages (``__init__``) get their docstring only: their ``__all__`` re-exports functions that are
documented in their own modules, and ``lstmcourse.numpy.lstm`` would otherwise name both the
module and the re-exported function.

The course's docstrings are plain text written to be read in an editor: shape legends in aligned
columns, equations indented by four spaces, ``|x|`` for absolute values. As reStructuredText those
would be errors (substitutions, unexpected indentation) or mangled tables, so every docstring is
shown verbatim, as a literal block, exactly as ``help()`` prints it.

Usage (inside ``{eval-rst}`` in a MyST page, since the generated content is reStructuredText)::

    .. api-modules:: lstmcourse
"""

from __future__ import annotations

import importlib
import pkgutil

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

# Reading order: the reference first, then the torch mirror, then everything else by name.
FIRST = ("numpy", "torch")


def _reading_order(package: str, name: str) -> tuple[int, str]:
    sub = name[len(package) + 1:].split(".")[0]
    rank = 0 if name == package else 1 + (FIRST.index(sub) if sub in FIRST else len(FIRST))
    return rank, name


def public_modules(package: str) -> list[str]:
    """Names of ``package`` and its public submodules, the package and reference modules first."""
    root = importlib.import_module(package)
    names = [package]
    for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
        parts = info.name.split(".")
        if any(part.startswith("_") for part in parts):
            continue  # private helpers and ``__main__`` (importing that would run a CLI)
        names.append(info.name)
    return sorted(names, key=lambda name: _reading_order(package, name))


class ApiModules(SphinxDirective):
    """Emit one titled autodoc section per public module of the package given as argument."""

    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        lines: list[str] = []
        for name in public_modules(self.arguments[0]):
            title = f"``{name}``"
            lines += [title, "-" * len(title), "", f".. automodule:: {name}"]
            if not hasattr(importlib.import_module(name), "__path__"):
                lines.append("   :members:")
            lines.append("")
        container = nodes.section()
        container.document = self.state.document
        nested_parse_with_titles(self.state, StringList(lines, source="api-modules"), container)
        return container.children


def docstring_as_text(
    app: Sphinx, what: str, name: str, obj: object, options: dict, lines: list[str]
) -> None:
    """``autodoc-process-docstring`` hook: show the docstring verbatim, as a literal block."""
    if not name.startswith("lstmcourse") or not any(line.strip() for line in lines):
        return
    text = [line.rstrip() for line in lines]
    while text and not text[-1]:
        text.pop()
    lines[:] = ["::", ""] + [f"    {line}" if line else "" for line in text] + [""]


def setup(app: Sphinx) -> dict:
    app.add_directive("api-modules", ApiModules)
    app.connect("autodoc-process-docstring", docstring_as_text)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
