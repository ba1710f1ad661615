"""The ledger's dimensions become plain columns; postings gain a generic party pair.

No posting or journal row is touched (the append-only triggers stay in force throughout):

- `posting.party_type` / `posting.party_id` are added, NULL for every existing row (ADD COLUMN
  fires no row trigger on either engine);
- on PostgreSQL the foreign keys from `posting.shift`, `posting.terminal`, `posting.product` and
  `journal_txn.shift` into drawers', terminals' and catalog's tables are dropped (DDL on the
  constraint, not on the rows): the columns keep their values as plain ids, as the tables
  now declare them. SQLite cannot drop a constraint without rebuilding the table, which would
  copy every posting; there the REFERENCES clause of the original table stays, checks nothing
  the application does not already guarantee, and no code relies on it.

`tests/integration/test_ledger_dimensions_migration.py` runs this migration on a database
holding postings and proves the rows and every sum identical before and after, on both engines.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from app import sql
from app.db import engine, is_sqlite

ID = "2026-12-01T19:58:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "posting dimensions: plain shift/terminal/product ids, party pair"

#: Foreign keys from the ledger into an area of work (PostgreSQL catalog).
_AREA_FOREIGN_KEYS = """
SELECT con.conname AS name, rel.relname AS tbl
FROM pg_constraint con
JOIN pg_class rel ON rel.oid = con.conrelid
JOIN pg_class ref ON ref.oid = con.confrelid
WHERE con.contype = 'f' AND pg_table_is_visible(rel.oid)
  AND rel.relname IN ('posting', 'journal_txn') AND ref.relname IN ('shift', 'terminal', 'product')
ORDER BY rel.relname, con.conname
"""


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="ledger", description=DESCRIPTION)

    async def run():
        db = engine()
        await db.run_ddl("ALTER TABLE posting ADD COLUMN party_type VARCHAR(24) DEFAULT NULL")
        await db.run_ddl("ALTER TABLE posting ADD COLUMN party_id BIGINT DEFAULT NULL")
        await db.run_ddl(
            "CREATE INDEX IF NOT EXISTS posting_party ON posting (party_type, party_id)"
        )
        if is_sqlite():
            return
        for row in await sql.fetch(_AREA_FOREIGN_KEYS):
            await db.run_ddl(f'ALTER TABLE "{row["tbl"]}" DROP CONSTRAINT "{row["name"]}"')

    manager.add_raw(run)
    return manager
