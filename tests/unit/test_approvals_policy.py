"""The approvals mechanism without a database: a policy decides which step a person's word is,
the limit comes from its setting, reasons are checked, and authority is `check_authority`
(rank, not one's own work, own section) with the policy's messages."""

from __future__ import annotations

import pytest

from app.approvals.policy import (
    ApprovalPolicy,
    Step,
    check_decider,
    check_may_act,
    needs_decider,
    reason_errors,
    step_for,
)
from app.auth.capabilities import Capability
from app.auth.principal import Principal
from app.auth.roles import Role
from app.errors import Forbidden, ValidationFailed
from app.reconciliation.rules import VARIANCE_POLICY
from app.sales.authority import OVERRIDE_POLICIES, OverrideAction
from app.settings import get_settings

CLERK = Principal(1, "cat", "Cat", Role.CLERK, (1,))
LEAD = Principal(2, "lee", "Lee", Role.LEAD, (1,))
SUPERVISOR = Principal(3, "sam", "Sam", Role.SUPERVISOR, (1,))
OTHER_SUPERVISOR = Principal(4, "ora", "Ora", Role.SUPERVISOR, (2,))
ADMIN = Principal(5, "ada", "Ada", Role.ADMINISTRATOR)
AUDITOR = Principal(6, "aud", "Aud", Role.AUDITOR)

#: A workflow the back office will add: declaring its policy is all the mechanism needs.
VOUCHER = ApprovalPolicy(
    workflow="voucher", object_type="voucher",
    outcomes={"authorize": "Authorize", "return": "Return for correction"},
    reason_codes={"ok": "Matches the delivery", "short": "Short delivery"},
    recommend=Capability.RECOMMEND_VARIANCE, decide=Capability.DECIDE_VARIANCE,
    alone_limit_setting="variance_lead_limit_cents", alone_outcomes=frozenset({"authorize"}),
    own_work_message="Nobody authorizes a voucher they prepared.",
)


def test_a_recommender_decides_alone_only_the_allowed_outcomes_within_the_limit() -> None:
    limit = get_settings().variance_lead_limit_cents
    assert step_for(VOUCHER, LEAD, "authorize", limit) is Step.DECISION
    assert step_for(VOUCHER, LEAD, "authorize", -limit) is Step.DECISION
    assert step_for(VOUCHER, LEAD, "authorize", limit + 1) is Step.RECOMMENDATION
    assert step_for(VOUCHER, LEAD, "return", 0) is Step.RECOMMENDATION
    assert step_for(VOUCHER, LEAD, "authorize", 0, recommend_only=True) is Step.RECOMMENDATION
    for decider in (SUPERVISOR, ADMIN):
        assert step_for(VOUCHER, decider, "return", 10**9) is Step.DECISION
        assert step_for(VOUCHER, decider, "authorize", 0, recommend_only=True) is Step.DECISION


def test_the_limit_given_or_read_from_its_setting() -> None:
    assert step_for(VOUCHER, LEAD, "authorize", 900, limit_cents=1000) is Step.DECISION
    assert step_for(VOUCHER, LEAD, "authorize", 900, limit_cents=800) is Step.RECOMMENDATION
    assert VOUCHER.alone_limit_cents() == get_settings().variance_lead_limit_cents
    assert VARIANCE_POLICY.alone_limit_cents() == get_settings().variance_lead_limit_cents


def test_people_without_the_capability_and_unknown_outcomes_are_refused() -> None:
    for nobody in (CLERK, AUDITOR):
        with pytest.raises(Forbidden):
            step_for(VOUCHER, nobody, "authorize", 0)
    with pytest.raises(ValidationFailed) as caught:
        step_for(VOUCHER, SUPERVISOR, "approve", 0)
    assert "outcome" in caught.value.field_errors


def test_reasons_are_checked_by_the_policy_or_the_areas_own_rule() -> None:
    assert reason_errors(VOUCHER, "short", "", -100, "return") == {}
    assert "reason_code" in reason_errors(VOUCHER, "made_up", "", 0, "authorize")
    # the variance's own rule: "none" only fits a drawer that balances
    assert reason_errors(VARIANCE_POLICY, "none", "", 0, "accept") == {}
    assert "reason_code" in reason_errors(VARIANCE_POLICY, "none", "", -150, "accept")


def test_authority_is_rank_then_own_work_then_section() -> None:
    check_may_act(VOUCHER, LEAD, section_id=1, doer_ids=(CLERK.id,))
    check_decider(VOUCHER, SUPERVISOR, section_id=1, doer_ids=(LEAD.id,))
    check_decider(VOUCHER, ADMIN, section_id=99, doer_ids=(LEAD.id,))
    with pytest.raises(Forbidden, match="Only"):
        check_decider(VOUCHER, LEAD, section_id=1, doer_ids=(CLERK.id,))
    with pytest.raises(Forbidden, match="prepared"):
        check_decider(VOUCHER, SUPERVISOR, section_id=1, doer_ids=(SUPERVISOR.id,))
    with pytest.raises(Forbidden, match="section"):
        check_decider(VOUCHER, OTHER_SUPERVISOR, section_id=1, doer_ids=(LEAD.id,))
    with pytest.raises(Forbidden, match="own shift"):
        check_may_act(VARIANCE_POLICY, LEAD, section_id=1, doer_ids=(LEAD.id,))


def test_an_override_is_a_one_step_decision_above_its_threshold() -> None:
    refund = OVERRIDE_POLICIES[OverrideAction.REFUND]
    threshold = get_settings().refund_override_cents
    assert not refund.two_step and refund.alone_limit_cents() == threshold
    assert not needs_decider(refund, threshold) and needs_decider(refund, -(threshold + 1))
    assert needs_decider(OVERRIDE_POLICIES[OverrideAction.SETTLE_CARD], 0)  # always someone else
    assert step_for(refund, SUPERVISOR, "approve", threshold + 1) is Step.DECISION
    with pytest.raises(Forbidden):  # a lead only recommends refunds: no step for them here
        step_for(refund, LEAD, "approve", threshold + 1)
    check_decider(OVERRIDE_POLICIES[OverrideAction.VOID], LEAD, section_id=1, doer_ids=(CLERK.id,))
    with pytest.raises(Forbidden, match="own transaction"):
        check_decider(refund, SUPERVISOR, section_id=1, doer_ids=(SUPERVISOR.id,))
    with pytest.raises(Forbidden, match="section"):
        check_decider(refund, OTHER_SUPERVISOR, section_id=1, doer_ids=(CLERK.id,))
