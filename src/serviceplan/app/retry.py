"""Run a command again when someone else changed the same record first.

Two staff updating the same incident at once: both load version 7, one saves version 8 first,
the other's save is refused with `ConcurrentUpdate` and records nothing. Every `ServicePlan`
command loads the record afresh, checks, then saves, so running the whole command again applies
it to the record as it is now; checks see the other person's change, and no update is lost::

    retry(plan.take_step)(incident_id, "acknowledge", by=desk)

Only lost races are retried; any other error (a refused command, a missing record) is raised at
once, and after `attempts` lost races the last `ConcurrentUpdate` is raised.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from serviceplan.errors import ConcurrentUpdate, InvalidInput

P = ParamSpec("P")
T = TypeVar("T")

ATTEMPTS = 5
PAUSE = 0.01


def retry(
    command: Callable[P, T],
    *,
    attempts: int = ATTEMPTS,
    pause: float = PAUSE,
    sleep: Callable[[float], object] = time.sleep,
) -> Callable[P, T]:
    """Return `command` wrapped to run again, up to `attempts` times, after a lost race.

    Between attempts it waits a random part of `pause` seconds, doubled each time, so two
    staff who collided do not collide again in step.
    """
    if attempts < 1:
        raise InvalidInput(f"attempts must be 1 or more, not {attempts}")

    @functools.wraps(command)
    def again(*args: P.args, **kwargs: P.kwargs) -> T:
        for attempt in range(attempts - 1):
            try:
                return command(*args, **kwargs)
            except ConcurrentUpdate:
                sleep(random.uniform(0, pause * 2**attempt))  # noqa: S311 (jitter, not a secret)
        return command(*args, **kwargs)

    return again
