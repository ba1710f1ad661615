"""Administrator pages: counter terminals, their devices, and enrolled kiosk browsers."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.datastructures import Cookie, FormMultiDict
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from app.audit.services import record
from app.auth.capabilities import Capability
from app.auth.sessions import COOKIE_NAME, end_session
from app.errors import ValidationFailed
from app.forms import FormReader
from app.kiosk import devices
from app.org.services import list_locations
from app.settings import get_settings
from app.terminals import services as terminals
from app.web.guards import requires
from app.web.render import int_or_none, list_page, page, principal, redirect, text
from hardware.errors import HardwareError

ADMIN = [requires(Capability.MANAGE_TERMINALS)]


def _form(form: FormMultiDict) -> terminals.TerminalForm:
    return terminals.TerminalForm(
        code=text(form, "code", 20).upper(), name=text(form, "name", 80),
        location_id=int_or_none(text(form, "location_id")) or 0,
        printer_url=text(form, "printer_url", 255), payment_url=text(form, "payment_url", 255),
        cardreader_url=text(form, "cardreader_url", 255),
        display_url=text(form, "display_url", 255),
        paper_width_mm=int_or_none(text(form, "paper_width_mm")) or 0,
        active=text(form, "active") == "1",
    )


async def _this_browser(request: Request) -> dict[str, Any] | None:
    """The terminal this browser is enrolled for (shown on the admin pages), if any."""
    try:
        enrolled = await terminals.resolve_enrollment(request.cookies.get(terminals.KIOSK_COOKIE, ""))
    except terminals.EnrollmentProblem:
        return None
    return {"enrollment_id": enrolled.enrollment_id, "code": enrolled.terminal["code"],
            "label": enrolled.label}


async def _edit_page(request: Request, values: dict[str, Any], terminal_id: int | None,
                     error: ValidationFailed | None = None) -> Template:
    context: dict[str, Any] = {
        "values": values, "terminal_id": terminal_id,
        "locations": await list_locations(active_only=True),
        "errors": error.field_errors if error else {}, "error": error.message if error else "",
        "this_browser": await _this_browser(request), "enrollments": [], "terminal": None,
    }
    if terminal_id is not None:
        context["terminal"] = await terminals.get_terminal(terminal_id)
        context["enrollments"] = await terminals.list_enrollments(terminal_id)
        context.update(await _device_panel(terminal_id))
    return page(request, "terminals/form.html", context, status=400 if error else 200)


async def _device_panel(terminal_id: int) -> dict[str, Any]:
    """Simulator controls for the terminal's sim:// devices (fault injection for training)."""
    terminal = await terminals.get_terminal(terminal_id)
    sims = devices.simulated(terminal)
    controls = [c for c in devices.SIM_CONTROLS if sims.get(c[0])]
    return {"sim_panel": bool(controls), "sim_controls": controls,
            "device_states": await devices.statuses(terminal) if terminal["active"] else []}


@get("/admin/terminals", name="admin.terminals", guards=ADMIN)
async def terminal_index(request: Request, after: FromQuery[str] = "") -> Template:
    found = (await terminals.terminal_page(after=after or None)).with_links(
        "/admin/terminals", request.query_params)
    return list_page(request, "terminals/index.html", "terminals/_rows.html", "terminal-rows", {
        "page": found, "terminals": found.rows, "this_browser": await _this_browser(request),
    })


@get("/admin/terminals/new", name="admin.terminals.new", guards=ADMIN)
async def new_terminal(request: Request) -> Template:
    return await _edit_page(request, terminals.default_form().__dict__, None)


@get("/admin/terminals/{terminal_id:int}", name="admin.terminals.edit", guards=ADMIN)
async def edit_terminal(request: Request, terminal_id: FromPath[int]) -> Template:
    values = await terminals.get_terminal(terminal_id)
    values["location_id"] = values["location"]
    return await _edit_page(request, values, terminal_id)


@post("/admin/terminals/new", name="admin.terminals.create", guards=ADMIN)
async def create_terminal(request: Request) -> Template | Redirect:
    return await _save_terminal(request, None)


@post("/admin/terminals/{terminal_id:int}", name="admin.terminals.save", guards=ADMIN)
async def save_terminal(request: Request, terminal_id: FromPath[int]) -> Template | Redirect:
    return await _save_terminal(request, terminal_id)


async def _save_terminal(request: Request, terminal_id: int | None) -> Template | Redirect:
    data = _form(await request.form())
    try:
        saved = await terminals.save_terminal(principal(request), data, terminal_id)
    except ValidationFailed as exc:
        return await _edit_page(request, data.__dict__, terminal_id, exc)
    return await redirect(request, f"/admin/terminals/{saved}", f"Terminal {data.code} saved.")


@post("/admin/terminals/{terminal_id:int}/deactivate", name="admin.terminals.deactivate",
      guards=ADMIN)
async def deactivate_terminal(request: Request, terminal_id: FromPath[int]) -> Redirect:
    await terminals.set_active(principal(request), terminal_id, False)
    return await redirect(request, f"/admin/terminals/{terminal_id}",
                          "Terminal deactivated: its kiosks stop working until it is activated.")


@post("/admin/terminals/{terminal_id:int}/activate", name="admin.terminals.activate",
      guards=ADMIN)
async def activate_terminal(request: Request, terminal_id: FromPath[int]) -> Redirect:
    await terminals.set_active(principal(request), terminal_id, True)
    return await redirect(request, f"/admin/terminals/{terminal_id}", "Terminal activated.")


@post("/admin/terminals/{terminal_id:int}/enrol", name="admin.terminals.enrol", guards=ADMIN)
async def enrol_this_browser(request: Request, terminal_id: FromPath[int]) -> Redirect:
    """Make this browser a counter kiosk, and sign the administrator out of it: a counter must
    not keep the back office signed in. The browser lands on the kiosk's sign-in."""
    form = await request.form()
    admin = principal(request)
    token = await terminals.enrol_browser(admin, terminal_id, text(form, "label", 80))
    session_token = request.cookies.get(COOKIE_NAME, "")
    if session_token:
        await end_session(session_token)
    await record(admin, "auth.sign_out", "user", admin.id,
                 summary="signed out: this browser was enrolled as a kiosk")
    response = Redirect(path="/kiosk?enrolled=1", status_code=HTTP_303_SEE_OTHER)
    response.delete_cookie(COOKIE_NAME, path="/")
    response.cookies.append(Cookie(
        key=terminals.KIOSK_COOKIE, value=token, httponly=True, samesite="lax",
        secure=get_settings().https, path="/", max_age=terminals.KIOSK_COOKIE_MAX_AGE,
    ))
    return response


@post("/admin/enrollments/{enrollment_id:int}/revoke", name="admin.enrollments.revoke",
      guards=ADMIN)
async def revoke_enrollment(request: Request, enrollment_id: FromPath[int]) -> Redirect:
    row = await terminals.revoke_enrollment(principal(request), enrollment_id)
    return await redirect(request, f"/admin/terminals/{row['terminal']}",
                          f"Enrolment “{row['label']}” revoked: that browser can no longer run the kiosk.")


@post("/admin/terminals/{terminal_id:int}/sim", name="admin.terminals.sim", guards=ADMIN)
async def simulator_control(request: Request, terminal_id: FromPath[int]) -> Redirect:
    form = await request.form()
    terminal = await terminals.get_terminal(terminal_id)
    device, mode = text(form, "device", 20), text(form, "mode", 40)
    try:
        devices.control(terminal, device, mode)
    except (ValueError, HardwareError) as exc:
        raise ValidationFailed(f"That simulator control is not available: {exc}") from exc
    await record(principal(request), "terminal.simulator", "terminal", terminal_id,
                 {"device": device, "mode": mode})
    return await redirect(request, f"/admin/terminals/{terminal_id}",
                          f"Simulator: {device} set to {mode}.")


@post("/admin/terminals/{terminal_id:int}/sim/card", name="admin.terminals.sim_card",
      guards=ADMIN)
async def simulator_card(request: Request, terminal_id: FromPath[int]) -> Redirect:
    reader = FormReader(await request.form())
    terminal = await terminals.get_terminal(terminal_id)
    balance = reader.money("balance", required=False) or 0
    fare_category = reader.text("fare_category", 20) or "adult"
    serial_typed = reader.text("serial", 32)
    reader.raise_if_invalid("The simulated card's balance: " + "; ".join(reader.errors.values()))
    try:
        serial = devices.present_card(terminal, fare_category=fare_category,
                                      stored_value_cents=balance, serial=serial_typed)
    except ValueError as exc:
        raise ValidationFailed(str(exc)) from exc
    return await redirect(request, f"/admin/terminals/{terminal_id}",
                          f"Simulated fare card {serial} is on the reader.")


@get("/admin/terminals/{terminal_id:int}/receipts", name="admin.terminals.receipts",
     guards=ADMIN)
async def simulated_receipts(request: Request, terminal_id: FromPath[int]) -> Template:
    terminal = await terminals.get_terminal(terminal_id)
    return page(request, "terminals/receipts.html", {
        "terminal": terminal, "receipts": await devices.printed_receipts_async(terminal)})


ROUTES = [simulator_control, simulator_card, simulated_receipts, terminal_index, new_terminal,
          edit_terminal, create_terminal, save_terminal, deactivate_terminal,
          activate_terminal, enrol_this_browser, revoke_enrollment]
