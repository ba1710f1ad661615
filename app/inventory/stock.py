"""The stock position under the ledger: move serial ranges and quantities between locations.

Call these only inside the transaction that writes the ledger entry for the same movement
(`services.post_movement`). Rows touched are locked (FOR UPDATE on PostgreSQL; SQLite's
IMMEDIATE transaction already serialises writers), so two desks moving the same cards at once
cannot both succeed.
"""

from __future__ import annotations

from collections.abc import Sequence

from app import sql
from app.db import is_sqlite
from app.inventory.errors import NotEnoughStock
from app.inventory.rules import Holding, SerialRange, plan_move


def _for_update() -> str:
    return "" if is_sqlite() else " FOR UPDATE"


async def _nearby(item_type: int, moving: SerialRange) -> list[Holding]:
    """Every range overlapping or touching `moving`, by two index probes (never a scan): the
    ranges starting inside first..last + 1, and the one range starting before first (ranges
    never overlap, so no earlier one can reach `moving`)."""
    columns = "SELECT id, first_serial, last_serial, location FROM stock_range "
    inside = await sql.fetch(
        columns + "WHERE item_type = {} AND first_serial >= {} AND first_serial <= {} "
        "ORDER BY first_serial" + _for_update(), item_type, moving.first, moving.last + 1,
    )
    before = await sql.fetch(
        columns + "WHERE item_type = {} AND first_serial < {} "
        "ORDER BY first_serial DESC LIMIT 1" + _for_update(), item_type, moving.first,
    )
    rows = [r for r in before if r["last_serial"] >= moving.first - 1] + inside
    return [Holding(r["id"], r["first_serial"], r["last_serial"], r["location"]) for r in rows]


async def move_serials(
    item_type: int, ranges: Sequence[SerialRange], source: int | None, target: int | None,
    names: dict[int, str],
) -> None:
    """Move every range (canonical, disjoint) or refuse the lot, naming the conflict."""
    for moving in ranges:
        nearby = await _nearby(item_type, moving)
        await _name_locations({h.location for h in nearby} - names.keys(), names)
        plan = plan_move(nearby, moving, source, target, names)
        if plan.delete_ids:
            marks = ", ".join("{}" for _ in plan.delete_ids)
            delete = f"DELETE FROM stock_range WHERE id IN ({marks})"  # noqa: S608 (only {} marks)
            await sql.execute(delete, *plan.delete_ids)
        for first, last, location in plan.insert:
            await sql.execute(
                "INSERT INTO stock_range (item_type, first_serial, last_serial, location) "
                "VALUES ({}, {}, {}, {})", item_type, first, last, location,
            )


async def _name_locations(location_ids: set[int], names: dict[int, str]) -> None:
    """Add the names of these locations (a refusal says where conflicting serials are)."""
    for location_id in location_ids:
        row = await sql.fetch_one(
            "SELECT l.name, s.name AS section FROM stock_location l "
            "JOIN section s ON s.id = l.section WHERE l.id = {}", location_id)
        if row:
            names[location_id] = f"{row['name']} ({row['section']})"


async def quantity_at(item_type: int, location: int, *, lock: bool = False) -> int:
    value = await sql.fetch_value(
        "SELECT quantity FROM stock_quantity WHERE item_type = {} AND location = {}"  # noqa: S608
        + (_for_update() if lock else ""), item_type, location,
    )
    return int(value or 0)


async def move_quantity(
    item_type: int, quantity: int, source: int | None, target: int | None,
    names: dict[int, str], item_name: str,
) -> None:
    """Move a counted item's quantity; a source never goes below zero."""
    if source is not None:
        held = await quantity_at(item_type, source, lock=True)
        if held < quantity:
            raise NotEnoughStock(
                f"{names.get(source, 'That location')} holds {held} of {item_name}; "
                f"{quantity} cannot move from there. Nothing was moved.")
        await sql.execute(
            "UPDATE stock_quantity SET quantity = quantity - {} "
            "WHERE item_type = {} AND location = {}", quantity, item_type, source,
        )
    if target is not None:
        await sql.execute(
            "INSERT INTO stock_quantity (item_type, location, quantity) VALUES ({}, {}, {}) "
            "ON CONFLICT (item_type, location) "
            "DO UPDATE SET quantity = stock_quantity.quantity + excluded.quantity",
            item_type, target, quantity,
        )


async def ranges_at(item_type: int, location: int) -> list[SerialRange]:
    rows = await sql.fetch(
        "SELECT first_serial, last_serial FROM stock_range WHERE location = {} "
        "AND item_type = {} ORDER BY first_serial", location, item_type,
    )
    return [SerialRange(r["first_serial"], r["last_serial"]) for r in rows]
