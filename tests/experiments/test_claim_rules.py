"""Verdict rules: each branch on made-up results, and the stored results give a full table."""

from __future__ import annotations

import pytest

from lstmcourse.experiments import claims
from lstmcourse.experiments.claims import FAILS, HOLDS, PARTLY


def distance(lstm: float, rnn: float) -> dict:
    return {"summary": {"lstm": {"10": 1.0, "80": lstm}, "rnn": {"10": 1.0, "80": rnn},
                        "gru": {"10": 1.0, "80": 1.0}}}


@pytest.mark.parametrize(("lstm", "rnn", "verdict"), [
    (0.95, 0.5, HOLDS), (0.8, 0.55, PARTLY), (0.6, 0.55, FAILS), (1.0, 0.9, FAILS)])
def test_distance_rule(lstm, rnn, verdict):
    assert claims.rnn_vs_lstm_distance(distance(lstm, rnn)).verdict == verdict


def gradients(rnn_t: float | None, rnn_u: float, lstm: float | None) -> dict:
    s = {"rnn": {"trained": rnn_t, "untrained": rnn_u}, "lstm": {"trained": lstm},
         "gru": {"trained": 0.5}}
    return {"summary": {k: {m: {"log10_ratio_subject": v, "models": 0 if v is None else 4,
                                "seeds": 10} for m, v in d.items()}
                        for k, d in s.items()}}


def test_gradient_rules():
    assert claims.rnn_gradients_vanish(gradients(20, 12, 4)).verdict == HOLDS
    assert claims.rnn_gradients_vanish(gradients(20, 1, 4)).verdict == PARTLY
    assert claims.rnn_gradients_vanish(gradients(2, 1, 4)).verdict == FAILS
    assert claims.lstm_gradients_survive(gradients(20, 12, 0.5)).verdict == HOLDS
    assert claims.lstm_gradients_survive(gradients(20, 12, 4)).verdict == PARTLY
    assert claims.lstm_gradients_survive(gradients(6, 12, 4)).verdict == FAILS


def test_gradient_rules_when_no_trained_model_learned():
    # a median over no models is None: that half of the claim cannot hold, and says why
    v = claims.rnn_gradients_vanish(gradients(None, 12, 4))
    assert v.verdict == PARTLY and "no model learned the task" in v.evidence
    assert "0 of 10" in v.evidence
    assert claims.lstm_gradients_survive(gradients(20, 12, None)).verdict == FAILS
    assert claims.lstm_gradients_survive(gradients(None, 12, 4)).verdict == FAILS
    assert claims.lstm_gradients_survive(gradients(None, 12, 0.5)).verdict == HOLDS


def gates(*shares: float) -> dict:
    s = {f"m{i}": {"near_0_or_1": v, "trained": True, "models": 3} for i, v in enumerate(shares)}
    s["init"] = {"near_0_or_1": 0.99, "trained": False, "models": 3}   # untrained: not counted
    return {"summary": s}


def test_gate_rule():
    assert claims.gates_binary(gates(0.85, 0.9)).verdict == HOLDS
    assert claims.gates_binary(gates(0.85, 0.3)).verdict == PARTLY
    assert claims.gates_binary(gates(0.2, 0.3)).verdict == FAILS
    v = claims.gates_binary(gates())
    assert v.verdict == FAILS and v.evidence == "no trained model learned its task"


def test_negation_rule():
    def r(lstm, bow, ceil=0.7):
        return {"summary": {"lstm": lstm, "bow": bow}, "bow_ceiling": ceil}
    assert claims.bow_fails_negation(r(0.99, 0.66)).verdict == HOLDS
    assert claims.bow_fails_negation(r(0.90, 0.75)).verdict == PARTLY
    assert claims.bow_fails_negation(r(0.90, 0.85)).verdict == FAILS
    # Issue 13: a bag of words far *below* the ceiling still holds (it cannot beat the ceiling;
    # the slack only forgives sampling noise above it), and just above ceiling + slack fails.
    assert claims.bow_fails_negation(r(0.99, 0.55)).verdict == HOLDS
    assert claims.bow_fails_negation(r(0.99, 0.7 + 0.02 + 0.005)).verdict == PARTLY
    assert claims.bow_fails_negation(r(0.99, 0.7 + 0.02 - 0.005)).verdict == HOLDS
    assert claims.bow_fails_negation(r(0.94, 0.60)).verdict == PARTLY    # LSTM below 95 %


def test_negation_rule_text_and_code_share_their_thresholds():
    # The claims page prints the rule's docstring; it is made from the same NEGATION dict
    # the rule reads, and moving a threshold moves both.
    t = claims.NEGATION
    assert claims.bow_fails_negation.__doc__ == claims.negation_rule_text(t)
    assert (t["lstm_min"], t["ceiling_slack"], t["gap_holds"], t["gap_partly"]) == (
        0.95, 0.02, 0.20, 0.10)
    text = claims.negation_rule_text(t)
    for phrase in ("at least 95%", "no more than 2 points above the order-blind ceiling",
                   "by at least 20 points", "at least 10 points"):
        assert phrase in text
    assert "within" not in text    # the old wording said the opposite of the code
    looser = {**t, "ceiling_slack": 0.10}
    assert "no more than 10 points above" in claims.negation_rule_text(looser)
    r = {"summary": {"lstm": 0.99, "bow": 0.75}, "bow_ceiling": 0.7}
    assert claims.bow_fails_negation(r).verdict == PARTLY
    assert claims.bow_fails_negation(r, looser).verdict == HOLDS


def test_gru_rules():
    def r(lstm=6400, gru=4800, ratios=(0.8, 0.8), mean=0.0, sem=0.01):
        backends = ("a", "b")
        return {"summary": {"params": {"lstm": lstm, "gru": gru, "lstm_formula": lstm,
                                       "gru_formula": gru, "ratio": gru / lstm},
                            "step_ms": {b: {"lstm": 10.0, "gru": 10.0 * q}
                                        for b, q in zip(backends, ratios, strict=True)},
                            "time_ratio": dict(zip(backends, ratios, strict=True)),
                            "accuracy": {"lstm": 0.9, "gru": 0.9},
                            "accuracy_diff": {"mean": mean, "sem": sem, "n": 5}}}
    assert claims.gru_fewer_params(r()).verdict == HOLDS
    assert claims.gru_fewer_params(r(gru=5000)).verdict == PARTLY
    assert claims.gru_faster(r(ratios=(0.7, 0.8))).verdict == HOLDS
    assert claims.gru_faster(r(ratios=(0.7, 2.1))).verdict == PARTLY
    assert claims.gru_faster(r(ratios=(1.8, 1.1))).verdict == FAILS
    assert claims.gru_same_accuracy(r(mean=0.03, sem=0.02)).verdict == HOLDS
    assert claims.gru_same_accuracy(r(mean=0.08, sem=0.01)).verdict == PARTLY
    assert claims.gru_same_accuracy(r(mean=-0.3, sem=0.01)).verdict == FAILS
    # one pair has no standard error (None, never NaN): then only the 0.02 band counts
    assert claims.gru_same_accuracy(r(mean=0.01, sem=None)).verdict == HOLDS
    assert claims.gru_same_accuracy(r(mean=0.05, sem=None)).verdict == PARTLY


def test_bidirectional_rule():
    def r(bb, fb, bl, fl):
        return {"summary": {"bilstm": {"acc_before": bb, "acc_last_step": bl},
                            "lstm": {"acc_before": fb, "acc_last_step": fl}}}
    assert claims.bilstm_better(r(0.99, 0.5, 0.99, 0.8)).verdict == HOLDS
    assert claims.bilstm_better(r(0.99, 0.5, 0.99, 0.98)).verdict == PARTLY
    assert claims.bilstm_better(r(0.6, 0.5, 0.99, 0.98)).verdict == FAILS


def test_tanh_rule():
    def r(t, s):
        return {"summary": {"1.0": {"tanh": {"log10_at_40": t}, "sigmoid": {"log10_at_40": s}}}}
    assert claims.tanh_alleviates(r(-11, -33)).verdict == PARTLY
    assert claims.tanh_alleviates(r(-0.5, -33)).verdict == HOLDS
    assert claims.tanh_alleviates(r(-40, -33)).verdict == FAILS


def test_parameter_count_claim_holds():
    v = claims.param_counts({})
    assert v.verdict == HOLDS and "53,200" in v.evidence and "53,600" in v.evidence


def test_stored_results_give_a_verdict_for_every_claim():
    rows = claims.verdicts()
    assert len(rows) == len(claims.CLAIMS) >= 11
    assert {v.verdict for _, v in rows} <= {HOLDS, PARTLY, FAILS}
    html = claims.to_html(rows)
    assert html.count("<tr>") == len(rows) + 1
    for c, _ in rows:
        assert f"href='#{c.key}'" in html
