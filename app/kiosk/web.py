"""Kiosk page plumbing: the kiosk's own layout context and its exception handlers.

Kiosk pages use templates/kiosk/base.html (full screen, no back-office navigation). Errors on
kiosk routes render in that layout, in clerk words, with the way back to the counter.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from app.errors import DomainError, ValidationFailed
from app.kiosk.context import NeedsClerk
from app.settings import get_settings
from app.terminals.services import EnrollmentProblem
from app.web.htmx import is_htmx

ENROLMENT_MESSAGES = {
    "not_enrolled": "This browser is not enrolled as a counter kiosk.",
    "revoked": "This browser's kiosk enrolment was revoked by an administrator.",
    "terminal_inactive": "The terminal this browser runs has been deactivated.",
}


def kiosk_page(request: Request, template: str, context: dict[str, Any] | None = None,
               *, status: int = 200) -> Template:
    ctx = dict(context or {})
    ctx.setdefault("idle_seconds", get_settings().kiosk_idle_seconds)
    ctx.setdefault("flash", "")
    return Template(template_name=template, context=ctx, status_code=status)


def kiosk_partial(template: str, context: dict[str, Any] | None = None, *,
                  status: int = 200, headers: dict[str, str] | None = None) -> Template:
    return Template(template_name=template, context=dict(context or {}), status_code=status,
                    headers=headers or {})


def to_kiosk(request: Request, path: str = "/kiosk") -> Response:
    """Go to a kiosk screen: a real redirect, or HX-Redirect for an htmx request."""
    if is_htmx(request):
        return Response(content="", status_code=200, headers={"HX-Redirect": path})
    return Redirect(path=path, status_code=HTTP_303_SEE_OTHER)  # type: ignore[return-value]


def enrolment_handler(request: Request, exc: EnrollmentProblem) -> Response:
    if is_htmx(request):
        return Response(content="", status_code=200, headers={"HX-Redirect": "/kiosk"})
    return kiosk_page(request, "kiosk/not_enrolled.html", {
        "reason": exc.reason, "message": ENROLMENT_MESSAGES[exc.reason],
        "terminal_code": exc.terminal_code,
    }, status=403)


def needs_clerk_handler(request: Request, exc: NeedsClerk) -> Response:
    return to_kiosk(request)


#: Titles in counter words (the generic ones read like HTTP to a clerk).
KIOSK_TITLES = {"Conflict": "Not possible right now", "Not found": "Not found",
                "Not allowed": "Not allowed"}


def domain_error_handler(request: Request, exc: DomainError) -> Response:
    title = KIOSK_TITLES.get(exc.title, exc.title)
    if isinstance(exc, ValidationFailed) and not exc.field_errors:
        title = DomainError.title  # no form was filled in: do not ask to check one
    context = {"status": exc.status_code, "title": title,
               "message": exc.message, "field_errors": exc.field_errors}
    if is_htmx(request):
        # htmx does not swap 4xx: show the message in the screen's alert slot with a 200.
        return kiosk_partial("kiosk/_error.html", context,
                             headers={"HX-Retarget": "#alerts", "HX-Reswap": "innerHTML"})
    return kiosk_page(request, "kiosk/error.html", context, status=exc.status_code)


EXCEPTION_HANDLERS: dict[Any, Any] = {
    EnrollmentProblem: enrolment_handler,
    NeedsClerk: needs_clerk_handler,
    DomainError: domain_error_handler,
}


def kiosk_router(handlers: list[Any]) -> Any:
    """A router for kiosk handlers: kiosk dependencies and kiosk-styled errors."""
    from litestar import Router
    from litestar.di import Provide

    from app.kiosk.context import clerk_at_kiosk, clerk_polling, enrolled_browser
    from app.web.guards import KIOSK_OPT

    return Router(
        path="/", route_handlers=handlers, exception_handlers=EXCEPTION_HANDLERS, opt=KIOSK_OPT,
        dependencies={"kiosk": Provide(enrolled_browser), "at": Provide(clerk_at_kiosk),
                      "poll": Provide(clerk_polling)},
    )
