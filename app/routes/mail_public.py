"""The opt-out link in non-essential email (public: the signed token is the permission)."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.response import Template

from app.mail import services
from app.settings import get_settings
from app.web.guards import PUBLIC, not_auditor
from app.web.render import form_data, page, text


def _context(address: str, token: str, **extra: object) -> dict[str, object]:
    return {"address": address, "token": token, "agency_name": get_settings().agency_name,
            "valid": bool(address) and services.valid_opt_out(address, token), **extra}


@get("/mail/opt-out", name="mail.opt_out", opt=PUBLIC)
async def opt_out_form(request: Request) -> Template:
    q = request.query_params
    return page(request, "mail_public/opt_out.html",
                _context(q.get("address", "")[:320], q.get("token", "")[:64]))


@post("/mail/opt-out", name="mail.opt_out.confirm", opt=PUBLIC, guards=[not_auditor])
async def opt_out_confirm(request: Request) -> Template:
    form = await form_data(request)
    address, token = text(form, "address", 320).lower(), text(form, "token", 64)
    context = _context(address, token)
    if not context["valid"]:
        return page(request, "mail_public/opt_out.html", context, status=400)
    await services.opt_out(address, "email link")
    return page(request, "mail_public/opt_out.html", {**context, "done": True})


ROUTES = [opt_out_form, opt_out_confirm]
