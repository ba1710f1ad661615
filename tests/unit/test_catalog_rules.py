"""Catalog rules: monthly pass windows, card eligibility, stored-value load bounds."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.catalog.errors import LoadRefused, NotEligible, PassNotOnSale
from app.catalog.rules import (
    add_months,
    check_card_eligibility,
    check_pass_month,
    check_stored_value_load,
    monthly_pass_window,
    pass_on_sale,
    sellable_pass_months,
)

DEC = date(2026, 12, 1)


def test_a_months_pass_is_sold_from_the_first_of_the_prior_month_to_the_14th() -> None:
    assert monthly_pass_window(DEC) == (date(2026, 11, 1), date(2026, 12, 14))
    assert monthly_pass_window(date(2026, 12, 20)) == (date(2026, 11, 1), date(2026, 12, 14))


def test_the_january_window_starts_in_the_prior_year() -> None:
    assert monthly_pass_window(date(2027, 1, 1)) == (date(2026, 12, 1), date(2027, 1, 14))


@pytest.mark.parametrize(("today", "on_sale"), [
    (date(2026, 10, 31), False),  # the day before the window opens
    (date(2026, 11, 1), True),    # first sale day
    (date(2026, 11, 30), True),   # Nov 30 sells the December pass
    (date(2026, 12, 1), True),
    (date(2026, 12, 14), True),   # last sale day
    (date(2026, 12, 15), False),  # the day after: no proration, no sale
])
def test_december_pass_window_edges(today: date, on_sale: bool) -> None:
    assert pass_on_sale(DEC, today) is on_sale


@pytest.mark.parametrize(("today", "months"), [
    (date(2026, 11, 1), [date(2026, 11, 1), date(2026, 12, 1)]),
    (date(2026, 11, 14), [date(2026, 11, 1), date(2026, 12, 1)]),
    (date(2026, 11, 15), [date(2026, 12, 1)]),
    (date(2026, 11, 30), [date(2026, 12, 1)]),
    (date(2026, 12, 31), [date(2027, 1, 1)]),
    (date(2027, 1, 14), [date(2027, 1, 1), date(2027, 2, 1)]),
])
def test_sellable_pass_months(today: date, months: list[date]) -> None:
    assert sellable_pass_months(today) == months


@given(st.dates(min_value=date(2000, 2, 1), max_value=date(2099, 11, 30)))
def test_sellable_months_are_exactly_the_months_whose_window_holds_today(today: date) -> None:
    sellable = sellable_pass_months(today)
    nearby = [add_months(today.replace(day=1), k) for k in range(-3, 4)]
    assert sellable == [m for m in nearby if pass_on_sale(m, today)]
    assert 1 <= len(sellable) <= 2
    assert add_months(today.replace(day=1), 1) in sellable  # next month is always on sale


def test_a_pass_outside_its_window_is_refused_with_the_window_in_the_message() -> None:
    check_pass_month(DEC, date(2026, 11, 30))
    with pytest.raises(PassNotOnSale) as refused:
        check_pass_month(DEC, date(2026, 12, 15))
    assert "December 2026 passes are sold from November 1 to December 14" in refused.value.message


def test_add_months_crosses_years() -> None:
    assert add_months(date(2026, 12, 1), 1) == date(2027, 1, 1)
    assert add_months(date(2027, 1, 1), -1) == date(2026, 12, 1)
    assert add_months(date(2026, 5, 1), -17) == date(2024, 12, 1)


REDUCED_PASS = {"name": "Monthly pass – Senior/Disabled", "reduced": True,
                "fare_category_code": "reduced", "fare_category_name": "Senior / disabled"}
ADULT_PASS = {"name": "Monthly pass – Adult", "reduced": False, "fare_category_code": "adult"}


def test_a_full_fare_product_goes_onto_any_card() -> None:
    for card in (None, "adult", "youth", "reduced"):
        check_card_eligibility(ADULT_PASS, card)
    check_card_eligibility({"name": "Ticket book", "reduced": False,
                            "fare_category_code": None}, "youth")


def test_a_reduced_product_goes_only_onto_a_card_of_its_category() -> None:
    check_card_eligibility(REDUCED_PASS, "reduced")
    for card in (None, "adult", "youth"):
        with pytest.raises(NotEligible):
            check_card_eligibility(REDUCED_PASS, card)


def test_the_eligibility_message_tells_the_clerk_what_to_do() -> None:
    with pytest.raises(NotEligible) as refused:
        check_card_eligibility(REDUCED_PASS, "youth")
    message = refused.value.message
    assert "Senior / disabled customers only" in message
    assert "a youth card" in message
    assert "permit" in message
    with pytest.raises(NotEligible) as refused:
        check_card_eligibility(REDUCED_PASS, None)
    assert "a full-fare card" in refused.value.message


STORED_VALUE = {"min_cents": 500, "max_cents": 30_000, "balance_cap_cents": 40_000}


def test_a_load_within_the_bounds_is_allowed() -> None:
    check_stored_value_load(STORED_VALUE, 500, 0)
    check_stored_value_load(STORED_VALUE, 30_000, 10_000)  # exactly reaches the cap


@pytest.mark.parametrize(("amount", "balance", "text"), [
    (499, 0, "The smallest load is $5.00."),
    (30_001, 0, "The largest load is $300.00."),
    (0, 0, "Enter an amount to load."),
    (-500, 0, "Enter an amount to load."),
    (10_001, 30_000, "at most $100.00 can be loaded"),
    (500, 40_000, "at most $0.00 can be loaded"),
])
def test_a_load_outside_the_bounds_is_refused(amount: int, balance: int, text: str) -> None:
    with pytest.raises(LoadRefused) as refused:
        check_stored_value_load(STORED_VALUE, amount, balance)
    assert text in refused.value.message


def test_a_load_is_whole_cents_never_float() -> None:
    with pytest.raises(TypeError):
        check_stored_value_load(STORED_VALUE, 10.5, 0)  # type: ignore[arg-type]


def test_the_cap_defaults_to_400_dollars() -> None:
    with pytest.raises(LoadRefused):
        check_stored_value_load({"min_cents": None, "max_cents": None}, 40_001, 0)
    check_stored_value_load({}, 40_000, 0)


@given(st.integers(0, 40_000), st.integers(-100, 50_000))
def test_an_accepted_load_never_takes_a_card_over_its_cap(balance: int, amount: int) -> None:
    try:
        check_stored_value_load(STORED_VALUE, amount, balance)
    except LoadRefused:
        return
    assert 500 <= amount <= 30_000 and balance + amount <= 40_000


def test_every_day_of_the_year_sells_some_pass_month() -> None:
    day = date(2026, 1, 1)
    while day < date(2028, 1, 1):
        assert sellable_pass_months(day)
        day += timedelta(days=1)


def test_the_eligibility_message_uses_the_right_article() -> None:
    with pytest.raises(NotEligible) as refused:
        check_card_eligibility(REDUCED_PASS, "adult")
    assert "this is an adult card" in refused.value.message
