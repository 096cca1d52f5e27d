"""Which files a page or a notebook loads for a widget, and the ES module anywidget gets.

Each widget is one classic script in ``static/`` (see :mod:`.registry`). The static book loads
the scripts with plain ``<script>`` tags (classic scripts run from ``file://``; ES modules do
not), after ``widget-registry.js``, which :func:`.registry.js_source` writes at build time.
Jupyter's anywidget wants an ES module, so :func:`esm_source` glues the same pieces together and
adds one ``export default`` line: the JavaScript exists once.
"""

from __future__ import annotations

from .registry import STATIC, WIDGETS, get, js_source

#: Written at build time from the registry; loads first.
REGISTRY_SCRIPT = "widget-registry.js"
#: Shared scripts, in load order, after the registry and before any widget script.
SHARED_SCRIPTS: tuple[str, ...] = ("lstm-math.js", "widget-ui.js")
#: The static book's host; loads last and mounts every ``[data-widget]`` on the page.
BOOT_SCRIPT = "widget-boot.js"
STYLESHEET = "widgets.css"


def widget_scripts(name: str) -> list[str]:
    """The static files widget ``name`` needs after the shared ones: its extras, then its own."""
    spec = get(name)
    return [*spec.scripts, spec.script]


def book_scripts(names: tuple[str, ...] | list[str] = WIDGETS) -> list[str]:
    """Every script a page holding ``names`` loads, in order (each file once)."""
    files = [REGISTRY_SCRIPT, *SHARED_SCRIPTS]
    for name in names:
        files += [f for f in widget_scripts(name) if f not in files]
    return [*files, BOOT_SCRIPT]


def read(filename: str) -> str:
    """Text of one file in ``static/``."""
    return (STATIC / filename).read_text(encoding="utf-8")


def esm_source(name: str) -> str:
    """The ES module anywidget loads for widget ``name``: registry entry, scripts, an export."""
    parts = [js_source([name]), *(read(f) for f in (*SHARED_SCRIPTS, *widget_scripts(name)))]
    export = f"export default globalThis.LSTMCourseWidgets[{name!r}];"
    return "\n;\n".join([*parts, export]) + "\n"
