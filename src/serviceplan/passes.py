"""A follower's passes over the log, one after another until stopped, and what a failed one does.

A pass that fails is logged with its reason and tried again after a pause that doubles with each
failure in a row (from the usual interval up to `Pacing.max_wait`). After `give_up_after` failed
passes in a row the follower stops with `FollowerGaveUp`, so that the process exits and its
supervisor (systemd, a container runtime) sees it, restarts it or calls someone. A pass that
succeeds ends the run of failures. The log names the follower, the error's type and message,
never a patient: a pass fails on the store, the key or the network, not on a patient's data.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TypeVar

import attrs

from serviceplan.errors import FollowerGaveUp, InvalidInput, ServicePlanError

T = TypeVar("T")
MAX_REASON = 300

log = logging.getLogger("serviceplan.passes")


def reason_of(error: BaseException) -> str:
    """Describe why a pass failed in one short line: the error's type and message."""
    text = str(error).strip()
    first = text.splitlines()[0] if text else ""
    if isinstance(error, ServicePlanError):
        return first[:MAX_REASON] or type(error).__name__
    return f"{type(error).__name__}: {first}".strip().removesuffix(":")[:MAX_REASON]


@attrs.frozen
class Pacing:
    """How often a follower passes over the log, and how long it keeps trying when passes fail."""

    every: float = 30.0
    """Seconds between two passes that went well."""
    give_up_after: int = 0
    """Failed passes in a row after which the follower stops (0: never)."""
    max_wait: float = 300.0
    """The longest pause after failed passes, in seconds."""

    def __attrs_post_init__(self) -> None:
        if self.every <= 0 or self.max_wait <= 0 or self.give_up_after < 0:
            raise InvalidInput("passes need a positive interval and pause, and no negative limit")

    def wait_after(self, failures: int) -> float:
        """Return the pause before the next pass, after `failures` failed passes in a row."""
        if not failures:
            return self.every
        return min(self.every * 2.0 ** min(failures, 32), max(self.max_wait, self.every))


def pass_after_pass(  # noqa: PLR0913 (a loop has this many knobs)
    one_pass: Callable[[], T],
    stop: threading.Event,
    pacing: Pacing,
    *,
    name: str,
    after_pass: Callable[[T], None] | None = None,
    wait_first: bool = False,
) -> None:
    """Run `one_pass` until `stop` is set, pacing failures as `pacing` says.

    `after_pass` is told each good pass's result. With `wait_first` the loop pauses before its
    first pass (the caller has just made one). Raises `FollowerGaveUp` after too many failures.
    """
    failures = 0
    if wait_first and stop.wait(pacing.every):
        return
    while not stop.is_set():
        try:
            result = one_pass()
        except Exception as error:
            failures += 1
            reason = reason_of(error)
            log.debug("%s: the failed pass", name, exc_info=True)
            if pacing.give_up_after and failures >= pacing.give_up_after:
                log.error("%s: pass failed (%s); %d in a row: giving up", name, reason, failures)  # noqa: TRY400 (the traceback goes to debug)
                msg = f"{name} gave up after {failures} failed passes in a row; the last: {reason}"
                raise FollowerGaveUp(msg) from error
            wait = pacing.wait_after(failures)
            log.error(  # noqa: TRY400 (the traceback goes to the debug level)
                "%s: pass failed (%s); %d in a row, trying again in %g s",
                name,
                reason,
                failures,
                wait,
            )
        else:
            if failures:
                log.warning("%s: a pass went well again after %d failed", name, failures)
            failures, wait = 0, pacing.every
            if after_pass is not None:
                after_pass(result)
        stop.wait(wait)
