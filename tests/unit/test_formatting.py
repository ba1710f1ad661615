"""Money is integer cents; Decimal only at the edges; never float."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.formatting import (
    business_date,
    local_time,
    money,
    parse_count,
    parse_date,
    parse_local_datetime,
    parse_money,
    short_date,
)


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
    ("12.34", 1234), ("$1,234.5", 123450), ("7", 700), (" 0.01 ", 1), (".50", 50),
    ("1,234,567.89", 123456789), ("$0", 0), ("0012", 1200),
])
def test_parse_money(raw: str, cents: int) -> None:
    assert parse_money(raw) == cents
    assert isinstance(parse_money(raw), int)


@pytest.mark.parametrize(("raw", "cents"), [("-3.10", -310), ("-$1.50", -150), ("-5", -500)])
def test_a_minus_sign_only_where_the_field_allows_one(raw: str, cents: int) -> None:
    assert parse_money(raw, allow_negative=True) == cents
    with pytest.raises(ValueError, match="without a minus sign"):
        parse_money(raw)


@pytest.mark.parametrize("raw", [
    "20,00",  # was $2,000.00: a decimal comma read as a thousands separator
    "25_00",  # was $2,500.00: Python's digit separator
    "2.5e1", "1e3", "1e26",  # exponents (1e26 was a server error)
    "١٢",  # Arabic-Indic digits
    "²", "1²", "１２",  # superscript and full-width digits
    "1,23", "12,3456", ",123", "1,,234", "1.2.3", "+5", "$-5", "$", ".", "5.", "--5",
    "5 00", "0x10", "Infinity", "NaN", "1e", "12.34.", "$$5",
])
def test_parse_money_refuses_anything_but_plain_amounts(raw: str) -> None:
    with pytest.raises(ValueError, match=r"Enter an amount like 12\.50"):
        parse_money(raw, allow_negative=True)


@pytest.mark.parametrize(("raw", "message"), [
    ("", "Enter an amount."), ("twelve", "Enter an amount like 12.50."),
    ("1.234", "at most two decimal places"), ("1000000000", "too large"),
    ("1" * 40, "too large"), ("100000000.01", "too large"),
])
def test_parse_money_refuses_with_a_readable_message(raw: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_money(raw)


@given(st.integers(min_value=-10_000_000_000, max_value=10_000_000_000))
def test_money_round_trips(cents: int) -> None:
    assert parse_money(money(cents), allow_negative=True) == cents


@pytest.mark.parametrize(("raw", "value"), [("0", 0), (" 12 ", 12), ("007", 7), ("500", 500)])
def test_parse_count(raw: str, value: int) -> None:
    assert parse_count(raw, maximum=500) == value


@pytest.mark.parametrize(("raw", "message"), [
    ("", "whole number"), ("-1", "whole number"), ("1.5", "whole number"), ("1e3", "whole number"),
    ("٣", "whole number"), ("²", "whole number"), ("1_000", "whole number"), ("+2", "whole number"),
    ("501", "at most 500"), ("9" * 20, "whole number"),
])
def test_parse_count_refuses(raw: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_count(raw, maximum=500)


def test_parse_date_keeps_years_in_range() -> None:
    assert parse_date("2026-01-31") == date(2026, 1, 31)
    for raw, message in [("0001-01-01", "between 2000 and 2099"),
                         ("9999-12-31", "between 2000 and 2099"),
                         ("20266-01-01", "like 2026-01-31"), ("2026-02-30", "does not exist"),
                         ("٢٠٢٦-01-01", "like 2026-01-31"), ("", "like 2026-01-31")]:
        with pytest.raises(ValueError, match=message):
            parse_date(raw)


def test_parse_local_datetime() -> None:
    value = parse_local_datetime("2026-12-01T08:30")
    assert (value.year, value.hour, value.minute) == (2026, 8, 30) and value.tzinfo is not None
    with pytest.raises(ValueError, match="between"):
        parse_local_datetime("0001-01-01T00:00")


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
