"""Home-page panel: the counters (terminals) the user works with, who has a drawer open at each,
and card payments waiting for a supervisor."""

from __future__ import annotations

from typing import Any

from app.auth.capabilities import Capability, section_filter
from app.auth.principal import Principal
from app.drawers.states import DRAWER_IN_USE
from app.drawers.tables import Shift
from app.org.tables import Location
from app.sales import bank_card_payments as bank_cards
from app.terminals.services import list_terminals


async def terminals_panel(principal: Principal) -> dict[str, Any] | None:
    if not (principal.can(Capability.USE_KIOSK) or principal.can(Capability.MANAGE_TERMINALS)):
        return None
    terminals = [t for t in await list_terminals() if t["active"]]
    if (in_scope := section_filter(principal, Location.section)) is not None:
        locations = await Location.select(Location.id).where(in_scope)
        mine = {int(row["id"]) for row in locations}
        terminals = [t for t in terminals if int(t["location"]) in mine]
    if not terminals:
        return None
    open_shifts = await Shift.select(
        Shift.terminal, Shift.clerk.full_name.as_alias("clerk_name"), Shift.status,
    ).where(Shift.terminal.is_in([t["id"] for t in terminals])
            & Shift.status.is_in(sorted(DRAWER_IN_USE)))
    by_terminal = {int(s["terminal"]): s for s in open_shifts}
    for terminal in terminals:
        terminal["shift"] = by_terminal.get(int(terminal["id"]))
    outcomes = await bank_cards.unresolved_card_outcomes(
        sorted({int(t["location"]) for t in terminals}))
    return {"template": "terminals/_home_panel.html", "terminals": terminals,
            "card_outcomes": len(outcomes),
            "is_admin": principal.can(Capability.MANAGE_TERMINALS)}
