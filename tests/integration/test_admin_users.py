"""Administrators manage users through the pages: create, edit, deactivate, reset, PIN, sections."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html import unescape
from typing import Any

from app.auth.passwords import verify_secret
from app.auth.roles import Role
from app.auth.signin import check_pin
from app.auth.tables import User, UserSection
from tests.fixtures import PASSWORD, Browser, make_org, make_user, signed_in, unique
from tests.integration.test_auth_support import fingerprint

INITIAL = "initial-passphrase-1"


async def _row(user_id: int) -> dict[str, Any]:
    row = await User.select().where(User.id == user_id).first()
    assert row is not None
    return row


async def _sections(user_id: int) -> list[int]:
    rows = await UserSection.select(UserSection.section).where(UserSection.user == user_id)
    return sorted(r["section"] for r in rows)


async def _admin_browser(browser: Browser) -> Browser:
    return await signed_in(browser, await make_user(Role.ADMINISTRATOR))


async def _create(browser: Browser, **fields: Any) -> tuple[int, str]:
    org = await make_org()
    username = fields.pop("username", unique("new"))
    data = {"username": username, "full_name": "New Person", "email": "new@transit.example",
            "role": "clerk", "section_ids": str(org.section_id), "password": INITIAL, "pin": "3917",
            **fields}
    response = await browser.post_form("/admin/users/new", data)
    assert response.status_code == 303, unescape(response.text)
    return int(response.headers["location"].rsplit("/", 1)[1]), username


async def test_users_page_lists_people_with_role_sections_and_status(browser: Browser) -> None:
    await _admin_browser(browser)
    org = await make_org()
    clerk = await make_user(Role.CLERK, (org.section_id,))
    html = (await browser.get("/admin/users")).text
    row = html.split(f">{clerk.username}</a>", 1)[1].split("</tr>", 1)[0]
    assert "Counter clerk" in row and f"Section {org.code}" in row and "active" in row


async def test_create_a_clerk_who_can_then_sign_in_and_use_the_kiosk_pin(browser: Browser) -> None:
    await _admin_browser(browser)
    user_id, username = await _create(browser)
    page = await browser.get(f"/admin/users/{user_id}")
    assert f"User {username} created." in page.text  # the flash after the redirect
    row = await _row(user_id)
    assert row["role"] == "clerk" and row["active"] is True
    assert row["password_hash"].startswith("$argon2id$")  # hashed, never stored as typed
    assert INITIAL not in row["password_hash"]
    assert verify_secret(row["pin_hash"], "3917")
    principal = await check_pin(username, "3917", "127.0.0.1")
    assert principal.id == user_id

    async with Browser(transport=browser._transport, base_url="http://testserver") as fresh:
        assert (await fresh.sign_in(username, INITIAL)).status_code == 303


async def test_create_refuses_bad_input_and_changes_nothing(browser: Browser) -> None:
    await _admin_browser(browser)
    existing = await make_user(Role.CLERK)
    org = await make_org()
    before = await fingerprint()
    cases = {
        "password": ({"password": "eleven-char"}, "Use at least 12 characters."),
        "pin": ({"pin": "12a4"}, "A PIN is 4 to 8 digits."),
        "pin_repeated": ({"pin": "1111"}, "Choose a PIN that is not one digit repeated."),
        "username": ({"username": existing.username}, "That username is taken."),
        "sections": ({"section_ids": []}, "Choose at least one section."),
        "pin_role": ({"role": "coordinator"}, "Only clerks, leads and supervisors use a kiosk PIN."),
    }
    for name, (change, message) in cases.items():
        data = {"username": unique("bad"), "full_name": "Bad Input", "role": "clerk",
                "section_ids": str(org.section_id), "password": INITIAL, "pin": "3917", **change}
        response = await browser.post_form("/admin/users/new", data)
        assert response.status_code == 400, name
        text = unescape(response.text)
        assert message in text, name
        assert 'value="Bad Input"' in text, name  # the form keeps what was typed
        assert INITIAL not in text, name  # but never the password
    assert await fingerprint() == before


async def test_username_uniqueness_ignores_case(browser: Browser) -> None:
    await _admin_browser(browser)
    existing = await make_user(Role.CLERK)
    org = await make_org()
    response = await browser.post_form("/admin/users/new", {
        "username": existing.username.upper(), "full_name": "Shouting", "role": "clerk",
        "section_ids": str(org.section_id), "password": INITIAL,
    })
    assert response.status_code == 400
    assert "That username is taken." in response.text


async def test_edit_changes_details_and_section_membership(browser: Browser) -> None:
    await _admin_browser(browser)
    user_id, username = await _create(browser)
    a, b = await make_org(), await make_org()
    response = await browser.post_form(f"/admin/users/{user_id}", {
        "username": username, "full_name": "Renamed Person", "email": "", "role": "lead",
        "section_ids": [str(a.section_id), str(b.section_id)],
    })
    assert response.status_code == 303
    row = await _row(user_id)
    assert (row["full_name"], row["role"], row["email"]) == ("Renamed Person", "lead", "")
    assert await _sections(user_id) == sorted([a.section_id, b.section_id])
    page = (await browser.get(f"/admin/users/{user_id}")).text
    assert "Changes saved." in page
    assert f'value="{a.section_id}" checked' in page and f'value="{b.section_id}" checked' in page


async def test_edit_with_bad_input_re_renders_and_changes_nothing(browser: Browser) -> None:
    await _admin_browser(browser)
    user_id, username = await _create(browser)
    before = await _row(user_id)
    response = await browser.post_form(f"/admin/users/{user_id}", {
        "username": username, "full_name": "", "role": "clerk", "section_ids": [],
    })
    assert response.status_code == 400
    text = unescape(response.text)
    assert "Enter the person's name" in text and "Choose at least one section." in text
    assert await _row(user_id) == before


async def test_role_or_section_change_ends_the_users_sessions(browser: Browser) -> None:
    await _admin_browser(browser)
    user_id, username = await _create(browser)
    org = await make_org()
    async with Browser(transport=browser._transport, base_url="http://testserver") as theirs:
        assert (await theirs.sign_in(username, INITIAL)).status_code == 303
        await browser.post_form(f"/admin/users/{user_id}", {
            "username": username, "full_name": "New Person", "role": "clerk",
            "section_ids": str(org.section_id),
        })
        assert (await theirs.get("/")).status_code == 303  # new authority at next sign-in


async def test_an_administrator_cannot_demote_or_deactivate_themselves(browser: Browser) -> None:
    admin = await make_user(Role.ADMINISTRATOR)
    await signed_in(browser, admin)
    demote = await browser.post_form(f"/admin/users/{admin.id}", {
        "username": admin.username, "full_name": "Me", "role": "clerk",
        "section_ids": str((await make_org()).section_id),
    })
    assert demote.status_code == 400 and "You cannot change your own role." in demote.text
    off = await browser.post_form(f"/admin/users/{admin.id}/active", {"active": "0"})
    assert off.status_code == 400 and "You cannot deactivate your own account." in off.text
    assert (await _row(admin.id))["active"] is True


async def test_deactivate_and_reactivate(browser: Browser) -> None:
    await _admin_browser(browser)
    user_id, username = await _create(browser)
    assert (await browser.post_form(f"/admin/users/{user_id}/active", {"active": "0"})).status_code == 303
    assert (await _row(user_id))["active"] is False
    page = (await browser.get(f"/admin/users/{user_id}")).text
    assert "Account deactivated and signed out." in page and "Reactivate" in page
    assert "deactivated" in (await browser.get("/admin/users")).text
    async with Browser(transport=browser._transport, base_url="http://testserver") as theirs:
        assert (await theirs.sign_in(username, INITIAL)).status_code == 401
        assert (await browser.post_form(f"/admin/users/{user_id}/active", {"active": "1"})).status_code == 303
        assert (await theirs.sign_in(username, INITIAL)).status_code == 303


async def test_reset_password(browser: Browser) -> None:
    await _admin_browser(browser)
    user_id, username = await _create(browser)
    short = await browser.post_form(f"/admin/users/{user_id}/password", {"password": "short"})
    assert short.status_code == 400 and "Use at least 12 characters." in short.text
    ok = await browser.post_form(f"/admin/users/{user_id}/password", {"password": PASSWORD})
    assert ok.status_code == 303
    async with Browser(transport=browser._transport, base_url="http://testserver") as theirs:
        assert (await theirs.sign_in(username, INITIAL)).status_code == 401
        assert (await theirs.sign_in(username, PASSWORD)).status_code == 303


async def test_set_pin(browser: Browser) -> None:
    await _admin_browser(browser)
    user_id, _ = await _create(browser, pin="")
    assert "No PIN set yet" in (await browser.get(f"/admin/users/{user_id}")).text
    bad = await browser.post_form(f"/admin/users/{user_id}/pin", {"pin": "12"})
    assert bad.status_code == 400 and "A PIN is 4 to 8 digits." in bad.text
    assert (await _row(user_id))["pin_hash"] is None
    ok = await browser.post_form(f"/admin/users/{user_id}/pin", {"pin": "602915"})
    assert ok.status_code == 303
    assert verify_secret((await _row(user_id))["pin_hash"], "602915")
    assert "A PIN is set." in (await browser.get(f"/admin/users/{user_id}")).text


async def test_pin_is_refused_for_roles_without_a_kiosk(browser: Browser) -> None:
    await _admin_browser(browser)
    coordinator = await make_user(Role.COORDINATOR)
    response = await browser.post_form(f"/admin/users/{coordinator.id}/pin", {"pin": "4821"})
    assert response.status_code == 400
    assert "Only clerks, leads and supervisors use a kiosk PIN." in response.text
    assert "Kiosk PIN" not in (await browser.get(f"/admin/users/{coordinator.id}")).text.split(
        "</h1>", 1)[1].split("<h2>Account", 1)[0]


async def test_administrators_and_auditors_need_no_section(browser: Browser) -> None:
    await _admin_browser(browser)
    for role in ("administrator", "auditor"):
        username = unique(role[:4])
        response = await browser.post_form("/admin/users/new", {
            "username": username, "full_name": f"All sections {role}", "role": role,
            "password": INITIAL,
        })
        assert response.status_code == 303, role
        user = await User.select(User.id).where(User.username == username).first()
        assert user is not None and await _sections(user["id"]) == []


async def test_lock_shows_on_the_users_pages_only_while_it_lasts(browser: Browser) -> None:
    await _admin_browser(browser)
    user_id, username = await _create(browser)
    now = datetime.now(UTC)
    await User.update({User.locked_until: now + timedelta(minutes=20)}).where(User.id == user_id)
    assert "locked until" in _row_html((await browser.get("/admin/users")).text, username)
    assert "Locked until" in (await browser.get(f"/admin/users/{user_id}")).text
    await User.update({User.locked_until: now - timedelta(minutes=1)}).where(User.id == user_id)
    assert "locked until" not in _row_html((await browser.get("/admin/users")).text, username)
    assert "Locked until" not in (await browser.get(f"/admin/users/{user_id}")).text


def _row_html(html: str, username: str) -> str:
    return html.split(f">{username}</a>", 1)[1].split("</tr>", 1)[0]
