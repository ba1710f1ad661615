"""CSV export that a spreadsheet cannot turn into a formula (CSV injection).

A text cell starting with = + - @ (or a tab / carriage return) is prefixed with an apostrophe;
numbers are written as numbers, money as a plain decimal (never float).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | Decimal):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(DANGEROUS_START) else text


def cents(value: int | None) -> Decimal | str:
    """Integer cents as a decimal amount for a spreadsheet (12.34, -1.50)."""
    if value is None:
        return ""
    return (Decimal(int(value)) / 100).quantize(Decimal("0.01"))


def to_csv(headings: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(h) for h in headings])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buffer.getvalue()
