"""Regenerate the small configuration of every experiment and check two things:

1. the scientific outcome, with margins (e.g. the LSTM beats the RNN by >= 0.2 at 80
   distractors; a bag of words stays at its order-blind ceiling on negation);
2. agreement with the stored full results at the same points (the small configurations are
   subsets of the full ones, every point is seeded by its own key). Tolerances:
   accuracies of one model and seed within 0.05 where training reliably converges
   (negation, bidirectional), per-kind mean accuracy within 0.2 on the agreement task (whose
   training escapes a plateau at a moment that tiny numerical differences can move),
   gradient decay within max(1, 25 %) orders of magnitude (a trained RNN loses 15-20 orders,
   and how many exactly is sensitive to the last bits of training), forget-gate shares within
   0.15,
   parameter counts and the NumPy-only tanh/sigmoid numbers exactly.

The whole module takes about a minute on one core (it sets torch to one thread).
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from lstmcourse.experiments import EXPERIMENTS, load, run_experiment


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("small-results")
    return {name: run_experiment(name, "small", out_dir=out, figure=name == "tanh-sigmoid")
            for name in EXPERIMENTS} | {"_dir": out}


def mean_acc(rows, **match) -> float:
    sel = [r["accuracy"] for r in rows if all(r[k] == v for k, v in match.items())]
    assert sel, f"no rows match {match}"
    return float(np.mean(sel))


def test_small_configs_are_subsets_of_full():
    for name, mod in EXPERIMENTS.items():
        full, small = mod.CONFIGS["full"], mod.CONFIGS["small"]
        for key, value in small.items():
            if isinstance(value, list):
                assert set(value) <= set(full[key]), (name, key)


def test_files_are_written(small):
    d = small["_dir"]
    assert json.loads((d / "tanh-sigmoid.json").read_text())["size"] == "small"
    assert (d / "tanh-sigmoid.csv").read_text().startswith("phi,gain,lag,grad_norm")
    assert (d / "tanh-sigmoid.png").stat().st_size > 10_000


# --- 1. scientific outcomes -------------------------------------------------------------------

def test_lstm_and_gru_beat_rnn_at_long_distance(small):
    rows = small["distance"]["rows"]
    rnn, lstm, gru = (mean_acc(rows, kind=k, distance=80) for k in ("rnn", "lstm", "gru"))
    assert lstm >= rnn + 0.2, (lstm, rnn)
    assert gru >= rnn + 0.2, (gru, rnn)
    assert rnn <= 0.7


def test_rnn_gradient_vanishes_much_faster_than_gated_ones(small):
    s = small["gradient-lag"]["summary"]
    rnn = s["rnn"]["trained"]["log10_ratio_subject"]
    assert rnn >= 3 and s["rnn"]["untrained"]["log10_ratio_subject"] >= 3
    assert s["lstm"]["trained"]["log10_ratio_subject"] <= rnn / 2
    assert s["gru"]["trained"]["log10_ratio_subject"] <= rnn / 2


def test_trained_forget_gates_are_not_mostly_binary(small):
    s = small["forget-gates"]["summary"]
    trained = [v["near_0_or_1"] for v in s.values() if v["trained"]]
    assert trained and max(trained) < 0.6
    untrained = [v for v in s.values() if not v["trained"]][0]
    assert untrained["near_0_or_1"] < 0.05 and abs(untrained["mean"] - 0.5) < 0.05


def test_bag_of_words_fails_negation_lstm_does_not(small):
    r = small["negation"]
    assert r["summary"]["lstm"] >= 0.95
    assert r["summary"]["bow"] <= r["bow_ceiling"] + 0.03
    assert r["bow_ceiling"] <= 0.8


def test_gru_has_three_quarters_of_the_parameters_and_similar_accuracy(small):
    s = small["gru-vs-lstm"]["summary"]
    assert 4 * s["params"]["gru"] == 3 * s["params"]["lstm"]
    assert s["params"]["lstm"] == s["params"]["lstm_formula"]
    assert abs(s["accuracy_diff"]["mean"]) <= 0.15


def test_bilstm_knows_the_verdict_before_the_deciding_word(small):
    s = small["bidirectional"]["summary"]
    assert s["bilstm"]["acc_before"] >= s["lstm"]["acc_before"] + 0.3
    assert s["lstm"]["acc_before"] <= 0.65         # a forward reader can only guess
    assert s["lstm"]["acc_after"] >= 0.9 and s["bilstm"]["acc_after"] >= 0.9


def test_tanh_vanishes_slower_than_sigmoid_but_still_vanishes(small):
    s = small["tanh-sigmoid"]["summary"]["1.0"]
    assert s["tanh"]["log10_at_40"] >= s["sigmoid"]["log10_at_40"] + 5
    assert s["tanh"]["log10_at_40"] <= -3


# --- 2. the stored results agree with a regeneration --------------------------------------------

def test_stored_distance_agrees(small):
    stored = load("distance")
    assert stored["size"] == "full"
    seeds = small["distance"]["config"]["seeds"]
    for kind in ("rnn", "lstm", "gru"):
        new = mean_acc(small["distance"]["rows"], kind=kind, distance=80)
        old = np.mean([r["accuracy"] for r in stored["rows"]
                       if r["kind"] == kind and r["distance"] == 80 and r["seed"] in seeds])
        assert abs(new - old) <= 0.2, (kind, new, old)


def test_stored_gradients_agree(small):
    stored = load("gradient-lag")["summary"]
    for kind, models in small["gradient-lag"]["summary"].items():
        for label, v in models.items():
            old = stored[kind][label]["log10_ratio_subject"]
            tol = max(1.0, 0.25 * abs(old))
            assert abs(v["log10_ratio_subject"] - old) <= tol, (kind, label)


def test_stored_forget_gates_agree(small):
    stored = load("forget-gates")["summary"]
    for label, v in small["forget-gates"]["summary"].items():
        assert abs(v["near_0_or_1"] - stored[label]["near_0_or_1"]) <= 0.15, label


def test_stored_negation_and_bidirectional_agree(small):
    for name, keys in (("negation", ("accuracy",)),
                       ("bidirectional", ("acc_before", "acc_after"))):
        stored = load(name)["rows"]
        for row in small[name]["rows"]:
            old = next(r for r in stored if r["model"] == row["model"]
                       and r["seed"] == row["seed"])
            for k in keys:
                assert abs(row[k] - old[k]) <= 0.05, (name, row["model"], k)
    assert load("negation")["bow_ceiling"] == small["negation"]["bow_ceiling"]


def test_stored_gru_vs_lstm_and_tanh_agree(small):
    assert load("gru-vs-lstm")["summary"]["params"] == small["gru-vs-lstm"]["summary"]["params"]
    assert load("tanh-sigmoid")["summary"] == small["tanh-sigmoid"]["summary"]


# --- the command line ---------------------------------------------------------------------------

def test_help_lists_every_experiment():
    out = subprocess.run([sys.executable, "-m", "lstmcourse.experiments", "--help"],
                         capture_output=True, text=True, check=True).stdout
    for name in EXPERIMENTS:
        assert name in out


def test_unknown_experiment_is_refused():
    r = subprocess.run([sys.executable, "-m", "lstmcourse.experiments", "nope"],
                       capture_output=True, text=True)
    assert r.returncode != 0 and "invalid choice: 'nope'" in r.stderr
