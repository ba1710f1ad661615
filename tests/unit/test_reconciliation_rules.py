"""The reconciliation rules without a database: authority, reasons, deposit moves, due times,
settlement legs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.auth.principal import Principal
from app.auth.roles import Role
from app.errors import Forbidden, ValidationFailed
from app.ledger.services import check_legs
from app.reconciliation import rules
from app.reconciliation.variances import settlement_legs

LEAD = Principal(1, "lee", "Lee", Role.LEAD, (1,))
SUPERVISOR = Principal(2, "sam", "Sam", Role.SUPERVISOR, (1,))
AUDITOR = Principal(3, "aud", "Aud", Role.AUDITOR)
TZ = ZoneInfo("America/Los_Angeles")


def test_a_lead_decides_only_small_accepts_and_recounts() -> None:
    assert rules.review_step(LEAD, "accept", -500, 500) == "decision"
    assert rules.review_step(LEAD, "recount", 500, 500) == "decision"
    assert rules.review_step(LEAD, "accept", -501, 500) == "recommendation"
    assert rules.review_step(LEAD, "investigate", 0, 500) == "recommendation"
    assert rules.review_step(SUPERVISOR, "accept", 100_000, 500) == "decision"
    assert rules.review_step(SUPERVISOR, "investigate", -100_000, 500) == "decision"


def test_auditors_never_review_and_unknown_outcomes_are_refused() -> None:
    with pytest.raises(Forbidden, match="Auditors"):
        rules.review_step(AUDITOR, "accept", 0, 500)
    with pytest.raises(ValidationFailed):
        rules.review_step(SUPERVISOR, "approve", 0, 500)
    with pytest.raises(Forbidden, match="own shift"):
        rules.require_not_own_shift(LEAD, LEAD.id)


def test_reasons_must_explain_a_variance() -> None:
    assert rules.check_reason("none", "", 0, "accept") == {}
    assert "reason_code" in rules.check_reason("none", "", -150, "accept")
    assert "reason_code" in rules.check_reason("made_up", "", -150, "accept")
    assert "note" in rules.check_reason("other", " ", -150, "accept")
    assert "note" in rules.check_reason("suspected_loss", "", -150, "investigate")


def test_deposits_move_forward_only() -> None:
    rules.check_deposit_move("prepared", "verified")
    rules.check_deposit_move("verified", "in_transit")
    rules.check_deposit_move("in_transit", "discrepancy")
    for current, new in (("prepared", "in_transit"), ("prepared", "confirmed"),
                         ("confirmed", "in_transit"),
                         ("discrepancy", "confirmed")):
        with pytest.raises(ValidationFailed):
            rules.check_deposit_move(current, new)


def test_a_deposit_is_due_24_hours_after_the_last_count_but_never_later_than_a_day_after_close(
) -> None:
    day = date(2026, 3, 2)
    evening = datetime(2026, 3, 2, 18, 0, tzinfo=TZ)
    assert rules.deposit_due_at(day, evening, TZ) == evening + timedelta(hours=24)
    late = datetime(2026, 3, 5, 9, 0, tzinfo=TZ)
    assert rules.deposit_due_at(day, late, TZ) == datetime(2026, 3, 4, 0, 0, tzinfo=TZ)
    assert rules.deposit_overdue(day, evening, False, evening + timedelta(hours=25), TZ)
    assert not rules.deposit_overdue(day, evening, True, evening + timedelta(hours=25), TZ)
    assert not rules.deposit_overdue(day, evening, False, evening + timedelta(hours=23), TZ)
    assert rules.deposit_due_at(day, None, TZ).astimezone(UTC) == datetime(
        2026, 3, 4, 0, 0, tzinfo=TZ).astimezone(UTC)


def test_denominations_round_trip_and_suggestions_never_go_negative() -> None:
    counts = rules.parse_denominations('{"2000": 5, "25": 4, "x": 1, "100": "bad"}')
    assert counts == {2000: 5, 25: 4}
    assert rules.denominations_total(counts) == 10_100
    assert rules.parse_denominations(rules.denominations_json(counts)) == counts
    assert rules.subtract_denominations({2000: 5, 500: 1}, {2000: 6, 100: 3}) == {500: 1}
    assert rules.denomination_label(2000) == "$20" and rules.denomination_label(25) == "25¢"


@pytest.mark.parametrize(("expected", "counted", "exp_checks", "checks"), [
    (16_500, 16_350, 0, 0), (16_000, 16_200, 500, 500), (15_000, 15_000, 0, 0),
    (100, 0, 2_000, 1_500), (0, 0, 0, 0),
])
def test_settlement_legs_balance_and_clear_the_drawer(expected: int, counted: int,
                                                      exp_checks: int, checks: int) -> None:
    variance = rules.Variance(expected, counted, exp_checks, checks)
    legs = settlement_legs(variance)
    if len(legs) >= 2:
        check_legs(legs)
    by_account: dict[str, int] = {}
    for leg in legs:
        by_account[leg.account] = by_account.get(leg.account, 0) + leg.amount_cents
    assert by_account.get("drawer_cash", 0) == -expected
    assert by_account.get("safe", 0) == counted
    assert by_account.get("cash_over_short", 0) == -variance.total_cents


def test_the_bag_is_made_up_from_the_pieces_at_hand() -> None:
    closing = {10000: 2, 5000: 2, 1000: 2, 100: 5, 25: 2}
    assert rules.make_up(2_550, closing) == {1000: 2, 100: 5, 25: 2}
    assert rules.make_up(2_560, closing) == {}
    assert rules.make_up(2_560, None) == {2000: 1, 500: 1, 50: 1, 10: 1}
    assert rules.make_up(0, closing) == {}


cents_st = st.integers(min_value=0, max_value=10_000_000)


@given(cents_st, cents_st, cents_st, cents_st)
def test_any_settlement_balances_empties_the_drawer_and_books_the_variance(
        expected: int, counted: int, exp_checks: int, checks: int) -> None:
    variance = rules.Variance(expected, counted, exp_checks, checks)
    legs = settlement_legs(variance)
    assert sum(leg.amount_cents for leg in legs) == 0
    if len(legs) >= 2:
        check_legs(legs)
    totals: dict[str, int] = {}
    for leg in legs:
        totals[leg.account] = totals.get(leg.account, 0) + leg.amount_cents
    assert totals.get("drawer_cash", 0) == -expected
    assert totals.get("checks_on_hand", 0) == checks - exp_checks
    assert totals.get("safe", 0) == counted
    assert totals.get("cash_over_short", 0) == -variance.total_cents


@given(st.integers(min_value=0, max_value=5_000_000))
def test_make_up_without_limits_always_makes_the_amount(cents: int) -> None:
    pieces = rules.make_up(cents, None)
    assert rules.denominations_total(pieces) == cents
