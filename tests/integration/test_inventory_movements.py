"""Stock movements: serial ranges split and merge as cards move, every rule refused with the
conflicting range named, the position always the ledger's sum. Runs on both engines."""

from __future__ import annotations

import pytest

from app import sql
from app.errors import Forbidden, ValidationFailed
from app.inventory import queries, services, stock
from app.inventory.errors import NotEnoughStock, RangeConflict
from app.inventory.rules import SerialRange
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


async def test_receiving_a_range_puts_it_in_the_vault_as_one_row(room: StockRoom) -> None:
    await receive_cards(room, "60000000-60999999")
    assert await stock.ranges_at(room.card, room.vault) == [SerialRange(60000000, 60999999)]
    [row] = await queries.position(location_id=room.vault)
    assert row["quantity"] == 1_000_000 and row["ranges"] == 1


async def test_issuing_part_of_a_range_splits_it_and_returning_it_merges_it_back(
        room: StockRoom) -> None:
    await receive_cards(room, "60000000-60000999")
    await services.record_movement(room.lead, move(
        "issued", room.card, room.vault, room.drawer, ranges="60000100-60000199"))
    assert await stock.ranges_at(room.card, room.vault) == [
        SerialRange(60000000, 60000099), SerialRange(60000200, 60000999)]
    assert await stock.ranges_at(room.card, room.drawer) == [SerialRange(60000100, 60000199)]
    await services.record_movement(room.lead, move(
        "drawer_return", room.card, room.drawer, room.vault, ranges="60000100-60000199"))
    assert await stock.ranges_at(room.card, room.vault) == [SerialRange(60000000, 60000999)]
    assert await stock.ranges_at(room.card, room.drawer) == []


async def test_receiving_serials_already_in_stock_is_refused_naming_the_range(
        room: StockRoom) -> None:
    await receive_cards(room, "60000000-60000999")
    with pytest.raises(RangeConflict) as refused:
        await receive_cards(room, "60000900-60001100")
    assert "60000900–60000999" in refused.value.message
    assert "60000000–60000999" in refused.value.message
    assert await stock.ranges_at(room.card, room.vault) == [SerialRange(60000000, 60000999)]


async def test_moving_serials_that_are_elsewhere_names_where_they_are(room: StockRoom) -> None:
    await receive_cards(room, "60000000-60000999")
    await services.record_movement(room.lead, move(
        "issued", room.card, room.vault, room.drawer, ranges="60000500-60000599"))
    before = await sql.fetch_value("SELECT COUNT(*) FROM stock_movement")
    with pytest.raises(RangeConflict) as refused:
        await services.record_movement(room.lead, move(
            "distributed", room.card, room.vault, room.outlet, ranges="60000400-60000550"))
    assert "60000500–60000550" in refused.value.message
    assert "Counter drawer" in refused.value.message
    assert await sql.fetch_value("SELECT COUNT(*) FROM stock_movement") == before
    assert await stock.ranges_at(room.card, room.outlet) == []


async def test_moving_serials_never_received_is_refused(room: StockRoom) -> None:
    await receive_cards(room, "60000000-60000099")
    with pytest.raises(RangeConflict, match="60000100–60000199 are not in stock"):
        await services.record_movement(room.lead, move(
            "issued", room.card, room.vault, room.drawer, ranges="60000050-60000199"))


async def test_ranges_listed_twice_in_one_form_are_refused(room: StockRoom) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await receive_cards(room, "60000000-60000099, 60000050-60000060")
    assert "overlap" in refused.value.field_errors["ranges"]


@pytest.mark.parametrize("quantity", ["0", "-5", "ten", ""])
async def test_zero_negative_or_unreadable_quantities_are_refused(
        room: StockRoom, quantity: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await receive_books(room, quantity)  # type: ignore[arg-type]
    assert "quantity" in refused.value.field_errors
    assert await stock.quantity_at(room.books, room.vault) == 0


async def test_counted_items_move_by_quantity_and_never_below_zero(room: StockRoom) -> None:
    await receive_books(room, 500)
    await services.record_movement(room.coordinator, move(
        "issued", room.books, room.vault, room.drawer, quantity="120"))
    assert await stock.quantity_at(room.books, room.vault) == 380
    assert await stock.quantity_at(room.books, room.drawer) == 120
    with pytest.raises(NotEnoughStock, match="holds 120"):
        await services.record_movement(room.coordinator, move(
            "drawer_return", room.books, room.drawer, room.vault, quantity="121"))
    assert await stock.quantity_at(room.books, room.drawer) == 120


async def test_only_a_supervisor_records_a_receipt_and_it_needs_a_reference(
        room: StockRoom) -> None:
    form = move("received", room.card, None, room.vault, ranges="1-10")
    with pytest.raises(Forbidden):
        await services.record_movement(room.lead, form)
    with pytest.raises(ValidationFailed) as refused:
        await services.record_movement(room.supervisor, form)
    assert "reference" in refused.value.field_errors


async def test_nobody_moves_stock_of_a_section_they_do_not_work_in(room: StockRoom) -> None:
    await receive_cards(room, "1-100")
    with pytest.raises(Forbidden):
        await services.record_movement(room.other_supervisor, move(
            "issued", room.card, room.vault, room.drawer, ranges="1-10"))
    for reader in (room.auditor, room.clerk):
        with pytest.raises(Forbidden):
            await services.record_movement(reader, move(
                "issued", room.card, room.vault, room.drawer, ranges="1-10"))


async def test_a_movement_kind_only_goes_between_the_locations_it_names(room: StockRoom) -> None:
    await receive_cards(room, "1-100")
    with pytest.raises(ValidationFailed) as refused:
        await services.record_movement(room.lead, move(
            "issued", room.card, room.vault, room.outlet, ranges="1-10"))
    assert "to_location_id" in refused.value.field_errors


async def test_damage_needs_a_witness_who_is_not_the_actor_and_signs(room: StockRoom) -> None:
    await receive_cards(room, "1-100")
    damaged = move("damaged", room.card, room.vault, None, ranges="5-9")
    with pytest.raises(ValidationFailed) as refused:
        await services.record_movement(room.lead, damaged)
    assert "witness_username" in refused.value.field_errors
    with pytest.raises(ValidationFailed, match="someone other than you"):
        await services.record_movement(room.lead, move(
            "damaged", room.card, room.vault, None, ranges="5-9", witness=room.lead))
    with pytest.raises(ValidationFailed) as refused:
        await services.record_movement(room.lead, move(
            "damaged", room.card, room.vault, None, ranges="5-9", witness=room.supervisor,
            password="wrong-password-123"))
    assert "witness_password" in refused.value.field_errors
    movement = await services.record_movement(room.lead, move(
        "damaged", room.card, room.vault, None, ranges="5-9", witness=room.supervisor))
    row = await sql.fetch_one("SELECT witness, actor FROM stock_movement WHERE id = {}", movement)
    assert row == {"witness": room.supervisor.id, "actor": room.lead.id}
    destroyed = await services.record_movement(room.supervisor, move(
        "destroyed", room.card, await _damaged_location(movement), None, ranges="5-9",
        witness=room.lead))
    [where] = await queries.where_is(7, room.card)
    assert where.location is not None and where.location["kind"] == "destroyed"
    assert [m["id"] for m in where.history][-1] == destroyed


async def _damaged_location(movement: int) -> int:
    return int(await sql.fetch_value(
        "SELECT to_location FROM stock_movement WHERE id = {}", movement))


async def test_every_movement_is_audited(room: StockRoom) -> None:
    movement = await receive_cards(room, "1-100")
    row = await sql.fetch_one(
        "SELECT actor, action, summary FROM audit_event WHERE object_type = 'stock_movement' "
        "AND object_id = {}", str(movement))
    assert row is not None and row["action"] == "inventory.received"
    assert row["actor"] == room.supervisor.id and "1-100" in row["summary"]
