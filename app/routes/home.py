from __future__ import annotations

from litestar import Request, get
from litestar.response import Template

from app.auth.capabilities import Capability
from app.home.services import dashboard
from app.web.guards import requires
from app.web.render import page, principal


@get("/", name="home", guards=[requires(Capability.VIEW_HOME)])
async def home(request: Request) -> Template:
    return page(request, "home/home.html", {"data": await dashboard(principal(request))})


ROUTES = [home]
