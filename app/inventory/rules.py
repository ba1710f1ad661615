"""Serial-range algebra: pure functions, no database.

Serialized stock is a set of disjoint inclusive ranges per item type, each at one location, kept
canonical: two ranges at the same location that touch are one range. Moving serials a..b from
one location to another is planned here (`plan_move`) as a few deletions and insertions: the
ranges that held a..b are split around it, and a..b joins whatever it touches at the target.
The property tests (tests/unit/test_inventory_ranges.py) check against a model of one location
per serial that no serial is lost, invented or held twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.inventory.errors import RangeConflict, invalid

#: A serial is a whole number of at most 18 digits (fits a signed 64-bit column).
MAX_SERIAL = 10**18 - 1
#: At most this many ranges in one form (a shipment is a few boxes, not thousands of lines).
MAX_RANGES = 200


@dataclass(frozen=True, order=True)
class SerialRange:
    first: int
    last: int

    @property
    def size(self) -> int:
        return self.last - self.first + 1

    def overlaps(self, other: SerialRange) -> bool:
        return self.first <= other.last and other.first <= self.last

    def __str__(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}–{self.last}"


@dataclass(frozen=True)
class Holding:
    """A row of the stock position: serials first..last at `location`."""

    id: int
    first: int
    last: int
    location: int

    @property
    def range(self) -> SerialRange:
        return SerialRange(self.first, self.last)


@dataclass(frozen=True)
class MovePlan:
    delete_ids: tuple[int, ...]
    insert: tuple[tuple[int, int, int], ...]  # (first, last, location)


_TOKEN = re.compile(r"^(\d{1,18})(?:\s*(?:-|–|\.\.)\s*(\d{1,18}))?$")


def parse_ranges(text: str, field: str = "ranges") -> list[SerialRange]:
    """"60000000-60000999, 60001500" → canonical ranges (sorted, touching ones joined).

    Ranges are separated by commas, semicolons or new lines; a range is `first-last` (an en
    dash or `..` also work) or one serial. Overlaps inside the list itself are refused, naming
    both, since a box cannot be counted twice."""
    parts = [p.strip() for p in re.split(r"[,;\n]+", text or "") if p.strip()]
    if not parts:
        raise invalid(field, "Enter at least one serial range, like 60000000-60000999.")
    if len(parts) > MAX_RANGES:
        raise invalid(field, f"Enter at most {MAX_RANGES} ranges at a time.")
    ranges: list[SerialRange] = []
    for part in parts:
        match = _TOKEN.match(part)
        if not match:
            raise invalid(field, f"“{part}” is not a serial or a range like 60000000-60000999.")
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) else first
        if last < first:
            raise invalid(field, f"In “{part}” the last serial comes before the first.")
        ranges.append(SerialRange(first, last))
    return normalize(ranges, field)


def normalize(ranges: Iterable[SerialRange], field: str = "ranges") -> list[SerialRange]:
    """Sorted, with touching ranges joined; overlapping ones refused (naming both)."""
    result: list[SerialRange] = []
    for r in sorted(ranges):
        if result and result[-1].overlaps(r):
            raise invalid(field, f"The ranges {result[-1]} and {r} overlap: list each card once.")
        if result and result[-1].last + 1 == r.first:
            result[-1] = SerialRange(result[-1].first, r.last)
        else:
            result.append(r)
    return result


def total(ranges: Iterable[SerialRange]) -> int:
    return sum(r.size for r in ranges)


def subtract(ranges: Sequence[SerialRange], remove: Sequence[SerialRange]) -> list[SerialRange]:
    """The serials of `ranges` not in `remove` (both canonical), as canonical ranges."""
    result: list[SerialRange] = []
    for r in ranges:
        pieces = [r]
        for cut in remove:
            next_pieces: list[SerialRange] = []
            for piece in pieces:
                if not piece.overlaps(cut):
                    next_pieces.append(piece)
                    continue
                if piece.first < cut.first:
                    next_pieces.append(SerialRange(piece.first, cut.first - 1))
                if cut.last < piece.last:
                    next_pieces.append(SerialRange(cut.last + 1, piece.last))
            pieces = next_pieces
        result.extend(pieces)
    return normalize(result)


def format_ranges(ranges: Iterable[SerialRange]) -> str:
    """Canonical text, as stored on a count and accepted back by `parse_ranges`."""
    return ", ".join(str(r.first) if r.first == r.last else f"{r.first}-{r.last}"
                     for r in ranges)


def plan_move(
    nearby: Sequence[Holding], moving: SerialRange, source: int | None, target: int | None,
    names: dict[int, str] | None = None,
) -> MovePlan:
    """How the position changes when `moving` goes from `source` to `target`.

    `nearby` must hold every range that overlaps `moving` or touches it (first - 1, last + 1).
    `source` None means the serials enter the books (they must not be anywhere yet); `target`
    None means they leave them. Refusals name the conflicting range and its location."""
    names = names or {}

    def where(location: int) -> str:
        return names.get(location, f"location {location}")

    overlapping = sorted((h for h in nearby if h.range.overlaps(moving)), key=lambda h: h.first)
    if source is None:
        if overlapping:
            h = overlapping[0]
            clash = SerialRange(max(h.first, moving.first), min(h.last, moving.last))
            raise RangeConflict(
                f"Serials {clash} are already in stock at {where(h.location)} "
                f"(range {h.range}): nothing was recorded.")
    else:
        covered = moving.first
        for h in overlapping:
            part = SerialRange(max(h.first, moving.first), min(h.last, moving.last))
            if h.first > covered:
                raise RangeConflict(
                    f"Serials {SerialRange(covered, h.first - 1)} are not in stock: "
                    "nothing was moved.")
            if h.location != source:
                raise RangeConflict(
                    f"Serials {part} are at {where(h.location)} (range {h.range}), "
                    f"not at {where(source)}: nothing was moved.")
            covered = h.last + 1
        if covered <= moving.last:
            raise RangeConflict(
                f"Serials {SerialRange(covered, moving.last)} are not in stock at "
                f"{where(source)}: nothing was moved.")
    deletes = [h.id for h in overlapping]
    inserts: list[tuple[int, int, int]] = []
    for h in overlapping:
        if h.first < moving.first:
            inserts.append((h.first, moving.first - 1, h.location))
        if h.last > moving.last:
            inserts.append((moving.last + 1, h.last, h.location))
    if target is not None:
        first, last = moving.first, moving.last
        for h in nearby:
            if h.location == target and h.last + 1 == moving.first:
                first = h.first
                deletes.append(h.id)
            elif h.location == target and h.first == moving.last + 1:
                last = h.last
                deletes.append(h.id)
        inserts.append((first, last, target))
    return MovePlan(tuple(deletes), tuple(inserts))


def apply_plan(holdings: Iterable[Holding], plan: MovePlan, next_id: int) -> list[Holding]:
    """The position after `plan` (used by the property tests' model of the database)."""
    kept = [h for h in holdings if h.id not in set(plan.delete_ids)]
    for offset, (first, last, location) in enumerate(plan.insert):
        kept.append(Holding(next_id + offset, first, last, location))
    return sorted(kept, key=lambda h: h.first)


def parse_quantity(raw: str, field: str = "quantity") -> int:
    """A whole number of at least one (a movement of zero or fewer items means nothing)."""
    raw = (raw or "").strip().replace(",", "")
    if not re.fullmatch(r"-?\d{1,12}", raw):
        raise invalid(field, "Enter the quantity as a whole number, like 250.")
    value = int(raw)
    if value <= 0:
        raise invalid(field, "The quantity must be at least 1.")
    return value


def parse_serial(raw: str, field: str = "serial") -> int:
    raw = (raw or "").strip()
    if not re.fullmatch(r"\d{1,18}", raw):
        raise invalid(field, "Enter the serial number printed on the card (digits only).")
    return int(raw)
