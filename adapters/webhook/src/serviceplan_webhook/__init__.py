"""serviceplan-webhook: notices POSTed as signed JSON to a URL the clinic runs, and a verifier.

```python
channel = WebhookChannel(WebhookSettings(url="https://portal.clinic.example/hooks", secret=...))
plan = ServicePlan(env, plugins=[channel])          # or configure SERVICEPLAN_WEBHOOK_*
notice = verify(secret, body, request.headers)      # in the clinic's receiver
```
"""

from serviceplan_webhook.payload import VERSION, payload
from serviceplan_webhook.plugin import WebhookChannel
from serviceplan_webhook.sender import WebhookNotSent
from serviceplan_webhook.settings import WebhookSettings
from serviceplan_webhook.signing import (
    KEY,
    SIGNATURE,
    TIMESTAMP,
    TOLERANCE,
    BadSignature,
    StaleRequest,
    WebhookRejected,
    signature,
    signed_headers,
    verify,
)

__all__ = [
    "KEY",
    "SIGNATURE",
    "TIMESTAMP",
    "TOLERANCE",
    "VERSION",
    "BadSignature",
    "StaleRequest",
    "WebhookChannel",
    "WebhookNotSent",
    "WebhookRejected",
    "WebhookSettings",
    "payload",
    "signature",
    "signed_headers",
    "verify",
]
