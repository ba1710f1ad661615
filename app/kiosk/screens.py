"""Which kiosk screen the clerk sees, and the context every kiosk screen shares."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar import Request
from litestar.response import Template

from app.drawers import services as drawers
from app.drawers import states
from app.drawers.denominations import denominations
from app.formatting import local_time
from app.kiosk import sessions
from app.kiosk.after_commit import PrintOutcome
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


def print_retry_words(printed: int, problems: list[str], at: datetime | None = None,
                      *, answered: bool = True) -> str:
    """What "Retry printing" did, with the time, so a second try that fails again still shows
    that it tried (the screen would otherwise look unchanged)."""
    when = local_time(at or datetime.now(UTC), "%H:%M:%S")
    if not answered:
        return (f"Tried printing again at {when}: the printer has not answered yet; the print "
                "status shows when the receipt prints.")
    if problems and not printed:
        return f"Tried printing again at {when}: still not printed ({problems[-1].rstrip('.')})."
    if problems:
        return (f"Tried printing again at {when}: {printed} receipt(s) printed, then "
                f"{problems[-1].rstrip('.')}.")
    if printed:
        return f"Tried printing again at {when}: {printed} receipt(s) printed."
    return f"Tried printing again at {when}: nothing was waiting to print."


async def say_print_retried(at: AtKiosk, outcome: PrintOutcome | None) -> None:
    """The next screen says what the retry did (see print_retry_words)."""
    words = (print_retry_words(outcome.printed, outcome.problems) if outcome is not None
             else print_retry_words(0, [], answered=False))
    await sessions.set_flash(at.state, words)
