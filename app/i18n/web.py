"""Public pages in the rider's language: choose it per request, render with it, keep it."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import Cookie
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from app.i18n import languages
from app.i18n.jinja import LocaleContext, locale_context
from app.i18n.negotiation import COOKIE, COOKIE_MAX_AGE, choose, enabled_code


def request_language(request: Request) -> str:
    return choose(request.query_params, request.cookies, request.headers.get("accept-language", ""))


def request_locale(request: Request) -> LocaleContext:
    return locale_context(request_language(request))


def public_page(request: Request, template: str, context: dict[str, Any] | None = None,
                *, i18n: LocaleContext | None = None, status: int = 200) -> Template:
    """A public page (app/templates/public/base.html) in the request's language."""
    from app.settings import get_settings

    ctx = dict(context or {})
    ctx["i18n"] = i18n or request_locale(request)
    ctx.setdefault("languages", languages.enabled())
    ctx.setdefault("current_path", request.url.path)
    ctx.setdefault("agency_name", get_settings().agency_name)
    return Template(template_name=template, context=ctx, status_code=status, headers={
        "Content-Language": ctx["i18n"].language.html_lang,
        "Vary": "Accept-Language, Cookie",
    })


def safe_next(target: str) -> str:
    """Only a path on this site; never an open redirect."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/fares"


def keep_language(raw: str, target: str, *, secure: bool) -> Redirect:
    """Remember the rider's choice (a cookie for a year) and go back to the page."""
    response = Redirect(path=safe_next(target), status_code=HTTP_303_SEE_OTHER)
    code = enabled_code(raw)
    if code:
        response.cookies.append(Cookie(key=COOKIE, value=code, max_age=COOKIE_MAX_AGE, path="/",
                                       samesite="lax", secure=secure, httponly=True))
    return response
