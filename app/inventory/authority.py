"""Who may do what in the inventory: the capabilities of app.auth.capabilities plus object scope.

Route guards let in the roles that carry the inventory capabilities; these checks add the
object scope: people act on the locations of their own sections (administrators on all),
supervisors decide, nobody approves their own count or confirms their own transfer, auditors
change nothing.
"""

from __future__ import annotations

from typing import Any

from app.auth.capabilities import (
    Capability,
    in_section,
    require,
    require_not_own_work,
)
from app.auth.principal import Principal
from app.errors import Forbidden


def require_stock_role(actor: Principal) -> None:
    require(actor, Capability.WORK_INVENTORY, "Your role can read the inventory but not change it.")


def require_in_section(actor: Principal, location: dict[str, Any]) -> None:
    require_stock_role(actor)
    if not in_section(actor, int(location["section"])):
        raise Forbidden(f"{location['name']} belongs to a section you do not work in.")


def require_decider(actor: Principal, location: dict[str, Any], what: str) -> None:
    require_in_section(actor, location)
    require(actor, Capability.DECIDE_INVENTORY,
            f"Only a supervisor of the section or an administrator can {what}.")


def require_administrator(actor: Principal, what: str) -> None:
    require(actor, Capability.MANAGE_INVENTORY, f"Only an administrator can {what}.")


def require_other_person(actor: Principal, other_user_id: int, message: str) -> None:
    require_not_own_work(actor, other_user_id, message=message)


def sections_in_scope(actor: Principal) -> tuple[int, ...] | None:
    """The sections whose stock the actor sees; None for every section."""
    return None if actor.all_sections else actor.section_ids
