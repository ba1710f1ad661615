"""The day board, variance review, deposits and day sign-off (thin: parse, call, render)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.auth.capabilities import Capability
from app.drawers import services as drawers
from app.drawers.denominations import denominations
from app.errors import DomainError, ValidationFailed
from app.formatting import business_date, parse_date
from app.forms import FormReader, parse_id
from app.ledger.errors import DayLocked
from app.reconciliation import board as boards
from app.reconciliation import deposits, pdf, rules, scope, signoff, variances
from app.reports.day_activity import day_activity
from app.settings import get_settings
from app.web.exports import CSV_MEDIA_TYPE, cents, csv_bytes, download, to_csv
from app.web.guards import requires
from app.web.render import is_htmx, page, principal, redirect

READ = [requires(Capability.VIEW_RECONCILIATION)]
WORK = [requires(Capability.WORK_RECONCILIATION)]
REVIEW = [requires(Capability.RECOMMEND_VARIANCE)]
VERIFY = [requires(Capability.VERIFY_DEPOSIT)]
SIGN_OFF = [requires(Capability.SIGN_OFF_DAY)]
ADJUST = [requires(Capability.POST_ADJUSTMENT)]


def board_url(location_id: int, day: date) -> str:
    return f"/reconciliation/{location_id}/{day.isoformat()}"


def _status(error: DomainError | None, request: Request) -> int:
    """Re-rendered forms: 200 for htmx (it swaps only 2xx), the error's status for a plain post."""
    if error is None or is_htmx(request):
        return 200
    return error.status_code


def _denomination_fields() -> dict[str, int]:
    return {d.field: d.cents for d in denominations()}


# ---------------------------------------------------------------- index and board


@get("/reconciliation", name="reconciliation", guards=READ)
async def index(request: Request) -> Template | Redirect:
    actor = principal(request)
    q = request.query_params
    location_id = parse_id(q.get("location", ""))
    if location_id and q.get("date"):
        try:
            day = parse_date(q["date"])
        except ValueError:
            day = business_date()
        return Redirect(path=board_url(location_id, day), status_code=303)
    today = business_date()
    return page(request, "reconciliation/index.html", {
        "locations": await scope.locations(actor), "today": today,
        "yesterday": today - timedelta(days=1),
        "overdue": await deposits.overdue_days(actor),
    })


async def _board_page(request: Request, location_id: int, day: date,
                      adjust_error: DomainError | None = None,
                      adjust_values: dict[str, Any] | None = None,
                      page_error: DomainError | None = None) -> Template:
    board = await boards.day_board(principal(request), location_id, day)
    return page(request, "reconciliation/board.html", {
        "page_error": page_error.message if page_error else "",
        "board": board, "rules": rules, "day": day, "url": board_url(location_id, day),
        "previous_day": day - timedelta(days=1), "next_day": day + timedelta(days=1),
        "adjust_errors": adjust_error.field_errors if adjust_error else {},
        "adjust_error": adjust_error.message if adjust_error else "",
        "adjust_values": adjust_values or {
            "entry_date": (await signoff.first_open_day(location_id)).isoformat()},
        "shift_options": [("", "None")] + [
            (str(s.id), f"{s.terminal_code} – {s.clerk_name}") for s in board.shifts],
    }, status=_status(adjust_error or page_error, request))


@get("/reconciliation/{location_id:int}/{day:date}", name="reconciliation.board", guards=READ)
async def day_board(request: Request, location_id: FromPath[int], day: FromPath[date]) -> Template:
    return await _board_page(request, location_id, day)


@get("/reconciliation/{location_id:int}/{day:date}/shifts.csv", name="reconciliation.csv",
     guards=READ)
async def board_csv(request: Request, location_id: FromPath[int], day: FromPath[date]) -> Response[str]:
    board = await boards.day_board(principal(request), location_id, day)
    rows = []
    for s in board.shifts:
        counted = s.counted or {}
        decision = s.latest_decision or {}
        rows.append([
            board.location["code"], day, s.id, s.terminal_code, s.clerk_name, s.state_label,
            cents(s.float_cents), cents(s.expected_cash_cents),
            cents(counted.get("cash_cents")), cents(s.expected_checks_cents),
            cents(counted.get("checks_cents")), cents(s.expected_card_cents),
            cents(counted.get("card_cents")), cents(s.over_short_cents),
            decision.get("outcome", ""), decision.get("reason_code", ""),
            decision.get("note", ""), s.unresolved_cards, s.print_problems,
            "yes" if s.receipt_gap else "no", s.deposit_id or "",
        ])
    body = to_csv([
        "location", "business_date", "shift", "terminal", "clerk", "state", "float",
        "expected_cash", "counted_cash", "expected_checks", "counted_checks", "card_sales",
        "card_batch", "over_short", "decision", "reason", "note", "unresolved_card_outcomes",
        "print_problems", "receipt_gap", "deposit",
    ], rows)
    return download(csv_bytes(body), f"day-board-{board.location['code']}-{day}.csv", CSV_MEDIA_TYPE)


@get("/reconciliation/{location_id:int}/{day:date}/deposits.csv",
     name="reconciliation.deposits_csv", guards=READ)
async def deposits_csv(request: Request, location_id: FromPath[int], day: FromPath[date]) -> Response[str]:
    board = await boards.day_board(principal(request), location_id, day)
    body = to_csv(
        ["deposit", "location", "business_date", "bag", "status", "cash", "checks",
         "checks_count", "prepared_by", "verified_by", "bank_amount", "note"],
        [[d["id"], board.location["code"], day, d["bag_number"], d["status"],
          cents(d["cash_cents"]), cents(d["checks_cents"]), d["checks_count"],
          d["prepared_by_name"], d["verified_by_name"] or "", cents(d["bank_amount_cents"]),
          d["note"]] for d in board.deposits])
    return download(csv_bytes(body), f"deposits-{board.location['code']}-{day}.csv", CSV_MEDIA_TYPE)


@get("/reconciliation/{location_id:int}/{day:date}/ledger.csv", name="reconciliation.ledger_csv",
     guards=READ)
async def ledger_csv(request: Request, location_id: FromPath[int], day: FromPath[date]) -> Response[str]:
    board = await boards.day_board(principal(request), location_id, day)
    body = to_csv(["location", "business_date", "account", "balance_debit_positive"],
                  [[board.location["code"], day, code, cents(total)]
                   for code, total in sorted(board.ledger.items())])
    return download(csv_bytes(body), f"ledger-{board.location['code']}-{day}.csv", CSV_MEDIA_TYPE)


@get("/reconciliation/{location_id:int}/{day:date}/receipts.csv",
     name="reconciliation.receipts_csv", guards=READ)
async def receipts_csv(request: Request, location_id: FromPath[int], day: FromPath[date]) -> Response[str]:
    board = await boards.day_board(principal(request), location_id, day)
    body = to_csv(["location", "business_date", "terminal", "first", "last", "issued",
                   "previous_day_last", "gap", "missing"],
                  [[board.location["code"], day, r.terminal_code, r.first, r.last, r.issued,
                    r.previous_last if r.previous_last is not None else "",
                    "yes" if r.gap else "no", " ".join(str(n) for n in r.missing)]
                   for r in board.receipts])
    return download(csv_bytes(body), f"receipts-{board.location['code']}-{day}.csv", CSV_MEDIA_TYPE)


@get("/reconciliation/{location_id:int}/{day:date}/report.pdf", name="reconciliation.report",
     guards=READ)
async def daily_report(request: Request, location_id: FromPath[int], day: FromPath[date]) -> Response[bytes]:
    board = await boards.day_board(principal(request), location_id, day)
    body = pdf.daily_report(board, datetime.now(UTC), await day_activity(location_id, day))
    return download(body, f"reconciliation-{board.location['code']}-{day}.pdf",
                     "application/pdf", inline=True)


# ---------------------------------------------------------------- variance review


async def _shift_page(request: Request, shift_id: int, error: DomainError | None = None,
                      values: dict[str, Any] | None = None) -> Template:
    actor = principal(request)
    line = await boards.shift_line(actor, shift_id)
    shift = await drawers.get_shift(shift_id)
    steps = {}
    if line.status == rules.SHIFT_COUNTED:
        steps = await variances.reviewable_step(actor, shift, line.over_short_cents or 0)
    return page(request, "reconciliation/shift.html", {
        "line": line, "shift": shift, "rules": rules, "steps": steps,
        "movements": await drawers.movements(shift_id),
        "board_url": board_url(int(shift["location"]), shift["business_date"]),
        "lead_limit_cents": rules_limit(),
        "errors": error.field_errors if error else {}, "error": error.message if error else "",
        "values": values or {},
    }, status=_status(error, request))


def rules_limit() -> int:
    return get_settings().variance_lead_limit_cents


@get("/reconciliation/shift/{shift_id:int}", name="reconciliation.shift", guards=READ)
async def shift_review(request: Request, shift_id: FromPath[int]) -> Template:
    return await _shift_page(request, shift_id)


@post("/reconciliation/shift/{shift_id:int}/review", name="reconciliation.review", guards=REVIEW)
async def review_shift(request: Request, shift_id: FromPath[int]) -> Template | Redirect:
    reader = FormReader(await request.form())
    data = variances.ReviewForm(
        outcome=reader.text("outcome", 20), reason_code=reader.text("reason_code", 32),
        note=reader.text("note", 2000), recommend_only=reader.text("step", 20) == "recommend",
    )
    try:
        reader.raise_if_invalid()
        result = await variances.review(principal(request), shift_id, data)
    except DomainError as exc:
        return await _shift_page(request, shift_id, exc, reader.values)
    shift = await drawers.get_shift(shift_id)
    return await redirect(request, board_url(int(shift["location"]), shift["business_date"]),
                          f"{shift['terminal_code']} ({shift['clerk_name']}): {result.message}")


# ---------------------------------------------------------------- deposits


async def _deposit_form_page(request: Request, location_id: int, day: date,
                             error: DomainError | None = None,
                             values: dict[str, Any] | None = None) -> Template:
    board = await boards.day_board(principal(request), location_id, day)
    lines = board.undeposited
    if values is None:
        suggested = deposits.suggested_denominations(lines)
        values = {"shift_ids": [str(s.id) for s in lines], "bag_number": "", "note": "",
                  **{d.field: str(suggested[d.cents]) for d in denominations()
                     if suggested.get(d.cents)}}
    return page(request, "reconciliation/deposit_form.html", {
        "board": board, "lines": lines, "values": values, "denominations": denominations(),
        "url": board_url(location_id, day),
        "errors": error.field_errors if error else {}, "error": error.message if error else "",
    }, status=_status(error, request))


@get("/reconciliation/{location_id:int}/{day:date}/deposit", name="reconciliation.deposit_new",
     guards=WORK)
async def new_deposit(request: Request, location_id: FromPath[int], day: FromPath[date]) -> Template:
    return await _deposit_form_page(request, location_id, day)


@post("/reconciliation/{location_id:int}/{day:date}/deposit",
      name="reconciliation.deposit_prepare", guards=WORK)
async def prepare_deposit(request: Request, location_id: FromPath[int],
                          day: FromPath[date]) -> Template | Redirect:
    reader = FormReader(await request.form())
    data = deposits.DepositForm(
        shift_ids=reader.ids("shift_ids"), bag_number=reader.text("bag_number", 60),
        denominations=reader.denominations(_denomination_fields()),
        note=reader.text("note", 2000),
    )
    try:
        reader.raise_if_invalid()
        deposit_id = await deposits.prepare(principal(request), location_id, day, data)
    except DomainError as exc:
        return await _deposit_form_page(request, location_id, day, exc, reader.values)
    return await redirect(request, f"/reconciliation/deposit/{deposit_id}",
                          f"Deposit bag {data.bag_number.upper()} prepared; a second person "
                          "verifies it.")


async def _deposit_page(request: Request, deposit_id: int, error: DomainError | None = None,
                        values: dict[str, Any] | None = None) -> Template:
    deposit = await deposits.get_deposit(principal(request), deposit_id)
    return page(request, "reconciliation/deposit.html", {
        "deposit": deposit, "rules": rules,
        "verify_refusal": deposits.verify_refusal(principal(request), deposit),
        "url": board_url(int(deposit["location"]), deposit["business_date"]),
        "errors": error.field_errors if error else {}, "error": error.message if error else "",
        "values": values or {},
    }, status=_status(error, request))


@get("/reconciliation/deposit/{deposit_id:int}", name="reconciliation.deposit", guards=READ)
async def show_deposit(request: Request, deposit_id: FromPath[int]) -> Template:
    return await _deposit_page(request, deposit_id)


@get("/reconciliation/deposit/{deposit_id:int}/slip.pdf", name="reconciliation.slip",
     guards=READ)
async def deposit_slip(request: Request, deposit_id: FromPath[int]) -> Response[bytes]:
    deposit = await deposits.get_deposit(principal(request), deposit_id)
    return download(pdf.deposit_slip(deposit), f"deposit-slip-{deposit['bag_number']}.pdf",
                     "application/pdf", inline=True)


@post("/reconciliation/deposit/{deposit_id:int}/verify", name="reconciliation.verify",
      guards=VERIFY)
async def verify_deposit(request: Request, deposit_id: FromPath[int]) -> Template | Redirect:
    reader = FormReader(await request.form())
    amount = reader.money("counted_cash")
    try:
        reader.raise_if_invalid()
        await deposits.verify(principal(request), deposit_id, amount or 0)
    except DomainError as exc:
        return await _deposit_page(request, deposit_id, exc, reader.values)
    return await redirect(request, f"/reconciliation/deposit/{deposit_id}",
                          "Deposit verified: the bag matches the slip.")


@post("/reconciliation/deposit/{deposit_id:int}/send", name="reconciliation.send", guards=WORK)
async def send_deposit(request: Request, deposit_id: FromPath[int]) -> Template | Redirect:
    try:
        await deposits.send(principal(request), deposit_id)
    except DomainError as exc:
        return await _deposit_page(request, deposit_id, exc)
    return await redirect(request, f"/reconciliation/deposit/{deposit_id}",
                          "Deposit marked in transit to the bank.")


@post("/reconciliation/deposit/{deposit_id:int}/confirm", name="reconciliation.confirm",
      guards=WORK)
async def confirm_deposit(request: Request, deposit_id: FromPath[int]) -> Template | Redirect:
    reader = FormReader(await request.form())
    amount = reader.money("bank_amount")
    note = reader.text("note", 2000)
    try:
        reader.raise_if_invalid()
        status = await deposits.confirm(principal(request), deposit_id, amount or 0, note)
    except DomainError as exc:
        return await _deposit_page(request, deposit_id, exc, reader.values)
    message = ("The bank confirmed the deposit." if status == rules.CONFIRMED
               else "The bank's amount differs: the deposit is flagged as a discrepancy.")
    return await redirect(request, f"/reconciliation/deposit/{deposit_id}", message)


# ---------------------------------------------------------------- sign-off and adjustments


@post("/reconciliation/{location_id:int}/{day:date}/sign-off", name="reconciliation.sign_off",
      guards=SIGN_OFF)
async def sign_off(request: Request, location_id: FromPath[int], day: FromPath[date]) -> Template | Redirect:
    try:
        await signoff.sign_off(principal(request), location_id, day)
    except DomainError as exc:
        return await _board_page(request, location_id, day, page_error=exc)
    return await redirect(request, board_url(location_id, day),
                          f"The day {day.isoformat()} is signed off and locked.")


@post("/reconciliation/{location_id:int}/{day:date}/adjust", name="reconciliation.adjust",
      guards=ADJUST)
async def adjust(request: Request, location_id: FromPath[int], day: FromPath[date]) -> Template | Redirect:
    reader = FormReader(await request.form())
    amount = reader.money("amount", allow_negative=True)
    entry_date = reader.date("entry_date", required=False)
    data = signoff.AdjustmentForm(
        amount_cents=amount or 0, memo=reader.text("memo", 2000), entry_date=entry_date,
        shift_id=reader.id("shift_id"))
    try:
        reader.raise_if_invalid()
        await signoff.post_adjustment(principal(request), location_id, day, data)
    except DayLocked as exc:
        locked = ValidationFailed(exc.message, field_errors={"entry_date": exc.message})
        return await _board_page(request, location_id, day, locked, reader.values)
    except DomainError as exc:
        return await _board_page(request, location_id, day, exc, reader.values)
    return await redirect(request, board_url(location_id, day), signoff.adjustment_message(
        amount or 0, day, entry_date or business_date()))


ROUTES = [
    index, day_board, board_csv, deposits_csv, ledger_csv, receipts_csv, daily_report,
    shift_review, review_shift,
    new_deposit, prepare_deposit, show_deposit, deposit_slip, verify_deposit, send_deposit,
    confirm_deposit, sign_off, adjust,
]
