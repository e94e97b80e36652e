"""`InventoryFile`: the offering inventory over the office's stock file and the holds beside it.

What is left of an item is its counted number, less the items held now, less the items handed
over since the count. The stock file is read on every call, so the office's edits count at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from os import PathLike
from pathlib import Path
from uuid import UUID

import attrs

from serviceplan import hookimpl
from serviceplan.errors import InvalidInput, NotAllowedNow, OutOfStock
from serviceplan.plugins import StockItem
from serviceplan_inventory_file.holds import HoldBook, Ledger, State
from serviceplan_inventory_file.stock_file import StockLine, read_stock_file

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The time a hand-over is recorded at, by default."""
    return datetime.now(UTC)


def holds_beside(stock_file: Path) -> Path:
    """Where the holds are kept unless told: `drawer.toml` keeps them in `drawer.holds.sqlite3`."""
    return stock_file.with_name(f"{stock_file.stem}.holds.sqlite3")


def hold_reference(offering_id: UUID) -> str:
    """The reference of an offering's hold; the same every time it is asked for."""
    return f"hold-{offering_id.hex[:12]}"


class InventoryFile:
    """Holds, releases and hands over the items of a stock file; never holds more than is left."""

    def __init__(
        self,
        stock_file: str | PathLike[str],
        *,
        holds: str | PathLike[str] | None = None,
        clock: Clock = utc_now,
        timeout: float = 30.0,
    ) -> None:
        self.stock_file = Path(stock_file)
        self.book = HoldBook(
            holds_beside(self.stock_file) if holds is None else Path(holds), timeout=timeout
        )
        self.clock = clock

    @hookimpl
    def serviceplan_offering_stock(self) -> list[StockItem]:
        """Return every item of the stock file with what is left to offer."""
        lines = read_stock_file(self.stock_file)
        with self.book.transaction() as ledger:
            return [attrs.evolve(line.item, available=_left(ledger, line)) for line in lines]

    @hookimpl
    def serviceplan_reserve_stock(self, item: str, offering_id: UUID) -> str:
        """Hold one item for the offering; holding again for the same offering changes nothing."""
        lines = {line.item.code: line for line in read_stock_file(self.stock_file)}
        with self.book.transaction() as ledger:
            hold = ledger.find(offering_id)
            if hold is not None and hold.state is not State.RELEASED:
                if hold.item != item:
                    raise InvalidInput("that offering already holds another item")
                return hold_reference(offering_id)
            line = lines.get(item)
            if line is None:
                raise InvalidInput(f"no stock item {item!r} in {self.stock_file.name}")
            if _left(ledger, line) < 1:
                raise OutOfStock(f"no {item} left")
            ledger.put(offering_id, item, State.HELD, self.clock())
        return hold_reference(offering_id)

    @hookimpl
    def serviceplan_release_stock(self, offering_id: UUID) -> bool:
        """Put a held item back (declined or withdrawn); an issued one stays given."""
        with self.book.transaction() as ledger:
            hold = ledger.find(offering_id)
            if hold is None or hold.state is not State.HELD:
                return False
            ledger.put(offering_id, hold.item, State.RELEASED, self.clock())
            return True

    @hookimpl
    def serviceplan_issue_stock(self, offering_id: UUID) -> bool:
        """Hand over the held item, so it leaves the drawer; issuing twice hands over one."""
        with self.book.transaction() as ledger:
            hold = ledger.find(offering_id)
            if hold is not None and hold.state is State.ISSUED:
                return True
            if hold is None or hold.state is not State.HELD:
                raise NotAllowedNow("offering", "holding no stock", "issue it")
            ledger.put(offering_id, hold.item, State.ISSUED, self.clock())
            return True


def _left(ledger: Ledger, line: StockLine) -> int:
    """What is left to offer; none, not less, when the office counted fewer than are held."""
    code = line.item.code
    taken = ledger.held(code) + ledger.issued_since(code, line.counted)
    return max(0, line.item.available - taken)
