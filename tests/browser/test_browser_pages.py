"""Every page of the built book as a reader sees it, on a phone (390x844) and a laptop (1280x900),
from file:// and from http://127.0.0.1.

On every page, the search page with a query included:

- nothing leaves the machine and the console stays clean: no error, no warning, no uncaught
  page error;
- every widget mounts;
- the page never scrolls sideways (``document.scrollingElement.scrollWidth`` <= the viewport);
  whatever is wider than the column must wrap or scroll inside its own box;
- MathJax typesets without an error node (``mjx-merror``);
- no formula is clipped. A formula is the box of its ``mjx-math``; it is clipped when an ancestor
  that hides overflow (``hidden``/``clip``) cuts it. An ancestor that *scrolls* (``auto``/
  ``scroll``, as the theme's display-equation box does) does not clip: the reader can scroll to
  the rest. On the laptop no display equation (and no chapter's code block: code lines are at
  most 80 characters, printed output wraps) may need that scrolling at all (a long equation
  there is a layout bug: split it with ``aligned``); on a phone scrolling inside the equation's
  own box is the accepted way to show it (course.js marks such a box and makes it a tab stop).

Before measuring, every solution dropdown and ``<details>`` is opened (what a reader can open
must fit too). A full-page screenshot of every chapter (the welcome page and the course part of
_toc.yml; not the appendix, whose API page alone is 100,000 px tall), dropdowns open, at both
widths (from the http run) goes to ``_build/screenshots/<screen>-<page>.png``
(``LSTMCOURSE_SCREENSHOTS`` overrides the folder), for a person to look at: .ci/run keeps that
folder as a CI artefact. Nothing here compares pixels.

Cost, measured on the shared 2-core machine: 55-90 s for the four runs (two schemes x two
screens, 17 pages and 2 searches each, 18 full-page screenshots, about 30 MB), in the session's
one browser; a file:// run takes 9-17 s, an http run with its screenshots 16-29 s.
"""

from __future__ import annotations

import pytest
from browser_helpers import book_pages, settle, toc_pages

pytestmark = pytest.mark.slow

#: Queries the walk also runs on the search page (a result list used to fetch every page).
SEARCHES = ["search.html?q=forget+gate", "search.html?q=53%2C200"]

#: Open what a reader can open (solution dropdowns, <details>), transitions off, so that what
#: is inside is measured and photographed too.
OPEN_ALL = """async () => {
  const style = document.createElement("style");
  style.textContent = "*, *::before, *::after { transition: none !important; "
                    + "animation: none !important; }";
  document.head.appendChild(style);
  for (const b of document.querySelectorAll("button.toggle-button.toggle-button-hidden")) {
    b.click();
  }
  for (const d of document.querySelectorAll("details:not([open])")) d.open = true;
  // Two frames: layout, then the ResizeObserver of course.js re-measures what just opened.
  for (let k = 0; k < 2; k++) await new Promise((r) => requestAnimationFrame(r));
}"""

#: The layout facts of a settled page (see the module docstring for what "clipped" means).
LAYOUT = """() => {
  const viewport = document.documentElement.clientWidth;
  const scrollWidth = document.scrollingElement.scrollWidth;
  const describe = (el) => el.tagName.toLowerCase() + [...el.classList].slice(0, 2)
      .map((c) => "." + c).join("");
  const clipped = [], scrolling = [];
  const axes = [["overflowX", "left", "right"], ["overflowY", "top", "bottom"]];
  for (const m of document.querySelectorAll("mjx-container")) {
    const math = m.querySelector("mjx-math");
    if (!math) continue;
    const r = math.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;           // not rendered (display: none)
    let box = {left: r.left, right: r.right, top: r.top, bottom: r.bottom};
    const tex = (m.querySelector("mjx-assistive-mml") || m).textContent.slice(0, 40);
    for (let a = m; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a), q = a.getBoundingClientRect();
      for (const [axis, lo, hi] of axes) {
        const mode = s[axis];
        if (mode === "visible") continue;
        if (box[lo] >= q[lo] - 1 && box[hi] <= q[hi] + 1) continue;
        if (mode === "auto" || mode === "scroll") {
          // The reader scrolls to the rest; what must stay visible is the scrolling box itself.
          if (axis === "overflowX" && m.getAttribute("display") === "true") {
            scrolling.push(`${tex} (${Math.round(r.width)} px in ${Math.round(q.width)} px)`);
          }
          box[lo] = Math.max(box[lo], q[lo]);
          box[hi] = Math.min(box[hi], q[hi]);
        } else {
          clipped.push(`${tex}: ${describe(a)} (overflow ${mode}) cuts ` +
                       `${Math.round(r[hi] - r[lo])} px to ${Math.round(q[hi] - q[lo])} px`);
        }
      }
    }
  }
  const wide = [];
  if (scrollWidth > viewport) {
    // Name the outermost elements that stick out (not inside a box that scrolls or clips).
    for (const el of document.querySelectorAll("body *")) {
      const q = el.getBoundingClientRect();
      if (q.right <= viewport + 1 || q.width === 0) continue;
      let inside = getComputedStyle(el).position === "fixed";   // off-canvas drawers
      for (let a = el.parentElement; a && a !== document.body && !inside; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== "visible" || getComputedStyle(a).position === "fixed"
            || a.getBoundingClientRect().right > viewport + 1) { inside = true; break; }
      }
      if (!inside) wide.push(`${describe(el)} to ${Math.round(q.right)} px: ` +
                             JSON.stringify((el.textContent || "").trim().slice(0, 50)));
      if (wide.length >= 4) break;
    }
  }
  // Code blocks wider than their box (their box scrolls): allowed on a phone only.
  const code = [...document.querySelectorAll("div.highlight pre")]
      .filter((e) => e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1)
      .map((e) => `${e.scrollWidth} px in ${e.clientWidth} px: ` +
                  JSON.stringify(e.textContent.trim().slice(0, 40)));
  return {viewport, scrollWidth, wide, clipped, scrolling, code,
          merror: [...document.querySelectorAll("mjx-merror")].map((e) => e.textContent),
          unmounted: [...document.querySelectorAll("[data-widget]:not([data-mounted='1'])")]
              .map((e) => e.dataset.widget)};
}"""


def test_every_page_fits_the_screen_and_its_console_is_clean(
    on_screen, base_url, site_dir, screenshot_dir
):
    page, watch, screen = on_screen
    pages = book_pages(site_dir)
    assert len(pages) >= 10, pages
    assert set(toc_pages()) <= set(pages), "a page of _toc.yml is missing from the build"
    chapters = set(toc_pages(part=0))
    redirects = {rel for rel in pages
                 if 'http-equiv="Refresh"' in (site_dir / rel).read_text(encoding="utf-8")}
    problems = []
    for rel in pages + SEARCHES:
        watch.errors.clear()
        page.goto(base_url + rel, wait_until="load")
        if rel in redirects:   # index.html: only where it leads (measured as its own page)
            page.wait_for_url(lambda url, rel=rel: not url.endswith(rel))
            settle(page)
            if watch.errors:
                problems.append(f"{rel}: console: {watch.errors}")
            continue
        settle(page)
        if rel.startswith("search.html"):
            page.wait_for_load_state("networkidle")   # every result listed, nothing fetched
        page.evaluate(OPEN_ALL)
        facts = page.evaluate(LAYOUT)
        where = f"{rel} [{screen} {facts['viewport']} px]"
        if watch.errors:
            problems.append(f"{where}: console: {watch.errors}")
        if facts["unmounted"]:
            problems.append(f"{where}: widgets did not mount: {facts['unmounted']}")
        if facts["scrollWidth"] > facts["viewport"]:
            problems.append(f"{where}: scrolls sideways ({facts['scrollWidth']} px): "
                            f"{facts['wide']}")
        if facts["merror"]:
            problems.append(f"{where}: MathJax errors: {facts['merror']}")
        if facts["clipped"]:
            problems.append(f"{where}: clipped formulas: {facts['clipped'][:5]}")
        if screen == "laptop" and facts["scrolling"]:
            problems.append(f"{where}: display equations wider than the column: "
                            f"{facts['scrolling']}")
        if screen == "laptop" and rel in chapters and facts["code"]:
            problems.append(f"{where}: code or output wider than its box: {facts['code'][:5]}")
        if rel in chapters and base_url.startswith("http"):
            name = rel.removesuffix(".html").replace("/", "-")
            page.screenshot(path=screenshot_dir / f"{screen}-{name}.png", full_page=True)
    assert not watch.blocked, f"requests left the machine: {sorted(set(watch.blocked))}"
    assert not problems, "\n".join(problems)
