"""Loads the signed-in principal from the session cookie into the ASGI scope."""

from __future__ import annotations

from litestar.types import ASGIApp, Receive, Scope, Send

from app.auth.sessions import COOKIE_NAME, load_session


def client_origin(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else ""


def _cookie(scope: Scope, name: str) -> str:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                k, _, v = part.strip().partition("=")
                if k == name:
                    return v
    return ""


#: Paths that never need to know who is asking (no database work for them).
ANONYMOUS_PREFIXES = ("/static/", "/healthz")


async def identify_for_error_page(_: Exception, scope: Scope) -> None:
    """Errors raised before routing (404, 405) bypass the middleware; the error page still needs to
    know who is signed in to show their navigation."""
    if scope.get("type") != "http" or "user" in scope or scope["path"].startswith(ANONYMOUS_PREFIXES):
        return
    try:
        active = await load_session(_cookie(scope, COOKIE_NAME), client_origin(scope))
    except Exception:  # the error page must render even when the database is down
        active = None
    scope["user"] = active.principal if active else None
    scope["auth"] = active


def session_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(ANONYMOUS_PREFIXES):
            scope["user"] = None
            scope["auth"] = None
        elif scope["type"] == "http":
            active = await load_session(_cookie(scope, COOKIE_NAME), client_origin(scope))
            scope["user"] = active.principal if active else None
            scope["auth"] = active
        await app(scope, receive, send)

    return middleware
