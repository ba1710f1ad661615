"""Who may do what, as a matrix: role × action × own or other section. Services check it
(the route guards only keep out roles with no business on the page at all)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from app.auth.principal import Principal
from app.auth.roles import Role
from app.errors import Forbidden
from app.inventory import counts, services, setup
from app.inventory.counts import CountForm
from tests.fixtures import make_user
from tests.integration.test_inventory_support import (
    StockRoom,
    make_stock_room,
    move,
    receive_books,
)

Action = Callable[[Principal, StockRoom], Awaitable[object]]


async def _issue(actor: Principal, room: StockRoom) -> object:
    return await services.record_movement(actor, move(
        "issued", room.books, room.vault, room.drawer, quantity="1"))


async def _receive(actor: Principal, room: StockRoom) -> object:
    return await services.record_movement(actor, services.MovementForm(
        kind="received", item_type_id=room.books, to_location_id=room.vault, quantity="5",
        reference="PO-9"))


async def _confirm(actor: Principal, room: StockRoom) -> object:
    transfer = await services.record_movement(room.lead, move(
        "transfer_out", room.books, room.vault, room.drawer, quantity="1"))
    return await services.confirm_transfer(actor, transfer)


async def _decide(actor: Principal, room: StockRoom) -> object:
    count = await counts.record_count(room.coordinator, CountForm(
        room.vault, room.books, counted_quantity="99"))
    return await counts.decide_count(actor, count, "rejected")


async def _threshold(actor: Principal, room: StockRoom) -> object:
    return await setup.set_threshold(actor, room.vault, room.books, 5)


ACTIONS: dict[str, Action] = {"issue": _issue, "receive": _receive, "confirm": _confirm,
                              "decide_count": _decide, "threshold": _threshold}

#: (action, role) → allowed in the role's own section
ALLOWED = {
    "issue": {Role.COORDINATOR, Role.LEAD, Role.SUPERVISOR, Role.ADMINISTRATOR},
    "receive": {Role.SUPERVISOR, Role.ADMINISTRATOR},
    "confirm": {Role.COORDINATOR, Role.SUPERVISOR, Role.ADMINISTRATOR},  # lead sent it
    "decide_count": {Role.SUPERVISOR, Role.ADMINISTRATOR},
    "threshold": {Role.SUPERVISOR, Role.ADMINISTRATOR},
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("own_section", [True, False])
async def test_authority_matrix(action: str, role: Role, own_section: bool) -> None:
    room = await make_stock_room()
    await receive_books(room, 100)
    if role is Role.LEAD and action == "confirm" and own_section:
        actor = room.lead  # the sender itself: refused, nobody confirms their own transfer
    else:
        sections = () if role in (Role.ADMINISTRATOR, Role.AUDITOR) else (
            (room.org.section_id,) if own_section else (room.other_org.section_id,))
        actor = await make_user(role, sections)
    allowed = role in ALLOWED[action] and (own_section or role is Role.ADMINISTRATOR)
    if allowed:
        await ACTIONS[action](actor, room)
    else:
        with pytest.raises(Forbidden):
            await ACTIONS[action](actor, room)
