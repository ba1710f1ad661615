"""Every route declares the capability it needs, and its guard refuses everyone else.

Generated from the application's route table, so a new route that forgets its
`requires(Capability.X)` guard (or an explicit `opt=PUBLIC`, or the kiosk router) fails here.
"""

from __future__ import annotations

import re
from datetime import date

import httpx
import pytest
from litestar.handlers import HTTPRouteHandler

from app.auth.capabilities import Capability, roles_with
from app.auth.roles import Role
from app.web.guards import declared_capability
from tests.fixtures import Browser, app_instance, make_org, make_user, signed_in

#: The routes anyone may reach, by path and method.
PUBLIC_ROUTES = {("/login", "GET"), ("/login", "POST"), ("/logout", "POST"),
                 ("/healthz", "GET"), ("/static/{file_path:path}", "GET"),
                 ("/static/{file_path:path}", "HEAD"),
                 # the public pages for riders (language access) and the mail opt-out link
                 ("/fares", "GET"), ("/language", "POST"),
                 ("/mail/opt-out", "GET"), ("/mail/opt-out", "POST")}


def _routes() -> list[tuple[str, str, HTTPRouteHandler]]:
    """(path, method, handler) for every route the application serves (OPTIONS aside)."""
    found = []
    for route in app_instance().routes:
        for handler in getattr(route, "route_handlers", ()):
            for method in sorted(handler.http_methods - {"OPTIONS"}):
                found.append((route.path, method, handler))
    return found


def _guarded() -> list[tuple[str, str, Capability]]:
    return [(path, method, Capability(declared))
            for path, method, handler in _routes()
            if (declared := declared_capability(handler)) not in (None, "public")
            and not path.startswith("/kiosk")]


def test_every_route_declares_its_capability() -> None:
    routes = _routes()
    assert len(routes) > 80  # the table really was enumerated
    undeclared = [f"{method} {path}" for path, method, handler in routes
                  if declared_capability(handler) is None]
    assert undeclared == []
    public = {(path, method) for path, method, handler in routes
              if declared_capability(handler) == "public"}
    assert public == PUBLIC_ROUTES
    for path, method, handler in routes:
        if path.startswith("/kiosk"):
            assert declared_capability(handler) == Capability.USE_KIOSK, f"{method} {path}"


def _concrete(path: str) -> str:
    """A URL for the route pattern: 1 for ids, a date for days, `x` for strings."""
    path = re.sub(r"\{[a-z_]+:int\}", "1", path)
    path = re.sub(r"\{[a-z_]+:date\}", date(2026, 11, 20).isoformat(), path)
    return re.sub(r"\{[a-z_]+:(str|path)\}", "x", path)


@pytest.fixture
async def people() -> dict[Role, Browser]:
    """One signed-in browser per role (supervisors and the like in one section)."""
    org = await make_org()
    browsers = {}
    for role in Role:
        user = await make_user(role, () if role in roles_with(Capability.ACT_IN_ALL_SECTIONS)
                               else (org.section_id,))
        transport = httpx.ASGITransport(app=app_instance(), client=("127.0.0.1", 50000))
        browser = Browser(transport=transport, base_url="http://testserver")
        browsers[role] = await signed_in(browser, user)
    return browsers


async def test_each_guard_refuses_every_role_without_its_capability(
    people: dict[Role, Browser],
) -> None:
    """Role × route: a role lacking the route's capability gets 403 and nothing runs; an
    anonymous visitor is sent to sign in."""
    checked = 0
    try:
        for path, method, capability in _guarded():
            url = _concrete(path)
            for role, browser in people.items():
                if role in roles_with(capability):
                    continue
                if method == "GET":
                    response = await browser.get(url)
                else:
                    response = await browser.post_form(url, {})
                assert response.status_code == 403, f"{role} {method} {url}"
                checked += 1
        anonymous = Browser(transport=httpx.ASGITransport(app=app_instance()),
                            base_url="http://testserver")
        for path, method, _capability in _guarded():
            if method == "GET":
                response = await anonymous.get(_concrete(path))
                assert response.status_code in (302, 303), path
                assert response.headers["location"].startswith("/login"), path
    finally:
        for browser in people.values():
            await browser.aclose()
    assert checked > 150
