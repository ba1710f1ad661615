"""Administrator pages for sections and locations."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.auth.capabilities import Capability
from app.errors import ValidationFailed
from app.org import services as org
from app.web.guards import requires
from app.web.render import int_or_none, overlong, page, principal, redirect, text

ADMIN = [requires(Capability.MANAGE_ORG)]


def _section_form(form: FormMultiDict) -> org.SectionForm:
    return org.SectionForm(
        code=text(form, "code", 20).upper(), name=text(form, "name", 120),
        description=text(form, "description", 2000), active=text(form, "active") == "1",
    )


def _location_form(form: FormMultiDict) -> org.LocationForm:
    return org.LocationForm(
        code=text(form, "code", 20).upper(), name=text(form, "name", 120),
        section_id=int_or_none(text(form, "section_id")) or 0,
        address=text(form, "address", 600), opening_hours=text(form, "opening_hours", 600),
        active=text(form, "active") == "1",
    )


@get("/admin/org", name="admin.org", guards=ADMIN)
async def org_index(request: Request) -> Template:
    return page(request, "admin/org.html", {
        "sections": await org.list_sections(), "locations": await org.list_locations(),
    })


async def _section_page(request: Request, values: dict[str, Any], section_id: int | None,
                        error: ValidationFailed | None = None) -> Template:
    return page(request, "admin/section_form.html", {
        "values": values, "section_id": section_id,
        "errors": error.field_errors if error else {}, "error": error.message if error else "",
    }, status=400 if error else 200)


async def _location_page(request: Request, values: dict[str, Any], location_id: int | None,
                         error: ValidationFailed | None = None) -> Template:
    return page(request, "admin/location_form.html", {
        "values": values, "location_id": location_id, "sections": await org.list_sections(),
        "errors": error.field_errors if error else {}, "error": error.message if error else "",
    }, status=400 if error else 200)


@get("/admin/sections/new", name="admin.sections.new", guards=ADMIN)
async def new_section(request: Request) -> Template:
    return await _section_page(request, {"active": True}, None)


@get("/admin/sections/{section_id:int}", name="admin.sections.edit", guards=ADMIN)
async def edit_section(request: Request, section_id: FromPath[int]) -> Template:
    return await _section_page(request, await org.get_section(section_id), section_id)


@post("/admin/sections/new", name="admin.sections.create", guards=ADMIN)
async def create_section(request: Request) -> Template | Redirect:
    return await _save_section(request, None)


@post("/admin/sections/{section_id:int}", name="admin.sections.save", guards=ADMIN)
async def save_section(request: Request, section_id: FromPath[int]) -> Template | Redirect:
    return await _save_section(request, section_id)


async def _save_section(request: Request, section_id: int | None) -> Template | Redirect:
    form = await request.form()
    data = _section_form(form)
    try:
        if errors := overlong(form, code=20, name=120, description=2000):
            raise ValidationFailed("Please correct the marked fields.", field_errors=errors)
        await org.save_section(principal(request), data, section_id)
    except ValidationFailed as exc:
        return await _section_page(request, data.__dict__, section_id, exc)
    return await redirect(request, "/admin/org", f"Section {data.name} saved.")


@get("/admin/locations/new", name="admin.locations.new", guards=ADMIN)
async def new_location(request: Request) -> Template:
    return await _location_page(request, {"active": True}, None)


@get("/admin/locations/{location_id:int}", name="admin.locations.edit", guards=ADMIN)
async def edit_location(request: Request, location_id: FromPath[int]) -> Template:
    values = await org.get_location(location_id)
    values["section_id"] = values["section"]
    return await _location_page(request, values, location_id)


@post("/admin/locations/new", name="admin.locations.create", guards=ADMIN)
async def create_location(request: Request) -> Template | Redirect:
    return await _save_location(request, None)


@post("/admin/locations/{location_id:int}", name="admin.locations.save", guards=ADMIN)
async def save_location(request: Request, location_id: FromPath[int]) -> Template | Redirect:
    return await _save_location(request, location_id)


async def _save_location(request: Request, location_id: int | None) -> Template | Redirect:
    form = await request.form()
    data = _location_form(form)
    try:
        if errors := overlong(form, code=20, name=120, address=500, opening_hours=500):
            raise ValidationFailed("Please correct the marked fields.", field_errors=errors)
        await org.save_location(principal(request), data, location_id)
    except ValidationFailed as exc:
        return await _location_page(request, data.__dict__, location_id, exc)
    return await redirect(request, "/admin/org", f"Location {data.name} saved.")


ROUTES = [org_index, new_section, edit_section, create_section, save_section, new_location, edit_location,
          create_location, save_location]
