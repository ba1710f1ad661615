"""Sections and locations: listed by everyone signed in, changed by administrators."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from app.audit.services import record
from app.auth.capabilities import Capability, require
from app.auth.principal import Principal
from app.db import write_transaction
from app.errors import NotFound, ValidationFailed
from app.org.tables import Location, Section

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,19}$")


def _require_admin(actor: Principal) -> None:
    require(actor, Capability.MANAGE_ORG, "Only an administrator can change sections and locations.")


@dataclass(frozen=True)
class SectionForm:
    code: str
    name: str
    description: str = ""
    active: bool = True


@dataclass(frozen=True)
class LocationForm:
    code: str
    name: str
    section_id: int
    address: str = ""
    opening_hours: str = ""
    active: bool = True


def _code_error(code: str) -> str | None:
    if not CODE_RE.match(code):
        return "Use 1–20 capital letters, digits or dashes."
    return None


async def list_sections(active_only: bool = False) -> list[dict[str, Any]]:
    query = Section.select().order_by(Section.name)
    if active_only:
        query = query.where(Section.active.eq(True))
    rows: list[dict[str, Any]] = await query
    return rows


async def get_section(section_id: int) -> dict[str, Any]:
    row = await Section.select().where(Section.id == section_id).first()
    if row is None:
        raise NotFound("No such section.")
    return row


async def save_section(actor: Principal, form: SectionForm, section_id: int | None = None) -> int:
    _require_admin(actor)
    errors: dict[str, str] = {}
    if problem := _code_error(form.code):
        errors["code"] = problem
    elif await Section.exists().where(
        (Section.code == form.code) & (Section.id != (section_id or -1))
    ):
        errors["code"] = "Another section uses that code."
    if not form.name.strip() or len(form.name) > 120:
        errors["name"] = "Enter a name of at most 120 characters."
    elif await Section.exists().where(
        (Section.name == form.name.strip()) & (Section.id != (section_id or -1))
    ):
        errors["name"] = "Another section has that name."
    if errors:
        raise ValidationFailed("Please correct the marked fields.", field_errors=errors)
    values = {"code": form.code, "name": form.name.strip(), "description": form.description.strip(),
              "active": form.active}
    async with write_transaction():
        if section_id is None:
            section = Section(**values)  # type: ignore[arg-type]
            await section.save()
            section_id = int(section.id)
            await record(actor, "section.create", "section", section_id, values)
        else:
            before = await get_section(section_id)
            await Section.update(values).where(Section.id == section_id)  # type: ignore[arg-type]
            changes = {k: {"from": before[k], "to": v} for k, v in values.items() if before[k] != v}
            await record(actor, "section.update", "section", section_id, changes)
    return section_id


async def list_locations(active_only: bool = False) -> list[dict[str, Any]]:
    query = Location.select(
        *Location.all_columns(), Location.section.name.as_alias("section_name")
    ).order_by(Location.name)
    if active_only:
        query = query.where(Location.active.eq(True))
    rows: list[dict[str, Any]] = await query
    return rows


async def locations_in_scope(actor: Principal) -> list[dict[str, Any]]:
    rows = await list_locations(active_only=True)
    return [row for row in rows if actor.in_section(row["section"])]


async def get_location(location_id: int) -> dict[str, Any]:
    row = await Location.select().where(Location.id == location_id).first()
    if row is None:
        raise NotFound("No such location.")
    return row


async def save_location(
    actor: Principal, form: LocationForm, location_id: int | None = None
) -> int:
    _require_admin(actor)
    errors: dict[str, str] = {}
    if problem := _code_error(form.code):
        errors["code"] = problem
    elif await Location.exists().where(
        (Location.code == form.code) & (Location.id != (location_id or -1))
    ):
        errors["code"] = "Another location uses that code."
    if not form.name.strip() or len(form.name) > 120:
        errors["name"] = "Enter a name of at most 120 characters."
    if not await Section.exists().where(Section.id == form.section_id):
        errors["section_id"] = "Choose the section that runs this location."
    if len(form.address) > 500:
        errors["address"] = "Keep the address under 500 characters."
    if len(form.opening_hours) > 500:
        errors["opening_hours"] = "Keep the opening hours under 500 characters."
    if errors:
        raise ValidationFailed("Please correct the marked fields.", field_errors=errors)
    values = asdict(form)
    values["section"] = values.pop("section_id")
    values["name"] = form.name.strip()
    async with write_transaction():
        if location_id is None:
            location = Location(**values)  # type: ignore[arg-type]
            await location.save()
            location_id = int(location.id)
            await record(actor, "location.create", "location", location_id, values)
        else:
            before = await get_location(location_id)
            await Location.update(values).where(Location.id == location_id)  # type: ignore[arg-type]
            changes = {k: {"from": before[k], "to": v} for k, v in values.items() if before[k] != v}
            await record(actor, "location.update", "location", location_id, changes)
    return location_id
