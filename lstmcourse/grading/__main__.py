"""``python -m lstmcourse.grading``: the course's assignments for a learner without an instructor.

    python -m lstmcourse.grading list                 the assignments, chapters, points
    python -m lstmcourse.grading get a2_lstm_cell     write the notebook a2_lstm_cell.ipynb
    python -m lstmcourse.grading check a2_lstm_cell.ipynb
                                                      grade it as the course's autograder does

``check`` runs the autograder of ``nbgrader autograde`` (lstmcourse.grading.course): the test
cells are put back as the instructor wrote them, hidden tests included, the notebook runs in the
bubblewrap sandbox (without it, saying so, where bwrap cannot run), and the grader judges what
your functions returned. It prints one line per graded test, its points and, when it lost points,
the grader's feedback below it, then ``total: X / Y``. It exits 0 when it could grade the notebook,
whatever the score, and 1 with a message when it could not.

``tidy`` is for course authors: it rewrites the source notebooks in their committed form.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

# nbformat -> jsonschema imports rfc3987_syntax, which builds a grammar for seconds at import, for
# a URL format check notebooks never use (as in lstmcourse/grading/runner.py).
sys.modules.setdefault("rfc3987_syntax", None)

from lstmcourse.grading import course  # noqa: E402


def _points(x: float | None) -> str:
    return "?" if x is None else f"{x:g}"


def cmd_list(args: argparse.Namespace) -> int:
    root = course.course_dir(args.course)
    for name in course.names(root):
        a = course.describe(name, root)
        chapters = ", ".join(map(str, a.chapters))
        print(f"{name:22} chapters {chapters:6} {a.points:3g} points  "
              f"{', '.join(a.writes)}{' + a written answer' if a.written_points else ''}")
    return 0


def cmd_get(args: argparse.Namespace) -> int:
    root = course.course_dir(args.course)
    nb, _ = course.release(args.assignment, root)
    folder = Path(args.to)
    path = folder / f"{args.assignment}.ipynb"
    if path.exists() and not args.force:
        raise course.CourseError(f"{path} exists already (your work?): nothing written. Move it "
                                 "away, or pass --force to overwrite it.")
    folder.mkdir(parents=True, exist_ok=True)
    import nbformat

    nbformat.write(nb, path)
    print(f"wrote {path}: open it in Jupyter, then check it with "
          f"`python -m lstmcourse.grading check {path}`")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    root = course.course_dir(args.course)
    path = Path(args.notebook)
    nb = course.read_notebook(path)
    name = args.assignment or course.identify(nb, path, root)
    course.source_path(name, root)  # an unknown --assignment fails here, with the known ones
    problem = None if args.no_sandbox else course.sandbox_problem()
    if args.no_sandbox or problem:
        why = "as asked (--no-sandbox)" if args.no_sandbox else problem
        print(f"note: running your notebook WITHOUT the sandbox, as your own user: {why}\n"
              "      The grading is otherwise the course's own.", file=sys.stderr)
    else:
        print(f"grading {path} as {name}, in a sandbox (bubblewrap)", file=sys.stderr)
    try:
        graded = course.grade(nb, name, root, sandboxed=not (args.no_sandbox or problem))
    except Exception as exc:  # nbgrader refused the notebook (e.g. cells it cannot restore)
        raise course.CourseError(
            f"{path} could not be graded as {name} ({type(exc).__name__}: {exc}). The grader "
            "needs the notebook's locked cells (the set-up cell at the top, the tests): if one "
            f"was deleted, get a fresh copy (`python -m lstmcourse.grading get {name} --to "
            "DIR`) and copy your functions into it.") from exc
    for s in graded.scores:
        if s.written:
            note = ("written answer, not answered" if s.score == 0 else
                    "written answer (a person grades it; 0 here)")
            what = f"{note}: {s.what}"
        else:
            what = s.what
        print(f"{_points(s.score):>3} / {s.points:<3g} {s.grade_id}: {what}")
        if not s.written and s.score is not None and s.score < s.points and s.feedback:
            for line in s.feedback.splitlines():
                print(textwrap.fill(line, 100, initial_indent=" " * 10,
                                    subsequent_indent=" " * 12))
    print(f"total: {graded.total:g} / {graded.points:g}")
    return 0


def cmd_tidy(args: argparse.Namespace) -> int:
    for path in course.tidy_sources(course.course_dir(args.course)):
        print(f"rewrote {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m lstmcourse.grading",
                                 description="The course's graded assignments, without an "
                                 "instructor: get a notebook, check it.")
    ap.add_argument("--course", metavar="DIR", help="the course folder (assignments/ of the "
                    "course repository; default: the one lstmcourse was installed from)")
    sub = ap.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="the assignments").set_defaults(run=cmd_list)
    get = sub.add_parser("get", help="write the student's version of an assignment")
    get.add_argument("assignment", help="e.g. a2_lstm_cell")
    get.add_argument("--to", default=".", metavar="DIR", help="folder (default: here)")
    get.add_argument("--force", action="store_true", help="overwrite an existing notebook")
    get.set_defaults(run=cmd_get)
    check = sub.add_parser("check", help="grade a notebook as the course's autograder does")
    check.add_argument("notebook", help="your notebook, e.g. a2_lstm_cell.ipynb")
    check.add_argument("--assignment", help="which assignment it is (default: recognised from "
                       "its cells)")
    check.add_argument("--no-sandbox", action="store_true",
                       help="run the notebook without bubblewrap even where it works")
    check.set_defaults(run=cmd_check)
    sub.add_parser("tidy", help="(course authors) rewrite the source notebooks in their "
                   "committed form").set_defaults(run=cmd_tidy)
    args = ap.parse_args(argv)
    try:
        return args.run(args)
    except course.CourseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
