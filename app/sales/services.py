"""Counter sales, voids and refunds: each one database transaction, each balanced in the ledger.

`complete_sale` is the heart of the counter. In ONE write transaction it:
takes the terminal's next gap-free receipt number (the counter row stays locked until commit,
which also serialises sales at one terminal), re-prices every line from the catalog (client
prices are never trusted; the only amount the clerk enters is a stored-value load, checked
against the product's bounds and the card's cap), enforces the catalog rules (reduced-fare
eligibility, pass sales window), applies the tenders (only cash gives change), claims the
approved card payments, writes the Sale, its lines and tenders, the fare-card loads and the
receipt print job, posts the balanced ledger entry and audits it.

Idempotency: the sale form's key is unique in the database. A retry with the same key returns
the first result (created=False) — also when two submits race: the loser fails on the lock or
the unique key, rolls back (giving its receipt number back) and returns the winner's sale.

Voids and refunds are new Sale rows (kind void | refund, `original` = the sale) with negative
lines and tenders and their own ledger entry (revenue debited, tenders credited).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from app import sql
from app.audit.services import record
from app.auth.principal import Principal
from app.catalog import services as catalog
from app.catalog.errors import NoPrice
from app.catalog.rules import (
    MONTHLY_PASS,
    STORED_VALUE,
    add_months,
    check_card_eligibility,
    check_pass_month,
    check_stored_value_load,
    first_of_month,
    month_label,
    sellable_pass_months,
)
from app.db import is_sqlite, write_transaction
from app.drawers.services import require_cash_on_hand
from app.drawers.services import require_selling_shift as require_open_shift
from app.errors import Conflict, NotFound, ValidationFailed
from app.formatting import business_date as agency_date
from app.ledger import services as ledger
from app.sales import cards
from app.sales.authority import OverrideAction, check_decider, check_override
from app.sales.cart import (
    CARD,
    CASH,
    AppliedTender,
    Cart,
    CartLine,
    Settlement,
    TenderInput,
    settle_refund_tenders,
    settle_tenders,
    validate_lines,
    validate_quantity,
)
from app.sales.errors import CardPaymentProblem, SaleRefused
from app.sales.numbers import (
    next_receipt_number,
    next_sale_id_sql,
    parse_receipt_code,
    receipt_code,
    scan_code,
)
from app.sales.postings import LineAmount, TenderAmount, checked_legs, sale_legs
from app.sales.reasons import REFUND_REASONS, VOID_REASONS, check_reason
from app.sales.return_rules import ReturnLine, check_original, check_voidable, refund_lines
from app.sales.tables import CardLoad, Sale, SaleLine, Tender

SALE = "sale"
VOID = "void"
REFUND = "refund"
KIND_LABELS = {SALE: "Sale", VOID: "Void", REFUND: "Refund"}
_KEY_RE = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class SaleResult:
    sale_id: int
    receipt_number: int
    receipt_code: str  # "CENTRAL-K1-000123"
    total_cents: int
    change_cents: int
    created: bool
    kind: str = SALE
    scan_code: str = ""  # "R-K1-123"


class _AlreadyDone(Exception):
    def __init__(self, result: SaleResult) -> None:
        super().__init__("already done")
        self.result = result


def check_idempotency_key(key: str) -> str:
    if not isinstance(key, str) or not _KEY_RE.match(key):
        raise ValidationFailed("This form has expired: reload the page and try again.")
    return key


#: The sale already recorded under an idempotency key, with the codes its receipt shows.
_RESULT_FOR_KEY_SQL = """
SELECT s.id, s.kind, s.receipt_number, s.total_cents, s.change_cents, s.terminal,
       s.request_digest, t.code AS terminal_code, l.code AS location_code
FROM sale s
JOIN terminal t ON t.id = s.terminal
JOIN location l ON l.id = s.location
WHERE s.idempotency_key = {}
"""

#: A terminal with its location's code and section.
_TERMINAL_SQL = """
SELECT t.id, t.code, t.name, t.location, l.code AS location_code, l.section AS section_id
FROM terminal t JOIN location l ON l.id = t.location
WHERE t.id = {}
"""

#: Once the receipt counter is locked, in one round trip: the terminal (as `_TERMINAL_SQL`),
#: the id the new Sale row takes ({next_id}) and the sale a racing twin with the same key
#: committed meanwhile (done_id; NULL when none).
_AFTER_NUMBER_SQL = """
SELECT t.id, t.code, t.name, t.location, l.code AS location_code, l.section AS section_id,
       {next_id} AS next_id,
       (SELECT d.id FROM sale d WHERE d.idempotency_key = {{}}) AS done_id
FROM terminal t JOIN location l ON l.id = t.location
WHERE t.id = {{}}
"""


class KeyReused(Conflict):
    """An idempotency key sent again with another cart or return, or from another counter."""


def request_digest(*parts: object) -> str:
    """What a request asked for, as a short hash kept with the sale under its key: a retry
    with the same key must ask for the same thing (`_result_for_key`)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def sale_digest(terminal_id: int, lines: Sequence[CartLine], card_serial: str | None) -> str:
    return request_digest(SALE, terminal_id, (card_serial or "").strip(), [
        (line.product_id, line.quantity, line.value_cents,
         line.valid_from.isoformat() if line.valid_from else None,
         (line.card_serial or "").strip()) for line in lines])


def return_digest(kind: str, terminal_id: int, sale_id: int,
                  line_quantities: Mapping[int, int] | None = None) -> str:
    return request_digest(kind, terminal_id, sale_id,
                          sorted((int(k), int(v)) for k, v in (line_quantities or {}).items()))


async def _result_for_key(key: str, *, terminal_id: int | None = None,
                          digest: str | None = None) -> SaleResult | None:
    """The sale recorded under `key`, if any. Given the terminal and digest of the request,
    a key recorded at another terminal or for another request is refused (KeyReused)."""
    row = await sql.fetch_one(_RESULT_FOR_KEY_SQL, key)
    if row is None:
        return None
    if terminal_id is not None and int(row["terminal"]) != int(terminal_id):
        raise KeyReused(f"This form was already used at counter {row['terminal_code']}. Nothing "
                        "was recorded now: reload the screen and try again.")
    if digest is not None and row["request_digest"] and row["request_digest"] != digest:
        raise KeyReused(
            f"This form was already used for receipt {row['location_code']}-"
            f"{row['terminal_code']}-{int(row['receipt_number']):06d} with other items. Nothing "
            "was recorded now and the cart is unchanged: take the payment again.")
    return SaleResult(
        sale_id=int(row["id"]), receipt_number=int(row["receipt_number"]),
        receipt_code=receipt_code(row["location_code"], row["terminal_code"], row["receipt_number"]),
        total_cents=int(row["total_cents"]), change_cents=int(row["change_cents"]),
        created=False, kind=row["kind"],
        scan_code=scan_code(row["terminal_code"], row["receipt_number"]),
    )


async def recorded_sale(idempotency_key: str, *, terminal_id: int) -> SaleResult | None:
    """The sale or return already recorded under this form's key at this terminal (None: not
    yet). A key recorded at another terminal is refused (KeyReused)."""
    if not isinstance(idempotency_key, str) or not _KEY_RE.match(idempotency_key):
        return None
    return await _result_for_key(idempotency_key, terminal_id=terminal_id)


async def _run_once(key: str, operation: Any, *, terminal_id: int, digest: str) -> SaleResult:
    """Run `operation` (a coroutine function) in one write transaction, at most once per key.

    A key already recorded for the same request at the same terminal returns that result; for
    another request or terminal it is refused (KeyReused) and nothing changes."""
    done = await _result_for_key(key, terminal_id=terminal_id, digest=digest)
    if done is not None:
        return done
    try:
        async with write_transaction():
            result: SaleResult = await operation()
        return result
    except _AlreadyDone as already:
        await _result_for_key(key, terminal_id=terminal_id, digest=digest)  # same request?
        return already.result
    except KeyReused:
        raise
    except Exception:
        # A concurrent submit with the same key won (unique key, used card payment ...):
        # return its result. Anything else is a real error.
        done = await _result_for_key(key, terminal_id=terminal_id, digest=digest)
        if done is not None:
            return done
        raise


@dataclass(frozen=True)
class _Numbered:
    """What a new sale row needs once its receipt number is taken."""

    number: int
    sale_id: int
    terminal: dict[str, Any]


async def _take_receipt_number(terminal_id: int, key: str) -> _Numbered:
    """Lock the terminal's counter, then re-check the key: a racing twin has committed by now.

    Two statements: the counter, then (a new statement, so it sees what committed while it
    waited for the lock) the terminal, the new sale id and the key check together.
    """
    number = await next_receipt_number(terminal_id)
    row = await sql.fetch_one(_AFTER_NUMBER_SQL.format(next_id=next_sale_id_sql()), key,
                              terminal_id)
    if row is None:
        raise NotFound("No such terminal.")
    if row["done_id"] is not None:
        done = await _result_for_key(key)
        assert done is not None
        raise _AlreadyDone(done)
    sale_id = int(row.pop("next_id"))
    row.pop("done_id")
    return _Numbered(number, sale_id, row)


async def _terminal_info(terminal_id: int) -> dict[str, Any]:
    row = await sql.fetch_one(_TERMINAL_SQL, terminal_id)
    if row is None:
        raise NotFound("No such terminal.")
    return row


# ---------------------------------------------------------------- pricing


@dataclass
class PricedLine:
    line: CartLine
    product: dict[str, Any]
    unit_cents: int
    description: str
    card_serial: str | None
    valid_from: date | None = None
    valid_to: date | None = None

    @property
    def amount_cents(self) -> int:
        return self.unit_cents * self.line.quantity

    @property
    def loads_card(self) -> bool:
        return bool(self.product["requires_card"])


def _pass_month(line: CartLine, today: date, name: str) -> date:
    if line.valid_from is not None:
        return first_of_month(line.valid_from)
    months = sellable_pass_months(today)
    if len(months) == 1:
        return months[0]
    choices = " or ".join(month_label(m) for m in months)
    raise ValidationFailed(f"{name}: choose the month ({choices}).",
                           field_errors={"valid_from": "Choose the pass month."})


async def price_lines(
    lines: Sequence[CartLine],
    *,
    at: datetime,
    card_serial: str | None = None,
    card_fare_category: str | None = None,
    card_balance_cents: int | None = None,
    products: Mapping[int, dict[str, Any]] | None = None,
) -> list[PricedLine]:
    """Price every line from the catalog at `at` and apply the catalog's rules.

    `products`: the lines' products with their prices at `at`, when the caller has just read
    them (`catalog.products_with_prices`); otherwise they are read here."""
    validate_lines(lines)
    today = agency_date(at)
    balance = card_balance_cents
    wanted = {line.product_id for line in lines}
    catalog_rows = products if products is not None and wanted <= set(products) else \
        await catalog.products_with_prices(wanted, at)
    priced: list[PricedLine] = []
    for line in lines:
        product = catalog_rows.get(line.product_id)
        if product is None:
            raise NotFound("No such product.")
        name = product["name"]
        if not product["active"]:
            raise SaleRefused(f"{name} is no longer sold.")
        serial = (line.card_serial or card_serial or "").strip() or None
        if product["requires_card"]:
            if not serial:
                raise ValidationFailed(f"{name} goes onto a fare card: read the customer's card first.")
            if line.quantity != 1 and product["kind"] in (STORED_VALUE, MONTHLY_PASS):
                raise ValidationFailed(f"{name}: one per card (quantity 1).")
            check_card_eligibility(product, card_fare_category)
        if product["kind"] == STORED_VALUE:
            if line.value_cents is None:
                raise ValidationFailed(f"{name}: enter the amount to load.",
                                       field_errors={"value": "Enter the amount."})
            if balance is None:
                raise ValidationFailed("Read the fare card first: its balance decides how much "
                                       "can be loaded.")
            check_stored_value_load(product, line.value_cents, balance)
            balance += line.value_cents
            unit = line.value_cents
        else:
            if line.value_cents is not None:
                raise ValidationFailed(f"{name} has a fixed price; only stored value takes an amount.")
            if product["price_cents"] is None:
                raise NoPrice("This product has no price yet; ask an administrator to set one.")
            unit = int(product["price_cents"])
        entry = PricedLine(line=line, product=product, unit_cents=unit, description=name,
                           card_serial=serial)
        if product["kind"] == MONTHLY_PASS:
            month = _pass_month(line, today, name)
            check_pass_month(month, today)
            entry.valid_from = month
            entry.valid_to = add_months(month, 1) - timedelta(days=1)
            entry.description = f"{name} – {month_label(month)}"
        else:
            entry.valid_from, entry.valid_to = line.valid_from, line.valid_to
        priced.append(entry)
    return priced


async def quote_cart(
    lines: Sequence[CartLine],
    *,
    card_serial: str | None = None,
    card_fare_category: str | None = None,
    card_balance_cents: int | None = None,
    at: datetime | None = None,
    products: Mapping[int, dict[str, Any]] | None = None,
) -> Cart:
    """The cart as the server prices it now, rules applied (raises what complete_sale would).

    For the kiosk's cart display: each line comes back with the catalog's code, kind, name
    (with the pass month), unit price, fare category and validity. Nothing is written.
    """
    priced = await price_lines(lines, at=at or _now(), card_serial=card_serial,
                               card_fare_category=card_fare_category,
                               card_balance_cents=card_balance_cents, products=products)
    return Cart(tuple(
        replace(p.line, product_code=p.product["code"], kind=p.product["kind"],
                description=p.description, unit_cents=p.unit_cents,
                fare_category=p.product.get("fare_category_code"), card_serial=p.card_serial,
                valid_from=p.valid_from, valid_to=p.valid_to)
        for p in priced
    ))


def _line_amounts(priced: Sequence[PricedLine]) -> list[LineAmount]:
    return [
        LineAmount(int(p.product["id"]), p.product["kind"], p.product.get("fare_category_code"),
                   p.amount_cents)
        for p in priced
    ]


# ---------------------------------------------------------------- card tenders


async def _check_card_tenders(
    applied: Sequence[AppliedTender], *, terminal_id: int, kind: str
) -> dict[str, dict[str, Any]]:
    """The approved, unused card payments named by the tenders (reference -> attempt)."""
    refs = [t.payment_reference for t in applied if t.kind == CARD]
    if len(set(refs)) != len(refs):
        raise ValidationFailed("The same card payment is listed twice.")
    found: dict[str, dict[str, Any]] = {}
    for tender in applied:
        if tender.kind != CARD:
            continue
        assert tender.payment_reference is not None
        attempt = await cards.get_attempt(tender.payment_reference)
        word = "payment" if kind == SALE else "refund"
        if attempt["kind"] != kind or attempt["refund_of"] is not None:
            raise CardPaymentProblem(f"That card transaction is not a card {word} for this.")
        if int(attempt["terminal"]) != terminal_id:
            raise CardPaymentProblem(f"That card {word} was run on another terminal.")
        if attempt["status"] not in cards.USABLE_STATUSES:
            raise CardPaymentProblem(
                f"The card {word} is {attempt['status_label'].lower()}: it cannot be used."
            )
        if cards.is_used(attempt):
            raise CardPaymentProblem(f"That card {word} has been used already.")
        if int(attempt["amount_cents"]) != tender.amount_cents:
            raise CardPaymentProblem(
                f"The card {word} was for {attempt['amount_cents']} cents, "
                f"not {tender.amount_cents}."
            )
        found[tender.payment_reference] = attempt
    return found


#: Links an unused, usable card payment to a sale; returns its id (no row: taken meanwhile).
_CLAIM_ATTEMPT_SQL = """
UPDATE payment_attempt SET sale = {{}}
WHERE reference = {{}} AND sale IS NULL AND status IN {statuses}
RETURNING id
"""


async def _claim_attempts(references: Sequence[str], sale_id: int) -> None:
    """Link each card payment to the sale; refuses one that another sale took meanwhile."""
    usable = list(cards.USABLE_STATUSES)
    claim_sql = _CLAIM_ATTEMPT_SQL.format(statuses=sql.in_list(usable))
    for reference in references:
        claimed = await sql.fetch(claim_sql, sale_id, reference, *usable)
        if not claimed:
            raise CardPaymentProblem("That card payment was used for another sale meanwhile.")


def _tender_amounts(applied: Sequence[AppliedTender],
                    attempts: Mapping[str, dict[str, Any]]) -> list[TenderAmount]:
    return [
        TenderAmount(
            t.kind, t.amount_cents,
            via_suspense=bool(t.payment_reference)
            and attempts[t.payment_reference or ""]["status"] == cards.SETTLED_APPROVED,
        )
        for t in applied
    ]


def _tender_values(tender: AppliedTender, attempts: Mapping[str, dict[str, Any]],
                   sign: int) -> list[Any]:
    """A tender row's values after its sale id, in `_TENDER_ROW` order."""
    attempt = attempts.get(tender.payment_reference or "") or {}
    return [
        tender.kind, sign * tender.amount_cents,
        tender.tendered_cents if sign > 0 else 0, tender.change_cents if sign > 0 else 0,
        attempt.get("card_brand"), attempt.get("card_last4"), attempt.get("auth_code"),
        attempt.get("terminal_txn_id"), tender.check_number, tender.account_ref,
    ]


# ---------------------------------------------------------------- complete a sale


async def complete_sale(
    actor: Principal,
    *,
    terminal_id: int,
    idempotency_key: str,
    lines: Sequence[CartLine],
    tenders: Sequence[TenderInput],
    card_serial: str | None = None,
    card_fare_category: str | None = None,
    card_balance_cents: int | None = None,
    override: Principal | None = None,
    at: datetime | None = None,
    finish: Callable[[int], Awaitable[None]] | None = None,
) -> SaleResult:
    """Record a counter sale (see the module docstring). Returns the first result on a retry.

    card_serial / card_fare_category / card_balance_cents: what the kiosk read from the
    customer's fare card (needed for products that go onto a card). `override`: a lead or
    supervisor who signed the sale off (a policy exception); recorded on the sale.
    `finish(sale_id)`: runs inside the sale's transaction, last (the kiosk ends its cart there,
    so the cart and the sale commit or roll back together).
    """
    key = check_idempotency_key(idempotency_key)
    moment = at or _now()
    digest = sale_digest(terminal_id, lines, card_serial)

    async def operation() -> SaleResult:
        shift = await require_open_shift(actor, terminal_id)
        numbered = await _take_receipt_number(terminal_id, key)
        terminal, number, sale_id = numbered.terminal, numbered.number, numbered.sale_id
        if override is not None:
            check_decider(OverrideAction.SALE_EXCEPTION, actor=override, doer_id=actor.id,
                          section_id=int(terminal["section_id"]))
        priced = await price_lines(lines, at=moment, card_serial=card_serial,
                                   card_fare_category=card_fare_category,
                                   card_balance_cents=card_balance_cents)
        total = sum(p.amount_cents for p in priced)
        settlement = settle_tenders(total, tenders)
        attempts = await _check_card_tenders(settlement.tenders, terminal_id=terminal_id, kind=SALE)
        code = receipt_code(terminal["location_code"], terminal["code"], number)
        legs = checked_legs(sale_legs(_line_amounts(priced),
                                      _tender_amounts(settlement.tenders, attempts)))
        txn_id = None
        if legs:
            txn_id = await ledger.post(
                kind="sale", actor=actor, location_id=int(shift["location"]),
                business_date=shift["business_date"], legs=legs, shift_id=int(shift["id"]),
                terminal_id=terminal_id, clerk_id=actor.id, source_type="sale",
                source_id=str(sale_id), memo=f"Sale {code}",
            )
        await _insert_sale(
            sale_id, kind=SALE, terminal_id=terminal_id, shift=shift, clerk_id=actor.id,
            number=number, key=key, total_cents=total, change_cents=settlement.change_cents,
            card_serial=(card_serial or "").strip() or None, original_id=None, reason_code="",
            override_id=override.id if override else None, txn_id=txn_id, created_at=moment,
            digest=digest,
        )
        await _insert_lines(sale_id, [
            [index, p.product["id"], p.description[:160], p.line.quantity, p.unit_cents,
             p.amount_cents, p.product.get("fare_category_code"), p.card_serial, p.valid_from,
             p.valid_to, None]
            for index, p in enumerate(priced, start=1)
        ])
        await _insert_tenders(sale_id, [_tender_values(t, attempts, 1)
                                        for t in settlement.tenders])
        await _claim_attempts(list(attempts), sale_id)
        await _queue_card_loads(sale_id, priced)
        await _queue_receipt(terminal_id, sale_id, actor)
        await record(actor, "sale.complete", "sale", sale_id, {
            "receipt": code, "total_cents": total, "change_cents": settlement.change_cents,
            "tenders": settlement.by_kind,
            "lines": [[p.product["code"], p.line.quantity, p.amount_cents] for p in priced],
            "override": override.username if override else None,
        })
        if finish is not None:
            await finish(sale_id)
        return SaleResult(sale_id, number, code, total, settlement.change_cents, True, SALE,
                          scan_code(terminal["code"], number))

    return await _run_once(key, operation, terminal_id=terminal_id, digest=digest)


# ---------------------------------------------------------------- writing a sale
# Plain INSERTs, several rows in one statement; every column is given (no ORM defaults).

#: One Sale row (its id reserved before: see `_take_receipt_number`).
_INSERT_SALE_SQL = """
INSERT INTO sale (id, kind, terminal, shift, location, clerk, business_date, receipt_number,
                  idempotency_key, total_cents, change_cents, card_serial, original, reason_code,
                  override_by, journal_txn_id, created_at, request_digest)
VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})
"""

#: A sale's lines: one `_LINE_ROW` per line after VALUES.
_INSERT_LINES_SQL = """
INSERT INTO sale_line (sale, line_no, product, description, quantity, unit_cents, amount_cents,
                       fare_category, card_serial, valid_from, valid_to, original_line)
VALUES {rows}
"""
_LINE_ROW = "({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})"

#: A sale's tenders: one `_TENDER_ROW` per tender after VALUES.
_INSERT_TENDERS_SQL = """
INSERT INTO tender (sale, kind, amount_cents, tendered_cents, change_cents, card_brand,
                    card_last4, auth_code, terminal_txn_id, check_number, account_ref)
VALUES {rows}
"""
_TENDER_ROW = "({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})"

#: Pending fare-card loads: one `_LOAD_ROW` per load after VALUES; each finds its sale line
#: by (sale, line_no), so the lines' ids need not be read back.
_INSERT_LOADS_SQL = """
INSERT INTO card_load (sale_line, card_serial, product_code, value_cents, valid_from, valid_to,
                       status, attempts, last_error, written_at)
VALUES {rows}
"""
_LOAD_ROW = ("((SELECT id FROM sale_line WHERE sale = {} AND line_no = {}), "
             "{}, {}, {}, {}, {}, 'pending', 0, '', NULL)")

#: The receipt's job in the terminal's print queue.
_INSERT_PRINT_JOB_SQL = """
INSERT INTO print_job (terminal, sale, duplicate, status, attempts, last_error, created_at,
                       printed_at, requested_by, note)
VALUES ({}, {}, {}, 'queued', 0, '', {}, NULL, {}, '')
"""


def _rows(row_sql: str, count: int) -> str:
    """`count` copies of a VALUES row, comma-separated."""
    return ", ".join([row_sql] * count)


async def _insert_sale(
    sale_id: int, *, kind: str, terminal_id: int, shift: Mapping[str, Any], clerk_id: int | None,
    number: int, key: str, total_cents: int, change_cents: int, card_serial: str | None,
    original_id: int | None, reason_code: str, override_id: int | None, txn_id: int | None,
    created_at: datetime, digest: str,
) -> None:
    await sql.execute(
        _INSERT_SALE_SQL, sale_id, kind, terminal_id, shift["id"], shift["location"], clerk_id,
        shift["business_date"], number, key, total_cents, change_cents, card_serial, original_id,
        reason_code, override_id, txn_id, created_at, digest,
    )


async def _insert_lines(sale_id: int, rows: Sequence[Sequence[Any]]) -> None:
    """rows: line_no, product, description, quantity, unit_cents, amount_cents, fare_category,
    card_serial, valid_from, valid_to, original_line."""
    values = [value for row in rows for value in (sale_id, *row)]
    await sql.execute(_INSERT_LINES_SQL.format(rows=_rows(_LINE_ROW, len(rows))), *values)


async def _insert_tenders(sale_id: int, rows: Sequence[Sequence[Any]]) -> None:
    """rows: `_tender_values` of each tender (none: nothing to write)."""
    if not rows:
        return
    values = [value for row in rows for value in (sale_id, *row)]
    await sql.execute(_INSERT_TENDERS_SQL.format(rows=_rows(_TENDER_ROW, len(rows))), *values)


async def _queue_card_loads(sale_id: int, priced: Sequence[PricedLine]) -> None:
    rows = [  # one load per unit: two day passes are two products on the card
        [sale_id, index, p.card_serial or "", p.product["code"],
         p.unit_cents if p.product["kind"] == STORED_VALUE else 0, p.valid_from, p.valid_to]
        for index, p in enumerate(priced, start=1) if p.loads_card
        for _unit in range(p.line.quantity)
    ]
    if rows:
        await sql.execute(_INSERT_LOADS_SQL.format(rows=_rows(_LOAD_ROW, len(rows))),
                          *[value for row in rows for value in row])


async def _line_ids(sale_id: int) -> dict[int, int]:
    rows = await SaleLine.select(SaleLine.id, SaleLine.line_no).where(SaleLine.sale == sale_id)
    return {int(r["line_no"]): int(r["id"]) for r in rows}


async def _queue_receipt(terminal_id: int, sale_id: int, actor: Principal) -> None:
    await sql.execute(_INSERT_PRINT_JOB_SQL, terminal_id, sale_id, False, _now(), actor.id)


# ---------------------------------------------------------------- reading sales


#: Sale rows with the names screens and receipts show (terminal, location, clerk, override);
#: add a WHERE.
_SALE_SELECT = """
SELECT s.id, s.kind, s.terminal, s.shift, s.location, s.clerk, s.business_date,
       s.receipt_number, s.idempotency_key, s.total_cents, s.change_cents, s.card_serial,
       s.original, s.reason_code, s.override_by, s.journal_txn_id, s.created_at,
       t.code AS terminal_code, t.name AS terminal_name, l.code AS location_code,
       l.name AS location_name, l.section AS section_id, c.full_name AS clerk_name,
       c.username AS clerk_username, o.full_name AS override_name
FROM sale s
JOIN terminal t ON t.id = s.terminal
JOIN location l ON l.id = s.location
JOIN app_user c ON c.id = s.clerk
LEFT JOIN app_user o ON o.id = s.override_by
"""

#: A sale and its voids and refunds (they name it in `original`), oldest first.
_SALE_AND_RETURNS_SQL = _SALE_SELECT + "WHERE s.id = {} OR s.original = {} ORDER BY s.id"

#: Sales with a receipt number (any terminal).
_SALES_BY_NUMBER_SQL = _SALE_SELECT + "WHERE s.receipt_number = {} ORDER BY s.id"

#: A terminal's latest sales, newest first.
_RECENT_SALES_SQL = _SALE_SELECT + "WHERE s.terminal = {} ORDER BY s.id DESC LIMIT {}"

#: A sale's lines with their product's code and kind, in line order.
_SALE_LINES_SQL = """
SELECT sl.id, sl.sale, sl.line_no, sl.product, sl.description, sl.quantity, sl.unit_cents,
       sl.amount_cents, sl.fare_category, sl.card_serial, sl.valid_from, sl.valid_to,
       sl.original_line, p.code AS product_code, p.kind AS product_kind
FROM sale_line sl JOIN product p ON p.id = sl.product
WHERE sl.sale = {}
ORDER BY sl.line_no
"""

#: A sale's tenders, in the order they were written.
_SALE_TENDERS_SQL = """
SELECT id, sale, kind, amount_cents, tendered_cents, change_cents, card_brand, card_last4,
       auth_code, terminal_txn_id, check_number, account_ref
FROM tender WHERE sale = {} ORDER BY id
"""

#: Ids of the sales with a receipt number at a terminal, a location, or both (expanded).
_SALE_IDS_BY_NUMBER_SQL = "SELECT id FROM sale WHERE receipt_number = {{}}{where}"


def _shape_sale(row: dict[str, Any]) -> dict[str, Any]:
    row["receipt_code"] = receipt_code(row["location_code"], row["terminal_code"],
                                       row["receipt_number"])
    row["scan_code"] = scan_code(row["terminal_code"], row["receipt_number"])
    row["kind_label"] = KIND_LABELS.get(row["kind"], row["kind"])
    return row


async def get_sale(sale_id: int) -> dict[str, Any]:
    """The sale with `lines`, `tenders` and `returns` (its voids and refunds).

    Three statements: the sale with its returns, the lines, the tenders.
    """
    rows = await sql.fetch(_SALE_AND_RETURNS_SQL, sale_id, sale_id)
    sale = next((row for row in rows if int(row["id"]) == sale_id), None)
    if sale is None:
        raise NotFound("No such sale.")
    _shape_sale(sale)
    sale["lines"] = await sql.fetch(_SALE_LINES_SQL, sale_id)
    sale["tenders"] = await sql.fetch(_SALE_TENDERS_SQL, sale_id)
    sale["returns"] = [_shape_sale(row) for row in rows if row is not sale]
    return sale


@dataclass(frozen=True)
class Refundable:
    """What of a sale may still be given back: per line and per tender kind."""

    sale: dict[str, Any]
    lines: list[dict[str, Any]]  # each with refundable_quantity
    by_kind: dict[str, int] = field(default_factory=dict)
    voidable: bool = False


async def refundable(sale_id: int) -> Refundable:
    sale = await get_sale(sale_id)
    returned_qty, returned_by_kind = await _returned_so_far(sale_id)
    lines = []
    for line in sale["lines"]:
        line["refundable_quantity"] = int(line["quantity"]) - returned_qty.get(int(line["id"]), 0)
        lines.append(line)
    paid: dict[str, int] = {}
    for tender in sale["tenders"]:
        paid[tender["kind"]] = paid.get(tender["kind"], 0) + int(tender["amount_cents"])
    by_kind = {kind: amount - returned_by_kind.get(kind, 0) for kind, amount in paid.items()}
    return Refundable(sale, lines, by_kind, voidable=sale["kind"] == SALE and not sale["returns"])


async def _returned_so_far(sale_id: int) -> tuple[dict[int, int], dict[str, int]]:
    returns = await Sale.select(Sale.id).where(Sale.original == sale_id)
    ids = [int(r["id"]) for r in returns]
    if not ids:
        return {}, {}
    qty: dict[int, int] = {}
    for line in await SaleLine.select(SaleLine.original_line, SaleLine.quantity).where(
        SaleLine.sale.is_in(ids)
    ):
        key = int(line["original_line"])
        qty[key] = qty.get(key, 0) - int(line["quantity"])
    by_kind: dict[str, int] = {}
    for tender in await Tender.select(Tender.kind, Tender.amount_cents).where(
        Tender.sale.is_in(ids)
    ):
        by_kind[tender["kind"]] = by_kind.get(tender["kind"], 0) - int(tender["amount_cents"])
    return qty, by_kind


async def find_sale_by_receipt(
    receipt_number: int, *, terminal_id: int | None = None, location_id: int | None = None
) -> dict[str, Any] | None:
    """The sale with that receipt number at a terminal, or at a location (one match only)."""
    if terminal_id is None and location_id is None:
        raise ValueError("give terminal_id or location_id")
    where, args = "", [receipt_number]
    if terminal_id is not None:
        where += " AND terminal = {}"
        args.append(terminal_id)
    if location_id is not None:
        where += " AND location = {}"
        args.append(location_id)
    rows = await sql.fetch(_SALE_IDS_BY_NUMBER_SQL.format(where=where), *args)
    if not rows:
        return None
    if len(rows) > 1:
        raise ValidationFailed(
            f"Several counters issued receipt {receipt_number}: scan the receipt's barcode "
            "or enter the full receipt number (like CENTRAL-K1-000123)."
        )
    return await get_sale(int(rows[0]["id"]))


async def find_sale_by_code(
    code: str, *, terminal_id: int | None = None, location_id: int | None = None
) -> dict[str, Any] | None:
    """A sale from a scanned code ('R-K1-123'), a printed number ('CENTRAL-K1-000123'), or a
    bare number at `terminal_id` / `location_id`."""
    parsed = parse_receipt_code(code)
    if parsed is None:
        return None
    if parsed.terminal_code is None and parsed.prefix is None:
        if terminal_id is None and location_id is None:
            return None
        return await find_sale_by_receipt(parsed.number, terminal_id=terminal_id,
                                          location_id=location_id)
    rows = await sql.fetch(_SALES_BY_NUMBER_SQL, parsed.number)
    for row in rows:
        if parsed.terminal_code is not None and (
            row["terminal_code"].upper() == parsed.terminal_code
        ):
            return await get_sale(int(row["id"]))
        if parsed.prefix is not None and parsed.prefix == (
            f"{row['location_code']}-{row['terminal_code']}".upper()
        ):
            return await get_sale(int(row["id"]))
    return None


async def recent_sales(terminal_id: int, *, limit: int = 20) -> list[dict[str, Any]]:
    rows = await sql.fetch(_RECENT_SALES_SQL, terminal_id, limit)
    return [_shape_sale(r) for r in rows]


# ---------------------------------------------------------------- voids and refunds


_ReturnLine = ReturnLine


async def _lock_sale(sale_id: int) -> None:
    """Serialise returns of one sale (PostgreSQL row lock; SQLite's write lock already does)."""
    if not is_sqlite():
        await Sale.raw("SELECT id FROM sale WHERE id = {} FOR UPDATE", sale_id)


async def _original_for_return(sale_id: int) -> Refundable:
    await _lock_sale(sale_id)
    state = await refundable(sale_id)
    check_original(state.sale)
    return state


async def void_sale(
    actor: Principal,
    *,
    terminal_id: int,
    sale_id: int,
    reason_code: str,
    idempotency_key: str,
    card_refunds: Sequence[str] = (),
    override: Principal | None = None,
) -> SaleResult:
    """Void a whole sale of the current open shift at its own terminal.

    Cash, checks and account charges go back as they came; each card payment needs a card
    refund approved at the terminal for the same amount (`card_refunds`: their references).
    Above the override threshold a lead or supervisor (not the clerk) signs it off.
    """
    key = check_idempotency_key(idempotency_key)
    reason = check_reason(reason_code, VOID_REASONS)

    async def operation() -> SaleResult:
        shift = await require_open_shift(actor, terminal_id)
        state = await _original_for_return(sale_id)
        sale = state.sale
        signed_off = check_voidable(actor, state, shift=shift, terminal_id=terminal_id,
                                    terminal_section_id=int(shift["section_id"]),
                                    override=override)
        tenders = await _void_tenders(sale["tenders"], list(card_refunds))
        return_lines = [_ReturnLine(line, int(line["quantity"])) for line in sale["lines"]]
        settlement = settle_refund_tenders(int(sale["total_cents"]), tenders, state.by_kind)
        return await _record_return(
            actor, kind=VOID, key=key, shift=shift, terminal_id=terminal_id, original=sale,
            lines=return_lines, settlement=settlement, reason=reason, override=signed_off,
            card_balance_cents=None, digest=digest,
        )

    digest = return_digest(VOID, terminal_id, sale_id)
    return await _run_once(key, operation, terminal_id=terminal_id, digest=digest)


async def _void_tenders(original_tenders: Sequence[Mapping[str, Any]],
                        card_refunds: list[str]) -> list[TenderInput]:
    """The original tenders, back the way they came; each card payment by a card refund."""
    card_count = sum(1 for t in original_tenders if t["kind"] == CARD)
    if len(card_refunds) != card_count:
        raise ValidationFailed(
            "Refund each card payment on the payment terminal first "
            f"({card_count} card payment(s) on this sale)."
        )
    result = [
        TenderInput(kind=t["kind"], amount_cents=int(t["amount_cents"]),
                    check_number=t["check_number"], account_ref=t["account_ref"])
        for t in original_tenders if t["kind"] != CARD
    ]
    for reference in card_refunds:
        attempt = await cards.get_attempt(reference)
        result.append(TenderInput(kind=CARD, amount_cents=int(attempt["amount_cents"]),
                                  payment_reference=reference))
    return result


async def refund_sale(
    actor: Principal,
    *,
    terminal_id: int,
    original_sale_id: int,
    line_quantities: Mapping[int, int],
    reason_code: str,
    idempotency_key: str,
    refund_tenders: Sequence[TenderInput],
    card_balance_cents: int | None = None,
    override: Principal | None = None,
) -> SaleResult:
    """Refund some lines (by SaleLine id → quantity) of an earlier sale, at this terminal.

    Money goes back to the original tenders (card via a card refund approved at this terminal;
    cash from this drawer), never more per tender kind than was paid that way, and never more
    of a line than was sold (earlier refunds count). Value already written onto a fare card is
    taken off it: a CardLoad with negative value (pending) that the kiosk writes; the card's
    balance (`card_balance_cents`, read by the kiosk) must cover it. Above the override threshold
    a supervisor (not the clerk) signs it off.
    """
    key = check_idempotency_key(idempotency_key)
    reason = check_reason(reason_code, REFUND_REASONS)
    if not line_quantities:
        raise ValidationFailed("Choose what is being refunded.")
    for quantity in line_quantities.values():
        validate_quantity(quantity)

    async def operation() -> SaleResult:
        shift = await require_open_shift(actor, terminal_id)
        state = await _original_for_return(original_sale_id)
        sale = state.sale
        return_lines = refund_lines(actor, state, line_quantities,
                                    terminal_section_id=int(shift["section_id"]))
        amount = sum(r.amount_cents for r in return_lines)
        signed_off = check_override(OverrideAction.REFUND, clerk=actor, override=override,
                                    section_id=int(sale["section_id"]), amount_cents=amount)
        settlement = settle_refund_tenders(amount, refund_tenders, state.by_kind)
        return await _record_return(
            actor, kind=REFUND, key=key, shift=shift, terminal_id=terminal_id, original=sale,
            lines=return_lines, settlement=settlement, reason=reason, override=signed_off,
            card_balance_cents=card_balance_cents, digest=digest,
        )

    digest = return_digest(REFUND, terminal_id, original_sale_id, line_quantities)
    return await _run_once(key, operation, terminal_id=terminal_id, digest=digest)


@dataclass(frozen=True)
class ReturnCheck:
    """A void or refund checked before any card money moves (`check_void`, `check_refund`).

    done: the return already recorded under this form's key (a retry: nothing to send to the
    terminal again). Otherwise `refundable` and `amount_cents` of the return as it will be
    recorded, and the override that signs it off.
    """

    done: SaleResult | None = None
    refundable: Refundable | None = None
    amount_cents: int = 0
    override: Principal | None = None


async def check_void(actor: Principal, *, terminal_id: int, sale_id: int, reason_code: str,
                     idempotency_key: str, override: Principal | None = None) -> ReturnCheck:
    """Everything `void_sale` checks, before the terminal refunds a card (nothing is written)."""
    key = check_idempotency_key(idempotency_key)
    check_reason(reason_code, VOID_REASONS)
    done = await _result_for_key(key, terminal_id=terminal_id,
                                 digest=return_digest(VOID, terminal_id, sale_id))
    if done is not None:
        return ReturnCheck(done=done)
    shift = await require_open_shift(actor, terminal_id)
    state = await refundable(sale_id)
    signed_off = check_voidable(actor, state, shift=shift, terminal_id=terminal_id,
                                terminal_section_id=int(shift["section_id"]), override=override)
    return ReturnCheck(refundable=state, amount_cents=int(state.sale["total_cents"]),
                       override=signed_off)


async def check_refund(actor: Principal, *, terminal_id: int, original_sale_id: int,
                       line_quantities: Mapping[int, int], reason_code: str,
                       idempotency_key: str, override: Principal | None = None) -> ReturnCheck:
    """Everything `refund_sale` checks, before the terminal refunds a card (nothing is written)."""
    key = check_idempotency_key(idempotency_key)
    check_reason(reason_code, REFUND_REASONS)
    for quantity in line_quantities.values():
        validate_quantity(quantity)
    done = await _result_for_key(key, terminal_id=terminal_id, digest=return_digest(
        REFUND, terminal_id, original_sale_id, line_quantities))
    if done is not None:
        return ReturnCheck(done=done)
    shift = await require_open_shift(actor, terminal_id)
    state = await refundable(original_sale_id)
    chosen = refund_lines(actor, state, line_quantities,
                          terminal_section_id=int(shift["section_id"]))
    amount = sum(r.amount_cents for r in chosen)
    signed_off = check_override(OverrideAction.REFUND, clerk=actor, override=override,
                                section_id=int(state.sale["section_id"]), amount_cents=amount)
    return ReturnCheck(refundable=state, amount_cents=amount, override=signed_off)


async def _record_return(
    actor: Principal,
    *,
    kind: str,
    key: str,
    shift: dict[str, Any],
    terminal_id: int,
    original: dict[str, Any],
    lines: Sequence[_ReturnLine],
    settlement: Settlement,
    reason: str,
    override: Principal | None,
    card_balance_cents: int | None,
    digest: str,
) -> SaleResult:
    await require_cash_on_hand(int(shift["id"]), settlement.by_kind.get(CASH, 0), kind)
    numbered = await _take_receipt_number(terminal_id, key)
    terminal, number, sale_id = numbered.terminal, numbered.number, numbered.sale_id
    attempts = await _check_card_tenders(settlement.tenders, terminal_id=terminal_id, kind=REFUND)
    loads = await _loads_to_take_back(lines, card_balance_cents)
    amount = sum(r.amount_cents for r in lines)
    code = receipt_code(terminal["location_code"], terminal["code"], number)
    line_amounts = [
        LineAmount(int(r.original["product"]), r.original["product_kind"],
                   r.original["fare_category"], r.amount_cents)
        for r in lines
    ]
    legs = checked_legs(sale_legs(line_amounts, _tender_amounts(settlement.tenders, attempts),
                                  sign=-1))
    txn_id = None
    if legs:
        txn_id = await ledger.post(
            kind=kind, actor=actor, location_id=int(shift["location"]),
            business_date=shift["business_date"], legs=legs, shift_id=int(shift["id"]),
            terminal_id=terminal_id, clerk_id=actor.id, source_type="sale",
            source_id=str(sale_id), memo=f"{KIND_LABELS[kind]} {code} of {original['receipt_code']}",
        )
    await _insert_sale(
        sale_id, kind=kind, terminal_id=terminal_id, shift=shift, clerk_id=actor.id,
        number=number, key=key, total_cents=-amount, change_cents=0,
        card_serial=original["card_serial"], original_id=original["id"], reason_code=reason,
        override_id=override.id if override else None, txn_id=txn_id, created_at=_now(),
        digest=digest,
    )
    await _insert_lines(sale_id, [
        [index, r.original["product"], r.original["description"], -r.quantity,
         r.original["unit_cents"], -r.amount_cents, r.original["fare_category"],
         r.original["card_serial"], r.original["valid_from"], r.original["valid_to"],
         r.original["id"]]
        for index, r in enumerate(lines, start=1)
    ])
    await _insert_tenders(sale_id, [_tender_values(t, attempts, -1) for t in settlement.tenders])
    await _claim_attempts(list(attempts), sale_id)
    await _take_back_loads(sale_id, loads)
    await _queue_receipt(terminal_id, sale_id, actor)
    await record(actor, f"sale.{kind}", "sale", sale_id, {
        "receipt": code, "original": original["receipt_code"], "amount_cents": amount,
        "reason": reason, "tenders": settlement.by_kind,
        "lines": [[r.original["product_code"], r.quantity, r.amount_cents] for r in lines],
        "override": override.username if override else None,
        "override_id": override.id if override else None,
    })
    return SaleResult(sale_id, number, code, -amount, 0, True, kind,
                      scan_code(terminal["code"], number))


@dataclass(frozen=True)
class _LoadBack:
    line_no: int
    original_load: dict[str, Any]
    written: bool


async def _loads_to_take_back(lines: Sequence[_ReturnLine],
                              card_balance_cents: int | None) -> list[_LoadBack]:
    """Card loads of the returned units: unwritten ones are cancelled, written ones taken off."""
    result: list[_LoadBack] = []
    value_to_remove = 0
    for index, r in enumerate(lines, start=1):
        loads = await CardLoad.select().where(CardLoad.sale_line == r.original["id"]).order_by(
            CardLoad.id)
        if not loads:
            continue
        earlier_returns = await SaleLine.select(SaleLine.id).where(
            SaleLine.original_line == r.original["id"])
        taken_back = await CardLoad.count().where(
            CardLoad.sale_line.is_in([int(x["id"]) for x in earlier_returns] or [-1]))
        unwritten = [ld for ld in loads if ld["status"] in ("pending", "failed")]
        written = [ld for ld in loads if ld["status"] == "written"][taken_back:]
        chosen = [(ld, False) for ld in unwritten] + [(ld, True) for ld in written]
        for load, was_written in chosen[:r.quantity]:
            result.append(_LoadBack(index, load, was_written))
            if was_written:
                value_to_remove += int(load["value_cents"])
    if value_to_remove:
        if card_balance_cents is None:
            raise ValidationFailed("Read the customer's fare card: the refunded value is taken "
                                   "off it.")
        if card_balance_cents < value_to_remove:
            raise SaleRefused(
                f"The card holds {card_balance_cents} cents; {value_to_remove} cents of stored "
                "value cannot be taken off it. Refund only what is still on the card."
            )
    return result


async def _take_back_loads(sale_id: int, loads: Sequence[_LoadBack]) -> None:
    if not loads:
        return
    line_ids = await _line_ids(sale_id)
    for item in loads:
        load = item.original_load
        if item.written:
            await CardLoad.insert(CardLoad(
                sale_line=line_ids[item.line_no], card_serial=load["card_serial"],
                product_code=load["product_code"], value_cents=-int(load["value_cents"]),
                valid_from=load["valid_from"], valid_to=load["valid_to"], status="pending",
            ))
        else:  # never reached the card: nothing to take off it
            await CardLoad.update({CardLoad.status: "refunded"}).where(CardLoad.id == load["id"])
