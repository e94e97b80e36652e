"""A follower's passes: a failed one is told and tried again later and later, then given up on."""

from __future__ import annotations

import logging
import threading

import pytest

from serviceplan.errors import FollowerGaveUp, InvalidInput
from serviceplan.passes import Pacing, pass_after_pass, reason_of


def test_the_pause_doubles_after_each_failed_pass_up_to_the_longest():
    pacing = Pacing(every=1.0, max_wait=5.0)
    assert [pacing.wait_after(n) for n in range(5)] == [1.0, 2.0, 4.0, 5.0, 5.0]
    assert pacing.wait_after(10_000) == 5.0


@pytest.mark.parametrize("knobs", [{"every": 0}, {"max_wait": -1.0}, {"give_up_after": -1}])
def test_pacing_that_makes_no_sense_is_refused(knobs):
    with pytest.raises(InvalidInput):
        Pacing(**knobs)


def test_a_pass_that_goes_well_again_ends_the_run_of_failures(caplog):
    stop, outcomes, told = threading.Event(), ["down", "down", 3, "down", 5], []

    def one_pass() -> int:
        outcome = outcomes.pop(0)
        if not outcomes:
            stop.set()
        if outcome == "down":
            raise ConnectionError("the database is down")
        return int(outcome)

    with caplog.at_level(logging.WARNING, logger="serviceplan.passes"):
        pass_after_pass(
            one_pass, stop, Pacing(every=0.01, give_up_after=3), name="reader",
            after_pass=told.append,
        )  # fmt: skip

    assert told == [3, 5]
    down = "reader: pass failed (ConnectionError: the database is down)"
    assert caplog.messages == [
        f"{down}; 1 in a row, trying again in 0.02 s",
        f"{down}; 2 in a row, trying again in 0.04 s",
        "reader: a pass went well again after 2 failed",
        f"{down}; 1 in a row, trying again in 0.02 s",
        "reader: a pass went well again after 1 failed",
    ]


def test_after_the_limit_of_failed_passes_in_a_row_the_follower_gives_up():
    passes = []

    def one_pass() -> None:
        passes.append(1)
        raise TimeoutError

    with pytest.raises(FollowerGaveUp, match="reader gave up after 2 failed passes in a row"):
        pass_after_pass(one_pass, threading.Event(), Pacing(0.01, 2), name="reader")
    assert len(passes) == 2


def test_a_stop_before_the_first_pass_makes_none():
    stop = threading.Event()
    stop.set()
    pass_after_pass(pytest.fail, stop, Pacing(0.01), name="reader", wait_first=True)


def test_a_reason_is_one_line_with_the_type_of_a_foreign_error():
    assert reason_of(OSError("disk full\nat sector 9")) == "OSError: disk full"
    assert reason_of(TimeoutError()) == "TimeoutError"
    assert reason_of(InvalidInput("a provider is a short code")) == "a provider is a short code"
