"""Display formatting: money from integer cents, dates and times. Decimal only, never float."""

from __future__ import annotations

import re
from datetime import date, datetime
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


#: The largest amount any form takes: $100,000,000.00 (far above any real counter amount, far
#: below what a 64-bit cents column holds).
MAX_MONEY_CENTS = 10_000_000_000

#: `$1,234.50`, `1234.5`, `.75`, `-$5.00`: ASCII digits only (re.ASCII), thousands separators
#: only in full groups of three, at most two decimals, nothing else (no `_`, exponent, `+`).
_MONEY_RE = re.compile(
    r"(?P<minus>-)?\$?(?P<whole>\d{1,3}(?:,\d{3})+|\d+)?(?:\.(?P<part>\d{1,2}))?", re.ASCII
)
_MONEY_HINT = "Enter an amount like 12.50."


def parse_money(raw: str, *, allow_negative: bool = False,
                maximum_cents: int = MAX_MONEY_CENTS) -> int:
    """'12.34', '$1,234.5', '7', '.50' -> cents. Raises ValueError with a clerk-readable message.

    Strict on purpose (issue 9 item 2): `20,00`, `25_00`, `2.5e1`, `1e26`, `+5`, non-ASCII
    digits and misplaced thousands separators are refused rather than guessed at. A minus sign
    is accepted only where the field allows one (`allow_negative`), as `-12.50` or `-$12.50`.
    """
    cleaned = raw.strip() if isinstance(raw, str) else ""
    if not cleaned:
        raise ValueError("Enter an amount.")
    if len(cleaned) > 24:
        raise ValueError("That amount is too large.")
    match = _MONEY_RE.fullmatch(cleaned)
    if match is None or not (match["whole"] or match["part"]):
        if re.fullmatch(r"-?\$?[\d,]*\.\d{3,}", cleaned, re.ASCII):
            raise ValueError("Enter an amount with at most two decimal places.")
        raise ValueError(_MONEY_HINT)
    whole = int((match["whole"] or "0").replace(",", ""))
    part = int((match["part"] or "0").ljust(2, "0"))
    cents = whole * 100 + part
    if cents > maximum_cents:
        raise ValueError(f"That amount is too large (at most {money(maximum_cents)}).")
    if match["minus"]:
        if not allow_negative:
            raise ValueError("Enter an amount without a minus sign.")
        return -cents
    return cents


#: Years a form date may have: a typo such as 20266 or 0026 is a field error, not a crash.
MIN_YEAR, MAX_YEAR = 2000, 2099
_COUNT_RE = re.compile(r"\d{1,12}", re.ASCII)


def parse_count(raw: str, *, maximum: int, minimum: int = 0) -> int:
    """A whole number typed in a form: plain ASCII digits (no sign, no separators, no `²` or
    Arabic-Indic digits), between `minimum` and `maximum`. Raises ValueError with a message."""
    cleaned = raw.strip() if isinstance(raw, str) else ""
    if not _COUNT_RE.fullmatch(cleaned):
        raise ValueError("Enter a whole number, like 3.")
    value = int(cleaned)
    if value > maximum:
        raise ValueError(f"Enter at most {maximum:,}.")
    if value < minimum:
        raise ValueError(f"Enter at least {minimum:,}.")
    return value


def parse_date(raw: str) -> date:
    """A form date `YYYY-MM-DD` with a year between MIN_YEAR and MAX_YEAR. Raises ValueError."""
    cleaned = raw.strip() if isinstance(raw, str) else ""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", cleaned, re.ASCII):
        raise ValueError("Enter a date like 2026-01-31.")
    try:
        value = date.fromisoformat(cleaned)
    except ValueError as exc:
        raise ValueError("That date does not exist; enter a date like 2026-01-31.") from exc
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"Enter a date between {MIN_YEAR} and {MAX_YEAR}.")
    return value


def parse_local_datetime(raw: str) -> datetime:
    """A `datetime-local` value (`2026-12-01T00:00`, seconds optional) in the agency's time
    zone, with the same year range as parse_date. Raises ValueError."""
    cleaned = (raw.strip() if isinstance(raw, str) else "").replace(" ", "T", 1)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?", cleaned, re.ASCII):
        raise ValueError("Enter a date and time like 2026-12-01 00:00.")
    try:
        value = datetime.fromisoformat(cleaned)
    except ValueError as exc:
        raise ValueError("That date or time does not exist.") from exc
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"Enter a date between {MIN_YEAR} and {MAX_YEAR}.")
    return value.replace(tzinfo=get_settings().tz)


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


_AN_EXCEPTIONS = ("hour", "honest", "honour", "honor", "heir")
_A_EXCEPTIONS = ("one", "once", "uni", "use", "usu", "uti", "eu", "ewe")


def with_article(phrase: str) -> str:
    """`phrase` with "a" or "an" before it, by how its first word sounds: "an adult",
    "a youth", "an hour", "a unit". Codes and abbreviations are read as words."""
    word = phrase.strip().lower()
    if not word:
        return phrase
    if word.startswith(_AN_EXCEPTIONS):
        article = "an"
    elif word.startswith(_A_EXCEPTIONS):
        article = "a"
    else:
        article = "an" if word[0] in "aeiou" else "a"
    return f"{article} {phrase.strip()}"


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
    env.filters["with_article"] = with_article
    env.filters.update(filters)
