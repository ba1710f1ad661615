"""The ledger's leg invariants, checked before anything touches the database."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.ledger.accounts import CHART, DRAWER_CASH, FARE_REVENUE
from app.ledger.errors import LedgerError
from app.ledger.services import Leg, check_legs

CODES = [a.code for a in CHART]
amounts = st.integers(-10**9, 10**9)


@st.composite
def balanced_legs(draw: st.DrawFn) -> list[Leg]:
    values = draw(st.lists(amounts, min_size=1, max_size=8))
    values.append(-sum(values))
    return [Leg(draw(st.sampled_from(CODES)), v) for v in values]


@given(balanced_legs())
def test_any_balanced_leg_set_is_accepted(legs: list[Leg]) -> None:
    check_legs(legs)


@given(balanced_legs(), st.integers(-10**6, 10**6).filter(lambda n: n != 0))
def test_any_unbalanced_leg_set_is_refused(legs: list[Leg], error: int) -> None:
    last = legs[-1]
    legs[-1] = Leg(last.account, last.amount_cents + error)
    with pytest.raises(LedgerError, match="do not balance"):
        check_legs(legs)


def test_one_leg_is_not_a_transaction() -> None:
    with pytest.raises(LedgerError, match="at least two legs"):
        check_legs([Leg(DRAWER_CASH, 0)])


@pytest.mark.parametrize("amount", [1.0, Decimal("1.00"), True, "100"])
def test_amounts_are_integer_cents_only(amount: object) -> None:
    with pytest.raises(LedgerError, match="whole cents"):
        check_legs([Leg(DRAWER_CASH, amount), Leg(FARE_REVENUE, -1)])  # type: ignore[arg-type]


def test_unknown_accounts_are_refused() -> None:
    with pytest.raises(LedgerError, match="Unknown ledger account"):
        check_legs([Leg("petty_cash", 100), Leg(FARE_REVENUE, -100)])


def test_the_chart_has_every_required_account() -> None:
    assert set(CODES) == {
        "drawer_cash", "card_clearing", "checks_on_hand", "safe", "deposits_in_transit", "bank",
        "accounts_receivable", "fare_revenue", "card_fee_revenue", "stored_value_liability",
        "cash_over_short", "paid_out_expense", "paid_in_other", "card_outcome_suspense",
    }
