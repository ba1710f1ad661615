"""Revenue and over/short reports: tables, SVG charts and CSV exports (read only)."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Request, Response, get
from litestar.params import FromQuery
from litestar.response import Template

from app.auth.capabilities import Capability
from app.errors import ValidationFailed
from app.formatting import business_date
from app.reconciliation import scope
from app.reports import charts, queries
from app.web.exports import CSV_MEDIA_TYPE, cents, csv_bytes, download, to_csv
from app.web.guards import requires
from app.web.render import int_or_none, page, principal

READ = [requires(Capability.VIEW_REPORTS)]
EXPORT = [requires(Capability.EXPORT_REPORTS)]
SPANS = (30, 90)


def _params(request: Request) -> tuple[queries.Period, int | None, dict[str, str]]:
    q = request.query_params
    location_id = int_or_none(q.get("location", ""))
    try:
        period = queries.parse_period(q.get("from", ""), q.get("to", ""))
        errors: dict[str, str] = {}
    except ValidationFailed as exc:
        today = business_date()
        period, errors = queries.Period(today, today), exc.field_errors
    return period, location_id, errors


def _query(period: queries.Period, location_id: int | None) -> str:
    loc = f"&location={location_id}" if location_id else ""
    return f"from={period.date_from.isoformat()}&to={period.date_to.isoformat()}{loc}"


@get("/reports", name="reports", guards=READ)
async def reports_page(request: Request) -> Template:
    actor = principal(request)
    period, location_id, errors = _params(request)
    tables: dict[str, list[dict[str, Any]]] = {}
    for by in queries.DIMENSION_LABELS:
        tables[by] = await queries.revenue_by(actor, by, period, location_id)
    over_short = await queries.over_short_by_clerk(actor, SPANS, location_id)
    return page(request, "reports/index.html", {
        "period": period, "location_id": location_id, "errors": errors,
        "locations": await scope.locations(actor), "tables": tables,
        "labels": queries.DIMENSION_LABELS, "over_short": over_short, "spans": SPANS,
        "query": _query(period, location_id),
        "total_cents": sum(r["amount_cents"] for r in tables["product"]),
    })


@get("/reports/revenue.csv", name="reports.revenue_csv", guards=EXPORT)
async def revenue_csv(request: Request, by: FromQuery[str] = "product") -> Response[bytes]:
    period, location_id, _ = _params(request)
    rows = await queries.revenue_by(principal(request), by, period, location_id)
    body = to_csv([by, "label", "amount", "transactions", "from", "to"], [
        [r["key"], r["label"], cents(r["amount_cents"]), r["transactions"], period.date_from,
         period.date_to] for r in rows])
    return _csv(body, f"revenue-by-{by}-{period.date_from}-{period.date_to}.csv")


@get("/reports/over-short.csv", name="reports.over_short_csv", guards=EXPORT)
async def over_short_csv(request: Request) -> Response[bytes]:
    _, location_id, _ = _params(request)
    rows = await queries.over_short_by_clerk(principal(request), SPANS, location_id)
    headings = ["clerk_id", "clerk"]
    for span in SPANS:
        headings += [f"over_short_{span}d", f"shortage_entries_{span}d", f"entries_{span}d"]
    body = to_csv(headings, [
        [r["clerk"], r["name"], *[v for span in SPANS for v in (
            cents(r[f"over_short_{span}"]), r[f"shortages_{span}"], r[f"entries_{span}"])]]
        for r in rows])
    return _csv(body, f"over-short-per-clerk-{date.today().isoformat()}.csv")


@get("/reports/chart.svg", name="reports.chart", guards=READ)
async def chart(request: Request, by: FromQuery[str] = "product") -> Response[str]:
    actor = principal(request)
    period, location_id, _ = _params(request)
    if by.startswith("over_short_"):
        span = 90 if by == "over_short_90" else 30  # the two spans the page offers
        rows = await queries.over_short_by_clerk(actor, (span,), location_id)
        svg = charts.over_short_chart(rows, span)
    else:
        rows = await queries.revenue_by(actor, by, period, location_id)
        svg = charts.bar_chart(f"Sales by {queries.DIMENSION_LABELS[by].lower()}", rows)
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "no-store"})


def _csv(body: str, filename: str) -> Response[bytes]:
    return download(csv_bytes(body), filename, CSV_MEDIA_TYPE)


ROUTES = [reports_page, revenue_csv, over_short_csv, chart]
