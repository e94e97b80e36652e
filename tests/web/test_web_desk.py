"""The desk behind a web application (`examples/web_desk.py`), run with Starlette's test client.

Given a plan on a SQLite file and its day board, when the desk registers, books, checks in and
announces a delay over HTTP, then the board answers as JSON; every refusal comes back with the
status docs/web-app.md gives its type.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from uuid import UUID, uuid4

import pytest
from starlette.testclient import TestClient

from helpers import CLINIC_ZONE, DAY, at
from serviceplan import FixedClock, ServicePlan, Settings, errors, sqlite_store
from serviceplan.read import DayBoard
from web_app import STAFF_HEADER, documented_statuses, load_example, staff_from_header

web_desk = load_example()
DESK = {STAFF_HEADER: "desk-ana/front-desk"}


@pytest.fixture
def clinic(tmp_path) -> Iterator[ServicePlan]:
    plan = ServicePlan(
        sqlite_store(tmp_path / "clinic.sqlite3"), clock=FixedClock(at(7)),
        settings=Settings(timezone=CLINIC_ZONE), entry_points=False,
    )  # fmt: skip
    yield plan
    plan.close()


@pytest.fixture
def board(clinic) -> DayBoard:
    return DayBoard(clinic, clinic.views)


@pytest.fixture
def client(clinic, board) -> Iterator[TestClient]:
    app = web_desk.create_app(clinic, board, staff_of=staff_from_header)
    with TestClient(app, headers=DESK) as client:
        yield client


def new_patient(client, n: int = 0, *, consent: bool = True) -> str:
    answer = client.post(
        "/patients", json={"phone": f"+1555555{n:04d}", "consent_to_texts": consent}
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["patient_id"])


def a_visit(patient: str, hour: int, minute: int = 0) -> dict[str, str]:
    start = at(hour, minute).isoformat()
    return {"patient_id": patient, "provider": "dr-patel", "visit_type": "exam", "start": start}


def book(client, patient: str, hour: int, minute: int = 0) -> str:
    answer = client.post("/visits", json=a_visit(patient, hour, minute))
    assert answer.status_code == 201, answer.text
    return str(answer.json()["visit_id"])


def test_the_desk_books_and_checks_in_and_the_board_shows_it(client, clinic):
    ana, bo = new_patient(client, 1), new_patient(client, 2)
    first, second = book(client, ana, 8), book(client, bo, 8, 30)

    arrived = client.post(f"/visits/{first}/check-in")
    board = client.get(f"/board/{DAY.isoformat()}")

    assert arrived.status_code == 200
    assert board.status_code == 200
    [patel] = board.json()["providers"]
    assert patel["provider"] == "dr-patel"
    assert [(r["visit_id"], r["status"]) for r in patel["rows"]] == [
        (first, "checked-in"), (second, "booked"),
    ]  # fmt: skip
    assert patel["call_list"] == []
    assert clinic.get_visit(UUID(first)).checked_in_at == at(7)  # the request's moment


def test_a_delay_puts_the_slipping_patients_on_the_call_list_with_their_number(client):
    ana = new_patient(client, 1)
    visit = book(client, ana, 9)
    delay = {"provider": "dr-patel", "late_from": at(9).isoformat(), "minutes": 40,
             "reason": "back late from surgery"}  # fmt: skip

    announced = client.post("/delays", json=delay)
    [patel] = client.get(f"/board/{DAY.isoformat()}", params={"provider": "dr-patel"}).json()[
        "providers"
    ]

    assert announced.status_code == 201
    [row] = patel["rows"]
    assert (row["delay_minutes"], row["to_call"]) == (40, True)
    assert row["expected_start"] == at(9, 40).isoformat()
    assert patel["call_list"] == [{"visit_id": visit, "phone": "+15555550001"}]
    assert [d["minutes"] for d in patel["delays"]] == [40]


def test_eight_desks_at_once_over_http_all_get_their_visit_on_one_board(client):
    def desk(n: int) -> list[int]:
        patient = new_patient(client, n)
        booked = client.post("/visits", json=a_visit(patient, 9, 5 * n))
        board = client.get(f"/board/{DAY.isoformat()}")
        return [booked.status_code, board.status_code]

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(desk, range(8)))

    assert answers == [[201, 200]] * 8
    [patel] = client.get(f"/board/{DAY.isoformat()}").json()["providers"]
    starts = [at(9, 5 * n).isoformat() for n in range(8)]
    assert [r["booked_start"] for r in patel["rows"]] == starts


def test_a_refusal_comes_back_with_its_type_its_message_and_its_status(client):
    ana = new_patient(client, 1)
    visit = book(client, ana, 9)
    client.post(f"/visits/{visit}/check-in")

    again = client.post(f"/visits/{visit}/check-in")
    past = client.post("/visits", json=a_visit(ana, 6))
    nobody = client.post("/visits", json=a_visit(str(uuid4()), 9))
    volunteer = client.post(f"/visits/{visit}/check-in", headers={STAFF_HEADER: "vi/volunteer"})

    assert (again.status_code, again.json()["error"]) == (409, "NotAllowedNow")
    assert "checked-in" in again.json()["detail"]
    assert (past.status_code, past.json()["error"]) == (422, "VisitInPast")
    assert (nobody.status_code, nobody.json()["error"]) == (404, "PatientNotFound")
    assert (volunteer.status_code, volunteer.json()["error"]) == (403, "NotPermitted")


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("post", "/patients", b"not json", 400),
        ("post", "/patients", b'{"consent_to_texts": true}', 400),
        ("post", "/visits", b'{"patient_id": "x", "provider": "p", "visit_type": "exam"}', 400),
        ("post", "/visits/not-an-id/check-in", b"", 400),
        ("get", "/board/tomorrow", b"", 400),
        ("post", "/patients", b'{"phone": "555"}', 422),  # a number the clinic cannot text
    ],
)
def test_a_request_that_cannot_be_read_is_refused_before_any_command(
    client, clinic, method, path, body, status
):
    before = clinic.event_count

    answer = client.request(method, path, content=body)

    assert answer.status_code == status
    assert clinic.event_count == before


def test_nobody_signed_in_gets_a_401_and_a_blank_staff_id_a_422(client, clinic):
    answer = client.post("/patients", json={"phone": "+15555550100"}, headers={STAFF_HEADER: ""})
    anonymous = TestClient(client.app).get(f"/board/{DAY.isoformat()}")

    assert answer.status_code == 422  # an empty staff id is not a staff member
    assert anonymous.status_code == 401
    assert clinic.event_count == 0


def test_a_fault_of_the_server_shows_its_type_and_keeps_its_details_in_the_log(
    client, board, monkeypatch, caplog
):
    def damaged(*_):
        raise errors.DamagedEvent("the event at position 7", "Visit.Booked", "is not valid JSON")

    monkeypatch.setattr(board, "day", damaged)  # a damaged store cannot be made on purpose here

    answer = client.get(f"/board/{DAY.isoformat()}")

    assert answer.status_code == 500
    assert answer.json() == {"error": "DamagedEvent", "detail": "see the server's log"}
    assert "the event at position 7 (Visit.Booked) is not valid JSON" in caplog.text


def test_every_error_type_has_the_status_the_docs_give_it():
    types = {
        name: kind
        for name, kind in inspect.getmembers(errors, inspect.isclass)
        if issubclass(kind, errors.ServicePlanError)
    }
    documented = documented_statuses()

    assert sorted(documented) == sorted(types), "docs/web-app.md lists other error types"
    wrong = {
        n: documented[n] for n, kind in types.items() if web_desk.status_of(kind) != documented[n]
    }
    assert wrong == {}
