"""Kiosk dialogs that pick what to add: the month of a monthly pass chosen from search.

(The stored-value amount dialog is kiosk.cart.value in kiosk_sale.) Thin: read, pick the partial.
"""

from __future__ import annotations

from litestar import Request, get
from litestar.params import FromPath
from litestar.response import Template

from app.catalog import services as catalog
from app.catalog.rules import MONTHLY_PASS, month_label, sellable_pass_months
from app.errors import NotFound
from app.formatting import business_date
from app.kiosk.context import ClerkAtKiosk
from app.kiosk.web import kiosk_partial, kiosk_router


@get("/kiosk/cart/pass/{product_id:int}", name="kiosk.cart.pass_month")
async def pass_month_form(request: Request, at: ClerkAtKiosk, product_id: FromPath[int]) -> Template:
    product = await catalog.get_product(product_id)
    if product["kind"] != MONTHLY_PASS:
        raise NotFound("That product is not a monthly pass.")
    months = [(m.isoformat(), month_label(m)) for m in sellable_pass_months(business_date())]
    return kiosk_partial("kiosk/_pass_month.html", {"product": product, "months": months})


ROUTES = [kiosk_router([pass_month_form])]
