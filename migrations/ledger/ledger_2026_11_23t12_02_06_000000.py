"""Ledger data: one day lock per (location, business day), and the chart of accounts.

The chart is inserted only where a code is missing, so running it on a database that already
has some accounts adds the rest and changes nothing else (both engines).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from app.db import engine

ID = "2026-11-23T12:02:06:000000"
VERSION = "1.38.0"
DESCRIPTION = "day_lock and reversal uniqueness; seed chart of accounts"

#: A snapshot of app.ledger.accounts.CHART as of this migration (code, name, kind).
CHART = (
    ("drawer_cash", "Drawer cash", "asset"),
    ("card_clearing", "Card clearing", "asset"),
    ("checks_on_hand", "Checks on hand", "asset"),
    ("safe", "Safe", "asset"),
    ("deposits_in_transit", "Deposits in transit", "asset"),
    ("bank", "Bank", "asset"),
    ("accounts_receivable", "Accounts receivable", "asset"),
    ("fare_revenue", "Fare revenue", "revenue"),
    ("card_fee_revenue", "Card fee revenue", "revenue"),
    ("stored_value_liability", "Stored value liability", "liability"),
    ("cash_over_short", "Cash over/short", "expense"),
    ("paid_out_expense", "Paid-out expense", "expense"),
    ("paid_in_other", "Paid-in other income", "revenue"),
    ("card_outcome_suspense", "Card outcome suspense", "liability"),
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="ledger", description=DESCRIPTION)

    async def run():
        db = engine()
        await db.run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS day_lock_location_business_date "
            "ON day_lock (location, business_date)"
        )
        # A transaction is reversed at most once (NULLs, i.e. ordinary entries, are distinct).
        await db.run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS journal_txn_reversed_once ON journal_txn (reverses)"
        )
        for code, name, kind in CHART:
            await db.run_ddl(
                "INSERT INTO ledger_account (code, name, kind) "
                f"SELECT '{code}', '{name}', '{kind}' "
                f"WHERE NOT EXISTS (SELECT 1 FROM ledger_account WHERE code = '{code}')"
            )

    manager.add_raw(run)
    return manager
