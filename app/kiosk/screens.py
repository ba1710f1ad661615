"""Which kiosk screen the clerk sees, and the context every kiosk screen shares."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Template

from app.drawers import services as drawers
from app.drawers import states
from app.drawers.denominations import denominations
from app.kiosk import sessions
from app.kiosk.context import AtKiosk
from app.kiosk.web import kiosk_page


async def frame(at: AtKiosk, shift: dict[str, Any] | None = None) -> dict[str, Any]:
    """Context for the kiosk frame: terminal, clerk, shift, one-time message."""
    return {
        "terminal": at.terminal, "clerk": at.clerk, "shift": shift,
        "flash": await sessions.pop_flash(at.state),
    }


async def home(request: Request, at: AtKiosk) -> Template:
    shift = await drawers.shift_in_use_for_terminal(at.terminal_id)
    ctx = await frame(at, shift)
    if shift is None:
        return kiosk_page(request, "kiosk/shift_open.html",
                          {**ctx, "denominations": denominations(), "values": {}, "errors": {}})
    mine = shift["clerk"] == at.clerk.id
    overseer = drawers.may_oversee(at.clerk, shift)
    if not mine and not overseer:
        return kiosk_page(request, "kiosk/drawer_taken.html", ctx)
    if shift["status"] == states.RECOUNT:
        return kiosk_page(request, "kiosk/shift_close.html",
                          {**ctx, "denominations": denominations(), "values": {}, "errors": {},
                           "recount": True})
    from app.kiosk import selling  # the selling screen (cart, products, tenders)

    return await selling.sell_screen(request, at, shift, ctx)
