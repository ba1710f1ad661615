"""Administrator pages for users: list, create, edit, deactivate, reset password, set PIN."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from app.auth import users
from app.auth.capabilities import PIN_ROLES, Capability
from app.auth.roles import Role
from app.errors import ValidationFailed
from app.org.services import list_sections
from app.web.guards import requires
from app.web.render import int_list, list_page, overlong, page, principal, redirect, text

ADMIN = [requires(Capability.MANAGE_USERS)]
LIMITS = {"username": 64, "full_name": 120, "email": 200, "badge_code": 64}


def _too_long(form: FormMultiDict) -> ValidationFailed | None:
    errors = overlong(form, **LIMITS)
    return ValidationFailed("Please correct the marked fields.", field_errors=errors) if errors else None


def _user_form(form: FormMultiDict) -> users.UserForm:
    return users.UserForm(
        username=text(form, "username", 64).lower(),
        full_name=text(form, "full_name", 120),
        email=text(form, "email", 200),
        role=text(form, "role", 20),
        section_ids=int_list(form, "section_ids"),
        badge_code=text(form, "badge_code", 64),
    )


async def _form_page(
    request: Request, values: dict[str, Any], *, user_id: int | None = None,
    error: ValidationFailed | None = None,
) -> Template:
    return page(request, "admin/user_form.html", {
        "values": values,
        "user_id": user_id,
        "roles": list(Role),
        "pin_roles": [r.value for r in PIN_ROLES],
        "sections": await list_sections(active_only=True),
        "errors": error.field_errors if error else {},
        "error": error.message if error else "",
    }, status=400 if error else 200)


@get("/admin/users", name="admin.users", guards=ADMIN)
async def user_list(request: Request, after: FromQuery[str] = "") -> Template:
    found = (await users.list_users(after=after or None)).with_links(
        "/admin/users", request.query_params)
    return list_page(request, "admin/users.html", "admin/_user_rows.html", "user-rows", {
        "page": found, "users": found.rows, "role_labels": {r.value: r.label for r in Role},
    })


@get("/admin/users/new", name="admin.users.new", guards=ADMIN)
async def new_user(request: Request) -> Template:
    return await _form_page(request, {"role": "clerk", "section_ids": []})


@post("/admin/users/new", name="admin.users.create", guards=ADMIN)
async def create_user(request: Request) -> Template | Redirect:
    form = await request.form()
    data = _user_form(form)
    password = str(form.get("password", ""))
    pin = text(form, "pin", 8)
    try:
        if problem := _too_long(form):
            raise problem
        user_id = await users.create_user(principal(request), data, password, pin)
    except ValidationFailed as exc:
        return await _form_page(request, {**data.__dict__}, error=exc)
    return await redirect(request, f"/admin/users/{user_id}", f"User {data.username} created.")


@get("/admin/users/{user_id:int}", name="admin.users.edit", guards=ADMIN)
async def edit_user(request: Request, user_id: FromPath[int]) -> Template:
    user = await users.get_user(user_id)
    return await _form_page(request, user, user_id=user_id)


@post("/admin/users/{user_id:int}", name="admin.users.update", guards=ADMIN)
async def update_user(request: Request, user_id: FromPath[int]) -> Template | Redirect:
    form = await request.form()
    data = _user_form(form)
    try:
        if problem := _too_long(form):
            raise problem
        await users.update_user(principal(request), user_id, data)
    except ValidationFailed as exc:
        current = await users.get_user(user_id)
        return await _form_page(request, {**current, **data.__dict__}, user_id=user_id, error=exc)
    return await redirect(request, f"/admin/users/{user_id}", "Changes saved.")


@post("/admin/users/{user_id:int}/active", name="admin.users.active", guards=ADMIN)
async def set_active(request: Request, user_id: FromPath[int]) -> Redirect:
    active = text(await request.form(), "active") == "1"
    await users.set_active(principal(request), user_id, active)
    message = "Account reactivated." if active else "Account deactivated and signed out."
    return await redirect(request, f"/admin/users/{user_id}", message)


@post("/admin/users/{user_id:int}/password", name="admin.users.password", guards=ADMIN)
async def reset_password(request: Request, user_id: FromPath[int]) -> Template | Redirect:
    password = str((await request.form()).get("password", ""))
    try:
        await users.reset_password(principal(request), user_id, password)
    except ValidationFailed as exc:
        return await _form_page(request, await users.get_user(user_id), user_id=user_id, error=exc)
    return await redirect(request, f"/admin/users/{user_id}",
                          "Password reset; the user's sessions were ended.")


@post("/admin/users/{user_id:int}/pin", name="admin.users.pin", guards=ADMIN)
async def set_pin(request: Request, user_id: FromPath[int]) -> Template | Redirect:
    pin = text(await request.form(), "pin", 8)
    try:
        await users.set_pin(principal(request), user_id, pin)
    except ValidationFailed as exc:
        return await _form_page(request, await users.get_user(user_id), user_id=user_id, error=exc)
    return await redirect(request, f"/admin/users/{user_id}", "Kiosk PIN set.")


@post("/admin/users/{user_id:int}/unlock", name="admin.users.unlock", guards=ADMIN)
async def unlock_user(request: Request, user_id: FromPath[int]) -> Redirect:
    await users.unlock(principal(request), user_id)
    return await redirect(request, f"/admin/users/{user_id}",
                          "Unlocked: the user can sign in (and use their PIN) again.")


ROUTES = [user_list, new_user, create_user, edit_user, update_user, set_active, reset_password,
          set_pin, unlock_user]
