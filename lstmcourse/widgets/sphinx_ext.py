"""The book's ``widget`` directive: live widgets in the static HTML, no kernel, no network.

In a MyST page::

    ```{widget} gate-playground
    ```

emits ``<div class="lw-root" data-widget="gate-playground">`` (with a short text for readers
without JavaScript). On a page that holds widgets the extension adds, as classic ``<script>``
tags (so the page works opened from ``file://``), the registry (written from
:mod:`.registry`), the shared math and UI scripts, the scripts of the widgets on that page and
``widget-boot.js``, which mounts every widget with an in-page model; plus the stylesheet. The
files go to ``_static/lstmcourse-widgets/`` when the build finishes.

Enable it in ``_config.yml`` under ``sphinx.extra_extensions`` as ``lstmcourse.widgets.sphinx_ext``.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.application import Sphinx
from sphinx.util.fileutil import copy_asset_file

from ._assets import REGISTRY_SCRIPT, STYLESHEET, book_scripts
from .registry import STATIC, WIDGETS, js_source

STATIC_SUBDIR = "lstmcourse-widgets"


class widget_node(nodes.General, nodes.Element):  # noqa: N801 (docutils names nodes in lower case)
    """A placeholder the HTML writer turns into the widget's root ``<div>``."""


def visit_widget_html(self: Any, node: widget_node) -> None:
    name = escape(node["widget"], quote=True)
    self.body.append(
        f'<div class="lw-root" data-widget="{name}">'
        f'<p class="lw-noscript">The interactive widget “{name}” needs JavaScript.</p></div>\n'
    )
    raise nodes.SkipNode


def skip_widget(self: Any, node: widget_node) -> None:
    """Other builders (LaTeX, text, ...) leave interactive widgets out."""
    raise nodes.SkipNode


class WidgetDirective(Directive):
    """``{widget} NAME``: place widget NAME (an entry of the registry) here."""

    required_arguments = 1
    optional_arguments = 0
    has_content = False

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0].strip()
        if name not in WIDGETS:
            raise self.error(f"widget name: got {name!r}, expected one of {', '.join(WIDGETS)}")
        node = widget_node()
        node["widget"] = name
        return [node]


def add_assets(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: nodes.document | None
) -> None:
    """Link the scripts and the stylesheet, only on pages that hold a widget."""
    names = [] if doctree is None else [n["widget"] for n in doctree.findall(widget_node)]
    if not names:
        return
    app.add_css_file(f"{STATIC_SUBDIR}/{STYLESHEET}")
    for script in book_scripts(list(dict.fromkeys(names))):
        app.add_js_file(f"{STATIC_SUBDIR}/{script}")


def copy_assets(app: Sphinx, exception: Exception | None) -> None:
    """Write the registry script and copy the scripts and the stylesheet into ``_static``."""
    if exception is not None or app.builder.format != "html":
        return
    dest = Path(app.outdir) / "_static" / STATIC_SUBDIR
    dest.mkdir(parents=True, exist_ok=True)
    (dest / REGISTRY_SCRIPT).write_text(js_source(), encoding="utf-8")
    for name in [*book_scripts(), STYLESHEET]:
        if name != REGISTRY_SCRIPT:
            copy_asset_file(str(STATIC / name), str(dest))


def setup(app: Sphinx) -> dict:
    skip = (skip_widget, None)
    app.add_node(
        widget_node,
        html=(visit_widget_html, None),
        latex=skip, text=skip, man=skip, texinfo=skip,
    )
    app.add_directive("widget", WidgetDirective)
    app.connect("html-page-context", add_assets)
    app.connect("build-finished", copy_assets)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
