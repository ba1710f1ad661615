"""/admin/languages: translation review (draft / accepted) and the DOT safe-harbor check."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from app.auth.capabilities import Capability, can
from app.errors import ValidationFailed
from app.i18n import overview, review
from app.web.guards import requires
from app.web.render import form_data, page, principal, redirect, text

READ = [requires(Capability.VIEW_LANGUAGES)]
ADMIN = [requires(Capability.REVIEW_TRANSLATIONS)]


async def _page(request: Request, *, form: review.PopulationForm | None = None,
                error: ValidationFailed | None = None) -> Template:
    states = await overview.language_states()
    harbor = await overview.safe_harbor(states)
    values: dict[str, Any] = {
        "total": form.total if form else (harbor.total_population or ""),
        "people": form.people if form else {row.code: row.people for row in harbor.rows},
        "new_language": form.new_language if form else "",
        "new_people": form.new_people if form else "",
    }
    return page(request, "admin/languages.html", {
        "states": states, "harbor": harbor, "values": values,
        "errors": error.field_errors if error else {}, "error": error.message if error else "",
        "can_review": can(principal(request), Capability.REVIEW_TRANSLATIONS),
    }, status=400 if error else 200)


@get("/admin/languages", name="admin.languages", guards=READ)
async def languages_page(request: Request) -> Template:
    return await _page(request)


@post("/admin/languages/accept", name="admin.languages.accept", guards=ADMIN)
async def accept(request: Request) -> Redirect:
    form = await form_data(request)
    language, catalog = text(form, "language", 20), text(form, "catalog", 40)
    template = text(form, "template", 200)
    await review.accept(principal(request), language=language, catalog=catalog,
                        template=template, note=text(form, "note", 500))
    what = f"{catalog} ({template})" if template else catalog
    return await redirect(request, "/admin/languages", f"Accepted the {language} translation of {what}.")


@post("/admin/languages/population", name="admin.languages.population", guards=ADMIN)
async def population(request: Request) -> Template | Redirect:
    data = await form_data(request)
    form = review.PopulationForm(
        total=text(data, "total", 20),
        people={key.removeprefix("people_"): text(data, key, 20)
                for key in data if key.startswith("people_")},
        new_language=text(data, "new_language", 20), new_people=text(data, "new_people", 20))
    try:
        await review.save_population(principal(request), form)
    except ValidationFailed as exc:
        return await _page(request, form=form, error=exc)
    return await redirect(request, "/admin/languages", "Saved the service area's languages.")


ROUTES = [languages_page, accept, population]
