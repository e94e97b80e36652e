"""clinic-serviceplan-smtp: an e-mail channel for serviceplan, with calendar invitations.

```python
channel = SmtpChannel(SmtpSettings(host="mail.example.org", sender="desk@clinic.example"))
plan = ServicePlan(env, plugins=[channel])   # or configure SERVICEPLAN_SMTP_* and install
```
"""

from serviceplan_smtp.invitation import CALENDAR_KINDS, invitation
from serviceplan_smtp.message import SUBJECTS, compose, message_id, subject
from serviceplan_smtp.plugin import SmtpChannel
from serviceplan_smtp.settings import Mode, SmtpSettings
from serviceplan_smtp.transport import MailNotSent, send

__all__ = [
    "CALENDAR_KINDS",
    "SUBJECTS",
    "MailNotSent",
    "Mode",
    "SmtpChannel",
    "SmtpSettings",
    "compose",
    "invitation",
    "message_id",
    "send",
    "subject",
]
