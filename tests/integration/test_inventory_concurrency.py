"""Two desks at once: the same cards moved twice, the same transfer confirmed twice, the same
count decided twice. One wins, the other is refused with a message; no card is in two places.
Both engines (PostgreSQL row locks and the exclusion constraint; SQLite's one writer)."""

from __future__ import annotations

import asyncio

import pytest

from app.errors import DomainError
from app.inventory import counts, services, stock
from app.inventory.counts import CountForm
from app.inventory.rules import SerialRange
from tests.integration.test_inventory_support import (
    make_stock_room,
    move,
    receive_books,
    receive_cards,
)


def _outcomes(results: list[object]) -> tuple[list[object], list[DomainError]]:
    errors = [r for r in results if isinstance(r, DomainError)]
    others = [r for r in results if isinstance(r, BaseException) and r not in errors]
    assert not others, others
    return [r for r in results if not isinstance(r, BaseException)], errors


async def test_the_same_cards_moved_from_two_desks_at_once_move_once() -> None:
    room = await make_stock_room()
    await receive_cards(room, "1-1000")
    results = await asyncio.gather(
        services.record_movement(room.lead, move(
            "issued", room.card, room.vault, room.drawer, ranges="100-299")),
        services.record_movement(room.coordinator, move(
            "distributed", room.card, room.vault, room.outlet, ranges="200-399")),
        return_exceptions=True)
    done, refused = _outcomes(list(results))
    assert len(done) == 1 and len(refused) == 1
    held = (await stock.ranges_at(room.card, room.drawer)
            + await stock.ranges_at(room.card, room.outlet))
    assert held in ([SerialRange(100, 299)], [SerialRange(200, 399)])
    left = await stock.ranges_at(room.card, room.vault)
    assert sum(r.size for r in left) + held[0].size == 1000


async def test_a_transfer_confirmed_twice_at_once_arrives_once() -> None:
    room = await make_stock_room()
    await receive_books(room, 10)
    transfer = await services.record_movement(room.lead, move(
        "transfer_out", room.books, room.vault, room.drawer, quantity="4"))
    results = await asyncio.gather(
        services.confirm_transfer(room.coordinator, transfer),
        services.confirm_transfer(room.supervisor, transfer), return_exceptions=True)
    done, refused = _outcomes(list(results))
    assert len(done) == 1 and len(refused) == 1
    assert await stock.quantity_at(room.books, room.drawer) == 4


@pytest.mark.parametrize("outcomes", [("approved", "approved"), ("approved", "rejected")])
async def test_a_count_decided_twice_at_once_is_decided_once(outcomes: tuple[str, str]) -> None:
    room = await make_stock_room()
    await receive_books(room, 50)
    count = await counts.record_count(room.coordinator, CountForm(
        room.vault, room.books, counted_quantity="45"))
    results = await asyncio.gather(
        counts.decide_count(room.supervisor, count, outcomes[0]),
        counts.decide_count(room.supervisor2, count, outcomes[1]), return_exceptions=True)
    done, refused = _outcomes(list(results))
    assert len(done) == 1 and len(refused) == 1
    assert await stock.quantity_at(room.books, room.vault) in (45, 50)
