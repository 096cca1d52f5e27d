"""The book's local Sphinx extensions (book/_ext), tested as plain functions without a build."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "book" / "_ext"))

import api_modules  # noqa: E402
import offline_book  # noqa: E402


def test_api_modules_lists_public_modules_reference_first() -> None:
    names = api_modules.public_modules("lstmcourse")
    assert names[0] == "lstmcourse"
    assert "lstmcourse.numpy.lstm" in names and "lstmcourse.numpy.rnn" in names
    assert not [n for n in names if any(part.startswith("_") for part in n.split("."))]
    reference = [n.startswith(("lstmcourse.numpy", "lstmcourse.torch")) for n in names[1:]]
    # Reading order: the package, then numpy and torch modules, then everything else.
    assert reference == sorted(reference, reverse=True) and reference[0]
    assert names.index("lstmcourse.numpy") < names.index("lstmcourse.torch")


def test_docstrings_become_literal_blocks() -> None:
    lines = ["Sum |x| over time.", "", "    h_t = tanh(a_t)      (B, H)", "", ""]
    api_modules.docstring_as_text(None, "function", "lstmcourse.numpy.x", None, {}, lines)
    assert lines == ["::", "", "    Sum |x| over time.", "", "        h_t = tanh(a_t)      (B, H)",
                     ""]
    foreign = ["*emphasis*"]
    api_modules.docstring_as_text(None, "function", "numpy.sum", None, {}, foreign)
    assert foreign == ["*emphasis*"]


def test_thebe_assets_are_recognised_and_dropped() -> None:
    thebe_config = SimpleNamespace(filename=None, attributes={"body": 'const THEBE_JS_URL = "x"'})
    thebe_js = SimpleNamespace(filename="sphinx-thebe.js", attributes={})
    keep = SimpleNamespace(filename="scripts/bootstrap.js", attributes={})
    context = {"script_files": [thebe_config, thebe_js, keep], "css_files": ["sphinx-thebe.css"]}
    offline_book.drop_thebe_assets(None, "page", "page.html", context, None)
    assert context == {"script_files": [keep], "css_files": []}
