"""The approvals mechanism on the database: every word is an append-only approval row with its
audit event; the area's hook runs when, and only when, a decision lands (and refusing it keeps
nothing); the pending view is what waits for a decider; the variance review writes through it."""

from __future__ import annotations

from typing import Any

import pytest

from app.approvals import services as approvals
from app.approvals.inbox import inbox
from app.approvals.policy import ApprovalPolicy, Step
from app.approvals.tables import Approval
from app.audit.tables import AuditEvent
from app.auth.capabilities import Capability
from app.auth.principal import Principal
from app.auth.roles import Role
from app.db import engine, write_transaction
from app.errors import Conflict, ValidationFailed
from app.mywork.providers import WorkItem, my_work
from app.reconciliation import variances
from app.reconciliation.rules import VARIANCE_POLICY
from app.reconciliation.variances import ReviewForm
from tests.fixtures import make_org, make_user
from tests.integration.test_reconciliation_support import make_day, work_shifts

#: A new workflow declares its policy and its hook; nothing else in the mechanism changes.
LETTER = ApprovalPolicy(
    workflow="test_letter", object_type="letter", outcomes={"sign": "Sign", "return": "Return"},
    reason_codes={"ok": "Ready", "tone": "Tone"}, recommend=Capability.RECOMMEND_VARIANCE,
    decide=Capability.DECIDE_VARIANCE, alone_limit_setting=None,
)
HOOKED: list[tuple[int, str, Any]] = []


@approvals.on_decision(LETTER)
async def _signed(actor: Principal, decision: approvals.Decision, subject: Any) -> str:
    if subject == "refuse":
        raise Conflict("The letter changed since you read it.")
    HOOKED.append((decision.object_id, decision.outcome, subject))
    return f"signed-{decision.object_id}"


async def _say(actor: Principal, object_id: int, section_id: int, doer: int, outcome: str,
               subject: Any = None) -> approvals.Recorded:
    async with write_transaction():
        return await approvals.submit(LETTER, actor, object_id=object_id, section_id=section_id,
                                      doer_id=doer, outcome=outcome, reason_code="ok",
                                      note=" fine ", amount_cents=0, subject=subject)


async def test_a_recommendation_waits_and_the_decision_runs_the_hook() -> None:
    org = await make_org()
    s = (org.section_id,)
    drafter, lead, supervisor = (await make_user(Role.COORDINATOR, s),
                                 await make_user(Role.LEAD, s), await make_user(Role.SUPERVISOR, s))
    said = await _say(lead, 701, org.section_id, drafter.id, "sign", "letter 701")
    assert (said.step, said.effect) == (Step.RECOMMENDATION, None) and not any(
        h[0] == 701 for h in HOOKED)
    waiting = await approvals.pending(LETTER, section_ids=[org.section_id])
    assert list(waiting) == [701] and waiting[701]["actor"] == lead.id
    decided = await _say(supervisor, 701, org.section_id, drafter.id, "sign", "letter 701")
    assert (decided.step, decided.effect) == (Step.DECISION, "signed-701")
    assert (701, "sign", "letter 701") in HOOKED
    assert await approvals.pending(LETTER, [701]) == {}
    rows = await approvals.history(LETTER, 701)
    assert [(r["step"], r["actor"], r["actor_role"], r["note"]) for r in rows] == [
        ("recommendation", lead.id, "lead", "fine"), ("decision", supervisor.id, "supervisor", "fine")]
    assert rows[0]["section_id"] == org.section_id and rows[0]["doer_id"] == drafter.id
    events = await AuditEvent.select(AuditEvent.action).where(
        (AuditEvent.object_type == "letter") & (AuditEvent.object_id == "701")
    ).order_by(AuditEvent.id)
    assert [e["action"] for e in events] == ["test_letter.recommendation", "test_letter.decision"]


async def test_a_refused_hook_or_a_bad_reason_keeps_nothing() -> None:
    org = await make_org()
    supervisor = await make_user(Role.SUPERVISOR, (org.section_id,))
    with pytest.raises(Conflict):
        await _say(supervisor, 702, org.section_id, 1, "sign", "refuse")
    with pytest.raises(ValidationFailed):
        async with write_transaction():
            await approvals.submit(LETTER, supervisor, object_id=702, section_id=org.section_id,
                                   doer_id=1, outcome="sign", reason_code="nonsense", note="",
                                   amount_cents=0)
    assert not await Approval.exists().where(
        (Approval.workflow == LETTER.workflow) & (Approval.object_id == 702))


@pytest.mark.parametrize("statement", [
    "UPDATE approval SET outcome = 'sign' WHERE id = {row}",
    "DELETE FROM approval WHERE id = {row}",
])
async def test_the_database_rejects_update_and_delete_on_the_approval_record(statement: str) -> None:
    org = await make_org()
    supervisor = await make_user(Role.SUPERVISOR, (org.section_id,))  # a decision: nothing waits
    said = await _say(supervisor, 703, org.section_id, 1, "return")
    with pytest.raises(Exception, match="append-only"):
        await engine().run_ddl(statement.format(row=said.approval_id))
    row = await Approval.select().where(Approval.id == said.approval_id).first()
    assert row is not None and row["outcome"] == "return"


async def test_the_variance_review_writes_the_approval_record_and_the_pending_view() -> None:
    d = await work_shifts(await make_day())
    b = d.shifts["b"].shift_id  # $2.00 over: a lead accepts alone within $5.00 unless passing it on
    said = await variances.review(d.lead, b, ReviewForm("accept", "count_error", "",
                                                        recommend_only=True))
    assert said.step == "recommendation"
    waiting = await approvals.pending(VARIANCE_POLICY, [b])
    assert waiting[b]["amount_cents"] == 200 and waiting[b]["doer_id"] == d.clerk_b.id
    decided = await variances.review(d.supervisor, b, ReviewForm("accept", "count_error"))
    assert decided.step == "decision" and decided.journal_txn_id
    assert await approvals.pending(VARIANCE_POLICY, [b]) == {}
    rows = await approvals.history(VARIANCE_POLICY, b)
    assert [(r["step"], r["outcome"], r["actor_role"], r["section_id"]) for r in rows] == [
        ("recommendation", "accept", "lead", d.org.section_id),
        ("decision", "accept", "supervisor", d.org.section_id)]


LETTER_INBOX = inbox(LETTER, area="Cases", title=lambda r: f"Letter {r['object_id']}",
                     link=lambda r: f"/cases/letters/{r['object_id']}")


async def test_a_declared_workflow_gets_my_work_from_its_pending_view() -> None:
    org, elsewhere = await make_org(), await make_org()
    s = (org.section_id,)
    drafter, lead = await make_user(Role.COORDINATOR, s), await make_user(Role.LEAD, s)
    supervisor, other = (await make_user(Role.SUPERVISOR, s),
                         await make_user(Role.SUPERVISOR, (elsewhere.section_id,)))
    await _say(lead, 704, org.section_id, drafter.id, "sign")

    def letters(items: list[WorkItem]) -> list[tuple[str, str]]:
        return [(i.action, i.link) for i in items if i.kind == "test_letter.decide"]

    assert letters(await my_work(supervisor)) == [("Decide", "/cases/letters/704")]
    for nobody in (drafter, lead, other, await make_user(Role.AUDITOR)):
        assert letters(await my_work(nobody)) == []
    await _say(supervisor, 704, org.section_id, drafter.id, "return")
    assert letters(await my_work(supervisor)) == []
