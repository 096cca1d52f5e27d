"""Fixtures shared by the whole suite.

``book_html`` is the built HTML book. ``make test`` builds the book before pytest runs, so the
fixture normally just returns ``_build/html``; when that build is missing or older than the book's
sources it builds the book first (the same command as ``make book``), so the tests never judge a
stale book.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
SOURCES = ["book", "lstmcourse", "_config.yml", "_toc.yml"]


def _newest_source_mtime() -> float:
    newest = 0.0
    for name in SOURCES:
        path = ROOT / name
        files = [path] if path.is_file() else path.rglob("*")
        for f in files:
            if f.is_file() and "__pycache__" not in f.parts:
                newest = max(newest, f.stat().st_mtime)
    return newest


@pytest.fixture(scope="session")
def book_html() -> Path:
    """Path to ``_build/html``, built (or rebuilt) when missing or stale.

    ``LSTMCOURSE_BOOK_HTML=DIR/_build/html`` points every test at a book built elsewhere
    (``jupyter-book build . --path-output DIR``) and skips the staleness check.
    """
    override = os.environ.get("LSTMCOURSE_BOOK_HTML")
    if override:
        return Path(override)
    # Sphinx rewrites .buildinfo at the end of every successful HTML build.
    stamp = HTML / ".buildinfo"
    if not stamp.exists() or stamp.stat().st_mtime < _newest_source_mtime():
        jb = Path(sys.executable).with_name("jupyter-book")
        cmd = [str(jb), "build", str(ROOT), "--warningiserror", "--keep-going"]
        result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if result.returncode != 0:
            pytest.fail(
                "the book failed to build:\n" + result.stdout[-4000:] + result.stderr[-4000:]
            )
    return HTML
