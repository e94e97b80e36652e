"""A sealed export: the history each line encrypted, opened only with its key or passphrase.

Given the clinic day in an encrypted store, when its history is exported sealed, then nothing of
it is readable in the file, it imports whole with the key or the passphrase, and a wrong key,
a wrong or short passphrase, or a line altered, dropped or moved is refused with nothing written.
"""

from __future__ import annotations

import io

import pytest

from histories.clinic_day import AGENT, EMAIL, PHONE, ZONE, play
from serviceplan import ServicePlan, Settings, export_sealed, memory_store, opened_history
from serviceplan.errors import BadHistoryFile, BadKey
from serviceplan.store.encryption import store_key
from serviceplan.store.history import export_history, import_history
from serviceplan.store.keys import encrypted, new_cipher_key
from serviceplan.store.secrets import key_bytes

PASSPHRASE = "correct horse battery staple"  # noqa: S105 (a test's own)


@pytest.fixture
def sealed_day(clock) -> ServicePlan:
    """The clinic day in a store encrypted with a key of its own."""
    plan = ServicePlan(
        encrypted(memory_store(), new_cipher_key()), clock=clock, settings=Settings(ZONE)
    )
    play(plan, clock)
    return plan


def plain_export(plan: ServicePlan) -> str:
    out = io.StringIO()
    export_history(plan, out)
    return out.getvalue()


def fresh() -> ServicePlan:
    return ServicePlan(memory_store(), settings=Settings(ZONE))


@pytest.mark.parametrize("sealed_by", ["key", "passphrase"])
def test_a_sealed_export_hides_everything_and_imports_whole(sealed_day, sealed_by):
    key = store_key(sealed_day)
    given = {"key": key} if sealed_by == "key" else {"passphrase": PASSPHRASE}
    out = io.StringIO()
    count = export_sealed(sealed_day, out, **given)
    text = out.getvalue()

    assert not [s for s in (PHONE, EMAIL, AGENT, "Patient.Registered") if s in text]
    copy = fresh()
    assert import_history(copy, opened_history(io.StringIO(text), **given)) == count
    assert plain_export(copy) == plain_export(sealed_day)


@pytest.mark.parametrize(
    ("sealed_by", "given", "said"),
    [
        ("key", {}, "sealed with its store's key: give that key"),
        ("key", {"key": key_bytes(new_cipher_key())}, "does not open this export"),
        ("passphrase", {}, "sealed with a passphrase: give it"),
        ("passphrase", {"passphrase": "another long passphrase"}, "does not open this export"),
    ],
)
def test_a_sealed_export_without_its_key_or_passphrase_is_refused(
    sealed_day, sealed_by, given, said
):
    sealing = {"key": store_key(sealed_day)} if sealed_by == "key" else {"passphrase": PASSPHRASE}
    out = io.StringIO()
    export_sealed(sealed_day, out, **sealing)
    copy = fresh()
    with pytest.raises(BadKey, match=said):
        import_history(copy, opened_history(io.StringIO(out.getvalue()), **given))
    assert copy.event_count == 0


def test_a_short_passphrase_is_refused(sealed_day):
    with pytest.raises(BadKey, match="at least 12 characters"):
        export_sealed(sealed_day, io.StringIO(), passphrase="short")  # noqa: S106 (a test's own)


def altered(lines: list[str]) -> list[str]:
    line = lines[5]
    return [*lines[:5], line[:-3] + ("A" if line[-3] != "A" else "B") + line[-2:], *lines[6:]]


def moved(lines: list[str]) -> list[str]:
    return [lines[0], lines[1], lines[3], lines[2], *lines[4:]]


def dropped(lines: list[str]) -> list[str]:
    return lines[:-1]


@pytest.mark.parametrize("damage", [altered, moved, dropped])
def test_a_sealed_export_altered_moved_or_cut_is_refused_and_nothing_written(sealed_day, damage):
    out = io.StringIO()
    export_sealed(sealed_day, out, passphrase=PASSPHRASE)
    lines = damage(out.getvalue().splitlines(keepends=True))
    copy = fresh()
    with pytest.raises(BadHistoryFile):
        import_history(copy, opened_history(lines, passphrase=PASSPHRASE))
    assert copy.event_count == 0


def test_a_plain_export_passes_through_as_it_is(sealed_day):
    text = plain_export(sealed_day)
    assert "".join(opened_history(io.StringIO(text))) == text
