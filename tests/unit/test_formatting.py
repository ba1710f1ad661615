"""Money is integer cents; Decimal only at the edges; never float."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.formatting import business_date, local_time, money, parse_money, short_date


@pytest.mark.parametrize(("cents", "text"), [
    (0, "$0.00"), (5, "$0.05"), (1234, "$12.34"), (-150, "-$1.50"), (123456789, "$1,234,567.89"),
])
def test_money(cents: int, text: str) -> None:
    assert money(cents) == text


def test_money_sign_and_none() -> None:
    assert money(250, sign=True) == "+$2.50"
    assert money(-250, sign=True) == "-$2.50"
    assert money(None) == ""


@pytest.mark.parametrize(("raw", "cents"), [
    ("12.34", 1234), ("$1,234.5", 123450), ("7", 700), (" 0.01 ", 1), ("-3.10", -310),
])
def test_parse_money(raw: str, cents: int) -> None:
    assert parse_money(raw) == cents
    assert isinstance(parse_money(raw), int)


@pytest.mark.parametrize(("raw", "message"), [
    ("", "Enter an amount."), ("twelve", "Enter an amount like 12.50."),
    ("1.234", "at most two decimal places"), ("NaN", "two decimal places"),
    ("1000000000", "too large"),
])
def test_parse_money_refuses_with_a_readable_message(raw: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_money(raw)


@given(st.integers(min_value=-10_000_000_000, max_value=10_000_000_000))
def test_money_round_trips(cents: int) -> None:
    assert parse_money(money(cents)) == cents


def test_times_show_in_the_agency_time_zone() -> None:
    moment = datetime(2026, 1, 15, 3, 30, tzinfo=UTC)  # 19:30 the evening before in Los Angeles
    assert local_time(moment) == "2026-01-14 19:30"
    assert short_date(moment) == "2026-01-14"
    assert business_date(moment) == date(2026, 1, 14)
    assert local_time(None) == "" and short_date(None) == ""
    assert short_date(date(2026, 2, 1)) == "2026-02-01"


def test_with_article_reads_the_first_word() -> None:
    from app.formatting import with_article

    assert with_article("adult card") == "an adult card"
    assert with_article("youth card") == "a youth card"
    assert with_article("administrator") == "an administrator"
    assert with_article("lead or supervisor") == "a lead or supervisor"
    assert with_article("hour") == "an hour"
    assert with_article("unit") == "a unit"
    assert with_article("") == ""


def test_print_retry_words_say_when_it_tried_and_what_happened() -> None:
    from datetime import UTC, datetime

    from app.kiosk.screens import print_retry_words

    at = datetime(2026, 12, 1, 20, 15, 7, tzinfo=UTC)
    failed = print_retry_words(0, ["The printer is offline."], at)
    assert failed.startswith("Tried printing again at ") and "still not printed" in failed
    assert "(The printer is offline)" in failed
    assert "1 receipt(s) printed." in print_retry_words(1, [], at)
    assert "nothing was waiting" in print_retry_words(0, [], at)
    assert print_retry_words(0, ["x"], at) != print_retry_words(0, ["x"], at.replace(second=9))
