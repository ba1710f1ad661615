"""Read models for the inventory pages (and the serial lookup service).

Every query here reads a handful of rows whatever the stock: the position sums serial ranges
(one row per run of consecutive cards), a serial is found by one index probe per item type,
and the movement history pages by keyset (`before` = the last id shown), never by OFFSET.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app import sql
from app.db import is_sqlite
from app.inventory.rules import SerialRange
from app.inventory.states import Kind

HISTORY_PAGE = 50


def _in(column: str, values: tuple[int, ...]) -> tuple[str, list[int]]:
    return f"{column} IN (" + ", ".join("{}" for _ in values) + ")", list(values)


def _scope(section_ids: tuple[int, ...] | None, column: str = "l.section") -> tuple[str, list]:
    """A WHERE fragment limiting to these sections (None: all; empty: none)."""
    if section_ids is None:
        return "1 = 1", []
    if not section_ids:
        return "1 = 0", []
    return _in(column, section_ids)


_POSITION = """
SELECT p.location, l.name AS location_name, l.code AS location_code, l.kind, l.section,
       s.name AS section_name, p.item_type, t.name AS item_name, t.code AS item_code,
       t.serialized, p.quantity, p.ranges
FROM (
    SELECT location, item_type, SUM(last_serial - first_serial + 1) AS quantity,
           COUNT(*) AS ranges
    FROM stock_range {range_where} GROUP BY location, item_type
    UNION ALL
    SELECT location, item_type, quantity, 0 AS ranges
    FROM stock_quantity {quantity_where}
) p
JOIN stock_location l ON l.id = p.location
JOIN section s ON s.id = l.section
JOIN inventory_item_type t ON t.id = p.item_type
WHERE {scope} AND p.quantity > 0
ORDER BY s.name, l.kind, l.name, t.name"""


async def position(section_ids: tuple[int, ...] | None = None,
                   location_id: int | None = None) -> list[dict[str, Any]]:
    """What each location holds, per item: quantity (and, for cards, how many ranges)."""
    scope, args = _scope(section_ids)
    if location_id is None:
        range_where = quantity_where = ""
        loc_args: list[int] = []
    else:
        range_where = quantity_where = "WHERE location = {}"
        loc_args = [location_id]
    query = _POSITION.format(range_where=range_where, quantity_where=quantity_where, scope=scope)
    rows = await sql.fetch(query, *loc_args, *loc_args, *args)
    for row in rows:
        row["quantity"] = int(row["quantity"])
        row["serialized"] = bool(row["serialized"])
    return rows


@dataclass
class PositionTable:
    """The position as the index page shows it: a row per location, a column per item type."""

    items: list[dict[str, Any]] = field(default_factory=list)
    locations: list[dict[str, Any]] = field(default_factory=list)
    cells: dict[tuple[int, int], int] = field(default_factory=dict)
    item_totals: dict[int, int] = field(default_factory=dict)


def position_table(rows: list[dict[str, Any]]) -> PositionTable:
    table = PositionTable()
    seen_items: dict[int, dict[str, Any]] = {}
    seen_locations: dict[int, dict[str, Any]] = {}
    for row in rows:
        seen_items.setdefault(row["item_type"], {"id": row["item_type"], "name": row["item_name"]})
        seen_locations.setdefault(row["location"], {
            "id": row["location"], "name": row["location_name"], "kind": row["kind"],
            "section_name": row["section_name"], "total": 0})
        table.cells[(row["location"], row["item_type"])] = row["quantity"]
        table.item_totals[row["item_type"]] = table.item_totals.get(row["item_type"], 0) + row[
            "quantity"]
        seen_locations[row["location"]]["total"] += row["quantity"]
    table.items = sorted(seen_items.values(), key=lambda i: i["name"])
    table.locations = list(seen_locations.values())
    return table


async def ranges_at(location_id: int, limit: int = 200) -> list[dict[str, Any]]:
    rows = await sql.fetch(
        "SELECT r.item_type, t.name AS item_name, r.first_serial, r.last_serial "
        "FROM stock_range r JOIN inventory_item_type t ON t.id = r.item_type "
        "WHERE r.location = {} ORDER BY t.name, r.first_serial LIMIT {}", location_id, limit)
    for row in rows:
        row["range"] = SerialRange(row["first_serial"], row["last_serial"])
    return rows


@dataclass(frozen=True)
class SerialWhereabouts:
    serial: int
    item_type: int
    item_name: str
    location: dict[str, Any] | None
    range: SerialRange | None
    history: list[dict[str, Any]]


_HOLDER = """
SELECT t.id AS item_type, t.name AS item_name, r.first_serial, r.last_serial,
       l.id AS location_id, l.name AS location_name, l.kind, l.code, l.account_ref,
       s.name AS section_name
FROM inventory_item_type t
JOIN stock_range r ON r.id = (
    SELECT x.id FROM stock_range x WHERE x.item_type = t.id AND x.first_serial <= {}
    ORDER BY x.first_serial DESC LIMIT 1)
JOIN stock_location l ON l.id = r.location
JOIN section s ON s.id = l.section
WHERE t.serialized AND r.last_serial >= {}"""

_HISTORY = """
SELECT m.id, m.kind, m.item_type, m.created_at, m.reference, m.note, m.transfer_of,
       m.count_id, m.destination, mr.first_serial, mr.last_serial,
       f.name AS from_name, o.name AS to_name, u.full_name AS actor_name,
       w.full_name AS witness_name
FROM stock_movement_range mr
JOIN stock_movement m ON m.id = mr.movement
LEFT JOIN stock_location f ON f.id = m.from_location
LEFT JOIN stock_location o ON o.id = m.to_location
JOIN app_user u ON u.id = m.actor
LEFT JOIN app_user w ON w.id = m.witness
WHERE {contains}
ORDER BY m.id"""


async def serial_history(serial: int) -> list[dict[str, Any]]:
    """Every movement that moved this serial (of any item type), oldest first."""
    if is_sqlite():
        contains = "mr.first_serial <= {} AND mr.last_serial >= {}"
        args: list[int] = [serial, serial]
    else:  # the GiST index on the movement ranges answers this without a scan
        contains = "int8range(mr.first_serial, mr.last_serial, '[]') @> CAST({} AS BIGINT)"
        args = [serial]
    rows = await sql.fetch(_HISTORY.format(contains=contains), *args)
    for row in rows:
        row["range"] = SerialRange(row["first_serial"], row["last_serial"])
    return rows


async def where_is(serial: int, item_type_id: int | None = None) -> list[SerialWhereabouts]:
    """Where is card `serial`? One answer per item type that has (or had) that serial (only
    `item_type_id`'s when given)."""
    holders = await sql.fetch(_HOLDER, serial, serial)
    history = await serial_history(serial)
    found: dict[int, SerialWhereabouts] = {}
    for h in holders:
        found[h["item_type"]] = SerialWhereabouts(
            serial, h["item_type"], h["item_name"],
            {"id": h["location_id"], "name": h["location_name"], "kind": h["kind"],
             "code": h["code"], "account_ref": h["account_ref"],
             "section_name": h["section_name"]},
            SerialRange(h["first_serial"], h["last_serial"]),
            [m for m in history if m["item_type"] == h["item_type"]])
    for m in history:  # no longer on the books (written off by a count): history only
        if m["item_type"] not in found:
            name = await sql.fetch_value(
                "SELECT name FROM inventory_item_type WHERE id = {}", m["item_type"])
            found[m["item_type"]] = SerialWhereabouts(
                serial, m["item_type"], str(name), None, None,
                [x for x in history if x["item_type"] == m["item_type"]])
    answers = sorted(found.values(), key=lambda w: w.item_name)
    return [w for w in answers if item_type_id is None or w.item_type == item_type_id]


@dataclass(frozen=True)
class HistoryFilter:
    location_id: int | None = None
    item_type_id: int | None = None
    kind: str = ""
    #: only transfers neither received nor cancelled
    open_transfers: bool = False


_MOVEMENTS = """
SELECT m.id, m.kind, m.quantity, m.created_at, m.reference, m.note, m.transfer_of,
       m.from_location, m.to_location, m.destination, t.name AS item_name, t.serialized,
       f.name AS from_name, o.name AS to_name, d.name AS destination_name,
       u.full_name AS actor_name, w.full_name AS witness_name,
       (SELECT c.kind FROM stock_movement c WHERE c.transfer_of = m.id) AS closed_by
FROM stock_movement m
JOIN inventory_item_type t ON t.id = m.item_type
LEFT JOIN stock_location f ON f.id = m.from_location
LEFT JOIN stock_location o ON o.id = m.to_location
LEFT JOIN stock_location d ON d.id = m.destination
JOIN app_user u ON u.id = m.actor
LEFT JOIN app_user w ON w.id = m.witness
WHERE {where}
ORDER BY m.id DESC
LIMIT {limit}"""


async def movements(
    f: HistoryFilter, section_ids: tuple[int, ...] | None, *, before: int | None = None,
    limit: int = HISTORY_PAGE,
) -> tuple[list[dict[str, Any]], int | None]:
    """One page of the stock ledger, newest first, and the cursor for the next page."""
    clauses: list[str] = []
    args: list[Any] = []
    if before is not None:
        clauses.append("m.id < {}")
        args.append(before)
    if f.location_id is not None:
        # the newest `limit + 1` ids on each side, from the (location, id) indexes; their
        # union holds the page (an OR over the three columns would read them all and sort)
        cursor = "" if before is None else " AND id < {}"
        sides = " UNION ".join(
            f"SELECT id FROM (SELECT id FROM stock_movement WHERE {column} = {{}}{cursor} "  # noqa: S608
            "ORDER BY id DESC LIMIT {}) AS s" + str(n)
            for n, column in enumerate(("from_location", "to_location", "destination")))
        clauses.append(f"m.id IN ({sides})")
        for _ in range(3):
            args += [f.location_id, *([] if before is None else [before]), limit + 1]
    if f.item_type_id is not None:
        clauses.append("m.item_type = {}")
        args.append(f.item_type_id)
    if f.kind:
        clauses.append("m.kind = {}")
        args.append(f.kind)
    if f.open_transfers:
        clauses.append("m.kind = {} AND NOT EXISTS "
                       "(SELECT 1 FROM stock_movement c WHERE c.transfer_of = m.id)")
        args.append(Kind.TRANSFER_OUT)
    if section_ids is not None:
        parts = []
        for column in ("f.section", "o.section", "d.section"):
            clause, scope_args = _scope(section_ids, column)
            parts.append(clause)
            args += scope_args
        clauses.append("(" + " OR ".join(parts) + ")")
    where = " AND ".join(clauses) or "1 = 1"
    rows = await sql.fetch(_MOVEMENTS.format(where=where, limit="{}"), *args, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    await _attach_ranges(rows)
    return rows, (rows[-1]["id"] if more and rows else None)


async def _attach_ranges(rows: list[dict[str, Any]]) -> None:
    ids = tuple(r["id"] for r in rows if r["serialized"])
    for row in rows:
        row["ranges"] = []
    if not ids:
        return
    clause, args = _in("movement", ids)
    ranges = await sql.fetch(
        "SELECT movement, first_serial, last_serial FROM stock_movement_range "  # noqa: S608
        f"WHERE {clause} ORDER BY movement, first_serial", *args)
    by_id = {r["id"]: r for r in rows}
    for r in ranges:
        by_id[r["movement"]]["ranges"].append(SerialRange(r["first_serial"], r["last_serial"]))


async def pending_transfers(section_ids: tuple[int, ...] | None) -> list[dict[str, Any]]:
    """Transfers sent and neither received nor cancelled, seen by either side."""
    rows, _ = await movements(HistoryFilter(open_transfers=True), section_ids, limit=200)
    return rows


async def low_stock(section_ids: tuple[int, ...] | None) -> list[dict[str, Any]]:
    """Thresholds a location is below (a missing position counts as zero)."""
    scope, args = _scope(section_ids)
    rows = await sql.fetch(
        "SELECT th.location, l.name AS location_name, th.item_type, t.name AS item_name, "  # noqa: S608
        "th.minimum, COALESCE((SELECT SUM(r.last_serial - r.first_serial + 1) FROM stock_range r "
        "WHERE r.location = th.location AND r.item_type = th.item_type), 0) "
        "+ COALESCE((SELECT q.quantity FROM stock_quantity q WHERE q.location = th.location "
        "AND q.item_type = th.item_type), 0) AS quantity "
        "FROM stock_threshold th JOIN stock_location l ON l.id = th.location "
        f"JOIN inventory_item_type t ON t.id = th.item_type WHERE {scope} "
        "ORDER BY l.name, t.name", *args)
    for row in rows:
        row["quantity"] = int(row["quantity"])
    return [r for r in rows if r["quantity"] < r["minimum"]]


async def thresholds(location_id: int) -> list[dict[str, Any]]:
    return await sql.fetch(
        "SELECT th.item_type, t.name AS item_name, th.minimum FROM stock_threshold th "
        "JOIN inventory_item_type t ON t.id = th.item_type WHERE th.location = {} "
        "ORDER BY t.name", location_id)


async def counts(location_id: int, limit: int = 50) -> list[dict[str, Any]]:
    return await sql.fetch(
        "SELECT c.id, c.item_type, t.name AS item_name, t.serialized, c.expected_quantity, "
        "c.counted_quantity, c.expected_ranges, c.counted_ranges, c.note, c.created_at, "
        "c.counted_by, u.full_name AS counter_name, d.outcome, du.full_name AS decider_name "
        "FROM stock_count c JOIN inventory_item_type t ON t.id = c.item_type "
        "JOIN app_user u ON u.id = c.counted_by "
        "LEFT JOIN stock_count_decision d ON d.stock_count = c.id "
        "LEFT JOIN app_user du ON du.id = d.decided_by "
        "WHERE c.location = {} ORDER BY c.id DESC LIMIT {}", location_id, limit)
