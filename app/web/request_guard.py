"""Checks every request passes before any handler runs (issue 9 items 2 and 10).

* Path parameters: an id that no 64-bit column can hold (`/deposit/99999999999999999999`) or a
  date outside the years faredesk books (`/0001-01-01`) names nothing: 404, never a server
  error from the database driver or date arithmetic.
* Cross-site requests: a state-changing request whose `Origin` is another site, or whose
  browser says `Sec-Fetch-Site: cross-site`, is refused even when it carries a valid CSRF
  token (a token can leak; the browser's own statement of where the request came from cannot
  be forged by a page).
* CSRF tokens bound to the session (`csrf_binding`): once signed in, the token is derived
  from the session, so a token from another session or planted before sign-in is refused.
* Header bounds: more than MAX_HEADERS request headers, or more than MAX_HEADER_BYTES of them
  in total, is refused with 431. The server (uvicorn/h11, see app.cli serve) bounds a single
  header line and the header block first; this is the same rule for any ASGI server.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date
from hmac import compare_digest
from urllib.parse import urlsplit

from litestar.datastructures import Cookie
from litestar.exceptions import PermissionDeniedException
from litestar.middleware.csrf import generate_csrf_hash
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from app.auth.sessions import COOKIE_NAME
from app.errors import Forbidden, NotFound
from app.formatting import MAX_YEAR, MIN_YEAR
from app.settings import get_settings

MAX_ID = 2**63 - 1
MAX_HEADERS = 100
MAX_HEADER_BYTES = 32 * 1024
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class HeadersTooLarge(Forbidden):
    status_code = 431
    title = "Request headers too large"


def check_path_params(scope: Scope) -> None:
    for value in (scope.get("path_params") or {}).values():
        if isinstance(value, bool):
            continue
        if isinstance(value, int) and not -MAX_ID <= value <= MAX_ID:
            raise NotFound("There is nothing at this address.")
        if isinstance(value, date) and not MIN_YEAR <= value.year <= MAX_YEAR:
            raise NotFound("There is nothing at this address.")


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin-1")
    return ""


def _own_origins(scope: Scope) -> set[str]:
    """The origins this request was addressed to (the Host it was sent to, either scheme)."""
    host = _header(scope, b"host") or ""
    server = scope.get("server")
    if not host and server:
        host = f"{server[0]}:{server[1]}" if server[1] else str(server[0])
    return {f"http://{host}".lower(), f"https://{host}".lower()}


def check_same_site(scope: Scope) -> None:
    """Refuse a state-changing request that the browser says came from another site."""
    if scope.get("method", "GET") in SAFE_METHODS:
        return
    if _header(scope, b"sec-fetch-site").strip().lower() == "cross-site":
        raise Forbidden("This form was sent from another site; faredesk refuses it.")
    origin = _header(scope, b"origin").strip().lower()
    if not origin:
        return  # older browsers and non-browser clients: the CSRF token still applies
    parts = urlsplit(origin)
    if f"{parts.scheme}://{parts.netloc}" not in _own_origins(scope):  # includes "null"
        raise Forbidden("This form was sent from another site; faredesk refuses it.")


def check_header_bounds(scope: Scope) -> None:
    headers = list(scope.get("headers", []))
    if len(headers) > MAX_HEADERS:
        raise HeadersTooLarge(f"A request may carry at most {MAX_HEADERS} headers.")
    if sum(len(k) + len(v) for k, v in headers) > MAX_HEADER_BYTES:
        raise HeadersTooLarge("The request's headers are too large.")


def request_guard(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            check_header_bounds(scope)
            check_same_site(scope)
            check_path_params(scope)
        await app(scope, receive, send)

    return middleware


# ---------------------------------------------------------------- CSRF bound to the session

CSRF_COOKIE = "faredesk_csrf"


def bound_csrf_token(session_token: str) -> str:
    """The CSRF token of a signed-in session, in Litestar's format (a 64-hex secret and its
    HMAC): the secret is derived from the session token, so a token taken from one session
    (or planted in the browser before sign-in) is worthless in another."""
    secret = get_settings().secret_key
    derived = hmac.new(secret.encode(), b"faredesk-csrf:" + session_token.encode(),
                       hashlib.sha256).hexdigest()
    return derived + generate_csrf_hash(token=derived, secret=secret)


def csrf_cookie(session_token: str) -> Cookie:
    settings = get_settings()
    return Cookie(key=CSRF_COOKIE, value=bound_csrf_token(session_token), path="/",
                  secure=settings.https, samesite="strict")


def _cookies(scope: Scope) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            for part in bytes(value).decode("latin-1").split(";"):
                name, _, item = part.strip().partition("=")
                found.setdefault(name, item)
    return found


def _all_values(scope: Scope, name: str) -> list[str]:
    values = []
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            for part in bytes(value).decode("latin-1").split(";"):
                item_name, _, item = part.strip().partition("=")
                if item_name == name:
                    values.append(item)
    return values


def _replace_cookie(scope: Scope, name: str, value: str) -> None:
    cookies = {k: v for k, v in _cookies(scope).items() if k != name}
    cookies[name] = value
    header = "; ".join(f"{k}={v}" for k, v in cookies.items()).encode("latin-1")
    headers = [(k, v) for k, v in scope.get("headers", []) if k != b"cookie"]
    scope["headers"] = [*headers, (b"cookie", header)]


def csrf_binding(app: ASGIApp) -> ASGIApp:
    """Runs after the session middleware and before Litestar's CSRF check: a signed-in
    request must carry its session's token; a page load re-issues it when it is missing."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope.get("auth"):
            await app(scope, receive, send)
            return
        cookies = _cookies(scope)
        expected = bound_csrf_token(cookies.get(COOKIE_NAME, ""))
        # Every CSRF cookie sent must be this session's: a second one planted beside it
        # (cookie tossing) must not be the one a later parser picks.
        sent = _all_values(scope, CSRF_COOKIE)
        if sent and all(compare_digest(value, expected) for value in sent):
            await app(scope, receive, send)
            return
        if scope.get("method", "GET") not in SAFE_METHODS:
            raise PermissionDeniedException("CSRF token verification failed: not this session's")
        _replace_cookie(scope, CSRF_COOKIE, expected)
        header = csrf_cookie(cookies.get(COOKIE_NAME, "")).to_header(header="").encode("latin-1")

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"set-cookie", header)]
            await send(message)

        await app(scope, receive, send_with_cookie)

    return middleware
