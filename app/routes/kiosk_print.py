"""The done screen's receipt and drawer status, polled while the devices work (GET only reads)."""

from __future__ import annotations

from litestar import Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from app.kiosk import receipts_view
from app.kiosk.context import ClerkPolling
from app.kiosk.web import kiosk_partial, kiosk_router


@get("/kiosk/sale/{sale_id:int}/print", name="kiosk.sale.print_status")
async def print_status(request: Request, poll: ClerkPolling, sale_id: FromPath[int],
                       n: FromQuery[int] = 0) -> Template:
    """``n``: how many times the screen has asked (it stops after receipts_view.MAX_POLLS)."""
    view = await receipts_view.print_status_for(poll, sale_id, max(n, 0))
    return kiosk_partial("kiosk/_print_status.html", view)


ROUTES = [kiosk_router([print_status])]
