"""Keep the built book offline and self-contained (a local Sphinx extension).

Jupyter Book 1 always loads ``sphinx_thebe``. Even with ``launch_buttons.thebe: false`` it

- adds an inline script that defines ``const THEBE_JS_URL = "https://unpkg.com/..."``; the script is
  registered twice, so every page logs "Identifier 'THEBE_JS_URL' has already been declared";
- adds ``sphinx-thebe.js`` / ``sphinx-thebe.css`` and a ``text/x-thebe-config`` block that names
  a Binder repository.

The course runs its code at build time and its widgets in the page, so it needs none of this. This
extension removes every Thebe asset from the pages and from ``_static``.

It also gives each notebook page a real ``.ipynb`` download: sphinx-book-theme only offers the
executed notebook when a launch provider (Binder, Colab, ...) is configured, which would put
external links and scripts on the page. Here the executed notebook that MyST-NB wrote into
``_build/jupyter_execute`` is copied next to the page source, and the theme's download menu
lists it.

Finally it keeps sphinx-book-theme's layout intact under pydata-sphinx-theme 0.17, which adds a
search field to a top navigation bar unless ``navbar_persistent`` is set: the book theme has no
such bar (its search sits in the sidebar), so the page would show an empty header with a second
search box.

And it makes the numbers of the text searchable. Sphinx's English search cuts "53,200" into
"53" and "200", and its searchtools.js drops every query word made of digits only, so no number
the book prints (glued from code: a parameter count, a ratio such as 0.086) could ever be found.
:class:`SearchKeepingNumbers` keeps a number with its thousands commas or decimal point as one
word, in the index (Python) and in the query (the JavaScript splitter it ships), and such a word
is not all digits, so the query keeps it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.search.en import SearchEnglish

# Anything whose file name or inline body mentions one of these belongs to Thebe.
THEBE_MARKERS = ("thebe", "THEBE_JS_URL")


def _is_thebe_asset(asset: Any) -> bool:
    """True for a Sphinx JS/CSS asset (``_JavaScript`` / ``_CascadingStyleSheet``) from Thebe."""
    filename = str(getattr(asset, "filename", asset) or "")
    body = str(getattr(asset, "attributes", {}).get("body", ""))
    return any(marker in filename or marker in body for marker in THEBE_MARKERS)


def drop_thebe_static_path(app: Sphinx) -> None:
    """Stop ``_static/sphinx-thebe.*`` from being copied (runs after sphinx_thebe adds its path)."""
    app.config.html_static_path = [
        path for path in app.config.html_static_path if "sphinx_thebe" not in str(path)
    ]


def drop_thebe_nodes(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Remove the raw ``<script type="text/x-thebe-config">`` and ``kernelName`` blocks."""
    for node in list(doctree.findall(nodes.raw)):
        text = node.astext()
        if "x-thebe-config" in text or "kernelName" in text:
            node.parent.remove(node)


def drop_thebe_assets(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    """Give the page template asset lists without Thebe (a new list: the builder's is shared)."""
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [a for a in context[key] if not _is_thebe_asset(a)]


def offer_notebook_download(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    """Copy the executed notebook of a notebook page to ``_sources`` and list it for download.

    Runs before sphinx-book-theme builds its header buttons (priority 501), which add a ``.ipynb``
    entry whenever ``context["ipynb_source"]`` is set.
    """
    metadata = app.env.metadata.get(pagename, {})
    if "kernelspec" not in metadata or context.get("ipynb_source"):
        return
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if not executed.is_file():
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(executed, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


def no_top_navbar(app: Sphinx, config: Any) -> None:
    """Keep pydata-sphinx-theme from adding a second search box in an otherwise empty header."""
    config.html_theme_options.setdefault("navbar_persistent", [])


class SearchKeepingNumbers(SearchEnglish):
    """English search in which 53,200 or 0.086 is one word (stemming and stop words unchanged).

    The Python pattern splits the text for the index; ``js_splitter_code`` replaces
    searchtools.js's ``splitQuery`` (language_data.js loads after it) with the same pattern, so a
    query is cut exactly as the text was.
    """

    # A digit group joined to the next by "," or "." (53,200 / 0.086 / 1,234.5), else a word.
    _word_re = re.compile(r"\d+(?:[.,]\d+)+|\w+")
    js_splitter_code = r"""
var splitQuery = (query) =>
  query.match(/\p{Nd}+(?:[.,]\p{Nd}+)+|[\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu)
  || [];
"""


def setup(app: Sphinx) -> dict:
    app.add_search_language(SearchKeepingNumbers)   # replaces Sphinx's "en"
    app.connect("config-inited", no_top_navbar)
    app.connect("builder-inited", drop_thebe_static_path, priority=900)
    app.connect("doctree-resolved", drop_thebe_nodes, priority=900)
    app.connect("html-page-context", offer_notebook_download, priority=450)
    app.connect("html-page-context", drop_thebe_assets, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
