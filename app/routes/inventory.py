"""Inventory pages: the stock position, a location, the serial lookup, the movement history
(thin: parse, call one query or service, pick the template). Forms are in inventory_forms."""

from __future__ import annotations

from litestar import Request, get
from litestar.params import FromPath
from litestar.response import Template

from app.auth.capabilities import Capability
from app.errors import Forbidden, ValidationFailed
from app.inventory import queries, setup
from app.inventory.authority import sections_in_scope
from app.inventory.counts import difference
from app.inventory.rules import parse_serial
from app.inventory.states import (
    FORM_KINDS,
    KIND_LABELS,
    RULES,
    CountOutcome,
    LocationKind,
    label,
)
from app.web.guards import requires
from app.web.render import int_or_none, is_htmx, page, partial, principal

READ = [requires(Capability.VIEW_INVENTORY)]

#: what the templates need to name things
NAMES = {"kind_label": label, "location_kinds": KIND_LABELS, "form_kinds": FORM_KINDS,
         "rules": RULES}


@get("/inventory", name="inventory.index", guards=READ)
async def index(request: Request) -> Template:
    scope = sections_in_scope(principal(request))
    return page(request, "inventory/index.html", {
        **NAMES,
        "table": queries.position_table(await queries.position(scope)),
        "low": await queries.low_stock(scope),
        "transfers": await queries.pending_transfers(scope),
        "locations": await setup.list_locations(scope),
        "items": await setup.list_item_types(),
    })


@get("/inventory/locations/{location_id:int}", name="inventory.location", guards=READ)
async def location_page(request: Request, location_id: FromPath[int]) -> Template:
    location = await setup.get_location(location_id)
    actor = principal(request)
    if not actor.in_section(location["section"]):
        raise Forbidden(f"{location['name']} belongs to a section you do not work in.")
    counts = await queries.counts(location_id)
    for count in counts:
        count["diff"] = difference({**count, "serialized": bool(count["serialized"])})
    rows, cursor = await queries.movements(queries.HistoryFilter(location_id=location_id), None,
                                           limit=20)
    return page(request, "inventory/location.html", {
        **NAMES, "location": location,
        "position": await queries.position(location_id=location_id),
        "ranges": await queries.ranges_at(location_id),
        "thresholds": await queries.thresholds(location_id),
        "counts": counts, "movements": rows, "cursor": cursor, "outcomes": CountOutcome,
        "items": await setup.list_item_types(),
        "system": location["kind"] in (LocationKind.IN_TRANSIT, LocationKind.DAMAGED,
                                       LocationKind.DESTROYED),
    })


@get("/inventory/lookup", name="inventory.lookup", guards=READ)
async def lookup(request: Request) -> Template:
    """Where is card N? Plain GET form; htmx swaps only the answer as the serial is typed."""
    raw = request.query_params.get("serial", "").strip()
    context: dict[str, object] = {**NAMES, "serial": raw, "answers": None, "error": ""}
    if raw:
        try:
            context["answers"] = await queries.where_is(parse_serial(raw))
        except ValidationFailed as exc:
            context["error"] = exc.message
    if is_htmx(request):
        return partial(request, "inventory/_lookup_result.html", context)
    return page(request, "inventory/lookup.html", context)


@get("/inventory/movements", name="inventory.movements", guards=READ)
async def movements(request: Request) -> Template:
    """The stock ledger, newest first; `before` is the keyset cursor (the last id shown)."""
    q = request.query_params
    f = queries.HistoryFilter(
        location_id=int_or_none(q.get("location", "")),
        item_type_id=int_or_none(q.get("item", "")), kind=q.get("kind", "")[:20])
    before = int_or_none(q.get("before", ""))
    rows, cursor = await queries.movements(f, sections_in_scope(principal(request)),
                                           before=before)
    query = "&".join(f"{k}={v}" for k, v in (("location", f.location_id or ""),
                                             ("item", f.item_type_id or ""), ("kind", f.kind))
                     if v)
    context = {**NAMES, "movements": rows, "cursor": cursor, "filter": f, "query": query,
               "locations": await setup.list_locations(sections_in_scope(principal(request))),
               "items": await setup.list_item_types(), "all_kinds": list(RULES)}
    if is_htmx(request) and before is not None:
        return partial(request, "inventory/_movement_rows.html", context)
    return page(request, "inventory/movements.html", context)


ROUTES = [index, location_page, lookup, movements]
