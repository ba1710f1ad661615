"""Demo inventory for `faredesk seed-demo`: the item types an agency stocks, the Customer
Service Centers' vault and two counter drawers, a retail outlet's consignment, and some stock
received into the vault (through the real services, so the ledger and audit hold it too)."""

from __future__ import annotations

from app import sql
from app.auth.principal import SYSTEM
from app.auth.signin import principal_for
from app.auth.tables import User
from app.inventory import services, setup
from app.inventory.services import MovementForm
from app.inventory.states import Category, LocationKind

ITEM_TYPES = (
    ("CARD-STD", "Smart card, standard", Category.SMART_CARD, True),
    ("CARD-RF", "Smart card, reduced fare", Category.SMART_CARD, True),
    ("BOOK-10", "10-ride ticket book", Category.TICKET_BOOK, False),
    ("SCRIP-TAXI", "Taxi scrip booklet", Category.TAXI_SCRIP, False),
    ("BOOK-HS", "Human-service ticket book", Category.HUMAN_SERVICE_BOOK, False),
    ("MAP-SYS", "System map", Category.INFORMATIONAL, False),
)

LOCATIONS = (  # code, name, kind, section code, counter location code, account
    ("VAULT-CSC", "CSC vault", LocationKind.VAULT, "CSC", "CENTRAL", ""),
    ("DRW-CENTRAL-A", "Central drawer A", LocationKind.DRAWER, "CSC", "CENTRAL", ""),
    ("DRW-EAST-A", "Eastside drawer A", LocationKind.DRAWER, "CSC", "EASTSIDE", ""),
    ("VAULT-RET", "Retail sales vault", LocationKind.VAULT, "RET", None, ""),
    ("CONS-CORNER", "Corner Market consignment", LocationKind.CONSIGNMENT, "RET", None,
     "R-1001"),
)


async def seed_inventory_demo() -> None:
    """Idempotent: nothing happens when the demo card type exists. Stock is received by the
    demo administrator (a ledger entry names a real person)."""
    if await sql.fetch_value("SELECT id FROM inventory_item_type WHERE code = 'CARD-STD'"):
        return
    admin_row = await User.select().where(User.username == "admin").first()
    if admin_row is None:
        return
    admin = await principal_for(admin_row, "seed-demo")
    items = {code: await setup.create_item_type(SYSTEM, setup.ItemTypeForm(
        code, name, category, serialized)) for code, name, category, serialized in ITEM_TYPES}
    locations: dict[str, int] = {}
    for code, name, kind, section_code, place_code, account in LOCATIONS:
        section = await sql.fetch_value("SELECT id FROM section WHERE code = {}", section_code)
        place = await sql.fetch_value("SELECT id FROM location WHERE code = {}", place_code)
        locations[code] = await setup.create_location(SYSTEM, setup.LocationForm(
            code, name, kind, int(section), int(place) if place else None, account))
    vault = locations["VAULT-CSC"]
    for item, amount in (("CARD-STD", "70000000-70049999"), ("CARD-RF", "71000000-71009999")):
        await services.receive(admin, MovementForm(
            kind="received", item_type_id=items[item], to_location_id=vault, ranges=amount,
            reference="DEMO-PO-1"))
    for item, quantity in (("BOOK-10", 2000), ("SCRIP-TAXI", 400), ("BOOK-HS", 300),
                           ("MAP-SYS", 5000)):
        await services.receive(admin, MovementForm(
            kind="received", item_type_id=items[item], to_location_id=vault,
            quantity=str(quantity), reference="DEMO-PO-1"))
    await services.record_movement(admin, MovementForm(
        kind="issued", item_type_id=items["CARD-STD"], from_location_id=vault,
        to_location_id=locations["DRW-CENTRAL-A"], ranges="70000000-70000199"))
    await setup.set_threshold(SYSTEM, locations["DRW-CENTRAL-A"], items["BOOK-10"], 50)
