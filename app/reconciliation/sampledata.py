"""Worked shifts for tests, the browser flow and demos: a drawer opened, sales rung up, the
drawer counted. Not used by the running application.

Shifts go through the real drawer services (open_shift, submit_count); sales are written the
way the kiosk writes them (a Sale with lines and tenders, a gap-free receipt number and one
balanced ledger transaction from `sales.postings.sale_legs`), so the day board reads the same
records it reads in production.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from app.auth.principal import Principal
from app.catalog.tables import FareCategory, Product
from app.db import write_transaction
from app.drawers import services as drawers
from app.ledger import services as ledger
from app.sales.numbers import next_receipt_number, reserve_sale_id
from app.sales.postings import LineAmount, TenderAmount, sale_legs
from app.sales.tables import Sale, SaleLine, Tender
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


async def product(code: str = "ADULT-DAY", kind: str = "day_pass", category: str = "adult"
                  ) -> Item:
    """A product to sell (created on first use), as an Item worth $5.00."""
    cat = await FareCategory.select(FareCategory.id).where(FareCategory.code == category).first()
    if cat is None:
        row = FareCategory(code=category, name=category.title())
        await row.save()
        cat_id = int(row.id)
    else:
        cat_id = int(cat["id"])
    found = await Product.select(Product.id).where(Product.code == code).first()
    if found is None:
        row2 = Product(code=code, name=code.replace("-", " ").title(), kind=kind,
                       fare_category=cat_id, created_at=datetime.now(UTC))
        await row2.save()
        product_id = int(row2.id)
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
    """Ring up one sale on the shift; returns the receipt number."""
    total = sum(i.amount_cents for i in items)
    async with write_transaction():
        number = await next_receipt_number(worked.terminal_id)
        sale_id = await reserve_sale_id()
        legs = sale_legs(
            [LineAmount(i.product_id, i.kind, i.fare_category, i.amount_cents) for i in items],
            [TenderAmount(p.kind, p.amount_cents) for p in pays],
        )
        txn = await ledger.post(
            kind="sale", actor=worked.clerk, location_id=location_id, business_date=day,
            legs=legs, shift_id=worked.shift_id, terminal_id=worked.terminal_id,
            clerk_id=worked.clerk.id, source_type="sale", source_id=str(sale_id),
        )
        await Sale.insert(Sale(
            id=sale_id, kind="sale", terminal=worked.terminal_id, shift=worked.shift_id,
            location=location_id, clerk=worked.clerk.id, business_date=day,
            receipt_number=number, idempotency_key=secrets.token_hex(16), total_cents=total,
            journal_txn_id=txn, created_at=datetime.now(UTC),
        ))
        await SaleLine.insert(*[
            SaleLine(sale=sale_id, line_no=n, product=i.product_id, description=i.description,
                     quantity=1, unit_cents=i.amount_cents, amount_cents=i.amount_cents,
                     fare_category=i.fare_category)
            for n, i in enumerate(items, start=1)
        ])
        await Tender.insert(*[
            Tender(sale=sale_id, kind=p.kind, amount_cents=p.amount_cents,
                   tendered_cents=p.amount_cents if p.kind == "cash" else 0,
                   check_number=p.check_number,
                   card_brand="VISA" if p.kind == "card" else None,
                   card_last4="4242" if p.kind == "card" else None)
            for p in pays
        ])
    worked.receipts.append(number)
    return number


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
