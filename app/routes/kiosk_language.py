"""The customer's language at the counter (receipt and customer display)."""

from __future__ import annotations

from litestar import Request, Response, post
from litestar.datastructures import Cookie

from app.i18n import receipts as receipt_i18n
from app.i18n.kiosk import COOKIE
from app.i18n.negotiation import enabled_code
from app.kiosk import devices
from app.kiosk.context import ClerkAtKiosk
from app.kiosk.web import is_htmx, kiosk_partial, kiosk_router, to_kiosk
from app.settings import get_settings
from app.web.render import form_data, text


@post("/kiosk/customer-language", name="kiosk.customer_language")
async def set_customer_language(request: Request, at: ClerkAtKiosk) -> Response:
    """The clerk picks the language of the customer in front; kept until changed."""
    form = await form_data(request)
    code = enabled_code(text(form, "lang", 20)) or "en"
    response: Response
    if is_htmx(request):
        response = kiosk_partial("kiosk/_customer_language.html", {"customer_language": code})
    else:
        back = text(form, "back", 100)
        response = to_kiosk(request, back if back.startswith("/kiosk") else "/kiosk")
    response.cookies.append(Cookie(key=COOKIE, value=code, path="/kiosk", httponly=True,
                                   samesite="strict", secure=get_settings().https,
                                   max_age=30 * 24 * 3600))
    devices.show_later(at.terminal, receipt_i18n.display_welcome(code), "")
    return response


ROUTES = [kiosk_router([set_customer_language])]
