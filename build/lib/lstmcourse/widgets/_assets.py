"""Where the widgets' JavaScript and CSS live, and how one source serves both hosts.

Each widget is one classic script in ``static/`` that registers ``{defaults, render}`` in
``globalThis.LSTMCourseWidgets``. The static book loads the scripts with plain ``<script>`` tags
(classic scripts run from ``file://``; ES modules do not). Jupyter's anywidget wants an ES module,
so :func:`esm_source` glues the same files together and adds one ``export default`` line: the
JavaScript exists once.
"""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"

#: The widget names: part of the contract between the book, the tests and the classes.
WIDGETS: tuple[str, ...] = (
    "gate-playground",
    "conveyor-belt",
    "activations",
    "vanishing-gradient",
    "gru-gates",
    "bidirectional",
)

#: Shared scripts, in load order, before any widget script.
SHARED_SCRIPTS: tuple[str, ...] = ("lstm-math.js", "widget-ui.js")
#: The static book's host; loads last and mounts every ``[data-widget]`` on the page.
BOOT_SCRIPT = "widget-boot.js"
STYLESHEET = "widgets.css"


def check_name(name: str) -> str:
    """Return ``name`` if it is a known widget, else raise a ValueError that lists the names."""
    if name not in WIDGETS:
        raise ValueError(f"widget name: got {name!r}, expected one of {', '.join(WIDGETS)}")
    return name


def widget_script(name: str) -> str:
    """File name of the classic script of widget ``name`` (e.g. ``gate-playground.js``)."""
    return f"{check_name(name)}.js"


def book_scripts() -> list[str]:
    """Every script the static book loads, in order: shared, the six widgets, the host."""
    return [*SHARED_SCRIPTS, *(widget_script(w) for w in WIDGETS), BOOT_SCRIPT]


def read(filename: str) -> str:
    """Text of one file in ``static/``."""
    return (STATIC / filename).read_text(encoding="utf-8")


def esm_source(name: str) -> str:
    """The ES module anywidget loads for widget ``name``: the classic scripts plus an export."""
    parts = [read(f) for f in (*SHARED_SCRIPTS, widget_script(name))]
    export = f"export default globalThis.LSTMCourseWidgets[{name!r}];"
    return "\n;\n".join([*parts, export]) + "\n"
