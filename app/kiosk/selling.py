"""The selling screen: product grid, scan/search, the cart, the fare card and tenders."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from litestar import Request, Response
from litestar.response import Template

from app.catalog import services as catalog
from app.catalog.rules import MONTHLY_PASS, PRODUCT_KINDS, month_label, sellable_pass_months
from app.formatting import business_date, money  # noqa: F401 - routes.kiosk_sale uses selling.money
from app.i18n import receipts as receipt_i18n
from app.kiosk import cart_store as carts
from app.kiosk import devices, quick_cash
from app.kiosk.context import AtKiosk
from app.kiosk.web import is_htmx, kiosk_page, kiosk_partial, to_kiosk

QUICK_LOADS = (500, 1000, 2000, 4000)


async def grid(kind: str = "") -> list[dict[str, Any]]:
    """Product buttons: monthly passes once per month on sale (large, no extra dialog)."""
    today = business_date()
    buttons: list[dict[str, Any]] = []
    for product in await catalog.sellable_products(datetime.now(UTC)):
        if kind and product["kind"] != kind:
            continue
        if product["kind"] == MONTHLY_PASS:
            for month in sellable_pass_months(today):
                buttons.append({**product, "pass_month": month.isoformat(),
                                "label": f"{product['name']}", "sub": month_label(month)})
        else:
            buttons.append({**product, "pass_month": "", "label": product["name"],
                            "sub": product.get("fare_category_name") or product["kind_label"]})
    return buttons


def kinds() -> list[tuple[str, str]]:
    return [("", "All"), *PRODUCT_KINDS.items()]


def cart_context(state: carts.CartState) -> dict[str, Any]:
    return {"cart": state, "checkout_key": carts.new_key(),
            "quick_cash": quick_cash.amounts(state.remaining_cents), "quick_loads": QUICK_LOADS}


async def sell_screen(request: Request, at: AtKiosk, shift: dict[str, Any],
                      ctx: dict[str, Any]) -> Template:
    state = await carts.load(at)
    kind = request.query_params.get("kind", "")
    return kiosk_page(request, "kiosk/sell.html", {
        **ctx, **cart_context(state), "products": await grid(kind), "kinds": kinds(),
        "kind": kind})


async def mirror(at: AtKiosk, state: carts.CartState, last: str = "") -> None:
    """The customer display mirrors the cart: last item and the total."""
    if not state.lines:
        devices.show_later(at.terminal, receipt_i18n.display_welcome(at.customer_language), "")
        return
    devices.show_later(at.terminal, (last or state.lines[-1]["description"])[:20],
                       receipt_i18n.display_total(at.customer_language, state.total_cents))


async def cart_response(request: Request, at: AtKiosk, state: carts.CartState,
                        message: str = "") -> Response:
    """htmx: the cart panel (and clear the alert slot); plain form: back to the counter."""
    if not is_htmx(request):
        return to_kiosk(request)
    return kiosk_partial("kiosk/_cart.html", {**cart_context(state), "message": message,
                                              "oob_alerts": True})


def parse_month(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None
