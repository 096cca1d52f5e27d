"""Fixtures of the book tests.

The book itself comes from the suite-wide ``book_html`` fixture (``tests/conftest.py``): it reuses
``_build/html`` when ``make test`` has just built it and rebuilds it when it is missing or older
than the sources, so the whole suite pays for at most one build. To check a book built elsewhere
(``jupyter-book build . --path-output DIR``) set ``LSTMCOURSE_BOOK_HTML=DIR/_build/html``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from book_html_scan import Page, parse_page, toc_docnames


@pytest.fixture(scope="session")
def html_dir(request: pytest.FixtureRequest) -> Path:
    if os.environ.get("LSTMCOURSE_BOOK_HTML"):
        return Path(os.environ["LSTMCOURSE_BOOK_HTML"])
    return request.getfixturevalue("book_html")


@pytest.fixture(scope="session")
def all_pages(html_dir: Path) -> dict[Path, Page]:
    """Every HTML file of the build, parsed once (MathJax's own files excluded: not pages)."""
    return {
        p: parse_page(p)
        for p in sorted(html_dir.rglob("*.html"))
        if "_static" not in p.relative_to(html_dir).parts
    }


@pytest.fixture(scope="session")
def chapter_pages(html_dir: Path) -> dict[str, Page]:
    """docname -> parsed page, for every page of ``_toc.yml``."""
    pages = {}
    for docname in toc_docnames():
        path = html_dir / f"{docname}.html"
        assert path.is_file(), f"{docname} is in _toc.yml but {path} was not built"
        pages[docname] = parse_page(path)
    return pages
