"""Run lstmcourse's widget JavaScript from Python tests: in Node, or in Chromium without Node.

``run_js(body, fixtures)`` evaluates ``body`` as the body of ``function (M, fx) {...}`` where
``M`` is ``LSTMCourseMath`` (static/lstm-math.js) and ``fx`` the JSON-able ``fixtures``; the
function's return value comes back through JSON. JSON keeps float64 exactly (shortest round trip
in both JS and Python), so comparisons to 1e-9, or exact ones, are meaningful.
"""

from __future__ import annotations

import json
import shutil
import subprocess

from lstmcourse.widgets._assets import STATIC

MATH_JS = STATIC / "lstm-math.js"
UI_JS = STATIC / "widget-ui.js"

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


def js_defaults() -> dict:
    """Each widget's ``defaults`` object, read from its script."""
    from lstmcourse.widgets._assets import WIDGETS, widget_script

    ui = json.dumps(str(UI_JS))
    loads = "".join(f"require({json.dumps(str(STATIC / widget_script(w)))});" for w in WIDGETS)
    node = shutil.which("node")
    if node:
        code = (f"globalThis.LSTMCourseMath = require(process.argv[1]); require({ui}); {loads}"
                "const W = globalThis.LSTMCourseWidgets, out = {};"
                "for (const k of Object.keys(W)) out[k] = W[k].defaults;"
                "process.stdout.write(JSON.stringify(out));")
        proc = subprocess.run([node, "-e", code, str(MATH_JS)], capture_output=True, text=True,
                              timeout=60)
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)
    return _run_in_chromium(
        "var W = globalThis.LSTMCourseWidgets, out = {};"
        "Object.keys(W).forEach(function (k) { out[k] = W[k].defaults; }); return out;",
        None, tuple(STATIC / widget_script(w) for w in WIDGETS))
