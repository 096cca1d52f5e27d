"""The widgets as Jupyter widgets (anywidget): one class per registry entry, made from it.

Each class runs the *same* JavaScript as the static book (:func:`._assets.esm_source`). Its
inputs are synced traits, so ``w.f = 0.3`` in Python moves the slider and moving the slider
changes ``w.f``. Its outputs are traits too, but only the JavaScript writes them: the widget
computes in the browser and sends its results back (``model.set`` + ``save_changes``), so Python
never recomputes them. They are ``None`` until the widget has been displayed.

    >>> from lstmcourse.widgets import GatePlayground
    >>> w = GatePlayground(f=0.9, c_prev=1.0)
    >>> w          # in a notebook: the live widget
    >>> w.c, w.h   # after it has rendered: c = f c_prev + i g, h = o tanh(c)
"""

from __future__ import annotations

from typing import ClassVar

import anywidget
import traitlets as tl

from ._assets import STYLESHEET, esm_source, read
from .registry import WIDGETS, Output, Slider, Text, Widget, get


class LSTMCourseWidget(anywidget.AnyWidget):
    """Base of the generated classes; ``widget_name`` ties a class to its registry entry."""

    widget_name: ClassVar[str] = ""
    inputs: ClassVar[tuple[str, ...]] = ()
    outputs: ClassVar[tuple[str, ...]] = ()


def _input_trait(spec: Slider | Text) -> tl.TraitType:
    if isinstance(spec, Text):
        return tl.Unicode(spec.default).tag(sync=True)
    kind = tl.Int if spec.integer else tl.Float
    cast = int if spec.integer else float
    return kind(cast(spec.default), min=cast(spec.lo), max=cast(spec.hi)).tag(sync=True)


def _output_trait(spec: Output) -> tl.TraitType:
    kind = {"number": tl.Float, "text": tl.Unicode, "list": tl.List}[spec.kind]
    return kind(None, allow_none=True, read_only=True).tag(sync=True)


def make_class(spec: Widget) -> type[LSTMCourseWidget]:
    """The anywidget class of registry entry ``spec``: its ESM, the CSS, one trait per field."""
    traits = {i.name: _input_trait(i) for i in spec.inputs}
    traits |= {o.name: _output_trait(o) for o in spec.outputs}
    doc = (f"{spec.title} (widget ``{spec.name}``, shown in ``{spec.page}``).\n\n"
           f"Inputs: {', '.join(i.name for i in spec.inputs)}. Outputs, set by the widget's "
           f"JavaScript once displayed: {', '.join(o.name for o in spec.outputs)}.")
    return type(spec.cls, (LSTMCourseWidget,), {
        "__doc__": doc, "__module__": __name__, "widget_name": spec.name,
        "inputs": tuple(i.name for i in spec.inputs),
        "outputs": tuple(o.name for o in spec.outputs),
        "_esm": esm_source(spec.name), "_css": read(STYLESHEET), **traits,
    })


#: widget name -> class
CLASSES: dict[str, type[LSTMCourseWidget]] = {name: make_class(get(name)) for name in WIDGETS}
globals().update({cls.__name__: cls for cls in CLASSES.values()})
