"""Visit types: how long a kind of visit takes and what the patient should expect.

Names of visit types never go into a text or voicemail (DOMAIN.md); they are for the desk and for
channels the patient chose for detail.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import attrs

from serviceplan.domain import checks
from serviceplan.errors import InvalidInput


@attrs.frozen
class VisitType:
    """One kind of visit in a clinic's catalogue."""

    code: str = attrs.field(validator=lambda _, __, v: checks.code(v, "visit type"))
    name: str = attrs.field(validator=lambda _, __, v: checks.text(v, "name", max_length=80))
    expected_minutes: int = attrs.field(
        validator=lambda _, __, v: checks.minutes(v, "expected length")
    )
    preparation: str = attrs.field(
        default="", validator=lambda _, __, v: checks.text(v, "preparation", empty=True)
    )
    long_testing: bool = False


def _types(value: Iterable[VisitType]) -> tuple[VisitType, ...]:
    return tuple(value)


@attrs.frozen
class Catalogue:
    """A clinic's visit types by code."""

    types: tuple[VisitType, ...] = attrs.field(converter=_types)

    def __attrs_post_init__(self) -> None:
        codes = [t.code for t in self.types]
        if len(codes) != len(set(codes)):
            raise InvalidInput("each visit type code may appear only once in a catalogue")

    def __iter__(self) -> Iterator[VisitType]:
        return iter(self.types)

    def get(self, code: str) -> VisitType:
        """Return the visit type with `code`, or refuse an unknown one."""
        for visit_type in self.types:
            if visit_type.code == code:
                return visit_type
        known = ", ".join(t.code for t in self.types)
        raise InvalidInput(f"unknown visit type {code!r}; the catalogue has: {known}")

    def with_types(self, more: Iterable[VisitType]) -> Catalogue:
        """Return this catalogue with `more` added."""
        return Catalogue((*self.types, *more))


EYE_CLINIC = Catalogue(
    (
        VisitType("exam", "Eye exam", 30, "Bring your glasses and a list of your medicines."),
        VisitType("follow-up", "Follow-up visit", 20, "Bring any drops you are using."),
        VisitType(
            "dilated-exam", "Dilated eye exam", 60,
            "Your pupils will be dilated; bring sunglasses and a driver: vision stays blurry "
            "for a few hours.",
        ),
        VisitType(
            "visual-field", "Visual field test", 45,
            "The test takes about 45 minutes of looking at lights; bring your glasses.",
            long_testing=True,
        ),
        VisitType(
            "cataract-preop", "Cataract pre-op work-up", 120,
            "Measurements for your lens implant can take up to two or three hours, with "
            "dilation; eat beforehand, bring a driver and a list of your medicines.",
            long_testing=True,
        ),
    )
)  # fmt: skip
"""The visit types an eye clinic starts from; extend it with `Catalogue.with_types`."""
