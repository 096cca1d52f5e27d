"""The API appendix renders the docstrings: math, signatures and links, no reST markup left.

Two halves. Without a build: every docstring of the modules below goes through napoleon (with
the book's settings, ``api_modules.CUSTOM_SECTIONS``) and docutils, which must report nothing, and
the ``Args:`` of every ``lstmcourse.numpy`` function name exactly its parameters. With the built
book (``html_dir``): the API page shows no raw markup, a signature for every function of
``lstmcourse.numpy``, MathJax math and links to the classes.
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys
from io import StringIO
from pathlib import Path

import pytest
from docutils import nodes
from docutils.core import publish_doctree
from docutils.parsers.rst import Directive, directives, roles
from sphinx.ext.napoleon import Config
from sphinx.ext.napoleon.docstring import GoogleDocstring
from sphinx.pycode import ModuleAnalyzer

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "book" / "_ext"))

import api_modules  # noqa: E402

# Modules whose every docstring is checked here (the rest of the package is checked by the
# book build, which runs with --warningiserror).
CHECKED = [
    "lstmcourse",
    "lstmcourse.numpy",
    "lstmcourse.numpy.activations",
    "lstmcourse.numpy.bidirectional",
    "lstmcourse.numpy.gradcheck",
    "lstmcourse.numpy.gru",
    "lstmcourse.numpy.lstm",
    "lstmcourse.numpy.params",
    "lstmcourse.numpy.rnn",
    "lstmcourse.conventions",
    "lstmcourse.tasks",
    "lstmcourse.train",
    "lstmcourse.grading",
    "lstmcourse.grading.course",
]
MODULE_DOC_ONLY = ["lstmcourse.experiments"]

NAPOLEON = Config(napoleon_custom_sections=api_modules.CUSTOM_SECTIONS)
SPHINX_ROLES = ("func", "class", "mod", "data", "meth", "attr", "obj", "exc", "py:obj")


# --- docstrings as reStructuredText, without Sphinx --------------------------------------------
def _literal_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    return [nodes.literal(rawtext, text)], []


class _ObjectDescription(Directive):
    """Stands for Sphinx's ``.. attribute::`` (what napoleon makes of ``Attributes:``)."""

    required_arguments = 1
    final_argument_whitespace = True
    option_spec = {"type": directives.unchanged, "no-index": directives.flag}
    has_content = True

    def run(self) -> list[nodes.Node]:
        node = nodes.container()
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


for _role in SPHINX_ROLES:
    roles.register_local_role(_role, _literal_role)
directives.register_directive("attribute", _ObjectDescription)


def rest_problems(docstring: str, what: str, name: str, obj: object) -> list[str]:
    """docutils' warnings and errors for ``docstring`` after napoleon (empty when it is clean)."""
    text = "\n".join(GoogleDocstring(docstring, NAPOLEON, what=what, name=name, obj=obj).lines())
    stream = StringIO()  # docutils writes each warning here, and into the tree
    tree = publish_doctree(text, settings_overrides={
        "report_level": 2, "halt_level": 5, "warning_stream": stream})
    found = [msg.astext() for msg in tree.findall(nodes.system_message) if msg["level"] >= 2]
    return [f"{name}: {msg}" for msg in found or stream.getvalue().splitlines()]


def documented(module_name: str) -> list[tuple[str, str, object, str]]:
    """(what, full name, object, docstring) for the module and everything public it defines."""
    module = importlib.import_module(module_name)
    found = [("module", module_name, module, inspect.getdoc(module) or "")]
    if module_name in MODULE_DOC_ONLY:
        return found
    for name, obj in vars(module).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != module_name:
            continue
        if inspect.isfunction(obj) or inspect.isclass(obj):
            what = "class" if inspect.isclass(obj) else "function"
            found.append((what, f"{module_name}.{name}", obj, inspect.getdoc(obj) or ""))
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if not attr.startswith("_") and getattr(member, "__doc__", None) and (
                        inspect.isfunction(member) or isinstance(member, property)
                        or hasattr(member, "func")):  # functools.cached_property
                    found.append(("method", f"{module_name}.{name}.{attr}", member,
                                  inspect.getdoc(member)))
    # ``#:`` comments on constants are docstrings too.
    for (scope, attr), lines in ModuleAnalyzer.for_module(module_name).find_attr_docs().items():
        found.append(("attribute", f"{module_name}.{scope + '.' if scope else ''}{attr}", None,
                      "\n".join(lines)))
    return found


@pytest.mark.parametrize("module_name", CHECKED + MODULE_DOC_ONLY)
def test_docstrings_are_valid_rest(module_name: str) -> None:
    problems = [p for what, name, obj, doc in documented(module_name)
                for p in rest_problems(doc, what, name, obj)]
    assert not problems, "\n".join(problems)


def test_the_check_finds_what_the_old_docstrings_had() -> None:
    # The plain-text habits that this format replaced, each a docutils error or warning.
    old = {
        "absolute value": "The largest |a - b| over entries.",
        "indented equation": "Equations:\n\n    h_t = tanh(a_t)\nwith a_t the pre-activation.",
        "unknown role": "Uses :math:`x` and :nosuchrole:`y`.",
    }
    for label, doc in old.items():
        assert rest_problems(doc, "function", label, None), label
    assert not rest_problems("Args:\n    x: :math:`|x|` (B, H).", "function", "ok", None)


def _documented_params(obj: object) -> list[str]:
    text = "\n".join(GoogleDocstring(inspect.getdoc(obj), NAPOLEON, what="function").lines())
    # ":param x: ..." or, with a type, ":param int x: ..."
    fields = re.findall(r"^:param ([^:]+):", text, re.MULTILINE)
    return [field.split()[-1].replace("\\", "").lstrip("*") for field in fields]


def numpy_functions() -> list[str]:
    import lstmcourse.numpy as reference

    return [n for n in reference.__all__ if inspect.isfunction(getattr(reference, n))]


@pytest.mark.parametrize("name", numpy_functions())
def test_numpy_args_match_the_signature(name: str) -> None:
    import lstmcourse.numpy as reference

    func = getattr(reference, name)
    params = [p.lstrip("*") for p in inspect.signature(func).parameters]
    assert _documented_params(func) == params, f"{name}: Args: does not list {params} in order"
    assert re.search(r"^Returns:$", inspect.getdoc(func), re.MULTILINE), f"{name}: no Returns:"


def test_documented_params_reads_napoleon_output() -> None:
    def f(x, *, y=1, **kw):
        """Doc.

        Args:
            x: one.
            y: two.
            **kw: the rest.
        """

    assert _documented_params(f) == ["x", "y", "kw"]


# --- the built page -----------------------------------------------------------------------------
# What a docstring that was not rendered shows: reST roles and directives, and Google section
# headers left as text, alone on their line (napoleon makes a header a field name,
# ``Returns<span class="colon">:</span>``; torch.nn's "Inputs: ``input, hx``" is prose).
RAW_MARKUP = re.compile(r":(?:math|class|func|mod|data|meth|attr|obj|exc):`|\.\. (?:math|"
                        r"code-block|attribute)::|>\s*(?:Args|Arguments|Returns|Raises|Inputs|"
                        r"Outputs|Shape|Attributes|Examples?):[ \t]*(?:\n|</)")


def test_raw_markup_pattern_tells_rendered_from_raw() -> None:
    raw = ["<pre>Sum :math:`|x|`</pre>", "<p>.. math::</p>", "<p>Args:</p>",
           "<dt>Returns:</dt>", "<p>Returns:\nthe tuple</p>", "<p>see :class:`X`</p>"]
    rendered = ['<dt class="field-odd">Returns<span class="colon">:</span></dt>',
                '<span class="math notranslate nohighlight">\\(|x|\\)</span>',
                "<p>it returns: a tuple</p>", "<p>Inputs: <code>input, hx</code></p>"]
    assert all(RAW_MARKUP.search(s) for s in raw)
    assert not any(RAW_MARKUP.search(s) for s in rendered)


@pytest.fixture(scope="module")
def api_html(html_dir: Path) -> str:
    return (html_dir / "book" / "appendix" / "api.html").read_text(encoding="utf-8")


def test_api_page_shows_no_raw_markup(api_html: str) -> None:
    hits = [api_html[max(0, m.start() - 60):m.end() + 60] for m in RAW_MARKUP.finditer(api_html)]
    assert not hits, hits[:5]


def _signature(api_html: str, full_name: str) -> str:
    """The ``<dt>`` that autodoc writes for ``full_name``: its rendered signature."""
    m = re.search(rf'<dt class="sig sig-object py" id="{re.escape(full_name)}">(.*?)</dt>',
                  api_html, re.DOTALL)
    assert m, f"{full_name} has no signature on the API page"
    return m.group(1)


@pytest.mark.parametrize("name", numpy_functions())
def test_every_numpy_function_has_a_rendered_signature(api_html: str, name: str) -> None:
    import lstmcourse.numpy as reference

    func = getattr(reference, name)
    sig = _signature(api_html, f"{func.__module__}.{name}")
    shown = re.findall(r'<em class="sig-param">(.*?)</em>', sig, re.DOTALL)
    names = [re.sub(r"<[^>]+>", "", s).split("=")[0].strip().lstrip("*") for s in shown]
    # A bare "*" (keyword-only marker) is a sig-param of its own; it names nothing.
    assert [n for n in names if n] == [p.lstrip("*") for p in inspect.signature(func).parameters]


def test_api_page_has_math_and_links_to_classes(api_html: str) -> None:
    # MathJax (offline) typesets these: inline \( \) spans and displayed \[ \] blocks.
    inline = api_html.count('<span class="math notranslate nohighlight">')
    display = api_html.count('<div class="math notranslate nohighlight">')
    assert inline >= 50 and display >= 8, (inline, display)
    assert r"\odot" in api_html and r"\tanh(c_t)" in api_html
    # Cross-references resolve to the class's own entry on the page.
    for target in ("lstmcourse.numpy.lstm.LSTMCellCache", "lstmcourse.numpy.lstm.LSTMCache",
                   "lstmcourse.numpy.lstm.lstm_cell_backward"):
        assert f'href="#{target}"' in api_html, target
        assert f'id="{target}"' in api_html, target
    # Every docstring is typeset, none is printed as a literal block any more.
    assert "<pre>One LSTM step" not in api_html
    assert 'class="field-list' in api_html


def test_package_sections_link_their_reexports(api_html: str) -> None:
    section = api_html[api_html.index('id="module-lstmcourse.numpy"'):]
    section = section[:section.index('id="module-lstmcourse.numpy.activations"')]
    assert 'href="#lstmcourse.numpy.lstm.lstm"' in section
    assert 'href="#lstmcourse.numpy.params.params_from_torch"' in section
