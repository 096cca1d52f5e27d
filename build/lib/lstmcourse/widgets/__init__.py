"""Interactive widgets: one JavaScript front end each, hosted in Jupyter and in the static book.

- ``static/``: ``lstm-math.js`` (the math, tied to :mod:`lstmcourse.numpy` by a parity test),
  ``widget-ui.js`` (sliders, readouts, SVG), one script per widget, ``widget-boot.js`` (the static
  book's in-page model) and ``widgets.css``.
- :mod:`.sphinx_ext`: the book's ``{widget} NAME`` directive.
- :mod:`.jupyter`: the anywidget classes (imported lazily here, so the book build does not load
  ipywidgets): ``GatePlayground``, ``ConveyorBelt``, ``Activations``, ``VanishingGradient``,
  ``GRUGates``, ``Bidirectional``.
"""

from __future__ import annotations

from typing import Any

from ._assets import WIDGETS

_CLASSES = ("GatePlayground", "ConveyorBelt", "Activations", "VanishingGradient", "GRUGates",
            "Bidirectional", "CLASSES")

__all__ = ["WIDGETS", *_CLASSES]


def __getattr__(name: str) -> Any:
    if name in _CLASSES:
        from . import jupyter

        return getattr(jupyter, name)
    raise AttributeError(f"module 'lstmcourse.widgets' has no attribute {name!r}")
