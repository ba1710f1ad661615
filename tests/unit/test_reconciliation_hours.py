"""Closing times read from the opening hours people type (day sign-off waits for closing)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from app.reconciliation.hours import closes_at, closing_times

LA = ZoneInfo("America/Los_Angeles")
MONDAY, SATURDAY, SUNDAY = date(2026, 11, 30), date(2026, 12, 5), date(2026, 12, 6)


@pytest.mark.parametrize(("text", "day", "closing"), [
    ("Mon–Fri 7:00–18:00, Sat 9:00–14:00", MONDAY, time(18, 0)),
    ("Mon–Fri 7:00–18:00, Sat 9:00–14:00", SATURDAY, time(14, 0)),
    ("Mon–Fri 7:00–18:00, Sat 9:00–14:00", SUNDAY, None),
    ("Daily 6:00–22:00", SUNDAY, time(22, 0)),
    ("9–5", MONDAY, time(17, 0)),
    ("Mon 9–5", MONDAY, time(17, 0)),
    ("Mon-Fri 7:30am-5:30pm", MONDAY, time(17, 30)),
    ("Weekdays 8 to 16:45; weekends 10-14", SATURDAY, time(14, 0)),
    ("Monday, Tuesday 9:00-12:00", date(2026, 12, 1), time(12, 0)),
    ("Fri–Mon 10:00–20:00", SUNDAY, time(20, 0)),
])
def test_closing_time(text: str, day: date, closing: time | None) -> None:
    at = closes_at(text, day, LA)
    assert (at.timetz().replace(tzinfo=None) if at else None) == closing


def test_hours_without_times_mean_open_until_midnight() -> None:
    assert closing_times("ok") is None and closing_times("") is None
    assert closes_at("By appointment", MONDAY, LA) == datetime(2026, 12, 1, tzinfo=LA)
    assert closes_at("Daily 6:00–24:00", MONDAY, LA) == datetime(2026, 12, 1, tzinfo=LA)
