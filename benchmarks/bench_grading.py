"""Grade a class of 50 submissions of one assignment with the real nbgrader CLI; print s/notebook.

Run from the repository root:  .venv/bin/python benchmarks/bench_grading.py [assignment] [n]

What it measures, in one temporary copy of the course:

1. ``nbgrader autograde`` over the whole class in one call (the way an instructor runs it);
2. the same class split into two halves graded by two concurrent ``nbgrader autograde`` calls
   (one per core; they share the SQLite gradebook);
3. what one notebook costs in parts: starting a python3 kernel and stopping it, and running the
   notebook's cells in an already started kernel (nbclient), each averaged over a few runs.

The goal in the course's issue is ≤ 1 s per notebook on a 2-core machine. The script prints the
figures and the share of kernel start-up; it asserts nothing (timings depend on the machine).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ENV = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
GENERATED = ("release", "submitted", "autograded", "feedback", "gradebook.db")


def nbgrader(course: Path, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=ENV, check=True,
                   capture_output=True)
    return time.perf_counter() - start


def submit(course: Path, assignment: str, students: list[str]) -> None:
    nb = nbformat.read(course / "source" / assignment / f"{assignment}.ipynb", 4)
    for student in students:
        folder = course / "submitted" / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / f"{assignment}.ipynb")


def kernel_parts(course: Path, assignment: str, repeats: int = 5) -> tuple[float, float]:
    """(kernel start + stop, executing the notebook in a started kernel), seconds, averaged."""
    from jupyter_client.manager import start_new_kernel
    from nbclient import NotebookClient

    start_stop = []
    for _ in range(repeats):
        t = time.perf_counter()
        km, kc = start_new_kernel(kernel_name="python3")
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        start_stop.append(time.perf_counter() - t)
    nb = nbformat.read(course / "source" / assignment / f"{assignment}.ipynb", 4)
    runs = []
    for _ in range(repeats):
        client = NotebookClient(nbformat.from_dict(nb), kernel_name="python3", allow_errors=True,
                                resources={"metadata": {"path": str(course)}})
        with client.setup_kernel():
            t = time.perf_counter()
            for index, cell in enumerate(client.nb.cells):
                client.execute_cell(cell, index)
            runs.append(time.perf_counter() - t)
    return sorted(start_stop)[repeats // 2], sorted(runs)[repeats // 2]


def main(assignment: str = "a2_lstm_cell", n: int = 50) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp) / "course"
        shutil.copytree(ROOT / "assignments", course,
                        ignore=shutil.ignore_patterns(*GENERATED, "__pycache__"))
        nbgrader(course, "generate_assignment", assignment, "--force")

        serial = [f"s{i:03d}" for i in range(n)]
        submit(course, assignment, serial)
        t_serial = nbgrader(course, "autograde", assignment, "--force")

        halves = [[f"p{i:03d}" for i in range(n // 2)], [f"q{i:03d}" for i in range(n - n // 2)]]
        for half in halves:
            submit(course, assignment, half)
        start = time.perf_counter()
        procs = [subprocess.Popen([str(BIN / "nbgrader"), "autograde", assignment, "--force",
                                   f"--student={prefix}*"], cwd=course, env=ENV,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                 for prefix in ("p", "q")]
        codes = [p.wait() for p in procs]
        t_parallel = time.perf_counter() - start

        t_one = nbgrader(course, "autograde", assignment, "--force", "--student=s000")
        kernel, execute = kernel_parts(course, assignment)

    print(f"assignment {assignment}, {n} submissions, {os.cpu_count()} cores")
    print(f"  one autograde call, serial:      {t_serial / n:.2f} s/notebook "
          f"({t_serial:.1f} s in all)")
    ok = "" if codes == [0, 0] else f"  (exit codes {codes}: contention on the gradebook)"
    print(f"  two concurrent calls (halves):   {t_parallel / n:.2f} s/notebook "
          f"({t_parallel:.1f} s in all){ok}")
    print(f"  one notebook alone (incl. nbgrader start-up): {t_one:.2f} s")
    print(f"  parts of one notebook: kernel start+stop {kernel:.2f} s, running its cells "
          f"{execute:.2f} s, nbgrader's own work the rest "
          f"({max(t_serial / n - kernel - execute, 0):.2f} s)")
    print(f"  kernel start-up is {kernel / (t_serial / n):.0%} of the serial time per notebook")


if __name__ == "__main__":
    main(*(sys.argv[1:2] or ["a2_lstm_cell"]), *(int(a) for a in sys.argv[2:3]))
