"""Keyset pagination for every list, and the one way a list answers: full page or its rows.

A list declares its order once, as a `Keyset` of columns whose last column is unique (an id,
a code, a username). `keyset_page(query, keyset, after=..., size=...)` adds "after this row"
and the order to the query in SQL (no OFFSET: page 500 costs what page 1 costs, and a row
inserted meanwhile neither repeats nor skips a row), reads one row more than it shows to know
whether there is a next page, and returns a `Page` whose `next_after` is the cursor of the
next page. The cursor is the last row's key values, JSON in URL-safe base64; a damaged cursor
means the first page, never an error.

Routes render lists with `app.web.render.list_page` (the full page, or only the rows template
when htmx asks for the rows container) and templates draw the pager with the `pager` macro of
`templates/_pager.html`.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from piccolo.columns import Column

DEFAULT_SIZE = 50
MAX_SIZE = 500


@dataclass(frozen=True)
class Keyset:
    """The order of a list: `columns`, the last one unique; all ascending or all descending."""

    columns: tuple[Column, ...]
    descending: bool = False

    def names(self) -> tuple[str, ...]:
        return tuple(column._meta.name for column in self.columns)


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    size: int
    after: str | None = None  # the cursor this page started after (None: the first page)
    next_after: str | None = None  # the cursor of the next page (None: this is the last)
    links: dict[str, str] = field(default_factory=dict)

    @property
    def first(self) -> bool:
        return self.after is None

    def with_links(self, path: str, params: Mapping[str, Any]) -> Page:
        """The same page with `links['next']` / `links['first']` keeping the list's filters."""
        kept = {k: v for k, v in params.items() if k not in ("after", "size") and v not in ("", None)}
        links = {}
        if self.next_after:
            links["next"] = f"{path}?{urlencode({**kept, 'after': self.next_after})}"
        if not self.first:
            links["first"] = f"{path}?{urlencode(kept)}" if kept else path
        return Page(self.rows, self.size, self.after, self.next_after, links)


def encode_cursor(values: tuple[Any, ...]) -> str:
    raw = json.dumps(list(values), separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, length: int) -> tuple[Any, ...] | None:
    """The key values in `cursor`, or None for no cursor or a damaged one."""
    if not cursor:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error):
        return None
    if not isinstance(values, list) or len(values) != length:
        return None
    if not all(isinstance(v, int | str) and not isinstance(v, bool) for v in values):
        return None
    return tuple(values)


def page_size(raw: str | int | None, default: int = DEFAULT_SIZE) -> int:
    try:
        size = int(raw) if raw not in (None, "") else default
    except (TypeError, ValueError):
        return default
    return min(max(size, 1), MAX_SIZE)


def _after(keyset: Keyset, values: tuple[Any, ...]) -> Any:
    """(a, b, c) after (va, vb, vc): a > va OR (a = va AND b > vb) OR (a = va AND b = vb AND c > vc)
    (`<` when descending)."""
    condition = None
    for i, column in enumerate(keyset.columns):
        beyond = column < values[i] if keyset.descending else column > values[i]
        for j in range(i):
            beyond = (keyset.columns[j] == values[j]) & beyond
        condition = beyond if condition is None else condition | beyond
    return condition


async def keyset_page(query: Any, keyset: Keyset, *, after: str | None = None,
                      size: int = DEFAULT_SIZE) -> Page:
    """One page of a Piccolo select `query` (which must select the keyset's columns)."""
    values = decode_cursor(after, len(keyset.columns))
    if values is not None:
        query = query.where(_after(keyset, values))
    for column in keyset.columns:
        query = query.order_by(column, ascending=not keyset.descending)
    rows: list[dict[str, Any]] = await query.limit(size + 1)
    more = len(rows) > size
    rows = rows[:size]
    next_after = encode_cursor(tuple(rows[-1][name] for name in keyset.names())) if more else None
    return Page(rows, size, after if values is not None else None, next_after)
