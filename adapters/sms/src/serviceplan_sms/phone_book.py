"""Which patients gave a phone number: how a reply from a number finds the patients it is about.

A read model over the patients' registrations and contact changes (`serviceplan.read.Follower`).
Several patients may share a number (a parent's phone for their children): a STOP from it speaks
for all of them, and any other reply from it goes to the desk for each, since it cannot say whose
answer it is. Its table lives in memory unless given a `Views` file, so phone numbers are not
written to disk beside the (possibly encrypted) event store.
"""

from __future__ import annotations

import threading
from uuid import UUID

from serviceplan import Patient, ServicePlan
from serviceplan.read import Follower, on
from serviceplan.read.follower import Event
from serviceplan.read.views import Views


class PhoneBook(Follower):
    """Patients by the phone number they gave, kept up with the log before each look-up."""

    name = "sms-phone-book"
    schema = 1
    tables = {  # noqa: RUF012 (read-only class data)
        "sms_phone_book": """CREATE TABLE IF NOT EXISTS sms_phone_book (
            patient_id TEXT PRIMARY KEY, phone TEXT NOT NULL)""",
    }
    indexes = ("CREATE INDEX IF NOT EXISTS sms_phone_book_by_phone ON sms_phone_book (phone)",)

    def __init__(self, plan: ServicePlan, views: Views | None = None) -> None:
        super().__init__(plan, views)
        self._lock = threading.Lock()

    def patients_at(self, phone: str) -> list[UUID]:
        """Return the patients whose phone number is `phone` (E.164) now."""
        with self._lock:
            self.catch_up()
            rows = self.db.execute(
                "SELECT patient_id FROM sms_phone_book WHERE phone = ? ORDER BY patient_id",
                (phone,),
            ).fetchall()
        return [UUID(row[0]) for row in rows]

    @on(Patient.Registered, Patient.ContactChanged)
    def _contact(self, e: Event) -> None:
        phone = e.contact.phone
        if phone is None:
            self.db.execute(
                "DELETE FROM sms_phone_book WHERE patient_id = ?", (str(e.originator_id),)
            )
            return
        self.db.execute(
            "INSERT OR REPLACE INTO sms_phone_book VALUES (?, ?)",
            (str(e.originator_id), phone.e164),
        )
