"""clinic-serviceplan-webhook: notices POSTed as signed JSON to a clinic's URL, and a verifier.

```python
channel = WebhookChannel(WebhookSettings(url="https://portal.clinic.example/hooks", secret=...))
plan = ServicePlan(env, plugins=[channel])          # or configure SERVICEPLAN_WEBHOOK_*
notice = verify(secret, body, request.headers)      # in the clinic's receiver (Standard Webhooks)
```
"""

from serviceplan_webhook.payload import VERSION, payload
from serviceplan_webhook.plugin import LookUpOff, WebhookChannel
from serviceplan_webhook.sender import WebhookNotSent
from serviceplan_webhook.settings import WebhookSettings
from serviceplan_webhook.signing import (
    KEY,
    SIGNATURE,
    TIMESTAMP,
    TOLERANCE,
    WEBHOOK_ID,
    WEBHOOK_SIGNATURE,
    WEBHOOK_TIMESTAMP,
    BadSignature,
    StaleRequest,
    WebhookRejected,
    signature,
    signed_headers,
    standard_signature,
    verify,
    verify_look_up,
    webhook_id,
    whsec_secret,
)

__all__ = [
    "KEY",
    "SIGNATURE",
    "TIMESTAMP",
    "TOLERANCE",
    "VERSION",
    "WEBHOOK_ID",
    "WEBHOOK_SIGNATURE",
    "WEBHOOK_TIMESTAMP",
    "BadSignature",
    "LookUpOff",
    "StaleRequest",
    "WebhookChannel",
    "WebhookNotSent",
    "WebhookRejected",
    "WebhookSettings",
    "payload",
    "signature",
    "signed_headers",
    "standard_signature",
    "verify",
    "verify_look_up",
    "webhook_id",
    "whsec_secret",
]
