"""One submission, one sandbox: run a notebook where student code can reach nothing of ours.

:func:`run_notebook` executes a notebook inside bubblewrap (``bwrap``, Debian's ``bubblewrap``
package). What the code inside sees and may do:

- the file system is the operating system and the Python environment, read-only, plus one
  writable folder, ``/submission``, holding this submission's notebook, the plans of its test
  cells and nothing else. No course directory, no gradebook, no other students, no source
  notebooks; the course package is not importable (its folder is not there);
- no network (a new network namespace has only loopback), its own PID namespace (it sees no other
  process, so it can signal none; when the run ends every process in it is killed), its own IPC
  and UTS namespaces, no capabilities, an unprivileged uid (65534), no nested user namespaces;
- limits: wall time for the whole notebook, per-cell time, address space, file size, open files,
  and output kept per cell (:mod:`lstmcourse.grading.runner`); ``/tmp`` and ``/dev/shm`` are
  small private tmpfs, the rest of its tree is read-only (a tmpfs is the host's memory).

The grader (this process) starts ``bwrap`` in a new session and is not visible inside; it reads
back only plain files (the executed notebook and the records), and treats them as untrusted data.
"""

from __future__ import annotations

import os
import resource
import select
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from lstmcourse.grading import cgroup

HERE = Path(__file__).resolve().parent
INSIDE = "/submission"               # the sandbox's only writable folder
# Files the sandbox needs from /etc (the dynamic linker's cache, the user database for IPython).
ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "passwd", "group", "nsswitch.conf",
       "localtime", "hosts")


@dataclass(frozen=True)
class Limits:
    """What one notebook may use. The defaults fit the course's five assignments with room."""

    wall_s: float = 180.0            # the whole notebook
    cell_s: int = 30                 # one cell, then the kernel is interrupted
    memory_bytes: int = 6 << 30      # address space of each process (torch maps ~2.5 GiB)
    file_bytes: int = 64 << 20       # largest file a process may write
    tmp_bytes: int = 256 << 20       # /tmp, and /dev/shm, each: they are memory (tmpfs)
    disk_bytes: int = 256 << 20      # everything in /submission together (the host's disk)
    open_files: int = 256
    output_chars: int = 20_000       # kept per cell
    processes: int = 256             # all processes of the sandbox together (cgroup)
    total_memory_bytes: int = 8 << 30  # all processes together (cgroup)


@dataclass
class Result:
    """How the sandboxed run ended."""

    returncode: int
    seconds: float
    timed_out: bool
    log: str                          # the runner's stderr, cut to 4,000 characters


class SandboxUnavailable(RuntimeError):
    """bwrap is missing or cannot create namespaces here."""


def bwrap() -> str:
    path = shutil.which("bwrap")
    if path is None:
        raise SandboxUnavailable(
            "grading needs bubblewrap (the `bwrap` command) to run submissions in a sandbox; "
            "install it with `apt-get install bubblewrap` (`make test` does this).")
    return path


def _system_binds() -> list[str]:
    """Read-only binds of the OS and of this Python (its installation and the virtualenv)."""
    args = ["--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/lib", "/lib64", "/lib32", "/sbin"):
        p = Path(top)
        if p.is_symlink():
            args += ["--symlink", os.readlink(p), top]
        elif p.exists():
            args += ["--ro-bind", top, top]
    for name in ETC:
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    roots = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve()}
    for root in sorted(roots):
        if not str(root).startswith("/usr/"):
            args += ["--ro-bind", str(root), str(root)]
    # The course package must not be importable inside, wherever it is installed: if its folder
    # lies under a bound path, an empty tmpfs hides it.
    package = HERE.parent
    if any(package.is_relative_to(r) for r in roots) or str(package).startswith("/usr/"):
        args += ["--tmpfs", str(package)]
    return args


def command(folder: Path, argv: list[str], limits: Limits) -> list[str]:
    """The bwrap command line that runs ``argv`` with ``folder`` as /submission."""
    venv_bin = str(Path(sys.executable).parent)
    env = {"PATH": f"{venv_bin}:/usr/bin:/bin", "HOME": INSIDE, "LANG": "C.UTF-8",
           "TMPDIR": "/tmp", "JUPYTER_RUNTIME_DIR": "/tmp/jupyter", "IPYTHONDIR": "/tmp/ipython",
           "MPLCONFIGDIR": "/tmp/matplotlib", "MPLBACKEND": "Agg", "PYTHONNOUSERSITE": "1",
           "PYTHONDONTWRITEBYTECODE": "1", "OMP_NUM_THREADS": "1", "JUPYTER_PLATFORM_DIRS": "1"}
    args = [bwrap(), "--unshare-all", "--unshare-user", "--disable-userns", "--uid", "65534",
            "--gid", "65534", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--hostname", "sandbox",
            # The private /tmp comes before the read-only binds: Python or the virtualenv may
            # live under the host's /tmp (a clone in /tmp, say), and a later tmpfs would hide it.
            "--proc", "/proc", "--dev", "/dev",
            "--size", str(limits.tmp_bytes), "--tmpfs", "/dev/shm",
            "--size", str(limits.tmp_bytes), "--tmpfs", "/tmp",
            *_system_binds(),
            "--bind", str(folder), INSIDE,
            # The root and /dev are tmpfs too (memory, unbounded): read-only once set up.
            "--remount-ro", "/dev", "--remount-ro", "/",
            "--chdir", INSIDE, "--clearenv"]
    for key, value in env.items():
        args += ["--setenv", key, value]
    return [*args, "--", *argv]


def _set_limits(limits: Limits) -> None:
    """In the child, before bwrap starts: rlimits that every process inside inherits."""
    for res, value in ((resource.RLIMIT_AS, limits.memory_bytes),
                       (resource.RLIMIT_FSIZE, limits.file_bytes),
                       (resource.RLIMIT_NOFILE, limits.open_files),
                       (resource.RLIMIT_CORE, 0)):
        resource.setrlimit(res, (value, value))


def run(folder: Path, argv: list[str], limits: Limits = Limits()) -> Result:
    """Run ``argv`` in a sandbox over ``folder``; kill everything in it after ``limits.wall_s``,
    or as soon as ``folder`` holds more than ``limits.disk_bytes``.

    When it returns, no process of the sandbox is left, and ``folder`` holds regular files only.
    """
    folder = Path(folder).resolve()
    os.chmod(folder, 0o777)  # the sandbox's uid 65534 must be able to write its records
    start = time.perf_counter()
    group = cgroup.create(limits)
    # bwrap gets no environment of ours: its PID 1 inside the sandbox keeps the environment it
    # started with, and the sandbox can read that in /proc/1/environ.
    proc = subprocess.Popen(command(folder, argv, limits), stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={"PATH": "/usr/bin:/bin"}, start_new_session=True,
                            preexec_fn=lambda: (cgroup.enter(group), _set_limits(limits)))
    stop, err = "", b""
    try:
        # Wait in short slices, looking at the folder's size in between: the processes inside
        # are root on the host's disk, and only each file's size is limited by rlimits.
        while stop == "":
            try:
                err = proc.communicate(timeout=0.25)[1]
                break
            except subprocess.TimeoutExpired:
                if time.perf_counter() - start > limits.wall_s:
                    stop = "time"
                elif _size(folder) > limits.disk_bytes:
                    stop = "disk"
        if stop:
            _kill(proc)
            err = proc.communicate()[1] + f"\nstopped: {stop} limit\n".encode()
    finally:
        cgroup.destroy(group)
    _regular_files_only(folder)
    return Result(proc.returncode, time.perf_counter() - start, stop == "time",
                  err.decode(errors="replace")[-4000:])


def _size(folder: Path) -> int:
    """Bytes in the files under ``folder`` (links not followed)."""
    total = 0
    for root, _, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                pass
    return total


def _kill(proc: subprocess.Popen) -> None:
    """Kill bwrap and the sandbox's PID 1, and wait until PID 1 is gone: the kernel kills every
    other process of the namespace before PID 1 can exit."""
    try:
        inits = [int(p) for p in Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
                 .read_text().split()]
    except OSError:
        inits = []
    pidfds = []
    for pid in inits:
        try:
            pidfds.append(os.pidfd_open(pid))
        except OSError:
            pass
    os.killpg(proc.pid, signal.SIGKILL)   # bwrap; --die-with-parent takes PID 1 with it
    for pid in inits:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    for fd in pidfds:
        select.select([fd], [], [], 10.0)
        os.close(fd)


def _regular_files_only(folder: Path) -> None:
    """Remove what is not a regular file from what the sandbox leaves for the grader to read: a
    symbolic link could point at another student's notebook, a FIFO would block it for ever."""
    for entry in os.scandir(folder):
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        elif not entry.is_file(follow_symlinks=False):
            os.unlink(entry.path)


def run_notebook(folder: Path, notebook: str, out: str, limits: Limits = Limits()) -> Result:
    """Execute ``folder/notebook`` in a sandbox; the executed copy is ``folder/out``."""
    shutil.copy(HERE / "runner.py", Path(folder) / "_lstmcourse_runner.py")
    python = str(Path(sys.executable))
    return run(folder, [python, "_lstmcourse_runner.py", notebook, out,
                        "--cell-timeout", str(limits.cell_s),
                        "--max-output", str(limits.output_chars)], limits)
