"""A FHIR-shaped test server for the scheduler's tests, its documentation and a clinic's own tests.

```python
with FhirTestServer(load_resources(folder)) as server:
    scheduler = FhirScheduler(FhirSettings(server.base_url))
```

It keeps resources in memory and serves only what the scheduler asks for: not for production.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from serviceplan_fhir.testing.server import FhirTestServer, Seen
from serviceplan_fhir.testing.store import Json, ResourceStore

__all__ = ["FhirTestServer", "Json", "ResourceStore", "Seen", "load_resources"]


def load_resources(paths: Iterable[Path]) -> list[Json]:
    """Read FHIR resources from JSON files (a Bundle's entries count one by one)."""
    resources: list[Json] = []
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("resourceType") == "Bundle":
            resources += [entry["resource"] for entry in data.get("entry", [])]
        else:
            resources.append(data)
    return resources
