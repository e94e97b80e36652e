"""Money as a clinic counts it: a Decimal amount in a named currency, never a float."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import attrs

from serviceplan.errors import InvalidInput

_CURRENCY = re.compile(r"[A-Z]{3}")


def _to_decimal(value: object) -> Decimal:
    if isinstance(value, float | bool):
        raise InvalidInput("money amounts are Decimal or text, never float")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise InvalidInput(f"not an amount of money: {value!r}") from None
    if not amount.is_finite():
        raise InvalidInput(f"not an amount of money: {value!r}")
    return amount


def _non_negative(_: object, __: attrs.Attribute[Decimal], value: Decimal) -> None:
    if value < 0:
        raise InvalidInput(f"money amount must not be negative (got {value})")
    if value.as_tuple().exponent < -2:  # type: ignore[operator]  # noqa: PLR2004
        raise InvalidInput(f"money amount has more than cents: {value}")


def _currency(_: object, __: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not _CURRENCY.fullmatch(value):
        raise InvalidInput(f"currency must be a three-letter ISO code like USD (got {value!r})")


@attrs.frozen(order=False)
class Money:
    """An amount of money; sums only within one currency."""

    amount: Decimal = attrs.field(converter=_to_decimal, validator=_non_negative)
    currency: str = attrs.field(default="USD", validator=_currency)

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __le__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount <= other.amount

    def __lt__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount < other.amount

    def _same_currency(self, other: Money) -> None:
        if self.currency != other.currency:
            raise InvalidInput(f"cannot mix {self.currency} with {other.currency}")

    def __str__(self) -> str:
        return f"{self.amount:.2f} {self.currency}"

    @classmethod
    def zero(cls, currency: str = "USD") -> Money:
        """Return nothing, in `currency`: the start of a sum."""
        return cls(Decimal(0), currency)
