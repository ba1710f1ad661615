"""Inventory forms: a movement form per kind, transfer confirmation, counts and their decision,
thresholds, new item types and stock locations. Each POST calls one service, then redirects
with a message (or re-renders the form with the person's input and per-field messages)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.auth.capabilities import Capability
from app.errors import DomainError, ValidationFailed
from app.inventory import counts, services, setup
from app.inventory.authority import sections_in_scope
from app.inventory.services import MovementForm
from app.inventory.states import CATEGORY_LABELS, FORM_KINDS, KIND_LABELS, RULES, SYSTEM_KINDS, Kind
from app.routes.inventory import NAMES
from app.web.guards import requires
from app.web.render import int_or_none, is_htmx, page, principal, redirect, text

WORK = [requires(Capability.WORK_INVENTORY)]
DECIDE = [requires(Capability.DECIDE_INVENTORY)]
ADMIN = [requires(Capability.MANAGE_INVENTORY)]


def _status(error: DomainError | None, request: Request) -> int:
    """Re-rendered forms: 200 for htmx (it swaps only 2xx), the error's status otherwise."""
    return 200 if error is None or is_htmx(request) else error.status_code


def _kind(raw: str) -> Kind:
    try:
        kind = Kind(raw)
    except ValueError:
        raise ValidationFailed("There is no such kind of movement.") from None
    if kind not in FORM_KINDS:
        raise ValidationFailed("That movement is a step of another workflow.")
    return kind


async def _movement_page(request: Request, kind: Kind, values: dict[str, Any],
                         error: DomainError | None = None) -> Template:
    rule = RULES[kind]
    locations = await setup.list_locations(sections_in_scope(principal(request)))
    if kind in (Kind.DAMAGED, Kind.DESTROYED):  # the section's own damaged/destroyed place
        targets: list[dict[str, Any]] = []
    elif kind is Kind.TRANSFER_OUT:  # the receiving side may be any section's holding location
        targets = [loc for loc in await setup.list_locations(None)
                   if loc["kind"] in (RULES[Kind.TRANSFER_IN].targets or ())]
    else:
        targets = [loc for loc in locations if loc["kind"] in (rule.targets or ())]
    return page(request, "inventory/movement_form.html", {
        **NAMES, "kind": kind, "rule": rule, "values": values,
        "items": [i for i in await setup.list_item_types() if i["active"]],
        "sources": [loc for loc in locations if rule.sources and loc["kind"] in rule.sources],
        "targets": targets,
        "errors": error.field_errors if error else {}, "error": error.message if error else "",
    }, status=_status(error, request))


@get("/inventory/move/{kind:str}", name="inventory.move.form", guards=WORK)
async def movement_form(request: Request, kind: FromPath[str]) -> Template:
    q = request.query_params
    return await _movement_page(request, _kind(kind), {
        "from_location_id": q.get("from", ""), "to_location_id": q.get("to", ""),
        "item_type_id": q.get("item", "")})


def _movement_form(kind: Kind, form: FormMultiDict) -> MovementForm:
    return MovementForm(
        kind=kind, item_type_id=int_or_none(text(form, "item_type_id", 12)) or 0,
        from_location_id=int_or_none(text(form, "from_location_id", 12)),
        to_location_id=int_or_none(text(form, "to_location_id", 12)),
        ranges=text(form, "ranges", 8000), quantity=text(form, "quantity", 20),
        reference=text(form, "reference", 64), note=text(form, "note", 2000),
        witness_username=text(form, "witness_username", 64),
        witness_password=str(form.get("witness_password", ""))[:200])


@post("/inventory/move/{kind:str}", name="inventory.move", guards=WORK)
async def record_movement(request: Request, kind: FromPath[str]) -> Template | Redirect:
    movement_kind = _kind(kind)
    data = _movement_form(movement_kind, await request.form())
    try:
        movement = await services.record_movement(principal(request), data)
    except DomainError as exc:
        values = {**data.__dict__, "witness_password": ""}
        return await _movement_page(request, movement_kind, values, exc)
    where = data.from_location_id or data.to_location_id
    return await redirect(request, f"/inventory/locations/{where}",
                          f"{RULES[movement_kind].label}: movement {movement} recorded.")


@post("/inventory/transfers/{transfer_id:int}/confirm", name="inventory.transfer.confirm",
      guards=WORK)
async def confirm_transfer(request: Request, transfer_id: FromPath[int]) -> Redirect:
    form = await request.form()
    await services.confirm_transfer(principal(request), transfer_id, text(form, "note", 500))
    return await redirect(request, "/inventory", f"Transfer {transfer_id} received.")


@post("/inventory/transfers/{transfer_id:int}/cancel", name="inventory.transfer.cancel",
      guards=WORK)
async def cancel_transfer(request: Request, transfer_id: FromPath[int]) -> Redirect:
    form = await request.form()
    await services.cancel_transfer(principal(request), transfer_id, text(form, "note", 500))
    return await redirect(request, "/inventory", f"Transfer {transfer_id} cancelled.")


async def _count_page(request: Request, location_id: int, values: dict[str, Any],
                      error: DomainError | None = None) -> Template:
    return page(request, "inventory/count_form.html", {
        **NAMES, "location": await setup.get_location(location_id), "values": values,
        "items": await setup.list_item_types(),
        "errors": error.field_errors if error else {}, "error": error.message if error else "",
    }, status=_status(error, request))


@get("/inventory/locations/{location_id:int}/count", name="inventory.count.form", guards=WORK)
async def count_form(request: Request, location_id: FromPath[int]) -> Template:
    return await _count_page(request, location_id,
                             {"item_type_id": request.query_params.get("item", "")})


@post("/inventory/locations/{location_id:int}/count", name="inventory.count", guards=WORK)
async def record_count(request: Request, location_id: FromPath[int]) -> Template | Redirect:
    form = await request.form()
    data = counts.CountForm(
        location_id, int_or_none(text(form, "item_type_id", 12)) or 0,
        counted_quantity=text(form, "counted_quantity", 20),
        counted_ranges=text(form, "counted_ranges", 8000), note=text(form, "note", 2000))
    try:
        count = await counts.record_count(principal(request), data)
    except DomainError as exc:
        return await _count_page(request, location_id, data.__dict__, exc)
    return await redirect(request, f"/inventory/locations/{location_id}",
                          f"Count {count} recorded. A supervisor approves any difference.")


@post("/inventory/counts/{count_id:int}/decide", name="inventory.count.decide", guards=DECIDE)
async def decide_count(request: Request, count_id: FromPath[int]) -> Redirect:
    form = await request.form()
    outcome = text(form, "outcome", 12)
    await counts.decide_count(principal(request), count_id, outcome, text(form, "note", 2000))
    location = (await counts.get_count(count_id))["location"]
    return await redirect(request, f"/inventory/locations/{location}",
                          f"Count {count_id} {outcome}.")


@post("/inventory/locations/{location_id:int}/thresholds", name="inventory.threshold",
      guards=DECIDE)
async def set_threshold(request: Request, location_id: FromPath[int]) -> Redirect:
    form = await request.form()
    raw = text(form, "minimum", 12)
    if not (raw.isascii() and raw.isdigit()):
        raise ValidationFailed("Enter the low-stock level as a whole number (0 removes it).",
                               field_errors={"minimum": "Enter a whole number."})
    await setup.set_threshold(principal(request), location_id,
                              int_or_none(text(form, "item_type_id", 12)) or 0, int(raw))
    return await redirect(request, f"/inventory/locations/{location_id}",
                          "Low-stock level saved.")


async def _location_form_page(request: Request, values: dict[str, Any],
                              error: DomainError | None = None) -> Template:
    from app.org import services as org

    actor = principal(request)
    return page(request, "inventory/location_form.html", {
        **NAMES, "values": values,
        "sections": [s for s in await org.list_sections(True) if actor.in_section(s["id"])],
        "places": [p for p in await org.list_locations(True) if actor.in_section(p["section"])],
        "kinds": [(k, v) for k, v in KIND_LABELS.items() if k not in SYSTEM_KINDS],
        "errors": error.field_errors if error else {}, "error": error.message if error else "",
    }, status=_status(error, request))


@get("/inventory/locations/new", name="inventory.location.new", guards=DECIDE)
async def new_location(request: Request) -> Template:
    return await _location_form_page(request, {})


@post("/inventory/locations/new", name="inventory.location.create", guards=DECIDE)
async def create_location(request: Request) -> Template | Redirect:
    form = await request.form()
    data = setup.LocationForm(
        code=text(form, "code", 20).upper(), name=text(form, "name", 120),
        kind=text(form, "kind", 16), section_id=int_or_none(text(form, "section_id", 12)) or 0,
        place_id=int_or_none(text(form, "place_id", 12)),
        account_ref=text(form, "account_ref", 64))
    try:
        location = await setup.create_location(principal(request), data)
    except DomainError as exc:
        return await _location_form_page(request, data.__dict__, exc)
    return await redirect(request, f"/inventory/locations/{location}",
                          f"Stock location {data.name} added.")


async def _item_form_page(request: Request, values: dict[str, Any],
                          error: DomainError | None = None) -> Template:
    return page(request, "inventory/item_form.html", {
        "values": values, "categories": list(CATEGORY_LABELS.items()),
        "errors": error.field_errors if error else {}, "error": error.message if error else "",
    }, status=_status(error, request))


@get("/inventory/items/new", name="inventory.item.new", guards=ADMIN)
async def new_item(request: Request) -> Template:
    return await _item_form_page(request, {})


@post("/inventory/items/new", name="inventory.item.create", guards=ADMIN)
async def create_item(request: Request) -> Template | Redirect:
    form = await request.form()
    data = setup.ItemTypeForm(code=text(form, "code", 20).upper(), name=text(form, "name", 120),
                              category=text(form, "category", 24),
                              serialized=text(form, "serialized") == "1")
    try:
        await setup.create_item_type(principal(request), data)
    except DomainError as exc:
        return await _item_form_page(request, data.__dict__, exc)
    return await redirect(request, "/inventory", f"Item type {data.name} added.")


ROUTES = [movement_form, record_movement, confirm_transfer, cancel_transfer, count_form,
          record_count, decide_count, set_threshold, new_location, create_location, new_item,
          create_item]
