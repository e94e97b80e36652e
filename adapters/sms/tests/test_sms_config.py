"""The text channel reads `[plugins.sms]` of the clinic's configuration; its variables still win."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from serviceplan.config import load_config, use_sections
from serviceplan.errors import UnknownConfigKey
from serviceplan_sms import SmsChannel


@pytest.fixture(autouse=True)
def _sections_cleared(monkeypatch) -> Iterator[None]:
    for name in ("ACCOUNT_SID", "AUTH_TOKEN", "FROM", "TRIES"):
        monkeypatch.delenv(f"SERVICEPLAN_SMS_{name}", raising=False)
    yield
    use_sections({}, "the configuration", None)


def configured(tmp_path, section: str) -> None:
    (tmp_path / "twilio-token").write_text("tok-from-file\n")
    path = tmp_path / "serviceplan.toml"
    path.write_text("[plugins.sms]\n" + section)
    load_config(path, environ={})


def test_the_channel_is_on_as_its_section_says_with_the_token_read_from_a_file(tmp_path):
    configured(
        tmp_path, 'account_sid = "AC1"\nauth_token_file = "twilio-token"\nfrom = "+15555550100"\n'
    )

    settings = SmsChannel().settings

    assert settings is not None
    assert (settings.account_sid, settings.sender) == ("AC1", "+15555550100")
    assert settings.auth_token == "tok-from-file"  # noqa: S105 (a test's token)


def test_a_variable_overrides_the_section(tmp_path, monkeypatch):
    configured(
        tmp_path, 'account_sid = "AC1"\nauth_token_file = "twilio-token"\nfrom = "+15555550100"\n'
    )
    monkeypatch.setenv("SERVICEPLAN_SMS_TRIES", "2")

    settings = SmsChannel().settings

    assert settings is not None
    assert settings.tries == 2


def test_an_unknown_key_of_the_section_is_refused_with_the_known_ones(tmp_path):
    configured(tmp_path, 'acount_sid = "AC1"\n')

    with pytest.raises(
        UnknownConfigKey, match=r"plugins\.sms\.acount_sid: unknown key.*account_sid"
    ):
        _ = SmsChannel().settings
