"""A widget in a real JupyterLab, driven headlessly: the same JavaScript renders through anywidget,
a slider move reaches the kernel (trait and Python-side result change), and a trait set in the
kernel moves the slider and the readout.

JupyterLab runs from this virtualenv on 127.0.0.1 with a random token, in a temporary folder.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from browser_helpers import assert_readout, expected_gate_playground

pytestmark = pytest.mark.slow

NOTEBOOK = {
    "cells": [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": "from lstmcourse.widgets import GatePlayground\nw = GatePlayground()\nw"},
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": 'print(f"F={w.f:.4f} C={w.c:.9f}")'},
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": "w.c_prev = -1.5"},
    ],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                "language": "python"}},
    "nbformat": 4, "nbformat_minor": 5,
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    (root / "w.ipynb").write_text(json.dumps(NOTEBOOK))
    port, token = free_port(), secrets.token_hex(16)
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
           "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={root}", "--allow-root", "--LabApp.extension_manager=readonly",
           # A private workspace and settings: nothing restored from earlier sessions.
           f"--LabApp.workspaces_dir={root / '.workspaces'}",
           f"--LabApp.user_settings_dir={root / '.settings'}"]
    log = open(root / "lab.log", "w")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.time() + 90
        while True:
            try:
                urllib.request.urlopen(f"{base}api/status?token={token}", timeout=2)
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    log.flush()
                    pytest.fail("JupyterLab did not start:\n" + (root / "lab.log").read_text())
                time.sleep(0.5)
        yield base, token
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def run_cell(page, index: int) -> None:
    dialogs = page.locator(".jp-Dialog")
    if dialogs.count():   # nothing should ask anything; say what it was, then dismiss it
        print("JupyterLab dialog:", dialogs.all_text_contents())
        page.keyboard.press("Escape")
    cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")


def test_gate_playground_round_trip_in_jupyterlab(chromium, lab):
    base, token = lab
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        page.goto(f"{base}lab/tree/w.ipynb?token={token}", wait_until="load")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        # Wait until the kernel is idle before running cells.
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                               timeout=60_000)
        root = page.locator('[data-widget="gate-playground"]')
        # The first Shift+Enter can land before the editor and the kernel connection are ready;
        # running the cell again is harmless (it makes a fresh widget).
        for _attempt in range(4):
            run_cell(page, 0)
            try:
                root.wait_for(timeout=15_000)
                break
            except Exception:  # noqa: BLE001 (playwright's TimeoutError; retry)
                continue
        root.wait_for(timeout=1_000)

        # Browser -> kernel: move f.
        f = root.locator('input[data-param="f"]')
        f.evaluate("el => { el.value = '0.3';"
                   " el.dispatchEvent(new Event('input', {bubbles: true})); }")
        expected = expected_gate_playground(f=0.3, i=0.5, g=0.6, o=0.7, c_prev=1.0)
        assert_readout(root.locator('[data-output="c"]').text_content(), expected["c"], "c")
        run_cell(page, 1)
        out = page.locator(".jp-Notebook .jp-Cell").nth(1).locator(".jp-OutputArea-output")
        out.wait_for(timeout=30_000)
        deadline = time.time() + 30
        while "F=" not in (out.text_content() or "") and time.time() < deadline:
            time.sleep(0.2)
        match = re.search(r"F=([-\d.]+) C=([-\d.]+)", out.text_content())
        assert match, out.text_content()
        assert float(match.group(1)) == pytest.approx(0.3)
        assert float(match.group(2)) == pytest.approx(expected["c"], abs=1e-9)

        # Kernel -> browser: set c_prev in Python; the slider and readouts follow.
        run_cell(page, 2)
        c_prev = root.locator('input[data-param="c_prev"]')
        deadline = time.time() + 30
        while float(c_prev.input_value()) != -1.5 and time.time() < deadline:
            time.sleep(0.2)
        assert float(c_prev.input_value()) == -1.5
        expected = expected_gate_playground(f=0.3, i=0.5, g=0.6, o=0.7, c_prev=-1.5)
        assert_readout(root.locator('[data-output="c"]').text_content(), expected["c"], "c")
        assert_readout(root.locator('[data-output="h"]').text_content(), expected["h"], "h")
    finally:
        context.close()
