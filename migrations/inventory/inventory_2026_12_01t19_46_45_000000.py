"""Inventory: the stock ledger is append-only; serial ranges never overlap; sane quantities.

Both engines enforce the rules themselves (not only the services):
- `stock_movement`, `stock_movement_range`, `stock_count`, `stock_count_decision` refuse
  UPDATE and DELETE (app.append_only);
- `stock_range`: first ≤ last, and two ranges of one item type never overlap — an exclusion
  constraint on PostgreSQL (btree_gist), BEFORE INSERT/UPDATE triggers on SQLite;
- quantities: a movement moves at least one; a position never goes negative;
- a transfer is received or cancelled once (unique `transfer_of`).
The serial lookups read `stock_range` by (item_type, first_serial) on both engines; a serial's
history is read on PostgreSQL through a GiST index on the movement ranges.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from app.append_only import protect
from app.db import engine, is_sqlite

ID = "2026-12-01T19:46:45:000000"
VERSION = "1.38.0"
DESCRIPTION = "append-only stock ledger, non-overlapping serial ranges, checks and indexes"

COMMON = (
    "CREATE UNIQUE INDEX IF NOT EXISTS stock_range_item_first ON stock_range (item_type, first_serial)",
    "CREATE INDEX IF NOT EXISTS stock_range_location_item ON stock_range (location, item_type)",
    "CREATE UNIQUE INDEX IF NOT EXISTS stock_quantity_item_location "
    "ON stock_quantity (item_type, location)",
    "CREATE UNIQUE INDEX IF NOT EXISTS stock_movement_transfer_of ON stock_movement (transfer_of)",
    "CREATE INDEX IF NOT EXISTS stock_movement_kind ON stock_movement (kind, id)",
    "CREATE INDEX IF NOT EXISTS stock_movement_range_item_first "
    "ON stock_movement_range (item_type, first_serial)",
    "CREATE UNIQUE INDEX IF NOT EXISTS stock_threshold_location_item "
    "ON stock_threshold (location, item_type)",
    "CREATE INDEX IF NOT EXISTS stock_count_location_item ON stock_count (location, item_type)",
)

_OVERLAP = (
    "SELECT RAISE(ABORT, 'stock_range: serial range overlaps another of the same item') "
    "WHERE EXISTS (SELECT 1 FROM stock_range r WHERE r.item_type = NEW.item_type "
    "AND r.first_serial <= NEW.last_serial AND r.last_serial >= NEW.first_serial{extra})"
)

SQLITE = (
    "CREATE TRIGGER IF NOT EXISTS stock_range_no_overlap_insert BEFORE INSERT ON stock_range "
    "BEGIN SELECT RAISE(ABORT, 'stock_range: first serial after last') "
    "WHERE NEW.first_serial > NEW.last_serial OR NEW.first_serial < 0; "
    + _OVERLAP.format(extra="") + "; END",
    "CREATE TRIGGER IF NOT EXISTS stock_range_no_overlap_update BEFORE UPDATE ON stock_range "
    "BEGIN SELECT RAISE(ABORT, 'stock_range: first serial after last') "
    "WHERE NEW.first_serial > NEW.last_serial OR NEW.first_serial < 0; "
    + _OVERLAP.format(extra=" AND r.id <> OLD.id") + "; END",
    "CREATE TRIGGER IF NOT EXISTS stock_quantity_not_negative_insert BEFORE INSERT ON "
    "stock_quantity BEGIN SELECT RAISE(ABORT, 'stock_quantity: negative quantity') "
    "WHERE NEW.quantity < 0; END",
    "CREATE TRIGGER IF NOT EXISTS stock_quantity_not_negative_update BEFORE UPDATE ON "
    "stock_quantity BEGIN SELECT RAISE(ABORT, 'stock_quantity: negative quantity') "
    "WHERE NEW.quantity < 0; END",
    "CREATE TRIGGER IF NOT EXISTS stock_movement_positive BEFORE INSERT ON stock_movement "
    "BEGIN SELECT RAISE(ABORT, 'stock_movement: quantity must be at least 1') "
    "WHERE NEW.quantity < 1; END",
    "CREATE TRIGGER IF NOT EXISTS stock_movement_range_ordered BEFORE INSERT ON "
    "stock_movement_range BEGIN SELECT RAISE(ABORT, 'stock_movement_range: first after last') "
    "WHERE NEW.first_serial > NEW.last_serial; END",
)

POSTGRES = (
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "ALTER TABLE stock_range ADD CONSTRAINT stock_range_ordered "
    "CHECK (first_serial <= last_serial AND first_serial >= 0)",
    "ALTER TABLE stock_range ADD CONSTRAINT stock_range_no_overlap EXCLUDE USING gist "
    "(int8range(first_serial, last_serial, '[]') WITH &&, item_type WITH =)",
    "ALTER TABLE stock_quantity ADD CONSTRAINT stock_quantity_not_negative CHECK (quantity >= 0)",
    "ALTER TABLE stock_movement ADD CONSTRAINT stock_movement_positive CHECK (quantity >= 1)",
    "ALTER TABLE stock_movement_range ADD CONSTRAINT stock_movement_range_ordered "
    "CHECK (first_serial <= last_serial)",
    "CREATE INDEX IF NOT EXISTS stock_movement_range_serials ON stock_movement_range "
    "USING gist (int8range(first_serial, last_serial, '[]'), item_type)",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inventory", description=DESCRIPTION)

    async def run():
        db = engine()
        for statement in COMMON + (SQLITE if is_sqlite() else POSTGRES):
            await db.run_ddl(statement)
        await protect("stock_movement", "stock_movement_range", "stock_count",
                      "stock_count_decision")

    manager.add_raw(run)
    return manager
