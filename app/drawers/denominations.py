"""Cash denominations (US bills and coins, in cents) and counting a drawer by denomination.

The list can be narrowed or changed per agency with FAREDESK_DRAWER_DENOMINATIONS, a
comma-separated list of values in cents (e.g. "10000,5000,2000,1000,500,100,25,10,5,1").
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from app.errors import ValidationFailed
from app.formatting import parse_count

#: The most pieces of one denomination a drawer or bag count accepts (a typo guard).
MAX_PIECES = 100_000


@dataclass(frozen=True)
class Denomination:
    cents: int
    label: str
    form: str  # bill | coin

    @property
    def field(self) -> str:
        """The form field name for this denomination's count."""
        return f"d{self.cents}"


US_DENOMINATIONS: tuple[Denomination, ...] = (
    Denomination(10000, "$100", "bill"),
    Denomination(5000, "$50", "bill"),
    Denomination(2000, "$20", "bill"),
    Denomination(1000, "$10", "bill"),
    Denomination(500, "$5", "bill"),
    Denomination(200, "$2", "bill"),
    Denomination(100, "$1", "bill"),  # $1 bills and $1 coins are counted together
    Denomination(50, "50¢", "coin"),
    Denomination(25, "25¢", "coin"),
    Denomination(10, "10¢", "coin"),
    Denomination(5, "5¢", "coin"),
    Denomination(1, "1¢", "coin"),
)

#: A count may not claim more than this many pieces of one denomination (a typo guard).
MAX_PIECES = 100_000


@lru_cache(maxsize=1)
def denominations() -> tuple[Denomination, ...]:
    raw = os.environ.get("FAREDESK_DRAWER_DENOMINATIONS", "").strip()
    if not raw:
        return US_DENOMINATIONS
    known = {d.cents: d for d in US_DENOMINATIONS}
    chosen: list[Denomination] = []
    for part in raw.split(","):
        cents = int(part.strip())
        chosen.append(known.get(cents) or Denomination(cents, f"{cents}¢", "coin"))
    return tuple(sorted(chosen, key=lambda d: -d.cents))


def known_cents() -> frozenset[int]:
    return frozenset(d.cents for d in denominations())


def count_total(counts: Mapping[int, int]) -> int:
    """Total cents of a count {denomination cents: pieces}. Refuses unknown denominations and
    counts that are not whole, non-negative numbers (field errors name the denomination)."""
    known = known_cents()
    errors: dict[str, str] = {}
    total = 0
    for cents, pieces in counts.items():
        if type(cents) is not int or cents not in known:
            errors[f"d{cents}"] = f"{cents!r} is not a denomination this drawer counts."
            continue
        if type(pieces) is not int or pieces < 0:
            errors[f"d{cents}"] = "Enter a whole number of pieces, 0 or more."
            continue
        if pieces > MAX_PIECES:
            errors[f"d{cents}"] = "That is more pieces than a drawer holds; check the count."
            continue
        total += cents * pieces
    if errors:
        raise ValidationFailed("Please check the count.", field_errors=errors)
    return total


def parse_count_form(form: Mapping[str, str]) -> dict[int, int]:
    """Read `d<cents>` fields of a count form; blank means 0. Raises ValidationFailed."""
    counts: dict[int, int] = {}
    errors: dict[str, str] = {}
    for denomination in denominations():
        raw = str(form.get(denomination.field, "") or "").strip()
        if not raw:
            counts[denomination.cents] = 0
        else:
            try:
                counts[denomination.cents] = parse_count(raw, maximum=MAX_PIECES)
            except ValueError:
                errors[denomination.field] = (
                    f"Enter a whole number of pieces, from 0 to {MAX_PIECES:,}.")
    if errors:
        raise ValidationFailed("Please check the count.", field_errors=errors)
    return counts


def to_json(counts: Mapping[int, int]) -> str:
    """Stored form: {"10000": 2, ...}, only denominations with pieces, highest first."""
    return json.dumps({str(c): n for c, n in sorted(counts.items(), reverse=True) if n})


def from_json(text: str) -> dict[int, int]:
    return {int(c): int(n) for c, n in json.loads(text or "{}").items()}
