"""Writer processes that run a clinic day side by side, started together at a barrier.

The same processes serve every contender and every repeat, so starting them costs nothing in the
figures; each writer reports the seconds of its own timed part, and the slowest decides.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Sequence
from multiprocessing.context import SpawnProcess
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from types import TracebackType
from typing import Any, Self

Job = Callable[..., Any]
"""A contender's work: takes its arguments and a `go` callable, returns its timed seconds
(and whatever else it counted), which must pickle."""


def _serve(inbox: Queue[Any], outbox: Queue[Any], barrier: Barrier) -> None:
    while (task := inbox.get()) is not None:
        job, args = task
        try:
            outbox.put(job(*args, go=barrier.wait))
        except Exception as error:  # noqa: BLE001 (carried back to the parent, which raises)
            barrier.abort()
            outbox.put(error)


class Writers:
    """`count` spawned processes, each with its own inbox, sharing one barrier and one outbox."""

    def __init__(self, count: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.barrier = context.Barrier(count)
        self.outbox: Queue[Any] = context.Queue()
        self.inboxes: list[Queue[Any]] = [context.Queue() for _ in range(count)]
        self.processes: list[SpawnProcess] = [
            context.Process(target=_serve, args=(inbox, self.outbox, self.barrier), daemon=True)
            for inbox in self.inboxes
        ]
        for process in self.processes:
            process.start()

    def run(self, job: Job, args: Sequence[tuple[Any, ...]]) -> list[Any]:
        """Give writer n the job with `args[n]`; return what each writer's job returned."""
        for inbox, arguments in zip(self.inboxes, args, strict=True):
            inbox.put((job, arguments))
        results = [self.outbox.get() for _ in args]
        errors = [r for r in results if isinstance(r, Exception)]
        if errors:  # the first writer's own failure, not the others' broken barrier
            raise min(errors, key=lambda e: isinstance(e, threading.BrokenBarrierError))
        return results

    def close(self) -> None:
        """Tell each writer to stop, and wait for it."""
        for inbox in self.inboxes:
            inbox.put(None)
        for process in self.processes:
            process.join(timeout=30)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
