"""serviceplan: a clinic's backup plan for unexpected patient problems, on an event-sourced record.

Import what you need from here; the modules behind it may move.
"""

import logging

from serviceplan.app.clock import Clock, FixedClock, system_clock
from serviceplan.app.permissions import Permissions, RolePolicy
from serviceplan.app.retry import retry
from serviceplan.app.service_plan import ServicePlan
from serviceplan.app.settings import Settings
from serviceplan.app.waitlist import OfferAnswer
from serviceplan.domain.cascade import Impact, Slip
from serviceplan.domain.contact import Channel, ContactPoints, EmailAddress, PhoneNumber
from serviceplan.domain.delay import Delay
from serviceplan.domain.detection import DelaySign
from serviceplan.domain.empowerment import EmpowermentCheck
from serviceplan.domain.incident import Incident, IncidentStatus
from serviceplan.domain.money import Money
from serviceplan.domain.notice import Notice, NoticeKind, Receipt, notice_key
from serviceplan.domain.notice_record import NoticeRecord, NoticeStatus
from serviceplan.domain.offer_rounds import DelayedTime, OfferRules
from serviceplan.domain.offering import Offering, OfferingKind, OfferingStatus, offering_kind
from serviceplan.domain.opening import Opening, OpeningStatus
from serviceplan.domain.patient import Patient, patient_id_for
from serviceplan.domain.reasons import CancellationReason, Fault, ProcessCause
from serviceplan.domain.reply import Meaning, Reply
from serviceplan.domain.signs import Level, Observation, Topic
from serviceplan.domain.staff import Staff
from serviceplan.domain.task import Task, TaskKind
from serviceplan.domain.visit import DelayChoice, Visit, VisitStatus, visit_id_for
from serviceplan.domain.visit_type import EYE_CLINIC, Catalogue, VisitType
from serviceplan.domain.waitlist import WaitlistEntry, Wants
from serviceplan.plugins.loading import with_stand_ins
from serviceplan.plugins.markers import hookimpl
from serviceplan.store.config import compressed, memory_store, postgres_store, sqlite_store
from serviceplan.store.history import export_history, import_history
from serviceplan.store.keys import encrypted, new_cipher_key
from serviceplan.store.sealed_history import export_sealed, opened_history

__all__ = [
    "EYE_CLINIC",
    "CancellationReason",
    "Catalogue",
    "Channel",
    "Clock",
    "ContactPoints",
    "Delay",
    "DelayChoice",
    "DelaySign",
    "DelayedTime",
    "EmailAddress",
    "EmpowermentCheck",
    "Fault",
    "FixedClock",
    "Impact",
    "Incident",
    "IncidentStatus",
    "Level",
    "Meaning",
    "Money",
    "Notice",
    "NoticeKind",
    "NoticeRecord",
    "NoticeStatus",
    "Observation",
    "OfferAnswer",
    "OfferRules",
    "Offering",
    "OfferingKind",
    "OfferingStatus",
    "Opening",
    "OpeningStatus",
    "Patient",
    "Permissions",
    "PhoneNumber",
    "ProcessCause",
    "Receipt",
    "Reply",
    "RolePolicy",
    "ServicePlan",
    "Settings",
    "Slip",
    "Staff",
    "Task",
    "TaskKind",
    "Topic",
    "Visit",
    "VisitStatus",
    "VisitType",
    "WaitlistEntry",
    "Wants",
    "compressed",
    "encrypted",
    "export_history",
    "export_sealed",
    "hookimpl",
    "import_history",
    "memory_store",
    "new_cipher_key",
    "notice_key",
    "offering_kind",
    "opened_history",
    "patient_id_for",
    "postgres_store",
    "retry",
    "sqlite_store",
    "system_clock",
    "visit_id_for",
    "with_stand_ins",
]

# A library logs; the program using it decides where the lines go (none, by default).
logging.getLogger(__name__).addHandler(logging.NullHandler())
