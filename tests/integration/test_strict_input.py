"""Strict input at every form and path (issue 9 item 2): an amount, count, id or date that is
not plainly what the field takes is a message at the field (or a 404 for a path), never a
guess and never a server error; nothing changes."""

from __future__ import annotations

import re

import pytest

from app.auth.roles import Role
from app.ledger.tables import JournalTransaction
from tests.fixtures import Browser, make_user, signed_in
from tests.integration.test_auth_support import fingerprint, route_table
from tests.integration.test_reconciliation_support import make_day, work_shifts

TWENTY_DIGITS = "9" * 20


@pytest.mark.parametrize(("typed", "message"), [
    ("20,00", "Enter an amount like 12.50."),  # was $2,000.00
    ("25_00", "Enter an amount like 12.50."),  # was $2,500.00
    ("2.5e1", "Enter an amount like 12.50."),
    ("1e26", "Enter an amount like 12.50."),  # was a server error
    ("١٢", "Enter an amount like 12.50."),  # Arabic-Indic digits
    ("5²", "Enter an amount like 12.50."),
])
async def test_an_adjusting_entry_amount_must_be_plain(browser: Browser, typed: str,
                                                       message: str) -> None:
    d = await make_day()
    await signed_in(browser, d.supervisor)
    before = await JournalTransaction.count()
    response = await browser.post_form(f"/reconciliation/{d.location_id}/{d.day}/adjust", {
        "amount": typed, "memo": "Safe audit", "entry_date": "", "shift_id": ""})
    assert response.status_code == 400
    assert 'id="e-amount"' in response.text and message in response.text
    assert f'value="{typed}"' in response.text  # the form comes back with what was typed
    assert await JournalTransaction.count() == before


async def test_an_adjusting_entry_takes_a_minus_but_a_price_does_not(browser: Browser) -> None:
    d = await make_day()
    await signed_in(browser, d.supervisor)
    response = await browser.post_form(f"/reconciliation/{d.location_id}/{d.day}/adjust", {
        "amount": "-$1,250.00", "memo": "Missing from the safe", "entry_date": "",
        "shift_id": ""})
    assert response.status_code == 303, response.text


async def test_an_out_of_range_year_is_a_field_error(browser: Browser) -> None:
    d = await make_day()
    await signed_in(browser, d.supervisor)
    before = await fingerprint()
    response = await browser.post_form(f"/reconciliation/{d.location_id}/{d.day}/adjust", {
        "amount": "5.00", "memo": "Safe audit", "entry_date": "0001-01-01", "shift_id": ""})
    assert response.status_code == 400
    assert 'id="e-entry_date"' in response.text
    assert "Enter a date between 2000 and 2099." in response.text
    assert await fingerprint() == before


async def test_a_forged_shift_id_is_a_field_error(browser: Browser) -> None:
    d = await make_day()
    await signed_in(browser, d.supervisor)
    for forged in (TWENTY_DIGITS, "٣", "²"):
        response = await browser.post_form(f"/reconciliation/{d.location_id}/{d.day}/adjust", {
            "amount": "5.00", "memo": "Safe audit", "entry_date": "", "shift_id": forged})
        assert response.status_code == 400, forged
        assert 'id="e-shift_id"' in response.text


async def test_a_deposit_count_must_be_whole_ascii_pieces(browser: Browser) -> None:
    d = await work_shifts(await make_day())
    await signed_in(browser, d.supervisor)
    before = await fingerprint()
    for typed in ("٥", "1e3", "2.5", "-1", "9" * 12):
        response = await browser.post_form(f"/reconciliation/{d.location_id}/{d.day}/deposit", {
            "bag_number": "BAG-1", "d2000": typed})
        assert response.status_code == 400, typed
        assert 'data-testid="denominations-error"' in response.text, typed
        assert f'value="{typed}"' in response.text
    assert await fingerprint() == before


async def test_a_catalog_price_is_strict(browser: Browser) -> None:
    admin = await make_user(Role.ADMINISTRATOR)
    await signed_in(browser, admin)
    page = await browser.get("/admin/catalog")

    product_id = re.search(r"/admin/catalog/products/(\d+)", page.text)
    if product_id is None:  # a fresh database: make one
        created = await browser.post_form("/admin/catalog/products/new", {
            "code": "STRICT-1", "name": "Strict", "kind": "fixed", "active": "1"})
        assert created.status_code == 303, created.text
        product = created.headers["location"].rsplit("/", 1)[-1]
    else:
        product = product_id.group(1)
    before = await fingerprint()
    for typed in ("25_00", "2.5e1", "-5.00", "20,00"):
        response = await browser.post_form(f"/admin/catalog/products/{product}/prices", {
            "amount": typed, "effective_from": ""})
        assert response.status_code == 400, typed
        assert 'id="e-amount"' in response.text
    response = await browser.post_form(f"/admin/catalog/products/{product}/prices", {
        "amount": "2.50", "effective_from": "99999-01-01T00:00"})
    assert response.status_code == 400 and 'id="e-effective_from"' in response.text
    assert await fingerprint() == before


async def test_a_twenty_digit_id_in_any_path_is_not_found(browser: Browser) -> None:
    """Every route with an id in its path, as an administrator (GET) — a 404, never a 500."""
    from tests.fixtures import app_instance

    admin = await make_user(Role.ADMINISTRATOR)
    await signed_in(browser, admin)
    checked = 0
    for endpoint in route_table(app_instance()):
        if ":int}" not in endpoint.template or endpoint.method != "GET":
            continue
        path = endpoint.template
        import re
        path = re.sub(r"\{[^}:]+:int\}", TWENTY_DIGITS, path)
        path = re.sub(r"\{[^}:]+:date\}", "2026-01-02", path)
        response = await browser.get(path)
        assert response.status_code in (303, 404), f"{endpoint}: {response.status_code}"
        checked += 1
    assert checked >= 10


async def test_a_twenty_digit_id_in_a_post_is_not_found(browser: Browser) -> None:
    d = await make_day()
    await signed_in(browser, d.supervisor)
    response = await browser.post_form(f"/reconciliation/deposit/{TWENTY_DIGITS}/verify",
                                       {"counted_cash": "1.00"})
    assert response.status_code == 404
    response = await browser.post_form(f"/reconciliation/{TWENTY_DIGITS}/{d.day}/sign-off")
    assert response.status_code == 404


async def test_an_out_of_range_date_in_a_path_is_not_found(browser: Browser) -> None:
    d = await make_day()
    await signed_in(browser, d.supervisor)
    for day in ("0001-01-01", "9999-12-31"):
        response = await browser.get(f"/reconciliation/{d.location_id}/{day}")
        assert response.status_code == 404, day


async def test_a_query_id_out_of_range_is_ignored(browser: Browser) -> None:
    d = await make_day()
    await signed_in(browser, d.supervisor)
    response = await browser.get(f"/reconciliation?location={TWENTY_DIGITS}&date=2026-01-02")
    assert response.status_code == 200
