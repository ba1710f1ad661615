"""Report queries: one GROUP BY over `posting` per table, scoped to the actor's locations.

Sales by product, fare category, terminal, clerk and location are the credits to the sales
accounts (fare revenue, card fee revenue, stored value sold), net of voids and refunds, which
post the same legs negated. Sales by tender are the debits to the tender accounts of the same
sale transactions. Over/short per clerk is the CASH_OVER_SHORT account tagged with the clerk
(posted when a drawer is settled), shown so that a shortage is negative.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from app import sql
from app.auth.principal import Principal
from app.errors import ValidationFailed
from app.formatting import business_date
from app.ledger.accounts import (
    ACCOUNTS_RECEIVABLE,
    CARD_CLEARING,
    CARD_FEE_REVENUE,
    CARD_OUTCOME_SUSPENSE,
    CASH_OVER_SHORT,
    CHECKS_ON_HAND,
    DRAWER_CASH,
    FARE_REVENUE,
    STORED_VALUE_LIABILITY,
)
from app.ledger.tables import Posting
from app.reconciliation import scope

SALES_ACCOUNTS = (FARE_REVENUE, CARD_FEE_REVENUE, STORED_VALUE_LIABILITY)
TENDER_ACCOUNTS = (DRAWER_CASH, CARD_CLEARING, CHECKS_ON_HAND, ACCOUNTS_RECEIVABLE,
                   CARD_OUTCOME_SUSPENSE)
TENDER_LABELS = {"cash": "Cash", "card": "Card", "check": "Check", "account": "Charge to account"}
MAX_DAYS = 3 * 366

#: dimension -> (key column, label expression, join)
_DIMENSIONS: dict[str, tuple[str, str, str]] = {
    "product": ("p.product", "x.name", "LEFT JOIN product x ON x.id = p.product"),
    "fare_category": ("p.fare_category", "x.name",
                      "LEFT JOIN fare_category x ON x.code = p.fare_category"),
    "terminal": ("p.terminal", "x.code", "LEFT JOIN terminal x ON x.id = p.terminal"),
    "clerk": ("p.clerk", "x.full_name", "LEFT JOIN app_user x ON x.id = p.clerk"),
    "location": ("p.location", "x.name", "LEFT JOIN location x ON x.id = p.location"),
}
DIMENSION_LABELS = {
    "product": "Product", "fare_category": "Fare category", "tender": "Tender",
    "terminal": "Terminal", "clerk": "Clerk", "location": "Location",
}


@dataclass(frozen=True)
class Period:
    date_from: date
    date_to: date

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1


def parse_period(raw_from: str, raw_to: str) -> Period:
    """From/to (YYYY-MM-DD); defaults to today. Raises ValidationFailed with field errors."""
    errors: dict[str, str] = {}
    today = business_date()
    try:
        date_from = date.fromisoformat(raw_from) if raw_from else today
    except ValueError:
        errors["from"], date_from = "Enter a date like 2026-01-31.", today
    try:
        date_to = date.fromisoformat(raw_to) if raw_to else date_from
    except ValueError:
        errors["to"], date_to = "Enter a date like 2026-01-31.", date_from
    if not errors and date_to < date_from:
        errors["to"] = "The end of the period comes before its start."
    elif not errors and (date_to - date_from).days > MAX_DAYS:
        errors["to"] = "Choose a period of at most three years."
    if errors:
        raise ValidationFailed("Please correct the period.", field_errors=errors)
    return Period(date_from, date_to)


def _in(values: list[Any]) -> str:
    return sql.in_list(values)


async def allowed_locations(actor: Principal, location_id: int | None) -> list[int]:
    ids = await scope.location_ids(actor)
    if location_id is not None:
        return [location_id] if location_id in ids else []
    return ids


async def revenue_by(actor: Principal, by: str, period: Period, location_id: int | None = None
                     ) -> list[dict[str, Any]]:
    """[{key, label, amount_cents, transactions}] for the period, largest first."""
    if by not in DIMENSION_LABELS:
        raise ValidationFailed("Choose what to group the report by.")
    locations = await allowed_locations(actor, location_id)
    if not locations:
        return []
    if by == "tender":
        return await _revenue_by_tender(period, locations)
    key, label, join = _DIMENSIONS[by]
    accounts = list(SALES_ACCOUNTS)
    sql = (
        f"SELECT {key} AS key, {label} AS label, -SUM(p.amount_cents) AS amount_cents, "  # noqa: S608
        f"COUNT(DISTINCT p.txn) AS transactions "
        f"FROM posting p JOIN ledger_account a ON a.id = p.account {join} "
        f"WHERE a.code IN {_in(accounts)} AND p.business_date >= {{}} AND p.business_date <= {{}} "
        f"AND p.location IN {_in(locations)} "
        f"GROUP BY {key}, {label} ORDER BY amount_cents DESC"
    )
    rows = await Posting.raw(sql, *accounts, period.date_from, period.date_to, *locations)
    return [_shape(r) for r in rows]


async def _revenue_by_tender(period: Period, locations: list[int]) -> list[dict[str, Any]]:
    accounts = list(TENDER_ACCOUNTS)
    sql = (
        "SELECT p.tender_kind AS key, SUM(p.amount_cents) AS amount_cents, "  # noqa: S608
        "COUNT(DISTINCT p.txn) AS transactions "
        "FROM posting p JOIN ledger_account a ON a.id = p.account "
        "JOIN journal_txn t ON t.id = p.txn "
        f"WHERE a.code IN {_in(accounts)} AND p.tender_kind IS NOT NULL "
        "AND t.source_type = 'sale' AND p.business_date >= {} AND p.business_date <= {} "
        f"AND p.location IN {_in(locations)} "
        "GROUP BY p.tender_kind ORDER BY amount_cents DESC"
    )
    rows = await Posting.raw(sql, *accounts, period.date_from, period.date_to, *locations)
    for row in rows:
        row["label"] = TENDER_LABELS.get(row["key"], row["key"])
    return [_shape(r) for r in rows]


def _shape(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "key": row["key"], "label": row.get("label") or ("(none)" if row["key"] is None
                                                         else str(row["key"])),
        "amount_cents": int(row["amount_cents"] or 0),
        "transactions": int(row["transactions"] or 0),
    }


async def over_short_by_clerk(actor: Principal, days: tuple[int, ...] = (30, 90),
                              location_id: int | None = None) -> list[dict[str, Any]]:
    """[{clerk, name, over_short_30, count_30, over_short_90, ...}] (negative = short)."""
    locations = await allowed_locations(actor, location_id)
    if not locations:
        return []
    today = business_date()
    clerks: dict[int, dict[str, Any]] = {}
    for span in days:
        since = today - timedelta(days=span - 1)
        sql = (
            "SELECT p.clerk AS clerk, u.full_name AS name, "  # noqa: S608
            "-SUM(p.amount_cents) AS total, COUNT(DISTINCT p.txn) AS entries, "
            "SUM(CASE WHEN p.amount_cents > 0 THEN 1 ELSE 0 END) AS shortages "
            "FROM posting p JOIN ledger_account a ON a.id = p.account "
            "JOIN app_user u ON u.id = p.clerk "
            "WHERE a.code = {} AND p.clerk IS NOT NULL AND p.business_date >= {} "
            f"AND p.business_date <= {{}} AND p.location IN {_in(locations)} "
            "GROUP BY p.clerk, u.full_name"
        )
        for row in await Posting.raw(sql, CASH_OVER_SHORT, since, today, *locations):
            entry = clerks.setdefault(int(row["clerk"]), {"clerk": int(row["clerk"]),
                                                          "name": row["name"]})
            entry[f"over_short_{span}"] = int(row["total"] or 0)
            entry[f"entries_{span}"] = int(row["entries"] or 0)
            entry[f"shortages_{span}"] = int(row["shortages"] or 0)
    result = list(clerks.values())
    for entry in result:
        for span in days:
            entry.setdefault(f"over_short_{span}", 0)
            entry.setdefault(f"entries_{span}", 0)
            entry.setdefault(f"shortages_{span}", 0)
    longest = max(days)
    return sorted(result, key=lambda e: (e[f"over_short_{longest}"], e["name"]))
