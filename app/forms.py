"""One way to read a submitted form into typed values with per-field errors.

A route makes a `FormReader` over the posted form, asks it for each field by type (text,
money, count, date, id, denominations) and calls `raise_if_invalid()` before it calls its
service. Every field read is echoed in `reader.values` exactly as the user typed it, so the
form re-renders with their input and the message beside each bad field; nothing is guessed
(the strict parsers live in app.formatting) and nothing reaches a service until every field
parsed.

    reader = FormReader(await request.form())
    amount = reader.money("amount", allow_negative=True)
    entry_date = reader.date("entry_date", required=False)
    reader.raise_if_invalid()      # ValidationFailed(field_errors=..., values=...)
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Protocol

from app.errors import ValidationFailed
from app.formatting import (
    MAX_MONEY_CENTS,
    parse_count,
    parse_date,
    parse_local_datetime,
    parse_money,
)

#: The most pieces of one denomination a count or a bag may hold.
MAX_PIECES = 100_000
#: Largest id a path or form may carry (a 64-bit signed column).
MAX_ID = 2**63 - 1
FIX_FIELDS = "Please correct the marked fields."


class _Form(Protocol):
    def get(self, key: str, default: Any = ...) -> Any: ...

    def getall(self, key: str, default: Any = ...) -> list[Any]: ...


def parse_id(raw: object) -> int | None:
    """An id typed or sent as text: ASCII digits, 1 … 2**63-1; anything else is None."""
    if not isinstance(raw, str):
        return None
    cleaned = raw.strip()
    if not cleaned.isascii() or not cleaned.isdigit() or len(cleaned) > 19:
        return None
    value = int(cleaned)
    return value if 0 < value <= MAX_ID else None


class FormReader:
    """Typed access to one submitted form, collecting a message per bad field."""

    def __init__(self, form: _Form | Mapping[str, Any]) -> None:
        self._form = form
        self.errors: dict[str, str] = {}
        self.values: dict[str, Any] = {}

    # ---------------------------------------------------------------- raw access

    def raw(self, name: str, max_length: int = 1000) -> str:
        value = self._form.get(name, "")
        text = value.strip() if isinstance(value, str) else ""
        self.values[name] = text[:max_length]
        return text

    def error(self, name: str, message: str) -> None:
        """Mark a field bad (the first message for a field wins)."""
        self.errors.setdefault(name, message)

    # ---------------------------------------------------------------- typed fields

    def text(self, name: str, max_length: int = 1000, *, required: str = "") -> str:
        """Trimmed text; longer than `max_length` is an error, never silently cut. `required`
        is the message shown when it is blank (blank allowed when empty)."""
        value = self.raw(name, max_length)
        if len(value) > max_length:
            self.error(name, f"Use at most {max_length:,} characters.")
        elif required and not value:
            self.error(name, required)
        return value[:max_length]

    def money(self, name: str, *, allow_negative: bool = False, required: bool = True,
              maximum_cents: int = MAX_MONEY_CENTS) -> int | None:
        """Cents, or None when blank and not required (or when the field is bad)."""
        raw = self.raw(name, 30)
        if not raw:
            if required:
                self.error(name, "Enter an amount.")
            return None
        try:
            return parse_money(raw, allow_negative=allow_negative, maximum_cents=maximum_cents)
        except ValueError as exc:
            self.error(name, str(exc))
            return None

    def count(self, name: str, *, maximum: int, minimum: int = 0, required: bool = False,
              default: int | None = None) -> int | None:
        """A whole number within bounds; blank gives `default` unless required."""
        raw = self.raw(name, 20)
        if not raw:
            if required:
                self.error(name, "Enter a whole number.")
            return default
        try:
            return parse_count(raw, maximum=maximum, minimum=minimum)
        except ValueError as exc:
            self.error(name, str(exc))
            return default

    def date(self, name: str, *, required: bool = True) -> date | None:
        raw = self.raw(name, 20)
        if not raw:
            if required:
                self.error(name, "Enter a date like 2026-01-31.")
            return None
        try:
            return parse_date(raw)
        except ValueError as exc:
            self.error(name, str(exc))
            return None

    def local_datetime(self, name: str, *, required: bool = False) -> datetime | None:
        """A `datetime-local` field in the agency's time zone; blank gives None."""
        raw = self.raw(name, 30)
        if not raw:
            if required:
                self.error(name, "Enter a date and time like 2026-12-01 00:00.")
            return None
        try:
            return parse_local_datetime(raw)
        except ValueError as exc:
            self.error(name, str(exc))
            return None

    def id(self, name: str, *, required: str = "") -> int | None:
        """An id chosen from a list (a select or hidden field); a forged value is an error."""
        raw = self.raw(name, 20)
        if not raw:
            if required:
                self.error(name, required)
            return None
        value = parse_id(raw)
        if value is None:
            self.error(name, "Choose one of the options.")
        return value

    def ids(self, name: str) -> tuple[int, ...]:
        """Every checked id of a group of checkboxes; a forged value is an error."""
        raws = [v for v in self._form.getall(name, []) if isinstance(v, str)] \
            if hasattr(self._form, "getall") else []
        self.values[name] = [r.strip() for r in raws]
        ids: list[int] = []
        for raw in raws:
            value = parse_id(raw)
            if value is None:
                self.error(name, "Choose from the options shown.")
            elif value not in ids:
                ids.append(value)
        return tuple(ids)

    def flag(self, name: str) -> bool:
        """A checkbox sent as value "1"."""
        value = self.raw(name, 4) == "1"
        self.values[name] = value
        return value

    def denominations(self, fields: Mapping[str, int], *, error_field: str = "denominations"
                      ) -> dict[int, int]:
        """Pieces per denomination from `{field name: cents}` (blank = 0); {cents: pieces}
        with only the denominations that have pieces. Bad counts are marked on the field and
        summarised under `error_field`."""
        counts: dict[int, int] = {}
        for name, cents in fields.items():
            before = len(self.errors)
            pieces = self.count(name, maximum=MAX_PIECES, default=0)
            if len(self.errors) > before:
                self.error(error_field, "Enter whole numbers of pieces (0 or more) in every "
                                        "denomination.")
            if pieces:
                counts[cents] = pieces
        return counts

    # ---------------------------------------------------------------- outcome

    @property
    def ok(self) -> bool:
        return not self.errors

    def raise_if_invalid(self, message: str = FIX_FIELDS) -> None:
        if self.errors:
            raise ValidationFailed(message, field_errors=dict(self.errors))


def form_errors(exc: ValidationFailed | None) -> dict[str, Any]:
    """The template context for a form's error block: `error` and per-field `errors`."""
    return {"error": exc.message if exc else "", "errors": exc.field_errors if exc else {}}
