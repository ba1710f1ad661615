"""The reconciliation rules, pure (no database): who may decide a variance, which reason codes
exist, how a deposit moves through its states, and when a day's deposit is overdue.

Authority (DOMAIN.md): a lead recommends, a supervisor decides. Below the lead limit
(FAREDESK_VARIANCE_LEAD_LIMIT_CENTS) a lead may accept a variance on their own; above it a
lead's word is a recommendation and a supervisor (or administrator) decides. Nobody reviews
their own shift. Auditors read and change nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.approvals.policy import ApprovalPolicy, Step, step_for
from app.auth.capabilities import Capability, require, require_not_own_work
from app.auth.principal import Principal
from app.drawers.states import ShiftStatus
from app.errors import ValidationFailed
from app.reconciliation.states import DEPOSIT, DepositStatus

ACCEPT = "accept"
RECOUNT = "recount"
INVESTIGATE = "investigate"
OUTCOMES: dict[str, str] = {
    ACCEPT: "Accept the count",
    RECOUNT: "Recount the drawer",
    INVESTIGATE: "Investigate",
}

RECOMMENDATION = Step.RECOMMENDATION
DECISION = Step.DECISION

#: Why a drawer is over or short. "none" only fits a drawer that balances.
REASON_CODES: dict[str, str] = {
    "none": "No variance",
    "change_error": "Change given in error",
    "count_error": "Counting error",
    "unrecorded_paid_out": "Paid-out not recorded",
    "unrecorded_sale": "Sale not recorded / wrong tender",
    "check_error": "Check amount or missing check",
    "counterfeit": "Counterfeit note taken",
    "suspected_loss": "Suspected loss or theft",
    "unknown": "Unknown",
    "other": "Other (explain in the note)",
}

#: Shift states live in app.drawers.states, deposit states in app.reconciliation.states;
#: these names are kept for the reconciliation code that reads them.
SHIFT_OPEN = ShiftStatus.OPEN
SHIFT_COUNTED = ShiftStatus.COUNTED
SHIFT_RECOUNT = ShiftStatus.RECOUNT
SHIFT_APPROVED = ShiftStatus.APPROVED
PREPARED = DepositStatus.PREPARED
VERIFIED = DepositStatus.VERIFIED
IN_TRANSIT = DepositStatus.IN_TRANSIT
CONFIRMED = DepositStatus.CONFIRMED
DISCREPANCY = DepositStatus.DISCREPANCY
DEPOSIT_STATES = DEPOSIT.labels

DEPOSIT_DUE_HOURS = 24

#: US denominations in cents, largest first (bills then coins).
DENOMINATIONS: tuple[int, ...] = (10000, 5000, 2000, 1000, 500, 200, 100, 50, 25, 10, 5, 1)


def denomination_label(cents: int) -> str:
    return f"${cents // 100}" if cents >= 100 else f"{cents}¢"


@dataclass(frozen=True)
class Variance:
    """Counted minus expected, per tender that is counted by hand. Positive = over."""

    expected_cash_cents: int
    counted_cash_cents: int
    expected_checks_cents: int
    counted_checks_cents: int

    @property
    def cash_cents(self) -> int:
        return self.counted_cash_cents - self.expected_cash_cents

    @property
    def checks_cents(self) -> int:
        return self.counted_checks_cents - self.expected_checks_cents

    @property
    def total_cents(self) -> int:
        return self.cash_cents + self.checks_cents


def require_can_read(actor: Principal) -> None:
    require(actor, Capability.VIEW_RECONCILIATION, "Your role does not give access to the day board.")


def require_can_work(actor: Principal) -> None:
    """Leads, supervisors and administrators change reconciliation records; auditors never."""
    require(actor, Capability.WORK_RECONCILIATION)


def require_not_own_shift(actor: Principal, clerk_id: int) -> None:
    require_not_own_work(actor, clerk_id,
                         message="Nobody reviews their own shift: ask another lead or a supervisor.")


def review_step(actor: Principal, outcome: str, variance_cents: int, lead_limit_cents: int) -> Step:
    """Whether the actor's word on a variance is a decision or a recommendation.

    Supervisors and administrators decide any outcome. Within the lead limit a lead may accept
    the count or send the drawer back for a recount; anything else a lead says (any outcome
    above the limit, or an investigation) is a recommendation for a supervisor to decide.
    (The variance policy below, on the shared approvals mechanism.)
    """
    require_can_work(actor)
    return step_for(VARIANCE_POLICY, actor, outcome, variance_cents, lead_limit_cents)


def check_reason(reason_code: str, note: str, variance_cents: int, outcome: str) -> dict[str, str]:
    """Field errors for the reason and note (empty when fine)."""
    errors: dict[str, str] = {}
    if reason_code not in REASON_CODES:
        errors["reason_code"] = "Choose a reason."
    elif variance_cents != 0 and reason_code == "none":
        errors["reason_code"] = "This drawer is over or short: choose why."
    if reason_code == "other" and not note.strip():
        errors["note"] = "Explain the reason in the note."
    if outcome == INVESTIGATE and not note.strip():
        errors["note"] = "Say what should be investigated."
    if len(note) > 2000:
        errors["note"] = "Keep the note under 2,000 characters."
    return errors


#: The variance review on the approvals mechanism (app/approvals): a lead recommends, a
#: supervisor or administrator decides, a lead accepts or recounts alone within
#: FAREDESK_VARIANCE_LEAD_LIMIT_CENTS, nobody reviews their own shift, only in one's sections.
VARIANCE_POLICY = ApprovalPolicy(
    workflow="variance", object_type="shift", outcomes=OUTCOMES, reason_codes=REASON_CODES,
    recommend=Capability.RECOMMEND_VARIANCE, decide=Capability.DECIDE_VARIANCE,
    alone_limit_setting="variance_lead_limit_cents", alone_outcomes=frozenset({ACCEPT, RECOUNT}),
    check_reason=check_reason, outcome_message="Choose accept, recount or investigate.",
    section_message="This shift is at a location outside your sections.",
    own_work_message="Nobody reviews their own shift: ask another lead or a supervisor.",
)


def check_deposit_move(current: str, new: str) -> None:
    if not DEPOSIT.can(current, new):
        raise ValidationFailed(
            f"A deposit that is {DEPOSIT.label(current).lower()} cannot become "
            f"{DEPOSIT.label(new).lower()}."
        )


def parse_denominations(raw: str | dict[str, int] | None) -> dict[int, int]:
    """The JSON kept on counts and deposits ({"2000": 5}) as {2000: 5}; bad input gives {}."""
    if not raw:
        return {}
    try:
        data = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    result: dict[int, int] = {}
    for key, value in data.items():
        try:
            cents, count = int(key), int(value)
        except (TypeError, ValueError):
            continue
        if cents > 0 and count:
            result[cents] = result.get(cents, 0) + count
    return result


def denominations_total(counts: dict[int, int]) -> int:
    return sum(cents * count for cents, count in counts.items())


def denominations_json(counts: dict[int, int]) -> str:
    return json.dumps({str(k): v for k, v in sorted(counts.items(), reverse=True) if v},
                      separators=(",", ":"))


def subtract_denominations(a: dict[int, int], b: dict[int, int]) -> dict[int, int]:
    """a − b per denomination, never below zero (a suggestion for the bag, not a rule)."""
    return {k: max(0, a.get(k, 0) - b.get(k, 0)) for k in a if a.get(k, 0) - b.get(k, 0) > 0}


def make_up(cents: int, available: dict[int, int] | None) -> dict[int, int]:
    """Pieces that make up `cents`, largest first, limited to `available` (None: unlimited);
    {} when the available pieces cannot make the amount exactly."""
    remaining, result = cents, {}
    for value in DENOMINATIONS:
        limit = remaining // value if available is None else min(available.get(value, 0),
                                                                 remaining // value)
        if limit > 0:
            result[value] = limit
            remaining -= value * limit
    return result if remaining == 0 else {}


def end_of_day(business_date: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(business_date + timedelta(days=1), time.min, tzinfo=tz)


def deposit_due_at(business_date: date, last_count_at: datetime | None, tz: ZoneInfo) -> datetime:
    """A day's deposit is due 24 hours after its last drawer count, and at the latest 24 hours
    after the business day ended (a late count does not buy more time)."""
    closed = end_of_day(business_date, tz)
    start = min(last_count_at, closed) if last_count_at else closed
    return start + timedelta(hours=DEPOSIT_DUE_HOURS)


def deposit_overdue(
    business_date: date, last_count_at: datetime | None, prepared: bool, now: datetime,
    tz: ZoneInfo,
) -> bool:
    return not prepared and now > deposit_due_at(business_date, last_count_at, tz)
