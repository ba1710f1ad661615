"""GET /healthz for load balancers and monitoring."""

from __future__ import annotations

import pytest

from app.db import make_engine
from app.routes import health
from tests.fixtures import Browser
from tests.integration.test_auth_support import fingerprint


async def test_healthy(browser: Browser) -> None:
    response = await browser.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert response.headers["cache-control"] == "no-store"


async def test_healthz_needs_no_sign_in_and_writes_nothing(browser: Browser) -> None:
    before = await fingerprint()
    for _ in range(3):
        assert (await browser.get("/healthz")).status_code == 200
    assert await fingerprint() == before


async def test_database_unreachable_is_a_503_with_a_reason(
    browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A real engine pointed at a port where nothing listens.
    unreachable = make_engine("postgresql://postgres@127.0.0.1:9/faredesk_nowhere")

    async def ping_nowhere() -> None:
        await unreachable.run_ddl("SELECT 1")

    monkeypatch.setattr(health, "ping", ping_nowhere)
    response = await browser.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error" and body["database"] == "unreachable"
    assert body["reason"]  # the kind of failure, e.g. ConnectionRefusedError
    assert "password" not in response.text.lower()
