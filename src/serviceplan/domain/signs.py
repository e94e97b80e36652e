"""What staff observe: how a patient seems and what about, without labelling the patient."""

from __future__ import annotations

from enum import Enum

import attrs

from serviceplan.domain import checks


class Level(Enum):
    """How a patient seems right now, from calm to agitated."""

    CALM = "calm"
    UPSET = "upset"
    AGITATED = "agitated"

    @property
    def rank(self) -> int:
        """Order levels so the plan can tell when things run higher."""
        return list(Level).index(self)


class Topic(Enum):
    """What the patient is concerned about."""

    BALANCE = "balance"
    WAIT = "wait"
    INSURANCE = "insurance"
    STAFF_INTERACTION = "staff-interaction"
    CLINICAL_WORRY = "clinical-worry"
    SCHEDULING = "scheduling"


@attrs.frozen
class Observation:
    """One thing a staff member saw: a level about a topic."""

    level: Level = attrs.field(validator=lambda _, __, v: checks.member(v, Level, "level"))
    topic: Topic = attrs.field(validator=lambda _, __, v: checks.member(v, Topic, "topic"))
