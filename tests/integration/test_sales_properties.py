"""Properties over random carts, tenders, cash movements and refunds:

- every journal transaction balances, and so does the shift as a whole;
- the drawer's expected cash = float + cash taken − change − paid-out − drops + paid-in
  − cash refunded, and card clearing / checks on hand equal what was taken that way;
- receipt numbers stay 1..n without gaps.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from piccolo.query.functions.aggregate import Sum

from app.drawers import services as drawers
from app.ledger.accounts import CARD_CLEARING, CHECKS_ON_HAND, DRAWER_CASH
from app.ledger.tables import Posting
from app.sales.cart import TenderInput
from app.sales.queries import get_sale
from app.sales.recording import complete_sale
from app.sales.returns import refund_sale
from app.sales.tables import Sale
from tests.integration.test_drawers_support import FLOAT_CENTS
from tests.integration.test_sales_support import (
    CARD_FEE_CENTS,
    SCRIP_CENTS,
    TICKET_BOOK_CENTS,
    Shop,
    approved_card,
    key,
    line,
    make_shop,
    shift_balance,
    shift_net,
)

PROPERTY = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])
PRICES = {"scrip": SCRIP_CENTS, "ticket_book": TICKET_BOOK_CENTS, "card_fee": CARD_FEE_CENTS}


@dataclass
class Model:
    """What the drawer, card clearing and checks should hold, kept by the test."""

    cash: int = FLOAT_CENTS
    card: int = 0
    checks: int = 0
    sales: int = 0


MODELS: dict[int, Model] = {}
SHOPS: list[Shop] = []


async def the_shop() -> tuple[Shop, Model]:
    """One shop for all examples of a test run (examples accumulate in its shift)."""
    if not SHOPS:
        SHOPS.append(await make_shop())
    shop = SHOPS[0]
    return shop, MODELS.setdefault(shop.shift_id, Model())


cart_lines = st.lists(st.tuples(st.sampled_from(sorted(PRICES)), st.integers(1, 4)),
                      min_size=1, max_size=4)
movement = st.one_of(st.none(), st.tuples(st.sampled_from(["paid_in", "paid_out", "safe_drop"]),
                                          st.integers(1, 1_500)))


async def unbalanced_transactions(shift_id: int) -> list[int]:
    rows = await Posting.select(Posting.txn, Sum(Posting.amount_cents).as_alias("t")).where(
        Posting.shift == shift_id).group_by(Posting.txn)
    return [r["txn"] for r in rows if int(r["t"] or 0) != 0]


@PROPERTY
@given(lines=cart_lines, card_pct=st.integers(0, 100), check_pct=st.integers(0, 100),
       extra_cash=st.integers(0, 5_000), refund_some=st.booleans(), move=movement)
async def test_random_sales_keep_the_books_and_the_drawer_right(
    lines: list[tuple[str, int]], card_pct: int, check_pct: int, extra_cash: int,
    refund_some: bool, move: tuple[str, int] | None,
) -> None:
    shop, model = await the_shop()
    cart = [line(getattr(shop, name), qty) for name, qty in lines]
    total = sum(PRICES[name] * qty for name, qty in lines)
    card_part = total * card_pct // 100
    check_part = (total - card_part) * check_pct // 100
    cash_due = total - card_part - check_part
    tenders: list[TenderInput] = []
    if card_part:
        tenders.append(TenderInput("card", card_part,
                                   payment_reference=await approved_card(shop, card_part)))
    if check_part:
        tenders.append(TenderInput("check", check_part, check_number="77"))
    if cash_due:
        tenders.append(TenderInput("cash", cash_due + extra_cash))
    result = await complete_sale(shop.clerk, terminal_id=shop.terminal_id,
                                 idempotency_key=key(), lines=cart, tenders=tenders)
    assert result.change_cents == (extra_cash if cash_due else 0)
    model.cash += cash_due
    model.card += card_part
    model.checks += check_part
    model.sales += 1

    if refund_some and cash_due >= SCRIP_CENTS and any(n == "scrip" for n, _ in lines):
        sale = await get_sale(result.sale_id)
        scrip_line = next(ln for ln in sale["lines"] if ln["product"] == shop.scrip)
        refund = await refund_sale(
            shop.clerk, terminal_id=shop.terminal_id, original_sale_id=result.sale_id,
            line_quantities={scrip_line["id"]: 1}, reason_code="overcharge",
            idempotency_key=key(), refund_tenders=[TenderInput("cash", SCRIP_CENTS)])
        assert refund.total_cents == -SCRIP_CENTS
        model.cash -= SCRIP_CENTS
        model.sales += 1

    if move is not None:
        kind, amount = move
        if kind != "paid_in" and amount > model.cash:
            amount = model.cash
        if amount > 0:
            await drawers.cash_movement(
                shop.clerk, shift_id=shop.shift_id, kind=kind, amount_cents=amount,
                reason="property test", witness=shop.lead if kind == "safe_drop" else None,
                override=shop.supervisor if kind == "paid_out" else None)
            model.cash += amount if kind == "paid_in" else -amount

    assert await unbalanced_transactions(shop.shift_id) == []
    assert await shift_net(shop.shift_id) == 0
    expected = await drawers.expected_totals(shop.shift_id)
    assert expected.expected_cash_cents == model.cash
    assert (expected.float_cents + expected.cash_sales_cents + expected.paid_in_cents
            - expected.paid_out_cents - expected.drops_cents) == model.cash
    assert await shift_balance(shop.shift_id, DRAWER_CASH) == model.cash
    assert await shift_balance(shop.shift_id, CARD_CLEARING) == model.card
    assert await shift_balance(shop.shift_id, CHECKS_ON_HAND) == model.checks
    numbers = sorted(r["receipt_number"] for r in await Sale.select(Sale.receipt_number).where(
        Sale.terminal == shop.terminal_id))
    assert numbers == list(range(1, model.sales + 1))
