"""The FHIR client over a real socket: pages, versions, a token, a typed error for each failure."""

from __future__ import annotations

import socket

import attrs
import httpx
import pytest
from fhir.resources.R4B.appointment import Appointment
from fhir.resources.R4B.schedule import Schedule
from fhir.resources.R4B.slot import Slot

from fhir_helpers import at
from serviceplan.errors import ServicePlanError
from serviceplan_fhir import (
    FhirClient,
    FhirClientError,
    FhirServerError,
    FhirTimeout,
    FhirUnavailable,
    InvalidResource,
    ResourceNotFound,
    VersionConflict,
)
from serviceplan_fhir.resources import SlotStatus, with_status


@pytest.fixture
def client(settings):
    client = FhirClient(settings)
    yield client
    client.close()


def test_a_search_follows_the_next_links_through_every_page(settings, fhir_server):
    fhir_server.page_size = 5
    client = FhirClient(settings)
    slots = client.search(Slot, {"schedule": "Schedule/contract", "status": "free"})
    assert len(slots) == 32
    assert len([r for r in fhir_server.requests if r.path.endswith("/Slot")]) == 7


def test_a_next_link_to_another_server_is_not_followed(client, fhir_server, monkeypatch):
    fhir_server.page_size = 5
    real_page = fhir_server.page

    def elsewhere(kind, query, found):
        bundle = real_page(kind, query, found)
        for link in bundle["link"]:
            link["url"] = link["url"].replace("127.0.0.1", "example.org")
        return bundle

    monkeypatch.setattr(fhir_server, "page", elsewhere)
    with pytest.raises(InvalidResource, match="next page is on another server"):
        client.search(Slot, {"schedule": "Schedule/contract"})


def test_a_relative_next_link_is_read_against_the_base(client, fhir_server, monkeypatch):
    fhir_server.page_size = 20
    real_page = fhir_server.page

    def relative(kind, query, found):
        bundle = real_page(kind, query, found)
        for link in bundle["link"]:
            link["url"] = link["url"].removeprefix(f"{fhir_server.base_url}/")
        return bundle

    monkeypatch.setattr(fhir_server, "page", relative)
    assert len(client.search(Slot, {"schedule": "Schedule/contract"})) == 34


def test_an_update_names_the_version_it_read_and_loses_to_a_newer_one(client):
    slot = client.read(Slot, "contract-202612010800")
    assert slot.version == "1"
    busy = client.update(slot, with_status(slot, SlotStatus.BUSY))
    assert busy.version == "2"
    with pytest.raises(VersionConflict) as lost:
        client.update(slot, with_status(slot, SlotStatus.FREE))  # still version 1
    assert (lost.value.status, lost.value.issues) == (412, ("conflict",))


def test_the_token_is_sent_as_a_bearer_token(settings, fhir_server):
    client = FhirClient(attrs.evolve(settings, token="s3cret"))  # noqa: S106 (a test token)
    client.read(Schedule, "contract")
    assert fhir_server.requests[-1].headers["Authorization"] == "Bearer s3cret"
    assert fhir_server.requests[-1].headers["Accept"] == "application/fhir+json"
    assert "s3cret" not in repr(settings) + repr(client.settings)


def test_a_missing_resource_is_not_found_with_the_servers_issue_code(client):
    with pytest.raises(ResourceNotFound) as missing:
        client.read(Slot, "nope")
    assert str(missing.value) == "read Slot/nope: the FHIR server answered 404 (not-found)"


def test_a_resource_the_server_refuses_is_a_client_error(client):
    slot = client.read(Slot, "contract-202612010800")
    appointment = Appointment.model_validate(
        {"resourceType": "Appointment", "status": "booked", "participant": []}
    )
    with pytest.raises(FhirClientError) as refused:
        client.update(slot, appointment)  # an Appointment put where a Slot lives
    assert (refused.value.status, refused.value.issues) == (400, ("invalid",))


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_5xx_answer_is_a_server_error(client, fhir_server, status):
    fhir_server.fail(status, kind="Schedule")
    with pytest.raises(FhirServerError) as failed:
        client.read(Schedule, "contract")
    assert failed.value.status == status
    assert client.read(Schedule, "contract").resource.active is True  # only the one request


@pytest.mark.parametrize("status", [400, 401, 403, 422])
def test_a_4xx_answer_is_a_client_error(client, fhir_server, status):
    fhir_server.fail(status, method="GET")
    with pytest.raises(FhirClientError) as refused:
        client.search(Slot, {"schedule": "Schedule/contract"})
    assert not isinstance(refused.value, FhirServerError)
    assert isinstance(refused.value, ServicePlanError)


def test_a_server_that_does_not_answer_in_time_is_a_timeout(settings, fhir_server):
    client = FhirClient(attrs.evolve(settings, timeout=0.2))
    fhir_server.stall(1, kind="Schedule")
    with pytest.raises(FhirTimeout, match=r"no answer within 0\.2 s"):
        client.read(Schedule, "contract")


def test_a_server_that_is_not_there_is_unavailable(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = FhirClient(attrs.evolve(settings, base_url=f"http://127.0.0.1:{port}/fhir"))
    with pytest.raises(FhirUnavailable, match="ConnectError"):
        client.read(Schedule, "contract")


def answering(body: bytes, status: int = 200) -> httpx.MockTransport:
    return httpx.MockTransport(lambda _: httpx.Response(status, content=body))


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"<html>not FHIR</html>", "the answer is not JSON"),
        (b'{"resourceType": "Schedule", "id": "contract"}', "expected a Slot resource"),
        (
            (
                b'{"resourceType": "Slot", "id": "x", "schedule": {"reference": "Schedule/a"},'
                b' "start": "2026-12-01T08:00:00Z", "end": "2026-12-01T08:15:00Z"}'
            ),
            "status: Value for the field 'status' is required",
        ),
    ],
)
def test_an_answer_that_is_not_a_valid_resource_is_refused_by_field(settings, body, problem):
    client = FhirClient(settings, transport=answering(body))
    with pytest.raises(InvalidResource) as refused:
        client.read(Slot, "x")
    assert refused.value.where == "read Slot/x"
    assert problem in refused.value.problem


def test_an_error_answer_without_an_operation_outcome_still_names_its_status(settings):
    client = FhirClient(settings, transport=answering(b"Bad Gateway", 502))
    with pytest.raises(FhirServerError, match=r"answered 502$"):
        client.read(Slot, "x")


def test_a_slot_status_outside_fhirs_value_set_is_refused(scheduler):
    with pytest.raises(InvalidResource, match="'open' is not a FHIR SlotStatus code"):
        scheduler.serviceplan_first_slot_of_morning("dr-odd", at(0).date())
