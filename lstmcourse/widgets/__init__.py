"""Interactive widgets: one JavaScript front end each, hosted in Jupyter and in the static book.

- :mod:`.registry`: the one list of widgets (name, Jupyter class, chapter, inputs, outputs).
- ``static/``: ``lstm-math.js`` (the math, tied to :mod:`lstmcourse.numpy` by a parity test),
  ``widget-ui.js`` (the contract every widget follows: sliders, readouts, plots), one script per
  widget, ``widget-boot.js`` (the static book's in-page model) and ``widgets.css``.
- :mod:`.sphinx_ext`: the book's ``{widget} NAME`` directive.
- :mod:`.jupyter`: one anywidget class per registry entry (imported lazily here, so the book
  build does not load ipywidgets), e.g. ``GatePlayground``.
"""

from __future__ import annotations

from typing import Any

from .registry import REGISTRY, WIDGETS

_CLASSES = (*(w.cls for w in REGISTRY.values()), "CLASSES")

__all__ = ["REGISTRY", "WIDGETS", *_CLASSES]


def __getattr__(name: str) -> Any:
    if name in _CLASSES:
        from . import jupyter

        return getattr(jupyter, name)
    raise AttributeError(f"module 'lstmcourse.widgets' has no attribute {name!r}")
