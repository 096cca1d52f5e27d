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


def test_modules_get_their_members_packages_only_what_they_define() -> None:
    module = api_modules.module_rst("lstmcourse.numpy.lstm")
    assert ".. automodule:: lstmcourse.numpy.lstm" in module and "   :members:" in module
    # lstmcourse.numpy re-exports everything: no :members: (each would be documented twice),
    # but a link to where each name is documented.
    package = "\n".join(api_modules.module_rst("lstmcourse.numpy"))
    assert ":members:" not in package
    assert ":py:obj:`~lstmcourse.numpy.lstm.lstm`" in package
    assert ":py:obj:`~lstmcourse.numpy.params.init_params`" in package
    # lstmcourse.experiments defines run_experiment itself: that one is documented there.
    experiments = api_modules.module_rst("lstmcourse.experiments")
    members = [line for line in experiments if line.startswith("   :members:")]
    assert members and "run_experiment" in members[0]


def test_configure_adds_the_custom_sections_once() -> None:
    config = SimpleNamespace(napoleon_custom_sections=["Shapes"])
    api_modules.configure(None, config)
    api_modules.configure(None, config)
    assert config.napoleon_custom_sections == ["Shapes", *api_modules.CUSTOM_SECTIONS]
    assert config.autodoc_preserve_defaults is True
    assert config.autodoc_typehints_description_target == "documented"


def test_thebe_assets_are_recognised_and_dropped() -> None:
    thebe_config = SimpleNamespace(filename=None, attributes={"body": 'const THEBE_JS_URL = "x"'})
    thebe_js = SimpleNamespace(filename="sphinx-thebe.js", attributes={})
    keep = SimpleNamespace(filename="scripts/bootstrap.js", attributes={})
    context = {"script_files": [thebe_config, thebe_js, keep], "css_files": ["sphinx-thebe.css"]}
    offline_book.drop_thebe_assets(None, "page", "page.html", context, None)
    assert context == {"script_files": [keep], "css_files": []}
