"""The execute step of ``nbgrader autograde``: run in a sandbox, record there, judge here.

:class:`SandboxedExecute` takes the place of nbgrader's ``Execute`` in the course's
``nbgrader_config.py``; everything else in ``nbgrader autograde`` stays nbgrader's own. For one
submission it:

1. **plans** (here, trusted): runs each locked set-up cell's instructor source and each test
   cell's instructor source (hidden tests included) with the checks in planning mode, so every
   ``check.f(...)`` call yields a :class:`~lstmcourse.grading.plan.Plan`: the calls to make, on
   inputs drawn here from the tests' seeds;
2. **records** (in the sandbox): a copy of the notebook whose test cells only call
   :func:`lstmcourse.grading.record.record_cell`, and whose set-up cells import the functions
   the notebook gives from a generated module instead of the course package, runs top to bottom
   in :mod:`lstmcourse.grading.sandbox`. The sandbox folder holds the notebook, the plans and the
   two helper files, nothing else;
3. **judges** (here): reads each test cell's record as plain data, applies the assignment's
   :mod:`rules <lstmcourse.grading.rules>`, runs the plan's judges against the reference, and
   writes the verdict as the test cell's only output: an error with the message when a check
   fails (nbgrader scores it 0), a line saying what passed otherwise (full points).

What a student's kernel printed or raised in a test cell never decides its grade: only the
values it returned for the grader's inputs do.
"""

from __future__ import annotations

import ast
import shutil
import tempfile
from pathlib import Path

import nbformat
from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Float, Integer

from lstmcourse.grading import given as given_module
from lstmcourse.grading import plan as plan_module
from lstmcourse.grading import record, rules, sandbox

HERE = Path(__file__).resolve().parent
NOTEBOOK, EXECUTED = "submission.ipynb", "executed.ipynb"
MAX_RECORD_BYTES = 32 << 20


def trusted(cell: NotebookNode) -> bool:
    """A locked cell whose source is still the instructor's (nbgrader's OverwriteCells has put
    the source back; the checksum proves it)."""
    meta = cell.metadata.get("nbgrader", {})
    return (cell.cell_type == "code" and utils.is_locked(cell) and not utils.is_solution(cell)
            and meta.get("checksum") == utils.compute_checksum(cell))


def is_test(cell: NotebookNode) -> bool:
    return trusted(cell) and utils.is_grade(cell)


class _Placeholders(dict):
    """Planning namespace: a name no locked cell defines is the student's object of that name."""

    def __missing__(self, name: str) -> plan_module.Student:
        import builtins

        if hasattr(builtins, name):
            return getattr(builtins, name)
        return plan_module.Student(name)


def plan_tests(nb: NotebookNode) -> tuple[dict[str, list[plan_module.Plan]], dict]:
    """``{grade_id: plans}`` for every test cell, and the planning namespace (the set-up cells'
    names: ``check`` is the assignment's check module)."""
    namespace: dict = {"__name__": "__lstmcourse_planning__"}
    plans = {}
    for cell in nb.cells:
        if not trusted(cell):
            continue
        if is_test(cell):
            with plan_module.collecting() as collected:
                exec(compile(cell.source, "<test cell>", "exec"), namespace,
                     _Placeholders(namespace))
            plans[cell.metadata.nbgrader["grade_id"]] = list(collected)
        else:
            exec(compile(cell.source, "<set-up cell>", "exec"), namespace)
    return plans, namespace


def sandbox_setup(source: str) -> tuple[str, tuple[str, ...]]:
    """A set-up cell for the sandbox: imports from the course package are replaced, the given
    functions (``from lstmcourse.numpy import f``) come from the generated module. Returns the new
    source and the given names."""
    tree = ast.parse(source)
    lines, given = source.splitlines(), []
    for node in reversed(tree.body):
        mods = [a.name for a in node.names] if isinstance(node, ast.Import) else (
            [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
        if not any(m.split(".")[0] == "lstmcourse" for m in mods):
            continue
        new = ""
        if isinstance(node, ast.ImportFrom) and node.module == "lstmcourse.numpy":
            names = [a.name for a in node.names]
            given += names
            new = (f"from {given_module.MODULE_NAME} import {', '.join(names)}\n"
                   f"__lstmcourse_given__ = {{{', '.join(f'{n!r}: {n}' for n in names)}}}")
        lines[node.lineno - 1:node.end_lineno] = [new]
    return "\n".join(lines), tuple(given)


def sandbox_notebook(nb: NotebookNode) -> tuple[NotebookNode, tuple[str, ...]]:
    """The notebook the sandbox runs: student cells as submitted, set-up cells without the course
    package, test cells that only record."""
    nb = nbformat.from_dict(nb)
    given: tuple[str, ...] = ()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.outputs, cell.execution_count = [], None
        if is_test(cell):
            grade_id = cell.metadata.nbgrader["grade_id"]
            cell.source = (f"__import__('_lstmcourse_record').record_cell({grade_id!r}, "
                           "globals())")
        elif trusted(cell):
            cell.source, names = sandbox_setup(cell.source)
            given += names
    return nb, given


def where(nb: NotebookNode, index: int) -> str:
    """How Jupyter names cell ``index`` to the student: ``In [7]``, else its position."""
    count = nb.cells[index].get("execution_count")
    return f"In [{count}]" if count else f"cell {index + 1} of the notebook"


class SandboxedExecute(NbGraderPreprocessor):
    """Run the submission in a sandbox and grade its test cells outside it."""

    timeout = Integer(30, help="Seconds one cell may run.").tag(config=True)
    notebook_timeout = Float(240.0, help="Seconds the whole notebook may run.").tag(config=True)
    memory_limit = Integer(6 << 30, help="Bytes of address space per process.").tag(config=True)
    max_output_chars = Integer(20_000, help="Output kept per cell.").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict
                   ) -> tuple[NotebookNode, ResourcesDict]:
        plans, namespace = plan_tests(nb)
        check = namespace.get("check")
        assignment_rules = getattr(check, "RULES", rules.Rules())
        folder = Path(tempfile.mkdtemp(prefix="lstmcourse-grade-"))
        try:
            executed = self._execute(nb, plans, folder)
            self._copy_student_outputs(nb, executed)
            student_cells = [(where(nb, i), c.source) for i, c in enumerate(nb.cells)
                             if c.cell_type == "code" and not trusted(c)]
            inspection = rules.inspect(student_cells, assignment_rules)
            for cell in nb.cells:
                if is_test(cell):
                    grade_id = cell.metadata.nbgrader["grade_id"]
                    cell.outputs = [self._verdict(plans[grade_id], folder, grade_id,
                                                  inspection, assignment_rules)]
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return nb, resources

    def _execute(self, nb: NotebookNode, plans: dict, folder: Path) -> NotebookNode | None:
        box, given = sandbox_notebook(nb)
        nbformat.write(box, folder / NOTEBOOK)
        shutil.copy(HERE / "record.py", folder / "_lstmcourse_record.py")
        if given:
            (folder / f"{given_module.MODULE_NAME}.py").write_text(
                given_module.given_source(given))
        for grade_id, cell_plans in plans.items():
            calls, arrays = [], {}
            for p in cell_plans:
                wire, a = p.wire()
                calls += wire["calls"]
                arrays.update(a)
            record.write(folder, f"plan-{grade_id}", {"calls": calls}, arrays)
        limits = sandbox.Limits(wall_s=self.notebook_timeout, cell_s=self.timeout,
                                memory_bytes=self.memory_limit,
                                output_chars=self.max_output_chars)
        result = self.run_notebook(folder, NOTEBOOK, EXECUTED, limits)
        if result.timed_out:
            self.log.warning("the notebook ran past %.0f s and was stopped", limits.wall_s)
        path = folder / EXECUTED
        try:
            if path.stat().st_size <= MAX_RECORD_BYTES:
                return nbformat.read(path, as_version=4)
        except Exception as exc:  # missing or not a notebook: the run broke down
            self.log.warning("no executed notebook came back (%s); %s", exc, result.log[-500:])
        return None

    def run_notebook(self, folder: Path, notebook: str, out: str,
                     limits: sandbox.Limits) -> sandbox.Result:
        """Execute ``folder/notebook`` into ``folder/out``: in the sandbox. (The self-learner's
        check, :mod:`lstmcourse.grading.course`, overrides this where bwrap cannot run.)"""
        return sandbox.run_notebook(folder, notebook, out, limits)

    @staticmethod
    def _copy_student_outputs(nb: NotebookNode, executed: NotebookNode | None) -> None:
        """Show the student's own cells' outputs (and every cell's execution count) as they ran
        in the sandbox; test cells get their verdicts instead."""
        ok = executed is not None and len(executed.cells) == len(nb.cells)
        for k, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            ran = executed.cells[k] if ok else {}
            cell.execution_count = ran.get("execution_count") if ok else None
            cell.outputs = [] if is_test(cell) or not ok else ran.get("outputs", [])

    def _verdict(self, cell_plans: list, folder: Path, grade_id: str,
                 inspection: rules.Inspection, assignment_rules: rules.Rules) -> NotebookNode:
        failures: list[str] = []
        for target in sorted({t for p in cell_plans for t in p.graded_names()}):
            found = inspection.cost(target, assignment_rules)
            if found:
                failures.append(rules.message(target, found))
        if not failures:
            rec, arrays = self._read_record(folder, grade_id)
            for p in cell_plans:
                failures += p.judge(rec, arrays)
        if failures:
            text = plan_module.failure_message(failures)
            return nbformat.v4.new_output("error", ename="AssertionError", evalue=text,
                                          traceback=[text])
        n = sum(len(p.calls) for p in cell_plans)
        return nbformat.v4.new_output("stream", name="stdout",
                                      text=f"passed: all {n} graded calls gave the right values\n")

    @staticmethod
    def _read_record(folder: Path, grade_id: str) -> tuple[dict, dict]:
        """The record a test cell wrote, or an empty one (every call then counts as not made)."""
        try:
            sizes = [(folder / f"record-{grade_id}.{ext}").stat().st_size for ext in ("json",
                                                                                   "npz")]
            if sum(sizes) > MAX_RECORD_BYTES:
                return {}, {}
            rec, arrays = record.read(folder, f"record-{grade_id}", max_bytes=8 * MAX_RECORD_BYTES)
            return (rec if isinstance(rec, dict) else {}), arrays
        except Exception:
            return {}, {}
