"""The customer's language at the counter: the clerk picks it for the customer in front
(default English); it is kept in a cookie of the enrolled kiosk browser until changed, and
the receipt and the customer display use it."""

from __future__ import annotations

from litestar import Request

from app.i18n import languages
from app.i18n.negotiation import enabled_code

COOKIE = "faredesk_customer_lang"


def customer_language(request: Request) -> str:
    return enabled_code(request.cookies.get(COOKIE)) or languages.SOURCE
