"""The selling screen: product grid, scan/search, cart, fare card, tenders."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Template

from app.kiosk.context import AtKiosk
from app.kiosk.web import kiosk_page


async def sell_screen(request: Request, at: AtKiosk, shift: dict[str, Any],
                      ctx: dict[str, Any]) -> Template:
    return kiosk_page(request, "kiosk/sell.html", ctx)
