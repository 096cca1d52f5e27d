"""The machine diagrams as a reader sees them, in Chromium: readable on a phone, in both themes.

Each diagram (and each live face, with values printed) is drawn with the book's stylesheet in a
column 340 px wide (a 390 px phone minus the page's margins) and 688 px wide (the book's column
at 1280 px). Measured there: the smallest text is 11.05 px at 340 px (13 units x 340/400); no
two texts overlap; no wire runs through a text; no text leaves the picture; the text colour
differs from the background in the dark theme.

The page is built here from the widgets' stylesheet and ``cell-diagrams.js`` alone (no book
build needed); Chromium is the browser tests' one session browser (``chromium`` in conftest.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lstmcourse.widgets.registry import STATIC

pytestmark = pytest.mark.slow

NAMES = ("rnn", "lstm", "gru", "bidirectional", "model")

PAGE = """<!doctype html><html data-theme="{theme}"><head><meta charset="utf-8">
<style>{css} html {{ --pst-color-background: {bg}; }}
body {{ background: {bg}; color: {fg}; margin: 0; font-family: sans-serif; }}
.col {{ width: {width}px; }}</style></head><body><div class="col" id="col"></div></body></html>"""
THEMES = {"light": ("#ffffff", "#222832"), "dark": ("#14181e", "#ced6dd")}

MEASURE = """([names, live]) => {
  const D = globalThis.LSTMCourseDiagrams, col = document.getElementById('col'), out = {};
  const values = {lstm: {c_prev: -1.25, f: 0.35, i: 0.8, g: -0.55, o: 0.66, keep: -0.4375,
      write: -0.44, c: -0.8775, tc: -0.705, h: -0.465},
    gru: {h_prev: -0.6, r: 0.5, z: 0.3, rh: -0.3, n: 0.0997, keep: -0.18, zc: 0.7,
      write: 0.0698, h: -0.1102}};
  for (const name of names) {
    const pic = D.draw(name, {live: live});
    if (live) pic.set(values[name]);
    col.appendChild(pic.node);
    const svg = pic.node.getBoundingClientRect(), boxes = [];
    let smallest = 1e9;
    for (const t of pic.node.querySelectorAll('text')) {
      const r = t.getBoundingClientRect(), k = svg.width / pic.node.viewBox.baseVal.width;
      for (const s of [t, ...t.querySelectorAll('tspan')]) {
        smallest = Math.min(smallest, parseFloat(getComputedStyle(s).fontSize) * k);
      }
      boxes.push({text: t.textContent, l: r.left, r: r.right, t: r.top, b: r.bottom});
    }
    const overlaps = [];
    boxes.forEach((a, i) => boxes.slice(i + 1).forEach(b => {
      const dx = Math.min(a.r, b.r) - Math.max(a.l, b.l);
      const dy = Math.min(a.b, b.b) - Math.max(a.t, b.t);
      if (dx > 1 && dy > 1) overlaps.push([a.text, b.text]);
    }));
    // Wires (straight segments of the cd-line paths) that run through a text.
    const m = pic.node.getScreenCTM(), crossed = [];
    const at = (x, y) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f];
    for (const path of pic.node.querySelectorAll('.cd-line')) {
      const nums = path.getAttribute('d').match(/-?[0-9.]+/g).map(Number), pts = [];
      for (let k = 0; k < nums.length; k += 2) pts.push(at(nums[k], nums[k + 1]));
      for (let k = 1; k < pts.length; k++) {
        const [x0, y0] = pts[k - 1], [x1, y1] = pts[k];
        for (const b of boxes) {
          // sample the segment; a point inside the text's box, or within 1.5 px of it, is a hit
          for (let s = 0; s <= 40; s++) {
            const x = x0 + (x1 - x0) * s / 40, y = y0 + (y1 - y0) * s / 40;
            if (x > b.l - 1.5 && x < b.r + 1.5 && y > b.t - 1.5 && y < b.b + 1.5) {
              crossed.push([b.text, path.parentNode.getAttribute('data-wire')]);
              break;
            }
          }
        }
      }
    }
    const outside = boxes.filter(b => b.l < svg.left - 1 || b.r > svg.right + 1 ||
      b.t < svg.top - 1 || b.b > svg.bottom + 1).map(b => b.text);
    out[name] = {smallest, overlaps, outside, crossed, width: svg.width,
      colour: getComputedStyle(pic.node.querySelector('text')).fill,
      background: getComputedStyle(document.body).backgroundColor};
    col.removeChild(pic.node);
  }
  return out;
}"""


def measure(chromium, theme: str, width: int, live: bool) -> dict:
    bg, fg = THEMES[theme]
    css = (STATIC / "widgets.css").read_text(encoding="utf-8")
    page = chromium.new_page(viewport={"width": max(width + 50, 390), "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_content(PAGE.format(theme=theme, css=css, bg=bg, fg=fg, width=width))
    page.add_script_tag(path=str(Path(STATIC) / "cell-diagrams.js"))
    names = ("lstm", "gru") if live else NAMES
    got = page.evaluate(MEASURE, [list(names), live])
    page.close()
    assert not errors, errors
    return got


@pytest.mark.parametrize("theme", sorted(THEMES))
@pytest.mark.parametrize("live", [False, True], ids=["static", "live"])
def test_readable_on_a_phone(chromium, theme, live):
    for name, m in measure(chromium, theme, 340, live).items():
        assert m["width"] == pytest.approx(340, abs=0.5), name
        assert m["smallest"] >= 11.0, (name, m["smallest"])
        assert not m["overlaps"], (name, m["overlaps"])
        assert not m["crossed"], (name, m["crossed"])
        assert not m["outside"], (name, m["outside"])
        assert m["colour"] != m["background"]


def test_wide_column_caps_the_size(chromium):
    for name, m in measure(chromium, "light", 688, False).items():
        assert m["width"] == pytest.approx(520, abs=0.5), name     # 1.3 x the 400-unit layout
        assert not m["overlaps"] and not m["outside"] and not m["crossed"], name
