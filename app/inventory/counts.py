"""Physical counts: a count is recorded with what the books said at that moment; its
differences post only when a supervisor of the section who is not the counter approves it.

This is deliberately small and self-contained: `record_count` (the counter's step) and
`decide_count` (the supervisor's), each an append-only row plus an audit event. The shared
approvals mechanism, when it arrives, takes these two steps over.

For serialized items the counter lists the ranges found; the differences are serial ranges
(missing: on the books but not found; unexpected: found but not on the books here). Approving
writes the missing ranges off the books and takes the unexpected ones in — unless they are on
the books elsewhere, which is refused naming where (that is a transfer, not a count).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app import sql
from app.audit.services import record
from app.auth.principal import Principal
from app.db import write_transaction
from app.errors import Forbidden
from app.inventory import setup, stock
from app.inventory.authority import require_decider, require_in_section, require_other_person
from app.inventory.errors import CountChanged, InventoryNotFound, invalid
from app.inventory.rules import SerialRange, format_ranges, parse_ranges, subtract, total
from app.inventory.services import Amount, lock_row, post_movement
from app.inventory.states import CountOutcome, Kind
from app.inventory.tables import StockCount, StockCountDecision


@dataclass(frozen=True)
class CountForm:
    location_id: int
    item_type_id: int
    counted_quantity: str = ""
    counted_ranges: str = ""
    note: str = ""


@dataclass(frozen=True)
class Difference:
    """What a count found against the books."""

    expected: int
    counted: int
    missing: tuple[SerialRange, ...] = ()
    unexpected: tuple[SerialRange, ...] = ()

    @property
    def delta(self) -> int:
        return self.counted - self.expected

    @property
    def matches(self) -> bool:
        return self.delta == 0 and not self.missing and not self.unexpected


def difference(count: dict[str, Any]) -> Difference:
    """`count` as `get_count` returns it (with the item's `serialized`)."""
    if count["serialized"]:
        expected = _ranges(count["expected_ranges"])
        counted = _ranges(count["counted_ranges"])
        return Difference(total(expected), total(counted), tuple(subtract(expected, counted)),
                          tuple(subtract(counted, expected)))
    return Difference(int(count["expected_quantity"]), int(count["counted_quantity"]))


def _ranges(text: str) -> list[SerialRange]:
    return parse_ranges(text) if text.strip() else []


def _whole_number(raw: str) -> int:
    raw = raw.strip().replace(",", "")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
        raise invalid("counted_quantity", "Enter how many you counted as a whole number (0 or more).")
    return int(raw)


async def record_count(actor: Principal, form: CountForm) -> int:
    location = await setup.get_location(form.location_id)
    require_in_section(actor, location)
    item = await setup.get_item_type(form.item_type_id)
    values: dict[str, Any]
    async with write_transaction():
        if item["serialized"]:
            counted = _ranges(form.counted_ranges) if form.counted_ranges.strip() else []
            expected = await stock.ranges_at(item["id"], location["id"])
            values = {"expected_quantity": total(expected), "counted_quantity": total(counted),
                      "expected_ranges": format_ranges(expected),
                      "counted_ranges": format_ranges(counted)}
        else:
            values = {"expected_quantity": await stock.quantity_at(item["id"], location["id"]),
                      "counted_quantity": _whole_number(form.counted_quantity),
                      "expected_ranges": "", "counted_ranges": ""}
        count = StockCount(location=location["id"], item_type=item["id"], note=form.note.strip(),
                           counted_by=actor.id, created_at=datetime.now(UTC), **values)
        await count.save()
        await record(actor, "inventory.count.record", "stock_count", count.id,
                     {"location": location["code"], "item_type": item["code"], **values})
    return int(count.id)


async def get_count(count_id: int) -> dict[str, Any]:
    row = await sql.fetch_one(
        "SELECT c.*, t.serialized, t.name AS item_name, d.outcome, d.decided_by, "
        "d.note AS decision_note FROM stock_count c "
        "JOIN inventory_item_type t ON t.id = c.item_type "
        "LEFT JOIN stock_count_decision d ON d.stock_count = c.id WHERE c.id = {}", count_id)
    if row is None:
        raise InventoryNotFound("No such count.")
    row["serialized"] = bool(row["serialized"])
    return row


async def decide_count(actor: Principal, count_id: int, outcome: str, note: str = "") -> None:
    count = await get_count(count_id)
    location = await setup.get_location(count["location"])
    require_decider(actor, location, "approve a count")
    require_other_person(actor, count["counted_by"],
                         "You made this count: another supervisor must decide on it.")
    if count["outcome"]:
        raise Forbidden(f"Count {count_id} was already {count['outcome']}.")
    try:
        decision = CountOutcome(outcome)
    except ValueError:
        raise invalid("outcome", "Choose approve or reject.") from None
    item = await setup.get_item_type(count["item_type"])
    diff = difference(count)
    async with write_transaction():
        await lock_row("stock_count", count_id)
        if (await get_count(count_id))["outcome"]:  # decided meanwhile by someone else
            raise Forbidden(f"Count {count_id} was already decided.")
        if decision is CountOutcome.APPROVED:
            await _check_unchanged(item, location, count)
            await _post_differences(actor, item, location, count_id, diff)
        await StockCountDecision(stock_count=count_id, outcome=decision, note=note.strip(),
                                 decided_by=actor.id, created_at=datetime.now(UTC)).save()
        await record(actor, f"inventory.count.{decision}", "stock_count", count_id,
                     {"delta": diff.delta, "missing": format_ranges(diff.missing),
                      "unexpected": format_ranges(diff.unexpected), "note": note})


async def _check_unchanged(item: dict[str, Any], location: dict[str, Any],
                           count: dict[str, Any]) -> None:
    """A count's differences are against the books at the time it was made; if stock moved
    since, posting them would be wrong: the supervisor asks for a new count instead."""
    if item["serialized"]:
        now = format_ranges(await stock.ranges_at(item["id"], location["id"]))
        changed = now != (count["expected_ranges"] or "")
    else:
        changed = await stock.quantity_at(item["id"], location["id"], lock=True) != int(
            count["expected_quantity"])
    if changed:
        raise CountChanged(f"Stock of {item['name']} at {location['name']} has moved since this "
                           "count was made. Reject it and count again.")


async def _post_differences(actor: Principal, item: dict[str, Any], location: dict[str, Any],
                            count_id: int, diff: Difference) -> None:
    if item["serialized"]:
        if diff.missing:
            await post_movement(actor, Kind.COUNT_SHORTAGE, item,
                                Amount(total(diff.missing), diff.missing), location, None,
                                count_id=count_id, note=f"count {count_id}")
        if diff.unexpected:
            await post_movement(actor, Kind.COUNT_OVERAGE, item,
                                Amount(total(diff.unexpected), diff.unexpected), None, location,
                                count_id=count_id, note=f"count {count_id}")
    elif diff.delta < 0:
        await post_movement(actor, Kind.COUNT_SHORTAGE, item, Amount(-diff.delta), location,
                            None, count_id=count_id, note=f"count {count_id}")
    elif diff.delta > 0:
        await post_movement(actor, Kind.COUNT_OVERAGE, item, Amount(diff.delta), None, location,
                            count_id=count_id, note=f"count {count_id}")
