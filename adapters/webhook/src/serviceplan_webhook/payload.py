"""The JSON a notice is posted as: the notice's facts, where it goes and its words, nothing more."""

from __future__ import annotations

import json
from typing import Any

from serviceplan.plugins import Appointment, Envelope

VERSION = 1


def payload(envelope: Envelope) -> bytes:
    """Return the body posted for `envelope`: compact JSON with sorted keys, UTF-8."""
    notice = envelope.notice
    document: dict[str, Any] = {
        "version": VERSION,
        "key": notice.key,
        "kind": notice.kind.value,
        "channel": notice.channel.value,
        "patient_id": str(notice.patient_id),
        "visit_id": None if notice.visit_id is None else str(notice.visit_id),
        "when": None if notice.when is None else notice.when.isoformat(),
        "to": envelope.to,
        "text": envelope.text,
        "appointment": _appointment(envelope.appointment),
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def _appointment(appointment: Appointment | None) -> dict[str, Any] | None:
    if appointment is None:
        return None
    return {
        "uid": str(appointment.uid),
        "sequence": appointment.sequence,
        "start": appointment.start.isoformat(),
        "end": appointment.end.isoformat(),
        "cancelled": appointment.cancelled,
    }
