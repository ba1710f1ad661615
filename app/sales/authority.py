"""Who may override what at the counter: the one place the override rule lives.

- A void of the clerk's own sale in the same open shift: up to the override threshold the clerk
  does it alone; above it a lead, supervisor or administrator signs it off (a void corrects a
  mistake at the counter; leads run the counter).
- A refund above the threshold (FAREDESK_REFUND_OVERRIDE_CENTS): a supervisor or administrator
  decides (leads only recommend refunds, DOMAIN.md).
- A sale signed off as a policy exception: a lead, supervisor or administrator.
- An unclear card outcome is settled by a supervisor or administrator (never the clerk).
- Nobody overrides their own transaction; a supervisor only inside their own sections.

Each override is a one-step decision on the approvals mechanism (app/approvals): its policy in
`OVERRIDE_POLICIES` names the capability that decides it and the setting that holds the amount
up to which the clerk acts alone; `check_decider` is the mechanism's authority check.
"""

from __future__ import annotations

from enum import StrEnum

from app.approvals import policy as approvals
from app.approvals.policy import ApprovalPolicy
from app.auth.capabilities import Capability, roles_phrase
from app.auth.principal import Principal
from app.errors import Forbidden
from app.formatting import with_article
from app.settings import get_settings


class OverrideAction(StrEnum):
    VOID = "void"
    REFUND = "refund"
    SETTLE_CARD = "settle_card"
    SALE_EXCEPTION = "sale_exception"


#: The capability (app.auth.capabilities) each override needs of the person signing it off.
OVERRIDE_CAPABILITY: dict[OverrideAction, Capability] = {
    OverrideAction.VOID: Capability.OVERRIDE_VOID,
    OverrideAction.REFUND: Capability.OVERRIDE_AT_KIOSK,
    OverrideAction.SETTLE_CARD: Capability.SETTLE_CARD_OUTCOME,
    OverrideAction.SALE_EXCEPTION: Capability.APPROVE_SALE_EXCEPTION,
}


THRESHOLD_SETTING = "refund_override_cents"  # FAREDESK_REFUND_OVERRIDE_CENTS


def _policy(action: OverrideAction, threshold: str | None) -> ApprovalPolicy:
    return ApprovalPolicy(
        workflow=f"override.{action.value}", object_type="sale", outcomes={"approve": "Signed off"},
        decide=OVERRIDE_CAPABILITY[action], alone_limit_setting=threshold,
        own_work_message="Nobody signs off their own transaction: ask another supervisor.",
        section_message="That supervisor does not run this location's section.",
    )


#: The overrides on the approvals mechanism: one-step decisions; a card outcome always needs one.
OVERRIDE_POLICIES: dict[OverrideAction, ApprovalPolicy] = {
    OverrideAction.VOID: _policy(OverrideAction.VOID, THRESHOLD_SETTING),
    OverrideAction.REFUND: _policy(OverrideAction.REFUND, THRESHOLD_SETTING),
    OverrideAction.SETTLE_CARD: _policy(OverrideAction.SETTLE_CARD, None),
    OverrideAction.SALE_EXCEPTION: _policy(OverrideAction.SALE_EXCEPTION, THRESHOLD_SETTING),
}


def override_threshold_cents() -> int:
    return int(getattr(get_settings(), THRESHOLD_SETTING))


def needs_override(action: OverrideAction, amount_cents: int) -> bool:
    """Voids and refunds above the threshold need a second person."""
    return approvals.needs_decider(OVERRIDE_POLICIES[action], amount_cents)


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
            who = roles_phrase(OVERRIDE_CAPABILITY[action])
            raise Forbidden(f"This {action.value} needs {who} to sign it off with their PIN.")
        return None
    check_decider(action, actor=override, doer_id=clerk.id, section_id=section_id)
    return override


def check_decider(action: OverrideAction, *, actor: Principal, doer_id: int, section_id: int) -> None:
    """The actor may decide `action` on work done by `doer_id` at a location of `section_id`."""
    approvals.check_decider(
        OVERRIDE_POLICIES[action], actor, section_id=section_id, doer_ids=(doer_id,),
        capability_message=(f"{with_article(actor.role.label.lower()).capitalize()} cannot "
                            f"sign off {with_article(action.value.replace('_', ' '))}."),
    )
