"""Judgements that several assignments share: backward passes on either cache, inputs left alone.

A backward pass is called twice per case: on the cache the student's own forward pass returned,
and on a cache the grader built in the format the notebook documents. It passes when either
gives the reference gradients; so a bug in the forward pass does not also cost the backward
pass's points, and a student who chose another cache format still has a correct forward pass
to lean on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from lstmcourse.grading.plan import Outcome
from lstmcourse.grading.record import arrays_in
from lstmcourse.grading.report import expect_unchanged


def backward_on_either_cache(own: Outcome, documented: Outcome, *, compare: Callable[[Any], None],
                             forward_ok: Callable[[], None], cache_keys: Sequence[str],
                             label: str) -> None:
    """Pass if ``compare`` accepts what the backward pass returned on the documented cache, or
    on the student's own cache when their forward pass is right (``forward_ok`` does not raise).
    The message explains whichever attempt tells the student most."""
    try:
        compare(documented.get(label))
        return
    except AssertionError as exc:
        on_documented = str(exc)
    try:
        forward_ok()
    except AssertionError as exc:
        raise AssertionError(
            f"{exc} So your own cache could not be used. On a cache in the documented format "
            f"(a dict with keys {', '.join(cache_keys)}): {on_documented}") from None
    compare(own.get(label))


def unchanged(out: Outcome, args: Sequence[Any], what: str, count: int | None = None,
              kwargs: dict | None = None) -> None:
    """Fail if the call changed one of its first ``count`` array arguments (all by default;
    keyword arguments come after the positional ones)."""
    out.get(what)
    before = arrays_in(list(args)) + arrays_in(kwargs or {})
    n = len(before) if count is None else count
    expect_unchanged(out.args_after[:n], before[:n], what, "a small case")


def unchanged_either(documented: Outcome, own: Outcome, grads: Sequence[Any], what: str) -> None:
    """For a backward pass: the incoming gradients ``grads`` (its first arguments) stay as they
    were, on whichever cache the call could run (the documented one first)."""
    out = documented if documented.error is None else own
    unchanged(out, grads, what, count=len(grads))
