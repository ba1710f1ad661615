"""Helpers shared by the sales, refund, payment and print-queue tests (no tests here).

A `Shop` is one counter with an open shift and a small catalog: a day pass, a ticket book, a new
card fee, an adult monthly pass, a reduced (senior) monthly pass and a stored-value load.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from piccolo.query.functions.aggregate import Sum

from app.auth.principal import SYSTEM, Principal
from app.auth.roles import Role
from app.catalog import rules
from app.catalog import services as catalog
from app.formatting import business_date
from app.ledger.tables import Posting
from app.org.services import LocationForm, save_location
from app.sales import bank_card_payments as bank_cards
from app.sales.cart import CartLine, TenderInput
from tests.fixtures import Org, make_org, make_user, unique
from tests.integration.test_drawers_support import FLOAT_CENTS, Counter, make_terminal, open_counter

SCRIP_CENTS = 500
DAY_PASS_CENTS = 600
TICKET_BOOK_CENTS = 2_250
CARD_FEE_CENTS = 300
PASS_CENTS = 10_000
SENIOR_PASS_CENTS = 3_600


@dataclass
class Shop:
    counter: Counter
    shift_id: int
    admin: Principal
    scrip: int
    day_pass: int
    ticket_book: int
    card_fee: int
    adult_pass: int
    senior_pass: int
    stored_value: int
    senior_code: str

    @property
    def terminal_id(self) -> int:
        return self.counter.terminal_id

    @property
    def clerk(self) -> Principal:
        return self.counter.clerk

    @property
    def supervisor(self) -> Principal:
        return self.counter.supervisor

    @property
    def lead(self) -> Principal:
        return self.counter.lead

    @property
    def location_id(self) -> int:
        return self.counter.location_id


def _code(prefix: str) -> str:
    return unique(prefix).upper()[:32]


async def _product(admin: Principal, kind: str, price: int | None, **fields: Any) -> int:
    product_id = await catalog.save_product(admin, catalog.ProductForm(
        code=_code("P"), name=unique(f"{kind} "), kind=kind, **fields))
    if price is not None:
        await catalog.schedule_price(admin, product_id, price)
    return product_id


@dataclass
class _Pool:
    """Staff and catalog shared by shops of one section (password hashing is slow)."""

    section_id: int
    admin: Principal
    lead: Principal
    supervisor: Principal
    products: dict[str, int]
    senior_code: str


_POOLS: list[_Pool] = []


async def _pool(fresh: bool) -> _Pool:
    if _POOLS and not fresh:
        return _POOLS[0]
    admin = await make_user(Role.ADMINISTRATOR)
    org = await make_org()
    sections = (org.section_id,)
    senior = unique("sen").lower()[:20]
    senior_id = await catalog.save_category(admin, catalog.CategoryForm(senior, f"Senior {senior}",
                                                                         reduced=True))
    pool = _Pool(
        section_id=org.section_id, admin=admin,
        lead=await make_user(Role.LEAD, sections),
        supervisor=await make_user(Role.SUPERVISOR, sections),
        products={
            "scrip": await _product(admin, rules.TAXI_SCRIP, SCRIP_CENTS),
            "day_pass": await _product(admin, rules.DAY_PASS, DAY_PASS_CENTS),
            "ticket_book": await _product(admin, rules.TICKET_BOOK, TICKET_BOOK_CENTS),
            "card_fee": await _product(admin, rules.CARD_FEE, CARD_FEE_CENTS),
            "adult_pass": await _product(admin, rules.MONTHLY_PASS, PASS_CENTS),
            "senior_pass": await _product(admin, rules.MONTHLY_PASS, SENIOR_PASS_CENTS,
                                          fare_category_id=senior_id),
            "stored_value": await _product(admin, rules.STORED_VALUE, None, min_cents=500,
                                           max_cents=30_000, balance_cap_cents=40_000),
        },
        senior_code=senior,
    )
    if not _POOLS:
        _POOLS.append(pool)
    return pool


async def make_shop(*, open_shift: bool = True, own_section: bool = False) -> Shop:
    """A new location and terminal with a new clerk (open shift); staff and catalog shared
    unless `own_section`."""
    pool = await _pool(own_section)
    code = unique("L").upper()[:20]
    location_id = await save_location(SYSTEM, LocationForm(code, f"Location {code}",
                                                           pool.section_id, "1 Main St", "9–5"))
    org = Org(pool.section_id, location_id, code)
    counter = Counter(org=org, terminal_id=await make_terminal(location_id),
                      clerk=await make_user(Role.CLERK, (pool.section_id,)),
                      lead=pool.lead, supervisor=pool.supervisor)
    return Shop(
        counter=counter,
        shift_id=await open_counter(counter) if open_shift else 0,
        admin=pool.admin,
        senior_code=pool.senior_code,
        **pool.products,
    )


async def new_product(shop: Shop, kind: str, price: int | None, **fields: Any) -> int:
    return await _product(shop.admin, kind, price, **fields)


def key() -> str:
    return "k-" + secrets.token_hex(12)


def line(product_id: int, quantity: int = 1, **fields: Any) -> CartLine:
    return CartLine(product_id=product_id, quantity=quantity, **fields)


def pass_line(product_id: int, **fields: Any) -> CartLine:
    """A monthly pass for the first month on sale today."""
    month = rules.sellable_pass_months(business_date())[0]
    return CartLine(product_id=product_id, valid_from=month, **fields)


def cash(amount: int) -> TenderInput:
    return TenderInput("cash", amount)


def check(amount: int, number: str = "1042") -> TenderInput:
    return TenderInput("check", amount, check_number=number)


async def approved_card(shop: Shop, amount: int, *, kind: str = "sale",
                        refund_of: str | None = None, last4: str = "4242") -> str:
    reference = await bank_cards.begin_card_payment(shop.clerk, terminal_id=shop.terminal_id,
                                                    amount_cents=amount, kind=kind, refund_of=refund_of)
    await bank_cards.record_card_result(reference, "approved", brand="VISA", last4=last4,
                                        auth_code="A1B2C3", terminal_txn_id=f"T-{reference}",
                                        message="APPROVED")
    return reference


async def card(shop: Shop, amount: int, **kwargs: Any) -> TenderInput:
    return TenderInput("card", amount, payment_reference=await approved_card(shop, amount, **kwargs))


async def shift_balance(shift_id: int, account: str) -> int:
    row = await Posting.select(Sum(Posting.amount_cents).as_alias("t")).where(
        (Posting.shift == shift_id) & (Posting.account.code == account)
    ).first()
    return int(row["t"] or 0) if row else 0


async def shift_net(shift_id: int) -> int:
    """All of a shift's postings together: zero when every transaction balances."""
    row = await Posting.select(Sum(Posting.amount_cents).as_alias("t")).where(
        Posting.shift == shift_id).first()
    return int(row["t"] or 0) if row else 0


__all__ = ["FLOAT_CENTS"]
