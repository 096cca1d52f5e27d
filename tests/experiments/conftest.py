"""The two regenerations of every experiment's small configuration, shared by
``test_experiments_regenerate.py`` (which explains the scheme and its tolerances) and
``test_practice_regenerate.py``: one run per CPU path for the whole session.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import torch
from regeneration import BASELINE_KERNELS, THREADS

from lstmcourse.experiments import EXPERIMENTS, load, run_experiment


@pytest.fixture(scope="session")
def baseline_process(tmp_path_factory):
    """Start the baseline regeneration at once, so that it runs beside the native one."""
    out = tmp_path_factory.mktemp("baseline")
    cmd = [sys.executable, "-m", "lstmcourse.experiments", "all", "--small",
           "--threads", str(THREADS["baseline"]), "--out", str(out)]
    # its output goes to a file: a pipe that nobody reads while the native run works could fill
    with open(out / "log.txt", "w") as log:
        proc = subprocess.Popen(cmd, env=os.environ | BASELINE_KERNELS, stdout=log,
                                stderr=subprocess.STDOUT)
        yield proc, out
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session", params=list(THREADS))
def small(request, baseline_process, tmp_path_factory) -> dict:
    """The small results of every experiment, from one of the two runs."""
    if request.param == "baseline":
        proc, out = baseline_process
        proc.wait(timeout=1200)
        assert proc.returncode == 0, (out / "log.txt").read_text()[-4000:]
        return {name: load(name, out) for name in EXPERIMENTS} | {"_dir": out}
    out = tmp_path_factory.mktemp("native")
    threads = torch.get_num_threads()
    torch.set_num_threads(THREADS["native"])
    try:
        return {name: run_experiment(name, "small", out_dir=out, figure=name == "tanh-sigmoid")
                for name in EXPERIMENTS} | {"_dir": out}
    finally:
        torch.set_num_threads(threads)
