"""Display formatting: money from integer cents, dates and times. Decimal only, never float."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import jinja2

from app.settings import get_settings


def money(cents: int | None, *, sign: bool = False) -> str:
    """1234 -> '$12.34'; -150 -> '-$1.50'."""
    if cents is None:
        return ""
    if isinstance(cents, float):  # pragma: no cover - a float here is a bug upstream
        raise TypeError("money is integer cents, never float")
    negative = cents < 0
    whole, part = divmod(abs(int(cents)), 100)
    text = f"${whole:,}.{part:02d}"
    if negative:
        return f"-{text}"
    return f"+{text}" if sign and cents > 0 else text


def parse_money(raw: str) -> int:
    """'12.34', '$1,234.5', '7' -> cents. Raises ValueError with a clerk-readable message."""
    cleaned = raw.strip().replace("$", "").replace(",", "")
    if not cleaned:
        raise ValueError("Enter an amount.")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError("Enter an amount like 12.50.") from exc
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        raise ValueError("Enter an amount with at most two decimal places.")
    if abs(value) > Decimal("100000000"):
        raise ValueError("That amount is too large.")
    return int(value * 100)


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(get_settings().tz)
    return value.strftime(fmt)


def short_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return local_time(value, "%Y-%m-%d")
    return value.isoformat()


def business_date(at: datetime | None = None) -> date:
    """The agency's calendar date at `at` (now by default): the day money is booked to."""
    moment = at or datetime.now(get_settings().tz)
    return moment.astimezone(get_settings().tz).date()


def _audit_filters() -> dict[str, Any]:
    from app.audit.labels import action_words, object_words

    return {"action_words": action_words, "object_words": object_words}


def register_filters(env: jinja2.Environment) -> None:
    filters: dict[str, Any] = {
        "money": money,
        "local_time": local_time,
        "short_date": short_date,
        **_audit_filters(),
    }
    env.filters.update(filters)
