"""Every stored result is a number: no inf or NaN in ``lstmcourse/experiments/results/``.

Issue 10: an underflow turned "orders of magnitude lost" into inf. ``save_results`` now refuses
such results; these tests read what is stored, as the book does.
"""

from __future__ import annotations

import csv
import json
import math

import pytest

from lstmcourse.experiments import RESULTS_DIR
from lstmcourse.experiments.common import save_results


def test_stored_json_has_no_inf_or_nan():
    files = sorted(RESULTS_DIR.glob("*.json"))
    assert len(files) >= 7
    for path in files:
        # json writes inf and NaN as the bare tokens Infinity, -Infinity and NaN; parse_constant
        # is called for exactly those
        json.loads(path.read_text(), parse_constant=lambda token, p=path: pytest.fail(
            f"{p.name} holds {token}"))


def test_stored_csv_has_no_inf_or_nan():
    files = sorted(RESULTS_DIR.glob("*.csv"))
    assert len(files) >= 7
    for path in files:
        with open(path, newline="") as f:
            for line, row in enumerate(csv.reader(f), start=1):
                for cell in row:
                    try:
                        value = float(cell)     # reads "inf", "-Infinity", "nan", "NaN" too
                    except ValueError:
                        continue                # a word, or an empty cell (null)
                    assert math.isfinite(value), f"{path.name} line {line}: {cell}"


def test_results_with_inf_or_nan_are_refused(tmp_path):
    for bad in (float("inf"), float("nan")):
        with pytest.raises(ValueError, match="not JSON compliant"):
            save_results("bad", {"rows": [{"x": 1.0}], "summary": {"x": bad}}, tmp_path)
    assert not list(tmp_path.iterdir())        # nothing half-written
