"""The default offering inventory: a small stock room kept in memory.

One plan serves every thread of a web application, and its plugins with it: the stock room counts
and holds under a lock, so two desks can never both take the last item.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from uuid import UUID

import attrs

from serviceplan.domain.money import Money
from serviceplan.domain.offering import OfferingKind
from serviceplan.errors import InvalidInput, NotAllowedNow, OutOfStock
from serviceplan.plugins.markers import hookimpl
from serviceplan.plugins.records import StockItem

SMALL_STOCK = (
    StockItem("cafe-card", OfferingKind.RESTAURANT_GIFT_CARD, "Gift card for the cafe next door",
              Money("10.00"), 10),
    StockItem("bookshop-card", OfferingKind.STORE_GIFT_CARD, "Gift card for the local bookshop",
              Money("15.00"), 5),
    StockItem("pen", OfferingKind.SWAG, "Clinic pen", Money("2.00"), 100),
    StockItem("mug", OfferingKind.SWAG, "Clinic mug", Money("8.00"), 20),
    StockItem("lunch", OfferingKind.LUNCH, "Lunch at the hospital cafeteria", Money("12.00"), 10),
)  # fmt: skip


class StockRoom:
    """Holds, releases and issues items; `available` counts what is neither held nor issued."""

    def __init__(self, items: Iterable[StockItem] = SMALL_STOCK) -> None:
        self._items = {item.code: item for item in items}
        self._holds: dict[UUID, str] = {}
        self._issued: set[UUID] = set()
        self._lock = threading.Lock()

    @hookimpl(trylast=True)
    def serviceplan_offering_stock(self) -> list[StockItem]:
        """Return every item with what is left to offer."""
        with self._lock:
            return [attrs.evolve(i, available=self._left(i.code)) for i in self._items.values()]

    @hookimpl(trylast=True)
    def serviceplan_reserve_stock(self, item: str, offering_id: UUID) -> str:
        """Hold one item for the offering; holding again for the same offering changes nothing."""
        with self._lock:
            held = self._holds.get(offering_id)
            if held is not None and held != item:
                raise InvalidInput("that offering already holds another item")
            if held is None:
                if item not in self._items:
                    raise InvalidInput(f"no stock item {item!r}")
                if self._left(item) < 1:
                    raise OutOfStock(f"no {item} left")
                self._holds[offering_id] = item
        return f"hold-{offering_id.hex[:12]}"

    @hookimpl(trylast=True)
    def serviceplan_release_stock(self, offering_id: UUID) -> bool:
        """Put a held item back; an issued one stays given."""
        with self._lock:
            if offering_id in self._issued:
                return False
            return self._holds.pop(offering_id, None) is not None

    @hookimpl(trylast=True)
    def serviceplan_issue_stock(self, offering_id: UUID) -> bool:
        """Hand over the held item; issuing twice gives one item."""
        with self._lock:
            if offering_id in self._issued:
                return True
            if offering_id not in self._holds:
                raise NotAllowedNow("offering", "holding no stock", "issue it")
            code = self._holds.pop(offering_id)
            item = self._items[code]
            self._items[code] = attrs.evolve(item, available=item.available - 1)
            self._issued.add(offering_id)
        return True

    def _left(self, code: str) -> int:
        held = sum(1 for c in self._holds.values() if c == code)
        return self._items[code].available - held
