"""Pricing a cart from the catalog: client prices are never trusted; the only amount the clerk
enters is a stored-value load, checked against the product's bounds and the card's cap."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

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
from app.errors import NotFound, ValidationFailed
from app.formatting import business_date as agency_date
from app.sales.cart import Cart, CartLine, validate_lines
from app.sales.errors import SaleRefused
from app.sales.idempotency import now
from app.sales.postings import LineAmount


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
    priced = await price_lines(lines, at=at or now(), card_serial=card_serial,
                               card_fare_category=card_fare_category,
                               card_balance_cents=card_balance_cents, products=products)
    return Cart(tuple(
        replace(p.line, product_code=p.product["code"], kind=p.product["kind"],
                description=p.description, unit_cents=p.unit_cents,
                fare_category=p.product.get("fare_category_code"), card_serial=p.card_serial,
                valid_from=p.valid_from, valid_to=p.valid_to)
        for p in priced
    ))


def line_amounts(priced: Sequence[PricedLine]) -> list[LineAmount]:
    return [
        LineAmount(int(p.product["id"]), p.product["kind"], p.product.get("fare_category_code"),
                   p.amount_cents)
        for p in priced
    ]
