"""Regenerate the small configuration of every experiment, twice, and check two things:

1. the scientific outcome, with margins (e.g. the LSTM beats the RNN by >= 0.2 at 80
   distractors; a bag of words stays at its order-blind ceiling on negation);
2. agreement with the stored full results at the same points (the small configurations are
   subsets of the full ones, every point is seeded by its own key), and the same verdict for
   every claim whose verdict the small configuration decides.

**Twice**, because training is only repeatable to the bit on one kind of CPU (issue 10):
torch, MKL and OpenBLAS choose their kernels by instruction set, and a training run on the
agreement task is chaotic enough that the last bits decide when a model escapes its plateau.
So every test runs on two regenerations, side by side:

- ``native``: in this process, with the kernels this CPU picks and 1 torch thread;
- ``baseline``: in a subprocess, with x86's baseline kernels (SSE: the "other machine" that
  found issue 10 is emulated by asking torch, MKL, oneDNN and OpenBLAS for their oldest code
  paths) and 2 torch threads. Its OpenMP threads sleep when idle (``OMP_WAIT_POLICY=PASSIVE``),
  so that three threads share a two-core machine without spinning on each other.

Measured on this project's machine, 1 and 2 threads (and ``OMP_NUM_THREADS=1``) train the very
same models, to the bit, in every experiment: the tensors are too small for torch and MKL to
split a reduction between threads. That is not promised on every CPU (MKL may split a large
product differently), which is why the second thread count goes through the same tolerances
instead of a bitwise check.

Every tolerance below is justified by a spread measured between three makers of results: the
native AVX-512 kernels, the baseline kernels, and the results stored before issue 10 (made on
another machine by an earlier version of the code, where the definitions allow a comparison),
and by the spread between seeds where a different CPU amounts to another training trajectory.
Where one seed is fragile, the test compares medians over seeds or verdicts, never one model's
number.

Time: the two runs together take about 4 CPU minutes, so about 2.5 minutes on two idle cores
(measured: 4 min 15 s on two cores that other work was also using).
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np

# The two regenerations (the ``small`` fixture) are in conftest.py, their kernels and threads in
# regeneration.py: chapter 9's tests (test_practice_regenerate.py) read the same runs.
from regeneration import THREADS

from lstmcourse.experiments import EXPERIMENTS, claims, load

# --- tolerances, each with the spread that justifies it --------------------------------------
# distance: median accuracy of 3 seeds at 80 distractors. Measured between kernels and stored:
# 0.022 at 80 distractors; the largest at any distance was 0.177 (RNN at 40, where one of the
# three seeds learned with AVX-512 (0.94) and not with SSE (0.51)).
DISTANCE_MEDIAN = 0.2
# gradient-lag, untrained models: no training, measured in float64: identical between kernels
# (0.000); the stored value is rounded to 3 decimals.
GRADIENT_UNTRAINED = 0.0015
# gradient-lag, trained: median over the models that learned. Measured between kernels: RNN
# 22.7 vs 17.7 orders (5 of 10 vs 6 of 10 seeds learned, and learned RNNs lose 9 to 28 orders
# each), LSTM 4.35 vs 3.40, GRU 0.494 vs 0.494; the LSTM's was 3.67 before lstmcourse.torch's
# compiled loop changed float32 rounding. Half the stored value (at least 1 order).
GRADIENT_TRAINED_REL = 0.5
# forget gates, share near 0 or 1 pooled over seeds. Measured between kernels: 0.012 (9
# agreement LSTMs; one of them moved by 0.096) and 0.0001 (2 negation LSTMs); one model's share
# ranges over 0.21-0.56 between seeds, which is why it is pooled.
FORGET_SHARE = 0.05
# negation, one model and seed: measured identical between kernels and stored (0.0000); a
# different trajectory moves it about as much as a different seed: 0.019 (bag of words), 0.001
# (LSTM).
NEGATION_ACC = 0.03
# bidirectional, one model and seed: measured between kernels and stored <= 0.017 (BiLSTM seed
# 1, accuracy after the deciding word); between seeds <= 0.036 (forward LSTM, after the word).
BIDIRECTIONAL_ACC = 0.05
# Claims whose verdict the small configurations decide exactly as the full ones do. Left out:
# GRU speed (a timing of the machine at hand) and GRU accuracy (a paired test over 11 pairs
# whose verdict sits on its threshold: measured "partly" with AVX-512, +0.044 +- 0.021, and
# "holds" with SSE, +0.062 +- 0.045, then "holds" with AVX-512 and the compiled loop of
# lstmcourse.torch, +0.075 +- 0.040; the small configuration has 4 pairs).
SAME_VERDICT = ["claim-distance", "claim-rnn-gradients", "claim-conveyor", "claim-tanh",
                "claim-gates", "claim-negation", "claim-gru-params", "claim-bidirectional"]


def accuracies(rows, **match) -> list[float]:
    sel = [r["accuracy"] for r in rows if all(r[k] == v for k, v in match.items())]
    assert sel, f"no rows match {match}"
    return sel


def test_small_configs_are_subsets_of_full():
    for name, mod in EXPERIMENTS.items():
        full, small = mod.CONFIGS["full"], mod.CONFIGS["small"]
        for key, value in small.items():
            if isinstance(value, list):
                assert set(value) <= set(full[key]), (name, key)


def test_each_run_used_its_threads_and_kernels(small, request):
    run = request.node.callspec.params["small"]
    for name in EXPERIMENTS:
        assert small[name]["machine"]["threads"] == THREADS[run], name
    if run == "baseline":
        # torch honours ATEN_CPU_CAPABILITY on every CPU: the emulation took effect
        assert small["distance"]["machine"]["kernels"] == "DEFAULT"


def test_files_are_written(small):
    d = small["_dir"]
    assert json.loads((d / "tanh-sigmoid.json").read_text())["size"] == "small"
    assert (d / "tanh-sigmoid.csv").read_text().startswith("phi,gain,lag,grad_norm")
    assert (d / "tanh-sigmoid.png").stat().st_size > 10_000


# --- 1. scientific outcomes -------------------------------------------------------------------

def test_lstm_and_gru_beat_rnn_at_long_distance(small):
    # medians of 3 seeds; measured: LSTM 0.99-1.0, GRU 1.0, RNN 0.50-0.52
    rows = small["distance"]["rows"]
    rnn, lstm, gru = (np.median(accuracies(rows, kind=k, distance=80))
                      for k in ("rnn", "lstm", "gru"))
    assert lstm >= rnn + 0.2, (lstm, rnn)
    assert gru >= rnn + 0.2, (gru, rnn)
    assert rnn <= 0.7


def test_rnn_gradient_vanishes_much_faster_than_gated_ones(small):
    # medians over the models that learned; measured: RNN 17.7-22.7 trained, 12.5 untrained,
    # LSTM 3.7-3.8, GRU 0.5
    s = {k: {m: v["log10_ratio_subject"] for m, v in d.items()}
         for k, d in small["gradient-lag"]["summary"].items()}
    assert s["rnn"]["trained"] >= 3 and s["rnn"]["untrained"] >= 3
    assert s["lstm"]["trained"] <= s["rnn"]["trained"] / 2
    assert s["gru"]["trained"] <= s["rnn"]["trained"] / 2


def test_every_gradient_measure_is_finite_and_from_float64(small):
    for row in small["gradient-lag"]["rows"]:
        assert np.isfinite(row["trained_log10_ratio"]) and np.isfinite(row["untrained_log10_ratio"])
    for curves in small["gradient-lag"]["curves"].values():
        for curve in curves.values():
            assert curve is None or (np.all(np.isfinite(curve)) and min(curve) > 0)


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
    # median of the paired differences (same task and seed): one LSTM seed that misses the
    # task (0.85 at 80 distractors, seed 2) must not decide it; measured median 0.002-0.006
    rows = small["gru-vs-lstm"]["rows"]
    lstm = {(r["task"], r["seed"]): r["accuracy"] for r in rows if r["kind"] == "lstm"}
    diffs = [r["accuracy"] - lstm[r["task"], r["seed"]] for r in rows if r["kind"] == "gru"]
    assert len(diffs) == len(lstm) and abs(np.median(diffs)) <= 0.05


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

def test_stored_verdicts_are_regenerated(small):
    by_key = {c.key: c for c in claims.CLAIMS}
    for key in SAME_VERDICT:
        c = by_key[key]
        fresh, stored = c.rule(small[c.experiment]), c.rule(load(c.experiment))
        assert fresh.verdict == stored.verdict, (key, fresh.evidence, stored.evidence)


def test_stored_distance_agrees(small):
    stored = load("distance")
    assert stored["size"] == "full"
    seeds = small["distance"]["config"]["seeds"]
    for kind in ("rnn", "lstm", "gru"):
        new = np.median(accuracies(small["distance"]["rows"], kind=kind, distance=80))
        old = np.median([r["accuracy"] for r in stored["rows"]
                         if r["kind"] == kind and r["distance"] == 80 and r["seed"] in seeds])
        assert abs(new - old) <= DISTANCE_MEDIAN, (kind, new, old)


def test_stored_gradients_agree(small):
    stored = load("gradient-lag")
    old_rows = {(r["kind"], r["seed"]): r for r in stored["rows"]}
    for row in small["gradient-lag"]["rows"]:
        old = old_rows[row["kind"], row["seed"]]["untrained_log10_ratio"]
        assert abs(row["untrained_log10_ratio"] - old) <= GRADIENT_UNTRAINED, row
    for kind, models in small["gradient-lag"]["summary"].items():
        new = models["trained"]["log10_ratio_subject"]
        old = stored["summary"][kind]["trained"]["log10_ratio_subject"]
        assert new is not None and old is not None, f"no trained {kind} learned the task"
        assert abs(new - old) <= max(1.0, GRADIENT_TRAINED_REL * abs(old)), (kind, new, old)


def test_stored_forget_gates_agree(small):
    stored = load("forget-gates")["summary"]
    for label, v in small["forget-gates"]["summary"].items():
        assert abs(v["near_0_or_1"] - stored[label]["near_0_or_1"]) <= FORGET_SHARE, label


def test_stored_negation_and_bidirectional_agree(small):
    for name, keys, tol in (("negation", ("accuracy",), NEGATION_ACC),
                            ("bidirectional", ("acc_before", "acc_after"), BIDIRECTIONAL_ACC)):
        stored = load(name)["rows"]
        for row in small[name]["rows"]:
            old = next(r for r in stored if r["model"] == row["model"]
                       and r["seed"] == row["seed"])
            for k in keys:
                assert abs(row[k] - old[k]) <= tol, (name, row["model"], k, row[k], old[k])
    # counting on a fixed sample, no training: exact
    assert load("negation")["bow_ceiling"] == small["negation"]["bow_ceiling"]


def test_stored_gru_vs_lstm_and_tanh_agree(small):
    assert load("gru-vs-lstm")["summary"]["params"] == small["gru-vs-lstm"]["summary"]["params"]
    # NumPy only, float64, rounded to 3 decimals: measured bit-identical between kernels
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
