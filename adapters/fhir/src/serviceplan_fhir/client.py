"""A small FHIR REST client: read, search (following pages), create and update, in R4 JSON.

Every resource that comes in or goes out is validated with `fhir.resources.R4B` (R4 JSON
validates as R4B; the package has no R4 module). Updates carry `If-Match` with the version read,
so a slot someone else changed in between is refused (`VersionConflict`), never overwritten.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Generic, TypeVar

import attrs
import httpx
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.resource import Resource
from pydantic import ValidationError

from serviceplan_fhir.errors import (
    FhirClientError,
    FhirHttpError,
    FhirServerError,
    FhirTimeout,
    FhirUnavailable,
    InvalidResource,
    ResourceNotFound,
    VersionConflict,
)
from serviceplan_fhir.settings import FhirSettings

FHIR_JSON = "application/fhir+json"
MAX_PAGES = 50
R = TypeVar("R", bound=Resource)
Params = Mapping[str, str | Sequence[str]]


@attrs.frozen
class Versioned(Generic[R]):
    """A resource as read, with the version an update must match (None if the server keeps none)."""

    resource: R
    version: str | None

    @property
    def reference(self) -> str:
        """The resource's relative reference, like `Slot/1`."""
        return f"{self.resource.get_resource_type()}/{self.resource.id}"


def validated(kind: type[R], data: object, where: str) -> R:
    """Return `data` as a valid R4 resource of `kind`, or raise `InvalidResource` naming the field.

    The message names the fields that failed and why, never their values.
    """
    if not isinstance(data, dict) or data.get("resourceType") != kind.get_resource_type():
        raise InvalidResource(where, f"expected a {kind.get_resource_type()} resource")
    try:
        return kind.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "resource"
        raise InvalidResource(where, f"{field}: {first['msg']}") from None


class FhirClient:
    """Talks to one FHIR server; thread-safe, like the `httpx.Client` underneath."""

    def __init__(
        self, settings: FhirSettings, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        headers = {"Accept": FHIR_JSON}
        if settings.token:
            headers["Authorization"] = f"Bearer {settings.token}"
        self.settings = settings
        self._http = httpx.Client(
            base_url=f"{settings.base_url}/",
            timeout=settings.timeout,
            headers=headers,
            transport=transport,
        )

    def close(self) -> None:
        """Close the connections to the server."""
        self._http.close()

    def read(self, kind: type[R], resource_id: str) -> Versioned[R]:
        """Read one resource by id."""
        where = f"read {kind.get_resource_type()}/{resource_id}"
        response = self._send(where, "GET", f"{kind.get_resource_type()}/{resource_id}")
        return self._versioned(kind, response, where)

    def search(self, kind: type[R], params: Params) -> list[Versioned[R]]:
        """Return every match of a search, following the Bundle's `next` links."""
        where = f"search {kind.get_resource_type()}"
        response = self._send(where, "GET", kind.get_resource_type(), params=params)
        found: list[Versioned[R]] = []
        for _ in range(MAX_PAGES):
            bundle = validated(Bundle, _json(response, where), where)
            found += [self._entry(kind, entry.resource, where) for entry in bundle.entry or ()]
            following = next(
                (link.url for link in bundle.link or () if link.relation == "next"), None
            )
            if following is None:
                return found
            response = self._send(where, "GET", self._same_server(str(following), where))
        raise InvalidResource(where, f"more than {MAX_PAGES} pages of results")

    def create(self, resource: R) -> Versioned[R]:
        """Create a resource; the server gives it its id."""
        kind = type(resource)
        where = f"create {kind.get_resource_type()}"
        body = resource.model_dump_json()
        response = self._send(
            where, "POST", kind.get_resource_type(), content=body, headers=_writing()
        )
        return self._versioned(kind, response, where)

    def update(self, current: Versioned[R], changed: R) -> Versioned[R]:
        """Write `changed` over `current`, refused if the server's version moved on meanwhile."""
        kind = type(changed)
        where = f"update {current.reference}"
        headers = _writing()
        if current.version is not None:
            headers["If-Match"] = f'W/"{current.version}"'
        body = changed.model_dump_json()
        response = self._send(where, "PUT", current.reference, content=body, headers=headers)
        return self._versioned(kind, response, where)

    def _send(self, where: str, method: str, url: str, **options: Any) -> httpx.Response:  # noqa: ANN401
        try:
            response = self._http.request(method, url, **options)
        except httpx.TimeoutException:
            raise FhirTimeout(f"{where}: no answer within {self.settings.timeout} s") from None
        except httpx.TransportError as error:
            raise FhirUnavailable(f"{where}: {type(error).__name__}") from None
        if response.status_code >= 400:  # noqa: PLR2004
            raise _http_error(where, response)
        return response

    def _versioned(self, kind: type[R], response: httpx.Response, where: str) -> Versioned[R]:
        resource = validated(kind, _json(response, where), where)
        return Versioned(resource, _version(resource) or _etag(response))

    def _entry(self, kind: type[R], resource: object, where: str) -> Versioned[R]:
        if not isinstance(resource, kind):
            raise InvalidResource(where, f"a match is not a {kind.get_resource_type()}")
        return Versioned(resource, _version(resource))

    def _same_server(self, url: str, where: str) -> str:
        """Follow a next link only on this server (a relative link is read against the base)."""
        if "://" in url and not url.startswith(f"{self.settings.base_url}/"):
            raise InvalidResource(where, "the next page is on another server")
        return url


def _writing() -> dict[str, str]:
    return {"Content-Type": FHIR_JSON, "Prefer": "return=representation"}


def _json(response: httpx.Response, where: str) -> object:
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise InvalidResource(where, "the answer is not JSON") from None


def _version(resource: Resource) -> str | None:
    return (
        None
        if resource.meta is None or resource.meta.versionId is None
        else resource.meta.versionId
    )


def _etag(response: httpx.Response) -> str | None:
    tag = response.headers.get("ETag", "").removeprefix("W/").strip('"')
    return tag or None


def _http_error(where: str, response: httpx.Response) -> FhirHttpError:
    status = response.status_code
    issues = _issue_codes(response)
    if status in {404, 410}:
        return ResourceNotFound(where, status, issues)
    if status in {409, 412}:
        return VersionConflict(where, status, issues)
    if status < 500:  # noqa: PLR2004
        return FhirClientError(where, status, issues)
    return FhirServerError(where, status, issues)


def _issue_codes(response: httpx.Response) -> tuple[str, ...]:
    """The OperationOutcome's issue codes (`not-found`, `conflict`), if the body has one."""
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return ()
    if not isinstance(body, dict) or body.get("resourceType") != "OperationOutcome":
        return ()
    issues = body.get("issue")
    if not isinstance(issues, list):
        return ()
    return tuple(str(i["code"]) for i in issues if isinstance(i, dict) and "code" in i)
