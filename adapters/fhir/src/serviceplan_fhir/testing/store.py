"""The test server's memory: resources by type and id, with versions, and the searches it knows.

Searches are the few the scheduler makes, done the FHIR way: several values of one parameter
must all match (`start=ge...&start=lt...`), commas mean "any of" (`status=free,busy`), and a
parameter the server does not know is refused rather than ignored.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from copy import deepcopy
from datetime import UTC, datetime
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

Json = dict[str, Any]
PAGING = frozenset({"_count", "_offset", "_sort"})


class Refused(Exception):  # noqa: N818 (an answer, not a bug)
    """The request cannot be served: `status` and an OperationOutcome issue `code` say why."""

    def __init__(self, status: int, code: str, why: str) -> None:
        super().__init__(why)
        self.status = status
        self.code = code


def _reference_is(field: str) -> Callable[[Json, str], bool]:
    def matches(resource: Json, value: str) -> bool:
        reference = (resource.get(field) or {}).get("reference", "")
        return bool(reference) and (reference == value or reference.endswith(f"/{value}"))

    return matches


def _status(resource: Json, value: str) -> bool:
    return resource.get("status") in value.split(",")


def _identifier(resource: Json, value: str) -> bool:
    system, bar, code = value.rpartition("|")
    return any(
        i.get("value") == code and (not bar or i.get("system") == system)
        for i in resource.get("identifier", [])
    )


def _slot(resource: Json, value: str) -> bool:
    return any(s.get("reference") == value for s in resource.get("slot", []))


def _start(resource: Json, value: str) -> bool:
    prefix, moment = (value[:2], value[2:]) if value[:2].isalpha() else ("eq", value)
    if "start" not in resource:
        return False
    have = datetime.fromisoformat(resource["start"])
    try:
        want = datetime.fromisoformat(moment)
    except ValueError:
        raise Refused(400, "invalid", f"start: not a date {moment!r}") from None
    compare = {"eq": have == want, "ge": have >= want, "gt": have > want, "le": have <= want}
    if prefix not in {*compare, "lt"}:
        raise Refused(400, "not-supported", f"start: prefix {prefix!r}")
    return have < want if prefix == "lt" else compare[prefix]


SEARCHES: Mapping[str, Mapping[str, Callable[[Json, str], bool]]] = {
    "Slot": {"schedule": _reference_is("schedule"), "status": _status, "start": _start},
    "Appointment": {"identifier": _identifier, "status": _status, "slot": _slot},
    "Schedule": {"_id": lambda r, v: r.get("id") == v},
}


class ResourceStore:
    """Resources kept in memory; every write validated as R4 and given a new version."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._resources: dict[tuple[str, str], Json] = {}
        self._ids = itertools.count(1)

    def seed(self, resources: Iterable[Json]) -> None:
        """Keep these resources as they are, each at version 1 unless it names its own."""
        for resource in resources:
            stored = deepcopy(resource)
            stored.setdefault("meta", {}).setdefault("versionId", "1")
            with self._lock:
                self._resources[stored["resourceType"], stored["id"]] = stored

    def read(self, kind: str, resource_id: str) -> Json:
        """Return a copy of one resource, or refuse with 404."""
        with self._lock:
            found = self._resources.get((kind, resource_id))
            if found is None:
                raise Refused(404, "not-found", f"no {kind}/{resource_id}")
            return deepcopy(found)

    def search(self, kind: str, params: Mapping[str, Sequence[str]]) -> list[Json]:
        """Return copies of the resources of `kind` matching every parameter, sorted if asked."""
        known = SEARCHES.get(kind)
        if known is None:
            raise Refused(400, "not-supported", f"no search on {kind}")
        for name in params:
            if name not in known and name not in PAGING:
                raise Refused(400, "not-supported", f"unknown search parameter {name}")
        with self._lock:
            found = [deepcopy(r) for (k, _), r in self._resources.items() if k == kind]
        for name, values in params.items():
            if name in known:
                found = [r for r in found if all(known[name](r, v) for v in values)]
        if params.get("_sort") == ["start"]:
            found.sort(key=lambda r: datetime.fromisoformat(r.get("start", "9999-12-31T00:00Z")))
        return found

    def create(self, kind: str, body: Json) -> Json:
        """Validate and keep a new resource under a new id."""
        resource = _valid(kind, body)
        resource["id"] = f"sp{next(self._ids)}"
        return self._keep(resource, "1")

    def update(self, kind: str, resource_id: str, body: Json, if_match: str | None) -> Json:
        """Validate and write a resource, refusing with 412 if `if_match` is not its version."""
        resource = _valid(kind, body)
        if resource.get("id") != resource_id:
            raise Refused(400, "invalid", "the id in the body is not the id in the URL")
        with self._lock:
            current = self._resources.get((kind, resource_id))
            version = None if current is None else current["meta"]["versionId"]
            wanted = None if if_match is None else if_match.removeprefix("W/").strip('"')
            if wanted is not None and wanted != version:
                raise Refused(412, "conflict", f"{kind}/{resource_id} is at another version")
            return self._keep(resource, str(int(version or 0) + 1), locked=True)

    def _keep(self, resource: Json, version: str, *, locked: bool = False) -> Json:
        meta = resource.setdefault("meta", {})
        meta["versionId"] = version
        meta["lastUpdated"] = datetime.now(UTC).isoformat(timespec="seconds")
        key = (resource["resourceType"], resource["id"])
        if locked:
            self._resources[key] = deepcopy(resource)
        else:
            with self._lock:
                self._resources[key] = deepcopy(resource)
        return resource


def _valid(kind: str, body: object) -> Json:
    if not isinstance(body, dict) or body.get("resourceType") != kind:
        raise Refused(400, "invalid", f"the body is not a {kind}")
    try:
        get_fhir_model_class(kind).model_validate(body)
    except (ValidationError, KeyError, ValueError) as error:
        raise Refused(400, "invalid", f"not a valid {kind}: {type(error).__name__}") from None
    return deepcopy(body)
