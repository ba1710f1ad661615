"""Quick-cash buttons fit the amount due: round sums above it, smallest first."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.kiosk.quick_cash import NOTES_CENTS, amounts, next_multiple_above


def test_a_twenty_dollar_load_offers_the_notes_above_it() -> None:
    assert amounts(2000) == [2500, 3000, 4000, 5000, 10000]


def test_an_odd_total_rounds_up_to_each_note() -> None:
    assert amounts(3540) == [4000, 5000, 10000]


def test_a_small_total_also_offers_the_next_dollar() -> None:
    assert amounts(250) == [300, 500, 1000, 2000, 5000]


def test_a_large_total_goes_past_one_hundred() -> None:
    assert amounts(12345) == [12500, 13000, 14000, 15000, 20000]


def test_nothing_due_offers_nothing() -> None:
    assert amounts(0) == [] and amounts(-500) == []


def test_the_limit_is_kept() -> None:
    assert amounts(2000, limit=2) == [2500, 3000]


def test_next_multiple_is_strictly_above() -> None:
    assert next_multiple_above(2000, 2000) == 4000
    assert next_multiple_above(1999, 2000) == 2000


@given(st.integers(min_value=1, max_value=10_000_000))
def test_every_amount_is_above_the_total_round_and_sorted(due: int) -> None:
    offered = amounts(due)
    assert offered == sorted(set(offered)) and 1 <= len(offered) <= 5
    assert all(a > due for a in offered)
    assert all(any(a % step == 0 for step in (100, *NOTES_CENTS)) for a in offered)
    assert offered[0] - due <= 500  # the first offer never asks for more than $5 over
