"""Exports and downloads: one way to write a CSV file and hand any file to the browser.

CSV files are safe to open in a spreadsheet and read right there:

- a text cell that starts with = + - @ (or a tab or carriage return) would be run as a
  formula (CSV injection), so it is prefixed with an apostrophe, which spreadsheets show as
  text; numbers stay numbers, money is a plain decimal (never a float), dates are ISO;
- the file is UTF-8 with a byte-order mark, so a spreadsheet reads "Zoë", "São Paulo" or
  "–" correctly instead of guessing a legacy code page.

Downloads carry ``Content-Disposition`` (attachment, or inline for a PDF shown in the
browser) with an ASCII file name and its UTF-8 form, and ``Cache-Control: no-store``: these
are financial records and must not sit in a shared cache.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from litestar import Response

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"


def safe_cell(value: Any) -> Any:
    """One value as a CSV cell that no spreadsheet runs as a formula."""
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


def neutralise(value: Any) -> str:
    """`safe_cell` as text."""
    return str(safe_cell(value))


def cents(value: int | None) -> Decimal | str:
    """Integer cents as a decimal amount for a spreadsheet (12.34, -1.50)."""
    if value is None:
        return ""
    return (Decimal(int(value)) / 100).quantize(Decimal("0.01"))


def to_csv(headings: Sequence[str], rows: Iterable[Sequence[Any] | Mapping[str, Any]]) -> str:
    """A header line and the rows, every cell through `safe_cell`. A row is a sequence in the
    headings' order, or a mapping read by the headings (a missing key is an empty cell)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(h) for h in headings])
    for row in rows:
        values = [row.get(h) for h in headings] if isinstance(row, Mapping) else row
        writer.writerow([safe_cell(v) for v in values])
    return buffer.getvalue()


def csv_bytes(text: str) -> bytes:
    """CSV text as the bytes of the file: UTF-8 with a byte-order mark."""
    return (BOM + text).encode("utf-8")


def download(body: bytes | str, filename: str, media_type: str, *, inline: bool = False) -> Response[Any]:
    """A file for the browser to save (or show, ``inline``), never cached."""
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "-", filename).strip("-") or "download"
    disposition = "inline" if inline else "attachment"
    return Response(body, media_type=media_type, headers={
        "Content-Disposition": f"{disposition}; filename=\"{ascii_name}\"; "
                               f"filename*=UTF-8''{quote(filename)}",
        "Cache-Control": "no-store",
    })


def csv_download(headings: Sequence[str], rows: Iterable[Sequence[Any] | Mapping[str, Any]],
                 filename: str) -> Response[Any]:
    """Rows as a formula-safe UTF-8 (with BOM) CSV download."""
    return download(csv_bytes(to_csv(headings, rows)), filename, CSV_MEDIA_TYPE)
