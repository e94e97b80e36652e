"""The default playbook: the first steps every clinic agrees on, for a plugin's steps to extend."""

from __future__ import annotations

from serviceplan.domain.delay import Delay
from serviceplan.domain.incident import Incident
from serviceplan.domain.signs import Level
from serviceplan.plugins.markers import hookimpl
from serviceplan.plugins.records import Proposal

ACKNOWLEDGE = Proposal("acknowledge", "I can see this matters to you; thank you for telling me.")
SAY_WHAT_WE_WILL_DO = Proposal("say-what-we-will-do", "Here is what I will do next, and by when.")
ESCALATE = Proposal("escalate", "Let me bring in our manager so we can sort this out together.")
TELL_WAITING = Proposal("tell-waiting", "We are running late; here is our best new estimate.")
CALL_LIST = Proposal("call-list", "Call the patients not yet here, earliest first, with choices.")


class FirstSteps:
    """Acknowledge, say what you will do, bring a manager when it runs high; for delays, tell."""

    @hookimpl(trylast=True)
    def serviceplan_incident_steps(self, incident: Incident) -> list[Proposal]:
        """Recommend the steps that fit any incident still open."""
        if incident.is_resolved:
            return []
        if incident.level is Level.AGITATED:
            return [ACKNOWLEDGE, SAY_WHAT_WE_WILL_DO, ESCALATE]
        return [ACKNOWLEDGE, SAY_WHAT_WE_WILL_DO]

    @hookimpl(trylast=True)
    def serviceplan_delay_steps(self, delay: Delay) -> list[Proposal]:
        """Recommend telling waiting patients and calling the others, earliest first."""
        if delay.is_resolved or not delay.impact:
            return []
        return [TELL_WAITING, CALL_LIST]
