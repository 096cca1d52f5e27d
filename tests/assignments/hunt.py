"""A search of every file a sandboxed process can see, for anything that would give a solution away.

``HUNT`` is Python source (standard library only) that defines ``hunt(deadline_s=None)``; tests
run it *inside* the sandbox. Two tests use it, for two different claims:

- ``test_sandbox.py`` runs it with no deadline and checks that it finished and found nothing: the
  claim "no file the sandbox shows holds a solution, the gradebook or the reference code";
- attack 1 in ``test_attacks.py`` runs it from a student's notebook, where a cell has a time limit.
  There it stops at a deadline (the walk over ~221,000 files took 1-5 s here, and
  longer than a 15 s cell once on a CI machine with cold disk caches), so that the attack always
  gets to report; completeness is the sandbox test's job.

The places a course's files could be (everything outside the OS) come first, ``/usr`` last.
"""

HUNT = r'''
def hunt(deadline_s=None):
    """(files that give a solution away, number of files seen, whether the walk finished)."""
    import os
    import time

    stop = None if deadline_s is None else time.monotonic() + deadline_s
    skip = {"proc", "sys", "dev", "submission", "usr"}
    # /bin, /lib ... are links into /usr on most systems: walked with /usr, at the end.
    tops = [t for t in sorted(os.listdir("/"))
            if t not in skip and not os.path.islink("/" + t)] + ["usr"]
    found, seen = [], 0
    for top in tops:
        for root, dirs, files in os.walk("/" + top):
            if stop is not None and time.monotonic() > stop:
                return found, seen, False
            for name in files:
                seen += 1
                path = os.path.join(root, name)
                if "/lstmcourse/" in path:        # the reference package itself
                    found.append(path)
                    continue
                gradebook = name.endswith(".db")
                if not (gradebook or name.endswith(".ipynb") or "rnn" in name or "lstm" in name):
                    continue
                try:
                    if os.path.getsize(path) < (64 if gradebook else 2) * 1_000_000:
                        with open(path, "rb") as f:
                            text = f.read().decode(errors="replace")
                        # A solution notebook, or a gradebook with this course's grade ids.
                        if (("BEGIN SOLUTION" in text and "def rnn_cell(" in text)
                                or (gradebook and "test_rnn_cell" in text)):
                            found.append(path)
                except OSError:
                    pass
    return found, seen, True
'''
