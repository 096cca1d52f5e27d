"""Run one notebook, top to bottom, inside the sandbox; write the executed copy.

Started by :mod:`lstmcourse.grading.sandbox` as ``python runner.py IN.ipynb OUT.ipynb`` inside a
submission's sandbox (it is copied there as a plain file, so it imports nothing of the course).
It is nbclient with three limits of its own, all counted inside the sandbox:

- each cell may run ``--cell-timeout`` seconds; then the kernel is interrupted and the next cell
  runs (a test cell that never ran has no record, and the grader fails it);
- each cell keeps at most ``--max-output`` characters of output: a printing loop fills no memory;
- cells that raise do not stop the run.

The whole run's wall time, memory, file sizes and processes are limited from outside.
"""

from __future__ import annotations

import argparse
import sys

# nbformat -> jsonschema imports rfc3987_syntax, which builds a grammar for 1.8 s at import, for
# a URL format check notebooks never use. Refusing the import saves that on every submission.
sys.modules.setdefault("rfc3987_syntax", None)

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402


class CappedClient(NotebookClient):
    """nbclient that keeps at most ``max_output_chars`` characters of output per cell."""

    max_output_chars = 20_000

    def output(self, outs, msg, display_id, cell_index):
        used = getattr(self, "_used", {})
        self._used = used
        if used.get(cell_index, 0) > self.max_output_chars:
            return None                      # already cut: drop the rest
        content = msg.get("content", {})
        used[cell_index] = used.get(cell_index, 0) + len(str(content.get("text", ""))) \
            + len(str(content.get("data", "")))
        if used[cell_index] > self.max_output_chars:
            out = nbformat.v4.new_output("stream", name="stdout", text=(
                f"\n... output cut at {self.max_output_chars} characters ...\n"))
            outs.append(out)
            return out
        return super().output(outs, msg, display_id, cell_index)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("notebook")
    ap.add_argument("out")
    ap.add_argument("--cell-timeout", type=int, default=30)
    ap.add_argument("--max-output", type=int, default=20_000)
    args = ap.parse_args(argv)
    nb = nbformat.read(args.notebook, as_version=4)
    # The kernel is killed at once when the notebook is done: a graceful shutdown costs 0.3 s per
    # submission, and the sandbox ends every process in it anyway.
    client = CappedClient(nb, timeout=args.cell_timeout, allow_errors=True,
                          interrupt_on_timeout=True, kernel_name="python3",
                          shutdown_kernel="immediate",
                          resources={"metadata": {"path": "."}},
                          extra_arguments=["--HistoryManager.hist_file=:memory:"])
    client.max_output_chars = args.max_output
    try:
        client.execute()
    finally:
        nbformat.write(nb, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
