"""Security headers, request size limit, GET never changes state, bad input changes nothing."""

from __future__ import annotations

from html import unescape

import httpx

from app.auth.roles import Role
from app.auth.tables import User
from app.main import create_app
from app.org.tables import Location, Section
from tests.fixtures import PASSWORD, Browser, app_instance, make_org, make_user, signed_in, unique
from tests.integration.test_auth_support import fingerprint, override_settings, plain_gets


def _csp(response: httpx.Response) -> dict[str, str]:
    directives = {}
    for part in response.headers["content-security-policy"].split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value
    return directives


# --- headers -----------------------------------------------------------------------------


async def test_every_kind_of_response_carries_the_security_headers(browser: Browser) -> None:
    admin = await make_user(Role.ADMINISTRATOR)
    anonymous = [await browser.get("/login"), await browser.get("/healthz"),
                 await browser.get("/static/css/faredesk.css"), await browser.get("/no-such-page")]
    await signed_in(browser, admin)
    signed = [await browser.get("/"), await browser.get("/admin/users")]
    for response in [*anonymous, *signed]:
        url = str(response.request.url)
        csp = _csp(response)
        assert "'unsafe-inline'" not in csp["script-src"], url
        assert "'unsafe-eval'" not in csp["script-src"], url
        assert csp["script-src"] == "'self'", url
        assert csp["frame-ancestors"] == "'none'", url
        assert csp["object-src"] == "'none'", url
        assert response.headers["x-content-type-options"] == "nosniff", url
        assert response.headers["referrer-policy"] == "same-origin", url
        assert response.headers["x-frame-options"] == "DENY", url
        assert "strict-transport-security" not in response.headers, url


async def test_pages_are_not_cached_but_static_files_may_be(browser: Browser) -> None:
    admin = await make_user(Role.ADMINISTRATOR)
    await signed_in(browser, admin)
    assert (await browser.get("/admin/users")).headers["cache-control"] == "no-store"
    assert (await browser.get("/static/css/faredesk.css")).headers.get("cache-control") != "no-store"


async def test_hsts_only_behind_https(browser: Browser) -> None:
    with override_settings(HTTPS="1"):
        response = await browser.get("/login")
    assert response.headers["strict-transport-security"].startswith("max-age=31536000")
    assert "strict-transport-security" not in (await browser.get("/login")).headers


async def test_no_page_uses_inline_script(browser: Browser) -> None:
    admin = await make_user(Role.ADMINISTRATOR)
    await signed_in(browser, admin)
    for path in ("/", "/admin/users", "/admin/users/new", "/admin/org", "/audit"):
        html = (await browser.get(path)).text
        assert "<script>" not in html, path
        assert " onclick=" not in html and " onsubmit=" not in html, path
        assert "https://" not in html.split("</head>")[0], f"{path} loads something off-site"


async def test_htmx_is_served_locally_and_pinned(browser: Browser) -> None:
    page = await browser.get("/login")
    assert '<script src="/static/vendor/htmx-2.0.11.min.js" defer></script>' in page.text
    script = await browser.get("/static/vendor/htmx-2.0.11.min.js")
    assert script.status_code == 200
    assert 'version:"2.0.11"' in script.text.replace(" ", "")


# --- request size ------------------------------------------------------------------------


async def test_a_body_over_the_limit_is_refused_and_changes_nothing() -> None:
    with override_settings(MAX_BODY_BYTES="4096"):
        small_app = create_app()
    admin = await make_user(Role.ADMINISTRATOR)
    transport = httpx.ASGITransport(app=small_app, client=("127.0.0.1", 50010))
    async with Browser(transport=transport, base_url="http://testserver") as browser:
        await signed_in(browser, admin)
        before = await fingerprint()
        code = unique("BIG").upper()[:18]
        response = await browser.post_form(
            "/admin/sections/new", {"code": code, "name": "Big", "description": "x" * 10_000}
        )
        assert response.status_code == 413
        assert "larger than faredesk accepts" in response.text
        assert await fingerprint() == before
        assert not await Section.exists().where(Section.code == code)
        # Under the limit the same form goes through.
        ok = await browser.post_form("/admin/sections/new", {"code": code, "name": f"Small {code}"})
        assert ok.status_code == 303
        assert await Section.exists().where(Section.code == code)


async def test_default_limit_is_one_megabyte(browser: Browser) -> None:
    admin = await make_user(Role.ADMINISTRATOR)
    await signed_in(browser, admin)
    before = await fingerprint()
    response = await browser.post_form("/admin/sections/new", {"code": "HUGE", "name": "x" * 1_100_000})
    assert response.status_code == 413
    assert await fingerprint() == before


# --- GET never changes state -------------------------------------------------------------


async def test_get_never_changes_state(browser: Browser) -> None:
    """Every GET route without parameters, as an administrator: nothing is written."""
    admin = await make_user(Role.ADMINISTRATOR)
    await signed_in(browser, admin)
    endpoints = plain_gets(app_instance())
    assert len(endpoints) >= 6
    before = await fingerprint()
    failures = []
    for endpoint in endpoints:
        for headers in ({}, {"hx-request": "true"}):
            response = await browser.get(endpoint.path, headers=headers)
            if response.status_code >= 500:
                failures.append(f"{endpoint} -> {response.status_code}")
    assert failures == []
    assert await fingerprint() == before


# --- bad input re-renders and changes nothing --------------------------------------------


async def test_oversized_fields_are_reported_not_truncated(browser: Browser) -> None:
    admin = await make_user(Role.ADMINISTRATOR)
    org = await make_org()
    await signed_in(browser, admin)
    before = await fingerprint()
    username = "a" + "b" * 100
    response = await browser.post_form("/admin/users/new", {
        "username": username, "full_name": "N" * 300, "role": "clerk",
        "section_ids": str(org.section_id), "password": PASSWORD, "pin": "4821",
    })
    assert response.status_code == 400
    assert "Please correct the marked fields." in response.text
    assert 'id="e-username"' in response.text
    assert 'id="e-full_name"' in response.text
    assert await fingerprint() == before
    assert not await User.exists().where(User.username == username[:64])


async def test_malformed_values_re_render_with_messages(browser: Browser) -> None:
    admin = await make_user(Role.ADMINISTRATOR)
    await signed_in(browser, admin)
    before = await fingerprint()
    response = await browser.post_form("/admin/users/new", {
        "username": "Bad Name!", "full_name": "", "email": "not-an-address", "role": "emperor",
        "section_ids": ["abc", "-1"], "password": "short", "pin": "12ab",
    })
    assert response.status_code == 400
    for message in ("Use 2–64 lower-case letters", "Enter the person's name",
                    "Enter a valid e-mail address", "Choose a role.", "Use at least 12 characters."):
        assert message in unescape(response.text), message
    assert 'id="e-pin"' in response.text
    assert 'value="bad name!"' in response.text  # what was typed comes back to be corrected
    location = await browser.post_form("/admin/locations/new", {
        "code": "lower case", "name": "", "section_id": "not-a-number",
    })
    assert location.status_code == 400
    assert "Choose the section that runs this location." in location.text
    assert await fingerprint() == before
    assert not await Location.exists().where(Location.name == "")


async def test_the_kiosk_card_status_poll_never_changes_state(browser: Browser) -> None:
    """Issue 14 item 8: the card status poll (a GET) used to put the approved payment on the
    cart and complete the sale. The test above reads only parameterless routes as an
    administrator, so it missed it; this one polls a kiosk whose terminal has answered."""
    import asyncio
    import json

    from app import sql
    from app.catalog import rules
    from app.sales.tables import PaymentAttempt, Sale
    from tests.integration.test_kiosk_support import HX, make_product, selling_counter

    counter, _ = await selling_counter(browser)
    book = await make_product(counter.admin, rules.TICKET_BOOK, 2_500)
    await browser.post_form("/kiosk/cart/add", {"product_id": str(book)}, headers=HX)
    started = await browser.post_form("/kiosk/pay/card", {"amount": "25"}, headers=HX)
    attempt = await PaymentAttempt.select().where(
        PaymentAttempt.terminal == counter.terminal_id).first()
    for _ in range(100):  # the terminal answers in the background
        attempt = await PaymentAttempt.select().where(PaymentAttempt.id == attempt["id"]).first()
        if attempt["status"] != "pending":
            break
        await asyncio.sleep(0.1)
    assert attempt["status"] == "approved" and started.status_code == 200

    async def state() -> tuple[object, ...]:
        cart = await sql.fetch_one("SELECT lines, tenders, payment_reference FROM kiosk_cart "
                                   "WHERE terminal = {}", counter.terminal_id)
        row = await PaymentAttempt.select().where(PaymentAttempt.id == attempt["id"]).first()
        return (await fingerprint(), cart["lines"], json.loads(cart["tenders"]),
                cart["payment_reference"], row["sale"], row["status"],
                await Sale.count().where(Sale.terminal == counter.terminal_id))

    before = await state()
    for headers in ({}, HX, HX):
        polled = await browser.get(f"/kiosk/pay/card/{attempt['reference']}", headers=headers)
        assert polled.status_code in (200, 303) and "hx-redirect" not in polled.headers
    assert await state() == before
    # the POST the poll's answer form sends takes the approval and completes the sale
    done = await browser.post_form(f"/kiosk/pay/card/{attempt['reference']}", headers=HX)
    assert "/kiosk/sale/" in done.headers.get("hx-redirect", "")
    assert await Sale.count().where(Sale.terminal == counter.terminal_id) == 1
