"""Write and read the audit log. Every service records its changes through `record`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from app import sql
from app.audit.tables import AuditEvent
from app.auth.principal import SYSTEM, Principal
from app.pagination import Keyset, Page, keyset_page
from app.settings import get_settings

#: Every change writes one of these, most inside a sale's transaction: plain SQL, no ORM.
_INSERT_SQL = """
INSERT INTO audit_event (at, actor, actor_name, origin, action, object_type, object_id, summary)
VALUES ({}, {}, {}, {}, {}, {}, {}, {})"""


def _summary_text(summary: dict[str, Any] | str) -> str:
    if isinstance(summary, str):
        return summary
    return json.dumps(summary, default=str, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))


async def record(
    actor: Principal | None,
    action: str,
    object_type: str,
    object_id: object = "",
    summary: dict[str, Any] | str = "",
) -> None:
    """Append one audit event. Call inside the operation's transaction."""
    who = actor or SYSTEM
    await sql.execute(_INSERT_SQL, datetime.now(UTC), who.id or None, who.username,
                      who.origin[:64], action, object_type, str(object_id),
                      _summary_text(summary))


@dataclass(frozen=True)
class AuditFilter:
    username: str = ""
    object_type: str = ""
    object_id: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _query(select: Any, f: AuditFilter) -> Any:
    if f.username:
        select = select.where(AuditEvent.actor_name == f.username)
    if f.object_type:
        select = select.where(AuditEvent.object_type == f.object_type)
    if f.object_id:
        select = select.where(AuditEvent.object_id == f.object_id)
    if f.action:
        select = select.where(AuditEvent.action == f.action)
    # Dates are the agency's calendar days (as the page shows times), not UTC days.
    tz = get_settings().tz
    if f.date_from:
        start = datetime.combine(f.date_from, time.min, tzinfo=tz).astimezone(UTC)
        select = select.where(AuditEvent.at >= start)
    if f.date_to:
        end = datetime.combine(f.date_to + timedelta(days=1), time.min, tzinfo=tz).astimezone(UTC)
        select = select.where(AuditEvent.at < end)
    return select


#: The log reads newest first.
NEWEST_FIRST = Keyset((AuditEvent.id,), descending=True)


async def search(f: AuditFilter, *, after: str | None = None, size: int = 100) -> Page:
    """One page of the events matching `f`, newest first (keyset: `after` is a cursor)."""
    return await keyset_page(_query(AuditEvent.select(), f), NEWEST_FIRST, after=after, size=size)


async def count(f: AuditFilter) -> int:
    result: int = await _query(AuditEvent.count(), f)
    return result


async def distinct_values(column: str) -> list[str]:
    col = getattr(AuditEvent, column)
    rows = await AuditEvent.select(col).distinct().order_by(col)
    return [r[column] for r in rows if r[column]]
