"""The clerk's cart at a terminal, kept server-side (KioskCart) so a lock or a reload loses
nothing. Prices shown here are display hints: `complete_sale` re-prices from the catalog.

Tenders already collected (an approved card payment, a check) stay with the cart until the
sale completes; while any is collected the lines are frozen, so the money taken always matches
what the customer is buying.
"""

from __future__ import annotations

import copy
import json
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from app import sql
from app.catalog import services as catalog
from app.catalog.errors import NoPrice
from app.catalog.rules import CARD_KINDS, MONTHLY_PASS, STORED_VALUE, month_label
from app.db import in_transaction
from app.drawers import services as drawers
from app.drawers import states as drawer_states
from app.errors import Conflict, NotFound, ValidationFailed
from app.kiosk.context import AtKiosk
from app.kiosk.tables import KioskCart
from app.sales.cart import MAX_QUANTITY, CartLine, TenderInput
from app.sales.pricing import quote_cart


def _now() -> datetime:
    return datetime.now(UTC)


def new_key() -> str:
    """An idempotency key for one rendered checkout form."""
    return secrets.token_hex(16)


@dataclass
class CartState:
    row_id: int
    lines: list[dict[str, Any]] = field(default_factory=list)
    fare_card: dict[str, Any] | None = None
    tenders: list[dict[str, Any]] = field(default_factory=list)
    payment_reference: str = ""
    payment_prompt: str = ""
    #: the sale that ended the previous cart (the kiosk shows it was sold)
    last_sale: int | None = None
    started_at: datetime | None = None
    #: the cart outlived a lock or a sign-in: the clerk confirms or clears it first
    kept_since: datetime | None = None

    @property
    def age_minutes(self) -> int:
        """How long ago the first item of this cart went on, in whole minutes."""
        if self.started_at is None:
            return 0
        return max(int((_now() - self.started_at).total_seconds() // 60), 0)

    @property
    def total_cents(self) -> int:
        return sum(int(line["unit_cents"]) * int(line["quantity"]) for line in self.lines)

    @property
    def collected_cents(self) -> int:
        return sum(int(t["amount_cents"]) for t in self.tenders)

    @property
    def remaining_cents(self) -> int:
        return self.total_cents - self.collected_cents

    @property
    def frozen(self) -> bool:
        return bool(self.tenders) or bool(self.payment_reference)

    @property
    def item_count(self) -> int:
        return sum(int(line["quantity"]) for line in self.lines)

    def cart_lines(self) -> list[CartLine]:
        return [CartLine(
            product_id=int(line["product_id"]), product_code=line["product_code"],
            kind=line["kind"], description=line["description"], quantity=int(line["quantity"]),
            unit_cents=int(line["unit_cents"]), fare_category=line.get("fare_category"),
            card_serial=line.get("card_serial"),
            valid_from=date.fromisoformat(line["valid_from"]) if line.get("valid_from") else None,
            valid_to=date.fromisoformat(line["valid_to"]) if line.get("valid_to") else None,
            value_cents=line.get("value_cents"),
        ) for line in self.lines]

    def collected_tenders(self) -> list[TenderInput]:
        return [TenderInput(kind=t["kind"], amount_cents=int(t["amount_cents"]),
                            payment_reference=t.get("payment_reference"),
                            check_number=t.get("check_number")) for t in self.tenders]

    def card_facts(self) -> dict[str, Any]:
        card = self.fare_card or {}
        return {"card_serial": card.get("serial"),
                "card_fare_category": card.get("fare_category") or None,
                "card_balance_cents": card.get("stored_value_cents")}


def _key(at: AtKiosk) -> str:
    return f"{at.terminal_id}:{at.clerk.id}"


#: The cart row of one clerk at one terminal (by cart_key), or no row.
LOAD_SQL = """
SELECT id, lines, fare_card, tenders, payment_reference, payment_prompt, last_sale, started_at,
       kept_since
FROM kiosk_cart WHERE cart_key = {}
"""
#: The terminal's open shift (drawers.SHIFT_COLUMNS) and, beside it, the clerk's cart row
#: (cart_* columns, NULL when the clerk has no cart yet); no row when no shift is open.
LOAD_WITH_OPEN_SHIFT_SQL = f"""
SELECT {drawers.SHIFT_COLUMNS},
       c.id AS cart_id, c.lines AS cart_lines, c.fare_card AS cart_fare_card,
       c.tenders AS cart_tenders, c.payment_reference AS cart_payment_reference,
       c.payment_prompt AS cart_payment_prompt, c.last_sale AS cart_last_sale,
       c.started_at AS cart_started_at, c.kept_since AS cart_kept_since
{drawers.SHIFT_FROM}
LEFT JOIN kiosk_cart c ON c.cart_key = {{}}
WHERE s.terminal = {{}} AND s.status = {{}} LIMIT 1
"""
_CART_COLUMNS = ("id", "lines", "fare_card", "tenders", "payment_reference", "payment_prompt",
                 "last_sale", "started_at", "kept_since")
#: Store the whole cart state of one row.
SAVE_SQL = """
UPDATE kiosk_cart SET lines = {}, fare_card = {}, tenders = {}, payment_reference = {},
payment_prompt = {}, updated_at = {}, started_at = {}, kept_since = {} WHERE id = {}
"""
#: Store the live prompt of the card payment in flight.
SET_PROMPT_SQL = "UPDATE kiosk_cart SET payment_prompt = {} WHERE id = {}"


async def load(at: AtKiosk) -> CartState:
    return await _state(at, await sql.fetch_one(LOAD_SQL, _key(at)))


async def load_for_selling(at: AtKiosk) -> tuple[dict[str, Any], CartState]:
    """`drawers.require_open_shift(at.clerk, at.terminal_id)` then `load(at)`, in one statement
    (two inside a transaction, where the shift must be read under its lock)."""
    if in_transaction():
        shift = await drawers.require_selling_shift(at.clerk, at.terminal_id)
        return shift, await load(at)
    row = await sql.fetch_one(LOAD_WITH_OPEN_SHIFT_SQL, _key(at), at.terminal_id,
                              drawer_states.OPEN)
    cart = {name: row.pop(f"cart_{name}") for name in _CART_COLUMNS} if row else {}
    # the row is now the shift's columns only; selling needs the clerk's own drawer
    shift = drawers.check_selling_shift(at.clerk, drawers.check_open_shift(at.clerk, row))
    return shift, await _state(at, cart if cart.get("id") is not None else None)


async def _state(at: AtKiosk, row: dict[str, Any] | None) -> CartState:
    """The cart in a kiosk_cart row; with no row, the clerk's first cart is made here."""
    if row is None:
        cart = KioskCart(cart_key=_key(at), terminal=at.terminal_id, clerk=at.clerk.id,
                         updated_at=_now())
        await cart.save()
        return CartState(row_id=int(cart.id))
    return CartState(
        row_id=int(row["id"]), lines=json.loads(row["lines"] or "[]"),
        fare_card=json.loads(row["fare_card"]) if row["fare_card"] else None,
        tenders=json.loads(row["tenders"] or "[]"),
        payment_reference=row["payment_reference"], payment_prompt=row["payment_prompt"],
        last_sale=row.get("last_sale"), started_at=_aware(row.get("started_at")),
        kept_since=_aware(row.get("kept_since")),
    )


def _aware(value: Any) -> datetime | None:
    """A timestamp column as an aware datetime (SQLite may hand back text or a naive value)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


async def save(state: CartState) -> None:
    """Store the cart. The first item starts the customer's clock (`started_at`); an empty
    cart is nobody's, so it is no longer a kept cart either."""
    if not state.lines and not state.tenders:
        state.started_at, state.kept_since = None, None
    elif state.started_at is None:
        state.started_at = _now()
    await sql.execute(
        SAVE_SQL, json.dumps(state.lines),
        json.dumps(state.fare_card, default=str) if state.fare_card else "",
        json.dumps(state.tenders), state.payment_reference, state.payment_prompt[:200], _now(),
        state.started_at, state.kept_since, state.row_id,
    )


async def set_prompt(row_id: int, prompt: str) -> None:
    await sql.execute(SET_PROMPT_SQL, prompt[:200], row_id)


async def check_lines(state: CartState, lines: list[dict[str, Any]] | None = None,
                      fare_card: dict[str, Any] | None = None,
                      products: Mapping[int, dict[str, Any]] | None = None) -> None:
    """Price and check `lines` (default: the cart's) as the sale will: the catalog's rules, the
    fare card's category, balance and cap, the pass sales window, quantities. Raises what
    `complete_sale` would raise; nothing is written. Called before a line enters the cart and
    before the payment terminal is asked to charge, so no card pays for a sale the books would
    refuse."""
    probe = replace(state, lines=state.lines if lines is None else lines,
                    fare_card=state.fare_card if fare_card is None else fare_card)
    await quote_cart(probe.cart_lines(), **probe.card_facts(), products=products)


def refuse_if_kept(state: CartState) -> None:
    """A cart kept across a lock or a sign-in may be the last customer's: the clerk confirms it
    (Keep for this customer) or clears it before the next item or payment."""
    if state.kept_since is not None and (state.lines or state.tenders):
        items = sum(int(line["quantity"]) for line in state.lines)
        raise ValidationFailed(
            f"This cart was kept from {state.age_minutes} minute(s) ago ({items} item(s)). "
            "If it is this customer's, press Keep for this customer; otherwise clear it first.")


async def confirm_kept(state: CartState) -> None:
    """The clerk says the kept cart is the customer's in front of them."""
    state.kept_since = None
    await save(state)


def _refuse_if_frozen(state: CartState) -> None:
    if state.frozen:
        raise ValidationFailed(
            "Part of this sale is already paid. Finish it with another tender for the "
            "rest before changing the items.")


async def add_product(at: AtKiosk, state: CartState, product_id: int, *,
                      value_cents: int | None = None, pass_month: date | None = None,
                      product: Mapping[str, Any] | None = None) -> str:
    """Put a product on the cart; returns the description (for the customer display).

    `product`: the product with its `price_cents` in force now, when the caller has just read
    it (`catalog.find_product`); otherwise it is read here, with its price, in one statement.
    """
    refuse_if_kept(state)
    _refuse_if_frozen(state)
    wanted = {product_id, *(int(line["product_id"]) for line in state.lines)}
    if product is not None and int(product["id"]) == product_id and wanted == {product_id}:
        rows: dict[int, dict[str, Any]] = {product_id: dict(product)}
    else:  # the new product and the cart's others, with their prices, in one statement
        rows = await catalog.products_with_prices(wanted, _now())
    if product_id not in rows:
        raise NotFound("No such product.")
    product = rows[product_id]
    if not product["active"]:
        raise ValidationFailed(f"{product['name']} is no longer sold.")
    card = state.fare_card
    if (product["requires_card"] or product["kind"] in CARD_KINDS) and card is None:
        raise ValidationFailed(f"{product['name']} goes onto a fare card: read the "
                               "customer's card first (Read card).")
    description = product["name"]
    if product["kind"] == STORED_VALUE:
        if value_cents is None or value_cents <= 0:
            raise ValidationFailed("Enter the amount to load.",
                                   field_errors={"value": "Enter the amount."})
        unit = value_cents
        description = f"{product['name']} {unit // 100}.{unit % 100:02d}"
    else:
        if product["price_cents"] is None:
            raise NoPrice(catalog.NO_PRICE_MESSAGE)
        unit = int(product["price_cents"])
    if product["kind"] == MONTHLY_PASS and pass_month is not None:
        description = f"{product['name']} – {month_label(pass_month)}"
    serial = card["serial"] if card and (product["requires_card"]
                                         or product["kind"] in CARD_KINDS) else None
    lines = copy.deepcopy(state.lines)
    for line in lines:
        same = (line["product_id"] == product_id and product["kind"] not in CARD_KINDS
                and line.get("valid_from") == (pass_month.isoformat() if pass_month else None))
        if same and line["quantity"] < MAX_QUANTITY:
            line["quantity"] += 1
            await check_lines(state, lines, products=rows)
            state.lines = lines
            await save(state)
            return str(line["description"])
    lines.append({
        "product_id": product_id, "product_code": product["code"], "kind": product["kind"],
        "description": description, "quantity": 1, "unit_cents": unit,
        "fare_category": product.get("fare_category_code"), "card_serial": serial,
        "valid_from": pass_month.isoformat() if pass_month else None, "valid_to": None,
        "value_cents": value_cents if product["kind"] == STORED_VALUE else None,
        "requires_card": bool(product["requires_card"]),
    })
    await check_lines(state, lines, products=rows)
    state.lines = lines
    await save(state)
    return description


async def set_quantity(state: CartState, index: int, quantity: int) -> None:
    _refuse_if_frozen(state)
    if not 0 <= index < len(state.lines):
        raise ValidationFailed("That line is no longer on the cart.")
    lines = copy.deepcopy(state.lines)
    line = lines[index]
    if quantity <= 0:
        lines.pop(index)
    else:
        if quantity > 1 and line["kind"] in CARD_KINDS:
            raise ValidationFailed(f"{line['description']}: one per card (quantity 1).")
        line["quantity"] = min(quantity, MAX_QUANTITY)
        await check_lines(state, lines)
    state.lines = lines
    await save(state)


async def clear(state: CartState) -> None:
    _refuse_if_frozen(state)
    state.lines = []
    state.fare_card = None
    await save(state)


async def attach_card(state: CartState, card: dict[str, Any]) -> None:
    """Remember the card just read; card lines move onto it."""
    if state.fare_card and state.fare_card.get("serial") != card.get("serial"):
        _refuse_if_frozen(state)
    lines = copy.deepcopy(state.lines)
    for line in lines:
        if line.get("requires_card") or line["kind"] in CARD_KINDS:
            line["card_serial"] = card.get("serial")
    if any(line.get("card_serial") for line in lines):
        # the cart's card products must fit the card just read (category, balance and cap)
        await check_lines(state, lines, fare_card=card)
    state.fare_card = card
    state.lines = lines
    await save(state)


async def add_tender(state: CartState, tender: dict[str, Any]) -> None:
    state.tenders.append(tender)
    await save(state)


async def drop_tender(state: CartState, index: int) -> dict[str, Any]:
    """Take a collected tender off the cart (its money was given back); returns it."""
    if not 0 <= index < len(state.tenders):
        raise ValidationFailed("That payment is no longer on the cart.")
    tender = state.tenders.pop(index)
    await save(state)
    return tender


#: The cart becomes empty as its sale is recorded, in the sale's transaction, only if it is
#: still the cart that was priced and paid (nothing added, no card payment started since).
END_IN_SALE_SQL = """
UPDATE kiosk_cart SET lines = '[]', fare_card = '', tenders = '[]', payment_reference = '',
payment_prompt = '', updated_at = {}, last_sale = {}, started_at = NULL, kept_since = NULL
WHERE id = {} AND lines = {} AND tenders = {}
AND payment_reference = ''
RETURNING id
"""


def end_in_sale(state: CartState) -> Callable[[int], Awaitable[None]]:
    """For `complete_sale(finish=...)`: end this cart inside the sale's transaction."""
    lines, tenders = json.dumps(state.lines), json.dumps(state.tenders)

    async def finish(sale_id: int) -> None:
        if not await sql.fetch(END_IN_SALE_SQL, _now(), sale_id, state.row_id, lines, tenders):
            raise Conflict("The cart changed while it was being paid (another screen, or a "
                           "card payment started). Nothing was recorded: check the cart and "
                           "take the payment again.")
        state.lines, state.tenders, state.fare_card = [], [], None
        state.payment_reference, state.payment_prompt = "", ""
        state.last_sale, state.started_at, state.kept_since = sale_id, None, None

    return finish


async def require_no_card_running(state: CartState) -> None:
    """No other tender completes the sale while a card payment for this cart is still at the
    payment terminal: its answer is applied first (an approval becomes a tender here)."""
    refuse_if_kept(state)
    if not state.payment_reference:
        return
    from app.sales import bank_card_payments as bank_cards

    attempt = await bank_cards.get_attempt(state.payment_reference)
    if attempt["status"] in bank_cards.OPEN_STATUSES:
        raise ValidationFailed(
            "A card payment for this sale is still running on the payment terminal. Wait for "
            "its answer (or cancel it on the terminal) before taking another tender.")
    await apply_card_answer(state, attempt)


async def apply_card_answer(state: CartState, attempt: Mapping[str, Any]) -> None:
    """The card payment in flight has its answer: an approval becomes a card tender (once);
    any answer frees the cart from the terminal."""
    from app.sales import bank_card_payments as bank_cards

    if state.payment_reference != attempt["reference"] or attempt["status"] == bank_cards.PENDING:
        return

    state.payment_reference, state.payment_prompt = "", ""
    reference = str(attempt["reference"])
    if attempt["status"] in bank_cards.USABLE_STATUSES and not any(
            t.get("payment_reference") == reference for t in state.tenders):
        brand, last4 = attempt.get("card_brand"), attempt.get("card_last4")
        state.tenders.append({"kind": "card", "amount_cents": int(attempt["amount_cents"]),
                              "payment_reference": reference,
                              "label": f"card {brand} ••{last4}" if brand and last4 else "card"})
    await save(state)


