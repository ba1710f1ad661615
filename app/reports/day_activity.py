"""What a manager's daily papers list beside the day board: the day's paid-outs, safe drops,
voids and refunds at a location, each with who did it (and who witnessed or approved it), and
the chart of accounts by name. Three statements, whatever the day's size."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app import sql
from app.sales.numbers import receipt_code
from app.sales.reasons import reason_label

MOVEMENT_LABELS = {"paid_out": "Paid out", "safe_drop": "Safe drop", "paid_in": "Paid in"}

#: The day's paid-outs, paid-ins and safe drops at the location, oldest first, with names.
_MOVEMENTS_SQL = """
SELECT m.id, m.kind, m.amount_cents, m.reason, m.created_at, t.code AS terminal_code,
       c.full_name AS clerk_name, w.full_name AS witness_name, o.full_name AS approved_by_name
FROM cash_movement m
JOIN shift s ON s.id = m.shift
JOIN terminal t ON t.id = s.terminal
JOIN app_user c ON c.id = m.created_by
LEFT JOIN app_user w ON w.id = m.witness
LEFT JOIN app_user o ON o.id = m.override_by
WHERE s.location = {} AND s.business_date = {} AND m.kind IN ('paid_out', 'safe_drop', 'paid_in')
ORDER BY m.created_at, m.id
"""

#: The day's voids and refunds at the location, with the receipt they give back.
_RETURNS_SQL = """
SELECT r.id, r.kind, r.total_cents, r.reason_code, r.created_at, r.receipt_number,
       t.code AS terminal_code, l.code AS location_code, c.full_name AS clerk_name,
       o.full_name AS approved_by_name, os.receipt_number AS original_number,
       ot.code AS original_terminal_code, ol.code AS original_location_code
FROM sale r
JOIN terminal t ON t.id = r.terminal
JOIN location l ON l.id = r.location
JOIN app_user c ON c.id = r.clerk
LEFT JOIN app_user o ON o.id = r.override_by
LEFT JOIN sale os ON os.id = r.original
LEFT JOIN terminal ot ON ot.id = os.terminal
LEFT JOIN location ol ON ol.id = os.location
WHERE r.location = {} AND r.business_date = {} AND r.kind IN ('void', 'refund')
ORDER BY r.created_at, r.id
"""

_ACCOUNTS_SQL = "SELECT code, name FROM ledger_account"


@dataclass
class DayActivity:
    movements: list[dict[str, Any]] = field(default_factory=list)
    returns: list[dict[str, Any]] = field(default_factory=list)
    account_names: dict[str, str] = field(default_factory=dict)

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [m for m in self.movements if m["kind"] == kind]

    def account(self, code: str) -> str:
        """An account by its name (its code when the chart does not name it)."""
        return self.account_names.get(code) or code.replace("_", " ").capitalize()


async def day_activity(location_id: int, business_date: date) -> DayActivity:
    movements = await sql.fetch(_MOVEMENTS_SQL, location_id, business_date)
    for row in movements:
        row["kind_label"] = MOVEMENT_LABELS.get(row["kind"], row["kind"])
    returns = await sql.fetch(_RETURNS_SQL, location_id, business_date)
    for row in returns:
        row["kind_label"] = "Void" if row["kind"] == "void" else "Refund"
        row["receipt"] = receipt_code(row["location_code"], row["terminal_code"], row["receipt_number"])
        row["original"] = (receipt_code(row["original_location_code"], row["original_terminal_code"],
                                        row["original_number"]) if row["original_number"] else "")
        row["reason_label"] = reason_label(row["reason_code"])
    names = {r["code"]: r["name"] for r in await sql.fetch(_ACCOUNTS_SQL)}
    return DayActivity(movements, returns, names)
