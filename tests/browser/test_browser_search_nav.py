"""Search and navigation as a reader uses them, from file:// and http://127.0.0.1.

- The numbers of the text are searchable: a number glued into a chapter from code, with its
  thousands comma (the parameter count "53,200" of chapter 7 when this was written), finds that
  chapter. Sphinx alone cut it into "53" and "200" and dropped both (book/_ext/offline_book.py).
- The search page fetches nothing per result (``html_show_search_summary: false``), so from
  file:// it logs no CORS error and no page error.
- On a phone (390 px) the search box is reachable from a chapter and its results fit the screen,
  and the collapsed sidebar opens to the whole chapter list.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from browser_helpers import SCREENS, PageWatch, settle, toc_pages

pytestmark = pytest.mark.slow

#: A number with a thousands separator, as a glued value prints it.
GROUPED = re.compile(r'<span class="pasted-text">(\d{1,3}(?:,\d{3})+)</span>')


def glued_number(site_dir) -> tuple[str, str]:
    """(page, number): the first grouped number glued into a chapter, in reading order."""
    for rel in toc_pages(part=0):
        match = GROUPED.search((site_dir / rel).read_text(encoding="utf-8"))
        if match:
            return rel, match.group(1)
    pytest.fail("no chapter shows a glued number with a thousands separator")


def result_links(page) -> list[str]:
    page.wait_for_function(
        "() => /found|did not match/.test(document.querySelector('#search-results')?.innerText)")
    return page.eval_on_selector_all("#search-results ul.search li a",
                                     "els => els.map((a) => a.getAttribute('href'))")


@pytest.fixture
def phone(chromium, base_url):
    context = chromium.new_context(viewport=SCREENS["phone"])
    page = context.new_page()
    yield page, PageWatch(page, base_url)
    context.close()


def test_a_glued_number_finds_its_chapter_without_console_noise(watched, base_url, site_dir):
    page, watch = watched
    rel, number = glued_number(site_dir)
    page.goto(f"{base_url}search.html?q={quote(number)}", wait_until="load")
    links = result_links(page)
    assert any(link.split("?")[0].endswith(rel) for link in links), (number, rel, links)
    page.wait_for_load_state("networkidle")
    assert not watch.errors, watch.errors
    assert not watch.blocked, watch.blocked


def test_search_from_a_chapter_on_a_phone(phone, base_url):
    page, watch = phone
    page.goto(base_url + "book/02-gates.html", wait_until="load")
    settle(page)
    search = "button[aria-label='Search']:visible, .search-button__button:visible"
    page.locator(search).first.click()
    box = page.locator("#pst-search-dialog input[name='q']")
    box.wait_for(state="visible")
    box.fill("forget gate")
    box.press("Enter")
    page.wait_for_url("**/search.html?q=*")
    links = result_links(page)
    assert len(links) >= 3, links
    width = page.evaluate("() => document.documentElement.clientWidth")
    for item in page.locator("#search-results ul.search li a").all()[:5]:
        item.scroll_into_view_if_needed()
        bbox = item.bounding_box()
        assert item.is_visible() and bbox["x"] >= 0 and bbox["x"] + bbox["width"] <= width + 1
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= width
    assert not watch.errors, watch.errors


def test_the_chapter_list_opens_on_a_phone(phone, base_url):
    page, watch = phone
    page.goto(base_url + "book/05-gru.html", wait_until="load")
    settle(page)
    sidebar_links = page.locator(".bd-sidebar-primary nav a.reference.internal")
    assert not sidebar_links.first.is_visible(), "on a phone the sidebar starts collapsed"
    page.locator("button.primary-toggle:visible").first.click()
    width = SCREENS["phone"]["width"]
    for rel in toc_pages():
        if rel.endswith("05-gru.html"):
            continue   # the page itself: its entry is a "#" link
        link = page.locator(f".bd-sidebar-primary a[href$='{rel.rsplit('/', 1)[-1]}']").first
        link.scroll_into_view_if_needed()
        bbox = link.bounding_box()
        assert link.is_visible() and bbox["x"] >= 0 and bbox["x"] + 10 <= width, rel
    page.locator(".bd-sidebar-primary a[href$='02-gates.html']").first.click()
    page.wait_for_url("**/book/02-gates.html")
    assert not watch.errors, watch.errors
