"""A workflow's approval policy, declared once, and the pure rules every workflow shares.

A policy names a workflow's outcomes and reason codes, who recommends and who decides (by
capability, `app.auth.capabilities`), and the setting that holds the amount up to which the
lower step stands alone:

- a two-step workflow (a variance): within the limit a recommender may decide the outcomes in
  `alone_outcomes` by themselves; anything else they say is a recommendation for a decider;
- a one-step workflow (a kiosk override, `recommend=None`): within the limit the doer acts
  alone; above it a decider signs it off, and there is no recommendation step.

Authority is `check_authority` (rank, not one's own work, own section), never a new check.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from app.auth.capabilities import Capability, can, check_authority, require
from app.auth.principal import Principal
from app.errors import Forbidden, ValidationFailed
from app.settings import get_settings


class Step(StrEnum):
    RECOMMENDATION = "recommendation"
    DECISION = "decision"


#: An area's own check of the reason and note: (reason_code, note, amount_cents, outcome) →
#: field errors (empty when fine).
ReasonCheck = Callable[[str, str, int, str], dict[str, str]]


@dataclass(frozen=True)
class ApprovalPolicy:
    workflow: str  # "variance", "override.refund", later "voucher", "letter" …
    object_type: str  # what is approved: "shift", "sale", "voucher" …
    outcomes: Mapping[str, str]  # code → label
    decide: Capability  # who decides any outcome at any amount
    recommend: Capability | None = None  # who recommends (None: a one-step decision)
    reason_codes: Mapping[str, str] = field(default_factory=dict)  # code → label ({}: none asked)
    alone_limit_setting: str | None = None  # Settings attribute in cents (None: no limit)
    alone_outcomes: frozenset[str] = frozenset()  # what a recommender may decide within it
    check_reason: ReasonCheck | None = None  # the area's own rule for reasons and notes
    outcome_message: str = "Choose what should happen."
    section_message: str | None = None
    own_work_message: str | None = None

    @property
    def two_step(self) -> bool:
        return self.recommend is not None

    @property
    def entry(self) -> Capability:
        """The capability that lets someone say anything at all on this workflow."""
        return self.recommend or self.decide

    def alone_limit_cents(self) -> int | None:
        """The limit read from its setting now (a changed setting applies to the next word)."""
        if self.alone_limit_setting is None:
            return None
        return int(getattr(get_settings(), self.alone_limit_setting))

    def outcome_label(self, outcome: str) -> str:
        return self.outcomes.get(outcome, outcome)

    def reason_label(self, code: str) -> str:
        return self.reason_codes.get(code, code)


def within_limit(policy: ApprovalPolicy, amount_cents: int, limit_cents: int | None = None) -> bool:
    """Whether the amount is at or below the policy's limit (False when it has none)."""
    limit = policy.alone_limit_cents() if limit_cents is None else limit_cents
    return limit is not None and abs(amount_cents) <= limit


def needs_decider(policy: ApprovalPolicy, amount_cents: int) -> bool:
    """One-step workflows: whether the doer needs a decider to sign this amount off."""
    return not within_limit(policy, amount_cents)


def step_for(policy: ApprovalPolicy, actor: Principal, outcome: str, amount_cents: int,
             limit_cents: int | None = None, *, recommend_only: bool = False) -> Step:
    """Whether the actor's word is a decision or a recommendation.

    Deciders decide any outcome at any amount. A recommender decides the `alone_outcomes`
    within the limit (unless they pass it on with `recommend_only`); anything else they say is a
    recommendation. Unknown outcomes are a field error; people without the capability, Forbidden.
    """
    require(actor, policy.entry)
    if outcome not in policy.outcomes:
        raise ValidationFailed(policy.outcome_message,
                               field_errors={"outcome": "Choose what should happen."})
    if can(actor, policy.decide):
        return Step.DECISION
    if not policy.two_step:
        raise Forbidden(f"Only someone who may {policy.decide.label} can decide this.")
    if (not recommend_only and outcome in policy.alone_outcomes
            and within_limit(policy, amount_cents, limit_cents)):
        return Step.DECISION
    return Step.RECOMMENDATION


def reason_errors(policy: ApprovalPolicy, reason_code: str, note: str, amount_cents: int,
                  outcome: str) -> dict[str, str]:
    """Field errors for the reason and note: the area's own check, else the code must exist."""
    if policy.check_reason is not None:
        return policy.check_reason(reason_code, note, amount_cents, outcome)
    if policy.reason_codes and reason_code not in policy.reason_codes:
        return {"reason_code": "Choose a reason."}
    return {}


def check_may_act(policy: ApprovalPolicy, actor: Principal, *, section_id: int,
                  doer_ids: tuple[int | None, ...], capability: Capability | None = None,
                  capability_message: str | None = None) -> None:
    """The actor may say something on this object: `check_authority` with the policy's
    capability (the entry one unless given) and messages."""
    check_authority(actor, capability or policy.entry, section_id=section_id, doer_ids=doer_ids,
                    capability_message=capability_message,
                    section_message=policy.section_message,
                    own_work_message=policy.own_work_message)


def check_decider(policy: ApprovalPolicy, actor: Principal, *, section_id: int,
                  doer_ids: tuple[int | None, ...], capability_message: str | None = None) -> None:
    """The actor may decide on this object (the policy's decide capability)."""
    check_may_act(policy, actor, section_id=section_id, doer_ids=doer_ids,
                  capability=policy.decide, capability_message=capability_message)
