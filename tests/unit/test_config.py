"""A clinic's configuration file: read into typed settings, each problem refused with its fix."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from serviceplan import Channel, Money, PhoneNumber, ServicePlan, Settings, new_cipher_key
from serviceplan.config import load_config, plugin_env, use_sections
from serviceplan.delivery.settings import delivery_settings
from serviceplan.errors import (
    BadConfigValue,
    NoConfigFile,
    SecretInConfig,
    UnknownConfigKey,
    ZoneChanged,
    ZoneMissing,
)
from serviceplan.store.facts import read_facts

CLINIC = """
[clinic]
name = "Lakeside Eye"
call_back = "+15555550199"
timezone = "America/New_York"

[rules]
offering_item_limit = "12.50"
overrun_minutes = 12
close_of_business = "18:00"
closed_days = [2026-12-25]

[[rules.visit_types]]
code = "exam"
name = "Eye exam"
expected_minutes = 20

[store]
sqlite = "clinic.sqlite3"

[delivery]
automated = ["sms"]
quiet_from = "20:00"
quiet_until = "08:30"
"""


@pytest.fixture(autouse=True)
def _no_sections_left() -> Iterator[None]:
    """A configuration read here leaves no plugin section for the tests after it."""
    yield
    use_sections({}, "the configuration", None)


def written(folder: Path, text: str, name: str = "serviceplan.toml") -> Path:
    path = folder / name
    path.write_text(text)
    return path


def test_a_clinic_file_becomes_its_settings_with_defaults_for_the_rest(tmp_path):
    config = load_config(written(tmp_path, CLINIC), environ={})

    settings = config.settings()
    assert settings.timezone == ZoneInfo("America/New_York")
    assert settings.offering_item_limit == Money("12.50")
    assert settings.overrun_minutes == 12
    assert settings.close_of_business == time(18)
    assert settings.calendar.closed == {date(2026, 12, 25)}
    assert [t.code for t in settings.catalogue] == ["exam"]
    assert settings.respond_within_days == Settings().respond_within_days
    delivery = delivery_settings(config)
    assert delivery.clinic_name == "Lakeside Eye"
    assert delivery.call_back == PhoneNumber("+15555550199")
    assert (delivery.quiet_from, delivery.quiet_until) == (time(20), time(8, 30))
    assert delivery.automated == {Channel.SMS}
    assert config.store_env()["SQLITE_DBNAME"] == str(tmp_path / "clinic.sqlite3")


def test_a_variable_overrides_one_value_of_the_file(tmp_path):
    environ = {"SERVICEPLAN_RULES_OVERRUN_MINUTES": "15", "SERVICEPLAN_CLINIC_NAME": "Lakeside"}

    config = load_config(written(tmp_path, CLINIC), environ=environ)

    assert config.settings().overrun_minutes == 15
    assert delivery_settings(config).clinic_name == "Lakeside"


def test_an_unknown_key_is_refused_with_the_file_the_key_and_the_known_keys(tmp_path):
    path = written(tmp_path, '[clinic]\ntimzone = "America/New_York"\n')

    with pytest.raises(UnknownConfigKey) as refused:
        load_config(path, environ={})

    assert str(refused.value) == (
        f"{path}: clinic.timzone: unknown key; remove it, or spell a known key of [clinic]:"
        " name, call_back, timezone, language"
    )


def every_part(path: Path) -> None:
    """Read the file and build all it configures, as `serviceplan config` does."""
    config = load_config(path, environ={})
    config.settings()
    delivery_settings(config)


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ('[rules]\noverrun_minutes = "ten"\n', "rules.overrun_minutes", "expected `int`"),
        ('[clinic]\ntimezone = "Mars/Olympus"\n', "clinic.timezone", "is not a time zone"),
        ('[clinic]\ncall_back = "555-0199"\n', "clinic.call_back", "E.164"),
        ('[rules]\nclose_of_business = "5pm"\n', "rules.close_of_business", "not a time of day"),
        ('[delivery]\nautomated = ["fax"]\n', "delivery.automated", "'fax' is no channel"),
    ],
)
def test_a_bad_value_is_refused_with_the_key_and_what_is_wrong(tmp_path, text, key, problem):
    path = written(tmp_path, text)

    with pytest.raises(BadConfigValue) as refused:
        every_part(path)

    assert refused.value.where == str(path)
    assert refused.value.key == key
    assert problem in refused.value.problem


def test_a_bad_value_from_a_variable_names_the_variable(tmp_path):
    environ = {"SERVICEPLAN_RULES_OVERRUN_MINUTES": "ten"}

    with pytest.raises(BadConfigValue, match=r"^\$SERVICEPLAN_RULES_OVERRUN_MINUTES: rules"):
        load_config(written(tmp_path, CLINIC), environ=environ)


def test_a_secret_in_the_file_is_refused_and_never_quoted(tmp_path):
    path = written(tmp_path, '[plugins.sms]\nauth_token = "s3cr3t-token"\n')

    with pytest.raises(SecretInConfig) as refused:
        load_config(path, environ={})

    assert refused.value.key == "plugins.sms.auth_token"
    assert "auth_token_file" in refused.value.fix
    assert "s3cr3t" not in str(refused.value)


def test_the_store_key_written_in_the_file_is_refused(tmp_path):
    key = new_cipher_key()

    with pytest.raises(SecretInConfig, match=r"store\.key") as refused:
        load_config(written(tmp_path, f'[store]\nkey = "{key}"\n'), environ={})

    assert key not in str(refused.value)


def test_a_named_file_that_is_missing_is_refused(tmp_path):
    with pytest.raises(NoConfigFile, match="serviceplan init"):
        load_config(tmp_path / "nowhere.toml", environ={})


def test_without_a_file_the_configuration_is_the_variables(tmp_path):
    environ = {"XDG_CONFIG_HOME": str(tmp_path), "SERVICEPLAN_CLINIC_TIMEZONE": "Europe/Paris"}

    config = load_config(environ=environ)

    assert config.path is None
    assert config.settings().timezone == ZoneInfo("Europe/Paris")


def test_the_key_is_read_from_the_file_the_configuration_names(tmp_path):
    key = new_cipher_key()
    (tmp_path / "clinic.key").write_text(key + "\n")
    path = written(tmp_path, CLINIC + '\n[store.key]\nfile = "clinic.key"\n')

    env = load_config(path, environ={}).store_env()

    assert env["CIPHER_KEY"] == key


def test_a_plugin_reads_its_section_as_its_variables_and_a_variable_still_wins(tmp_path):
    (tmp_path / "token").write_text("tok-123\n")
    text = '[plugins.sms]\naccount_sid = "AC1"\nauth_token_file = "token"\ntries = 2\n'
    load_config(written(tmp_path, text), environ={})

    env = plugin_env("sms", "SERVICEPLAN_SMS_", ["account_sid", "auth_token", "tries"], {
        "SERVICEPLAN_SMS_TRIES": "4",
    })  # fmt: skip

    assert env["SERVICEPLAN_SMS_ACCOUNT_SID"] == "AC1"
    assert env["SERVICEPLAN_SMS_AUTH_TOKEN"] == "tok-123"  # noqa: S105 (a test's token)
    assert env["SERVICEPLAN_SMS_TRIES"] == "4"
    with pytest.raises(UnknownConfigKey, match=r"plugins\.sms\.tries"):
        plugin_env("sms", "SERVICEPLAN_SMS_", ["account_sid", "auth_token"], {})


def test_a_store_records_the_zone_of_its_configuration(tmp_path):
    plan = ServicePlan.from_config(written(tmp_path, CLINIC))
    plan.close()

    again = ServicePlan.from_config(written(tmp_path, CLINIC))

    assert read_facts(again)["zone"] == "America/New_York"
    assert again.settings.timezone == ZoneInfo("America/New_York")
    again.close()


def test_opening_a_store_with_another_zone_is_refused(tmp_path, monkeypatch):
    ServicePlan.from_config(written(tmp_path, CLINIC)).close()
    monkeypatch.setenv("SERVICEPLAN_CLINIC_TIMEZONE", "Europe/Paris")

    with pytest.raises(ZoneChanged, match="records its zone as 'America/New_York'"):
        ServicePlan.from_config(written(tmp_path, CLINIC))


def test_a_zone_is_moved_only_when_the_migration_is_asked_for(tmp_path, monkeypatch):
    ServicePlan.from_config(written(tmp_path, CLINIC)).close()
    monkeypatch.setenv("SERVICEPLAN_CLINIC_TIMEZONE", "America/Chicago")
    monkeypatch.setenv("SERVICEPLAN_STORE_MIGRATE_ZONE_FROM", "America/New_York")

    plan = ServicePlan.from_config(written(tmp_path, CLINIC))

    assert read_facts(plan)["zone"] == "America/Chicago"
    plan.close()


def test_a_file_store_without_a_zone_is_refused(tmp_path):
    path = written(tmp_path, '[store]\nsqlite = "clinic.sqlite3"\n')

    with pytest.raises(ZoneMissing, match="name the clinic's zone"):
        ServicePlan.from_config(path)


def test_a_store_in_memory_without_a_zone_runs_in_utc():
    plan = ServicePlan({"PERSISTENCE_MODULE": "eventsourcing.popo"})

    assert plan.settings.timezone.utcoffset(None).total_seconds() == 0
    assert plan.day_of(plan.now()) == plan.now().date()


def test_a_postgres_store_with_its_pool_and_schema_and_the_password_from_a_file(tmp_path):
    (tmp_path / "pg-password").write_text("pw-from-file\n")
    text = (
        '[store.postgres]\ndbname = "clinic"\nhost = "db.internal"\nuser = "desk"\n'
        'password_file = "pg-password"\nschema = "lakeside"\npool_size = 7\nmax_overflow = 3\n'
    )

    env = load_config(written(tmp_path, text), environ={}).store_env()

    assert env["PERSISTENCE_MODULE"] == "eventsourcing.postgres"
    assert (env["POSTGRES_DBNAME"], env["POSTGRES_HOST"], env["POSTGRES_USER"]) == (
        "clinic", "db.internal", "desk",
    )  # fmt: skip
    assert env["POSTGRES_PASSWORD"] == "pw-from-file"  # noqa: S105 (a test's password)
    assert (env["POSTGRES_SCHEMA"], env["POSTGRES_POOL_SIZE"], env["POSTGRES_MAX_OVERFLOW"]) == (
        "lakeside", "7", "3",
    )  # fmt: skip


def test_the_key_from_a_variable_or_a_command_and_never_from_two_places(tmp_path):
    key = new_cipher_key()
    by_variable = written(tmp_path, '[store.key]\nenv = "CLINIC_KEY"\n', "a.toml")
    by_command = written(tmp_path, f'[store.key]\ncommand = ["echo", "{key}"]\n', "b.toml")
    both = written(tmp_path, '[store.key]\nenv = "CLINIC_KEY"\nfile = "k"\n', "c.toml")

    assert load_config(by_variable, environ={}).store_env({"CLINIC_KEY": key})["CIPHER_KEY"] == key
    assert load_config(by_command, environ={}).store_env()["CIPHER_KEY"] == key
    with pytest.raises(BadConfigValue, match=r"store\.key: names 2 sources of the key"):
        load_config(both, environ={}).store_env()
    with pytest.raises(BadConfigValue, match="the variable CLINIC_KEY is not set"):
        load_config(by_variable, environ={}).store_env({})
