"""The built book is complete and self-contained: every page, figure and script is local.

These tests read ``_build/html`` as a browser would: what each page loads (scripts, stylesheets,
images, fonts, ``@import``/``url()`` in CSS), which MathJax it uses, whether any notebook cell
failed, and whether each page offers its executed notebook for download.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from book_html_scan import Page, css_references, is_external, local_target, toc_docnames

pytestmark = pytest.mark.slow


def test_every_toc_page_is_built(chapter_pages: dict[str, Page]) -> None:
    assert set(chapter_pages) == set(toc_docnames())
    for docname, page in chapter_pages.items():
        assert len(page.text) > 200, f"{docname} is (nearly) empty"
    assert (chapter_pages["book/00-welcome"].path.parents[1] / "index.html").is_file()


def test_no_page_loads_anything_from_the_network(all_pages: dict[Path, Page]) -> None:
    offenders = []
    for path, page in all_pages.items():
        offenders += [(path.name, what, url) for what, url in page.loads if is_external(url)]
        for css in page.inline_css:
            urls = css_references(css)
            offenders += [(path.name, "inline css", u) for u in urls if is_external(u)]
    assert not offenders, f"pages load external resources: {offenders[:10]}"


def test_no_stylesheet_imports_from_the_network(html_dir: Path) -> None:
    css_files = list(html_dir.rglob("*.css"))
    assert css_files, "no stylesheets in the build"
    offenders = [
        (str(css.relative_to(html_dir)), url)
        for css in css_files
        for url in css_references(css.read_text(encoding="utf-8", errors="replace"))
        if is_external(url)
    ]
    assert not offenders, f"stylesheets pull external fonts/images/CSS: {offenders[:10]}"


def test_stylesheet_references_resolve_to_files(html_dir: Path) -> None:
    # Fonts and icons the theme's CSS asks for must be in the build, or they silently vanish.
    missing = []
    for css in html_dir.joinpath("_static").rglob("*.css"):
        if "mathjax" in css.parts:
            continue
        for url in css_references(css.read_text(encoding="utf-8", errors="replace")):
            target = local_target(css, url)
            if target is not None and not target.exists():
                missing.append((str(css.relative_to(html_dir)), url))
    assert not missing, f"stylesheets reference missing files: {missing[:10]}"


def test_no_thebe_or_binder(all_pages: dict[Path, Page]) -> None:
    for path, page in all_pages.items():
        scripts = " ".join(page.inline_scripts) + " ".join(u for _, u in page.loads)
        assert "thebe" not in scripts.lower(), f"{path.name} still carries Thebe"
        assert "THEBE_JS_URL" not in scripts, f"{path.name} declares THEBE_JS_URL"
        assert not any("binder" in link.lower() for link in page.links), path.name
    # Every inline script is declared once per page: a duplicate `const` is a console error.
    for path, page in all_pages.items():
        declared = re.findall(r"\bconst\s+([A-Za-z_$][\w$]*)", " ".join(page.inline_scripts))
        assert len(declared) == len(set(declared)), f"{path.name} redeclares {declared}"


def test_no_empty_top_navbar_with_a_second_search_box(all_pages: dict[Path, Page]) -> None:
    """pydata-sphinx-theme 0.17 adds a header search box unless the extension turns it off."""
    for path, page in all_pages.items():
        assert "navbar-persistent--container" not in page.classes, (
            f"{path.name} shows pydata's top navigation bar with a second search box"
        )


def test_inline_scripts_fetch_nothing_remote(all_pages: dict[Path, Page]) -> None:
    remote_load = re.compile(r"""(?:src\s*=|import\(|fetch\(|\.src\s*=)\s*['"`](?:https?:)?//""")
    for path, page in all_pages.items():
        for body in page.inline_scripts:
            assert not remote_load.search(body), f"{path.name}: {body[:200]}"


def test_loaded_local_files_exist(all_pages: dict[Path, Page]) -> None:
    missing = []
    for path, page in all_pages.items():
        for what, url in page.loads:
            target = local_target(path, url)
            if target is not None and not target.exists():
                missing.append((path.name, what, url))
    assert not missing, f"referenced files missing: {missing[:10]}"


def test_every_chapter_figure_exists(chapter_pages: dict[str, Page]) -> None:
    images = [
        (page, url) for page in chapter_pages.values() for what, url in page.loads
        if what.startswith("img.")
    ]
    # Chapters 1-3 each draw at least one figure at build time.
    for docname in ("book/01-why-rnns-fail", "book/02-gates", "book/03-conveyor-belt"):
        assert any(p.path == chapter_pages[docname].path for p, _ in images), docname
    for page, url in images:
        target = local_target(page.path, url)
        assert target is not None and target.is_file() and target.stat().st_size > 1000, url


def test_mathjax_is_local_on_every_page_with_math(
    html_dir: Path, chapter_pages: dict[str, Page]
) -> None:
    with_math = [p for p in chapter_pages.values() if "math" in p.classes]
    assert len(with_math) >= 4, "expected math on most chapters"
    for page in with_math:
        mathjax = [u for w, u in page.loads if w == "script.src" and "mathjax" in u.lower()]
        assert mathjax, f"{page.path.name} has math but loads no MathJax"
        for url in mathjax:
            assert not is_external(url), f"{page.path.name} loads MathJax from {url}"
            assert local_target(page.path, url).is_file()
    # MathJax 3 loads its fonts relative to its own script: they must be there too.
    fonts = html_dir / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2"
    assert any(fonts.glob("*.woff")), "MathJax's CHTML fonts are missing"


def test_no_cell_failed(chapter_pages: dict[str, Page]) -> None:
    for docname, page in chapter_pages.items():
        assert "traceback" not in page.classes, f"{docname} shows a traceback"
        assert "Traceback (most recent call last)" not in page.text, docname
        assert "stderr" not in page.classes, f"{docname} printed to stderr"


def test_every_notebook_page_offers_its_executed_notebook(
    html_dir: Path, chapter_pages: dict[str, Page]
) -> None:
    for docname, page in chapter_pages.items():
        wanted = f"_sources/{docname}.ipynb"
        hrefs = [h for h in page.links if h.endswith(".ipynb")]
        assert any(h.endswith(wanted) for h in hrefs), f"{docname}: no .ipynb download ({hrefs})"
        notebook = json.loads((html_dir / wanted).read_text(encoding="utf-8"))
        outputs = [o for c in notebook["cells"] if c["cell_type"] == "code"
                   for o in c.get("outputs", [])]
        assert not [o for o in outputs if o["output_type"] == "error"], docname


# ---- Offline search and the course's own page assets (book/_ext/offline_book.py, _config.yml) --

#: A number that Sphinx's own splitter would cut in two: digit groups joined by "," or ".".
JOINED_NUMBER = re.compile(r"^\d+(?:[.,]\d+)+$")


def _search_index(html_dir: Path) -> dict:
    text = (html_dir / "searchindex.js").read_text(encoding="utf-8")
    assert text.startswith("Search.setIndex(") and text.rstrip().endswith(")")
    return json.loads(text.strip()[len("Search.setIndex("):-1])


def test_search_fetches_no_page_summaries(html_dir: Path) -> None:
    """From file:// each summary fetch is a CORS error: the search page must not fetch pages."""
    options = (html_dir / "_static" / "documentation_options.js").read_text(encoding="utf-8")
    assert re.search(r"SHOW_SEARCH_SUMMARY:\s*false", options), options


def test_glued_numbers_are_words_of_the_search_index(
    html_dir: Path, chapter_pages: dict[str, Page]
) -> None:
    """Every number glued into a chapter (53,200; 0.086) is one search word pointing to it."""
    index = _search_index(html_dir)
    terms, titles, docnames = index["terms"], index["titleterms"], index["docnames"]
    glued = re.compile(r'<span class="pasted-text">([^<]+)</span>')
    checked, missing = 0, []
    for docname, page in chapter_pages.items():
        html_text = page.path.read_text(encoding="utf-8")
        for number in {n.strip() for n in glued.findall(html_text)}:
            if not JOINED_NUMBER.match(number):
                continue
            checked += 1
            hits = set()
            for table in (terms, titles):   # a word of a heading is listed under titles only
                found = table.get(number, [])
                hits |= {found} if isinstance(found, int) else set(found)
            if docname not in {docnames[i] for i in hits}:
                missing.append((docname, number))
    assert checked >= 3, f"expected glued numbers like 53,200 in the chapters, found {checked}"
    assert not missing, f"glued numbers the search cannot find: {missing[:10]}"


def test_the_search_query_splitter_keeps_numbers_whole(html_dir: Path) -> None:
    """language_data.js (loaded after searchtools.js) replaces its splitQuery with one that keeps
    53,200 whole: searchtools.js would drop the all-digit halves "53" and "200"."""
    language = (html_dir / "_static" / "language_data.js").read_text(encoding="utf-8")
    assert "var splitQuery" in language and r"\p{Nd}+(?:[.,]\p{Nd}+)+" in language


def test_every_page_loads_the_course_stylesheet_and_script(
    html_dir: Path, all_pages: dict[Path, Page]
) -> None:
    for name in ("course.css", "course.js"):
        assert (html_dir / "_static" / name).is_file(), name
    for path, page in all_pages.items():
        if 'http-equiv="Refresh"' in path.read_text(encoding="utf-8"):
            continue   # index.html only redirects to the welcome page
        urls = [urlsplit(u).path for _, u in page.loads]
        for name in ("course.css", "course.js"):
            assert any(u.endswith(f"_static/{name}") for u in urls), f"{path.name} lacks {name}"


def test_formulas_are_out_of_the_tab_order_but_keep_their_mathml(
    chapter_pages: dict[str, Page]
) -> None:
    """MathJax's menu puts every formula in the tab order by default (94 Tab presses to the
    first slider of chapter 2); its hidden MathML copy for screen readers must stay on."""
    with_math = [p for p in chapter_pages.values() if "math" in p.classes]
    assert with_math
    for page in with_math:
        config = next((s for s in page.inline_scripts if "window.MathJax" in s), "")
        body = config[config.index("{"):config.rindex("}") + 1]
        settings = json.loads(body)["options"]["menuOptions"]["settings"]
        assert settings == {"inTabOrder": False, "assistiveMml": True}, page.path.name
