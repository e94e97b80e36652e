"""Read the signs: what the front desk should do next, by what the patient is concerned about.

The scripts describe the patient's need and what the office will do, never a label on the
patient. A clinic (or a plugin) can add its own proposals; these are the built-in ones.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from serviceplan.domain import checks
from serviceplan.domain.signs import Level, Observation, Topic


@attrs.frozen
class Proposal:
    """One recommended step, with a short script staff can say in their own words."""

    step: str = attrs.field(validator=lambda _, __, v: checks.code(v, "step"))
    script: str = attrs.field(validator=lambda _, __, v: checks.text(v, "script", max_length=300))


ACKNOWLEDGE = Proposal("acknowledge", "I can see this matters to you, and I'm glad you told me.")
ESCALATE = Proposal("escalate", "Let me bring in our manager so we can sort this out together.")

SCRIPTS: dict[Topic, tuple[Proposal, ...]] = {
    Topic.BALANCE: (
        Proposal("say-what-we-will-do", "Let me check this bill with our billing team today."),
        Proposal("research-bill", "We will research the charge and call you with what we find."),
    ),
    Topic.INSURANCE: (
        Proposal("say-what-we-will-do", "We will call your insurer on your behalf."),
        Proposal("three-way-call", "We can set up a call with you, us and your insurer."),
    ),
    Topic.WAIT: (
        Proposal("new-estimate", "Here is our best estimate of when you will be seen."),
        Proposal("offer-choices", "You can wait, step out and come back, or pick another day."),
    ),
    Topic.STAFF_INTERACTION: (
        Proposal("apologize", "I'm sorry that happened; that is not how we want you treated."),
    ),
    Topic.CLINICAL_WORRY: (
        Proposal("clinician-call", "I'll ask a clinician to speak with you about this."),
    ),
    Topic.SCHEDULING: (
        Proposal("offer-slots", "Let me find you a time that works better."),
    ),
}  # fmt: skip


def should_escalate(observations: Sequence[Observation]) -> bool:
    """Say whether signs run high enough for a manager: agitated once, or upset twice."""
    upset = sum(1 for o in observations if o.level is Level.UPSET)
    return any(o.level is Level.AGITATED for o in observations) or upset >= 2  # noqa: PLR2004


def next_steps(observations: Sequence[Observation]) -> tuple[Proposal, ...]:
    """Propose what to do after the latest sign: acknowledge, the topic's steps, escalation."""
    if not observations or observations[-1].level is Level.CALM:
        return ()
    proposals = (ACKNOWLEDGE, *SCRIPTS[observations[-1].topic])
    if should_escalate(observations):
        proposals = (*proposals, ESCALATE)
    return proposals
