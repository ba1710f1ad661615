"""Kiosk voids and refunds: find the sale (receipt number or scan), choose lines and a reason,
a supervisor's PIN above the threshold (the override modal), then the money goes back."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from app.auth.errors import SignInFailed
from app.errors import DomainError, Forbidden, NotFound, ValidationFailed
from app.formatting import parse_count
from app.kiosk import cart_store as carts
from app.kiosk import returns
from app.kiosk.context import AtKiosk, ClerkAtKiosk
from app.kiosk.override import second_person
from app.kiosk.screens import frame
from app.kiosk.web import kiosk_page, kiosk_router, to_kiosk
from app.sales.authority import override_threshold_cents
from app.sales.queries import find_sale_by_code, get_sale, refundable
from app.sales.reasons import REFUND_REASONS, VOID_REASONS
from app.web.render import form_data, int_or_none, text


def _in_scope(at: AtKiosk, sale: dict[str, Any] | None) -> dict[str, Any] | None:
    """A sale of this kiosk's section that the clerk's sections cover; otherwise nothing (the
    sale is not shown: no receipt, clerk, amount or lines of another section)."""
    if sale is None:
        return None
    section_id = int(sale["section_id"])
    if section_id != int(at.terminal["section_id"]) or not at.clerk.in_section(section_id):
        return None
    return sale


async def _find(at: AtKiosk, code: str) -> dict[str, Any] | None:
    if not code:
        return None
    return _in_scope(at, await find_sale_by_code(
        code, terminal_id=None, location_id=int(at.terminal["location"])))


async def _page(request: Request, at: AtKiosk, *, code: str = "", sale_id: int | None = None,
                values: dict[str, str] | None = None, error: str = "",
                errors: dict[str, str] | None = None, needs_override: str = "",
                mode: str = "refund", status: int = 200) -> Template:
    from app.drawers.services import shift_in_use_for_terminal

    ctx: dict[str, Any] = {**await frame(at, await shift_in_use_for_terminal(at.terminal_id)),
                           "code": code, "values": values or {}, "error": error,
                           "errors": errors or {}, "needs_override": needs_override,
                           "mode": mode, "refund_reasons": REFUND_REASONS,
                           "void_reasons": VOID_REASONS, "checkout_key": carts.new_key(),
                           "threshold": override_threshold_cents(), "refundable": None}
    sale = _in_scope(at, await _get(sale_id)) if sale_id else await _find(at, code)
    if (code or sale_id) and sale is None and not error:
        ctx["error"] = (f"No sale with receipt “{code}” at this location. Check the number."
                        if code else "No such sale at this counter's section.")
    if sale is not None:
        ctx["refundable"] = await refundable(int(sale["id"]))
    return kiosk_page(request, "kiosk/refund.html", ctx, status=status)


async def _get(sale_id: int) -> dict[str, Any] | None:
    try:
        return await get_sale(sale_id)
    except NotFound:
        return None


@get("/kiosk/refund", name="kiosk.refund")
async def refund_find(request: Request, at: ClerkAtKiosk, code: FromQuery[str] = "") -> Template:
    return await _page(request, at, code=code.strip()[:40])


def _quantities(form: Any) -> dict[int, int]:
    quantities: dict[int, int] = {}
    for name, raw in form.items():
        if name.startswith("line_") and str(raw).strip():
            try:
                quantity = parse_count(str(raw), maximum=999)
            except ValueError as exc:
                raise ValidationFailed("Quantities are whole numbers.",
                                       field_errors={name: str(exc)}) from exc
            line_id = int_or_none(name[5:])
            if line_id is None:
                raise ValidationFailed("That line is not part of this sale.")
            if quantity > 0:
                quantities[line_id] = quantity
    return quantities


def _values(form: Any) -> dict[str, str]:
    return {k: str(v) for k, v in form.items() if not k.endswith("_pin") and k != "_csrf_token"}


@post("/kiosk/refund/{sale_id:int}", name="kiosk.refund.submit")
async def refund_submit(request: Request, at: ClerkAtKiosk, sale_id: FromPath[int]) -> Response:
    form = await form_data(request)
    try:
        override = await second_person(form, "override", at.clerk.origin, at.clerk)
        result = await returns.refund(
            at, sale_id=sale_id, quantities=_quantities(form), reason=text(form, "reason", 32),
            key=text(form, "idempotency_key", 64), override=override,
            check_number=text(form, "check_number", 20))
    except Forbidden as exc:
        return await _page(request, at, sale_id=sale_id, values=_values(form),
                           needs_override=exc.message)
    except (ValidationFailed, SignInFailed) as exc:
        return await _page(request, at, sale_id=sale_id, values=_values(form), error=exc.message,
                           errors=exc.field_errors,
                           needs_override="Approval" if text(form, "override_login") else "")
    return to_kiosk(request, f"/kiosk/sale/{result.sale_id}")


@post("/kiosk/void/{sale_id:int}", name="kiosk.void.submit")
async def void_submit(request: Request, at: ClerkAtKiosk, sale_id: FromPath[int]) -> Response:
    form = await form_data(request)
    try:
        override = await second_person(form, "override", at.clerk.origin, at.clerk)
        result = await returns.void(at, sale_id=sale_id, reason=text(form, "reason", 32),
                                    key=text(form, "idempotency_key", 64), override=override)
    except Forbidden as exc:
        return await _page(request, at, sale_id=sale_id, values=_values(form),
                           needs_override=exc.message, mode="void")
    except (ValidationFailed, SignInFailed, DomainError) as exc:
        if isinstance(exc, NotFound):
            raise
        return await _page(request, at, sale_id=sale_id, values=_values(form), error=exc.message,
                           errors=exc.field_errors, mode="void",
                           needs_override="Approval" if text(form, "override_login") else "")
    return to_kiosk(request, f"/kiosk/sale/{result.sale_id}")


ROUTES = [kiosk_router([refund_find, refund_submit, void_submit])]
