"""Administrators register terminals and enrol kiosk browsers; revoked browsers stop working."""

from __future__ import annotations

import re
from html import unescape

import pytest

from app.audit.tables import AuditEvent
from app.auth.roles import Role
from app.auth.sessions import COOKIE_NAME
from app.errors import Forbidden, ValidationFailed
from app.terminals import services as terminals
from app.terminals.tables import KioskEnrollment, Terminal
from tests.fixtures import Browser, make_org, make_user, signed_in, unique
from tests.integration.test_kiosk_support import make_counter, make_terminal


async def test_register_terminal_defaults_devices_from_settings(browser: Browser) -> None:
    org = await make_org()
    admin = await make_user(Role.ADMINISTRATOR)
    await signed_in(browser, admin)
    page = await browser.get("/admin/terminals/new")
    assert page.status_code == 200
    assert 'name="printer_url" type="text" value="sim://"' in page.text
    code = unique("T").upper()
    response = await browser.post_form("/admin/terminals/new", {
        "code": code, "name": "Window 3", "location_id": str(org.location_id),
        "printer_url": "tcp://10.0.0.5:9100", "payment_url": "sim://", "cardreader_url": "sim://",
        "display_url": "sim://", "paper_width_mm": "58", "active": "1"})
    assert response.status_code == 303
    row = await Terminal.select().where(Terminal.code == code).first()
    assert row["printer_url"] == "tcp://10.0.0.5:9100" and row["paper_width_mm"] == 58
    assert await AuditEvent.exists().where(
        (AuditEvent.action == "terminal.create") & (AuditEvent.object_id == str(row["id"])))
    listing = await browser.get("/admin/terminals")  # by code, a page at a time
    cell = f'">{code}</a></td>'  # its own row (another test's code may begin with this one)
    while cell not in listing.text and (
            more := re.search(r'href="([^"]+)" data-testid="pager-next"', listing.text)):
        listing = await browser.get(unescape(more.group(1)))
    assert cell in listing.text and "Window 3" in listing.text


async def test_bad_terminal_form_rerenders_with_field_errors_and_saves_nothing(
        browser: Browser) -> None:
    admin = await make_user(Role.ADMINISTRATOR)
    await signed_in(browser, admin)
    before = await Terminal.count()
    response = await browser.post_form("/admin/terminals/new", {
        "code": "bad code", "name": "", "location_id": "", "printer_url": "lpt1",
        "payment_url": "sim://", "cardreader_url": "sim://", "display_url": "sim://",
        "paper_width_mm": "70"})
    assert response.status_code == 400
    assert "Use 1–20 capital letters" in response.text
    assert "Use a device address like sim://" in response.text
    assert "Receipt paper is 58 or 80 mm wide." in response.text
    assert await Terminal.count() == before


async def test_only_administrators_manage_terminals(browser: Browser) -> None:
    org, _admin, terminal_id, _ = await make_terminal()
    supervisor = await make_user(Role.SUPERVISOR, (org.section_id,))
    with pytest.raises(Forbidden):
        await terminals.enrol_browser(supervisor, terminal_id)
    await signed_in(browser, supervisor)
    assert (await browser.get("/admin/terminals")).status_code == 403


async def test_enrol_this_browser_sets_httponly_cookie_and_keeps_only_the_hash(
        browser: Browser) -> None:
    _org, admin, terminal_id, code = await make_terminal()
    await signed_in(browser, admin)
    response = await browser.post_form(f"/admin/terminals/{terminal_id}/enrol",
                                       {"label": "Window 1"})
    assert response.status_code == 303
    cookie = next(c for c in response.headers.get_list("set-cookie")
              if c.startswith(f"{terminals.KIOSK_COOKIE}="))
    assert "HttpOnly" in cookie
    token = browser.cookies.get(terminals.KIOSK_COOKIE)
    row = await KioskEnrollment.select().where(KioskEnrollment.terminal == terminal_id).first()
    assert row["token_hash"] == terminals.token_hash(token) and row["token_hash"] != token
    assert row["label"] == "Window 1"
    assert response.headers["location"] == "/kiosk?enrolled=1"
    kiosk = await browser.get("/kiosk?enrolled=1")
    assert kiosk.status_code == 200 and "Sign in to the counter" in kiosk.text
    assert f"This browser is now the counter kiosk {code}" in kiosk.text
    await signed_in(browser, admin)  # from the back office, the admin sees the enrolment
    page = await browser.get(f"/admin/terminals/{terminal_id}")
    assert "Window 1" in page.text and f"enrolled as <strong>{code}</strong>" in page.text


async def test_enrolment_signs_the_administrator_out_of_that_browser(browser: Browser) -> None:
    _org, admin, terminal_id, _code = await make_terminal()
    await signed_in(browser, admin)
    session = browser.cookies.get(COOKIE_NAME)
    response = await browser.post_form(f"/admin/terminals/{terminal_id}/enrol", {"label": "W2"})
    assert response.status_code == 303
    assert browser.cookies.get(COOKIE_NAME) is None  # the session cookie was deleted
    back_office = await browser.get("/admin/terminals")
    assert back_office.status_code == 303 and back_office.headers["location"].startswith("/login")
    # The old session is over on the server too: replaying its cookie does not sign anyone in.
    browser.cookies.set(COOKIE_NAME, session)
    assert (await browser.get("/admin/terminals")).status_code == 303
    event = await AuditEvent.select().where(
        (AuditEvent.action == "auth.sign_out") & (AuditEvent.actor == admin.id)
    ).first()
    assert event is not None and "enrolled as a kiosk" in event["summary"]


async def test_kiosk_pages_never_show_the_back_office_navigation(browser: Browser) -> None:
    counter = await make_counter()
    await signed_in(browser, counter.admin)  # an administrator signed in on the counter anyway
    browser.cookies.set(terminals.KIOSK_COOKIE, counter.token)
    for path in ("/kiosk", "/kiosk/no-such-page"):
        page = await browser.get(path)
        assert 'class="mainnav"' not in page.text and "kiosk.css" in page.text, path


async def test_kiosk_refuses_a_browser_that_is_not_enrolled(browser: Browser) -> None:
    response = await browser.get("/kiosk")
    assert response.status_code == 403
    assert "This browser is not enrolled as a counter kiosk." in response.text
    assert "How to enrol this browser" in response.text


async def test_revoked_browser_is_refused_at_once(browser: Browser) -> None:
    counter = await make_counter()
    browser.cookies.set(terminals.KIOSK_COOKIE, counter.token)
    assert (await browser.get("/kiosk")).status_code == 200
    enrollment = await KioskEnrollment.select().where(
        KioskEnrollment.token_hash == terminals.token_hash(counter.token)).first()
    admin_browser = browser  # the admin revokes from the back office (same client is fine)
    await signed_in(admin_browser, counter.admin)
    revoked = await admin_browser.post_form(f"/admin/enrollments/{enrollment['id']}/revoke")
    assert revoked.status_code == 303
    response = await browser.get("/kiosk")
    assert response.status_code == 403
    assert "enrolment was revoked" in response.text
    assert await AuditEvent.exists().where(AuditEvent.action == "kiosk.revoke")


async def test_deactivated_terminal_stops_its_kiosks(browser: Browser) -> None:
    counter = await make_counter()
    await signed_in(browser, counter.admin)
    assert (await browser.post_form(
        f"/admin/terminals/{counter.terminal_id}/deactivate")).status_code == 303
    browser.cookies.set(terminals.KIOSK_COOKIE, counter.token)
    response = await browser.get("/kiosk")
    assert response.status_code == 403 and "has been deactivated" in response.text
    with pytest.raises(ValidationFailed):
        await terminals.enrol_browser(counter.admin, counter.terminal_id)
    assert (await browser.post_form(
        f"/admin/terminals/{counter.terminal_id}/activate")).status_code == 303
    assert (await browser.get("/kiosk")).status_code == 200


async def test_edit_terminal_records_what_changed(browser: Browser) -> None:
    org, admin, terminal_id, code = await make_terminal()
    await signed_in(browser, admin)
    page = await browser.get(f"/admin/terminals/{terminal_id}")
    assert page.status_code == 200 and "Enrol this browser as" in page.text
    response = await browser.post_form(f"/admin/terminals/{terminal_id}", {
        "code": code, "name": "Renamed", "location_id": str(org.location_id),
        "printer_url": "sim://", "payment_url": "sim://", "cardreader_url": "sim://",
        "display_url": "sim://", "paper_width_mm": "80", "active": "1"})
    assert response.status_code == 303
    event = await AuditEvent.select().where(
        (AuditEvent.action == "terminal.update") & (AuditEvent.object_id == str(terminal_id))
    ).first()
    assert '"to": "Renamed"' in event["summary"]


async def test_home_panel_lists_the_counters_of_my_sections(browser: Browser) -> None:
    from tests.integration.test_kiosk_support import clerk_signs_in, open_shift

    counter = await make_counter()
    kiosk_clerk = await clerk_signs_in(browser, counter)
    await open_shift(browser, d2000=5)
    colleague = await make_user(Role.LEAD, (counter.org.section_id,))
    await signed_in(browser, colleague)
    home = await browser.get("/")
    assert 'data-testid="terminals-panel"' in home.text
    assert counter.code in home.text and kiosk_clerk.username in home.text
    outsider = await make_user(Role.CLERK)
    await signed_in(browser, outsider)
    assert counter.code not in (await browser.get("/")).text
