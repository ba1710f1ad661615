"""Kiosk shift screens: open with a counted float, paid-in/out, safe drop, no-sale, blind close,
recount request. Rules live in app.drawers.services; after-commit drawer kicks in app.kiosk."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.auth.errors import SignInFailed
from app.drawers import services as drawers
from app.drawers.denominations import denominations, parse_count_form
from app.errors import DomainError, Forbidden, NotFound, ValidationFailed
from app.formatting import parse_count, parse_money
from app.kiosk import after_commit, devices, sessions
from app.kiosk.context import AtKiosk, ClerkAtKiosk
from app.kiosk.override import second_person
from app.kiosk.screens import frame
from app.kiosk.web import kiosk_page, kiosk_router, to_kiosk
from app.web.render import form_data, text

MOVEMENTS: dict[str, dict[str, str]] = {
    "paid_in": {"label": "Paid in", "button": "Record paid in",
                "explain": "Cash put into the drawer that is not a sale (for example change from the safe)."},
    "paid_out": {"label": "Paid out", "button": "Record paid out",
                 "explain": "Cash taken out of the drawer to pay for something. Keep the receipt."},
    "safe_drop": {"label": "Safe drop", "button": "Record safe drop",
                  "explain": "Cash moved from the drawer to the safe, with a witness."},
    "no_sale": {"label": "No sale", "button": "Open the drawer",
                "explain": "Open the drawer without a sale. Say why; it is recorded."},
}


def _form_values(form: Any) -> dict[str, str]:
    return {k: str(v) for k, v in form.items() if not k.endswith("_pin") and k != "_csrf_token"}


@post("/kiosk/shift/open", name="kiosk.shift.open")
async def open_shift(request: Request, at: ClerkAtKiosk) -> Template | Redirect:
    form = await form_data(request)
    try:
        counts = parse_count_form(form)
        shift_id = await drawers.open_shift(at.clerk, terminal_id=at.terminal_id,
                                            location_id=int(at.terminal["location"]),
                                            denominations=counts)
    except ValidationFailed as exc:
        return kiosk_page(request, "kiosk/shift_open.html", {
            **await frame(at), "denominations": denominations(), "values": _form_values(form),
            "errors": exc.field_errors, "error": exc.message}, status=200)
    after_commit.open_drawer_later(at.terminal, at.clerk, "shift", shift_id)  # never waits
    await sessions.set_flash(at.state, "Shift open. Ready to sell.")
    return to_kiosk(request)  # type: ignore[return-value]


async def _my_shift(at: AtKiosk) -> dict[str, Any]:
    return await drawers.require_open_shift(at.clerk, at.terminal_id)


@get("/kiosk/drawer/{kind:str}", name="kiosk.drawer")
async def movement_form(request: Request, at: ClerkAtKiosk, kind: FromPath[str]) -> Template:
    if kind not in MOVEMENTS:
        raise NotFound("No such drawer action.")
    shift = await _my_shift(at)
    return kiosk_page(request, "kiosk/drawer_movement.html", {
        **await frame(at, shift), "kind": kind, **MOVEMENTS[kind], "values": {}, "errors": {}})


@post("/kiosk/drawer/{kind:str}", name="kiosk.drawer.record")
async def record_movement(request: Request, at: ClerkAtKiosk, kind: FromPath[str]) -> Template | Redirect:
    if kind not in MOVEMENTS:
        raise NotFound("No such drawer action.")
    shift = await _my_shift(at)
    form = await form_data(request)
    values = _form_values(form)
    ctx: dict[str, Any] = {**await frame(at, shift), "kind": kind, **MOVEMENTS[kind],
                           "values": values, "errors": {}}
    try:
        amount = 0
        if kind != "no_sale":
            try:
                amount = parse_money(text(form, "amount", 20))
            except ValueError as exc:
                raise ValidationFailed(str(exc), field_errors={"amount": str(exc)}) from exc
        witness = await second_person(form, "witness", at.clerk.origin, at.clerk)
        override = await second_person(form, "override", at.clerk.origin, at.clerk)
        movement_id = await drawers.cash_movement(
            at.clerk, shift_id=int(shift["id"]), kind=kind, amount_cents=amount,
            reason=text(form, "reason", 200), witness=witness, override=override)
    except Forbidden as exc:
        # Above the clerk's limit: show the approval modal (a lead or supervisor's PIN).
        return kiosk_page(request, "kiosk/drawer_movement.html", {
            **ctx, "needs_override": True, "override_reason": exc.message, "error": ""})
    except (ValidationFailed, SignInFailed) as exc:
        return kiosk_page(request, "kiosk/drawer_movement.html", {
            **ctx, "errors": exc.field_errors, "error": exc.message,
            "needs_override": bool(text(form, "override_login"))})
    after_commit.after_movement(at.terminal, movement_id, actor=at.clerk)  # drawer, then slip
    await sessions.set_flash(at.state, f"{MOVEMENTS[kind]['label']} recorded.")
    return to_kiosk(request)  # type: ignore[return-value]


@get("/kiosk/shift/close", name="kiosk.shift.close")
async def close_form(request: Request, at: ClerkAtKiosk) -> Template:
    shift = await _my_shift(at)
    return kiosk_page(request, "kiosk/shift_close.html", {
        **await frame(at, shift), "denominations": denominations(), "values": {},
        "errors": {}, "recount": False, "card_batch": await devices.card_batch_total(at.terminal)})


def _count_amounts(form: Any) -> tuple[int, int, int]:
    errors: dict[str, str] = {}
    amounts: dict[str, int] = {}
    for name in ("checks_total", "card_total"):
        raw = text(form, name, 20)
        try:
            amounts[name] = parse_money(raw) if raw else 0
        except ValueError as exc:
            errors[name] = str(exc)
    raw_count = text(form, "checks_count", 6)
    checks_count = 0
    if raw_count:
        try:
            checks_count = parse_count(raw_count, maximum=9_999)
        except ValueError as exc:
            errors["checks_count"] = str(exc)
    if errors:
        raise ValidationFailed("Please check the count.", field_errors=errors)
    return amounts["checks_total"], checks_count, amounts["card_total"]


def _refuse_blank_count(form: Any) -> None:
    """A blind close with every field left empty is not a $0.00 count: the clerk enters what
    they counted for each tender (0 where there is none) or confirms an empty drawer."""
    names = [d.field for d in denominations()] + ["checks_total", "checks_count", "card_total"]
    if any(text(form, name, 20) for name in names) or text(form, "confirm_zero", 4) == "1":
        return
    raise ValidationFailed(
        "Nothing was entered. Enter what you counted for each tender (0 where there is none), "
        "or tick “The drawer is empty” to submit a zero count.",
        field_errors={"confirm_zero": "Tick this only if the drawer holds nothing at all."})


@post("/kiosk/shift/close", name="kiosk.shift.close.submit")
async def submit_close(request: Request, at: ClerkAtKiosk) -> Template:
    shift = await drawers.shift_in_use_for_terminal(at.terminal_id)
    if shift is None:
        raise DomainError("There is no open drawer on this terminal to count.")
    form = await form_data(request)
    try:
        _refuse_blank_count(form)
        counts = parse_count_form(form)
        checks, checks_count, card = _count_amounts(form)
        result = await drawers.submit_count(
            at.clerk, shift_id=int(shift["id"]), denominations=counts, checks_cents=checks,
            checks_count=checks_count, card_cents=card, note=text(form, "note", 2000))
    except ValidationFailed as exc:
        return kiosk_page(request, "kiosk/shift_close.html", {
            **await frame(at, shift), "denominations": denominations(),
            "values": _form_values(form), "errors": exc.field_errors, "error": exc.message,
            "recount": shift["status"] == "recount"})
    shift = await drawers.get_shift(int(shift["id"]))
    return kiosk_page(request, "kiosk/shift_result.html", {
        **await frame(at, shift), "result": result.as_dict(), "errors": {}})


@post("/kiosk/shift/{shift_id:int}/recount", name="kiosk.shift.recount")
async def request_recount(request: Request, at: ClerkAtKiosk, shift_id: FromPath[int]) -> Template | Redirect:
    shift = await drawers.get_shift(shift_id)
    if shift["terminal"] != at.terminal_id:
        raise NotFound("That shift is not on this terminal.")
    form = await form_data(request)
    try:
        approver = await second_person(form, "override", at.clerk.origin, at.clerk)
        if approver is None:
            if at.clerk.id == shift["clerk"]:
                raise ValidationFailed("A lead or supervisor enters their PIN to ask for a recount.",
                                       field_errors={"override": "Lead or supervisor PIN needed."})
            approver = at.clerk
        await drawers.request_recount(approver, shift_id, text(form, "reason", 500))
    except (ValidationFailed, SignInFailed, Forbidden) as exc:
        summary = await drawers.shift_summary(shift_id)
        return kiosk_page(request, "kiosk/shift_result.html", {
            **await frame(at, shift), "result": summary["latest_result"],
            "values": _form_values(form), "errors": exc.field_errors, "error": exc.message})
    await sessions.set_flash(at.state, "Recount requested: count the drawer again.")
    return to_kiosk(request)  # type: ignore[return-value]


ROUTES = [kiosk_router([open_shift, movement_form, record_movement, close_form, submit_close,
                        request_recount])]
