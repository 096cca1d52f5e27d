"""Fixtures for the browser tests: one Chromium per session, the built book from file:// and over
http://127.0.0.1, and a page whose every request and console error is watched.

The built book comes from ``book_html`` (tests/conftest.py: ``_build/html``, built when missing).
``LSTMCOURSE_BOOK_HTML`` points the tests at another build folder (e.g. a private one).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser_helpers import CHROMIUM, LAUNCH_ARGS, SCREENS, PageWatch, serve


@pytest.fixture(scope="session")
def site_dir(request) -> Path:
    override = os.environ.get("LSTMCOURSE_BOOK_HTML")
    if override:
        return Path(override)
    return request.getfixturevalue("book_html")


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (apt-get install -y chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def http_base(site_dir):
    with serve(site_dir) as url:
        yield url


@pytest.fixture(scope="session", params=["file", "http"])
def base_url(request, site_dir) -> str:
    """The book's root URL, once from disk and once from the local server."""
    if request.param == "file":
        return site_dir.resolve().as_uri() + "/"
    return request.getfixturevalue("http_base")


@pytest.fixture
def watched(chromium, base_url):
    """(page, watch): a fresh page whose requests are all routed through the local-only guard."""
    context = chromium.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    watch = PageWatch(page, base_url)
    yield page, watch
    context.close()


@pytest.fixture(params=list(SCREENS))
def on_screen(request, chromium, base_url):
    """(page, watch, screen name): a watched page in a fresh context the size of a phone or a
    laptop (``SCREENS``); tests that use it run once per screen and once per base URL."""
    context = chromium.new_context(viewport=SCREENS[request.param])
    page = context.new_page()
    watch = PageWatch(page, base_url)
    yield page, watch, request.param
    context.close()


@pytest.fixture(scope="session")
def screenshot_dir(site_dir) -> Path:
    """Where the chapter screenshots go: ``_build/screenshots`` next to the book's ``html``
    (``LSTMCOURSE_SCREENSHOTS`` overrides); .ci/run keeps the folder as a CI artefact."""
    folder = Path(os.environ.get("LSTMCOURSE_SCREENSHOTS") or site_dir.parent / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
