"""Nothing a patient or a person at the desk said is readable in any file beside an encrypted store.

Given a clinic day (patients, visits, a delay, an incident with tasks, an escalation and
offerings), an incident about a patient named in what the desk wrote and a reply she texted,
when every read model is built and the history exported, then the raw bytes of every file
serviceplan wrote (the store and its WAL, the views, the export; on PostgreSQL every table,
`pg_dump` in plain and custom format) hold none of the distinctive values with a key, and every
one of them without: the search works.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from histories.clinic_day import AGENT, DESK, EMAIL, MANAGER, PHONE, ZONE, at, play
from serviceplan import (
    Channel,
    FixedClock,
    Level,
    Observation,
    ServicePlan,
    Settings,
    TaskKind,
    Topic,
)
from serviceplan.__main__ import main
from serviceplan.read import AuditTrail, DayBoard, OpenIncidents, Recovery, Views, catch_up_together
from serviceplan.store.keys import encrypted, new_cipher_key
from stores import FILE_STORES, raw_bytes

NAME = "Rosalind Quixote"
CHART = "QX-77123"
NEED = f"{NAME}, chart {CHART}, wants her balance explained"
OUTCOME = f"{NAME} was called back about chart {CHART}"
ESCALATION = f"{NAME} asked for the manager by name"
RESOLVED = f"{NAME} thanked us for the refund"
DELAY = f"the laser broke during {NAME}'s scan"
REPLY = f"it is {NAME} again, call me about chart {CHART}"
SECRETS = [PHONE, EMAIL, AGENT, NAME, CHART, NEED, OUTCOME, ESCALATION, RESOLVED, DELAY, REPLY]


def the_day(plan: ServicePlan, clock: FixedClock) -> None:
    """The clinic day, and an incident about a patient named in what the desk wrote."""
    day = play(plan, clock)
    clock.set(at(15))
    plan.announce_delay(provider="dr-wu", late_from=at(15), minutes=20, reason=DELAY, by=DESK)
    incident = plan.open_incident(
        day.patients[1], observation=Observation(Level.UPSET, Topic.BALANCE), need=NEED, by=DESK
    )
    plan.escalate(incident, reason=ESCALATION, by=DESK)
    task = plan.open_task(
        incident, kind=TaskKind.CALL_BACK, owner="billing-sam", due=at(16), by=DESK
    )
    plan.finish_task(incident, task, outcome=OUTCOME, by=DESK)
    plan.resolve_incident(incident, outcome=RESOLVED, by=MANAGER)
    plan.receive_reply(
        day.patients[1], channel=Channel.SMS, words=REPLY, reference="sms-9001", by=DESK
    )


def every_model(plan: ServicePlan) -> None:
    """Build every read model the command line shows, beside the plan's own indexes."""
    models = [model(plan, plan.views) for model in (DayBoard, OpenIncidents, Recovery, AuditTrail)]
    catch_up_together(models)


def pg_dumps(store: dict[str, str], folder: Path) -> list[Path]:
    """Dump the PostgreSQL database in plain and custom format (uncompressed, to be searched)."""
    found = shutil.which("pg_dump")
    if found is None:
        pytest.skip("pg_dump is not installed")
    pg_dump = found
    made = []
    for name, form in (("plain.sql", ["-Fp"]), ("custom.dump", ["-Fc", "-Z", "0"])):
        out = folder / name
        command = [
            pg_dump, "-h", store["POSTGRES_HOST"], "-p", store["POSTGRES_PORT"],
            "-U", store["POSTGRES_USER"], *form, "-f", str(out), store["POSTGRES_DBNAME"],
        ]  # fmt: skip
        password = {"PGPASSWORD": store.get("POSTGRES_PASSWORD", "")}
        subprocess.run(command, check=True, env={**os.environ, **password})  # noqa: S603 (our own)
        made.append(out)
    return made


@pytest.mark.parametrize("store", FILE_STORES, indirect=True)
@pytest.mark.parametrize("mode", ["encrypted", "plain"])
def test_no_file_beside_an_encrypted_store_holds_what_patients_and_staff_said(
    store, mode, clock, tmp_path, monkeypatch, request
):
    key = new_cipher_key()
    settings = encrypted(store, key) if mode == "encrypted" else store
    folder = tmp_path / "written"
    folder.mkdir()
    postgres = store["PERSISTENCE_MODULE"] == "eventsourcing.postgres"
    views = Views(folder / "views.sqlite3") if postgres else None
    plan = ServicePlan(settings, clock=clock, settings=Settings(ZONE), views=views)
    the_day(plan, clock)
    every_model(plan)
    plan.close()
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    export = folder / "history.jsonl"
    assert main(["export", str(export)]) == 0
    files = sorted(p for p in folder.iterdir() if p.is_file())
    if not postgres:
        files += sorted(tmp_path.glob("serviceplan.sqlite3*"))
    raw = b"".join(p.read_bytes() for p in files) + raw_bytes(store, request)
    if postgres:
        raw += b"".join(p.read_bytes() for p in pg_dumps(store, tmp_path))

    found = [secret for secret in SECRETS if secret.encode() in raw]
    searched = {p.name for p in files}
    assert {"history.jsonl", "views.sqlite3" if postgres else "serviceplan.sqlite3"} <= searched

    assert found == ([] if mode == "encrypted" else SECRETS)
    assert b"Patient.Registered" in raw or mode == "encrypted"
    assert {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in files} == {
        p.name: "0o600" for p in files
    }
