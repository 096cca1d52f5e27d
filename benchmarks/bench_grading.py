"""Grade a class of 50 submissions of one assignment with the real nbgrader CLI; print s/notebook.

Run from the repository root:  .venv/bin/python benchmarks/bench_grading.py [assignment] [n]

What it measures, in one temporary copy of the course:

1. ``nbgrader autograde`` over the whole class in one call (the way an instructor runs it);
2. the same class split into two halves graded by two concurrent ``nbgrader autograde`` calls
   (one per core; they share the SQLite gradebook);
3. what one notebook costs in parts: planning its test cells, the sandboxed run (bubblewrap, a
   fresh kernel, every cell, the records), judging, and for comparison the sandboxed run of an
   empty notebook; medians of a few runs.

The goal in the course's issue is under 2 s per notebook with the sandbox, on a 2-core machine.
The script prints the figures; it asserts nothing (timings depend on the machine).
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


def parts(course: Path, assignment: str, repeats: int = 5) -> dict[str, float]:
    """Median seconds of the grader's steps for one notebook, outside nbgrader: planning the
    test cells, the sandboxed run (a fresh kernel inside, every cell, the records), judging;
    and the sandboxed run of an empty notebook (what the sandbox and a kernel cost alone)."""
    from nbgrader import utils

    from lstmcourse.grading import autograde, sandbox

    nb = nbformat.read(course / "source" / assignment / f"{assignment}.ipynb", 4)
    for cell in nb.cells:  # what nbgrader's sanitising leaves: checksums on the locked cells
        if cell.metadata.get("nbgrader", {}).get("locked"):
            cell.metadata.nbgrader["checksum"] = utils.compute_checksum(cell)
    step = autograde.SandboxedExecute()
    times: dict[str, list[float]] = {"plan": [], "sandbox": [], "judge": [], "empty": []}
    empty = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            t0 = time.perf_counter()
            plans, _ = autograde.plan_tests(nb)
            t1 = time.perf_counter()
            step._execute(nb, plans, folder)
            t2 = time.perf_counter()
            for grade_id, cell_plans in plans.items():
                rec, arrays = step._read_record(folder, grade_id)
                for plan in cell_plans:
                    plan.judge(rec, arrays)
            t3 = time.perf_counter()
            nbformat.write(empty, folder / "empty.ipynb")
            sandbox.run_notebook(folder, "empty.ipynb", "empty-out.ipynb")
            t4 = time.perf_counter()
        for key, value in zip(times, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            times[key].append(value)
    return {k: sorted(v)[len(v) // 2] for k, v in times.items()}


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
        p = parts(course, assignment)

    print(f"assignment {assignment}, {n} submissions, {os.cpu_count()} cores")
    print(f"  one autograde call, serial:      {t_serial / n:.2f} s/notebook "
          f"({t_serial:.1f} s in all)")
    ok = "" if codes == [0, 0] else f"  (exit codes {codes}: contention on the gradebook)"
    print(f"  two concurrent calls (halves):   {t_parallel / n:.2f} s/notebook "
          f"({t_parallel:.1f} s in all){ok}")
    print(f"  one notebook alone (incl. nbgrader start-up): {t_one:.2f} s")
    own = p["plan"] + p["sandbox"] + p["judge"]
    print(f"  parts of one notebook: planning {p['plan']:.2f} s, sandboxed run {p['sandbox']:.2f} s"
          f" (of which sandbox + kernel start for an empty notebook {p['empty']:.2f} s), judging "
          f"{p['judge']:.2f} s; nbgrader's own work the rest "
          f"({max(t_serial / n - own, 0):.2f} s)")


if __name__ == "__main__":
    main(*(sys.argv[1:2] or ["a2_lstm_cell"]), *(int(a) for a in sys.argv[2:3]))
