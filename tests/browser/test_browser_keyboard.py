"""A keyboard reader on chapter 2, on a phone and a laptop, from file:// and http://127.0.0.1.

- From the top of the page the first slider of the chapter's widget is three presses away: Tab
  (the theme's "Skip to main content"), Tab ("Skip to the interactive figure", course.js), Enter.
  Before, it took 94 Tab presses, most of them on formulas.
- Formulas are not tab stops (``mathjax3_config``: MathJax's ``inTabOrder`` off), except a
  formula box that is wider than its column and so must be scrollable by keyboard (course.js, the
  way the theme treats code blocks). Screen readers still get each formula: every typeset formula
  carries MathJax's hidden MathML copy.
"""

from __future__ import annotations

import pytest
from browser_helpers import WIDGET_PAGES, settle

pytestmark = pytest.mark.slow

CHAPTER = "book/02-gates.html"
SKIP_TEXT = "Skip to the interactive figure"
#: Tab, Tab, Enter: the bound the skip link promises.
MOST_PRESSES = 3
#: Tab alone, formulas out of the way: the theme's navigation (about 20 stops on a laptop) and
#: the links and code blocks of the text above the widget. Measured 41 (laptop) and 32 (phone)
#: with the chapter of this build; 94 when every formula was a tab stop.
MOST_TABS = 60

FOCUS = """() => {
  const e = document.activeElement;
  return {tag: e.tagName, text: (e.textContent || "").trim().slice(0, 50),
          scrolls: e.hasAttribute("data-lc-scrolls"),
          slider: e.matches("[data-widget] input[type=range]")};
}"""


def open_chapter(page, base_url: str):
    assert CHAPTER in WIDGET_PAGES.values(), f"no widget on {CHAPTER}: {WIDGET_PAGES}"
    page.goto(base_url + CHAPTER, wait_until="load")
    settle(page)
    return page.locator("[data-widget] input[type=range]").first


def test_the_skip_link_reaches_the_first_slider_in_three_presses(on_screen, base_url):
    page, watch, screen = on_screen
    slider = open_chapter(page, base_url)
    presses, focus = 0, None
    while presses < MOST_PRESSES - 1:
        page.keyboard.press("Tab")
        presses += 1
        focus = page.evaluate(FOCUS)
        if focus["text"] == SKIP_TEXT:
            break
    assert focus and focus["text"] == SKIP_TEXT, f"{screen}: Tab {presses} is on {focus}"
    assert page.get_by_text(SKIP_TEXT).is_visible(), "the focused skip link must be visible"
    page.keyboard.press("Enter")
    presses += 1
    assert slider.evaluate("el => el === document.activeElement"), page.evaluate(FOCUS)
    assert presses <= MOST_PRESSES
    # The reader is on a working slider: an arrow key moves it.
    before = slider.input_value()
    page.keyboard.press("ArrowRight")
    assert slider.input_value() != before
    assert not watch.errors, watch.errors


def test_formulas_are_not_tab_stops_and_keep_their_mathml(on_screen, base_url, capsys):
    page, watch, screen = on_screen
    open_chapter(page, base_url)
    stops = []
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        stops.append(focus)
        if focus["slider"]:
            break
    assert stops[-1]["slider"], f"{screen}: no slider within {MOST_TABS} Tab presses: {stops}"
    formulas = [f for f in stops if f["tag"] == "MJX-CONTAINER" and not f["scrolls"]]
    assert not formulas, f"{screen}: formulas that fit are tab stops: {formulas}"
    with capsys.disabled():
        print(f"\n{screen} ({base_url.split(':')[0]}): {len(stops)} Tab presses to the first "
              "slider without the skip link")
    # Every typeset formula keeps a MathML copy for screen readers, and none that fits its
    # column is in the tab order.
    facts = page.evaluate("""() => [...document.querySelectorAll("mjx-container")].map((m) => ({
        mathml: !!m.querySelector("mjx-assistive-mml math"),
        tab: m.tabIndex, scrolls: m.hasAttribute("data-lc-scrolls")}))""")
    assert len(facts) > 20, "chapter 2 should be full of formulas"
    assert all(f["mathml"] for f in facts), "a formula lost its hidden MathML copy"
    assert all(f["tab"] < 0 for f in facts if not f["scrolls"]), "a formula is a tab stop"
