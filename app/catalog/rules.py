"""Pure catalog rules: pass sales windows, card eligibility, stored-value load bounds.

No database here: services and the kiosk pass in the product as a mapping (as returned by
`catalog.services`: keys `kind`, `name`, `fare_category_code`, `fare_category_name`,
`reduced`, `min_cents`, `max_cents`, `balance_cap_cents`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from app.catalog.errors import LoadRefused, NotEligible, PassNotOnSale
from app.formatting import money, with_article

CARD_FEE = "card_fee"
STORED_VALUE = "stored_value"
MONTHLY_PASS = "monthly_pass"  # noqa: S105 - a product kind, not a secret
DAY_PASS = "day_pass"  # noqa: S105 - a product kind, not a secret
TICKET_BOOK = "ticket_book"
TAXI_SCRIP = "taxi_scrip"
HS_TICKET_BOOK = "hs_ticket_book"

PRODUCT_KINDS: dict[str, str] = {
    CARD_FEE: "New card fee",
    STORED_VALUE: "Stored value load",
    MONTHLY_PASS: "Monthly pass",
    DAY_PASS: "Day pass",
    TICKET_BOOK: "Ticket book",
    TAXI_SCRIP: "Taxi scrip",
    HS_TICKET_BOOK: "Human-service ticket book",
}

#: Kinds that are written onto a fare card (the card must be read first).
CARD_KINDS = frozenset({STORED_VALUE, MONTHLY_PASS, DAY_PASS})

#: The last day of the pass month on which that month's pass is still sold.
LAST_SALE_DAY = 14

#: Default stored-value balance cap when a product names none ($400).
DEFAULT_BALANCE_CAP_CENTS = 40_000


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    """The first of the month `count` months after (or before) `month`'s month."""
    index = month.year * 12 + (month.month - 1) + count
    return date(index // 12, index % 12 + 1, 1)


def monthly_pass_window(pass_month: date) -> tuple[date, date]:
    """(first sale day, last sale day): from the 1st of the prior month to the 14th of the month.

    No proration: the pass costs the same on every day of its window.
    """
    month = first_of_month(pass_month)
    return add_months(month, -1), month.replace(day=LAST_SALE_DAY)


def pass_on_sale(pass_month: date, today: date) -> bool:
    first, last = monthly_pass_window(pass_month)
    return first <= today <= last


def sellable_pass_months(today: date) -> list[date]:
    """The pass months on sale `today`, earliest first (this month until the 14th, and next)."""
    this_month = first_of_month(today)
    candidates = [this_month, add_months(this_month, 1)]
    return [month for month in candidates if pass_on_sale(month, today)]


def month_label(month: date) -> str:
    return month.strftime("%B %Y")


def check_pass_month(pass_month: date, today: date) -> None:
    """Refuse a monthly pass for a month that is not on sale today."""
    if pass_on_sale(pass_month, today):
        return
    first, last = monthly_pass_window(pass_month)
    raise PassNotOnSale(
        f"{month_label(pass_month)} passes are sold from {first:%B} {first.day} to "
        f"{last:%B} {last.day}; today is {today:%B} {today.day}."
    )


def check_card_eligibility(product: Mapping[str, Any], card_fare_category: str | None) -> None:
    """A reduced-fare product goes only onto a card of the same fare category.

    `card_fare_category` is the category code the card carries (None: a full-fare card).
    Full-fare products go onto any card.
    """
    category = product.get("fare_category_code")
    if not product.get("reduced") or not category:
        return
    if card_fare_category == category:
        return
    category_name = product.get("fare_category_name") or category
    card_text = with_article(f"{card_fare_category} card") if card_fare_category else "a full-fare card"
    raise NotEligible(
        f"{product.get('name', 'This product')} is for {category_name} customers only; this is "
        f"{card_text}. Check the customer's permit or sell the matching product."
    )


def check_stored_value_load(
    product: Mapping[str, Any], amount_cents: int, current_balance_cents: int
) -> None:
    """A load between the product's minimum and maximum that keeps the card under its cap."""
    if type(amount_cents) is not int or type(current_balance_cents) is not int:
        raise TypeError("stored-value amounts are integer cents")
    minimum = product.get("min_cents")
    maximum = product.get("max_cents")
    cap = product.get("balance_cap_cents") or DEFAULT_BALANCE_CAP_CENTS
    if amount_cents <= 0:
        raise LoadRefused("Enter an amount to load.")
    if minimum is not None and amount_cents < minimum:
        raise LoadRefused(f"The smallest load is {money(minimum)}.")
    if maximum is not None and amount_cents > maximum:
        raise LoadRefused(f"The largest load is {money(maximum)}.")
    if current_balance_cents + amount_cents > cap:
        room = max(cap - current_balance_cents, 0)
        raise LoadRefused(
            f"A card holds at most {money(cap)}; this card has {money(current_balance_cents)}, "
            f"so at most {money(room)} can be loaded."
        )
