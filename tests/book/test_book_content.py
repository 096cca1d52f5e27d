"""Each page says what it should: key terms, and numbers the test computes itself.

Numbers are recomputed here from their definitions (closed forms, or the same quantity by another
route than the chapter's code), formatted the way the page formats them, and looked up in the
page's text. So a page that shows a stale, mistyped or wrongly computed number fails.

Comparing formatted strings is exact only if no machine can round differently. Measured: the
recomputations agree with the pages' routes, and between OpenBLAS's AVX-512 and SSE (Nehalem)
kernels, to about 1e-15 relative; every number printed lies at least 2.4e-4 (relative) from a
rounding boundary of its format (the closest: chapter 2's forget gate, 0.66134 printed as
0.661), eleven orders of magnitude more. None of them depends on training.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from book_html_scan import Page, non_numbers, parse_page

from lstmcourse.numpy import (
    gru_param_count,
    init_params,
    lstm_param_count,
    rnn,
    sigmoid,
    sigmoid_grad,
    tanh_grad,
)

pytestmark = pytest.mark.slow


def assert_on_page(page: Page, *needles: str) -> None:
    text = page.text.lower()
    missing = [n for n in needles if n.lower() not in text]
    assert not missing, f"{page.path.name} lacks {missing}"


def test_welcome(chapter_pages: dict[str, Page]) -> None:
    page = chapter_pages["book/00-welcome"]
    assert_on_page(page, "LSTM", "time-major", "assignments/source/a1_rnn", "download")
    assert_on_page(page, f"has {lstm_param_count(3, 4)} parameters")
    for title in ("Why plain RNNs fail", "The gates", "conveyor belt", "GRU", "Bidirectional"):
        assert_on_page(page, title)


def _rnn_gradient_ratio_by_jacobians(rho: float) -> float:
    """Chapter 1's lag-59 ratio, rebuilt from eq. (ch1-jacobian) instead of rnn_backward."""
    T, B, D, H = 60, 16, 8, 32
    rng = np.random.default_rng(0)
    Q, _ = np.linalg.qr(rng.standard_normal((H, H)))
    x = 1e-4 * rng.standard_normal((T, B, D))
    w = rng.standard_normal((B, H))
    p = init_params("rnn", D, H, rng=1)
    p["weight_hh"] = rho * Q
    p["bias_ih"][:] = 0.0
    p["bias_hh"][:] = 0.0
    out, _, _ = rnn(x, p)
    g = w.copy()
    for s in range(T - 1, 0, -1):  # multiply by J_s^T for h_s = out[s], down to h_1 = out[0]
        g = (g * (1.0 - out[s] ** 2)) @ p["weight_hh"]
    return float(np.mean(np.linalg.norm(g, axis=1) / np.linalg.norm(w, axis=1)))


def test_chapter1_measures_vanishing_and_exploding(chapter_pages: dict[str, Page]) -> None:
    page = chapter_pages["book/01-why-rnns-fail"]
    assert_on_page(page, "clouds", "sky", "France", "French", "was", "were",
                   "backpropagation through time", "vanish", "explode", "spectral radius",
                   "assignments/source/a1_rnn")
    max_lag = 59
    assert_on_page(page, f"{0.9 ** max_lag:.2e}", f"{1.1 ** max_lag:.3g}")
    assert_on_page(page, f"{_rnn_gradient_ratio_by_jacobians(0.9):.2e}",
                   f"{_rnn_gradient_ratio_by_jacobians(1.1):.3g}")


def test_chapter2_worked_step(chapter_pages: dict[str, Page]) -> None:
    page = chapter_pages["book/02-gates"]
    assert_on_page(page, "forget gate", "input gate", "output gate", "candidate", "(B, 4H)",
                   "i, f, g, o", "assignments/source/a2_lstm_cell")
    # The worked example, recomputed gate by gate with plain NumPy.
    B, D, H = 2, 3, 4
    p = init_params("lstm", D, H, rng=0)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((B, D))
    h_prev = 0.5 * rng.standard_normal((B, H))
    c_prev = rng.standard_normal((B, H))
    z = x @ p["weight_ih"].T + p["bias_ih"] + h_prev @ p["weight_hh"].T + p["bias_hh"]
    # First example, first unit: columns 0, H, 2H of z are its i, f, g pre-activations.
    i, f = 1 / (1 + np.exp(-z[0, 0])), 1 / (1 + np.exp(-z[0, H]))
    g = np.tanh(z[0, 2 * H])
    c = f * c_prev[0, 0] + i * g
    assert_on_page(page, f"Its forget gate is {f:.3f}", f"The new cell value is the sum, {c:.3f}")


def test_chapter3_belt_and_decay(chapter_pages: dict[str, Page]) -> None:
    page = chapter_pages["book/03-conveyor-belt"]
    assert_on_page(page, "conveyor belt", "additive", "product of forget", "half-life",
                   "assignments/source/a3_lstm_sequence")
    for f in (0.5, 0.9, 0.99):
        assert_on_page(page, f"{np.log(0.5) / np.log(f):.1f} step")
    assert_on_page(page, f"{0.99 ** 300:.3f} of its value")
    # The right panel's claim: with forget bias +3 the mean forget value is about sigmoid(3).
    assert_on_page(page, "mean forget value to 0.9")
    assert abs(float(sigmoid(np.array(3.0))) - 0.95) < 0.01


def test_chapter4_derivative_peaks(chapter_pages: dict[str, Page]) -> None:
    page = chapter_pages["book/04-tanh-vs-sigmoid"]
    assert_on_page(page, "sigmoid", "tanh", "saturat")
    assert_on_page(page, f"{float(sigmoid_grad(np.array(0.0))):.4f}",
                   f"{float(tanh_grad(np.array(0.0))):.4f}")


def test_chapter5_gru_is_three_quarters(chapter_pages: dict[str, Page]) -> None:
    page = chapter_pages["book/05-gru"]
    assert_on_page(page, "reset", "update", "r, z, n")
    gru, lstm = gru_param_count(32, 100), lstm_param_count(32, 100)
    assert_on_page(page, f"{gru:,d}", f"{lstm:,d}", str(Fraction(gru, lstm)))


def test_chapter6_bidirectional(chapter_pages: dict[str, Page]) -> None:
    page = chapter_pages["book/06-bidirectional"]
    assert_on_page(page, "bidirectional", "(T, B, 2H)", "forward half", "next token",
                   "Although this person")


def test_chapter7_lecture_model_counts(chapter_pages: dict[str, Page]) -> None:
    page = chapter_pages["book/07-putting-it-together"]
    assert_on_page(page, "Embedding", "(?, 500, 32)", "(?, 100)", "Keras", "PyTorch")
    assert_on_page(page, f"{lstm_param_count(32, 100, biases=1):,d}",
                   f"{lstm_param_count(32, 100, biases=2):,d}")


def test_conventions_page(chapter_pages: dict[str, Page]) -> None:
    page = chapter_pages["book/appendix/conventions"]
    assert_on_page(page, "time-major", "i, f, g, o", "r, z, n", "(T, B, D)", "weight_ih",
                   "largest difference from torch.nn.LSTM", "largest difference from torch.nn.GRU")


def test_api_reference_lists_the_package(chapter_pages: dict[str, Page]) -> None:
    page = chapter_pages["book/appendix/api"]
    assert_on_page(page, "lstmcourse.numpy.lstm", "lstmcourse.numpy.rnn", "lstm_cell",
                   "rnn_backward", "params_from_torch")


def test_bibliography_has_the_six_references(chapter_pages: dict[str, Page]) -> None:
    page = chapter_pages["book/appendix/bibliography"]
    assert_on_page(page, "Long Short-Term Memory", "Learning to Forget",
                   "Learning Phrase Representations", "Empirical Evaluation of Gated",
                   "Bidirectional Recurrent Neural Networks", "difficulty of training")
    html = page.path.read_text(encoding="utf-8")
    assert html.count('role="doc-biblioentry"') == 6


def test_no_page_shows_inf_or_nan_as_a_number(chapter_pages: dict[str, Page]) -> None:
    # Issue 10: an underflow made a stored result inf, and a page would have printed "10^inf".
    # Code blocks may name inf; the prose and the cells' outputs may not. The API reference is
    # left out: its signatures show defaults such as float("-inf"), which are code.
    found = {name: non_numbers(page.prose) for name, page in chapter_pages.items()
             if name != "book/appendix/api"}
    assert not {name: hits for name, hits in found.items() if hits}


def test_non_numbers_are_found_in_prose_but_not_in_code(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<p>the RNN loses 10^inf orders; accuracy NaN %; info, infinite, "
                    "\\(\\infty\\)</p><pre>x = inf</pre><p>see <code>nan</code></p>")
    hits = non_numbers(parse_page(page).prose)
    assert len(hits) == 2 and "10^inf" in hits[0] and "NaN" in hits[1]


# --- issue 13: text errors, each pinned -------------------------------------------------------

def _requirement_names() -> set[str]:
    """Distribution names in requirements.txt, lower case."""
    names = set()
    for line in (Path(__file__).resolve().parents[2] / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.add(line.split("==")[0].split(">=")[0].split("<")[0].strip().lower())
    return names


def test_welcome_says_how_to_get_the_course_and_what_it_needs(
        chapter_pages: dict[str, Page]) -> None:
    page = chapter_pages["book/00-welcome"]
    assert "<the course repository>" not in page.text and "git clone <" not in page.text
    assert_on_page(page, "requirements.txt", "make book", "pip install -e .")
    # What the chapters import (directly or through lstmcourse), each named on the page and
    # each really a requirement of the course.
    needed = {"numpy": "NumPy", "matplotlib": "Matplotlib", "torch": "PyTorch", "tqdm": "tqdm",
              "myst-nb": "myst-nb", "nbgrader": "nbgrader", "ipython": "IPython"}
    assert_on_page(page, *needed.values())
    reqs = _requirement_names()
    # myst-nb and IPython come with jupyter-book; the rest are pinned directly.
    assert {"numpy", "matplotlib", "torch", "tqdm", "nbgrader", "jupyter-book"} <= reqs


def test_chapter1_jacobian_exercise_is_row_by_row(chapter_pages: dict[str, Page]) -> None:
    page = chapter_pages["book/01-why-rnns-fail"]
    assert "column by column" not in page.text
    assert_on_page(page, "row by row", "row of")


def test_chapter3_says_lstms_can_still_explode_and_need_clipping(
        chapter_pages: dict[str, Page]) -> None:
    page = chapter_pages["book/03-conveyor-belt"]
    assert "never explodes" not in page.text
    assert_on_page(page, "gradient clipping", "clip_grad_norm_", "explode")


def test_chapter4_solution_keeps_the_factor_four(chapter_pages: dict[str, Page]) -> None:
    page = chapter_pages["book/04-tanh-vs-sigmoid"]
    assert "equals $\\sigma'$ evaluated at $2x$" not in page.text
    assert_on_page(page, "= 4\\,\\sigma'(2x)")


def test_chapter6_final_state_equation_has_no_literal_backslash(
        chapter_pages: dict[str, Page]) -> None:
    # MathJax's \texttt shows "\_" as a backslash and an underscore.
    page = chapter_pages["book/06-bidirectional"]
    assert "\\texttt{h\\_n" not in page.text
    assert_on_page(page, "\\texttt{h_n[0]}", "\\texttt{h_n[1]}")


def test_seed_examples_are_told(chapter_pages: dict[str, Page]) -> None:
    assert_on_page(chapter_pages["book/02-gates"], "I … I … I", "like movie")
    assert_on_page(chapter_pages["book/04-tanh-vs-sigmoid"], "attention", "add up to 1")


def test_chapter8_prints_the_negation_rule_its_code_uses(chapter_pages: dict[str, Page]) -> None:
    from lstmcourse.experiments import claims

    page = chapter_pages["book/08-claims-tested"]
    assert_on_page(page, " ".join(claims.negation_rule_text().split()))
    assert "within 2 points" not in page.text


def test_chapter9_shows_the_verdicts_of_its_stored_results(chapter_pages: dict[str, Page]) -> None:
    """The three practices' verdicts, decided here by the rules from the stored results, are the
    ones the page prints; and the chapter is numbered like the others."""
    from lstmcourse.experiments import load, practice

    page = chapter_pages["book/09-practice"]
    results = load("practice")
    for rule in (practice.clipping_verdict, practice.bptt_verdict, practice.stack_verdict):
        verdict = rule(results)
        assert_on_page(page, verdict.verdict, " ".join(verdict.evidence.split()))
    assert_on_page(page, "Exercise 9.3", "clip_grad_norm_", "truncated")
