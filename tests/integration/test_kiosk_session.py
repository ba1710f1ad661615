"""Clerk sign-in at an enrolled kiosk, auto-lock that keeps the work, unlock by the same PIN."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.audit.tables import AuditEvent
from app.auth.roles import Role
from app.kiosk.tables import KioskSession
from tests.fixtures import PIN, Browser, make_org, make_user
from tests.integration.test_kiosk_support import clerk_signs_in, enrol, make_counter


async def _age_session(clerk_id: int, seconds: int) -> None:
    await KioskSession.update({
        KioskSession.last_activity_at: datetime.now(UTC) - timedelta(seconds=seconds)
    }).where((KioskSession.clerk == clerk_id) & KioskSession.ended_at.is_null())


async def test_clerk_signs_in_with_username_and_pin(browser: Browser) -> None:
    counter = await make_counter()
    clerk = await clerk_signs_in(browser, counter)
    page = await browser.get("/kiosk")
    assert page.status_code == 200
    assert f"Open a shift on {counter.code}" in page.text
    assert clerk.full_name.split()[0] in page.text or clerk.username in page.text
    assert 'class="mainnav"' not in page.text  # full screen: no back-office navigation
    assert await AuditEvent.exists().where(
        (AuditEvent.action == "kiosk.sign_in") & (AuditEvent.actor == clerk.id)
        & AuditEvent.origin.like(f"{counter.code}@%"))


async def test_badge_scan_signs_in(browser: Browser) -> None:
    from app.auth.tables import User

    counter = await make_counter()
    clerk = await make_user(Role.CLERK, (counter.org.section_id,))
    badge = f"B{clerk.id:08d}"
    await User.update({User.badge_code: badge}).where(User.id == clerk.id)
    enrol(browser, counter)
    response = await browser.post_form("/kiosk/sign-in", {"login": badge, "pin": PIN})
    assert response.status_code == 303
    assert "Open a shift" in (await browser.get("/kiosk")).text


async def test_wrong_pin_keeps_the_sign_in_screen(browser: Browser) -> None:
    counter = await make_counter()
    clerk = await make_user(Role.CLERK, (counter.org.section_id,))
    enrol(browser, counter)
    response = await browser.post_form("/kiosk/sign-in", {"login": clerk.username, "pin": "0000"})
    assert response.status_code == 401
    assert "do not match an active counter account" in response.text
    assert f'value="{clerk.username}"' in response.text
    assert not await KioskSession.exists().where(KioskSession.clerk == clerk.id)


async def test_clerk_of_another_section_is_refused(browser: Browser) -> None:
    counter = await make_counter()
    other = await make_org()
    stranger = await make_user(Role.CLERK, (other.section_id,))
    enrol(browser, counter)
    response = await browser.post_form("/kiosk/sign-in", {"login": stranger.username, "pin": PIN})
    assert response.status_code == 401
    assert "not assigned to the section" in response.text


async def test_back_office_roles_have_no_kiosk_pin(browser: Browser) -> None:
    counter = await make_counter()
    enrol(browser, counter)
    response = await browser.post_form("/kiosk/sign-in",
                                       {"login": counter.admin.username, "pin": PIN})
    assert response.status_code == 401


async def test_idle_kiosk_locks_and_the_same_clerk_unlocks(browser: Browser) -> None:
    counter = await make_counter()
    clerk = await clerk_signs_in(browser, counter)
    await _age_session(clerk.id, 10_000)
    locked = await browser.get("/kiosk")
    assert "kiosk-locked" in locked.text and "Locked" in locked.text
    # actions are refused while locked: they go back to the lock screen
    action = await browser.get("/kiosk/shift/close")
    assert action.status_code == 303 and action.headers["location"] == "/kiosk"
    wrong = await browser.post_form("/kiosk/unlock", {"pin": "9999"})
    assert wrong.status_code == 401 and "Locked" in wrong.text
    ok = await browser.post_form("/kiosk/unlock", {"pin": PIN})
    assert ok.status_code == 303
    assert "Open a shift" in (await browser.get("/kiosk")).text


async def test_lock_button_and_htmx_redirect(browser: Browser) -> None:
    counter = await make_counter()
    await clerk_signs_in(browser, counter)
    assert (await browser.post_form("/kiosk/lock")).status_code == 303
    response = await browser.get("/kiosk/shift/close", headers={"HX-Request": "true"})
    assert response.headers.get("hx-redirect") == "/kiosk"


async def test_another_clerk_signing_in_ends_the_locked_session(browser: Browser) -> None:
    counter = await make_counter()
    first = await clerk_signs_in(browser, counter)
    await browser.post_form("/kiosk/lock")
    second = await make_user(Role.CLERK, (counter.org.section_id,))
    response = await browser.post_form("/kiosk/sign-in", {"login": second.username, "pin": PIN})
    assert response.status_code == 303
    ended = await KioskSession.select().where(KioskSession.clerk == first.id).first()
    assert ended["ended_at"] is not None and ended["end_reason"] == "another clerk signed in"


async def test_sign_out_returns_to_sign_in(browser: Browser) -> None:
    counter = await make_counter()
    await clerk_signs_in(browser, counter)
    assert (await browser.post_form("/kiosk/sign-out")).status_code == 303
    assert "Sign in to the counter" in (await browser.get("/kiosk")).text
