"""clinic-serviceplan-hl7v2: an HL7 v2 SIU feed into serviceplan, and an MLLP listener for it.

```python
feed = SiuFeed(plan, ledger=SqliteLedger("hl7v2-ledger.sqlite3"))
outcome = feed.apply(text)          # raises a typed error naming the segment and field
reply = feed.handle(text)           # the ACK to send back (AA, AE or AR); never raises
with MllpListener(feed, port=2575): ...
```
"""

from serviceplan_hl7v2.errors import (
    AlreadyBooked,
    ControlIdReused,
    MalformedMessage,
    MessageTimeRefused,
    MissingField,
    PatientMismatch,
    UnknownAppointment,
    UnknownPatient,
    UnsupportedMessage,
)
from serviceplan_hl7v2.feed import SiuFeed
from serviceplan_hl7v2.ledger import Ledger, MemoryLedger, SqliteLedger
from serviceplan_hl7v2.message import Message, Segment, Separators, parse
from serviceplan_hl7v2.mllp import MllpClient, MllpListener, frame
from serviceplan_hl7v2.options import FEED_STAFF, FeedOptions
from serviceplan_hl7v2.outcome import Action, Outcome, Stamp
from serviceplan_hl7v2.siu import SiuMessage, Trigger, read_siu

__all__ = [
    "FEED_STAFF",
    "Action",
    "AlreadyBooked",
    "ControlIdReused",
    "FeedOptions",
    "Ledger",
    "MalformedMessage",
    "MemoryLedger",
    "Message",
    "MessageTimeRefused",
    "MissingField",
    "MllpClient",
    "MllpListener",
    "Outcome",
    "PatientMismatch",
    "Segment",
    "Separators",
    "SiuFeed",
    "SiuMessage",
    "SqliteLedger",
    "Stamp",
    "Trigger",
    "UnknownAppointment",
    "UnknownPatient",
    "UnsupportedMessage",
    "frame",
    "parse",
    "read_siu",
]
