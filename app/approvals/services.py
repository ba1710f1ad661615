"""Recording an approval step and reading what waits for a decision.

`submit` is what every recommend/decide workflow calls inside its own transaction, after it has
checked its object's state: it works out the step from the policy, checks the reason, runs the
area's decision hook when the word is a decision, then appends the approval record and its
audit event. `pending` is the pending view My work and the areas read: the newest
recommendation on each object that no decision has followed.

    @on_decision(VOUCHER_POLICY)
    async def _authorized(actor, decision, voucher):   # in the area's services module
        await VOUCHER.transition(voucher, V.AUTHORIZED, actor)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.approvals.policy import ApprovalPolicy, Step, reason_errors, step_for
from app.approvals.tables import Approval
from app.audit.services import record
from app.auth.principal import Principal
from app.errors import ValidationFailed


@dataclass(frozen=True)
class Decision:
    """What the hook is told: the decision that just landed (not yet written)."""

    policy: ApprovalPolicy
    object_id: int
    outcome: str
    reason_code: str
    note: str
    amount_cents: int


#: A decision hook: (actor, decision, the area's object) → whatever the area wants back (a
#: journal entry id, …). It runs in the caller's transaction; raising refuses the decision.
DecisionHook = Callable[[Principal, Decision, Any], Awaitable[Any]]
_HOOKS: dict[str, DecisionHook] = {}


def on_decision(policy: ApprovalPolicy) -> Callable[[DecisionHook], DecisionHook]:
    """Register the area's hook for decisions of `policy` (a decorator; one per workflow)."""
    def register(hook: DecisionHook) -> DecisionHook:
        _HOOKS[policy.workflow] = hook
        return hook
    return register


@dataclass(frozen=True)
class Recorded:
    approval_id: int
    step: Step
    outcome: str
    effect: Any  # what the decision hook returned (None for a recommendation)


async def submit(policy: ApprovalPolicy, actor: Principal, *, object_id: int, section_id: int,
                 doer_id: int | None, outcome: str, reason_code: str, note: str,
                 amount_cents: int, subject: Any = None, limit_cents: int | None = None,
                 recommend_only: bool = False,
                 audit: Callable[[Any], dict[str, Any]] | None = None) -> Recorded:
    """Record one person's word on an object (call inside the area's write transaction, after
    `check_may_act` and the area's own state checks). `audit(effect)` adds the area's own
    details to the audit event."""
    note = note.strip()
    step = step_for(policy, actor, outcome, amount_cents, limit_cents,
                    recommend_only=recommend_only)
    errors = reason_errors(policy, reason_code, note, amount_cents, outcome)
    if errors:
        raise ValidationFailed("Please correct the marked fields.", field_errors=errors)
    effect = None
    if step is Step.DECISION and (hook := _HOOKS.get(policy.workflow)) is not None:
        effect = await hook(actor, Decision(policy, object_id, outcome, reason_code, note,
                                            amount_cents), subject)
    row = Approval(
        workflow=policy.workflow, object_type=policy.object_type, object_id=object_id,
        section_id=section_id, doer_id=doer_id, step=step.value, outcome=outcome,
        reason_code=reason_code, note=note[:2000], amount_cents=amount_cents, actor=actor.id,
        actor_role=actor.role.value, created_at=datetime.now(UTC),
    )
    await row.save()
    await record(actor, f"{policy.workflow}.{step.value}", policy.object_type, object_id, {
        "outcome": outcome, "reason_code": reason_code, "note": note,
        "amount_cents": amount_cents, "approval": int(row.id), **(audit(effect) if audit else {}),
    })
    return Recorded(int(row.id), step, outcome, effect)


async def history(policy: ApprovalPolicy, object_id: int) -> list[dict[str, Any]]:
    """Every word on one object, oldest first."""
    rows: list[dict[str, Any]] = await Approval.select(
        *Approval.all_columns(), Approval.actor.full_name.as_alias("actor_name"),
    ).where((Approval.workflow == policy.workflow) & (Approval.object_id == object_id)
            ).order_by(Approval.id)
    return rows


def pending_of(rows: Iterable[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """From rows in id order: per object, the newest recommendation after its newest decision."""
    pending: dict[int, dict[str, Any]] = {}
    for row in rows:
        if row["step"] == Step.RECOMMENDATION:
            pending[int(row["object_id"])] = row
        else:
            pending.pop(int(row["object_id"]), None)
    return pending


async def pending(policy: ApprovalPolicy, object_ids: Iterable[int] | None = None,
                  section_ids: Iterable[int] | None = None) -> dict[int, dict[str, Any]]:
    """The pending view: {object id: the recommendation waiting for a decision}, for the given
    objects or sections (both None: every object of the workflow)."""
    where: Any = Approval.workflow == policy.workflow
    if object_ids is not None:
        where &= Approval.object_id.is_in(list(object_ids) or [-1])
    if section_ids is not None:
        where &= Approval.section_id.is_in(list(section_ids) or [-1])
    rows = await Approval.select(
        Approval.id, Approval.object_id, Approval.step, Approval.outcome, Approval.amount_cents,
        Approval.section_id, Approval.doer_id, Approval.actor, Approval.created_at,
    ).where(where).order_by(Approval.id)
    return pending_of(rows)
