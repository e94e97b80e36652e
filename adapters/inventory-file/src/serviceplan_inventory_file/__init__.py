"""clinic-serviceplan-inventory-file: peace-offering stock in a TOML or CSV file the office edits.

```python
drawer = InventoryFile("drawer.toml")  # holds kept in drawer.holds.sqlite3 beside it
plan = ServicePlan(env, plugins=[drawer])
plan.plugins.reserve_stock("cafe-card", offering_id)  # OutOfStock when none is left
```
"""

from serviceplan_inventory_file.errors import StockFileError
from serviceplan_inventory_file.holds import Hold, HoldBook, HoldsBusy, HoldsUnavailable, State
from serviceplan_inventory_file.inventory import InventoryFile, hold_reference, holds_beside
from serviceplan_inventory_file.plugin import HOLDS_FILE, STOCK_FILE, from_environment
from serviceplan_inventory_file.stock_file import StockLine, read_stock_file

__all__ = [
    "HOLDS_FILE",
    "STOCK_FILE",
    "Hold",
    "HoldBook",
    "HoldsBusy",
    "HoldsUnavailable",
    "InventoryFile",
    "State",
    "StockFileError",
    "StockLine",
    "from_environment",
    "hold_reference",
    "holds_beside",
    "read_stock_file",
]
