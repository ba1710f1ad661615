"""Sign-in, sign-out, lockout and sessions, through the real ASGI app."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from app.audit.tables import AuditEvent
from app.auth.errors import SIGN_IN_FAILED
from app.auth.principal import Principal
from app.auth.roles import Role
from app.auth.sessions import COOKIE_NAME
from app.auth.tables import User, UserSession
from app.auth.users import reset_password, set_active
from app.main import create_app
from tests.fixtures import PASSWORD, Browser, make_user, signed_in
from tests.integration.test_auth_support import (
    age_session,
    override_settings,
    session_row,
    session_token,
)

NEW_PASSWORD = "a-brand-new-passphrase"


async def _user_row(user: Principal) -> dict:
    row = await User.select().where(User.id == user.id).first()
    assert row is not None
    return row


def _set_cookie_value(response: httpx.Response, name: str) -> str:
    for header in response.headers.get_list("set-cookie"):
        key, _, rest = header.partition("=")
        if key == name:
            return rest.split(";", 1)[0]
    return ""


async def _home(browser: Browser) -> httpx.Response:
    return await browser.get("/")


# --- sign-in and sign-out ----------------------------------------------------------------


async def test_sign_in_shows_the_home_page_and_sign_out_ends_the_session(browser: Browser) -> None:
    clerk = await make_user(Role.CLERK)
    response = await browser.sign_in(clerk.username)
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    token = session_token(browser)
    assert token

    home = await _home(browser)
    assert home.status_code == 200
    assert clerk.username in home.text or "Test Clerk" in home.text
    assert 'data-testid="sign-out"' in home.text

    out = await browser.post_form("/logout")
    assert out.status_code == 303
    assert out.headers["location"] == "/login"
    row = await session_row(token)
    assert row is not None and row["ended_at"] is not None

    # The old cookie is dead even if a copy of it is replayed.
    browser.cookies.set(COOKIE_NAME, token)
    again = await _home(browser)
    assert again.status_code == 303
    assert again.headers["location"] == "/login"
    actions = await AuditEvent.select(AuditEvent.action).where(
        AuditEvent.object_id == str(clerk.id)
    )
    assert {"auth.sign_in", "auth.sign_out"} <= {a["action"] for a in actions}


async def test_unauthenticated_pages_redirect_to_sign_in_with_next(browser: Browser) -> None:
    response = await browser.get("/admin/users")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/admin/users"


async def test_sign_in_follows_next_but_never_off_site(browser: Browser) -> None:
    admin = await make_user(Role.ADMINISTRATOR)
    await browser.refresh_csrf()
    response = await browser.post_form(
        "/login", {"username": admin.username, "password": PASSWORD, "next": "/admin/users"}
    )
    assert response.headers["location"] == "/admin/users"

    other = Browser(transport=browser._transport, base_url="http://testserver")
    async with other:
        await other.refresh_csrf()
        for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
            response = await other.post_form(
                "/login", {"username": admin.username, "password": PASSWORD, "next": target}
            )
            assert response.headers["location"] == "/", target
            other.cookies.clear()
            await other.refresh_csrf()


async def test_wrong_user_and_wrong_password_get_the_same_message(browser: Browser) -> None:
    clerk = await make_user(Role.CLERK)
    wrong_password = await browser.sign_in(clerk.username, "not-the-password!")
    unknown_user = await browser.sign_in("nobody-by-this-name", "not-the-password!")
    assert wrong_password.status_code == unknown_user.status_code == 401
    assert SIGN_IN_FAILED in wrong_password.text
    assert SIGN_IN_FAILED in unknown_user.text
    assert COOKIE_NAME not in browser.cookies
    # The form keeps what was typed (the username, never the password).
    assert f'value="{clerk.username}"' in wrong_password.text
    assert "not-the-password!" not in wrong_password.text


async def test_empty_form_asks_for_both_fields(browser: Browser) -> None:
    response = await browser.sign_in("", "")
    assert response.status_code == 401
    assert "Enter your username and password." in response.text


# --- lockout -----------------------------------------------------------------------------


async def test_ten_failures_lock_the_account_for_thirty_minutes(browser: Browser) -> None:
    clerk = await make_user(Role.CLERK)
    for attempt in range(1, 10):
        await browser.sign_in(clerk.username, f"wrong-password-{attempt}")
        assert (await _user_row(clerk))["failed_logins"] == attempt  # counted in the database
        assert (await _user_row(clerk))["locked_until"] is None

    before = datetime.now(UTC)
    tenth = await browser.sign_in(clerk.username, "wrong-password-10")
    assert tenth.status_code == 401
    locked_until = (await _user_row(clerk))["locked_until"]
    assert locked_until is not None
    assert timedelta(minutes=29) < locked_until - before <= timedelta(minutes=31)
    assert await AuditEvent.exists().where(
        (AuditEvent.action == "auth.locked") & (AuditEvent.object_id == str(clerk.id))
    )

    # The right password is refused while locked, with the same message as any failure.
    refused = await browser.sign_in(clerk.username, PASSWORD)
    assert refused.status_code == 401
    assert SIGN_IN_FAILED in refused.text
    assert COOKIE_NAME not in browser.cookies


async def test_lock_counts_across_app_instances(browser: Browser) -> None:
    """Two workers share the counter: it lives in the database, not in a process."""
    clerk = await make_user(Role.CLERK)
    second_worker = httpx.ASGITransport(app=create_app(), client=("127.0.0.2", 50001))
    async with Browser(transport=second_worker, base_url="http://testserver") as other:
        for attempt in range(5):
            await browser.sign_in(clerk.username, f"wrong-{attempt}-aaaa")
            await other.sign_in(clerk.username, f"wrong-{attempt}-bbbb")
    assert (await _user_row(clerk))["locked_until"] is not None


async def test_lock_expires_after_its_time(browser: Browser) -> None:
    clerk = await make_user(Role.CLERK)
    await User.update({User.locked_until: datetime.now(UTC) - timedelta(seconds=1)}).where(
        User.id == clerk.id
    )
    response = await browser.sign_in(clerk.username)
    assert response.status_code == 303
    assert (await _user_row(clerk))["locked_until"] is None


async def test_administrator_password_reset_clears_the_lock(browser: Browser) -> None:
    admin = await make_user(Role.ADMINISTRATOR)
    clerk = await make_user(Role.CLERK)
    for attempt in range(10):
        await browser.sign_in(clerk.username, f"wrong-password-{attempt}")
    assert (await _user_row(clerk))["locked_until"] is not None

    await reset_password(admin, clerk.id, NEW_PASSWORD)
    row = await _user_row(clerk)
    assert row["locked_until"] is None and row["failed_logins"] == 0
    assert (await browser.sign_in(clerk.username, NEW_PASSWORD)).status_code == 303
    assert (await _home(browser)).status_code == 200


async def test_a_success_resets_the_failure_count(browser: Browser) -> None:
    clerk = await make_user(Role.CLERK)
    for attempt in range(3):
        await browser.sign_in(clerk.username, f"wrong-password-{attempt}")
    assert (await _user_row(clerk))["failed_logins"] == 3
    assert (await browser.sign_in(clerk.username)).status_code == 303
    assert (await _user_row(clerk))["failed_logins"] == 0


# --- disabled accounts -------------------------------------------------------------------


async def test_a_deactivated_user_cannot_sign_in(browser: Browser) -> None:
    admin = await make_user(Role.ADMINISTRATOR)
    clerk = await make_user(Role.CLERK)
    await set_active(admin, clerk.id, False)
    response = await browser.sign_in(clerk.username)
    assert response.status_code == 401
    assert SIGN_IN_FAILED in response.text
    assert COOKIE_NAME not in browser.cookies


async def test_deactivation_ends_the_users_open_sessions(browser: Browser) -> None:
    admin = await make_user(Role.ADMINISTRATOR)
    clerk = await make_user(Role.CLERK)
    await signed_in(browser, clerk)
    token = session_token(browser)
    assert (await _home(browser)).status_code == 200

    await set_active(admin, clerk.id, False)
    assert (await session_row(token))["ended_at"] is not None  # type: ignore[index]
    response = await _home(browser)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"


# --- session identity --------------------------------------------------------------------


async def test_a_cookie_planted_before_sign_in_is_never_the_session(browser: Browser) -> None:
    clerk = await make_user(Role.CLERK)
    planted = "attacker-chosen-session-value"
    browser.cookies.set(COOKIE_NAME, planted)
    response = await browser.sign_in(clerk.username)
    issued = _set_cookie_value(response, COOKIE_NAME)
    assert issued not in ("", planted)
    assert await session_row(planted) is None
    assert (await session_row(issued))["user"] == clerk.id  # type: ignore[index]


async def test_every_sign_in_issues_a_new_token(browser: Browser) -> None:
    clerk = await make_user(Role.CLERK)
    await browser.sign_in(clerk.username)
    first = session_token(browser)
    await browser.sign_in(clerk.username)  # signing in again from the same browser
    second = session_token(browser)
    assert first and second and first != second
    rows = await UserSession.select(UserSession.token_hash).where(UserSession.user == clerk.id)
    assert len({r["token_hash"] for r in rows}) == 2
    # The table keeps only a hash, never the cookie value.
    assert not await UserSession.exists().where(UserSession.token_hash.is_in([first, second]))
    # The earlier session ended with the new sign-in: a copy of the old cookie is useless.
    assert (await session_row(first))["ended_at"] is not None  # type: ignore[index]
    assert (await session_row(second))["ended_at"] is None  # type: ignore[index]
    async with Browser(transport=browser._transport, base_url="http://testserver") as copy:
        copy.cookies.set(COOKIE_NAME, first)
        assert (await copy.get("/")).status_code == 303


async def test_idle_session_ends(browser: Browser) -> None:
    clerk = await make_user(Role.CLERK)
    await signed_in(browser, clerk)
    token = session_token(browser)
    await age_session(token, last_seen_at=datetime.now(UTC) - timedelta(minutes=16))
    response = await _home(browser)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert (await session_row(token))["ended_at"] is not None  # type: ignore[index]


async def test_activity_within_the_idle_timeout_keeps_the_session(browser: Browser) -> None:
    clerk = await make_user(Role.CLERK)
    await signed_in(browser, clerk)
    token = session_token(browser)
    await age_session(token, last_seen_at=datetime.now(UTC) - timedelta(minutes=14))
    assert (await _home(browser)).status_code == 200
    row = await session_row(token)
    assert row is not None
    assert datetime.now(UTC) - row["last_seen_at"] < timedelta(minutes=1)  # touched again


async def test_idle_timeout_follows_the_setting(browser: Browser) -> None:
    clerk = await make_user(Role.CLERK)
    await signed_in(browser, clerk)
    token = session_token(browser)
    await age_session(token, last_seen_at=datetime.now(UTC) - timedelta(minutes=3))
    with override_settings(SESSION_IDLE_MINUTES="2"):
        response = await _home(browser)
    assert response.status_code == 303


async def test_absolute_lifetime_ends_an_active_session(browser: Browser) -> None:
    clerk = await make_user(Role.CLERK)
    await signed_in(browser, clerk)
    token = session_token(browser)
    row = await session_row(token)
    assert row is not None
    assert timedelta(hours=11, minutes=59) < row["expires_at"] - row["created_at"] <= timedelta(hours=12)
    await age_session(token, expires_at=datetime.now(UTC) - timedelta(seconds=1))
    response = await _home(browser)
    assert response.status_code == 303 and response.headers["location"] == "/login"


async def test_sessions_survive_an_application_restart(browser: Browser) -> None:
    clerk = await make_user(Role.CLERK)
    await signed_in(browser, clerk)
    token = session_token(browser)

    restarted = httpx.ASGITransport(app=create_app(), client=("127.0.0.1", 50002))
    async with Browser(transport=restarted, base_url="http://testserver") as after_restart:
        after_restart.cookies.set(COOKIE_NAME, token)
        response = await after_restart.get("/")
        assert response.status_code == 200
        assert clerk.username in response.text or "Test Clerk" in response.text


async def test_reset_password_signs_the_user_out(browser: Browser) -> None:
    admin = await make_user(Role.ADMINISTRATOR)
    clerk = await make_user(Role.CLERK)
    await signed_in(browser, clerk)
    await reset_password(admin, clerk.id, NEW_PASSWORD)
    assert (await _home(browser)).status_code == 303
    assert (await browser.sign_in(clerk.username, PASSWORD)).status_code == 401
    assert (await browser.sign_in(clerk.username, NEW_PASSWORD)).status_code == 303


async def test_signed_in_user_visiting_login_goes_home(browser: Browser) -> None:
    clerk = await make_user(Role.CLERK)
    await signed_in(browser, clerk)
    response = await browser.get("/login")
    assert response.status_code == 303 and response.headers["location"] == "/"


async def test_session_cookie_is_http_only_and_same_site(browser: Browser) -> None:
    clerk = await make_user(Role.CLERK)
    await browser.refresh_csrf()
    response = await browser.post_form("/login", {"username": clerk.username, "password": PASSWORD})
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith(COOKIE_NAME))
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP in development; FAREDESK_HTTPS=1 sets it
