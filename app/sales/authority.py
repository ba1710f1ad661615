"""Who may override what at the counter: the one place the override rule lives.

- A void of the clerk's own sale in the same open shift: up to the override threshold the clerk
  does it alone; above it a lead, supervisor or administrator signs it off (a void corrects a
  mistake at the counter; leads run the counter).
- A refund above the threshold (FAREDESK_REFUND_OVERRIDE_CENTS): a supervisor or administrator
  decides (leads only recommend refunds, DOMAIN.md).
- A sale signed off as a policy exception: a lead, supervisor or administrator.
- An unclear card outcome is settled by a supervisor or administrator (never the clerk).
- Nobody overrides their own transaction; a supervisor only inside their own sections.
"""

from __future__ import annotations

from enum import StrEnum

from app.auth.principal import Principal
from app.auth.roles import Role
from app.errors import Forbidden
from app.formatting import with_article
from app.settings import get_settings


class OverrideAction(StrEnum):
    VOID = "void"
    REFUND = "refund"
    SETTLE_CARD = "settle_card"
    SALE_EXCEPTION = "sale_exception"


OVERRIDE_ROLES: dict[OverrideAction, frozenset[Role]] = {
    OverrideAction.VOID: frozenset({Role.LEAD, Role.SUPERVISOR, Role.ADMINISTRATOR}),
    OverrideAction.REFUND: frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR}),
    OverrideAction.SETTLE_CARD: frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR}),
    OverrideAction.SALE_EXCEPTION: frozenset({Role.LEAD, Role.SUPERVISOR, Role.ADMINISTRATOR}),
}


def override_threshold_cents() -> int:
    return get_settings().refund_override_cents


def needs_override(action: OverrideAction, amount_cents: int) -> bool:
    """Voids and refunds above the threshold need a second person."""
    if action is OverrideAction.SETTLE_CARD:
        return True
    return abs(amount_cents) > override_threshold_cents()


def check_override(
    action: OverrideAction,
    *,
    clerk: Principal,
    override: Principal | None,
    section_id: int,
    amount_cents: int,
) -> Principal | None:
    """Return the override principal to record (None when none is needed or given).

    Raises Forbidden when an override is needed and missing, or given by someone who may not.
    """
    required = needs_override(action, amount_cents)
    if override is None:
        if required:
            roles = " or ".join(r.label.lower() for r in sorted(OVERRIDE_ROLES[action]))
            raise Forbidden(f"This {action.value} needs {with_article(roles)} to sign it off with their PIN.")
        return None
    check_decider(action, actor=override, doer_id=clerk.id, section_id=section_id)
    return override


def check_decider(action: OverrideAction, *, actor: Principal, doer_id: int, section_id: int) -> None:
    """The actor may decide `action` on work done by `doer_id` at a location of `section_id`."""
    if actor.role not in OVERRIDE_ROLES[action]:
        who = with_article(actor.role.label.lower()).capitalize()
        raise Forbidden(f"{who} cannot sign off {with_article(action.value.replace('_', ' '))}.")
    if actor.id == doer_id:
        raise Forbidden("Nobody signs off their own transaction: ask another supervisor.")
    if not actor.in_section(section_id):
        raise Forbidden("That supervisor does not run this location's section.")
