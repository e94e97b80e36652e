"""clinic-serviceplan-sms: a text-message channel over Twilio's Messages API, and patients' replies.

```python
channel = SmsChannel(SmsSettings(account_sid="AC...", auth_token="...", sender="+15555550199"))
plan = ServicePlan(env, plugins=[channel])        # or configure SERVICEPLAN_SMS_* and install
app = InboundSms(plan, channel.settings)          # mount where Twilio posts incoming texts
```
"""

from serviceplan_sms.gateway import GatewayRefused, GatewayUnavailable, MessagesApi, SmsNotSent
from serviceplan_sms.inbound import INBOUND, Handled, InboundSms, TextReplies, reference_for
from serviceplan_sms.journal import InFlight, Journal
from serviceplan_sms.phone_book import PhoneBook
from serviceplan_sms.plugin import SMS_LENGTH, LookUpUnsure, SmsChannel
from serviceplan_sms.settings import SmsSettings
from serviceplan_sms.signature import signed_by_twilio, twilio_signature

__all__ = [
    "INBOUND",
    "SMS_LENGTH",
    "GatewayRefused",
    "GatewayUnavailable",
    "Handled",
    "InFlight",
    "InboundSms",
    "Journal",
    "LookUpUnsure",
    "MessagesApi",
    "PhoneBook",
    "SmsChannel",
    "SmsNotSent",
    "SmsSettings",
    "TextReplies",
    "reference_for",
    "signed_by_twilio",
    "twilio_signature",
]
