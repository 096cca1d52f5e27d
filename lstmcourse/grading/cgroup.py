"""A control group around one sandbox: how many processes, and how much memory, all together.

rlimits (:func:`lstmcourse.grading.sandbox._set_limits`) bound each process; a fork bomb, or many
processes each just under the memory limit, needs a bound on all of them together. Linux's
control groups give it: ``pids.max`` and a memory limit on a group the sandbox is started in.
Every process the sandbox starts stays in the group, and :func:`destroy` kills what is left.

Both cgroup layouts are handled: v2 (one tree, ``/sys/fs/cgroup/cgroup.controllers``) and v1 (a
tree per controller, ``/sys/fs/cgroup/pids`` and ``/sys/fs/cgroup/memory``). Creating a group
needs root or a delegated tree; where neither works, :func:`create` returns ``None`` and the
sandbox runs with its per-process limits only (:func:`available` says which).
"""

from __future__ import annotations

import itertools
import os
import signal
import time
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
_names = itertools.count()


def _v2_files(limits) -> dict[str, str]:
    return {"pids.max": str(limits.processes), "memory.max": str(limits.total_memory_bytes),
            "memory.swap.max": "0"}


def create(limits) -> list[Path] | None:
    """New groups with the limits of ``limits`` (a :class:`~lstmcourse.grading.sandbox.Limits`),
    or ``None`` where this machine does not let us make them."""
    name = f"lstmcourse-sandbox-{os.getpid()}-{next(_names)}"
    if (ROOT / "cgroup.controllers").exists():
        plan = {ROOT / name: _v2_files(limits)}
    else:
        plan = {ROOT / "pids" / name: {"pids.max": str(limits.processes)},
                ROOT / "memory" / name: {"memory.limit_in_bytes":
                                         str(limits.total_memory_bytes)}}
    made: list[Path] = []
    try:
        for path, files in plan.items():
            path.mkdir()
            made.append(path)
            for key, value in files.items():
                if key == "memory.swap.max" and not (path / key).exists():
                    continue  # no swap accounting: nothing to limit
                (path / key).write_text(value)
        return made
    except OSError:
        destroy(made)
        return None


def enter(groups: list[Path] | None) -> None:
    """Move the calling process into ``groups`` (in the child, before it starts the sandbox)."""
    for path in groups or []:
        (path / "cgroup.procs").write_text(str(os.getpid()))


def destroy(groups: list[Path] | None) -> None:
    """Kill whatever still runs in ``groups`` and remove them."""
    for path in groups or []:
        for _ in range(50):
            try:
                pids = [int(p) for p in (path / "cgroup.procs").read_text().split()]
            except OSError:
                break
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.02)
        try:
            path.rmdir()
        except OSError:
            pass


def available() -> bool:
    """Whether this machine lets the grader put a sandbox in a control group."""
    from lstmcourse.grading.sandbox import Limits

    groups = create(Limits())
    destroy(groups)
    return groups is not None
