"""Dates, numbers and money in a customer's language, by Babel's formatters.

Money comes in as integer cents and becomes a Decimal only here, for display; never a float.
The currency is the agency's (FAREDESK_CURRENCY, default USD).
"""

from __future__ import annotations

import os
from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date as babel_date
from babel.dates import format_datetime as babel_datetime
from babel.dates import format_skeleton
from babel.numbers import format_currency, format_decimal

from app.i18n import languages


def currency() -> str:
    return os.environ.get("FAREDESK_CURRENCY", "").strip().upper() or "USD"


def _babel_locale(locale: str) -> str:
    code = locale if locale in languages.BY_CODE else languages.SOURCE
    return languages.BY_CODE[code].format_locale


def format_money(cents: int, locale: str) -> str:
    """1234 cents in 'vi' -> '12,34 US$'; 'en' -> '$12.34'."""
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise TypeError(f"money must be integer cents, got {type(cents).__name__}")
    return format_currency(Decimal(cents).scaleb(-2), currency(), locale=_babel_locale(locale))


def format_number(value: int | Decimal, locale: str) -> str:
    if isinstance(value, float):
        raise TypeError("format_number takes int or Decimal, never float")
    return format_decimal(value, locale=_babel_locale(locale))


def format_date(value: date, locale: str, format: str = "long") -> str:
    return babel_date(value, format, locale=_babel_locale(locale))


def format_month(value: date, locale: str) -> str:
    """'December 2026', 'diciembre de 2026', '2026年12月' (the locale's month-and-year form)."""
    return format_skeleton("yMMMM", datetime(value.year, value.month, 1), locale=_babel_locale(locale))


def format_datetime(value: datetime, locale: str, format: str = "short") -> str:
    """In the agency's time zone (FAREDESK_TIMEZONE)."""
    from app.settings import get_settings

    return babel_datetime(value, format, tzinfo=get_settings().tz, locale=_babel_locale(locale))
