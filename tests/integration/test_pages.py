"""Who sees which page, error pages (403, 404, 500) as full pages or htmx partials, home per role."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from html import unescape

import httpx
import pytest
from litestar import get

from app.auth.roles import Role
from app.auth.tables import User
from app.main import create_app
from app.navigation import nav_for
from app.org.tables import Location, Section
from app.routes import home as home_routes
from tests.fixtures import Browser, make_org, make_user, signed_in

ADMIN_PAGES = ["/admin/users", "/admin/users/new", "/admin/org", "/admin/sections/new",
               "/admin/locations/new"]
AUDIT_PAGES = ["/audit", "/audit.csv"]
STACK_TRACE_MARKERS = ("Traceback", 'File "', "RuntimeError", "line ", "secret-internal-detail")


def expected_status(role: Role, path: str) -> int:
    if role is Role.ADMINISTRATOR:
        return 200
    if role is Role.AUDITOR and path in AUDIT_PAGES:
        return 200
    return 403


@pytest.mark.parametrize("role", list(Role))
async def test_authorization_matrix(browser: Browser, role: Role) -> None:
    user = await make_user(role)
    await signed_in(browser, user)
    for path in ADMIN_PAGES + AUDIT_PAGES:
        response = await browser.get(path)
        assert response.status_code == expected_status(role, path), (role, path)
        if response.status_code == 403:
            assert "Not allowed" in response.text
            assert "Your role does not give access to this page." in response.text
            assert "<html" in response.text  # the 403 page is a full page with navigation
            assert 'aria-label="Main"' in response.text
    assert (await browser.get("/")).status_code == 200  # everyone has a home page


@pytest.mark.parametrize("path", ["/", *ADMIN_PAGES, *AUDIT_PAGES])
async def test_signed_out_visitors_are_sent_to_sign_in(browser: Browser, path: str) -> None:
    response = await browser.get(path)
    assert response.status_code == 303
    assert response.headers["location"] in ("/login", f"/login?next={path}")


async def test_htmx_request_when_signed_out_redirects_the_whole_page(browser: Browser) -> None:
    response = await browser.get("/admin/users", headers={"hx-request": "true"})
    assert response.status_code == 401
    assert response.headers["hx-redirect"] == "/login"


async def test_navigation_matches_the_role(browser: Browser) -> None:
    for role in Role:
        user = await make_user(role)
        async with Browser(transport=browser._transport, base_url="http://testserver") as b:
            await signed_in(b, user)
            html = (await b.get("/")).text
            nav = html.split('aria-label="Main"', 1)[1].split("</nav>", 1)[0]
            labels = [unescape(label) for label in re.findall(r'<a href="[^"]*"[^>]*>([^<]+)</a>', nav)]
            assert labels == [item.label for item in nav_for(user)], role


# --- error pages -------------------------------------------------------------------------


async def test_404_is_a_full_page_and_a_partial_for_htmx(browser: Browser) -> None:
    admin = await make_user(Role.ADMINISTRATOR)
    await signed_in(browser, admin)
    full = await browser.get("/no/such/page")
    assert full.status_code == 404
    assert "<html" in full.text and "Page not found" in full.text
    assert 'aria-label="Main"' in full.text  # navigation stays, so the user can move on
    partial = await browser.get("/no/such/page", headers={"hx-request": "true"})
    assert partial.status_code == 404
    assert "<html" not in partial.text and "Page not found" in partial.text
    assert partial.headers["hx-retarget"] == "#alerts"


async def test_404_for_a_missing_object(browser: Browser) -> None:
    admin = await make_user(Role.ADMINISTRATOR)
    await signed_in(browser, admin)
    response = await browser.get("/admin/users/987654321")
    assert response.status_code == 404
    assert "No such user." in response.text


async def test_403_partial_for_htmx(browser: Browser) -> None:
    clerk = await make_user(Role.CLERK)
    await signed_in(browser, clerk)
    partial = await browser.get("/admin/users", headers={"hx-request": "true"})
    assert partial.status_code == 403
    assert "<html" not in partial.text
    assert 'role="alert"' in partial.text and "Not allowed" in partial.text


@get("/test-only/explode", name="test.explode")
async def explode() -> str:
    raise RuntimeError("secret-internal-detail at /srv/faredesk/app.py")


@pytest.fixture
async def exploding_browser() -> AsyncIterator[Browser]:
    app = create_app()
    app.register(explode)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50020))
    async with Browser(transport=transport, base_url="http://testserver") as client:
        yield client


async def test_500_is_a_page_without_a_stack_trace(exploding_browser: Browser) -> None:
    admin = await make_user(Role.ADMINISTRATOR)
    await signed_in(exploding_browser, admin)
    full = await exploding_browser.get("/test-only/explode")
    assert full.status_code == 500
    assert "<html" in full.text and "Something went wrong" in full.text
    assert re.search(r"quote reference [0-9A-F]{8}", full.text)
    partial = await exploding_browser.get("/test-only/explode", headers={"hx-request": "true"})
    assert partial.status_code == 500 and "<html" not in partial.text
    for response in (full, partial):
        for marker in STACK_TRACE_MARKERS:
            assert marker not in response.text, marker


async def test_a_failing_service_gives_the_500_page(
    browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    clerk = await make_user(Role.CLERK)
    await signed_in(browser, clerk)

    async def broken(_principal: object) -> None:
        raise ValueError("secret-internal-detail")

    monkeypatch.setattr(home_routes, "dashboard", broken)
    response = await browser.get("/")
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    for marker in STACK_TRACE_MARKERS:
        assert marker not in response.text


async def test_error_page_for_an_anonymous_visitor_has_no_navigation(browser: Browser) -> None:
    response = await browser.get("/no/such/page")
    assert response.status_code == 404
    assert 'aria-label="Main"' not in response.text


# --- home page per role ------------------------------------------------------------------


def _testid(html: str, name: str) -> str:
    match = re.search(rf'data-testid="{name}">([^<]*)<', html)
    assert match, name
    return match.group(1).strip()


async def test_administrator_home_counts_come_from_the_database(browser: Browser) -> None:
    admin = await make_user(Role.ADMINISTRATOR)
    await signed_in(browser, admin)
    first = await browser.get("/")
    assert int(_testid(first.text, "active-users")) == await User.count().where(User.active.eq(True))

    await make_user(Role.CLERK)  # one more active user shows at once
    second = await browser.get("/")
    assert int(_testid(second.text, "active-users")) == int(_testid(first.text, "active-users")) + 1
    assert str(await Section.count().where(Section.active.eq(True))) in second.text
    assert str(await Location.count().where(Location.active.eq(True))) in second.text


async def test_clerk_home_shows_their_own_sections_only(browser: Browser) -> None:
    mine, other = await make_org(), await make_org()
    clerk = await make_user(Role.CLERK, (mine.section_id,))
    await signed_in(browser, clerk)
    html = (await browser.get("/")).text
    assert f"Location {mine.code}" in html
    assert f"Location {other.code}" not in html
    assert 'data-testid="active-users"' not in html  # no administrator figures
    assert "Your latest activity" in html
    assert "Signed in" in html  # their own sign-in is their latest activity, in words
    assert "auth.sign_in" not in html and f"user #{clerk.id}" in html


async def test_auditor_home_shows_all_locations_and_latest_changes(browser: Browser) -> None:
    org = await make_org()
    auditor = await make_user(Role.AUDITOR)
    await signed_in(browser, auditor)
    html = (await browser.get("/")).text
    assert "All locations" in html and f"Location {org.code}" in html
    assert "Latest changes" in html
