"""The home-page panel for leads, supervisors, administrators and auditors: drawers waiting for
review and deposits overdue in their locations (registered in app.home.services)."""

from __future__ import annotations

from typing import Any

from app.auth.capabilities import Capability
from app.auth.principal import Principal
from app.drawers.tables import Shift
from app.reconciliation import deposits, rules, scope


async def reconciliation_panel(principal: Principal) -> dict[str, Any] | None:
    if not principal.can(Capability.VIEW_RECONCILIATION):
        return None
    ids = await scope.location_ids(principal)
    if not ids:
        return None
    waiting = await Shift.select(
        Shift.location, Shift.location.name.as_alias("location_name"), Shift.business_date,
    ).where(
        Shift.location.is_in(ids) & (Shift.status == rules.SHIFT_COUNTED)
    ).order_by(Shift.business_date)
    days: dict[tuple[int, Any], dict[str, Any]] = {}
    for row in waiting:
        key = (int(row["location"]), row["business_date"])
        days.setdefault(key, {**row, "shifts": 0})["shifts"] += 1
    return {
        "template": "reconciliation/_home_panel.html",
        "waiting": list(days.values())[:10],
        "overdue": (await deposits.overdue_days(principal))[:10],
    }
