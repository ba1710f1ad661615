"""One place that turns every failure into a page (or an htmx partial) a person understands.

No stack trace ever reaches a page; unexpected errors are logged with a reference number the
user can quote.
"""

from __future__ import annotations

import logging
import secrets

from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    PermissionDeniedException,
)
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from app.errors import DomainError, ValidationFailed
from app.navigation import nav_for
from app.web.htmx import is_htmx

log = logging.getLogger("faredesk.errors")

TITLES = {
    400: "That request could not be read",
    403: "Not allowed",
    404: "Page not found",
    405: "Not allowed here",
    413: "That is too large",
    500: "Something went wrong",
}

MESSAGES = {
    400: "Some of what was sent could not be understood. Go back and check the form.",
    404: "There is nothing at this address. Use the navigation to find what you need.",
    405: "That action cannot be done from here.",
    413: "What you sent is larger than faredesk accepts. Send something smaller.",
}


def _error_response(
    request: Request, status: int, message: str, *, title: str | None = None,
    field_errors: dict[str, str] | None = None,
) -> Response:
    user = request.scope.get("user")
    if title == ValidationFailed.title and not field_errors:
        title = DomainError.title  # no form was filled in: do not ask to check one
    kiosk = request.url.path == "/kiosk" or request.url.path.startswith("/kiosk/")
    context = {
        "status": status,
        "title": title or TITLES.get(status, "That could not be done"),
        "message": message,
        "field_errors": field_errors or {},
        "user": user,
        "nav": nav_for(user) if user else [],
        "current_path": request.url.path,
    }
    htmx = is_htmx(request)
    template = "errors/_error.html" if htmx else "errors/error.html"
    if kiosk:  # the counter never shows the back office's navigation, whoever is signed in
        context.update(user=None, nav=[], idle_seconds=0, flash="")
        template = "kiosk/_error.html" if htmx else "kiosk/error.html"
    # htmx does not swap 4xx/5xx by default: ask it to show the message in the page's alert slot.
    headers = {"HX-Retarget": "#alerts", "HX-Reswap": "innerHTML"} if htmx else {}
    return Template(template_name=template, context=context, status_code=status, headers=headers)


def domain_error_handler(request: Request, exc: DomainError) -> Response:
    return _error_response(
        request, exc.status_code, exc.message, title=exc.title, field_errors=exc.field_errors
    )


def not_authorized_handler(request: Request, exc: NotAuthorizedException) -> Response:
    if is_htmx(request):
        return Response(content="", status_code=401, headers={"HX-Redirect": "/login"})
    target = "/login"
    if request.method == "GET" and request.url.path not in ("/", "/login"):
        target = f"/login?next={request.url.path}"
    return Redirect(path=target, status_code=HTTP_303_SEE_OTHER)  # type: ignore[return-value]


def forbidden_handler(request: Request, exc: PermissionDeniedException) -> Response:
    detail = str(exc.detail or "")
    if "CSRF" in detail:
        message = "This form has expired or was sent from elsewhere. Reload the page and try again."
    else:
        message = detail or "Your role does not give access to this page."
    return _error_response(request, 403, message)


def http_exception_handler(request: Request, exc: HTTPException) -> Response:
    status = exc.status_code
    if status >= 500:
        return internal_error_handler(request, exc)
    return _error_response(request, status, MESSAGES.get(status, str(exc.detail)))


def internal_error_handler(request: Request, exc: Exception) -> Response:
    reference = secrets.token_hex(4).upper()
    log.exception("unhandled error %s on %s %s", reference, request.method, request.url.path,
                  exc_info=exc)
    return _error_response(
        request, 500,
        f"faredesk could not finish this. Nothing was half-saved. Try again; if it keeps "
        f"happening, tell the administrator and quote reference {reference}.",
    )


EXCEPTION_HANDLERS = {
    DomainError: domain_error_handler,
    NotAuthorizedException: not_authorized_handler,
    PermissionDeniedException: forbidden_handler,
    HTTPException: http_exception_handler,
    Exception: internal_error_handler,
}
