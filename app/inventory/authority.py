"""Who may do what in the inventory, checked in one place.

Route guards let in the office roles; these checks add the object scope: people act on the
locations of their own sections (administrators on all), supervisors decide, nobody approves
their own count or confirms their own transfer, auditors change nothing.
"""

from __future__ import annotations

from typing import Any

from app.auth.principal import Principal
from app.auth.roles import Role
from app.errors import Forbidden

#: Roles that record movements and counts.
STOCK_ROLES = frozenset({Role.COORDINATOR, Role.LEAD, Role.SUPERVISOR, Role.ADMINISTRATOR})
#: Roles that read the inventory pages.
READ_ROLES = STOCK_ROLES | {Role.AUDITOR}


def require_stock_role(actor: Principal) -> None:
    if actor.role not in STOCK_ROLES:
        raise Forbidden("Your role can read the inventory but not change it.")


def require_in_section(actor: Principal, location: dict[str, Any]) -> None:
    require_stock_role(actor)
    if not actor.in_section(location["section"]):
        raise Forbidden(f"{location['name']} belongs to a section you do not work in.")


def require_decider(actor: Principal, location: dict[str, Any], what: str) -> None:
    require_in_section(actor, location)
    if not actor.can_decide:
        raise Forbidden(f"Only a supervisor of the section or an administrator can {what}.")


def require_administrator(actor: Principal, what: str) -> None:
    if actor.role is not Role.ADMINISTRATOR:
        raise Forbidden(f"Only an administrator can {what}.")


def require_other_person(actor: Principal, other_user_id: int, message: str) -> None:
    if actor.id == other_user_id:
        raise Forbidden(message)


def sections_in_scope(actor: Principal) -> tuple[int, ...] | None:
    """The sections whose stock the actor sees; None for every section."""
    return None if actor.all_sections else actor.section_ids
