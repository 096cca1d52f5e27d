"""Every chapter has the same skeleton, numbers per chapter, and code that fits a page.

Issue 13: chapters 4-8 had lost the objectives box of chapters 0-3, chapter 8 had no
exercises, no chapter had a summary, and equations and exercises were numbered across the
whole book ("Exercise 21"). The source checks run without a build; the HTML checks read the
built book (``LSTMCOURSE_BOOK_HTML`` or the suite's build).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from book_html_scan import ROOT, Page

CHAPTERS = [f"book/{p.stem}" for p in sorted((ROOT / "book").glob("0[1-9]-*.md"))]
# The width of a code line a page shows without scrolling: the project's limit for book code.
CODE_WIDTH = 80


def _source(docname: str) -> str:
    return (ROOT / f"{docname}.md").read_text(encoding="utf-8")


def _headings(text: str) -> list[str]:
    return re.findall(r"^## (.+)$", text, flags=re.MULTILINE)


def test_every_course_chapter_is_in_the_numbered_part() -> None:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    course = next(p for p in toc["parts"] if p["caption"] == "The course")
    appendix = next(p for p in toc["parts"] if p["caption"] == "Appendix")
    assert course.get("numbered"), "the course part must be numbered (chapter numbers)"
    assert not appendix.get("numbered"), "the appendix is not numbered"
    assert [c["file"] for c in course["chapters"]][:8] == CHAPTERS[:8]


@pytest.mark.parametrize("docname", CHAPTERS)
def test_chapter_source_has_the_skeleton(docname: str) -> None:
    text = _source(docname)
    assert re.search(r"```\{admonition\} Learning objectives\n:class: tip\n", text), (
        f"{docname}: no 'Learning objectives' admonition with class tip")
    heads = _headings(text)
    for needed in ("Overview", "Summary", "Exercises"):
        assert needed in heads, f"{docname}: no '## {needed}' section (has {heads})"
    body = [h for h in heads if h not in ("Overview", "Summary", "Exercises",
                                          "Graded assignment")]
    assert len(body) >= 2, f"{docname}: fewer than two content sections ({heads})"
    assert heads.index("Summary") < heads.index("Exercises"), f"{docname}: summary is last"
    exercises = re.findall(r"\{exercise(?:-start)?\}[^\n]*\n:label: (\S+)", text)
    solutions = re.findall(r"\{solution-start\} (\S+)", text)
    assert exercises, f"{docname}: no exercise"
    assert sorted(exercises) == sorted(solutions), f"{docname}: an exercise lacks its solution"


def test_no_hand_typed_numbers_of_equations_exercises_or_figures() -> None:
    # Numbers now come per chapter from Sphinx; a typed "eq. (14)" or "Exercise 21" goes stale.
    typed = re.compile(r"\b(?:[Ee]q(?:uation)?s?\.?\s*\(\d+\)|Exercise \d+\b|Fig(?:ure|\.)\s*\d+)")
    hits = {d: typed.findall(_source(d)) for d in ["book/00-welcome", *CHAPTERS]}
    assert not {d: h for d, h in hits.items() if h}


def test_gate_order_is_not_typed_as_a_string() -> None:
    # Issue 14: the gate order lives in lstmcourse.conventions; pages take it from there.
    pages = ["book/00-welcome", *CHAPTERS, "book/appendix/conventions"]
    assert not [d for d in pages if re.search(r"[\"']ifgo[\"']", _source(d))]


def _code_lines(text: str):
    """(line number, line) of every line inside a code cell or a code block.

    Fences nest (a ```` directive may hold a ``` code cell), so they are kept on a stack;
    a line inside is code when the innermost fence opened a code cell or a code block.
    """
    stack: list[tuple[str, bool]] = []  # (fence, holds code)
    options = ""  # in a code cell's options: "yaml" (a --- block), "colon" (:tags: lines)
    for n, line in enumerate(text.splitlines(), 1):
        m = re.match(r"^(`{3,})\s*(.*)$", line)
        if m and stack and m.group(1) == stack[-1][0] and not m.group(2):
            stack.pop()
            continue
        if m and not (stack and stack[-1][1]):
            info = m.group(2)
            stack.append((m.group(1), bool(re.match(r"\{code-cell\}|python|text|bash", info))))
            options = "start" if info.startswith("{code-cell}") else ""
            continue
        if not (stack and stack[-1][1]):
            continue
        if options == "start":
            options = "yaml" if line == "---" else "colon" if re.match(r"^:\w", line) else ""
            if options:
                continue
        elif options == "yaml":
            options = "" if line == "---" else "yaml"
            continue
        elif options == "colon":
            if re.match(r"^:\w", line):
                continue
            options = ""
        yield n, line


def test_book_code_lines_fit_the_column() -> None:
    pages = ["book/00-welcome", *CHAPTERS, "book/appendix/conventions"]
    long = [f"{d}.md:{n} ({len(line)})" for d in pages for n, line in _code_lines(_source(d))
            if len(line) > CODE_WIDTH]
    assert not long, f"code lines over {CODE_WIDTH} characters: {long}"


# --- the built book ---------------------------------------------------------------------------


def _html(page: Page) -> str:
    return page.path.read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("docname", CHAPTERS)
def test_built_chapter_numbers_its_exercises_figures_and_equations(
        chapter_pages: dict[str, Page], docname: str) -> None:
    number = int(Path(docname).name[:2])
    page = chapter_pages[docname]
    html = _html(page)
    assert re.search(r'class="(?:tip admonition|admonition tip)', html), f"{docname}: no tip box"
    assert "Learning objectives" in html
    titles = re.findall(r"Exercise (\d+)\.(\d+)", page.text)
    assert titles, f"{docname}: no 'Exercise {number}.k' on the page"
    assert {int(c) for c, _ in titles} == {number}, f"{docname}: exercise numbers {titles}"
    figures = re.findall(r"Fig\. (\d+)\.(\d+)", page.text)
    assert {int(c) for c, _ in figures} <= {number}, f"{docname}: figure numbers {figures}"
    equations = re.findall(r'class="eqno">\((\d+)\.(\d+)\)', html)
    assert {int(c) for c, _ in equations} <= {number}, f"{docname}: equation numbers"
    labelled = len(re.findall(r"^\$\$ \(", _source(docname), flags=re.MULTILINE))
    assert [int(k) for _, k in equations] == list(range(1, labelled + 1)), (
        f"{docname}: equations numbered {equations}, {labelled} labelled in the source")
    # The navigation shows every chapter with its number, this one included.
    assert re.search(rf'href="(?:{Path(docname).name}\.html|#)">\s*{number}\. ', html), (
        f"{docname}: the navigation shows no '{number}. ' before this chapter")


@pytest.mark.slow
def test_built_chapter_8_numbers_its_figures(chapter_pages: dict[str, Page]) -> None:
    page = chapter_pages["book/08-claims-tested"]
    assert len(set(re.findall(r"Fig\. 8\.(\d+)", page.text))) >= 7


@pytest.mark.slow
def test_appendix_is_not_numbered(chapter_pages: dict[str, Page]) -> None:
    html = _html(chapter_pages["book/appendix/conventions"])
    assert re.search(r">\s*Notation and conventions", html)
    assert not re.search(r">\s*\d+\.\s*Notation and conventions", html)
