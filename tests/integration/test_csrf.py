"""CSRF on every state-changing request, proven over the app's own route table.

The routes are read from `app.routes`, so a POST/PUT/PATCH/DELETE route that any area adds later is
covered without editing this file.
"""

from __future__ import annotations

import pytest

from app.auth.roles import Role
from app.main import create_app
from tests.fixtures import Browser, app_instance, make_user, signed_in
from tests.integration.test_auth_support import fingerprint, state_changing

CSRF_MESSAGE = "This form has expired or was sent from elsewhere."


def test_the_route_table_has_state_changing_routes() -> None:
    """Guards against the enumeration silently finding nothing."""
    found = {(e.method, e.template) for e in state_changing(create_app())}
    assert ("POST", "/login") in found
    assert ("POST", "/logout") in found
    assert ("POST", "/admin/users/new") in found
    assert ("POST", "/admin/users/{user_id:int}/password") in found


async def test_every_state_changing_route_rejects_a_missing_csrf_token(browser: Browser) -> None:
    admin = await make_user(Role.ADMINISTRATOR)
    await signed_in(browser, admin)  # past every role guard: only CSRF can refuse
    assert browser.cookies.get("faredesk_csrf")
    before = await fingerprint()
    accepted = []
    for endpoint in state_changing(app_instance()):
        response = await browser.request(
            endpoint.method, endpoint.path, data={"username": admin.username, "password": "x" * 12}
        )
        if response.status_code != 403 or CSRF_MESSAGE not in response.text:
            accepted.append(f"{endpoint} -> {response.status_code}")
    assert accepted == []
    assert await fingerprint() == before
    assert (await browser.get("/")).status_code == 200  # still signed in: logout was refused too


async def test_a_wrong_csrf_token_is_rejected_everywhere(browser: Browser) -> None:
    admin = await make_user(Role.ADMINISTRATOR)
    await signed_in(browser, admin)
    forged = "f" * len(browser.csrf)
    for endpoint in state_changing(app_instance()):
        response = await browser.request(
            endpoint.method, endpoint.path, data={"_csrf_token": forged},
            headers={"x-csrftoken": forged},
        )
        assert response.status_code == 403, str(endpoint)


async def test_sign_in_form_without_a_token_is_refused_with_a_readable_page(browser: Browser) -> None:
    clerk = await make_user(Role.CLERK)
    response = await browser.post("/login", data={"username": clerk.username, "password": "x"})
    assert response.status_code == 403
    assert CSRF_MESSAGE in response.text
    assert "<html" in response.text  # a full page, not a bare error


async def test_htmx_requests_carry_the_token_in_a_header(browser: Browser) -> None:
    admin = await make_user(Role.ADMINISTRATOR)
    await signed_in(browser, admin)
    home = await browser.get("/")
    assert f'"x-csrftoken": "{browser.csrf}"' in home.text  # the body's hx-headers
    response = await browser.post(
        "/admin/sections/new", data={"code": "", "name": ""},
        headers={"x-csrftoken": browser.csrf, "hx-request": "true"},
    )
    # Past CSRF: the form is re-rendered with its validation messages.
    assert response.status_code == 400
    assert "Use 1–20 capital letters, digits or dashes." in response.text


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
async def test_other_unsafe_methods_on_a_post_route_do_not_change_anything(
    browser: Browser, method: str
) -> None:
    admin = await make_user(Role.ADMINISTRATOR)
    await signed_in(browser, admin)
    before = await fingerprint()
    response = await browser.request(method, "/admin/sections/new", headers={"x-csrftoken": browser.csrf})
    assert response.status_code in (403, 405)
    assert await fingerprint() == before
