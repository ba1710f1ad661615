"""Home page panels per role. Every figure is a query; nothing is made up."""

from __future__ import annotations

from typing import Any

from app.audit.tables import AuditEvent
from app.auth.capabilities import Capability, section_filter
from app.auth.principal import Principal
from app.auth.roles import Role
from app.auth.tables import User
from app.catalog.panel import catalog_panel
from app.org.tables import Location, Section
from app.reconciliation.panel import reconciliation_panel
from app.terminals.panel import terminals_panel

#: Areas add panel providers: async (principal) -> dict | None, rendered by name.
PANEL_PROVIDERS: list[Any] = []
PANEL_PROVIDERS.append(catalog_panel)
PANEL_PROVIDERS.append(reconciliation_panel)
PANEL_PROVIDERS.append(terminals_panel)


async def _my_org(principal: Principal) -> dict[str, Any]:
    sections = Section.select(Section.id, Section.name).order_by(Section.name)
    locations = Location.select(
        Location.id, Location.name, Location.address, Location.opening_hours,
        Location.section.name.as_alias("section_name"),
    ).where(Location.active.eq(True)).order_by(Location.name)
    own_sections = section_filter(principal, Section.id)
    own_locations = section_filter(principal, Location.section)
    if own_sections is not None and own_locations is not None:
        sections = sections.where(own_sections)
        locations = locations.where(own_locations)
    return {"sections": await sections, "locations": await locations}


async def _recent_activity(principal: Principal, limit: int = 8) -> list[dict[str, Any]]:
    query = AuditEvent.select().order_by(AuditEvent.id, ascending=False).limit(limit)
    if not principal.can(Capability.VIEW_AUDIT):
        query = query.where(AuditEvent.actor == principal.id)
    rows: list[dict[str, Any]] = await query
    return rows


async def _admin_counts() -> dict[str, Any]:
    users = await User.select(User.role, User.active)
    by_role: dict[str, int] = {}
    for user in users:
        if user["active"]:
            by_role[user["role"]] = by_role.get(user["role"], 0) + 1
    return {
        "active_users": sum(by_role.values()),
        "inactive_users": sum(1 for u in users if not u["active"]),
        "by_role": [(role.label, by_role.get(role.value, 0)) for role in Role],
        "sections": await Section.count().where(Section.active.eq(True)),
        "locations": await Location.count().where(Location.active.eq(True)),
    }


async def dashboard(principal: Principal) -> dict[str, Any]:
    data: dict[str, Any] = {
        "org": await _my_org(principal),
        "activity": await _recent_activity(principal),
        "panels": [],
    }
    if principal.can(Capability.MANAGE_USERS):
        data["admin"] = await _admin_counts()
    for provider in PANEL_PROVIDERS:
        panel = await provider(principal)
        if panel:
            data["panels"].append(panel)
    return data
