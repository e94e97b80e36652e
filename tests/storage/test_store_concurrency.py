"""Two staff update the same incident at once: one wins, the other gets a typed conflict.

With `retry`, the loser's command is run again on the record as it is now, so no update is lost.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from uuid import UUID, uuid4

import pytest

from serviceplan import Level, Observation, ServicePlan, Staff, Topic
from serviceplan.app.retry import retry
from serviceplan.errors import ConcurrentUpdate, InvalidInput, NotAllowedNow, NotFound

STAFF = [Staff(f"desk-{n}") for n in range(6)]


@pytest.fixture
def incident(plan: ServicePlan, patient: UUID, desk: Staff) -> UUID:
    return plan.open_incident(
        patient, observation=Observation(Level.UPSET, Topic.WAIT), need="know the wait", by=desk
    )


def stored(plan: ServicePlan) -> int:
    """Count the events stored (PostgreSQL may skip positions after a lost race)."""
    return len(plan.recorder.select_notifications(1, 1000))


def at_once(*work: Callable[[], object]) -> list[object]:
    """Run each piece of work in its own thread, all starting together; return the outcomes."""
    start = threading.Barrier(len(work))
    outcomes: list[object] = [None] * len(work)

    def run(n: int) -> None:
        start.wait()
        try:
            outcomes[n] = work[n]()
        except Exception as error:  # noqa: BLE001 (the outcome is what the test looks at)
            outcomes[n] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_the_second_of_two_simultaneous_saves_is_a_typed_conflict(
    plan: ServicePlan, incident: UUID
) -> None:
    both_loaded = threading.Barrier(2)
    before = stored(plan)

    def take_step(who: Staff) -> str:
        loaded = plan.get_incident(incident)
        both_loaded.wait()
        loaded.take_step(
            step_id=uuid4(), step=f"ack-by-{who.id}", check=None, at=plan.clock(), by=who
        )
        plan.record(loaded)
        return who.id

    outcomes = at_once(lambda: take_step(STAFF[0]), lambda: take_step(STAFF[1]))
    conflicts = [o for o in outcomes if isinstance(o, ConcurrentUpdate)]
    saved = [o for o in outcomes if isinstance(o, str)]
    assert len(conflicts) == 1
    assert len(saved) == 1
    assert "reload and try again" in str(conflicts[0])
    assert plan.get_incident(incident).step_codes == (f"ack-by-{saved[0]}",)
    assert stored(plan) == before + 1


def test_retry_loses_no_update_when_six_staff_act_at_once(
    plan: ServicePlan, incident: UUID
) -> None:
    before = stored(plan)
    take_step = retry(plan.take_step, attempts=len(STAFF))
    outcomes = at_once(
        *(lambda who=who: take_step(incident, f"step-{who.id}", by=who) for who in STAFF)
    )
    assert all(isinstance(o, UUID) for o in outcomes)
    steps = plan.get_incident(incident).step_codes
    assert sorted(steps) == sorted(f"step-{who.id}" for who in STAFF)
    assert stored(plan) == before + len(STAFF)


def test_a_retried_command_is_checked_against_the_other_persons_change(
    plan: ServicePlan, incident: UUID, manager: Staff
) -> None:
    resolve = retry(plan.resolve_incident, attempts=2)
    outcomes = at_once(
        *(lambda: resolve(incident, outcome="patient informed", by=manager) for _ in range(2))
    )
    assert outcomes.count(None) == 1
    refused = [o for o in outcomes if o is not None]
    assert isinstance(refused[0], NotAllowedNow)
    assert "resolved" in str(refused[0])


def test_retry_gives_up_after_its_attempts_with_growing_pauses() -> None:
    calls: list[int] = []
    pauses: list[float] = []

    def always_loses(n: int) -> None:
        calls.append(n)
        raise ConcurrentUpdate("someone else changed it first")

    with pytest.raises(ConcurrentUpdate):
        retry(always_loses, attempts=4, pause=0.5, sleep=pauses.append)(7)
    assert calls == [7, 7, 7, 7]
    assert len(pauses) == 3
    assert all(0 <= p <= 0.5 * 2**n for n, p in enumerate(pauses))


def test_retry_raises_other_errors_at_once() -> None:
    calls: list[int] = []

    def missing() -> None:
        calls.append(1)
        raise NotFound("nobody")

    with pytest.raises(NotFound):
        retry(missing, sleep=lambda _: None)()
    assert calls == [1]


def test_retry_needs_at_least_one_attempt() -> None:
    with pytest.raises(InvalidInput):
        retry(print, attempts=0)


def test_a_retried_command_keeps_its_name_and_answer(plan: ServicePlan, incident: UUID) -> None:
    wrapped = retry(plan.get_incident)
    assert wrapped.__name__ == "get_incident"
    assert wrapped(incident).id == incident
