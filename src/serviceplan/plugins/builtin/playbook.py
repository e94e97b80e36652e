"""The default playbook: the first steps every clinic agrees on, for a plugin's steps to extend."""

from __future__ import annotations

from serviceplan.domain import playbook
from serviceplan.domain.delay import Delay
from serviceplan.domain.incident import Incident
from serviceplan.plugins.markers import hookimpl
from serviceplan.plugins.records import Proposal

TELL_WAITING = Proposal("tell-waiting", "We are running late; here is our best new estimate.")
CALL_LIST = Proposal("call-list", "Call the patients not yet here, earliest first, with choices.")


class FirstSteps:
    """The playbook's scripts by topic, a manager when signs run high; for delays, tell and call."""

    @hookimpl(trylast=True)
    def serviceplan_incident_steps(self, incident: Incident) -> list[Proposal]:
        """Recommend the playbook's steps for the latest sign of an incident still open."""
        if incident.is_resolved:
            return []
        return list(playbook.next_steps(incident.observations))

    @hookimpl(trylast=True)
    def serviceplan_delay_steps(self, delay: Delay) -> list[Proposal]:
        """Recommend telling waiting patients and calling the others, earliest first."""
        if delay.is_resolved or not delay.impact:
            return []
        return [TELL_WAITING, CALL_LIST]
