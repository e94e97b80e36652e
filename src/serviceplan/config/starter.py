"""The starter configuration `serviceplan init` writes: every key, commented, with its default.

The figures come from `Settings` and `DeliverySettings`' own defaults as given, so the file says
what the library does when a key is left out.
"""

from __future__ import annotations

from datetime import time

from serviceplan.app.settings import Settings

KEY_FILE = "serviceplan.key"


def starter(
    *,
    name: str | None = None,
    call_back: str | None = None,
    zone: str | None = None,
    key_file: str | None = None,
) -> str:
    """Return the text of a new clinic's configuration; what is not given is left to fill in."""
    rules = Settings()
    clinic = [
        _line("name", name, '"Your clinic"', "named in every message; 30 characters at most"),
        _line("call_back", call_back, '"+15555550100"', "the number patients call back (E.164)"),
        _line("timezone", zone, '"America/New_York"', "REQUIRED: the clinic's IANA zone"),
        '# language = "en"            # messages to patients registered without a language',
    ]
    key = (
        f'[store.key]\nfile = "{key_file}"      # the key that encrypts the events (never the key'
        " itself here)\n"
        if key_file
        else '# [store.key]\n# file = "serviceplan.key"  # or env = "VARIABLE", or command ='
        ' ["pass", "show", "clinic"]\n'
    )
    return f"""# serviceplan: a clinic's configuration (docs/operations.md, "Configuring a clinic").
# A key left out keeps the default shown in its comment. Relative paths are relative to this
# file's folder. Secrets never go here: name a file (..._file) or a variable (..._env).
# A variable SERVICEPLAN_<SECTION>_<KEY> overrides one value (SERVICEPLAN_CLINIC_TIMEZONE, say).

[clinic]
{chr(10).join(clinic)}

[rules]
# offering_item_limit = "{rules.offering_item_limit.amount}"   # most retail value of an offering
# offering_yearly_limit = "{rules.offering_yearly_limit.amount}" # per patient per 12 months
# material_slip_minutes = {rules.material_slip_minutes}     # a patient hears again after this slip
# long_visit_minutes = {rules.long_visit_minutes}
# preparation_lead_hours = {rules.preparation_lead_hours}
# prepare_long_visits = {_toml(rules.prepare_long_visits)}
# preparation_for_all = {_toml(rules.preparation_for_all)}
# close_of_business = "{_hm(rules.close_of_business)}"   # incidents are acknowledged by then
# closed_days = [2026-12-25]        # days the clinic does not open
# weekend = [5, 6]                  # 0 is Monday
# respond_within_days = {rules.respond_within_days}
# overrun_minutes = {rules.overrun_minutes}
# first_visit_grace_minutes = {rules.first_visit_grace_minutes}
# announce_detected_delays = {_toml(rules.announce_detected_delays)}
# [[rules.visit_types]]             # the catalogue; without one, an eye clinic's
# code = "exam"
# name = "Eye exam"
# expected_minutes = 20
# [rules.offers]                    # how freed time is offered to the waitlist
# batch = {rules.offers.batch}
# window = {rules.offers.window}
# last_call = {rules.offers.last_call}

[store]
sqlite = "serviceplan.sqlite3"      # or a [store.postgres] table: dbname, host, port, user,
                                    # password_file or password_env, schema, pool_size
{key}
[delivery]
# quiet_from = "21:00"              # no automated text or call from then...
# quiet_until = "09:00"             # ...until then, clinic time
# per_day = 1
# per_week = 3
# tries = 5
# timeout_seconds = 10.0
# channel_order = ["sms"]           # plugins to try first for a channel

[plugins]
# enabled = ["sms"]                 # only these installed plugins (default: all)
# disabled = []
# [plugins.sms]                     # each plugin's own section
# account_sid = "AC..."
# auth_token_file = "twilio-token"
# from = "+15555550100"

# [views]
# path = "views.sqlite3"            # the read models (default: beside a SQLite store)
"""


def _line(key: str, value: str | None, example: str, meaning: str) -> str:
    if value is None:
        return f"# {key} = {example}    # {meaning}"
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'{key} = "{escaped}"    # {meaning}'


def _toml(flag: bool) -> str:  # noqa: FBT001 (a value to write)
    return "true" if flag else "false"


def _hm(moment: time) -> str:
    return moment.strftime("%H:%M")
