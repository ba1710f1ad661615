"""Home-page panel: the counters (terminals) the user works with, who has a drawer open at each,
and card payments waiting for a supervisor."""

from __future__ import annotations

from typing import Any

from app.auth.capabilities import Capability
from app.auth.principal import Principal
from app.drawers.tables import Shift
from app.sales import cards
from app.terminals.services import list_terminals


async def terminals_panel(principal: Principal) -> dict[str, Any] | None:
    if not (principal.can(Capability.USE_KIOSK) or principal.can(Capability.MANAGE_TERMINALS)):
        return None
    terminals = [t for t in await list_terminals() if t["active"]]
    if not principal.all_sections:
        from app.org.tables import Location

        locations = await Location.select(Location.id).where(
            Location.section.is_in(list(principal.section_ids) or [-1]))
        mine = {int(row["id"]) for row in locations}
        terminals = [t for t in terminals if int(t["location"]) in mine]
    if not terminals:
        return None
    open_shifts = await Shift.select(
        Shift.terminal, Shift.clerk.full_name.as_alias("clerk_name"), Shift.status,
    ).where(Shift.terminal.is_in([t["id"] for t in terminals])
            & Shift.status.is_in(["open", "recount"]))
    by_terminal = {int(s["terminal"]): s for s in open_shifts}
    for terminal in terminals:
        terminal["shift"] = by_terminal.get(int(terminal["id"]))
    outcomes = await cards.unresolved_card_outcomes(
        sorted({int(t["location"]) for t in terminals}))
    return {"template": "terminals/_home_panel.html", "terminals": terminals,
            "card_outcomes": len(outcomes),
            "is_admin": principal.can(Capability.MANAGE_TERMINALS)}
