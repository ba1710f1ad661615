"""My work for a recommend/decide workflow, from its policy and the pending view.

A workflow whose only work item is "a recommendation waits for a decider" gets its My work
by declaring its policy and one call in its `app/<area>/work.py`:

    inbox(VOUCHER_POLICY, area="Inventory", action="Authorize",
          title=lambda row: f"Voucher {row['object_id']} ({money(row['amount_cents'])})",
          link=lambda row: f"/vouchers/{row['object_id']}")

Each decider sees the pending recommendations of their own sections (every section with
`ACT_IN_ALL_SECTIONS`), never one on their own work nor one they recommended themselves.
A workflow with more to list (the variance review's "Recommend" items) writes its provider
and reads `services.pending` itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from app.approvals.policy import ApprovalPolicy
from app.approvals.services import pending
from app.auth.capabilities import Capability, can
from app.auth.principal import Principal
from app.mywork.providers import Provider, WorkItem, provider


async def decisions_waiting(policy: ApprovalPolicy, principal: Principal) -> list[dict[str, Any]]:
    """The pending recommendations this person may decide, oldest first."""
    if not can(principal, policy.decide):
        return []
    sections = None if can(principal, Capability.ACT_IN_ALL_SECTIONS) else principal.section_ids
    rows = (await pending(policy, section_ids=sections)).values()
    mine = {principal.id}
    return sorted((r for r in rows if r["doer_id"] not in mine and int(r["actor"]) not in mine),
                  key=lambda r: int(r["id"]))


def _moment(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def inbox(policy: ApprovalPolicy, *, area: str, title: Callable[[dict[str, Any]], str],
          link: Callable[[dict[str, Any]], str], action: str = "Decide") -> Provider:
    """Register (and return) the My work provider of `policy`'s waiting decisions."""
    async def waiting(principal: Principal) -> list[WorkItem]:
        return [WorkItem(kind=f"{policy.workflow}.decide", area=area, action=action,
                         title=title(row), link=link(row), since=_moment(row["created_at"]))
                for row in await decisions_waiting(policy, principal)]

    waiting.__name__ = f"{policy.workflow.replace('.', '_')}_decisions"
    return provider(waiting)
