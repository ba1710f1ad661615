"""In a real browser: each demo role signs in, sees its own navigation, and signs out."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.auth.principal import Principal
from app.auth.roles import Role
from app.main import create_app  # noqa: F401  (imports every area, as the server does)
from app.navigation import nav_for
from tests.e2e.conftest import DEMO_PASSWORD, LiveServer, sign_in, sign_out

pytestmark = pytest.mark.e2e

DEMO_ROLES = {
    "admin": Role.ADMINISTRATOR, "supervisor": Role.SUPERVISOR, "lead": Role.LEAD,
    "coordinator": Role.COORDINATOR, "clerk": Role.CLERK, "auditor": Role.AUDITOR,
}
SHOTS = Path(os.environ.get("FAREDESK_SHOTS_DIR", "/tmp/shots"))


def expected_nav(username: str) -> list[str]:
    principal = Principal(id=0, username=username, full_name="", role=DEMO_ROLES[username])
    return [item.label for item in nav_for(principal)]


@pytest.mark.parametrize("username", list(DEMO_ROLES))
def test_each_role_signs_in_sees_its_navigation_and_signs_out(page: Page, username: str) -> None:
    sign_in(page, username)
    assert page.url.endswith("/")
    expect(page.locator("h1")).to_contain_text("Good day")
    expect(page.locator(".whoami")).to_contain_text(DEMO_ROLES[username].label)
    labels = [text.strip() for text in page.locator("nav.mainnav a").all_inner_texts()]
    assert labels == expected_nav(username)
    expect(page.locator('nav.mainnav a[aria-current="page"]')).to_have_text("Home")

    sign_out(page)
    assert page.url.endswith("/login")
    expect(page.locator("nav.mainnav")).to_have_count(0)
    # Signed out means signed out: the home page sends us back to sign in.
    page.goto("/")
    assert "/login" in page.url


def test_wrong_password_shows_the_error_and_keeps_the_username(page: Page) -> None:
    sign_in(page, "clerk", "not-the-password")
    error = page.locator("[data-testid=login-error]")
    expect(error).to_have_text("That username and password do not match an active account.")
    expect(page.locator("#username")).to_have_value("clerk")
    expect(page.locator("#password")).to_have_value("")
    expect(page.locator("nav.mainnav")).to_have_count(0)


def test_unknown_user_gets_the_same_message(page: Page) -> None:
    sign_in(page, "nobody-at-all", DEMO_PASSWORD)
    expect(page.locator("[data-testid=login-error]")).to_have_text(
        "That username and password do not match an active account.")


def test_a_deep_link_returns_there_after_sign_in(page: Page) -> None:
    page.goto("/audit")
    assert "/login?next=/audit" in page.url
    page.fill("#username", "auditor")
    page.fill("#password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.url.endswith("/audit")
    expect(page.locator("h1")).to_have_text("Audit log")


def test_forbidden_page_in_the_browser(page: Page) -> None:
    sign_in(page, "clerk")
    response = page.goto("/admin/users")
    assert response is not None and response.status == 403
    expect(page.locator("h1")).to_have_text("Not allowed")
    expect(page.locator("nav.mainnav")).to_be_visible()


def test_keyboard_only_sign_in(page: Page) -> None:
    page.goto("/login")
    expect(page.locator("#username")).to_be_focused()  # autofocus
    page.keyboard.type("supervisor")
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".whoami")).to_contain_text("Supervisor")


def test_no_console_errors_or_csp_violations(page: Page) -> None:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    sign_in(page, "admin")
    for path in ("/", "/admin/users", "/admin/users/new", "/admin/org", "/audit"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert problems == []
    assert page.evaluate("typeof htmx !== 'undefined' && htmx.version") == "2.0.11"


def test_audit_filter_upgrades_with_htmx(page: Page, live_server: LiveServer) -> None:
    sign_in(page, "admin")
    page.goto("/audit")
    page.select_option("#q-action", "auth.sign_in")
    expect(page.locator("[data-testid=audit-table] tbody tr").first).to_contain_text("auth.sign_in")
    page.wait_for_url("**/audit?*action=auth.sign_in*")
    for row in page.locator("[data-testid=audit-table] tbody tr code").all_inner_texts():
        assert row == "auth.sign_in"


@pytest.mark.parametrize("username", ["admin", "clerk"])
@pytest.mark.parametrize(("width", "height"), [(1024, 768), (1440, 900)])
def test_screens_fit_from_kiosk_to_desktop(page: Page, username: str, width: int, height: int) -> None:
    """Screenshots for a person to look at, and no sideways scrolling at either size."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, username)
    for name, path in (("home", "/"), ("users", "/admin/users")):
        page.goto(path)
        page.screenshot(path=str(SHOTS / f"{username}-{name}-{width}x{height}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"


def test_admin_pages_fit_a_kiosk_screen(page: Page) -> None:
    """The sign-in page and every foundation page at 1024×768: screenshots and no sideways scroll."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto("/login")
    page.screenshot(path=str(SHOTS / "login-1024x768.png"))
    sign_in(page, "admin")
    for name, path in (("user-form", "/admin/users/new"), ("user-edit", "/admin/users/5"),
                       ("org", "/admin/org"), ("audit", "/audit"), ("not-found", "/no/such/page")):
        page.goto(path)
        page.screenshot(path=str(SHOTS / f"admin-{name}-1024x768.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
