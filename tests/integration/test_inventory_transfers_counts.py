"""Transfers (sender sends, receiver confirms), physical counts (differences post only after a
supervisor who is not the counter approves), thresholds, the serial lookup, and the database
refusing to rewrite the stock ledger or to hold a serial twice. Both engines."""

from __future__ import annotations

import pytest

from app import sql
from app.errors import Forbidden
from app.inventory import counts, queries, services, setup, stock
from app.inventory.counts import CountForm
from app.inventory.errors import CountChanged, RangeConflict
from app.inventory.rules import SerialRange
from app.inventory.states import LocationKind
from tests.integration.test_inventory_support import (
    StockRoom,
    make_stock_room,
    move,
    receive_books,
    receive_cards,
)


@pytest.fixture
async def room() -> StockRoom:
    return await make_stock_room()


async def _send(room: StockRoom, ranges: str, target: int | None = None) -> int:
    return await services.record_movement(room.lead, move(
        "transfer_out", room.card, room.vault, target or room.drawer, ranges=ranges))


async def test_a_transfer_is_in_transit_until_the_receiver_confirms(room: StockRoom) -> None:
    await receive_cards(room, "60000000-60000999")
    transfer = await _send(room, "60000000-60000049")
    transit = await setup.system_location(room.org.section_id, LocationKind.IN_TRANSIT)
    assert await stock.ranges_at(room.card, transit["id"]) == [SerialRange(60000000, 60000049)]
    assert await stock.ranges_at(room.card, room.drawer) == []
    [pending] = await queries.pending_transfers((room.org.section_id,))
    assert pending["id"] == transfer and pending["destination"] == room.drawer

    await services.confirm_transfer(room.coordinator, transfer)
    assert await stock.ranges_at(room.card, room.drawer) == [SerialRange(60000000, 60000049)]
    assert await stock.ranges_at(room.card, transit["id"]) == []
    assert await queries.pending_transfers((room.org.section_id,)) == []
    with pytest.raises(Forbidden, match="already received"):
        await services.confirm_transfer(room.supervisor, transfer)


async def test_the_sender_cannot_confirm_their_own_transfer(room: StockRoom) -> None:
    await receive_cards(room, "1-100")
    transfer = await _send(room, "1-10")
    with pytest.raises(Forbidden, match="someone at the receiving end"):
        await services.confirm_transfer(room.lead, transfer)


async def test_only_the_receiving_section_confirms(room: StockRoom) -> None:
    await receive_cards(room, "1-100")
    transfer = await _send(room, "1-10", room.other_vault)
    with pytest.raises(Forbidden):
        await services.confirm_transfer(room.supervisor, transfer)
    await services.confirm_transfer(room.other_supervisor, transfer)
    assert await stock.ranges_at(room.card, room.other_vault) == [SerialRange(1, 10)]


async def test_a_cancelled_transfer_returns_to_the_origin_and_merges(room: StockRoom) -> None:
    await receive_cards(room, "1-100")
    transfer = await _send(room, "41-60")
    await services.cancel_transfer(room.supervisor, transfer)
    assert await stock.ranges_at(room.card, room.vault) == [SerialRange(1, 100)]
    with pytest.raises(Forbidden, match="already cancelled"):
        await services.confirm_transfer(room.coordinator, transfer)


async def test_counted_items_transfer_by_quantity(room: StockRoom) -> None:
    await receive_books(room, 300)
    transfer = await services.record_movement(room.lead, move(
        "transfer_out", room.books, room.vault, room.outlet, quantity="75"))
    await services.confirm_transfer(room.supervisor, transfer)
    assert await stock.quantity_at(room.books, room.outlet) == 75
    assert await stock.quantity_at(room.books, room.vault) == 225


async def test_a_count_difference_posts_only_after_another_supervisor_approves(
        room: StockRoom) -> None:
    await receive_books(room, 200)
    count = await counts.record_count(room.supervisor, CountForm(
        room.vault, room.books, counted_quantity="195", note="shelf B"))
    assert await stock.quantity_at(room.books, room.vault) == 200  # nothing posted yet
    diff = counts.difference(await counts.get_count(count))
    assert (diff.expected, diff.counted, diff.delta) == (200, 195, -5)
    with pytest.raises(Forbidden, match="another supervisor"):
        await counts.decide_count(room.supervisor, count, "approved")
    with pytest.raises(Forbidden):
        await counts.decide_count(room.lead, count, "approved")
    await counts.decide_count(room.supervisor2, count, "approved")
    assert await stock.quantity_at(room.books, room.vault) == 195
    row = await sql.fetch_one(
        "SELECT kind, quantity, from_location FROM stock_movement WHERE count_id = {}", count)
    assert row == {"kind": "count_shortage", "quantity": 5, "from_location": room.vault}
    with pytest.raises(Forbidden, match="already approved"):
        await counts.decide_count(room.supervisor2, count, "rejected")


async def test_a_rejected_count_posts_nothing(room: StockRoom) -> None:
    await receive_books(room, 50)
    count = await counts.record_count(room.coordinator, CountForm(
        room.vault, room.books, counted_quantity="80"))
    await counts.decide_count(room.supervisor, count, "rejected", "recount shelf A")
    assert await stock.quantity_at(room.books, room.vault) == 50


async def test_a_count_made_before_stock_moved_cannot_post(room: StockRoom) -> None:
    await receive_books(room, 50)
    count = await counts.record_count(room.coordinator, CountForm(
        room.vault, room.books, counted_quantity="48"))
    await receive_books(room, 10)
    with pytest.raises(CountChanged):
        await counts.decide_count(room.supervisor, count, "approved")
    assert await stock.quantity_at(room.books, room.vault) == 60


async def test_a_serial_count_writes_off_missing_ranges_and_takes_in_found_ones(
        room: StockRoom) -> None:
    await receive_cards(room, "1000-1999")
    count = await counts.record_count(room.lead, CountForm(
        room.vault, room.card, counted_ranges="1000-1899, 2000-2009"))
    diff = counts.difference(await counts.get_count(count))
    assert diff.missing == (SerialRange(1900, 1999),)
    assert diff.unexpected == (SerialRange(2000, 2009),)
    await counts.decide_count(room.supervisor, count, "approved")
    assert await stock.ranges_at(room.card, room.vault) == [
        SerialRange(1000, 1899), SerialRange(2000, 2009)]
    [gone] = await queries.where_is(1950, room.card)
    assert gone.location is None and gone.history[-1]["kind"] == "count_shortage"


async def test_a_count_cannot_take_in_serials_held_elsewhere(room: StockRoom) -> None:
    await receive_cards(room, "1000-1099")
    await services.record_movement(room.lead, move(
        "issued", room.card, room.vault, room.drawer, ranges="1050-1099"))
    count = await counts.record_count(room.lead, CountForm(
        room.vault, room.card, counted_ranges="1000-1099"))
    with pytest.raises(RangeConflict, match="1050–1099 are already in stock at Counter drawer"):
        await counts.decide_count(room.supervisor, count, "approved")
    assert await stock.ranges_at(room.card, room.drawer) == [SerialRange(1050, 1099)]


async def test_low_stock_lists_locations_under_their_threshold(room: StockRoom) -> None:
    await receive_books(room, 40)
    await setup.set_threshold(room.supervisor, room.vault, room.books, 50)
    await setup.set_threshold(room.supervisor, room.drawer, room.card, 10)
    with pytest.raises(Forbidden):
        await setup.set_threshold(room.lead, room.vault, room.books, 10)
    low = await queries.low_stock((room.org.section_id,))
    assert {(r["location"], r["quantity"], r["minimum"]) for r in low} == {
        (room.vault, 40, 50), (room.drawer, 0, 10)}
    await receive_books(room, 10)
    low = await queries.low_stock((room.org.section_id,))
    assert [r["location"] for r in low] == [room.drawer]


async def test_where_is_a_card_answers_with_its_location_and_every_move(room: StockRoom) -> None:
    await receive_cards(room, "60123000-60123999")
    transfer = await _send(room, "60123400-60123499")
    await services.confirm_transfer(room.coordinator, transfer)
    [where] = await queries.where_is(60123456, room.card)
    assert where.location is not None and where.location["id"] == room.drawer
    assert where.range == SerialRange(60123400, 60123499)
    assert [m["kind"] for m in where.history] == ["received", "transfer_out", "transfer_in"]
    assert await queries.where_is(59999999, room.card) == []


async def test_the_database_refuses_to_rewrite_the_stock_ledger(room: StockRoom) -> None:
    movement = await receive_cards(room, "1-10")
    for statement in ("UPDATE stock_movement SET quantity = 99 WHERE id = {}",
                      "DELETE FROM stock_movement_range WHERE movement = {}",
                      "DELETE FROM stock_movement WHERE id = {}"):
        with pytest.raises(Exception, match="append-only"):
            await sql.execute(statement, movement)
    assert await sql.fetch_value(
        "SELECT quantity FROM stock_movement WHERE id = {}", movement) == 10


async def test_the_database_refuses_overlapping_ranges_whatever_the_code_does(
        room: StockRoom) -> None:
    await receive_cards(room, "100-199")
    with pytest.raises(Exception, match=r"overlap|stock_range_no_overlap"):
        await sql.execute(
            "INSERT INTO stock_range (item_type, first_serial, last_serial, location) "
            "VALUES ({}, {}, {}, {})", room.card, 150, 250, room.drawer)


async def test_the_position_is_the_sum_of_the_ledger(room: StockRoom) -> None:
    """The position tables are a projection: rebuilt from the ledger they come out the same."""
    await receive_cards(room, "1-1000")
    await receive_books(room, 90)
    await services.record_movement(room.lead, move(
        "issued", room.card, room.vault, room.drawer, ranges="100-199, 300-310"))
    await services.record_movement(room.lead, move(
        "distributed", room.books, room.vault, room.outlet, quantity="30"))
    ledger = await sql.fetch(
        "SELECT loc, SUM(q) AS q FROM (SELECT to_location AS loc, quantity AS q FROM "
        "stock_movement WHERE item_type IN ({}, {}) AND to_location IS NOT NULL UNION ALL "
        "SELECT from_location, -quantity FROM stock_movement WHERE item_type IN ({}, {}) "
        "AND from_location IS NOT NULL) x GROUP BY loc",
        room.card, room.books, room.card, room.books)
    held = {r["location"]: r["quantity"] for r in await queries.position(
        (room.org.section_id,))}
    from_ledger = {r["loc"]: int(r["q"]) for r in ledger if int(r["q"])}
    totals: dict[int, int] = {}
    for row in await queries.position((room.org.section_id,)):
        totals[row["location"]] = totals.get(row["location"], 0) + row["quantity"]
    assert totals == from_ledger and set(held) == set(from_ledger)


async def test_a_locations_history_holds_what_left_arrived_and_is_on_its_way(
        room: StockRoom) -> None:
    await receive_cards(room, "1-100")
    issued = await services.record_movement(room.lead, move(
        "issued", room.card, room.vault, room.drawer, ranges="1-10"))
    returned = await services.record_movement(room.lead, move(
        "drawer_return", room.card, room.drawer, room.vault, ranges="1-5"))
    coming = await _send(room, "50-59")  # vault → in transit, destination the drawer
    rows, cursor = await queries.movements(queries.HistoryFilter(location_id=room.drawer), None)
    assert [r["id"] for r in rows] == [coming, returned, issued] and cursor is None
    page1, cursor = await queries.movements(
        queries.HistoryFilter(location_id=room.drawer), None, limit=2)
    assert [r["id"] for r in page1] == [coming, returned] and cursor == returned
    page2, cursor = await queries.movements(
        queries.HistoryFilter(location_id=room.drawer), None, before=cursor, limit=2)
    assert [r["id"] for r in page2] == [issued] and cursor is None
