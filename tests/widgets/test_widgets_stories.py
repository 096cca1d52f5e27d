"""Each widget tells its chapter's story: the same quantity, the same defaults, the same digits.

The chapter's numbers are computed here by running the chapter's own code cells (with
lstmcourse), never typed in; the widget's by running its JavaScript (widgets_js.render).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from widgets_js import render

from lstmcourse import numpy as ln
from lstmcourse import tasks
from lstmcourse.experiments import widget_models
from lstmcourse.experiments.common import stable_seed
from lstmcourse.widgets.registry import STATIC, get

BOOK = Path(__file__).resolve().parents[2] / "book"
SUPERSCRIPT = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")


def run_chapter_cells(page: str, until: str) -> dict:
    """Execute the code cells of book/<page> up to the first one containing ``until``."""
    text = (BOOK / page).read_text()
    namespace: dict = {}
    import matplotlib

    matplotlib.use("Agg")
    import myst_nb

    real_glue, myst_nb.glue = myst_nb.glue, (lambda *a, **k: None)
    try:
        for cell in re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", text, flags=re.S):
            body = re.sub(r"\A---\n.*?\n---\n", "", cell, flags=re.S)      # cell options
            body = "\n".join(ln_ for ln_ in body.splitlines() if not ln_.startswith(":"))
            exec(compile(body, page, "exec"), namespace)  # noqa: S102 (the book's own code)
            if until in cell:
                return namespace
    finally:
        myst_nb.glue = real_glue
    raise AssertionError(f"{page}: no code cell contains {until!r}")


@pytest.fixture(scope="module")
def chapter1() -> dict:
    return run_chapter_cells("01-why-rnns-fail.md", "ratios = {rho")


def test_vanishing_gradient_shows_chapter_1s_numbers_to_the_digits_it_prints(chapter1):
    spec, text = get("vanishing-gradient"), (BOOK / "01-why-rnns-fail.md").read_text()
    rhos, T = chapter1["rhos"], chapter1["T"]
    assert spec.defaults["length"] == T and spec.defaults["scale"] == rhos[1]
    for rho, key in zip(rhos, ("lo", "one", "hi"), strict=True):
        shown = re.search(rf"ch1-ratio-{key}:([^`]+)`", text).group(1)      # e.g. ".2e"
        (frame,) = render("vanishing-gradient", {"scale": rho})
        widget, book = frame["state"]["rnn_ratio"], chapter1["ratios"][rho][-1]
        assert format(widget, shown) == format(book, shown), (rho, widget, book)


def test_vanishing_gradient_lstm_is_the_forget_gate_product_its_caption_explains():
    spec = get("vanishing-gradient")
    T, b = spec.defaults["length"], spec.defaults["forget_bias"]
    (frame,) = render("vanishing-gradient")
    sigma = 1 / (1 + np.exp(-b))
    # the cell path at lag T-1 is f^(T-1) with f = sigma(b_f): what the caption says it is
    assert abs(frame["state"]["lstm_ratio"] - sigma ** (T - 1)) < 1e-4 * sigma ** (T - 1)
    assert "σ(b_f)" in frame["text"]
    # and b_f starts at chapter 3's "gates open" forget bias, the value that text explains
    raised = re.search(r"forget_biases = \(([^)]*)\)", (BOOK / "03-conveyor-belt.md").read_text())
    assert b == float(raised.group(1).split(",")[-1])
    # the legend names the forget value in use, also after b_f moves
    _, moved = render("vanishing-gradient", moves=({"forget_bias": 0.0},))
    assert "f = σ(0.0) = 0.500" in moved["legend"][1]
    # off the knife edge rho = 1 (chapter 1's lower rho), the RNN falls below the LSTM
    (low,) = render("vanishing-gradient", {"scale": 0.9})
    assert low["state"]["rnn_ratio"] < low["state"]["lstm_ratio"]


def top_decade(ticks: list[str]) -> int:
    powers = [t.translate(SUPERSCRIPT) for t in ticks if t.startswith("10") or t == "1"]
    return max(0 if p == "1" else int(p[2:]) for p in powers)


def test_conveyor_belt_starts_at_chapter_3s_longest_memory_with_its_digits():
    chapter3 = run_chapter_cells("03-conveyor-belt.md", "glue(\"ch3-left-c\"")
    spec, text = get("conveyor-belt"), (BOOK / "03-conveyor-belt.md").read_text()
    f, steps = float(chapter3["forget_values"][-1]), chapter3["steps"]
    assert spec.defaults["f"] == f and spec.defaults["steps"] == steps
    shown = re.search(r"ch3-left-c:([^`]+)`", text).group(1)                  # e.g. ".3f"
    (frame,) = render("conveyor-belt")
    book = float(chapter3["cell"][-1, -1])
    for key in ("c_T", "dcT_dc0"):
        assert format(frame["state"][key], shown) == format(book, shown), key
        assert frame["readouts"][key].startswith(format(book, shown)), frame["readouts"][key]


@pytest.mark.parametrize("move", [{"w": 2.0, "steps": 100}, {"w": 1.5, "steps": 60},
                                  {"f": 0.5, "steps": 100}])
def test_conveyor_log_plot_holds_what_the_readouts_say(move):
    _, frame = render("conveyor-belt", moves=(move,))
    values = [abs(frame["state"][k]) for k in ("c_T", "dhT_dh0")]
    assert 10 ** top_decade(frame["ticks"]) >= max(values)
    bottom = min(0 if t == "1" else int(t.translate(SUPERSCRIPT)[2:])
                 for t in frame["ticks"] if t.startswith("10") or t == "1")
    assert 10.0 ** bottom <= min(v for v in values if v > 0)


def test_conveyor_marks_a_memory_of_exactly_zero():
    _, frame = render("conveyor-belt", moves=({"f": 0.0},))
    assert frame["state"]["c_T"] == 0.0
    assert any("exactly 0" in n for n in frame["notes"])


def test_activations_names_every_curve():
    (frame,) = render("activations")
    assert len(frame["legend"]) == 4
    for name in ("σ(x)", "tanh(x)", "σ′(x)", "tanh′(x)"):
        assert sum(entry.startswith(name) for entry in frame["legend"]) == 1, name


def test_bidirectional_models_are_the_chapter_task_and_reach_their_stored_accuracy():
    data = json.loads((STATIC / "bidirectional-model.json").read_text())
    assert data["vocab"] == tasks.SENTIMENT_VOCAB
    assert data["length"] == widget_models.TASK["length"] == get("bidirectional").inputs[1].hi + 1
    test = tasks.late_decision(widget_models.TRAIN["n_test"], **widget_models.TASK,
                               seed=stable_seed("widget", "test"))
    for name, model in data["models"].items():
        p = {d: {k: np.array(v) for k, v in model[d].items()} for d in ("fwd", "bwd") if d in model}
        x = np.array(model["embed"])[test.x.numpy()]                   # (T, B, E)
        out = (ln.bidirectional(ln.lstm, x, p["fwd"], p["bwd"])[0] if "bwd" in p
               else ln.lstm(x, p["fwd"])[0])
        logits = out @ np.array(model["head"]["weight"]).T + model["head"]["bias"]
        ok = logits.argmax(-1) == test.y.numpy()
        before = np.arange(ok.shape[0])[:, None] < test.info["decide_at"][None, :]
        assert round(float(ok[before].mean()), 4) == model["accuracy"]["before"], name
        assert round(float(ok[~before].mean()), 4) == model["accuracy"]["after"], name
    # the chapter's story: before the deciding word only the BiLSTM knows the verdict
    assert data["models"]["bilstm"]["accuracy"]["before"] > 0.95
    assert data["models"]["lstm"]["accuracy"]["before"] < 0.6
    assert data["models"]["lstm"]["accuracy"]["after"] > 0.95


def test_bidirectional_widget_tells_the_story_on_its_default_review():
    words = get("bidirectional").defaults["sentence"].split()
    decide = words.index("but") + 1                                     # the deciding word
    first, at = render("bidirectional", {"t": 0}, moves=({"t": decide},))
    assert first["state"]["words"] == words and first["readouts"]["note"] == "none"
    assert first["state"]["p_bi"] < 0.2                 # BiLSTM: negative from the first word
    assert abs(first["state"]["p_fwd"] - 0.5) < 0.3      # forward LSTM: cannot know yet
    assert at["state"]["p_fwd"] < 0.2                   # ... until it reads the deciding word
    assert len(first["legend"]) == 2 and all("P(positive)" in k for k in first["legend"])


def test_bidirectional_says_what_it_left_out_and_why():
    long = "the movie was fun but it was dull " * 5 + "zebra"
    (frame,) = render("bidirectional", {"sentence": long})
    note = frame["readouts"]["note"]
    assert "zebra" in note and "not among the models' words" in note
    assert "cut to the first 30 words" in note and "trained on" in note
    assert len(frame["state"]["words"]) == 30
