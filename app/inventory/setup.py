"""Inventory configuration: item types, stock locations and low-stock thresholds."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from app import sql
from app.audit.services import record
from app.auth.principal import Principal
from app.db import write_transaction
from app.errors import ValidationFailed
from app.inventory.authority import require_administrator, require_decider
from app.inventory.errors import InventoryNotFound
from app.inventory.states import SYSTEM_KINDS, Category, LocationKind
from app.inventory.tables import ItemType, StockLocation, StockThreshold

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,19}$")


@dataclass(frozen=True)
class ItemTypeForm:
    code: str
    name: str
    category: str
    serialized: bool


@dataclass(frozen=True)
class LocationForm:
    code: str
    name: str
    kind: str
    section_id: int
    place_id: int | None = None
    account_ref: str = ""


async def create_item_type(actor: Principal, form: ItemTypeForm) -> int:
    require_administrator(actor, "add item types")
    errors: dict[str, str] = {}
    if not CODE_RE.match(form.code):
        errors["code"] = "Use 1–20 capital letters, digits or dashes."
    elif await ItemType.exists().where(ItemType.code == form.code):
        errors["code"] = "Another item type uses that code."
    if not form.name.strip() or len(form.name) > 120:
        errors["name"] = "Enter a name of at most 120 characters."
    if form.category not in set(Category):
        errors["category"] = "Choose a category."
    if errors:
        raise ValidationFailed("Please correct the marked fields.", field_errors=errors)
    async with write_transaction():
        item = ItemType(code=form.code, name=form.name.strip(), category=form.category,
                        serialized=form.serialized, created_at=datetime.now(UTC))
        await item.save()
        await record(actor, "inventory.item_type.create", "inventory_item_type", item.id,
                     asdict(form))
    return int(item.id)


async def create_location(actor: Principal, form: LocationForm) -> int:
    """A vault, drawer, consignment or account location. In-transit, damaged and destroyed
    locations are the section's own and appear when first needed (`system_location`)."""
    section = await sql.fetch_one("SELECT id, name FROM section WHERE id = {}", form.section_id)
    errors: dict[str, str] = {}
    if section is None:
        errors["section_id"] = "Choose a section."
    else:
        require_decider(actor, {"section": section["id"], "name": section["name"]},
                        "add stock locations")
    if not CODE_RE.match(form.code):
        errors["code"] = "Use 1–20 capital letters, digits or dashes."
    elif await StockLocation.exists().where(StockLocation.code == form.code):
        errors["code"] = "Another stock location uses that code."
    if not form.name.strip() or len(form.name) > 120:
        errors["name"] = "Enter a name of at most 120 characters."
    if form.kind not in set(LocationKind) or form.kind in SYSTEM_KINDS:
        errors["kind"] = "Choose vault, counter drawer, retail outlet consignment or account."
    if form.kind in (LocationKind.ACCOUNT, LocationKind.CONSIGNMENT) and not form.account_ref:
        errors["account_ref"] = "Enter the account number this stock is held for."
    if form.place_id is not None and section is not None:
        place_section = await sql.fetch_value(
            "SELECT section FROM location WHERE id = {}", form.place_id)
        if place_section != section["id"]:
            errors["place_id"] = "Choose a counter location of the same section."
    if errors:
        raise ValidationFailed("Please correct the marked fields.", field_errors=errors)
    async with write_transaction():
        location = StockLocation(
            code=form.code, name=form.name.strip(), kind=form.kind, section=form.section_id,
            place=form.place_id, account_ref=form.account_ref.strip(),
            created_at=datetime.now(UTC))
        await location.save()
        await record(actor, "inventory.location.create", "stock_location", location.id,
                     asdict(form))
    return int(location.id)


_SYSTEM_NAMES = {LocationKind.IN_TRANSIT: ("TRANSIT", "In transit"),
                 LocationKind.DAMAGED: ("DAMAGED", "Damaged"),
                 LocationKind.DESTROYED: ("DESTROYED", "Destroyed")}


async def system_location(section_id: int, kind: LocationKind) -> dict[str, Any]:
    """The section's in-transit, damaged or destroyed location (made the first time)."""
    code = f"{_SYSTEM_NAMES[kind][0]}-{section_id}"
    row = await get_location_by_code(code)
    if row is None:
        section = await sql.fetch_one("SELECT name FROM section WHERE id = {}", section_id)
        name = f"{_SYSTEM_NAMES[kind][1]} — {section['name'] if section else section_id}"
        await StockLocation(code=code, name=name[:120], kind=kind, section=section_id,
                            created_at=datetime.now(UTC)).save()
        row = await get_location_by_code(code)
    assert row is not None
    return row


_LOCATION_SQL = (
    "SELECT l.id, l.code, l.name, l.kind, l.section, l.place, l.account_ref, l.active, "
    "s.name AS section_name FROM stock_location l JOIN section s ON s.id = l.section ")


async def get_location_by_code(code: str) -> dict[str, Any] | None:
    return await sql.fetch_one(_LOCATION_SQL + "WHERE l.code = {}", code)


async def get_location(location_id: int) -> dict[str, Any]:
    row = await sql.fetch_one(_LOCATION_SQL + "WHERE l.id = {}", location_id)
    if row is None:
        raise InventoryNotFound("No such stock location.")
    return row


async def get_item_type(item_type_id: int) -> dict[str, Any]:
    row = await sql.fetch_one(
        "SELECT id, code, name, category, serialized, active FROM inventory_item_type "
        "WHERE id = {}", item_type_id)
    if row is None:
        raise InventoryNotFound("No such item type.")
    row["serialized"] = bool(row["serialized"])
    return row


async def list_item_types() -> list[dict[str, Any]]:
    rows = await sql.fetch(
        "SELECT id, code, name, category, serialized, active FROM inventory_item_type "
        "ORDER BY name")
    for row in rows:
        row["serialized"] = bool(row["serialized"])
    return rows


async def list_locations(section_ids: tuple[int, ...] | None) -> list[dict[str, Any]]:
    """Stock locations of these sections (None: all), by section then name."""
    if section_ids is not None and not section_ids:
        return []
    where, args = "", list(section_ids or ())
    if section_ids is not None:
        where = "WHERE l.section IN (" + ", ".join("{}" for _ in args) + ") "
    return await sql.fetch(_LOCATION_SQL + where + "ORDER BY s.name, l.kind, l.name", *args)


async def set_threshold(actor: Principal, location_id: int, item_type_id: int,
                        minimum: int) -> None:
    """The low-stock level for one item at one location; 0 removes it."""
    location = await get_location(location_id)
    require_decider(actor, location, "set low-stock levels")
    await get_item_type(item_type_id)
    if minimum < 0:
        raise ValidationFailed("The low-stock level cannot be negative.",
                               field_errors={"minimum": "Enter 0 or more."})
    async with write_transaction():
        existing = await StockThreshold.select(StockThreshold.id).where(
            (StockThreshold.location == location_id)
            & (StockThreshold.item_type == item_type_id)).first()
        if existing and minimum == 0:
            await StockThreshold.delete().where(StockThreshold.id == existing["id"])
        elif existing:
            await StockThreshold.update({StockThreshold.minimum: minimum,
                                         StockThreshold.updated_at: datetime.now(UTC)}).where(
                StockThreshold.id == existing["id"])
        elif minimum:
            await StockThreshold(location=location_id, item_type=item_type_id, minimum=minimum,
                                 updated_at=datetime.now(UTC)).save()
        await record(actor, "inventory.threshold.set", "stock_location", location_id,
                     {"item_type": item_type_id, "minimum": minimum})


