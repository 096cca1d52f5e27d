"""Call the student's functions on the grader's inputs and write down what came back. Nothing else.

This is the only grading code that runs beside student code. When a class is graded it is copied,
as a plain file, into each submission's sandbox (see :mod:`lstmcourse.grading.sandbox`); when a
student runs a notebook's test cells at home it runs in their kernel. Either way it:

- reads a *plan*: the calls one test cell makes, with the inputs the grader drew;
- makes each call, catching whatever it raises (a call that fails is recorded, never re-raised);
- writes a *record*: each call's return value and its array arguments as they were afterwards
  (so the grader can see a function that changed its inputs in place).

It imports the standard library and NumPy (and torch only when a plan contains tensors), never the
course package, and it knows no expected value: judging happens outside, in
:mod:`lstmcourse.grading.plan`. Plans and records cross the sandbox wall as plain data, JSON for
the structure and ``.npz`` (loaded with ``allow_pickle=False``) for the arrays, so a record can
carry numbers and names but no code.

The encoding of one value, used both ways:

=====================================  =========================================================
JSON                                   meaning
=====================================  =========================================================
``null``, ``true``, ``1``, ``"s"``     itself
``{"float": "nan"}``                   a non-finite float (JSON has none)
``{"array": "a3"}``                    a NumPy array stored as ``a3`` in the ``.npz``
``{"tensor": "a3", "dtype": ..}``      a torch tensor (stored as an array)
``{"torch_dtype": "float64"}``         a torch dtype (``torch.float64``)
``{"tuple": [..]}``, ``{"list": ..}``  a tuple or list of encoded values
``{"dict": [[key, value], ..]}``       a dict with string keys
``{"name": "lstm_cell"}``              (plans) the student's object of that name
``{"given": "gru"}``                   (plans) a function the notebook gives the student
``{"ref": "c2", "path": [2]}``         (plans) item 2 of what call ``c2`` returned
``{"object": "LSTMCellCache"}``        (records) a value that is not plain data, by type name
=====================================  =========================================================
"""

from __future__ import annotations

import json
import math
import time
import traceback
from pathlib import Path
from typing import Any

import numpy as np

MAX_DEPTH = 8          # nesting a return value may have before the rest is recorded as an object
MAX_MESSAGE = 600      # characters kept of an exception message


# --- plain data --------------------------------------------------------------------------------

def encode(value: Any, arrays: dict[str, np.ndarray], depth: int = 0, prefix: str = "a") -> Any:
    """``value`` as JSON-able plain data; arrays go into ``arrays`` under fresh names."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)) and not isinstance(value, np.bool_):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else {"float": repr(float(value))}
    if isinstance(value, np.ndarray) and value.dtype != object:
        name = f"{prefix}{len(arrays)}"
        arrays[name] = np.array(value, copy=True)
        return {"array": name}
    torch_type = type(value).__module__.split(".")[0], type(value).__name__
    if torch_type in (("torch", "Tensor"), ("torch", "Parameter")):   # nn.Parameter too
        name = f"{prefix}{len(arrays)}"
        t = value.detach()
        arrays[name] = t.cpu().numpy().copy() if t.device.type != "meta" else np.zeros(0)
        return {"tensor": name, "dtype": str(value.dtype), "device": t.device.type,
                "shape": list(t.shape), "requires_grad": bool(value.requires_grad)}
    if torch_type == ("torch", "dtype"):
        return {"torch_dtype": str(value).replace("torch.", "")}
    if depth < MAX_DEPTH and isinstance(value, (tuple, list)):
        kind = "tuple" if isinstance(value, tuple) else "list"
        return {kind: [encode(v, arrays, depth + 1, prefix) for v in value]}
    if depth < MAX_DEPTH and isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"dict": [[k, encode(v, arrays, depth + 1, prefix)] for k, v in value.items()]}
    return {"object": type(value).__name__}


def decode(data: Any, arrays: Any, resolve: Any = None) -> Any:
    """The inverse of :func:`encode`; ``resolve`` turns name/given/ref entries into objects."""
    if not isinstance(data, dict):
        return data
    if "float" in data:
        return float(data["float"])
    if "array" in data:
        return np.array(arrays[data["array"]])
    if "tensor" in data:
        import torch

        dtype = getattr(torch, data["dtype"].replace("torch.", ""))
        if data.get("device") == "meta":
            return torch.empty(data["shape"], dtype=dtype, device="meta")
        t = torch.from_numpy(np.array(arrays[data["tensor"]])).to(dtype)
        return t.requires_grad_(bool(data.get("requires_grad")))
    if "torch_dtype" in data:
        import torch

        dtype = getattr(torch, str(data["torch_dtype"]), None)
        if not isinstance(dtype, torch.dtype):
            raise ValueError(f"not a torch dtype: {data['torch_dtype']!r:.40}")
        return dtype
    if "tuple" in data:
        return tuple(decode(v, arrays, resolve) for v in data["tuple"])
    if "list" in data:
        return [decode(v, arrays, resolve) for v in data["list"]]
    if "dict" in data:
        return {k: decode(v, arrays, resolve) for k, v in data["dict"]}
    if resolve is not None and ({"name", "given", "ref"} & data.keys()):
        return resolve(data)
    if "object" in data:
        return Opaque(data["object"])
    raise ValueError(f"not an encoded value: {data!r:.200}")


class Opaque:
    """Stands for a recorded value that was not plain data (a cache object, say)."""

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<{self.type_name} object>"


def write(folder: Path, stem: str, data: dict, arrays: dict[str, np.ndarray]) -> None:
    """``<stem>.json`` and ``<stem>.npz`` in ``folder``; the JSON is written last, so a record
    whose JSON exists is complete."""
    np.savez(folder / f"{stem}.npz", **arrays)
    tmp = folder / f"{stem}.json.tmp"
    tmp.write_text(json.dumps(data))
    tmp.replace(folder / f"{stem}.json")


def read(folder: Path, stem: str, max_bytes: int = 1 << 30) -> tuple[dict, dict[str, np.ndarray]]:
    """Read what :func:`write` wrote; the arrays are loaded without pickles, and refused when
    they would unpack to more than ``max_bytes`` (a compressed archive can claim gigabytes)."""
    import zipfile

    data = json.loads((folder / f"{stem}.json").read_text())
    with zipfile.ZipFile(folder / f"{stem}.npz") as z:
        if sum(info.file_size for info in z.infolist()) > max_bytes:
            raise ValueError(f"{stem}.npz would unpack to more than {max_bytes} bytes")
    with np.load(folder / f"{stem}.npz", allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    return data, arrays


# --- making the calls --------------------------------------------------------------------------

def _where(exc: BaseException) -> str:
    """The innermost place in a notebook cell (``In [5], line 3``) the exception passed through."""
    try:
        from IPython import get_ipython

        names = getattr(get_ipython().compile, "_filename_map", {})
    except Exception:  # no IPython (a plain script): name the file
        names = {}
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename in names:
            return f"In [{names[frame.filename]}], line {frame.lineno}"
        if frame.filename.startswith("<ipython-input-") or "ipykernel_" in frame.filename:
            return f"your cell, line {frame.lineno}"
    return ""


def arrays_in(value: Any) -> list[Any]:
    """The arrays and tensors inside an argument, in a fixed order (to see in-place changes)."""
    if isinstance(value, np.ndarray) or type(value).__name__ in ("Tensor", "Parameter"):
        return [value]
    if isinstance(value, (tuple, list)):
        return [a for v in value for a in arrays_in(v)]
    if isinstance(value, dict):
        return [a for k in sorted(value, key=str) for a in arrays_in(value[k])]
    return []


def run_calls(plan: dict, inputs: dict[str, np.ndarray], namespace: dict,
              given: dict | None = None) -> tuple[dict, dict[str, np.ndarray]]:
    """Make every call of ``plan`` against ``namespace``; return the record and its arrays."""
    import warnings

    results: dict[str, Any] = {}
    out_arrays: dict[str, np.ndarray] = {}
    record: dict[str, Any] = {"calls": {}}

    def resolve(entry: dict) -> Any:
        if "name" in entry:
            if entry["name"] not in namespace:
                raise NameError(f"the notebook defines no {entry['name']!r} (did you rename it, "
                                "or not run its cell?)")
            return namespace[entry["name"]]
        if "given" in entry:
            return (given or {})[entry["given"]]
        if entry["ref"] not in results:
            raise LookupError(f"this call needs what {entry['ref']} returned, and that call "
                              "failed")
        value = results[entry["ref"]]
        for step in entry.get("path", []):
            value = value[step]
        return value

    for call in plan["calls"]:
        entry: dict[str, Any] = {}
        start = time.perf_counter()
        try:
            target = resolve(call["target"])
            for attr in call.get("attrs", []):
                target = getattr(target, attr)
            args = [decode(a, inputs, resolve) for a in call.get("args", [])]
            kwargs = {k: decode(v, inputs, resolve) for k, v in call.get("kwargs", [])}
            # numpy's default error handling, whatever the notebook set: a test's outcome
            # depends on the values a function returns, not on which warnings are switched on.
            with np.errstate(all="warn", under="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                probe = PROBES.get(call.get("probe", ""), _call)
                value = probe(target, args, kwargs)
            results[call["key"]] = value
            entry["value"] = encode(value, out_arrays)
            entry["args_after"] = encode(arrays_in(args) + arrays_in(kwargs), out_arrays)
        except BaseException as exc:  # noqa: B036 - student code may raise anything, even exit
            if isinstance(exc, KeyboardInterrupt):
                raise
            entry["error"] = {"type": type(exc).__name__, "message": str(exc)[:MAX_MESSAGE],
                              "where": _where(exc)}
        entry["seconds"] = round(time.perf_counter() - start, 4)
        record["calls"][call["key"]] = entry
    return record, out_arrays


# A probe makes a call and turns what happens into plain data on the sandbox's side of the wall:
# a torch module's parameters, the gradients a backward pass leaves, or what a model trained with
# the student's class predicts. Each takes (target, args, kwargs); the plain call is the default.
def _call(target: Any, args: list, kwargs: dict) -> Any:
    return target(*args, **kwargs)


def _named_parameters(module: Any, args: list, kwargs: dict) -> dict:
    """``{name: parameter}`` of a torch module, in its registration order."""
    if not callable(getattr(module, "named_parameters", None)):
        raise TypeError(f"expected a torch.nn.Module, got {type(module).__name__}")
    return dict(module.named_parameters())


def _forward_backward(module: Any, args: list, kwargs: dict) -> dict:
    """Call ``module(*args)``, backpropagate ``sum_k (out[k] * weights[k]).sum()``, and return the
    outputs with the gradients of every tensor argument and every parameter (None if missing)."""
    weights = kwargs.pop("_weights")
    out = module(*args, **kwargs)
    outs = out if isinstance(out, (tuple, list)) else (out,)
    sum((o * w).sum() for o, w in zip(outs, weights, strict=False)).backward()
    tensors = [a for a in arrays_in(args) if type(a).__name__ in ("Tensor", "Parameter")]
    return {"out": out, "input_grads": [t.grad for t in tensors],
            "param_grads": {name: p.grad for name, p in module.named_parameters()}}


def adding_batch(n: int, T: int, gen: Any) -> tuple[Any, Any]:
    """The adding problem (Hochreiter & Schmidhuber 1997): inputs (T, n, 2), each step a number
    in [0, 1) and a 0/1 marker, one marker in each half; targets (n, 1), the two marked numbers'
    sum. ``gen`` is a ``torch.Generator``."""
    import torch

    values = torch.rand(T, n, generator=gen)
    first = torch.randint(0, T // 2, (n,), generator=gen)
    second = torch.randint(T // 2, T, (n,), generator=gen)
    markers = torch.zeros(T, n)
    markers[first, torch.arange(n)] = 1.0
    markers[second, torch.arange(n)] = 1.0
    target = (values * markers).sum(0, keepdim=True).T
    return torch.stack([values, markers], dim=2), target


class _Adam:
    """Adam (Kingma & Ba 2015), written out: importing torch.optim takes seconds."""

    def __init__(self, params: list, lr: float, betas=(0.9, 0.999), eps=1e-8) -> None:
        import torch

        self.params, self.lr, self.betas, self.eps, self.t = params, lr, betas, eps, 0
        self.m = [torch.zeros_like(p) for p in params]
        self.v = [torch.zeros_like(p) for p in params]

    def step(self) -> None:
        import torch

        self.t += 1
        b1, b2 = self.betas
        with torch.no_grad():
            for p, m, v in zip(self.params, self.m, self.v, strict=True):
                if p.grad is None:
                    continue
                m.mul_(b1).add_(p.grad, alpha=1 - b1)              # running mean of the gradient
                v.mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)  # ... and of its square
                m_hat, v_hat = m / (1 - b1**self.t), v / (1 - b2**self.t)
                p.sub_(self.lr * m_hat / (v_hat.sqrt() + self.eps))
                p.grad = None                                     # ready for the next step


def _train_adding(cls: Any, args: list, kwargs: dict) -> dict:
    """Train ``cls(2, hidden)`` and a linear read-out on adding-problem batches drawn from
    ``seed``, then predict the test inputs ``args[0]`` (T, N, 2). Returns the predictions (N, 1)
    and the CPU seconds the training took; stops with TimeoutError past ``budget_s``. The test
    targets are not here: the grader keeps them and scores the predictions."""
    import torch

    (x_test,) = args
    hidden, steps, batch, lr = kwargs["hidden"], kwargs["steps"], kwargs["batch"], kwargs["lr"]
    torch.manual_seed(kwargs["seed"])              # the cell's and the read-out's initial weights
    gen = torch.Generator().manual_seed(kwargs["seed"])
    cell, head = cls(2, hidden), torch.nn.Linear(hidden, 1)
    opt = _Adam([*cell.parameters(), *head.parameters()], lr=lr)

    def predict(x: Any) -> Any:
        hx = None
        for t in range(x.shape[0]):
            hx = cell(x[t]) if hx is None else cell(x[t], hx)
        return head(hx[0])

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the model is tiny: threads cost more than they save
    start = time.process_time()
    try:
        for _ in range(steps):
            x, y = adding_batch(batch, x_test.shape[0], gen)
            ((predict(x) - y) ** 2).mean().backward()
            opt.step()
            if time.process_time() - start > kwargs["budget_s"]:
                raise TimeoutError(f"training took more than {kwargs['budget_s']:g} s of CPU "
                                   "time")
        used = time.process_time() - start
        with torch.no_grad():
            return {"predictions": predict(x_test), "cpu_seconds": used}
    finally:
        torch.set_num_threads(threads)


PROBES = {"named_parameters": _named_parameters, "forward_backward": _forward_backward,
          "train_adding": _train_adding}


def record_cell(grade_id: str, namespace: dict, folder: str | Path = ".") -> None:
    """What a test cell runs in the sandbox: the plan for ``grade_id`` in, the record out."""
    folder = Path(folder)
    plan, inputs = read(folder, f"plan-{grade_id}")
    given = namespace.get("__lstmcourse_given__", {})
    record, arrays = run_calls(plan, inputs, namespace, given)
    write(folder, f"record-{grade_id}", record, arrays)
