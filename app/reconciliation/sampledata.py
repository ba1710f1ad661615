"""Worked shifts for tests, the browser flow and demos: a drawer opened, sales rung up, the
drawer counted. Not used by the running application.

Shifts go through the real drawer services (open_shift, submit_count) and sales through the
kiosk's sale service (complete_sale: sale, lines, tenders, gap-free receipt number, one balanced
ledger transaction; a card is charged and approved on the terminal first; the receipt is marked
printed), so the day board reads the same records it reads in production.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from app.auth.principal import Principal
from app.catalog.tables import FareCategory, Price, Product
from app.drawers import services as drawers
from app.sales import bank_card_payments as bank_cards
from app.sales import printing
from app.sales.cart import CartLine, TenderInput
from app.sales.recording import complete_sale
from app.terminals.tables import Terminal

#: $150.00: 5 × $20, 4 × $10, 2 × $5.
FLOAT = {2000: 5, 1000: 4, 500: 2}


@dataclass(frozen=True)
class Item:
    product_id: int
    kind: str
    fare_category: str | None
    amount_cents: int
    description: str = "Fare"


@dataclass(frozen=True)
class Pay:
    kind: str  # cash | card | check
    amount_cents: int
    check_number: str | None = None


@dataclass
class WorkedShift:
    shift_id: int
    terminal_id: int
    clerk: Principal
    receipts: list[int] = field(default_factory=list)


async def product(code: str = "RC-ADULT", kind: str = "ticket_book", category: str = "adult",
                  name: str = "Adult ticket") -> Item:
    """A product sold over the counter without a fare card (created on first use with a price
    of $5.00 in force since 2000), as an Item worth $5.00."""
    cat = await FareCategory.select(FareCategory.id).where(FareCategory.code == category).first()
    if cat is None:
        row = FareCategory(code=category, name=category.title())
        await row.save()
        cat_id = int(row.id)
    else:
        cat_id = int(cat["id"])
    found = await Product.select(Product.id).where(Product.code == code).first()
    if found is None:
        row2 = Product(code=code, name=name, kind=kind,
                       fare_category=cat_id, created_at=datetime.now(UTC))
        await row2.save()
        product_id = int(row2.id)
        await Price.insert(Price(product=product_id, amount_cents=500,
                                 effective_from=datetime(2000, 1, 1, tzinfo=UTC),
                                 created_at=datetime.now(UTC)))
    else:
        product_id = int(found["id"])
    return Item(product_id, kind, category, 500, code)


async def terminal(location_id: int, code: str | None = None) -> int:
    code = code or f"T{secrets.token_hex(3).upper()}"
    row = Terminal(code=code[:20], name=f"Counter {code}", location=location_id)
    await row.save()
    return int(row.id)


async def open_drawer(clerk: Principal, terminal_id: int, location_id: int, day: date,
                      float_counts: dict[int, int] | None = None) -> WorkedShift:
    shift_id = await drawers.open_shift(clerk, terminal_id=terminal_id, location_id=location_id,
                                        denominations=float_counts or FLOAT, business_date=day)
    return WorkedShift(shift_id, terminal_id, clerk)


async def sell(worked: WorkedShift, location_id: int, day: date, items: Sequence[Item],
               pays: Sequence[Pay]) -> int:
    """Ring up one sale on the shift through the kiosk's sale service (a card is charged on the
    terminal first and approved); the receipt prints. Returns the receipt number.

    `location_id` and `day` are the shift's (the sale service takes them from the shift)."""
    del location_id, day
    tenders = []
    for pay in pays:
        reference = None
        if pay.kind == "card":
            reference = await bank_cards.begin_card_payment(
                worked.clerk, terminal_id=worked.terminal_id, amount_cents=pay.amount_cents)
            await bank_cards.record_card_result(reference, "approved", "VISA", "4242", "A1B2C3",
                                                f"TT{secrets.token_hex(4)}", "APPROVED")
        tenders.append(TenderInput(pay.kind, pay.amount_cents, payment_reference=reference,
                                   check_number=pay.check_number))
    result = await complete_sale(
        worked.clerk, terminal_id=worked.terminal_id, idempotency_key=secrets.token_hex(16),
        lines=[CartLine(product_id=i.product_id, quantity=1) for i in items], tenders=tenders,
    )
    for job in await printing.next_print_jobs(worked.terminal_id, limit=50):
        await printing.mark_printed(int(job["id"]))
    worked.receipts.append(result.receipt_number)
    return result.receipt_number


def counts_for(cents: int) -> dict[int, int]:
    """Denominations that make up `cents` (largest first)."""
    result: dict[int, int] = {}
    for value in (10000, 5000, 2000, 1000, 500, 100, 25, 10, 5, 1):
        pieces, cents = divmod(cents, value)
        if pieces:
            result[value] = pieces
    return result


async def count_drawer(worked: WorkedShift, cash_cents: int, *, checks_cents: int = 0,
                       checks_count: int = 0, card_cents: int = 0,
                       counter: Principal | None = None) -> drawers.CountResult:
    return await drawers.submit_count(
        counter or worked.clerk, shift_id=worked.shift_id, denominations=counts_for(cash_cents),
        checks_cents=checks_cents, checks_count=checks_count, card_cents=card_cents,
    )
