"""`FhirTestServer`: a small FHIR-shaped HTTP server on loopback, in a thread of its own.

It answers read, search (in searchset Bundles, a page at a time), create and update under
`/fhir`, with `ETag` versions and `If-Match`, and can be told to fail or stall the next matching
requests, so a client's handling of 4xx, 5xx and timeouts can be tried against a real socket.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlencode, urlsplit

import attrs

from serviceplan_fhir.testing.store import Json, Refused, ResourceStore

PREFIX = "/fhir"


@attrs.frozen
class Seen:
    """One request as the server received it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Json | None


@attrs.define
class Rule:
    """Answer (or delay) the next `times` requests that match `method` and resource `kind`."""

    method: str | None
    kind: str | None
    times: int
    status: int = 0
    stall: float = 0.0

    def matches(self, method: str, kind: str) -> bool:
        """Say whether a request is one this rule is for."""
        return self.times > 0 and self.method in {None, method} and self.kind in {None, kind}


class FhirTestServer:
    """A FHIR server for tests: `with FhirTestServer(resources) as server: server.base_url`."""

    def __init__(self, resources: Iterable[Json] = (), *, page_size: int = 20) -> None:
        self.store = ResourceStore()
        self.store.seed(resources)
        self.page_size = page_size
        self.requests: list[Seen] = []
        self._rules: list[Rule] = []
        self._lock = threading.Lock()
        self._http = _Http(self)
        self._thread = threading.Thread(
            target=self._http.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        """The server's FHIR base, like `http://127.0.0.1:40123/fhir`."""
        host, port = self._http.server_address[:2]
        return f"http://{host!s}:{port}{PREFIX}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._http.shutdown()
        self._http.server_close()
        self._thread.join()

    def fail(
        self,
        status: int,
        *,
        method: str | None = None,
        kind: str | None = None,
        times: int = 1,
        stall: float = 0.0,
    ) -> None:
        """Answer the next `times` matching requests with `status`, after `stall` seconds.

        The request is not carried out: nothing is read, created or changed.
        """
        with self._lock:
            self._rules.append(Rule(method, kind, times, status=status, stall=stall))

    def stall(self, seconds: float, *, method: str | None = None, kind: str | None = None) -> None:
        """Carry out the next matching request, then wait `seconds` before answering it.

        A client that gives up first does not know its request was carried out.
        """
        with self._lock:
            self._rules.append(Rule(method, kind, 1, stall=seconds))

    def rule_for(self, method: str, kind: str) -> Rule | None:
        """Take the first rule for this request, counting it used."""
        with self._lock:
            rule = next((r for r in self._rules if r.matches(method, kind)), None)
            if rule is not None:
                rule.times -= 1
            return rule

    def page(self, kind: str, query: dict[str, list[str]], found: list[Json]) -> Json:
        """Return one page of search results as a searchset Bundle, linking to the next."""
        count = int(query.get("_count", [str(self.page_size)])[0])
        offset = int(query.get("_offset", ["0"])[0])
        shown = found[offset : offset + count]
        links = [{"relation": "self", "url": self._url(kind, query, offset)}]
        if offset + count < len(found):
            links.append({"relation": "next", "url": self._url(kind, query, offset + count)})
        entries = [
            {
                "fullUrl": f"{self.base_url}/{kind}/{r['id']}",
                "resource": r,
                "search": {"mode": "match"},
            }
            for r in shown
        ]
        return {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": len(found),
            "link": links,
            "entry": entries,
        }

    def _url(self, kind: str, query: dict[str, list[str]], offset: int) -> str:
        params = {**query, "_offset": [str(offset)]}
        return f"{self.base_url}/{kind}?{urlencode(params, doseq=True)}"


def _outcome(code: str, why: str) -> Json:
    severity = "error"
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": code, "diagnostics": why}],
    }


class _Http(ThreadingHTTPServer):
    """The socket server, knowing the FHIR server it serves."""

    daemon_threads = True

    def __init__(self, fhir: FhirTestServer) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fhir = fhir

    def handle_error(self, request: Any, client_address: Any) -> None:  # noqa: ANN401
        """Say nothing of a client that hung up before its answer (it gave up waiting)."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Http

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def log_message(self, *_: Any) -> None:  # noqa: ANN401 (quiet: tests read `requests`)
        return

    def _serve(self, method: str) -> None:
        fhir = self.server.fhir
        url = urlsplit(self.path)
        parts = url.path.removeprefix(PREFIX).strip("/").split("/")
        query = parse_qs(url.query)
        body = self._body()
        fhir.requests.append(Seen(method, url.path, query, dict(self.headers), body))
        rule = fhir.rule_for(method, parts[0])
        if rule is not None and rule.status:
            time.sleep(rule.stall)
            self._send(rule.status, _outcome("exception", "told to fail"))
            return
        try:
            status, resource = self._route(method, parts, query, body)
        except Refused as refused:
            status, resource = refused.status, _outcome(refused.code, str(refused))
        if rule is not None:
            time.sleep(rule.stall)
        self._send(status, resource)

    def _route(
        self, method: str, parts: list[str], query: dict[str, list[str]], body: Json | None
    ) -> tuple[int, Json]:
        fhir = self.server.fhir
        kind, one = parts[0], len(parts) == 2  # noqa: PLR2004 (type and id)
        if method == "GET" and one:
            return 200, fhir.store.read(kind, parts[1])
        if method == "GET" and len(parts) == 1:
            return 200, fhir.page(kind, query, fhir.store.search(kind, query))
        if method == "POST" and len(parts) == 1:
            return 201, fhir.store.create(kind, body or {})
        if method == "PUT" and one:
            return 200, fhir.store.update(kind, parts[1], body or {}, self.headers.get("If-Match"))
        raise Refused(405, "not-supported", f"{method} {self.path}")

    def _body(self) -> Json | None:
        length = int(self.headers.get("Content-Length") or 0)
        if not length:
            return None
        try:
            body = json.loads(self.rfile.read(length))
        except ValueError:
            return {"not": "json"}
        return body if isinstance(body, dict) else {"not": "an object"}

    def _send(self, status: int, resource: Json) -> None:
        data = json.dumps(resource).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/fhir+json")
        self.send_header("Content-Length", str(len(data)))
        version = resource.get("meta", {}).get("versionId")
        if version is not None and resource.get("resourceType") != "Bundle":
            self.send_header("ETag", f'W/"{version}"')
            where = f"{self.server.fhir.base_url}/{resource['resourceType']}/{resource['id']}"
            self.send_header("Location", f"{where}/_history/{version}")
        self.end_headers()
        self.wfile.write(data)
