"""When a location closes, read from the opening hours people type (pure, no database).

Locations keep their hours as text for people: "Mon–Fri 7:00–18:00, Sat 9:00–14:00",
"Daily 6:00–22:00", "9–5", "Mon-Fri 7:30am-5:30pm". Day sign-off needs one fact from it: the
closing time on a given weekday. Days named before a time range apply to it ("Mon–Fri",
"Sat", "Daily", "Weekdays", "Weekends"); a range with no days before it applies to every day;
"9–5" means 9:00 to 17:00. A weekday that no range names is a closed day (None). Text with no
time range at all is `UNKNOWN`: the location may be open at any hour, so its day is treated as
running to midnight.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?"
_TIME = r"\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)?"
_DASH = r"\s*(?:[-–—]|to|until)\s*"
_TOKEN = re.compile(
    rf"(?P<dayrange>\b{_DAY}{_DASH}{_DAY})|(?P<day>\b{_DAY})"
    rf"|(?P<group>\bdaily\b|\bevery\s*day\b|\bweekdays\b|\bweekends\b)"
    rf"|(?P<times>(?P<start>{_TIME}){_DASH}(?P<end>{_TIME}))",
    re.IGNORECASE | re.ASCII,
)
_GROUPS = {"daily": range(7), "everyday": range(7), "weekdays": range(5), "weekends": (5, 6)}
_CLOCK = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?", re.I | re.ASCII)

#: Closing time is not known (no time range in the text): open until midnight.
UNKNOWN = time.max


def _weekday(token: str) -> int:
    return _DAYS.index(token.strip(". ").lower()[:3])


def _clock(raw: str) -> tuple[int, int, str]:
    match = _CLOCK.fullmatch(raw.strip())
    if match is None:
        raise ValueError(raw)
    return int(match[1]), int(match[2] or 0), (match[3] or "").lower().replace(".", "")


def _closing(start_raw: str, end_raw: str) -> time:
    start_h, _, start_ampm = _clock(start_raw)
    end_h, end_m, end_ampm = _clock(end_raw)
    if end_ampm == "pm" and end_h < 12:
        end_h += 12
    elif end_ampm == "am" and end_h == 12:
        end_h = 0
    elif not end_ampm and (start_ampm or end_h <= start_h) and end_h < 12:
        end_h += 12  # "9–5" is nine to five in the afternoon
    if end_h >= 24:
        return UNKNOWN if (end_h, end_m) > (24, 0) else time.max
    return time(end_h, min(end_m, 59))


def closing_times(text: str) -> dict[int, time] | None:
    """{weekday: closing time} for the days the text names; None when it has no time range."""
    result: dict[int, time] = {}
    pending: list[int] = []
    found = False
    for match in _TOKEN.finditer(text or ""):
        if match["dayrange"]:
            first, last = re.split(_DASH, match["dayrange"], maxsplit=1, flags=re.I)
            a, b = _weekday(first), _weekday(last)
            pending.extend(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
        elif match["day"]:
            pending.append(_weekday(match["day"]))
        elif match["group"]:
            pending.extend(_GROUPS[re.sub(r"\s+", "", match["group"].lower())])
        else:
            found = True
            closing = _closing(match["start"], match["end"])
            for weekday in pending or range(7):
                result[weekday] = max(result.get(weekday, time.min), closing)
            pending = []
    return result if found else None


def closes_at(text: str, business_date: date, tz: ZoneInfo) -> datetime | None:
    """When the location closes on `business_date` (an aware datetime), None when it is closed
    that day. Unknown hours give the end of the day."""
    times = closing_times(text)
    if times is None:
        closing: time | None = UNKNOWN
    else:
        closing = times.get(business_date.weekday())
    if closing is None:
        return None
    if closing == time.max:
        return datetime.combine(business_date + timedelta(days=1), time.min, tzinfo=tz)
    return datetime.combine(business_date, closing, tzinfo=tz)
