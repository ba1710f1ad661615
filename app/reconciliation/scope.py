"""Which locations a person may see and act on (in the query, not after it).

Supervisors and leads see the locations of their sections; administrators and auditors all.
"""

from __future__ import annotations

from typing import Any

from app.auth.capabilities import section_filter
from app.auth.principal import Principal
from app.errors import Forbidden, NotFound
from app.org.tables import Location
from app.reconciliation.rules import require_can_read


async def locations(actor: Principal) -> list[dict[str, Any]]:
    require_can_read(actor)
    query = Location.select(
        Location.id, Location.code, Location.name, Location.section,
        Location.section.name.as_alias("section_name"),
    ).where(Location.active.eq(True)).order_by(Location.name)
    if (in_scope := section_filter(actor, Location.section)) is not None:
        query = query.where(in_scope)
    rows: list[dict[str, Any]] = await query
    return rows


async def location_ids(actor: Principal) -> list[int]:
    return [int(row["id"]) for row in await locations(actor)]


async def location(actor: Principal, location_id: int) -> dict[str, Any]:
    """The location, if the actor may see it; NotFound or Forbidden otherwise."""
    require_can_read(actor)
    row = await Location.select(
        Location.id, Location.code, Location.name, Location.section, Location.opening_hours,
        Location.section.name.as_alias("section_name"),
    ).where(Location.id == location_id).first()
    if row is None:
        raise NotFound("No such location.")
    if not actor.in_section(int(row["section"])):
        raise Forbidden("This location belongs to a section you do not work in.")
    return row
