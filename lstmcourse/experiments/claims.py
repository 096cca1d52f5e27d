"""The lecture's claims, each with a verdict that code computes from the stored results.

A verdict is one of ``HOLDS``, ``PARTLY`` and ``FAILS`` ("does not hold"). Every rule is a
small function of an experiment's results dict, with its thresholds written in its docstring;
:func:`verdicts` applies them all to the stored results. The book's claims page prints the
table; the tests feed the rules made-up results to check each branch.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lstmcourse.numpy import lstm_param_count

from .common import RESULTS_DIR, load_results

HOLDS, PARTLY, FAILS = "holds", "partly", "does not hold"

__all__ = ["HOLDS", "PARTLY", "FAILS", "Claim", "CLAIMS", "NEGATION", "negation_rule_text",
           "verdicts", "to_html"]


@dataclass(frozen=True)
class Verdict:
    verdict: str
    evidence: str          # the deciding numbers, in words


@dataclass(frozen=True)
class Claim:
    key: str               # also the anchor of the evidence section on the claims page
    claim: str             # the lecture's claim, in our words
    source: str            # where the notes make it
    experiment: str | None  # results it needs (None: computed on the spot)
    rule: Callable[[dict], Verdict]


# --- the rules ---------------------------------------------------------------------------

def rnn_vs_lstm_distance(r: dict) -> Verdict:
    """At the longest distance, test accuracy (median over seeds): holds if LSTM >= 0.9 and
    RNN <= 0.6; partly if LSTM still beats RNN by >= 0.2; else does not hold."""
    s = r["summary"]
    d = str(max(int(k) for k in s["lstm"]))
    lstm, rnn = s["lstm"][d], s["rnn"][d]
    ev = f"{d} distractors, median: LSTM {lstm:.0%}, GRU {s['gru'][d]:.0%}, RNN {rnn:.0%}"
    if lstm >= 0.9 and rnn <= 0.6:
        return Verdict(HOLDS, ev)
    return Verdict(PARTLY if lstm - rnn >= 0.2 else FAILS, ev)


def _lost(r: dict, kind: str, label: str = "trained") -> float | None:
    """Median orders of magnitude lost, verb to subject (``None``: no model counted)."""
    return r["summary"][kind][label]["log10_ratio_subject"]


def _counted(r: dict, kind: str, label: str = "trained") -> str:
    s = r["summary"][kind][label]
    return f"{s['models']} of {s['seeds']}"


def _orders(value: float | None) -> str:
    return "no model learned the task" if value is None else f"10^{value:.1f}"


def rnn_gradients_vanish(r: dict) -> Verdict:
    """Orders of magnitude the RNN's state gradient loses between the verb and the subject,
    measured in float64, median over the seeds (trained: only the models that learned the
    task, i.e. reached the experiment's ``learned`` test accuracy; untrained: all). Holds if
    >= 3 both trained and untrained; partly if only one is; else does not hold."""
    t, u = _lost(r, "rnn"), _lost(r, "rnn", "untrained")
    ev = (f"median RNN loses {_orders(t)} trained ({_counted(r, 'rnn')} models learned the "
          f"task) and {_orders(u)} untrained over the distance")
    n = (t is not None and t >= 3) + (u >= 3)
    return Verdict({2: HOLDS, 1: PARTLY, 0: FAILS}[n], ev)


def lstm_gradients_survive(r: dict) -> Verdict:
    """Same measure for the trained models that learned the task (median over seeds, float64):
    holds if the LSTM loses < 1 order of magnitude over the distance; partly if it loses less
    than half as many orders as the RNN; else (or if no LSTM learned) does not hold."""
    lstm, rnn, gru = _lost(r, "lstm"), _lost(r, "rnn"), _lost(r, "gru")
    ev = "; ".join(f"{k.upper()} {'-' if v is None else f'{v:.1f}'} ({_counted(r, k)})"
                   for k, v in (("lstm", lstm), ("gru", gru), ("rnn", rnn)))
    ev = f"median orders of magnitude lost by trained models that learned the task: {ev}"
    if lstm is None:
        return Verdict(FAILS, ev)
    if lstm < 1:
        return Verdict(HOLDS, ev)
    return Verdict(PARTLY if rnn is not None and lstm < rnn / 2 else FAILS, ev)


def gates_binary(r: dict) -> Verdict:
    """Share of forget-gate values below 0.1 or above 0.9, pooled over the trained LSTMs of each
    task that learned it: holds if >= 80 % for every task, does not hold if < 50 % for every
    task (or if no trained model learned), else partly."""
    shares = {k: (v["near_0_or_1"], v["models"]) for k, v in r["summary"].items()
              if v["trained"]}
    ev = ("; ".join(f"{k}: {v:.0%} near 0 or 1 ({n} models)" for k, (v, n) in shares.items())
          or "no trained model learned its task")
    if shares and all(v >= 0.8 for v, _ in shares.values()):
        return Verdict(HOLDS, ev)
    return Verdict(FAILS if all(v < 0.5 for v, _ in shares.values()) else PARTLY, ev)


#: The negation rule's thresholds, as fractions of test accuracy. The rule below and the
#: sentence the claims page prints (:func:`negation_rule_text`) are both made from these.
NEGATION = {"lstm_min": 0.95, "ceiling_slack": 0.02, "gap_holds": 0.20, "gap_partly": 0.10}


def negation_rule_text(t: dict = NEGATION) -> str:
    """The negation rule in words, with its thresholds filled in from ``t``."""
    def pts(v):
        return f"{round(100 * v):d} points"
    return (f"It holds if the LSTM reaches at least {t['lstm_min']:.0%}, the bag of words "
            f"scores no more than {pts(t['ceiling_slack'])} above the order-blind ceiling "
            f"(no order-blind model can beat the ceiling; the slack is for the test sample, so "
            f"any score below the ceiling passes), and the LSTM leads the bag of words by at "
            f"least {pts(t['gap_holds'])}; partly if that lead is at least "
            f"{pts(t['gap_partly'])}; otherwise it does not hold.")


def bow_fails_negation(r: dict, t: dict = NEGATION) -> Verdict:
    lstm, bow, ceil = r["summary"]["lstm"], r["summary"]["bow"], r["bow_ceiling"]
    ev = f"LSTM {lstm:.1%}, bag of words {bow:.1%} (best possible order-blind: {ceil:.1%})"
    if lstm >= t["lstm_min"] and bow <= ceil + t["ceiling_slack"] and lstm - bow >= t["gap_holds"]:
        return Verdict(HOLDS, ev)
    return Verdict(PARTLY if lstm - bow >= t["gap_partly"] else FAILS, ev)


bow_fails_negation.__doc__ = negation_rule_text()


def gru_fewer_params(r: dict) -> Verdict:
    """Holds if the GRU layer has exactly 3/4 of the LSTM layer's parameters and both counts
    agree with lstmcourse.numpy's formulas; partly if fewer but not 3/4."""
    p = r["summary"]["params"]
    ev = f"LSTM {p['lstm']:,}, GRU {p['gru']:,} parameters (ratio {p['ratio']:.2f})"
    formulas = p["lstm"] == p["lstm_formula"] and p["gru"] == p["gru_formula"]
    if formulas and 4 * p["gru"] == 3 * p["lstm"]:
        return Verdict(HOLDS, ev)
    return Verdict(PARTLY if p["gru"] < p["lstm"] else FAILS, ev)


def gru_faster(r: dict) -> Verdict:
    """Time per training step, GRU / LSTM, for each implementation measured: holds if <= 0.9
    for all of them, does not hold if > 1.0 for all of them, else partly (measured on the
    machine that made the results)."""
    s = r["summary"]
    ratios = s["time_ratio"]
    ev = "; ".join(f"{b}: GRU {s['step_ms'][b]['gru']:.1f} ms vs LSTM "
                   f"{s['step_ms'][b]['lstm']:.1f} ms per step (GRU/LSTM = {q:.2f})"
                   for b, q in ratios.items())
    if all(q <= 0.9 for q in ratios.values()):
        return Verdict(HOLDS, ev)
    return Verdict(FAILS if all(q > 1.0 for q in ratios.values()) else PARTLY, ev)


def gru_same_accuracy(r: dict) -> Verdict:
    r"""Paired accuracy difference GRU - LSTM over tasks and seeds: holds if
    :math:`|\text{mean}| \le \max(0.02, 2\,\text{standard errors})`; partly if
    :math:`|\text{mean}| \le 0.1`; else does not hold."""
    d = r["summary"]["accuracy_diff"]
    sem = 0.0 if d["sem"] is None else d["sem"]   # None (one pair) counts as 0
    ev = (f"GRU - LSTM = {d['mean']:+.3f} ± {sem:.3f} (s.e., {d['n']} pairs); "
          f"mean accuracy LSTM {r['summary']['accuracy']['lstm']:.1%}, "
          f"GRU {r['summary']['accuracy']['gru']:.1%}")
    if abs(d["mean"]) <= max(0.02, 2 * sem):
        return Verdict(HOLDS, ev)
    return Verdict(PARTLY if abs(d["mean"]) <= 0.1 else FAILS, ev)


def bilstm_better(r: dict) -> Verdict:
    """Holds if the BiLSTM beats the forward LSTM by >= 20 points before the deciding word
    *and* by >= 5 points on the verdict at the last step; partly if only before the word;
    else does not hold."""
    b, f = r["summary"]["bilstm"], r["summary"]["lstm"]
    before = b["acc_before"] - f["acc_before"]
    last = b["acc_last_step"] - f["acc_last_step"]
    ev = (f"before the deciding word: BiLSTM {b['acc_before']:.0%} vs LSTM "
          f"{f['acc_before']:.0%}; at the last step: {b['acc_last_step']:.0%} vs "
          f"{f['acc_last_step']:.0%}")
    if before >= 0.2 and last >= 0.05:
        return Verdict(HOLDS, ev)
    return Verdict(PARTLY if before >= 0.2 else FAILS, ev)


def tanh_alleviates(r: dict) -> Verdict:
    """At torch's default weights (gain 1), 40 steps back: does not hold if tanh's gradient is
    not larger than sigmoid's; partly if it is larger but still >= 3 orders of magnitude
    below 1 (it still vanishes); holds otherwise."""
    s = r["summary"]["1.0"]
    t, sg = s["tanh"]["log10_at_40"], s["sigmoid"]["log10_at_40"]
    ev = f"gradient 40 steps back: tanh 10^{t:.0f}, sigmoid 10^{sg:.0f} (default weights)"
    if t <= sg:
        return Verdict(FAILS, ev)
    return Verdict(PARTLY if t <= -3 else HOLDS, ev)


def param_counts(_: dict) -> Verdict:
    """Holds if Embedding(32) -> LSTM(100) counts 53,200 with one bias vector (Keras) and
    53,600 with two (PyTorch), by the formula and on a real torch.nn.LSTM."""
    import torch

    keras, torch_formula = lstm_param_count(32, 100, biases=1), lstm_param_count(32, 100)
    real = sum(p.numel() for p in torch.nn.LSTM(32, 100).parameters())
    ev = (f"4·(100·(32+100) + 100) = {keras:,} (one bias); {torch_formula:,} with two; "
          f"torch.nn.LSTM(32, 100) has {real:,}")
    ok = keras == 53_200 and torch_formula == real == 53_600
    return Verdict(HOLDS if ok else FAILS, ev)


CLAIMS = [
    Claim("claim-distance", "Plain RNNs cannot learn long-range dependencies; LSTMs (and GRUs) "
          "can.", "notes 001, 003, 004", "distance", rnn_vs_lstm_distance),
    Claim("claim-rnn-gradients", "In a plain RNN the gradient vanishes as it goes back in time.",
          "notes 001, 003", "gradient-lag", rnn_gradients_vanish),
    Claim("claim-conveyor", "The LSTM's additive cell update (the conveyor belt) keeps the "
          "gradient from vanishing.", "notes 001", "gradient-lag", lstm_gradients_survive),
    Claim("claim-tanh", "Using tanh instead of sigmoid alleviates vanishing gradients.",
          "notes 000", "tanh-sigmoid", tanh_alleviates),
    Claim("claim-gates", "Gate values are in most cases either 0 or 1.", "notes 002, 004",
          "forget-gates", gates_binary),
    Claim("claim-negation", "A bag-of-words network misreads negation (\"not good\"); an LSTM "
          "gets it right.", "notes 002", "negation", bow_fails_negation),
    Claim("claim-gru-params", "A GRU needs fewer parameters than an LSTM.", "notes 002",
          "gru-vs-lstm", gru_fewer_params),
    Claim("claim-gru-speed", "A GRU is faster to train than an LSTM.", "notes 002",
          "gru-vs-lstm", gru_faster),
    Claim("claim-gru-accuracy", "GRU and LSTM show no significant difference in accuracy.",
          "notes 002", "gru-vs-lstm", gru_same_accuracy),
    Claim("claim-bidirectional", "A bidirectional RNN judges better when the deciding words "
          "come late, because its backward pass has already read them.", "notes 002",
          "bidirectional", bilstm_better),
    Claim("claim-params", "Embedding(32) -> LSTM(100) has 53,200 parameters (Keras); "
          "PyTorch counts 53,600.", "notes 001", None, param_counts),
]


def verdicts(results_dir: Path | str = RESULTS_DIR) -> list[tuple[Claim, Verdict]]:
    """Every claim with the verdict its rule gives on the stored results."""
    cache: dict[str, dict] = {}
    out = []
    for c in CLAIMS:
        if c.experiment is not None and c.experiment not in cache:
            cache[c.experiment] = load_results(c.experiment, results_dir)
        out.append((c, c.rule(cache.get(c.experiment, {}))))
    return out


def to_html(rows: list[tuple[Claim, Verdict]]) -> str:
    """The claims table as HTML: Claim | Verdict | Evidence (linked to its section)."""
    colors = {HOLDS: "#1a7f37", PARTLY: "#9a6700", FAILS: "#cf222e"}
    body = "".join(
        f"<tr><td>{html.escape(c.claim)} <small>({html.escape(c.source)})</small></td>"
        f"<td style='color:{colors[v.verdict]};font-weight:bold'>{v.verdict}</td>"
        f"<td><a href='#{c.key}'>{html.escape(v.evidence)}</a></td></tr>"
        for c, v in rows)
    return ("<table class='table'><thead><tr><th>Claim</th><th>Verdict</th><th>Evidence</th>"
            f"</tr></thead><tbody>{body}</tbody></table>")
