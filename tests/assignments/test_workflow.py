"""The book appendix's course workflow, run as written: the staff's `make` targets from the
repository root, the students' nbgrader commands from their own folders.

In a temporary copy of the repository (its Makefile, nbgrader configuration and assignments),
with the course-local exchange the configuration sets by default:

    make release A=a1_rnn                  instructor
    nbgrader fetch_assignment a1_rnn       three students, each with the two-line student
    nbgrader submit a1_rnn                 configuration: alice (right), bob (one bug), carol
                                           (submits the notebook as fetched)
    make collect A=a1_rnn                  instructor
    make autograde A=a1_rnn STUDENTS=…     twice: two workers' shares of the class
    make grade A=a1_rnn                    autograde (nothing left) + feedback + CSV export
    (written answers graded by hand, as the formgrader does, through nbgrader's gradebook API)
    make grade A=a1_rnn                    again: feedback and CSV now include those grades
    make return A=a1_rnn, fetch_feedback

and compares the exported CSV with the expected grades. No command may print a warning that
reads as a problem. Then the self-learner's ``python -m lstmcourse.grading check`` grades the
same submitted notebooks and must give the autograder's scores and feedback, test by test.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbgrader_course import cell_by_id, with_body

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
A = "a1_rnn"
STUDENTS = ("alice", "bob", "carol")
NO_TANH_GRAD = """
h, p = cache["h"], cache["params"]
da = dh
grads = {"weight_ih": da.T @ cache["x"], "weight_hh": da.T @ cache["h_prev"],
         "bias_ih": da.sum(axis=0), "bias_hh": da.sum(axis=0)}
return da @ p["weight_ih"], da @ p["weight_hh"], grads"""
ANSWER = "Each step back multiplies the gradient by W_hh^T and the tanh slope, T times over."
# What a clean run may not print: nbgrader's words for trouble, and the two noises of old ...
ALARMS = re.compile(r"WARNING|ERROR|CRITICAL|has changed|not absolute|Unwritable", re.I)
# ... except two warnings the appendix explains: the first release creates the exchange folder,
# and here the three students share one OS user, so collect finds every submission owned by it.
EXPLAINED = re.compile(r"Creating exchange directory: .*/assignments/exchange$"
                       r"|claims to be submitted by (alice|bob|carol) but is owned by \w+")
STUDENT_CONFIG = """c.CourseDirectory.course_id = "lstmcourse"
c.Exchange.root = "{exchange}"
"""


def run(cmd: list[str], cwd: Path, env: dict) -> str:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"{' '.join(cmd)} failed ({proc.returncode}):\n{out[-5000:]}"
    return out


class Workflow:
    def __init__(self, root: Path) -> None:
        self.repo = root / "repo"
        self.repo.mkdir()
        for name in ("Makefile", "nbgrader_config.py", "requirements.txt", "pyproject.toml"):
            shutil.copy(REPO / name, self.repo / name)
            os.utime(self.repo / name, (0, 0))   # never newer than the venv's install stamp
        shutil.copytree(REPO / "assignments" / "source", self.repo / "assignments" / "source")
        shutil.copy(REPO / "assignments" / "nbgrader_config.py", self.repo / "assignments")
        self.course = self.repo / "assignments"
        self.exchange = self.course / "exchange"       # the default: a folder of the course
        env = {k: v for k, v in os.environ.items() if k not in ("LSTMCOURSE_EXCHANGE",
                                                                  "MAKEFLAGS", "MAKELEVEL")}
        self.env = dict(env, PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}")
        self.log: list[tuple[str, str]] = []

    def make(self, target: str, *extra: str) -> str:
        out = run(["make", target, f"A={A}", f"VENV={BIN.parent}", *extra], self.repo, self.env)
        self.log.append((" ".join(["make", target, *extra]), out))
        return out

    def home(self, student: str) -> Path:
        return self.repo.parent / "home" / student

    def student(self, student: str, *args: str) -> str:
        """An nbgrader student command, run in the student's own folder, as the appendix says:
        with the student configuration in ~/.jupyter/nbgrader_config.py."""
        home = self.home(student)
        config = home / ".jupyter" / "nbgrader_config.py"
        if not config.exists():
            config.parent.mkdir(parents=True)
            config.write_text(STUDENT_CONFIG.format(exchange=self.exchange))
        env = dict(self.env, HOME=str(home), JUPYTER_DATA_DIR=str(home / ".jupyter-data"))
        env.pop("JUPYTER_CONFIG_DIR", None)
        out = run([str(BIN / "nbgrader"), args[0], A, *args[1:]], home, env)
        self.log.append((f"{student}: nbgrader {args[0]}", out))
        return out

    def gradebook(self):
        from nbgrader.api import Gradebook

        return Gradebook(f"sqlite:///{self.course / 'gradebook.db'}", "lstmcourse")

    def grades_csv(self) -> dict[str, dict[str, str]]:
        with open(self.course / "grades.csv", newline="") as fh:
            return {row["student_id"]: row for row in csv.DictReader(fh)
                    if row["assignment"] == A}


def work(fetched: nbformat.NotebookNode, source: nbformat.NotebookNode, student: str
         ) -> nbformat.NotebookNode:
    """What each student does with the fetched notebook."""
    if student == "carol":
        return fetched
    nb = nbformat.from_dict(fetched)
    for grade_id in ("rnn_cell", "rnn_cell_backward", "gradient_experiment"):
        cell_by_id(nb, grade_id).source = cell_by_id(source, grade_id).source
    if student == "bob":
        nb = with_body(nb, "rnn_cell_backward", NO_TANH_GRAD)
    cell_by_id(nb, "why_gradients_vanish").source = ANSWER
    return nb


@pytest.fixture(scope="module")
def flow(tmp_path_factory: pytest.TempPathFactory) -> Workflow:
    w = Workflow(tmp_path_factory.mktemp("workflow"))
    w.make("release")
    source = nbformat.read(w.course / "source" / A / f"{A}.ipynb", 4)
    with ThreadPoolExecutor(len(STUDENTS)) as pool:   # students work at the same time
        list(pool.map(lambda s: w.student(s, "fetch_assignment"), STUDENTS))
        for s in STUDENTS:
            path = w.home(s) / A / f"{A}.ipynb"
            nbformat.write(work(nbformat.read(path, 4), source, s), path)
        list(pool.map(lambda s: w.student(s, "submit", "--student", s), STUDENTS))
    w.make("collect")
    # Two workers' shares, as for a big class (one after the other here), then the rest of the
    # grading step, which finds nothing left to autograde.
    w.make("autograde", "STUDENTS=[a-b]*")
    w.make("autograde", "STUDENTS=[!a-b]*")
    w.make("grade")
    w.first_csv = w.grades_csv()
    with w.gradebook() as gb:                  # the formgrader does this for each written answer
        for s, points in (("alice", 2), ("bob", 1)):
            gb.find_grade("why_gradients_vanish", A, A, s).manual_score = points
        gb.db.commit()
    w.make("grade")
    w.make("return")
    w.student("alice", "fetch_feedback")
    return w


def test_the_exchange_is_the_course_folder(flow):
    assert (flow.exchange / "lstmcourse" / "outbound" / A / f"{A}.ipynb").is_file()
    for s in STUDENTS:
        assert (flow.course / "submitted" / s / A / f"{A}.ipynb").is_file()


def test_the_workers_shares_graded_each_student_once(flow):
    shares = [out for step, out in flow.log if step.startswith("make autograde")]
    assert len(shares) == 2
    for out, students in zip(shares, (("alice", "bob"), ("carol",)), strict=True):
        graded = set(re.findall(r"Autograding .*/autograded/(\w+)/", out))
        assert graded == set(students)


def test_exported_grades_are_the_expected_ones(flow):
    auto = {s: float(row["raw_score"]) for s, row in flow.first_csv.items()}
    assert auto == {"alice": 9.0, "bob": 5.0, "carol": 0.0}     # before the written answers
    rows = flow.grades_csv()
    assert {s: (float(r["raw_score"]), float(r["score"]), float(r["max_score"]))
            for s, r in rows.items()} == {"alice": (11.0, 11.0, 11.0), "bob": (6.0, 6.0, 11.0),
                                          "carol": (0.0, 0.0, 11.0)}


def test_feedback_reaches_the_student(flow):
    html = list((flow.home("alice") / A / "feedback").rglob(f"{A}.html"))
    assert len(html) == 1 and "HIDDEN TESTS" not in html[0].read_text()
    bob = (flow.course / "feedback" / "bob" / A / f"{A}.html").read_text()
    assert "forgetting the derivative of tanh" in bob


def test_a_clean_run_prints_no_alarming_warning(flow):
    alarms = []
    for step, out in flow.log:
        # One log record: a "[App | LEVEL] ..." line and the lines that continue it.
        for record in re.split(r"\n(?=\[|\S+\.py:\d+: )", out):
            if ALARMS.search(record) and not EXPLAINED.search(record):
                alarms.append(f"{step}: {record}")
    assert not alarms, "\n".join(alarms)


def check(path: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lstmcourse.grading", "check", str(path),
                           *extra], capture_output=True, text=True, timeout=600)


SCORE_LINE = re.compile(r"^\s*([\d.?]+) / ([\d.]+)\s+(\w+): ")


def parse(stdout: str) -> tuple[dict[str, float | None], str, str]:
    scores, feedback = {}, {}
    current, total = None, ""

    for line in stdout.splitlines():
        m = SCORE_LINE.match(line)
        if m:
            current = m.group(3)
            scores[current] = None if m.group(1) == "?" else float(m.group(1))
            feedback[current] = ""
        elif line.startswith("total: "):
            total = line
        elif current:
            feedback[current] += " " + line.strip()
    return scores, feedback, total


@pytest.fixture(scope="module")
def self_checks(flow):
    paths = {s: flow.course / "submitted" / s / A / f"{A}.ipynb" for s in STUDENTS}
    with ThreadPoolExecutor(len(paths)) as pool:
        procs = dict(zip(paths, pool.map(check, paths.values()), strict=True))
    return procs


@pytest.mark.parametrize("student", STUDENTS)
def test_self_check_gives_the_autograders_scores(flow, self_checks, student):
    proc = self_checks[student]
    assert proc.returncode == 0, proc.stderr
    scores, feedback, total = parse(proc.stdout)
    with flow.gradebook() as gb:
        nb = gb.find_submission_notebook(A, A, student)
        expected = {g.name: g.auto_score for g in nb.grades}
        auto_total, max_score = sum(g.auto_score or 0 for g in nb.grades), nb.max_score
    assert scores == expected
    assert total == f"total: {sum(v or 0 for v in scores.values()):g} / {max_score:g}"
    assert sum(v or 0 for v in scores.values()) == auto_total
    # Feedback: each test that lost points shows the autograder's message for it.
    autograded = nbformat.read(flow.course / "autograded" / student / A / f"{A}.ipynb", 4)
    for grade_id, score in scores.items():
        cell = cell_by_id(autograded, grade_id)
        if cell.cell_type == "code" and score < float(cell.metadata.nbgrader["points"]):
            message = " ".join(o.get("evalue", "") for o in cell.outputs).split()
            assert feedback[grade_id].split() == message, grade_id


def test_self_learner_gets_the_notebook_students_fetch(flow, tmp_path):
    out = subprocess.run([sys.executable, "-m", "lstmcourse.grading", "get", A, "--to",
                          str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    got = nbformat.read(tmp_path / f"{A}.ipynb", 4)
    fetched = nbformat.read(flow.exchange / "lstmcourse" / "outbound" / A / f"{A}.ipynb", 4)
    assert [(c.cell_type, c.source, c.metadata) for c in got.cells] == \
        [(c.cell_type, c.source, c.metadata) for c in fetched.cells]


def test_self_check_without_bubblewrap_says_so_and_grades_the_same(flow, self_checks):
    env = dict(os.environ, PATH=str(BIN))          # no bwrap on this PATH
    path = flow.course / "submitted" / "bob" / A / f"{A}.ipynb"
    proc = subprocess.run([sys.executable, "-m", "lstmcourse.grading", "check", str(path)],
                          capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "WITHOUT the sandbox" in proc.stderr
    assert parse(proc.stdout)[0] == parse(self_checks["bob"].stdout)[0]

