"""My work (/my-work): everything waiting for the signed-in person, and its count for the nav."""

from __future__ import annotations

from datetime import UTC, datetime

from litestar import Request, get
from litestar.response import Template

from app.auth.capabilities import Capability
from app.mywork.providers import my_work
from app.web.guards import requires
from app.web.render import page, partial, principal


@get("/my-work", name="mywork", guards=[requires(Capability.VIEW_MY_WORK)])
async def my_work_page(request: Request) -> Template:
    items = await my_work(principal(request))
    return page(request, "mywork/index.html", {"items": items, "now": datetime.now(UTC)})


@get("/my-work/count", name="mywork.count", guards=[requires(Capability.VIEW_MY_WORK)])
async def my_work_count(request: Request) -> Template:
    items = await my_work(principal(request))
    return partial(request, "mywork/_count.html", {"count": len(items)})


ROUTES = [my_work_page, my_work_count]
