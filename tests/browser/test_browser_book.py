"""The book's widgets in a real browser (Debian's Chromium), from file:// and from http://127.0.0.1.

(Every page's console, layout and screenshots: test_browser_pages.py.) Every widget mounts on its
chapter; moving sliders (keyboard, or setting the value and firing ``input``)
shows the numbers lstmcourse.numpy gives; MathJax typesets; the slider-to-readout update is
measured in the page and must stay under one 60 Hz frame (16 ms).
"""

from __future__ import annotations

import statistics

import pytest
from browser_helpers import (
    WIDGET_PAGES,
    assert_readout,
    expected_activations,
    expected_bidirectional,
    expected_conveyor_belt,
    expected_gate_playground,
    expected_gru_gates,
    expected_vanishing_gradient,
)

from lstmcourse.widgets.registry import WIDGETS, Slider, get

#: The widgets a reader drives (the registry also lists live diagrams, which have no inputs).
WITH_SLIDERS = [n for n in WIDGETS if any(isinstance(i, Slider) for i in get(n).inputs)]

pytestmark = pytest.mark.slow

SET_VALUE = """([sel, v]) => {
  const el = document.querySelector(sel);
  el.value = String(v);
  el.dispatchEvent(new Event("input", {bubbles: true}));
  return Number(el.value);
}"""


def open_widget(page, base_url: str, name: str):
    page.goto(base_url + WIDGET_PAGES[name], wait_until="load")
    root = page.locator(f'[data-widget="{name}"]')
    assert root.count() == 1, f"{name}: expected exactly one root on {WIDGET_PAGES[name]}"
    page.wait_for_selector(f'[data-widget="{name}"][data-mounted="1"]', timeout=10_000)
    return root


def set_param(page, name: str, param: str, value) -> float:
    sel = f'[data-widget="{name}"] input[data-param="{param}"]'
    return page.evaluate(SET_VALUE, [sel, value])


def params_of(page, name: str) -> dict:
    return page.evaluate(
        """(name) => Object.fromEntries([...document.querySelectorAll(
             `[data-widget="${name}"] input[type=range][data-param]`)]
             .map(el => [el.dataset.param, Number(el.value)]))""", name)


def readouts(root) -> dict:
    return {el.get_attribute("data-output"): el.text_content()
            for el in root.locator("[data-output]").element_handles()}


def check_clean(watch) -> None:
    """No request left the machine and the widgets logged no error.

    (Errors from the theme or other page scripts are judged, on every page, by
    test_browser_pages.py; here they would only repeat that failure.)
    """
    assert not watch.blocked, f"requests left the machine: {watch.blocked}"
    ours = [e for e in watch.errors if "lstmcourse" in e or "LSTMCourse" in e]
    assert not ours, "\n".join(ours)


@pytest.mark.parametrize("name", WITH_SLIDERS)
def test_widget_is_on_its_chapter_with_labelled_sliders_and_readouts(watched, base_url, name):
    page, watch = watched
    root = open_widget(page, base_url, name)
    sliders = root.locator('input[type="range"][data-param]')
    assert sliders.count() >= 1
    for k in range(sliders.count()):
        s = sliders.nth(k)
        sid = s.get_attribute("id")
        label = root.locator(f'label[for="{sid}"]')
        assert label.count() == 1 and label.is_visible(), f"{name}: {sid} has no visible label"
        assert label.text_content().strip()
        # The label is the slider's accessible name (what a screen reader announces).
        named = root.get_by_label(label.text_content().strip(), exact=True)
        assert named.count() >= 1 and any(
            n.get_attribute("id") == sid for n in named.all()), f"{name}: {sid} is unnamed"
    outs = readouts(root)
    assert outs, f"{name}: no readouts"
    numeric = [t for t in outs.values() if t.strip()[:1] in "-0123456789["]
    assert numeric, f"{name}: no numeric readouts"
    if name == "gate-playground":
        assert set(params_of(page, name)) == {"f", "i", "g", "o", "c_prev"}
        assert {"c", "h"} <= set(outs)
    check_clean(watch)


CASES = {
    "gate-playground": ([{"f": 0.37, "i": 0.81, "g": -0.44, "o": 0.66, "c_prev": 1.73},
                         {"f": 1.0, "i": 0.0, "g": 1.0, "o": 1.0, "c_prev": -2.0}],
                        expected_gate_playground),
    "activations": ([{"x": -3.21}, {"x": 5.5}, {"x": 0.0}], expected_activations),
    "gru-gates": ([{"r": 0.12, "z": 0.77, "n_x": -1.3, "w_hn": 1.9, "h_prev": 0.85}],
                  expected_gru_gates),
    "conveyor-belt": ([{"f": 0.83, "steps": 17, "w": 1.27}, {"f": 0.5, "steps": 60, "w": 0.4}],
                      expected_conveyor_belt),
    "vanishing-gradient": ([{"scale": 0.7, "length": 90, "forget_bias": 3.5},
                            {"scale": 1.3, "length": 40, "forget_bias": 0.0}],
                           expected_vanishing_gradient),
}


@pytest.mark.parametrize("name", list(CASES))
def test_setting_sliders_gives_the_reference_numbers(watched, base_url, name):
    page, watch = watched
    root = open_widget(page, base_url, name)
    settings, expected_fn = CASES[name]
    # The defaults first, then each setting, one slider at a time (each fires `input`).
    for values in [{}, *settings]:
        for param, v in values.items():
            got = set_param(page, name, param, v)
            assert got == pytest.approx(v), f"{name}.{param}: slider took {got}, not {v}"
        expected = expected_fn(**params_of(page, name))
        shown = readouts(root)
        for key, value in expected.items():
            assert_readout(shown[key], float(value), f"{name}.{key} at {params_of(page, name)}")
    check_clean(watch)


def test_bidirectional_sentence_and_cursor(watched, base_url):
    page, watch = watched
    root = open_widget(page, base_url, "bidirectional")
    # "Cats" is not among the models' words: the widget leaves it out and says so.
    sentence = "The acting was fun, but the cats and the story were dull"
    root.locator('input[data-param="sentence"]').fill(sentence)
    words = expected_bidirectional(sentence, 0)["words"]
    assert "cats" not in words and len(words) == 10, words
    for t in (0, 4, len(words) - 1):
        set_param(page, "bidirectional", "t", t)
        exp, shown = expected_bidirectional(sentence, t), readouts(root)
        assert shown["fwd_read"] == exp["fwd_read"]
        assert shown["bwd_read"] == exp["bwd_read"]
        for key in ("p_bi", "p_fwd"):
            assert_readout(shown[key], exp[key], f"bidirectional.{key}[t={t}]")
    assert "cats" in shown["note"]
    # The cursor cannot run past the last word.
    assert root.locator('input[data-param="t"]').get_attribute("max") == str(len(words) - 1)
    check_clean(watch)


def test_gate_playground_by_keyboard_with_visible_focus(watched, base_url):
    page, watch = watched
    root = open_widget(page, base_url, "gate-playground")
    f = root.locator('input[data-param="f"]')
    f.focus()
    style = f.evaluate("el => { const s = getComputedStyle(el);"
                       " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }")
    assert style[0] != "none" and style[1] >= 2, f"focused slider has no visible outline: {style}"
    start = float(f.input_value())
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    assert float(f.input_value()) == pytest.approx(start + 0.05)
    c_prev = root.locator('input[data-param="c_prev"]')
    c_prev.focus()
    page.keyboard.press("Home")                        # c_prev = -2
    page.keyboard.press("ArrowRight")                  # -1.99
    assert float(c_prev.input_value()) == pytest.approx(-1.99)
    expected = expected_gate_playground(**params_of(page, "gate-playground"))
    shown = readouts(root)
    for key in ("c", "h", "keep", "write"):
        assert_readout(shown[key], float(expected[key]), f"gate-playground.{key} (keyboard)")
    check_clean(watch)


def test_gate_playground_diagram_shows_the_flow(watched, base_url):
    page, watch = watched
    root = open_widget(page, base_url, "gate-playground")

    def width(wire: str) -> float:   # the live cell diagram's wire (cell-diagrams.js)
        path = root.locator(f'g[data-wire="{wire}"] path.cd-line')
        return float(path.get_attribute("stroke-width"))

    set_param(page, "gate-playground", "c_prev", 1.5)
    set_param(page, "gate-playground", "f", 0.1)
    narrow = width("keep")
    set_param(page, "gate-playground", "f", 1.0)
    assert width("keep") > narrow + 1, "the kept path must thicken as the forget gate opens"
    gate_f = root.locator('[data-gate="f"] [fill-opacity]').first
    assert gate_f.get_attribute("fill-opacity") == "1.000", "an open gate is drawn opaque"
    set_param(page, "gate-playground", "i", 0.0)
    assert width("write") == pytest.approx(1.0)      # nothing written: thinnest line
    check_clean(watch)


def test_math_is_typeset_by_local_mathjax(watched, base_url):
    page, watch = watched
    page.goto(base_url + WIDGET_PAGES["gate-playground"], wait_until="load")
    page.wait_for_selector("mjx-container", timeout=15_000)
    assert page.locator("mjx-container").count() > 0
    check_clean(watch)


TIMED = {"gate-playground": "f", "conveyor-belt": "steps", "activations": "x",
         "vanishing-gradient": "length", "gru-gates": "z", "bidirectional": "t"}

MEASURE = """([name, param]) => {
  const root = document.querySelector(`[data-widget="${name}"]`);
  const input = root.querySelector(`input[data-param="${param}"]`);
  const out = root.querySelector("[data-output]");
  const lo = Number(input.min), hi = Number(input.max), times = [];
  for (let k = 0; k < 60; k++) {
    input.value = String(lo + (hi - lo) * ((k * 7919) % 60) / 59);
    const t0 = performance.now();
    input.dispatchEvent(new Event("input", {bubbles: true}));
    const shown = out.textContent;        // the readout is already updated when dispatch returns
    times.push(performance.now() - t0);
    if (shown === "\u2026") throw new Error("readout not updated");
  }
  return times;
}"""


def test_slider_to_readout_update_is_under_one_frame(watched, base_url, capsys):
    page, watch = watched
    lines = []
    for name, param in TIMED.items():
        open_widget(page, base_url, name)
        times = page.evaluate(MEASURE, [name, param])
        med, worst = statistics.median(times), max(times)
        p90 = sorted(times)[int(0.9 * len(times)) - 1]
        lines.append(f"{name:20s} {param:7s} median {med:6.3f} ms   p90 {p90:6.3f} ms"
                     f"   max {worst:6.3f} ms")
        # Judged on the median and the 90th percentile: on a shared 2-core runner a single
        # update can be pre-empted by another process, which says nothing about the widget.
        assert med < 16.0 and p90 < 16.0, f"{name}: slider->readout {lines[-1]} (> 16 ms)"
    with capsys.disabled():
        print(f"\nslider -> readout update times ({base_url.split(':')[0]}):")
        print("\n".join("  " + line for line in lines))
    check_clean(watch)
