"""The inventory pages and forms through the ASGI app: what each role sees and may do, bad
input re-rendered with its message and nothing changed, htmx partials, keyset pages."""

from __future__ import annotations

import re

from app import sql
from app.inventory import services, stock
from app.inventory.rules import SerialRange
from tests.fixtures import Browser, signed_in
from tests.integration.test_inventory_support import (
    make_stock_room,
    move,
    receive_books,
    receive_cards,
)


async def test_the_index_shows_the_position_with_totals_and_low_stock(browser: Browser) -> None:
    room = await make_stock_room()
    await receive_cards(room, "60000000-60000999")
    await receive_books(room, 30)
    await services.record_movement(room.lead, move(
        "issued", room.card, room.vault, room.drawer, ranges="60000000-60000099"))
    from app.inventory import setup
    await setup.set_threshold(room.supervisor, room.vault, room.books, 50)
    await signed_in(browser, room.coordinator)
    page = await browser.get("/inventory")
    assert page.status_code == 200
    assert re.search(rf'data-testid="total-{room.card}">1,000<', page.text)
    assert 'data-testid="low-stock"' in page.text and ">30<" in page.text
    assert 'href="/inventory"' in page.text  # the navigation entry
    assert 'data-testid="move-received"' not in page.text  # receipts are a supervisor's


async def test_a_supervisor_receives_through_the_form_and_bad_input_changes_nothing(
        browser: Browser) -> None:
    room = await make_stock_room()
    await signed_in(browser, room.supervisor)
    form = await browser.get("/inventory/move/received")
    assert form.status_code == 200 and 'name="ranges"' in form.text
    bad = await browser.post_form("/inventory/move/received", {
        "item_type_id": str(room.card), "to_location_id": str(room.vault),
        "ranges": "60000999-60000000", "reference": "PO-1"})
    assert bad.status_code == 400 and "the last serial comes before the first" in bad.text
    assert "60000999-60000000" in bad.text  # the person's input is kept
    assert await stock.ranges_at(room.card, room.vault) == []
    done = await browser.post_form("/inventory/move/received", {
        "item_type_id": str(room.card), "to_location_id": str(room.vault),
        "ranges": "60000000-60000999", "reference": "PO-1"})
    assert done.status_code == 303 and done.headers["location"] == f"/inventory/locations/{room.vault}"
    assert await stock.ranges_at(room.card, room.vault) == [SerialRange(60000000, 60000999)]
    again = await browser.post_form("/inventory/move/received", {
        "item_type_id": str(room.card), "to_location_id": str(room.vault),
        "ranges": "60000500-60000600", "reference": "PO-2"})
    assert again.status_code == 409
    assert "Serials 60000500–60000600 are already in stock" in again.text
    zero = await browser.post_form("/inventory/move/received", {
        "item_type_id": str(room.books), "to_location_id": str(room.vault), "quantity": "0",
        "reference": "PO-3"}, headers={"HX-Request": "true"})
    assert zero.status_code == 200 and "at least 1" in zero.text  # htmx swaps only 2xx


async def test_roles_that_may_not_change_stock_are_refused(browser: Browser) -> None:
    room = await make_stock_room()
    await receive_cards(room, "1-100")
    await signed_in(browser, room.clerk)
    assert (await browser.get("/inventory")).status_code == 403
    browser.cookies.clear()
    browser.csrf = ""
    await signed_in(browser, room.auditor)
    assert (await browser.get("/inventory")).status_code == 200
    refused = await browser.post_form("/inventory/move/issued", {
        "item_type_id": str(room.card), "from_location_id": str(room.vault),
        "to_location_id": str(room.drawer), "ranges": "1-10"})
    assert refused.status_code == 403
    assert await stock.ranges_at(room.card, room.drawer) == []


async def test_a_transfer_is_sent_then_confirmed_by_the_receiver(browser: Browser) -> None:
    room = await make_stock_room()
    await receive_cards(room, "1-100")
    await signed_in(browser, room.lead)
    sent = await browser.post_form("/inventory/move/transfer_out", {
        "item_type_id": str(room.card), "from_location_id": str(room.vault),
        "to_location_id": str(room.drawer), "ranges": "1-20"})
    assert sent.status_code == 303
    transfer = int(await sql.fetch_value(
        "SELECT MAX(id) FROM stock_movement WHERE kind = 'transfer_out' AND item_type = {}",
        room.card))
    index = await browser.get("/inventory")
    assert f'data-testid="transfer-{transfer}"' in index.text
    own = await browser.post_form(f"/inventory/transfers/{transfer}/confirm")
    assert own.status_code == 403 and "someone at the receiving end" in own.text
    browser.cookies.clear()
    browser.csrf = ""
    await signed_in(browser, room.coordinator)
    confirmed = await browser.post_form(f"/inventory/transfers/{transfer}/confirm")
    assert confirmed.status_code == 303
    assert await stock.ranges_at(room.card, room.drawer) == [SerialRange(1, 20)]


async def test_the_serial_lookup_page_and_its_htmx_answer(browser: Browser) -> None:
    room = await make_stock_room()
    await receive_cards(room, "60123000-60123999")
    await signed_in(browser, room.auditor)
    page = await browser.get("/inventory/lookup?serial=60123456")
    assert page.status_code == 200 and "<html" in page.text
    assert "60123000–60123999" in page.text and "Received from vendor" in page.text
    part = await browser.get("/inventory/lookup?serial=abc", headers={"HX-Request": "true"})
    assert "<html" not in part.text and "digits only" in part.text


async def test_the_movement_history_pages_by_keyset(browser: Browser) -> None:
    room = await make_stock_room()
    await receive_books(room, 1000)
    for _ in range(55):
        await services.record_movement(room.lead, move(
            "issued", room.books, room.vault, room.drawer, quantity="1"))
    await signed_in(browser, room.lead)
    first = await browser.get(f"/inventory/movements?location={room.drawer}")
    ids = [int(i) for i in re.findall(r'data-testid="movement-(\d+)"', first.text)]
    assert len(ids) == 50 and ids == sorted(ids, reverse=True)
    more = re.search(r'href="(/inventory/movements\?[^"]*before=(\d+))"', first.text)
    assert more and int(more.group(2)) == ids[-1]
    rest = await browser.get(more.group(1).replace("&amp;", "&"), headers={"HX-Request": "true"})
    rest_ids = [int(i) for i in re.findall(r'data-testid="movement-(\d+)"', rest.text)]
    assert len(rest_ids) == 5 and max(rest_ids) < ids[-1] and "<html" not in rest.text


async def test_a_count_and_its_approval_through_the_location_page(browser: Browser) -> None:
    room = await make_stock_room()
    await receive_books(room, 100)
    await signed_in(browser, room.coordinator)
    made = await browser.post_form(f"/inventory/locations/{room.vault}/count", {
        "item_type_id": str(room.books), "counted_quantity": "97"})
    assert made.status_code == 303
    page = await browser.get(f"/inventory/locations/{room.vault}")
    assert "awaits a supervisor" in page.text and "-3" in page.text
    assert await stock.quantity_at(room.books, room.vault) == 100
    count = int(await sql.fetch_value(
        "SELECT MAX(id) FROM stock_count WHERE location = {}", room.vault))
    browser.cookies.clear()
    browser.csrf = ""
    await signed_in(browser, room.supervisor)
    page = await browser.get(f"/inventory/locations/{room.vault}")
    assert f'data-testid="approve-{count}"' in page.text
    done = await browser.post_form(f"/inventory/counts/{count}/decide", {"outcome": "approved"})
    assert done.status_code == 303
    assert await stock.quantity_at(room.books, room.vault) == 97


async def test_supervisors_add_locations_and_set_levels_administrators_add_items(
        browser: Browser) -> None:
    room = await make_stock_room()
    await signed_in(browser, room.supervisor)
    missing = await browser.post_form("/inventory/locations/new", {
        "code": "OUT-9", "name": "Corner store", "kind": "consignment",
        "section_id": str(room.org.section_id)})
    assert missing.status_code == 400 and "account number" in missing.text
    code = f"OUT-{room.org.section_id}"
    made = await browser.post_form("/inventory/locations/new", {
        "code": code, "name": "Corner store", "kind": "consignment",
        "section_id": str(room.org.section_id), "account_ref": "R-77"})
    assert made.status_code == 303
    level = await browser.post_form(f"/inventory/locations/{room.vault}/thresholds", {
        "item_type_id": str(room.books), "minimum": "25"})
    assert level.status_code == 303
    assert (await browser.get("/inventory/items/new")).status_code == 403
