"""``api-modules``: one autodoc section per module of a package (a local Sphinx extension).

The API appendix should list every public module of ``lstmcourse`` without anyone keeping a list
by hand: modules are added while the course grows. The directive walks the package with
:mod:`pkgutil` and emits, for each public module (no path component starting with ``_``), a
section titled with the module name holding ``.. automodule:: NAME`` with ``:members:``.
A module that fails to import is an autodoc warning, so a broken package fails the build.

Packages (``__init__``) document what they define themselves; what they re-export from their
modules (``lstmcourse.numpy.lstm`` and the rest of ``__all__``) is documented once, in its own
module, and the package's section lists those names as links to it.

The docstrings are reStructuredText in Google style, which ``sphinx.ext.napoleon`` turns into
field lists; the format, for every module of the package:

- sections ``Args:``, ``Returns:``, ``Raises:``, ``Example:``/``Examples:``, ``Attributes:``,
  plus the custom sections in :data:`CUSTOM_SECTIONS`: ``Inputs:``, ``Outputs:`` (what a
  module's ``forward`` takes and gives, as in torch.nn's docs) and ``Shape:``, each a list of
  ``name: description`` entries like ``Args:``;
- math in the ``:math:`` role inline and in ``.. math::`` blocks for displayed equations (in
  raw strings, so that backslashes survive); ``|x|`` is reST's substitution syntax, so an
  absolute value goes inside ``:math:``;
- shape legends and other aligned text as bullet lists, definition lists or tables: indented
  text is a block quote in reST, and columns aligned by spaces do not survive.

The build runs with ``--warningiserror``, so a docstring that is not valid reST fails it;
``tests/book/test_api_page.py`` checks the docstrings of the reference modules without a build.

Usage (inside ``{eval-rst}`` in a MyST page, since the generated content is reStructuredText)::

    .. api-modules:: lstmcourse
"""

from __future__ import annotations

import importlib
import pkgutil

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

# Reading order: the reference first, then the torch mirror, then everything else by name.
FIRST = ("numpy", "torch")

#: napoleon's extra sections (``napoleon_custom_sections``): entries ``name: description``,
#: rendered like ``Args:``.
CUSTOM_SECTIONS = [("Inputs", "params_style"), ("Outputs", "params_style"),
                   ("Shape", "params_style")]


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


def _exports(name: str) -> tuple[list[str], list[str]]:
    """What ``__all__`` of module ``name`` lists: (names it defines, full names of re-exports).

    ``lstmcourse.numpy`` re-exports ``lstmcourse.numpy.lstm.lstm`` and so on, where autodoc
    documents them. Names without a ``__module__`` (constants) are left out of both lists.
    """
    module = importlib.import_module(name)
    own, elsewhere = [], []
    for attr in getattr(module, "__all__", ()):
        obj = getattr(module, attr)
        home = getattr(obj, "__module__", None)
        if home == name:
            own.append(attr)
        elif home and home.startswith(name + "."):
            elsewhere.append(f"{home}.{getattr(obj, '__qualname__', attr)}")
    return own, elsewhere


def module_rst(name: str) -> list[str]:
    """The reST section of one module: title, ``automodule`` and a package's re-exports.

    A module gets ``:members:``. A package gets only the members it defines itself: with
    ``__all__`` set, ``:members:`` would document every re-export a second time, and
    ``lstmcourse.numpy.lstm`` would name both a module and a function.
    """
    title = f"``{name}``"
    lines = [title, "-" * len(title), "", f".. automodule:: {name}"]
    try:
        module = importlib.import_module(name)
    except Exception:  # automodule reports the failed import as a warning: the build fails
        return lines + [""]
    if not hasattr(module, "__path__"):
        lines += ["   :members:", ""]
        return lines
    own, elsewhere = _exports(name)
    if own:
        lines.append(f"   :members: {', '.join(own)}")
    lines.append("")
    if elsewhere:
        links = ", ".join(f":py:obj:`~{full}`" for full in elsewhere)
        lines += [f"Importable from ``{name}``, documented in their modules: {links}.", ""]
    return lines


class ApiModules(SphinxDirective):
    """Emit one titled autodoc section per public module of the package given as argument."""

    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        lines: list[str] = []
        for name in public_modules(self.arguments[0]):
            lines += module_rst(name)
        container = nodes.section()
        container.document = self.state.document
        nested_parse_with_titles(self.state, StringList(lines, source="api-modules"), container)
        return container.children


def configure(app: Sphinx, config: Config) -> None:
    """``config-inited`` hook: the autodoc and napoleon settings the docstring format needs.

    Kept here, beside the directive, so that the format has one home: :data:`CUSTOM_SECTIONS`
    are added to any ``napoleon_custom_sections`` of ``_config.yml``, signatures show defaults
    as written in the source (``dtype=np.float64``, not ``<class 'numpy.float64'>``), and types
    from the annotations go to the parameters the docstring lists (``Args:``) and to a documented
    return value, not to a second list beside a dataclass's ``Attributes:``.
    """
    sections = list(config.napoleon_custom_sections or [])
    config.napoleon_custom_sections = sections + [s for s in CUSTOM_SECTIONS if s not in sections]
    config.autodoc_preserve_defaults = True
    config.autodoc_typehints_description_target = "documented"


def setup(app: Sphinx) -> dict:
    app.setup_extension("sphinx.ext.autodoc")
    app.setup_extension("sphinx.ext.napoleon")
    app.add_directive("api-modules", ApiModules)
    app.connect("config-inited", configure)
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True}
