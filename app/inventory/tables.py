"""Inventory tables.

Two kinds of table live here:

- the stock LEDGER (`stock_movement`, `stock_movement_range`, `stock_count`,
  `stock_count_decision`): append-only, the database refuses UPDATE and DELETE on both engines;
- the stock POSITION (`stock_range`, `stock_quantity`): where everything is now, maintained by
  the services in the same transaction as the ledger entry that moved it. It is a projection of
  the ledger (tests rebuild it from the ledger and compare) and the only place that is rewritten:
  serial ranges split and merge there as cards move, so a million cards cost a handful of rows.

Serialized items live in `stock_range` (one row per maximal run of consecutive serials at one
location; ranges of one item type never overlap: a trigger on SQLite and an exclusion
constraint on PostgreSQL refuse it); counted items in `stock_quantity` (one row per location
and item type).
"""

from piccolo.columns import (
    BigInt,
    BigSerial,
    Boolean,
    ForeignKey,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from app.auth.tables import User
from app.org.tables import Location, Section


class ItemType(Table, tablename="inventory_item_type"):
    """Something the section stocks: a blank smart card type, a ticket book, taxi scrip ..."""

    id = Serial(primary_key=True)
    code = Varchar(length=20, unique=True, null=False)
    name = Varchar(length=120, null=False)
    category = Varchar(length=24, null=False)
    serialized = Boolean(default=False, null=False)
    active = Boolean(default=True)
    created_at = Timestamptz()


class StockLocation(Table, tablename="stock_location"):
    """A place stock can be: a vault, a counter drawer, a retail outlet's consignment, an
    account, in transit, damaged, destroyed. Always run by one section; optionally at one of the
    section's counter locations."""

    id = Serial(primary_key=True)
    code = Varchar(length=24, unique=True, null=False)
    name = Varchar(length=120, null=False)
    kind = Varchar(length=16, null=False, index=True)
    section = ForeignKey(Section, null=False, on_delete=OnDelete.restrict, index=True)
    place = ForeignKey(Location, null=True, on_delete=OnDelete.restrict)
    account_ref = Varchar(length=64, default="")
    active = Boolean(default=True)
    created_at = Timestamptz()


class StockRange(Table, tablename="stock_range"):
    """Serials first_serial..last_serial (inclusive) of one item type, now at one location."""

    id = BigSerial(primary_key=True)
    item_type = ForeignKey(ItemType, null=False, on_delete=OnDelete.restrict)
    first_serial = BigInt(null=False)
    last_serial = BigInt(null=False)
    location = ForeignKey(StockLocation, null=False, on_delete=OnDelete.restrict, index=True)


class StockQuantity(Table, tablename="stock_quantity"):
    """How many of a counted item (ticket books, scrip, leaflets) a location holds now."""

    id = BigSerial(primary_key=True)
    item_type = ForeignKey(ItemType, null=False, on_delete=OnDelete.restrict)
    location = ForeignKey(StockLocation, null=False, on_delete=OnDelete.restrict, index=True)
    quantity = BigInt(null=False, default=0)


class StockMovement(Table, tablename="stock_movement"):
    """One entry of the stock ledger: `quantity` of one item type moved from one location to
    another (either side empty for stock entering or leaving the books). Append-only.

    A transfer is two entries: `transfer_out` (origin → in transit, naming the destination) and
    `transfer_in` or `transfer_cancel` pointing back at it through `transfer_of` (unique, so a
    transfer is received or cancelled once)."""

    id = BigSerial(primary_key=True)
    kind = Varchar(length=20, null=False)
    item_type = ForeignKey(ItemType, null=False, on_delete=OnDelete.restrict, index=True)
    from_location = ForeignKey(StockLocation, null=True, on_delete=OnDelete.restrict, index=True)
    to_location = ForeignKey(StockLocation, null=True, on_delete=OnDelete.restrict, index=True)
    destination = ForeignKey(StockLocation, null=True, on_delete=OnDelete.restrict)
    quantity = BigInt(null=False)
    reference = Varchar(length=64, default="")
    note = Text(default="")
    actor = ForeignKey(User, null=False, on_delete=OnDelete.restrict)
    witness = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    transfer_of = BigInt(null=True, default=None)
    count_id = BigInt(null=True, default=None)
    created_at = Timestamptz()


class StockMovementRange(Table, tablename="stock_movement_range"):
    """The serial ranges a movement of a serialized item moved. Append-only."""

    id = BigSerial(primary_key=True)
    movement = ForeignKey(StockMovement, null=False, on_delete=OnDelete.restrict, index=True)
    item_type = ForeignKey(ItemType, null=False, on_delete=OnDelete.restrict)
    first_serial = BigInt(null=False)
    last_serial = BigInt(null=False)


class StockCount(Table, tablename="stock_count"):
    """A physical count of one item at one location, with what the books said at that moment.

    For serialized items both sides are also kept as range text ("60000000-60000999, ...").
    Nothing posts until a supervisor who is not the counter approves it (`StockCountDecision`).
    Append-only."""

    id = BigSerial(primary_key=True)
    location = ForeignKey(StockLocation, null=False, on_delete=OnDelete.restrict, index=True)
    item_type = ForeignKey(ItemType, null=False, on_delete=OnDelete.restrict)
    expected_quantity = BigInt(null=False)
    counted_quantity = BigInt(null=False)
    expected_ranges = Text(default="")
    counted_ranges = Text(default="")
    note = Text(default="")
    counted_by = ForeignKey(User, null=False, on_delete=OnDelete.restrict)
    created_at = Timestamptz()


class StockCountDecision(Table, tablename="stock_count_decision"):
    """A supervisor's decision on a count: approved (differences posted) or rejected."""

    id = BigSerial(primary_key=True)
    stock_count = ForeignKey(StockCount, null=False, unique=True, on_delete=OnDelete.restrict)
    outcome = Varchar(length=12, null=False)
    note = Text(default="")
    decided_by = ForeignKey(User, null=False, on_delete=OnDelete.restrict)
    created_at = Timestamptz()


class StockThreshold(Table, tablename="stock_threshold"):
    """Low-stock level for one item at one location (configuration; changes are audited)."""

    id = Serial(primary_key=True)
    location = ForeignKey(StockLocation, null=False, on_delete=OnDelete.restrict, index=True)
    item_type = ForeignKey(ItemType, null=False, on_delete=OnDelete.restrict)
    minimum = BigInt(null=False)
    updated_at = Timestamptz()
