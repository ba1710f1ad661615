"""The audit log page (administrators, auditors) with filters and CSV export."""

from __future__ import annotations

from datetime import date

from litestar import Request, Response, get
from litestar.params import FromQuery
from litestar.response import Template

from app.audit import services as audit
from app.auth.capabilities import Capability
from app.web.exports import csv_download
from app.web.guards import requires
from app.web.render import list_page

READERS = [requires(Capability.VIEW_AUDIT)]
PAGE_SIZE = 100
CSV_COLUMNS = ["id", "at", "actor_name", "origin", "action", "object_type", "object_id", "summary"]


def _date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _filter(request: Request) -> tuple[audit.AuditFilter, list[str]]:
    q = request.query_params
    problems = []
    date_from, date_to = _date(q.get("from", "")), _date(q.get("to", ""))
    if q.get("from") and date_from is None:
        problems.append("'From' is not a date (use YYYY-MM-DD); it was ignored.")
    if q.get("to") and date_to is None:
        problems.append("'To' is not a date (use YYYY-MM-DD); it was ignored.")
    return audit.AuditFilter(
        username=q.get("user", "")[:64], object_type=q.get("object_type", "")[:64],
        object_id=q.get("object_id", "")[:64], action=q.get("action", "")[:64],
        date_from=date_from, date_to=date_to,
    ), problems


@get("/audit", name="audit", guards=READERS)
async def audit_log(request: Request, after: FromQuery[str] = "") -> Template:
    f, problems = _filter(request)
    events = (await audit.search(f, after=after or None, size=PAGE_SIZE)).with_links(
        "/audit", request.query_params)
    total = await audit.count(f)
    context = {
        "page": events, "rows": events.rows, "total": total, "filter": f, "problems": problems,
        "actions": await audit.distinct_values("action"),
        "object_types": await audit.distinct_values("object_type"),
        "users": await audit.distinct_values("actor_name"),
        "query": request.url.query or "",
    }
    return list_page(request, "audit/log.html", "audit/_rows.html", "audit-rows", context)


@get("/audit.csv", name="audit.csv", guards=READERS)
async def audit_csv(request: Request) -> Response[bytes]:
    f, _ = _filter(request)
    rows: list[dict[str, object]] = []
    after: str | None = None
    while True:
        batch = await audit.search(f, after=after, size=1000)
        rows.extend({**row, "at": row["at"].isoformat()} for row in batch.rows)
        if not (after := batch.next_after):
            break
    return csv_download(CSV_COLUMNS, rows, f"audit-{date.today().isoformat()}.csv")


ROUTES = [audit_log, audit_csv]
