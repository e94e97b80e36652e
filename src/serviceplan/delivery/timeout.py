"""A channel that hangs must not hang the follower: each call gets a deadline.

Python cannot stop a thread, so a late call runs on in the background; whatever it sends is
recognised by its idempotency key when the notice is tried again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class ChannelTimeout(TimeoutError):  # noqa: N818 (reads as the event it records)
    """A channel gave no answer in time."""


def call_with_timeout(call: Callable[[], T], seconds: float) -> T:
    """Return `call()`'s answer, re-raise its error, or raise `ChannelTimeout` after `seconds`."""
    answers: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            answers.append(call())
        except BaseException as error:  # noqa: BLE001 (handed to the calling thread below)
            errors.append(error)

    thread = threading.Thread(target=run, name="serviceplan-channel", daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise ChannelTimeout(f"no answer in {seconds:g} s")
    if errors:
        raise errors[0]
    return answers[0]
