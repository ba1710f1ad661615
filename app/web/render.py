"""Rendering helpers: full page or htmx partial, flash-and-redirect, form parsing."""

from __future__ import annotations

from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from litestar import Request
from litestar.datastructures import FormMultiDict
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from app.auth.capabilities import can
from app.auth.principal import Principal
from app.auth.sessions import set_flash
from app.navigation import nav_for
from app.web.htmx import is_htmx

__all__ = ["is_htmx"]  # re-exported: routes import it with the other render helpers


def principal(request: Request) -> Principal:
    user: Principal = request.scope["user"]
    return user


@pass_context
def template_can(context: Context, capability: str, who: Principal | None = None) -> bool:
    """Template global `can('verify_deposit')`: whether the signed-in user (or `who`, e.g. the
    clerk at a kiosk) has the capability. Templates ask by capability, never by role."""
    return can(who if who is not None else context.get("user"), capability)


def page(
    request: Request, template: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> Template:
    """A full page (base layout) with the user's navigation and pending flash message."""
    ctx = dict(context or {})
    user = request.scope.get("user")
    active = request.scope.get("auth")
    ctx.setdefault("user", user)
    ctx.setdefault("nav", nav_for(user) if user else [])
    ctx.setdefault("current_path", request.url.path)
    if active and active.flash:
        ctx.setdefault("flash", active.flash)
        request.state.clear_flash = active.session_id
    return Template(template_name=template, context=ctx, status_code=status)


def rows_requested(request: Request, target: str) -> bool:
    """Whether htmx asks for only the rows of a list (its request targets the rows' element)."""
    return is_htmx(request) and request.headers.get("hx-target") == target


def list_page(request: Request, template: str, rows_template: str, target: str,
              context: dict[str, Any]) -> Template:
    """One URL for a list: the full page, or only `rows_template` when htmx asks for the rows
    (the element with id `target`). Paginate with `app.pagination.keyset_page`."""
    if rows_requested(request, target):
        return partial(request, rows_template, context)
    return page(request, template, context)


def partial(
    request: Request, template: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> Template:
    ctx = dict(context or {})
    ctx.setdefault("user", request.scope.get("user"))
    return Template(template_name=template, context=ctx, status_code=status)


async def redirect(request: Request, path: str, flash: str = "") -> Redirect:
    """POST → redirect → GET, with a one-time message shown on the next page."""
    active = request.scope.get("auth")
    if flash and active:
        await set_flash(active.session_id, flash)
    return Redirect(path=path, status_code=HTTP_303_SEE_OTHER)


async def form_data(request: Request) -> FormMultiDict:
    data: FormMultiDict = await request.form()
    return data


def text(form: FormMultiDict, name: str, max_length: int = 1000) -> str:
    value = form.get(name, "")
    return str(value).strip()[:max_length] if isinstance(value, str) else ""


def overlong(form: FormMultiDict, **limits: int) -> dict[str, str]:
    """Per-field messages for values longer than allowed (reported, never silently cut)."""
    errors: dict[str, str] = {}
    for name, limit in limits.items():
        value = form.get(name, "")
        if isinstance(value, str) and len(value.strip()) > limit:
            errors[name] = f"Use at most {limit} characters."
    return errors


def int_list(form: FormMultiDict, name: str) -> tuple[int, ...]:
    values: list[int] = []
    for raw in form.getall(name, []):
        value = int_or_none(raw) if isinstance(raw, str) else None
        if value is not None:
            values.append(value)
    return tuple(values)


def int_or_none(raw: str) -> int | None:
    """Plain ASCII digits that fit a 64-bit id column, else None (`²`, `١`, 20 digits…)."""
    raw = raw.strip()
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
        return None
    return int(raw)
