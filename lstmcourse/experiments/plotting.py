"""The one look of every figure in the book and in the experiments' stored PNGs.

Every chapter calls :func:`use_book_style` in its first code cell, and
:func:`lstmcourse.experiments.plot` calls it before drawing, so a figure's fonts, resolution
and legend placement are set here and nowhere else:

- text at least :data:`MIN_FONT_PT` points (ticks included), so a label is as large as the
  page's small print when the figure is shown at its natural width;
- figures go into the page as SVG (vector: sharp at any zoom and on any screen), and PNGs
  written to disk at :data:`SAVE_DPI` dots per inch, twice a screen's usual 100;
- a legend sits outside the axes (:func:`legend_outside`), so it never covers a curve.

Needs Matplotlib only; the IPython part is skipped outside a notebook.
"""

from __future__ import annotations

MIN_FONT_PT = 10     # the smallest text in any figure
SAVE_DPI = 200       # PNGs on disk: 2x a screen's 100 dpi

STYLE = {
    "font.size": 11,
    "axes.titlesize": 11,
    "axes.labelsize": 11,
    "xtick.labelsize": MIN_FONT_PT,
    "ytick.labelsize": MIN_FONT_PT,
    "legend.fontsize": MIN_FONT_PT,
    "legend.title_fontsize": MIN_FONT_PT,
    "figure.titlesize": 12,
    "figure.dpi": 100,
    "savefig.dpi": SAVE_DPI,
    "savefig.bbox": "tight",
    "svg.fonttype": "path",      # glyphs as outlines: the page loads no font for a figure
    "axes.grid": False,
    "lines.linewidth": 2.0,
}


def use_book_style() -> None:
    """Apply :data:`STYLE` and, inside IPython, show figures as SVG."""
    import matplotlib as mpl

    mpl.rcParams.update(STYLE)
    try:
        from IPython import get_ipython
    except ImportError:          # plain Python: nothing to configure
        return
    if get_ipython() is not None:
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("svg")


def legend_outside(ax, where: str = "right", **kwargs):
    """A legend beside (``"right"``) or under (``"below"``) ``ax``, never on the data.

    "below" hangs the legend a fixed distance under the axes, measured in points from the
    sizes in :data:`STYLE` (tick length and labels, then the x label's lines), so it clears
    the x label however tall the axes end up after ``tight_layout``.
    """
    from matplotlib.transforms import ScaledTranslation

    if where == "right":
        place = {"loc": "upper left", "bbox_to_anchor": (1.02, 1.0), "borderaxespad": 0.0}
    elif where == "below":
        label_lines = ax.get_xlabel().count("\n") + 1 if ax.get_xlabel() else 0
        drop_pt = 3.5 + 3.5 + 1.2 * STYLE["xtick.labelsize"] + 4.0 \
            + 1.2 * STYLE["axes.labelsize"] * label_lines + 6.0
        shift = ScaledTranslation(0, -drop_pt / 72, ax.figure.dpi_scale_trans)
        place = {"loc": "upper center", "bbox_to_anchor": (0.5, 0.0),
                 "bbox_transform": ax.transAxes + shift, "borderaxespad": 0.0,
                 "ncol": kwargs.pop("ncol", 2)}
    else:
        raise ValueError(f"where must be 'right' or 'below', got {where!r}")
    return ax.legend(**place, **kwargs)
