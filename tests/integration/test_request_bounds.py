"""Requests an attacker shapes (issue 9 item 10): cross-site posts are refused even with a
valid token, a CSRF token belongs to one session, and the real server (`faredesk serve`)
refuses a 1 MB header and 10,000 headers."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from litestar.middleware.csrf import generate_csrf_token

from app.auth.roles import Role
from app.auth.tables import User
from app.settings import PROJECT_ROOT, get_settings
from tests.fixtures import Browser, make_user, signed_in

# --- cross-site requests ---------------------------------------------------------------------


async def _deactivate_form(browser: Browser) -> tuple[str, int]:
    admin = await make_user(Role.ADMINISTRATOR)
    target = await make_user(Role.CLERK)
    await signed_in(browser, admin)
    return f"/admin/users/{target.id}/active", target.id


async def _active(user_id: int) -> bool:
    row = await User.select(User.active).where(User.id == user_id).first()
    return bool(row and row["active"])


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example"},
    {"Origin": "null"},
    {"Origin": "http://testserver.evil.example"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "cross-site", "Origin": "http://testserver"},
])
async def test_a_cross_site_post_is_refused_even_with_a_valid_token(
        browser: Browser, headers: dict[str, str]) -> None:
    url, user_id = await _deactivate_form(browser)
    response = await browser.post_form(url, {"active": "0"}, headers=headers)
    assert response.status_code == 403
    assert "sent from another site" in response.text
    assert await _active(user_id)


async def test_a_same_site_post_with_its_origin_goes_through(browser: Browser) -> None:
    url, user_id = await _deactivate_form(browser)
    response = await browser.post_form(url, {"active": "0"}, headers={
        "Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 303
    assert not await _active(user_id)


# --- CSRF tokens bound to the session ---------------------------------------------------------


def plant(browser: Browser, token: str) -> None:
    """Put `token` in the browser's CSRF cookie (where the server's own cookie was)."""
    domain = next(c.domain for c in browser.cookies.jar if c.name == "faredesk_csrf")
    browser.cookies.delete("faredesk_csrf")
    browser.cookies.set("faredesk_csrf", token, domain=domain)
    browser.csrf = token


async def test_a_token_from_another_session_is_refused(browser: Browser) -> None:
    url, user_id = await _deactivate_form(browser)
    # a token Litestar itself would accept (validly signed), but not this session's
    plant(browser, generate_csrf_token(get_settings().secret_key))
    response = await browser.post_form(url, {"active": "0"})
    assert response.status_code == 403
    assert "This form has expired" in response.text
    assert await _active(user_id)


async def test_a_second_token_planted_beside_the_sessions_own_is_refused(
        browser: Browser) -> None:
    url, user_id = await _deactivate_form(browser)
    forged = generate_csrf_token(get_settings().secret_key)
    browser.cookies.set("faredesk_csrf", forged, domain="planted.local")  # a second cookie
    browser.csrf = forged
    response = await browser.post_form(url, {"active": "0"}, headers={
        "cookie": "; ".join(f"{c.name}={c.value}" for c in browser.cookies.jar)})
    assert response.status_code == 403
    assert await _active(user_id)


async def test_the_token_changes_at_sign_in_and_a_page_load_restores_it(
        browser: Browser) -> None:
    before = await browser.refresh_csrf()  # the sign-in page's token, before any session
    url, user_id = await _deactivate_form(browser)
    assert browser.cookies.get("faredesk_csrf") != before
    plant(browser, before)  # the token from before sign-in, kept (or planted)
    assert (await browser.post_form(url, {"active": "0"})).status_code == 403
    page = await browser.get("/admin/users")  # a page load re-issues the session's token
    assert page.status_code == 200
    browser.csrf = browser.cookies.get("faredesk_csrf", "")
    assert browser.csrf != before and f'value="{browser.csrf}"' in page.text
    assert (await browser.post_form(url, {"active": "0"})).status_code == 303
    assert not await _active(user_id)


# --- header bounds at a real server ---------------------------------------------------------

PORT = 8700 + (os.getpid() % 90)


@pytest.fixture(scope="module")
def server() -> Iterator[int]:
    env = {**os.environ, "FAREDESK_PORT": str(PORT), "FAREDESK_HOST": "127.0.0.1"}
    process = subprocess.Popen(
        [sys.executable, "-c", "from app.cli import main; main()", "serve", "--port", str(PORT)],
        cwd=PROJECT_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", PORT), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("faredesk serve did not start")
        yield PORT
    finally:
        process.terminate()
        process.wait(timeout=20)


def _exchange(port: int, head: bytes) -> bytes:
    """Send a request head; the server's first bytes (b"" if it just closed)."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as conn:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            conn.sendall(head)
        try:
            return conn.recv(200)
        except (ConnectionResetError, TimeoutError):
            return b""


def _status(reply: bytes) -> int:
    return int(reply.split(b" ", 2)[1]) if reply.startswith(b"HTTP/1.1 ") else 0


def test_the_server_answers_a_plain_request(server: int) -> None:
    reply = _exchange(server, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                              b"Connection: close\r\n\r\n")
    assert _status(reply) == 200


def test_a_one_megabyte_header_is_refused(server: int) -> None:
    big = b"X-Big: " + b"a" * (1024 * 1024) + b"\r\n"
    reply = _exchange(server, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + big +
                      b"Connection: close\r\n\r\n")
    assert _status(reply) in (0, 400, 413, 431), reply
    assert _status(reply) != 200


def test_ten_thousand_headers_are_refused(server: int) -> None:
    many = b"".join(b"X-H%d: v\r\n" % i for i in range(10_000))
    reply = _exchange(server, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + many +
                      b"Connection: close\r\n\r\n")
    assert _status(reply) in (0, 400, 413, 431), reply
    assert _status(reply) != 200


def test_two_hundred_small_headers_are_refused_by_the_application(server: int) -> None:
    """Under the server's size bound, the count is still bounded (by app.web.request_guard)."""
    many = b"".join(b"X-%d: v\r\n" % i for i in range(200))
    reply = _exchange(server, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + many +
                      b"Connection: close\r\n\r\n")
    assert _status(reply) == 431, reply
