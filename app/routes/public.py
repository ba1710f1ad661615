"""Public pages for riders: no sign-in, in the rider's language (picker, cookie,
Accept-Language)."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.response import Redirect, Template

from app.i18n.web import keep_language, public_page, request_locale
from app.public.fares import fare_list
from app.settings import get_settings
from app.web.guards import PUBLIC
from app.web.render import form_data, text


@get("/fares", name="public.fares", cache=False, opt=PUBLIC)
async def fares(request: Request) -> Template:
    i18n = request_locale(request)
    return public_page(request, "public/fares.html", {"fares": await fare_list(i18n.translator)},
                       i18n=i18n)


@post("/language", name="public.language", opt=PUBLIC)
async def choose_language(request: Request) -> Redirect:
    """The language picker: keep the choice and return to the page it was made on."""
    form = await form_data(request)
    return keep_language(text(form, "lang", 20), text(form, "next", 300),
                         secure=get_settings().https)


ROUTES = [fares, choose_language]
