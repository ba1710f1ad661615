"""Notifications: the bell's count (polled by htmx), the list, mark read, preferences."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.auth.capabilities import Capability
from app.notifications import services
from app.web.guards import requires
from app.web.render import form_data, page, partial, principal, redirect

GUARDS = [requires(Capability.USE_NOTIFICATIONS)]
#: Marking read and choosing email are changes: not for auditors, who change nothing.
CHANGES = [requires(Capability.KEEP_NOTIFICATIONS)]


@get("/notifications/bell", name="notifications.bell", guards=GUARDS)
async def bell(request: Request) -> Template:
    return partial(request, "notifications/_bell.html",
                   {"unread": await services.unread_count(principal(request).id)})


@get("/notifications", name="notifications", guards=GUARDS)
async def index(request: Request) -> Template:
    me = principal(request).id
    return page(request, "notifications/index.html", {
        "rows": await services.recent(me), "unread": await services.unread_count(me)})


@post("/notifications/{notification_id:int}/read", name="notifications.read", guards=CHANGES)
async def read_one(request: Request, notification_id: FromPath[int]) -> Redirect:
    await services.mark_read(principal(request).id, notification_id)
    return await redirect(request, "/notifications")


@post("/notifications/read-all", name="notifications.read_all", guards=CHANGES)
async def read_all(request: Request) -> Redirect:
    n = await services.mark_read(principal(request).id)
    return await redirect(request, "/notifications", f"{n} notification(s) marked read.")


@get("/notifications/preferences", name="notifications.preferences", guards=GUARDS)
async def preferences(request: Request) -> Template:
    return page(request, "notifications/preferences.html",
                {"kinds": await services.preferences(principal(request).id)})


@post("/notifications/preferences", name="notifications.preferences.save", guards=CHANGES)
async def save_preferences(request: Request) -> Redirect:
    form = await form_data(request)
    chosen = {str(v) for v in form.getall("email", []) if str(v) in services.KINDS}
    await services.save_preferences(principal(request).id, chosen)
    return await redirect(request, "/notifications/preferences", "Preferences saved.")


ROUTES = [bell, index, read_one, read_all, preferences, save_preferences]
