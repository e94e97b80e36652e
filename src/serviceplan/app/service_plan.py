"""`ServicePlan`: the one application a clinic's software talks to."""

from __future__ import annotations

from serviceplan.app.moves import Moves
from serviceplan.app.notices import Notices
from serviceplan.app.patients import Patients


class ServicePlan(Patients, Moves, Notices):
    """A clinic's backup plan for patient problems, recorded as events.

    Persistence comes from the environment (eventsourcing's variables); with none set, events go
    to a SQLite file (see `serviceplan.store.config.default_db_path`). Plugins come from the
    `serviceplan` entry points and the `plugins=` argument; `plan.plugins` calls them, typed.
    """

    name = "ServicePlan"
