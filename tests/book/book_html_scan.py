"""Helpers for the book tests: read the built HTML and CSS and list what they load.

Only the standard library's ``html.parser`` is used, so the checks see the markup exactly as a
browser receives it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[2]

# Something the browser would fetch from another host: http(s) or protocol-relative URLs.
EXTERNAL = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)
# CSS that pulls in a resource: url(...) and @import "..." / @import url(...).
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", re.IGNORECASE)
CSS_IMPORT = re.compile(r"@import\s+(?:url\()?\s*['\"]?([^'\");\s]+)", re.IGNORECASE)

# Tags and attributes whose URL the browser loads by itself (not a link the reader clicks).
LOADING_ATTRS = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"),
    "input": ("src",),
}
# <link rel=...> values that make the browser load the target.
LOADING_RELS = {
    "stylesheet", "preload", "modulepreload", "prefetch", "icon", "shortcut", "manifest",
    "apple-touch-icon", "mask-icon", "dns-prefetch", "preconnect",
}


@dataclass
class Page:
    """What one HTML page loads and shows."""

    path: Path
    loads: list[tuple[str, str]] = field(default_factory=list)  # (tag.attr, url)
    inline_scripts: list[str] = field(default_factory=list)
    inline_css: list[str] = field(default_factory=list)
    classes: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)  # <a href>
    text: str = ""
    prose: str = ""  # the text outside <pre> and <code>: what a page says, not its code


class _Collector(HTMLParser):
    def __init__(self, page: Page) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self._in: str | None = None
        self._buffer: list[str] = []
        self._text: list[str] = []
        self._prose: list[str] = []
        self._code_depth = 0  # inside how many <pre>/<code> elements

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        self.page.classes.update(a.get("class", "").split())
        for attr in LOADING_ATTRS.get(tag, ()):
            if a.get(attr):
                for url in a[attr].split(","):  # srcset: "url 2x, url 3x"
                    self.page.loads.append((f"{tag}.{attr}", url.strip().split(" ")[0]))
        if tag == "link" and a.get("href"):
            rels = set(a.get("rel", "").lower().split())
            if rels & LOADING_RELS:
                self.page.loads.append((f"link[{' '.join(sorted(rels))}]", a["href"]))
        if tag == "a" and a.get("href"):
            self.page.links.append(a["href"])
        if a.get("style"):
            self.page.inline_css.append(a["style"])
        if tag in ("script", "style"):
            self._in, self._buffer = tag, []
        if tag in ("pre", "code"):
            self._code_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("pre", "code"):
            self._code_depth = max(0, self._code_depth - 1)
        if tag == self._in:
            body = "".join(self._buffer)
            (self.page.inline_scripts if tag == "script" else self.page.inline_css).append(body)
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self._buffer.append(data)
        else:
            self._text.append(data)
            if not self._code_depth:
                self._prose.append(data)

    def close(self) -> None:
        super().close()
        self.page.text = html.unescape(re.sub(r"\s+", " ", " ".join(self._text)))
        self.page.prose = html.unescape(re.sub(r"\s+", " ", " ".join(self._prose)))


def parse_page(path: Path) -> Page:
    page = Page(path)
    collector = _Collector(page)
    collector.feed(path.read_text(encoding="utf-8"))
    collector.close()
    return page


# "inf" or "nan" standing where a number stands: 10^inf, -inf, NaN %, "infinity" (not "info").
NOT_A_NUMBER = re.compile(r"(?<![\w.])[-+]?(?:inf(?:inity)?|nan)(?![\w])", re.IGNORECASE)


def non_numbers(text: str) -> list[str]:
    """Every inf or NaN in ``text``, with some context, e.g. ``['loses 10^inf orders']``."""
    return [text[max(0, m.start() - 30):m.end() + 10] for m in NOT_A_NUMBER.finditer(text)]


def css_references(css: str) -> list[str]:
    """Every URL a stylesheet pulls in via ``url(...)`` or ``@import``."""
    return CSS_URL.findall(css) + CSS_IMPORT.findall(css)


def is_external(url: str) -> bool:
    return bool(EXTERNAL.match(url))


def local_target(page: Path, url: str) -> Path | None:
    """The file a relative URL of ``page`` points to (None for data:, #fragment, external)."""
    if not url or url.startswith(("data:", "#", "javascript:", "mailto:")) or is_external(url):
        return None
    path = unquote(urlsplit(url).path)
    return (page.parent / path).resolve() if path else None


def toc_docnames(root: Path = ROOT) -> list[str]:
    """Every page named in ``_toc.yml`` (root first), e.g. ``book/01-why-rnns-fail``."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]]

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            if "file" in entry:
                names.append(entry["file"])
            walk(entry.get("sections", []))

    for part in toc.get("parts", []):
        walk(part.get("chapters", []))
    walk(toc.get("chapters", []))
    return [str(Path(n).with_suffix("")) for n in names]
