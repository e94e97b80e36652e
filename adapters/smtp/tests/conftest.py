"""The e-mail channel's world: a clinic's plan, certificates for TLS, mail servers on loopback."""

from __future__ import annotations

import os
import ssl
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from uuid import UUID

import pytest
import trustme

from serviceplan import (
    Channel,
    ContactPoints,
    EmailAddress,
    FixedClock,
    ServicePlan,
    Settings,
    Staff,
    memory_store,
)
from serviceplan.plugins import STAND_INS
from serviceplan_smtp import Mode, SmtpSettings
from smtp_helpers import SENDER, ZONE, at
from smtp_peer import PASSWORD, USER, Inbox, mail_server

os.environ[STAND_INS] = "1"  # the demo's stand-ins answer where the test's plugins do not


@pytest.fixture(scope="session")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> tuple[ssl.SSLContext, Path]:
    """A throwaway CA and a server certificate for 127.0.0.1: the server's context, the CA file."""
    authority = trustme.CA()
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1", "localhost").configure_cert(server)
    ca_file = tmp_path_factory.mktemp("tls") / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    return server, ca_file


Serve = Callable[..., tuple[SmtpSettings, Inbox]]


@pytest.fixture
def serve(certificates: tuple[ssl.SSLContext, Path]) -> Iterator[Serve]:
    """Start a mail server in a mode; return settings that reach it, and its inbox."""
    context, ca_file = certificates
    with ExitStack() as servers:

        def start(mode: Mode = Mode.PLAIN, *, login: bool = False, **more: object) -> tuple:
            tls = None if mode is Mode.PLAIN else context
            port, inbox = servers.enter_context(mail_server(mode.value, tls=tls, login=login))
            credentials = {"user": USER, "password": PASSWORD} if login else {}
            settings = SmtpSettings(
                host="127.0.0.1",
                port=port,
                mode=mode,
                sender=SENDER,
                clinic_name="Eye Clinic",
                ca_file=str(ca_file),
                timeout=5,
                **credentials,
                **more,  # type: ignore[arg-type]
            )
            return settings, inbox

        yield start


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(at(10))


@pytest.fixture
def plan(clock: FixedClock) -> ServicePlan:
    return ServicePlan(
        memory_store(), clock=clock, settings=Settings(timezone=ZONE), entry_points=False
    )


@pytest.fixture
def desk() -> Staff:
    return Staff("desk-ana", "front-desk")


@pytest.fixture
def patient(plan: ServicePlan, desk: Staff) -> UUID:
    """A patient who chose e-mail and consented to it."""
    contact = ContactPoints(email=EmailAddress("pat@example.org"))
    patient = plan.register_patient(contact=contact, preferred=Channel.EMAIL, by=desk)
    plan.give_consent(patient, Channel.EMAIL, by=desk)
    return patient
