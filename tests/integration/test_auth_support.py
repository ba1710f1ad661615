"""Helpers shared by the foundation tests (sign-in, CSRF, security, pages, audit). No tests here.

- `override_settings(**env)`: run a block with some FAREDESK_* settings changed (the settings
  object is cached per process, so the cache is cleared on the way in and out).
- `route_table(app)`: every (method, path template, handler) the app serves, read from its
  route table, so tests cover routes other areas add later without being edited.
- `fingerprint()`: row counts of every table, to prove a request changed nothing.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from litestar import Litestar
from litestar.routes import HTTPRoute
from piccolo.conf.apps import Finder

from app.auth.sessions import COOKIE_NAME
from app.auth.tables import UserSession
from app.settings import get_settings
from app.web.guards import declared_capability
from tests.fixtures import Browser

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PATH_PARAM = re.compile(r"\{[^}:]+(?::([^}]+))?\}")
#: A value that matches each path parameter type (anything else gets "1").
SAMPLE_VALUES = {"date": "2026-01-02", "uuid": "00000000-0000-4000-8000-000000000001",
                 "datetime": "2026-01-02T10:00:00", "time": "10:00:00"}
#: Bookkeeping tables a request may touch without changing anything a user did.
SESSION_TABLES = frozenset({"user_session"})


@contextmanager
def override_settings(**env: str) -> Iterator[None]:
    """FAREDESK_<NAME>=value for the duration of the block, e.g. override_settings(HTTPS="1")."""
    saved: dict[str, str | None] = {}
    for name, value in env.items():
        key = f"FAREDESK_{name.upper()}"
        saved[key] = os.environ.get(key)
        os.environ[key] = value
    get_settings.cache_clear()
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old
        get_settings.cache_clear()


@dataclass(frozen=True)
class Endpoint:
    method: str
    template: str  # the path as declared, e.g. /admin/users/{user_id:int}
    handler: str
    capability: str | None = None  # what the route declares (app.web.guards.declared_capability)

    @property
    def path(self) -> str:
        """The path with every parameter filled with a value of its type (1 for numbers)."""
        return PATH_PARAM.sub(lambda m: SAMPLE_VALUES.get(m.group(1), "1"), self.template)

    @property
    def has_params(self) -> bool:
        return bool(PATH_PARAM.search(self.template))

    def __str__(self) -> str:
        return f"{self.method} {self.template} ({self.handler})"


def route_table(app: Litestar) -> list[Endpoint]:
    endpoints: list[Endpoint] = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            for method in sorted(handler.http_methods):
                endpoints.append(Endpoint(method, route.path, handler.handler_name,
                                          declared_capability(handler)))
    return sorted(set(endpoints), key=lambda e: (e.template, e.method))


def state_changing(app: Litestar) -> list[Endpoint]:
    return [e for e in route_table(app) if e.method not in SAFE_METHODS]


def plain_gets(app: Litestar) -> list[Endpoint]:
    return [e for e in route_table(app) if e.method == "GET" and not e.has_params]


async def fingerprint() -> dict[str, int]:
    """Row count of every table (session bookkeeping excluded)."""
    counts: dict[str, int] = {}
    for table in Finder().get_table_classes():
        name = table._meta.tablename
        if name not in SESSION_TABLES:
            counts[name] = await table.count()
    return counts


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def session_token(browser: Browser) -> str:
    return browser.cookies.get(COOKIE_NAME, "") or ""


async def session_row(token: str) -> dict[str, Any] | None:
    row: dict[str, Any] | None = await UserSession.select().where(
        UserSession.token_hash == token_hash(token)
    ).first()
    return row


async def age_session(token: str, **columns: datetime) -> None:
    """Move a session's timestamps (last_seen_at, expires_at) as if time had passed."""
    values = {getattr(UserSession, name): value for name, value in columns.items()}
    await UserSession.update(values).where(UserSession.token_hash == token_hash(token))
