"""Database-enforced append-only tables (audit log, ledger, counts).

Migrations call `protect(table)` after creating a table: the database itself then rejects
UPDATE and DELETE (and TRUNCATE on PostgreSQL), so not even a bug or a console session can
rewrite history. Corrections are new rows (reversing entries).
"""

from __future__ import annotations

from app.db import engine, is_sqlite

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION faredesk_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'table % is append-only: % rejected', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


def _statements(table: str) -> list[str]:
    if is_sqlite():
        return [
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'table {table} is append-only: UPDATE rejected'); END",
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'table {table} is append-only: DELETE rejected'); END",
        ]
    return [
        _PG_FUNCTION,
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION faredesk_append_only()",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION faredesk_append_only()",
    ]


async def protect(*tables: str) -> None:
    db = engine()
    for table in tables:
        for statement in _statements(table):
            await db.run_ddl(statement)
