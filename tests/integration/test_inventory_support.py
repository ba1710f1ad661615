"""Helpers for the inventory tests (no tests here): a section's stock room.

One section with a vault and a counter drawer, a second section with a vault, a card type
(serialized) and a ticket book (counted), and the people who work there.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.auth.principal import SYSTEM, Principal
from app.auth.roles import Role
from app.inventory import services, setup
from app.inventory.services import MovementForm
from app.inventory.states import Category, LocationKind
from tests.fixtures import PASSWORD, Org, make_org, make_user, unique


@dataclass
class StockRoom:
    org: Org
    other_org: Org
    supervisor: Principal
    supervisor2: Principal
    lead: Principal
    coordinator: Principal
    clerk: Principal
    auditor: Principal
    other_supervisor: Principal
    card: int
    books: int
    vault: int
    drawer: int
    outlet: int
    other_vault: int


async def make_item_type(serialized: bool) -> int:
    code = unique("CARD" if serialized else "BOOK").upper()[:20]
    category = Category.SMART_CARD if serialized else Category.TICKET_BOOK
    return await setup.create_item_type(SYSTEM, setup.ItemTypeForm(
        code, f"{'Smart card' if serialized else 'Ticket book'} {code}", category, serialized))


async def make_location(org: Org, kind: LocationKind, name: str = "") -> int:
    code = unique(kind.value[:3]).upper()[:20]
    account = "ACC-1001" if kind in (LocationKind.ACCOUNT, LocationKind.CONSIGNMENT) else ""
    return await setup.create_location(SYSTEM, setup.LocationForm(
        code, name or f"{kind.label} {code}", kind, org.section_id, org.location_id, account))


async def make_stock_room() -> StockRoom:
    org, other = await make_org(), await make_org()
    s = (org.section_id,)
    return StockRoom(
        org=org, other_org=other,
        supervisor=await make_user(Role.SUPERVISOR, s),
        supervisor2=await make_user(Role.SUPERVISOR, s),
        lead=await make_user(Role.LEAD, s),
        coordinator=await make_user(Role.COORDINATOR, s),
        clerk=await make_user(Role.CLERK, s),
        auditor=await make_user(Role.AUDITOR),
        other_supervisor=await make_user(Role.SUPERVISOR, (other.section_id,)),
        card=await make_item_type(True), books=await make_item_type(False),
        vault=await make_location(org, LocationKind.VAULT),
        drawer=await make_location(org, LocationKind.DRAWER),
        outlet=await make_location(org, LocationKind.CONSIGNMENT),
        other_vault=await make_location(other, LocationKind.VAULT),
    )


async def receive_cards(room: StockRoom, ranges: str, *, location: int | None = None) -> int:
    return await services.record_movement(room.supervisor, MovementForm(
        kind="received", item_type_id=room.card, to_location_id=location or room.vault,
        ranges=ranges, reference="PO-4471"))


async def receive_books(room: StockRoom, quantity: int, *, location: int | None = None) -> int:
    return await services.record_movement(room.supervisor, MovementForm(
        kind="received", item_type_id=room.books, to_location_id=location or room.vault,
        quantity=str(quantity), reference="PO-4472"))


def move(kind: str, item: int, source: int | None, target: int | None, *, ranges: str = "",
         quantity: str = "", witness: Principal | None = None, password: str = PASSWORD,
         ) -> MovementForm:
    return MovementForm(kind=kind, item_type_id=item, from_location_id=source,
                        to_location_id=target, ranges=ranges, quantity=quantity,
                        witness_username=witness.username if witness else "",
                        witness_password=password if witness else "")
