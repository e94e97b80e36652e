"""`serviceplan init`, `config` and `plugins`: a clinic set up from an empty folder, and checked."""

from __future__ import annotations

import json
import stat
from datetime import datetime
from importlib.metadata import EntryPoint
from pathlib import Path
from uuid import uuid4

import pytest
import time_machine

from helpers import CLINIC_ZONE
from serviceplan import (
    Channel,
    ContactPoints,
    FixedClock,
    PhoneNumber,
    ServicePlan,
    Staff,
    new_cipher_key,
)
from serviceplan.__main__ import main
from serviceplan.config import use_sections
from serviceplan.plugins import loading

REAL_PLUGINS = loading.installed()
TEXTS_PLUGIN = """
from serviceplan import Channel, Receipt, hookimpl

SENT = []


class Texts:
    '''The clinic's text gateway, kept in this test: no real gateway runs here.'''

    @hookimpl
    def serviceplan_channels(self, register):
        register(Channel.SMS)

    @hookimpl
    def serviceplan_deliver_notice(self, envelope, key):
        SENT.append(envelope.text)
        return Receipt(key=key, via="texts", reference=f"t-{len(SENT)}")
"""


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def _no_config_around(monkeypatch, tmp_path):
    """No configuration of the machine running the tests is read, nor left for the next test."""
    monkeypatch.delenv("SERVICEPLAN_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config-home"))
    yield
    use_sections({}, "the configuration", None)


@pytest.fixture
def install(tmp_path, monkeypatch):
    """Install plugin modules as `serviceplan` entry points, beside the real ones."""
    monkeypatch.syspath_prepend(str(tmp_path))
    installed = list(REAL_PLUGINS)
    monkeypatch.setattr(loading, "entry_points", lambda **_: installed)

    def install(name: str, source: str, attribute: str = "") -> str:
        module = f"plugin_{uuid4().hex[:10]}"
        (tmp_path / f"{module}.py").write_text(source)
        installed.append(
            EntryPoint(name, f"{module}:{attribute}" if attribute else module, "serviceplan")
        )
        return module

    return install


def clinic_folder(tmp_path: Path, capsys, *extra: str) -> Path:
    folder = tmp_path / "clinic"
    folder.mkdir()
    config = folder / "serviceplan.toml"
    code, _, _ = run(capsys, "init", "--path", str(config), *extra)
    assert code == 0
    return config


def test_init_writes_a_starter_that_names_what_is_left_to_fill_in(tmp_path, capsys):
    config = tmp_path / "serviceplan.toml"

    code, out, _ = run(capsys, "init", "--path", str(config))

    assert code == 0
    assert out.splitlines() == [
        f"wrote {config}",
        (
            "next: set name, call_back, timezone in [clinic], then"
            f" `serviceplan config --config {config}`"
        ),
    ]
    assert '# timezone = "America/New_York"' in config.read_text()


def test_init_with_a_key_writes_it_for_its_owner_only_and_never_writes_over_a_file(
    tmp_path, capsys
):
    config = clinic_folder(tmp_path, capsys, "--key", "--zone", "America/New_York")
    key = config.parent / "serviceplan.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert 'file = "serviceplan.key"' in config.read_text()

    code, _, err = run(capsys, "init", "--path", str(config))

    assert code == 2
    assert "exists already" in err


def test_config_prints_the_effective_values_with_the_key_masked(tmp_path, capsys):
    config = clinic_folder(
        tmp_path, capsys, "--key", "--zone", "America/New_York", "--name", "Lakeside Eye"
    )
    key = (config.parent / "serviceplan.key").read_text().strip()

    code, out, _ = run(capsys, "config", "--config", str(config))

    assert code == 0
    assert f"configuration: {config}" in out
    assert 'timezone = "America/New_York"' in out
    assert 'name = "Lakeside Eye"' in out
    assert 'key = "**** (from the file serviceplan.key)"' in out
    assert 'quiet_from = "21:00"' in out
    assert out.rstrip().endswith("ok: the configuration can be used")
    assert key not in out


def test_config_as_json_for_a_program(tmp_path, capsys):
    config = clinic_folder(tmp_path, capsys, "--key", "--zone", "Europe/Paris")
    key = (config.parent / "serviceplan.key").read_text().strip()

    code, out, _ = run(capsys, "config", "--config", str(config), "--json")

    shown = json.loads(out)
    assert code == 0
    assert shown["clinic"] == {
        "name": "Your clinic", "call_back": None, "timezone": "Europe/Paris", "language": "en",
    }  # fmt: skip
    assert shown["store"]["sqlite"] == str(config.parent / "serviceplan.sqlite3")
    assert shown["store"]["key"] == "**** (from the file serviceplan.key)"
    assert shown["rules"]["overrun_minutes"] == 10
    assert shown["delivery"]["per_day"] == 1
    assert key not in out


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (
            '[clinic]\ntimezone = "America/New_York"\ncolour = "blue"\n',
            "clinic.colour: unknown key",
        ),
        (
            '[clinic]\ntimezone = "America/New_York"\nlanguage = 7\n',
            "clinic.language: expected `str`",
        ),
        (
            '[clinic]\nname = "Lakeside"\n',
            "clinic.timezone: missing; a clinic's store needs its zone",
        ),
        ('[store]\npassword = "hunter2"\n', "store.password: a secret is written in the file"),
    ],
)
def test_config_refuses_a_problem_with_exit_code_6_and_the_fix(tmp_path, capsys, text, said):
    config = tmp_path / "serviceplan.toml"
    config.write_text(text)

    code, out, err = run(capsys, "config", "--config", str(config))

    assert code == 6
    assert out == ""
    assert err.startswith(f"Error: {config}: {said}")
    assert "hunter2" not in err


def test_a_command_whose_zone_is_not_the_stores_is_refused_with_exit_code_6(tmp_path, capsys):
    config = clinic_folder(tmp_path, capsys, "--zone", "America/New_York")
    ServicePlan.from_config(config).close()
    config.write_text(config.read_text().replace("America/New_York", "Europe/Paris"))

    code, _, err = run(capsys, "board", "--config", str(config))

    assert code == 6
    assert "records its zone as 'America/New_York', not 'Europe/Paris'" in err


def test_plugins_lists_each_with_its_distribution_roles_and_whether_it_is_enabled(
    tmp_path, capsys, install
):
    install("texts", TEXTS_PLUGIN, "Texts")
    config = clinic_folder(tmp_path, capsys, "--zone", "America/New_York")
    config.write_text(config.read_text().replace("# disabled = []", 'disabled = ["webhook"]'))

    code, out, _ = run(capsys, "plugins", "--config", str(config), "--json")

    listed = {row["name"]: row for row in json.loads(out)}
    assert code == 0
    assert listed["texts"]["roles"] == ["channels: sms"]
    assert listed["texts"]["enabled"] is True
    assert "serviceplan-sms " in listed["sms"]["distribution"]
    assert listed["sms"]["entry_point"] == "serviceplan_sms.plugin:SmsChannel"
    assert listed["webhook"]["enabled"] is False
    assert listed["serviceplan.playbook"]["roles"] == ["playbook"]
    assert listed["serviceplan.playbook"]["distribution"] == "serviceplan (built-in)"


def test_plugins_shows_a_plugin_that_failed_to_load_and_exits_5(capsys, install):
    install("broken", "raise ImportError('no module named twilio_sdk')")

    code, out, err = run(capsys, "plugins")

    assert code == 5
    assert "broken" in out
    assert "ImportError" in out  # the table wraps the rest of the reason
    assert "Error: 1 plugin(s) failed to load: broken; fix them, or disable them" in err
    code, out, _ = run(capsys, "plugins", "--json")
    broken = next(row for row in json.loads(out) if row["name"] == "broken")
    assert broken["error"] == "ImportError: no module named twilio_sdk"
    assert broken["roles"] == []


def test_from_an_empty_folder_a_clinic_texts_its_patients_in_its_own_time(
    tmp_path, capsys, install, monkeypatch
):
    """The README's path: init, set the clinic, book through the library, deliver by command."""
    module = install("texts", TEXTS_PLUGIN, "Texts")
    monkeypatch.chdir(tmp_path)
    assert main(["init"]) == 0
    config = tmp_path / "serviceplan.toml"
    config.write_text(
        config.read_text()
        .replace('# name = "Your clinic"', 'name = "Lakeside Eye"')
        .replace('# call_back = "+15555550100"', 'call_back = "+15555550199"')
        .replace('# timezone = "America/New_York"', 'timezone = "America/New_York"')
    )
    desk = Staff("desk-ana", "front-desk")
    morning = datetime(2026, 12, 1, 7, 0, tzinfo=CLINIC_ZONE)
    plan = ServicePlan.from_config(config, clock=FixedClock(morning))
    patient = plan.register_patient(
        contact=ContactPoints(PhoneNumber("+15555550123")), preferred=Channel.SMS, by=desk
    )
    plan.give_consent(patient, Channel.SMS, by=desk)
    plan.book_visit(
        patient, provider="dr-patel", visit_type="exam",
        start=datetime(2026, 12, 1, 12, 0, tzinfo=CLINIC_ZONE), by=desk,
    )  # fmt: skip
    plan.announce_delay(
        provider="dr-patel", late_from=datetime(2026, 12, 1, 12, 0, tzinfo=CLINIC_ZONE),
        minutes=31, reason="an emergency", by=desk,
    )  # fmt: skip
    plan.close()
    capsys.readouterr()
    sent = __import__(module).SENT

    with time_machine.travel(datetime(2026, 12, 1, 8, 30, tzinfo=CLINIC_ZONE), tick=False):
        code, out, _ = run(capsys, "deliver", "--config", str(config), "--once")
    assert (code, sent) == (0, [])  # 13:30 in UTC, but before 09:00 at the clinic: quiet hours
    assert out.startswith("0 delivered")

    with time_machine.travel(datetime(2026, 12, 1, 9, 5, tzinfo=CLINIC_ZONE), tick=False):
        code, out, _ = run(capsys, "deliver", "--config", str(config), "--once")
    assert code == 0
    assert out.startswith("1 delivered")
    assert len(sent) == 1
    assert sent[0].startswith("Lakeside Eye:")
    assert "12:31" in sent[0]
    assert "17:31" not in sent[0]
    assert "+15555550199" in sent[0]


def test_a_key_in_the_configuration_that_is_not_the_stores_is_refused_with_exit_code_4(
    tmp_path, capsys
):
    config = clinic_folder(tmp_path, capsys, "--key", "--zone", "America/New_York")
    plan = ServicePlan.from_config(config)
    plan.register_patient(
        contact=ContactPoints(), preferred=Channel.PORTAL, by=Staff("a", "front-desk")
    )
    plan.close()
    key = config.parent / "serviceplan.key"
    key.write_text(new_cipher_key())

    code, _, err = run(capsys, "board", "--config", str(config))

    assert code == 4
    assert "does not open this store's events" in err


def test_the_read_models_live_where_the_configuration_says(tmp_path, capsys):
    config = clinic_folder(tmp_path, capsys, "--zone", "America/New_York")
    config.write_text(
        config.read_text().replace("# [views]", "[views]").replace("# path =", "path =")
    )
    ServicePlan.from_config(config).close()

    code, out, _ = run(capsys, "follow", "--config", str(config), "--once")

    assert code == 0
    assert out.startswith("0 events applied")
    assert (config.parent / "views.sqlite3").exists()


def test_config_shows_where_a_plugins_secret_is_never_the_secret(tmp_path, capsys):
    config = clinic_folder(tmp_path, capsys, "--zone", "America/New_York")
    (config.parent / "twilio-token").write_text("tok-never-shown\n")
    section = '\n[plugins.sms]\naccount_sid = "AC1"\nauth_token_file = "twilio-token"\n'
    config.write_text(config.read_text() + section)

    code, out, _ = run(capsys, "config", "--config", str(config))
    _, as_json, _ = run(capsys, "config", "--config", str(config), "--json")

    assert code == 0
    assert 'auth_token_file = "**** (file: twilio-token)"' in out
    assert json.loads(as_json)["plugin_sections"]["sms"]["account_sid"] == "AC1"
    assert "tok-never-shown" not in out + as_json
