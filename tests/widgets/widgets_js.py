"""Run lstmcourse's widget JavaScript from Python tests: in Node, or in Chromium without Node.

``render(name, state, moves)`` runs one widget's render() on a fake DOM (``fake_dom.js``) and a
fake anywidget model, and returns what the widget showed and reported.

``run_js(body, fixtures)`` evaluates ``body`` as the body of ``function (M, fx) {...}`` where
``M`` is ``LSTMCourseMath`` (static/lstm-math.js) and ``fx`` the JSON-able ``fixtures``; the
function's return value comes back through JSON. JSON keeps float64 exactly (shortest round trip
in both JS and Python), so comparisons to 1e-9, or exact ones, are meaningful.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from lstmcourse.widgets.registry import STATIC

MATH_JS = STATIC / "lstm-math.js"
UI_JS = STATIC / "widget-ui.js"
HERE = Path(__file__).resolve().parent

_NODE_DRIVER = """
const M = require(process.argv[1]);
const fx = JSON.parse(require("fs").readFileSync(0, "utf8"));
const result = (function (M, fx) { %s })(M, fx);
process.stdout.write(JSON.stringify(result));
"""


def run_js(body: str, fixtures: object = None, *, scripts: tuple = ()) -> object:
    """Evaluate ``body`` with ``M`` and ``fx`` bound; ``scripts`` load after the math (Chromium)."""
    node = shutil.which("node")
    if node and not scripts:
        proc = subprocess.run(
            [node, "-e", _NODE_DRIVER % body, str(MATH_JS)],
            input=json.dumps(fixtures), capture_output=True, text=True, timeout=60,
        )
        assert proc.returncode == 0, f"node failed:\n{proc.stderr}"
        return json.loads(proc.stdout)
    return _run_in_chromium(body, fixtures, scripts)


def _run_in_chromium(body: str, fixtures: object, scripts: tuple) -> object:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )
        try:
            page = browser.new_page()
            page.set_content("<!doctype html><html><body></body></html>")
            for path in (MATH_JS, UI_JS, *scripts):
                page.add_script_tag(path=str(path))
            return page.evaluate(
                "(fx) => JSON.parse(JSON.stringify((function (M, fx) { " + body + " })"
                "(globalThis.LSTMCourseMath, fx)))", fixtures)
        finally:
            browser.close()


def render(name: str, state: dict | None = None, moves: tuple[dict, ...] = ()) -> list[dict]:
    """Run widget ``name``'s render() in Node on a fake DOM and a fake anywidget model.

    The model starts from the registry's defaults updated by ``state``; after the first frame
    each dict of ``moves`` is applied with ``model.set`` (as Python or a slider would). Returns
    one snapshot per frame: ``state`` (the model, inputs and reported outputs), ``readouts``
    (``data-output`` -> shown text), ``labels`` (``data-param`` -> its label's text), ``sets``
    (names the widget set), ``saves`` (save_changes calls), ``legend``, ``ticks`` and ``notes``
    (texts of the legend entries, axis labels and notes) and ``text`` (all of the widget's text).
    """
    from lstmcourse.widgets._assets import SHARED_SCRIPTS, read, widget_scripts
    from lstmcourse.widgets.registry import get, js_source

    node = shutil.which("node")
    if not node:
        pytest.skip("node is not installed")
    scripts = [js_source([name]), *(read(f) for f in (*SHARED_SCRIPTS, *widget_scripts(name)))]
    initial = {**get(name).defaults, **(state or {})}
    driver = """
    const el = new Node("div"), model = fakeModel(%s), frames = [];
    function snap() {
      const readouts = {}, labels = {};
      el.all(n => n.getAttribute("data-output") !== null)
        .forEach(n => { readouts[n.getAttribute("data-output")] = n.textContent; });
      el.all(n => n.tagName === "label").forEach(l => {
        const input = el.all(n => n.getAttribute("id") === l.getAttribute("for"))[0];
        labels[input.getAttribute("data-param")] = l.textContent;
      });
      const texts = cls => el.all(n => (n.getAttribute("class") || "").split(" ").includes(cls))
        .map(n => n.textContent);
      frames.push({ state: JSON.parse(JSON.stringify(model.state)), readouts, labels,
                    legend: texts("lw-key"), ticks: texts("lw-tick"), notes: texts("lw-note"),
                    sets: model.sets.splice(0), saves: model.saves(), text: el.textContent,
                    live: el.all(n => n.getAttribute("aria-live") === "polite").length });
    }
    globalThis.LSTMCourseWidgets[%s].render({ model, el });
    snap();
    for (const move of %s) { for (const k of Object.keys(move)) model.set(k, move[k]); snap(); }
    process.stdout.write(JSON.stringify(frames));
    """ % (json.dumps(initial), json.dumps(name), json.dumps(list(moves)))  # noqa: UP031 (JS braces)
    program = "\n;\n".join([(HERE / "fake_dom.js").read_text(), *scripts, driver])
    proc = subprocess.run([node, "-"], input=program, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, f"node failed:\n{proc.stderr}"
    return json.loads(proc.stdout)
