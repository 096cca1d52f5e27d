"""The book's figures share one style and keep their legends off the data (issue 13).

Draws every experiment's figure from its stored results (no build needed) and checks what a
reader would see: fonts of at least ``MIN_FONT_PT``, labelled axes, legends outside the axes,
and, on the negation figure, a ceiling drawn only where it is a bound.
"""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from book_html_scan import ROOT  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from lstmcourse.experiments import EXPERIMENTS, load, negation, plot  # noqa: E402
from lstmcourse.experiments.plotting import (  # noqa: E402
    MIN_FONT_PT,
    SAVE_DPI,
    legend_outside,
    use_book_style,
)


@pytest.fixture(scope="module", params=sorted(EXPERIMENTS))
def drawn(request):
    fig = plot(request.param)
    fig.canvas.draw()
    yield request.param, fig
    plt.close(fig)


def test_pngs_are_written_at_twice_screen_resolution():
    assert SAVE_DPI >= 200


def test_experiment_figures_use_readable_fonts(drawn):
    name, fig = drawn
    small = [(t.get_text(), t.get_fontsize()) for t in fig.findobj(Text)
             if t.get_visible() and t.get_text().strip() and t.get_fontsize() < MIN_FONT_PT]
    assert not small, f"{name}: text under {MIN_FONT_PT} pt: {small}"


def test_experiment_figures_label_both_axes(drawn):
    name, fig = drawn
    for ax in fig.axes:
        assert ax.get_xlabel() or ax.get_xticklabels(), f"{name}: an axis without x label"
        assert ax.get_ylabel(), f"{name}: an axis without y label"


def test_experiment_legends_sit_outside_every_axes(drawn):
    name, fig = drawn
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None:
            continue
        box = legend.get_window_extent(renderer)
        for other in fig.axes:
            assert not box.overlaps(other.get_window_extent(renderer)), (
                f"{name}: a legend covers an axes")
        xlabel = ax.xaxis.label.get_window_extent(renderer)
        assert not box.overlaps(xlabel), f"{name}: a legend covers the x label"


def test_legend_below_clears_a_two_line_x_label():
    use_book_style()
    fig, ax = plt.subplots(figsize=(4, 2))
    ax.plot([0, 1], [0, 1], label="a")
    ax.set_xlabel("first line\nsecond line")
    legend = legend_outside(ax, "below")
    fig.tight_layout()
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    assert legend.get_window_extent(r).y1 < ax.xaxis.label.get_window_extent(r).y0
    plt.close(fig)
    with pytest.raises(ValueError, match="where must be 'right' or 'below', got 'left'"):
        legend_outside(ax, "left")


def test_negation_ceiling_spans_only_the_overall_group():
    results = load("negation")
    fig = plot("negation", results)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[-1] == "all"
    all_x = ax.get_xticks()[-1]
    ceilings = [c for c in ax.findobj(LineCollection)
                if np.allclose([s[0][1] for s in c.get_segments()], results["bow_ceiling"])]
    assert len(ceilings) == 1 and len(ceilings[0].get_segments()) == 1
    (x0, _), (x1, _) = ceilings[0].get_segments()[0]
    assert x0 > all_x - 0.5 and x1 < all_x + 0.5, "the ceiling runs across other groups"
    plt.close(fig)


def test_per_group_rule_scores_average_to_the_ceiling():
    hits, negated = negation._ceiling_hits(20_000, 0)
    by_k = negation.bag_of_words_ceiling_by_negated()
    weighted = sum(np.sum(negated == int(k)) * acc for k, acc in by_k.items()) / len(hits)
    assert abs(weighted - load("negation")["bow_ceiling"]) < 1e-3   # groups rounded to 1e-4


def test_every_chapter_with_a_figure_uses_the_book_style():
    for page in sorted((ROOT / "book").glob("0[1-9]-*.md")):
        text = page.read_text(encoding="utf-8")
        if re.search(r"plt\.subplots|_plot_experiment\(|\bplot\(\"", text):
            assert "use_book_style()" in text or "_plot_experiment(" in text, page.name
        assert "fontsize=8" not in text, f"{page.name} sets an 8 pt font"
