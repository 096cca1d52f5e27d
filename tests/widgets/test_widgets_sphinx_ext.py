"""The ``widget`` directive in a tiny Sphinx project (MyST pages, like the book's)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from lstmcourse.widgets._assets import REGISTRY_SCRIPT, STYLESHEET, book_scripts
from lstmcourse.widgets.registry import WIDGETS, get

pytestmark = pytest.mark.slow

CONF = """
extensions = ["myst_parser", "lstmcourse.widgets.sphinx_ext"]
source_suffix = {".md": "markdown"}
html_theme = "basic"
"""


def build(src: Path, pages: dict[str, str]) -> subprocess.CompletedProcess:
    src.mkdir()
    (src / "conf.py").write_text(CONF)
    toctree = "\n".join(pages)
    (src / "index.md").write_text(f"# Index\n\n```{{toctree}}\n{toctree}\n```\n")
    for name, text in pages.items():
        (src / f"{name}.md").write_text(text)
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(src), str(src / "_out")],
        capture_output=True, text=True,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("site") / "src"
    widgets = "".join(f"```{{widget}} {w}\n```\n\n" for w in WIDGETS)
    result = build(src, {"with": f"# With widgets\n\n{widgets}", "without": "# Plain\n\nText.\n",
                         "one": "# One\n\n```{widget} activations\n```\n"})
    assert result.returncode == 0, result.stdout + result.stderr
    return src / "_out"


def test_directive_emits_one_root_per_widget(site):
    html = (site / "with.html").read_text()
    roots = re.findall(r'<div class="lw-root" data-widget="([a-z-]+)">', html)
    assert roots == list(WIDGETS)


def test_scripts_are_classic_local_and_in_load_order_on_widget_pages_only(site):
    html = (site / "with.html").read_text()
    srcs = re.findall(r'<script[^>]*src="(_static/lstmcourse-widgets/[^"?]+)', html)
    assert srcs == [f"_static/lstmcourse-widgets/{s}" for s in book_scripts()]
    tags = re.findall(r"<script[^>]*lstmcourse-widgets[^>]*>", html)
    assert all('type="module"' not in t for t in tags)
    assert f"lstmcourse-widgets/{STYLESHEET}" in html
    plain = (site / "without.html").read_text()
    assert "lstmcourse-widgets" not in plain


def test_a_page_loads_only_the_scripts_of_its_widgets(site):
    html = (site / "one.html").read_text()
    srcs = re.findall(r'<script[^>]*src="_static/lstmcourse-widgets/([^"?]+)', html)
    assert srcs == book_scripts(["activations"])
    assert get("bidirectional").script not in srcs


def test_registry_script_holds_every_entry(site):
    text = (site / "_static" / "lstmcourse-widgets" / REGISTRY_SCRIPT).read_text()
    for name in WIDGETS:
        assert f'"{name}":{{"name":"{name}"' in text


def test_assets_are_copied_into_static(site):
    folder = site / "_static" / "lstmcourse-widgets"
    for name in [*book_scripts(), STYLESHEET]:
        assert (folder / name).is_file(), name


def test_unknown_widget_name_fails_the_build_and_names_the_choices(tmp_path):
    result = build(tmp_path / "src", {"bad": "# Bad\n\n```{widget} gate-playgrund\n```\n"})
    assert result.returncode != 0
    out = result.stdout + result.stderr
    assert "gate-playgrund" in out and "gate-playground" in out
