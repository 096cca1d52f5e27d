"""What the sandbox guarantees, checked directly (no nbgrader): each test runs a small Python
program inside :func:`lstmcourse.grading.sandbox.run` and looks at what it could do.

The program reports through a file in its own folder (the sandbox's only writable place), and the
test checks the host side: files that must not appear, processes that must not survive.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hunt import HUNT

from lstmcourse.grading import cgroup, sandbox

REPO = Path(__file__).resolve().parents[2]
LIMITS = sandbox.Limits(wall_s=60)


def run_inside(tmp_path: Path, code: str, limits: sandbox.Limits = LIMITS
               ) -> tuple[dict, sandbox.Result]:
    """Run ``code`` in a sandbox over ``tmp_path``; it sets ``out[...]`` entries we read back."""
    program = ("import json, os, sys\nout = {}\ntry:\n"
               + "".join(f"    {line}\n" for line in code.strip("\n").splitlines())
               + "finally:\n    open('out.json', 'w').write(json.dumps(out))\n")
    (tmp_path / "prog.py").write_text(program)
    result = sandbox.run(tmp_path, [sys.executable, "prog.py"], limits)
    path = tmp_path / "out.json"
    return (json.loads(path.read_text()) if path.exists() else {}), result


def attempt(expr: str, key: str) -> str:
    """Source that runs ``expr`` and stores 'ok' or the exception's type under ``key``."""
    return (f"try:\n    {expr}\n    out[{key!r}] = 'ok'\n"
            f"except BaseException as e:\n    out[{key!r}] = type(e).__name__\n")


def test_the_course_package_and_the_repository_are_out_of_reach(tmp_path):
    source = REPO / "assignments" / "source" / "a1_rnn" / "a1_rnn.ipynb"
    out, _ = run_inside(tmp_path, attempt("import lstmcourse.numpy", "import")
                        + attempt(f"open({str(source)!r}).read()", "read_source")
                        + attempt(f"os.listdir({str(REPO)!r})", "list_repo")
                        + "out['uid'] = os.getuid()\nout['cwd'] = os.getcwd()")
    assert out["import"] == "ModuleNotFoundError"
    assert out["read_source"] == "FileNotFoundError"
    # Only the virtualenv (read-only) is bound under the repository's path.
    assert out["list_repo"] in ("FileNotFoundError", "ok")
    assert (out["uid"], out["cwd"]) == (65534, sandbox.INSIDE)


def test_no_file_it_can_see_gives_a_solution_away(tmp_path):
    """The whole visible tree, walked to the end: no solution notebook, gradebook or reference."""
    # A solution notebook next to the repository's venv would be visible to the walk if the
    # sandbox showed the repository; it must not, so it must not be found either.
    out, result = run_inside(tmp_path, HUNT + "found, seen, finished = hunt()\n"
                             "out.update(found=found, seen=seen, finished=finished)",
                             sandbox.Limits(wall_s=600))
    assert out.get("finished"), (out, result.log)
    assert out["found"] == []
    # It did walk the OS and this Python: both hold tens of thousands of files.
    assert out["seen"] > 20_000, out
    print(f"\nthe sandbox shows {out['seen']} files; walked in {result.seconds:.1f} s")


def test_nothing_outside_its_folder_can_be_written(tmp_path):
    marker = tmp_path.parent / f"escaped-{os.getpid()}"
    venv_file = Path(sys.prefix) / "escaped"
    out, _ = run_inside(tmp_path, attempt(f"open({str(marker)!r}, 'w')", "sibling")
                        + attempt(f"open({str(venv_file)!r}, 'w')", "venv")
                        + attempt("open('/tmp/x', 'w').write('tmpfs')", "tmp")
                        + attempt("open('mine.txt', 'w').write('ok')", "own"))
    assert out["sibling"] in ("FileNotFoundError", "PermissionError", "OSError")
    assert out["venv"] in ("OSError", "PermissionError")   # read-only file system
    assert (out["tmp"], out["own"]) == ("ok", "ok")        # a private tmpfs and its own folder
    assert not marker.exists() and not venv_file.exists()
    assert (tmp_path / "mine.txt").read_text() == "ok"


def test_no_network(tmp_path):
    out, _ = run_inside(tmp_path, "import socket\n" + attempt(
        "socket.create_connection(('1.1.1.1', 80), timeout=3)", "internet"))
    assert out["internet"] in ("OSError", "TimeoutError", "ConnectionRefusedError")


def test_it_sees_and_can_signal_no_process_of_ours(tmp_path):
    me = os.getpid()
    out, _ = run_inside(tmp_path, "out['pids'] = sorted(int(p) for p in os.listdir('/proc') "
                        "if p.isdigit())\n" + attempt(f"os.kill({me}, 0)", "signal_grader"))
    assert out["signal_grader"] == "ProcessLookupError"
    assert max(out["pids"]) < 10   # its own PID namespace: bwrap, the program, `ls`-sized


def test_background_processes_die_with_the_sandbox(tmp_path):
    tag = f"lstmcourse-orphan-{os.getpid()}-{time.time_ns()}"
    out, _ = run_inside(tmp_path, f"""
import subprocess
subprocess.Popen(['sleep', '30', '{tag}'], start_new_session=True)
if os.fork() == 0:
    os.setsid()
    os.execvp('sleep', ['sleep', '31', '{tag}'])
out['spawned'] = True""")
    assert out["spawned"]
    time.sleep(0.5)
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert tag not in ps


def test_the_wall_limit_kills_everything(tmp_path):
    start = time.perf_counter()
    out, result = run_inside(tmp_path, "import time\nwhile True:\n    time.sleep(0.1)",
                             sandbox.Limits(wall_s=2))
    assert result.timed_out and time.perf_counter() - start < 10


def test_memory_and_file_size_are_limited(tmp_path):
    limits = sandbox.Limits(wall_s=60, memory_bytes=2 << 30, file_bytes=8 << 20)
    out, _ = run_inside(tmp_path, attempt("bytearray(4 << 30)", "allocate_4gb")
                        + attempt("open('big', 'wb').write(b'0' * (16 << 20))", "write_16mb"),
                        limits)
    assert out["allocate_4gb"] == "MemoryError"
    assert out["write_16mb"] in ("OSError", "ok")   # SIGXFSZ is ignored by Python: EFBIG
    assert (tmp_path / "big").stat().st_size <= 8 << 20


def test_a_missing_bwrap_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    with pytest.raises(sandbox.SandboxUnavailable, match="apt-get install bubblewrap"):
        sandbox.bwrap()


@pytest.mark.skipif(not cgroup.available(), reason="this machine lets no process create a "
                    "control group (no root, no delegated cgroup tree)")
def test_processes_are_limited_all_together(tmp_path):
    limits = sandbox.Limits(wall_s=60, processes=40)
    out, _ = run_inside(tmp_path, """
import subprocess, time
started = 0
try:
    for _ in range(100):
        subprocess.Popen(['sleep', '20'])
        started += 1
except OSError:
    pass
out['started'] = started""", limits)
    assert 0 < out["started"] < 40


def test_the_folder_size_is_limited(tmp_path):
    limits = sandbox.Limits(wall_s=60, disk_bytes=32 << 20, file_bytes=8 << 20)
    start = time.perf_counter()
    out, result = run_inside(tmp_path, """
k = 0
while True:                        # 8 MiB files, without end
    with open(f'f{k}', 'wb') as f:
        f.write(b'0' * (8 << 20))
    k += 1""", limits)
    assert "stopped: disk limit" in result.log and time.perf_counter() - start < 30
    assert sum(p.stat().st_size for p in tmp_path.iterdir()) < 512 << 20


def test_a_python_under_tmp_stays_visible():
    # CI may clone the course (and its virtualenv) under /tmp: the sandbox's private /tmp must be
    # mounted before the read-only binds, or it hides them.
    args = sandbox.command(Path("/x"), ["true"], LIMITS)
    tmpfs = args.index("/tmp", args.index("--tmpfs", args.index("/dev/shm")))
    binds = [k for k, a in enumerate(args) if a in ("--ro-bind", "--bind", "--ro-bind-try")]
    assert binds and min(binds) > tmpfs
