"""Completing a sale at the counter: pricing, tenders, receipt numbers, ledger, idempotency."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from app.audit.tables import AuditEvent
from app.catalog import services as catalog
from app.catalog.errors import LoadRefused, NotEligible, PassNotOnSale
from app.drawers import services as drawers
from app.drawers.errors import NoOpenShift
from app.errors import Forbidden, ValidationFailed
from app.ledger import services as ledger
from app.ledger.accounts import (
    CARD_CLEARING,
    CARD_FEE_REVENUE,
    CHECKS_ON_HAND,
    DRAWER_CASH,
    FARE_REVENUE,
    STORED_VALUE_LIABILITY,
)
from app.ledger.errors import DayLocked
from app.sales import bank_card_payments as bank_cards
from app.sales import fare_card_loads, printing
from app.sales.cart import CartLine, TenderInput
from app.sales.errors import CardPaymentProblem
from app.sales.idempotency import SaleResult
from app.sales.pricing import quote_cart
from app.sales.queries import get_sale
from app.sales.recording import complete_sale
from app.sales.tables import CardLoad, PaymentAttempt, PrintJob, Sale, SaleLine, Tender
from app.terminals.tables import ReceiptCounter
from tests.integration.test_drawers_support import FLOAT_CENTS
from tests.integration.test_sales_support import (
    CARD_FEE_CENTS,
    PASS_CENTS,
    SCRIP_CENTS,
    TICKET_BOOK_CENTS,
    Shop,
    card,
    cash,
    check,
    key,
    line,
    make_shop,
    new_product,
    pass_line,
    shift_balance,
    shift_net,
)


@pytest.fixture
async def shop() -> Shop:
    return await make_shop()


async def test_exact_cash_sale_books_revenue_and_drawer_cash(shop: Shop) -> None:
    result = await complete_sale(
        shop.clerk, terminal_id=shop.terminal_id, idempotency_key=key(),
        lines=[line(shop.scrip, 2), line(shop.ticket_book)],
        tenders=[cash(2 * SCRIP_CENTS + TICKET_BOOK_CENTS)],
    )
    total = 2 * SCRIP_CENTS + TICKET_BOOK_CENTS
    assert (result.total_cents, result.change_cents, result.created) == (total, 0, True)
    assert result.receipt_number == 1
    assert result.receipt_code.endswith("-000001") and result.scan_code.endswith("-1")
    sale = await get_sale(result.sale_id)
    assert [(ln["quantity"], ln["amount_cents"]) for ln in sale["lines"]] == [
        (2, 2 * SCRIP_CENTS), (1, TICKET_BOOK_CENTS)]
    txn = await ledger.get_transaction(sale["journal_txn_id"])
    assert txn["source_type"] == "sale" and txn["source_id"] == str(result.sale_id)
    assert sum(leg["amount_cents"] for leg in txn["legs"]) == 0
    revenue = {leg["product"]: leg["amount_cents"] for leg in txn["legs"]
               if leg["account"] == FARE_REVENUE}
    assert revenue == {shop.scrip: -2 * SCRIP_CENTS, shop.ticket_book: -TICKET_BOOK_CENTS}
    assert await shift_balance(shop.shift_id, DRAWER_CASH) == FLOAT_CENTS + total
    expected = await drawers.expected_totals(shop.shift_id)
    assert expected.expected_cash_cents == FLOAT_CENTS + total
    assert expected.cash_sales_cents == total
    assert await AuditEvent.exists().where(
        (AuditEvent.action == "sale.complete") & (AuditEvent.object_id == str(result.sale_id)))


async def test_client_prices_are_never_trusted(shop: Shop) -> None:
    cheap = CartLine(product_id=shop.scrip, quantity=1, unit_cents=1)
    with pytest.raises(ValidationFailed, match="short"):
        await complete_sale(shop.clerk, terminal_id=shop.terminal_id,
                            idempotency_key=key(), lines=[cheap], tenders=[cash(1)])
    result = await complete_sale(shop.clerk, terminal_id=shop.terminal_id,
                                 idempotency_key=key(), lines=[cheap],
                                 tenders=[cash(SCRIP_CENTS)])
    assert result.total_cents == SCRIP_CENTS


async def test_change_is_given_from_cash_only_and_the_drawer_keeps_the_net(shop: Shop) -> None:
    result = await complete_sale(
        shop.clerk, terminal_id=shop.terminal_id, idempotency_key=key(),
        lines=[line(shop.ticket_book)], tenders=[cash(5_000)],
    )
    assert result.change_cents == 5_000 - TICKET_BOOK_CENTS
    tender = await Tender.select().where(Tender.sale == result.sale_id).first()
    assert tender is not None
    assert (tender["amount_cents"], tender["tendered_cents"], tender["change_cents"]) == (
        TICKET_BOOK_CENTS, 5_000, 5_000 - TICKET_BOOK_CENTS)
    assert await shift_balance(shop.shift_id, DRAWER_CASH) == FLOAT_CENTS + TICKET_BOOK_CENTS


async def test_split_tender_cash_and_card(shop: Shop) -> None:
    card_tender = await card(shop, 2_000)
    result = await complete_sale(
        shop.clerk, terminal_id=shop.terminal_id, idempotency_key=key(),
        lines=[line(shop.ticket_book)], tenders=[card_tender, cash(1_000)],
    )
    assert result.change_cents == 1_000 - (TICKET_BOOK_CENTS - 2_000)
    assert await shift_balance(shop.shift_id, CARD_CLEARING) == 2_000
    assert await shift_balance(shop.shift_id, DRAWER_CASH) == FLOAT_CENTS + TICKET_BOOK_CENTS - 2_000
    attempt = await bank_cards.get_attempt(card_tender.payment_reference or "")
    assert attempt["sale"] == result.sale_id
    tenders = await Tender.select().where(Tender.sale == result.sale_id).order_by(Tender.id)
    card_row = next(t for t in tenders if t["kind"] == "card")
    assert (card_row["card_brand"], card_row["card_last4"]) == ("VISA", "4242")
    receipt = await printing.receipt_data(result.sale_id)
    assert [(t.kind, t.brand, t.last4) for t in receipt.tenders] == [
        ("card", "VISA", "4242"), ("cash", None, None)]


async def test_card_amount_above_the_total_is_refused(shop: Shop) -> None:
    card_tender = await card(shop, 3_000)
    with pytest.raises(ValidationFailed, match="only cash gives change"):
        await complete_sale(shop.clerk, terminal_id=shop.terminal_id,
                            idempotency_key=key(), lines=[line(shop.ticket_book)],
                            tenders=[card_tender])


async def test_check_tender(shop: Shop) -> None:
    await complete_sale(shop.clerk, terminal_id=shop.terminal_id, idempotency_key=key(),
                        lines=[line(shop.ticket_book)], tenders=[check(TICKET_BOOK_CENTS)])
    assert await shift_balance(shop.shift_id, CHECKS_ON_HAND) == TICKET_BOOK_CENTS
    expected = await drawers.expected_totals(shop.shift_id)
    assert expected.expected_checks_cents == TICKET_BOOK_CENTS


async def test_a_declined_card_cannot_pay_then_cash_does(shop: Shop) -> None:
    reference = await bank_cards.begin_card_payment(shop.clerk, terminal_id=shop.terminal_id,
                                                    amount_cents=SCRIP_CENTS)
    await bank_cards.record_card_result(reference, "declined", brand="VISA", last4="0002",
                                        message="DECLINED 05")
    lines = [line(shop.scrip)]
    with pytest.raises(CardPaymentProblem, match="declined"):
        await complete_sale(shop.clerk, terminal_id=shop.terminal_id, idempotency_key=key(),
                            lines=lines,
                            tenders=[TenderInput("card", SCRIP_CENTS,
                                                       payment_reference=reference)])
    result = await complete_sale(shop.clerk, terminal_id=shop.terminal_id,
                                 idempotency_key=key(), lines=lines,
                                 tenders=[cash(SCRIP_CENTS)])
    assert result.receipt_number == 1  # the refused attempt used no number
    assert await shift_balance(shop.shift_id, CARD_CLEARING) == 0


async def test_one_card_payment_pays_for_one_sale_only(shop: Shop) -> None:
    card_tender = await card(shop, SCRIP_CENTS)
    await complete_sale(shop.clerk, terminal_id=shop.terminal_id, idempotency_key=key(),
                        lines=[line(shop.scrip)], tenders=[card_tender])
    with pytest.raises(CardPaymentProblem, match="used already"):
        await complete_sale(shop.clerk, terminal_id=shop.terminal_id,
                            idempotency_key=key(), lines=[line(shop.scrip)],
                            tenders=[card_tender])
    assert await shift_balance(shop.shift_id, CARD_CLEARING) == SCRIP_CENTS


async def test_card_fee_and_stored_value_go_to_their_own_accounts_and_onto_the_card(
    shop: Shop
) -> None:
    result = await complete_sale(
        shop.clerk, terminal_id=shop.terminal_id, idempotency_key=key(),
        lines=[line(shop.card_fee), CartLine(product_id=shop.stored_value, value_cents=2_000)],
        tenders=[cash(CARD_FEE_CENTS + 2_000)], card_serial="FC-0001", card_balance_cents=0,
    )
    assert await shift_balance(shop.shift_id, CARD_FEE_REVENUE) == -CARD_FEE_CENTS
    assert await shift_balance(shop.shift_id, STORED_VALUE_LIABILITY) == -2_000
    loads = await fare_card_loads.pending_card_loads(result.sale_id)
    assert [(ld["card_serial"], ld["value_cents"], ld["status"]) for ld in loads] == [
        ("FC-0001", 2_000, "pending")]
    await fare_card_loads.mark_card_load_failed(loads[0]["id"], "card moved away")
    assert (await fare_card_loads.pending_card_loads(result.sale_id))[0]["status"] == "failed"
    await fare_card_loads.mark_card_load_written(loads[0]["id"])
    assert await fare_card_loads.pending_card_loads(result.sale_id) == []


async def test_stored_value_bounds_and_cap_are_enforced(shop: Shop) -> None:
    async def load(value: int, balance: int | None) -> None:
        await complete_sale(
            shop.clerk, terminal_id=shop.terminal_id, idempotency_key=key(),
            lines=[CartLine(product_id=shop.stored_value, value_cents=value)],
            tenders=[cash(value)], card_serial="FC-0002", card_balance_cents=balance)

    with pytest.raises(LoadRefused, match="smallest"):
        await load(100, 0)
    with pytest.raises(LoadRefused, match="at most"):
        await load(5_000, 38_000)
    with pytest.raises(ValidationFailed, match="Read the fare card"):
        await load(5_000, None)
    with pytest.raises(ValidationFailed, match="read the customer's card"):
        await complete_sale(
            shop.clerk, terminal_id=shop.terminal_id, idempotency_key=key(),
            lines=[CartLine(product_id=shop.stored_value, value_cents=1_000)],
            tenders=[cash(1_000)], card_balance_cents=0)
    assert not await Sale.exists().where(Sale.shift == shop.shift_id)


async def test_reduced_fare_pass_needs_an_eligible_card(shop: Shop) -> None:
    senior = pass_line(shop.senior_pass)
    with pytest.raises(NotEligible):
        await complete_sale(shop.clerk, terminal_id=shop.terminal_id, idempotency_key=key(),
                            lines=[senior], tenders=[cash(10_000)], card_serial="FC-3",
                            card_fare_category=None)
    result = await complete_sale(
        shop.clerk, terminal_id=shop.terminal_id, idempotency_key=key(), lines=[senior],
        tenders=[cash(10_000)], card_serial="FC-3", card_fare_category=shop.senior_code)
    sale = await get_sale(result.sale_id)
    pass_row = sale["lines"][0]
    assert pass_row["fare_category"] == shop.senior_code
    assert pass_row["valid_from"].day == 1 and pass_row["valid_to"].month == pass_row["valid_from"].month
    txn = await ledger.get_transaction(sale["journal_txn_id"])
    revenue = [leg for leg in txn["legs"] if leg["account"] == FARE_REVENUE]
    assert [(r["product"], r["fare_category"]) for r in revenue] == [
        (shop.senior_pass, shop.senior_code)]


async def test_a_pass_is_sold_only_in_its_window(shop: Shop) -> None:
    far = date(2030, 6, 1)
    with pytest.raises(PassNotOnSale):
        await complete_sale(
            shop.clerk, terminal_id=shop.terminal_id, idempotency_key=key(),
            lines=[CartLine(product_id=shop.adult_pass, valid_from=far)],
            tenders=[cash(PASS_CENTS)], card_serial="FC-4")


async def test_no_open_shift_no_sale() -> None:
    closed = await make_shop(open_shift=False)
    with pytest.raises(NoOpenShift):
        await complete_sale(closed.clerk, terminal_id=closed.terminal_id,
                            idempotency_key=key(), lines=[line(closed.scrip)],
                            tenders=[cash(SCRIP_CENTS)])


async def test_another_clerk_cannot_sell_from_this_drawer(shop: Shop) -> None:
    from app.auth.roles import Role
    from tests.fixtures import make_user

    other = await make_user(Role.CLERK, (shop.counter.org.section_id,))
    with pytest.raises(Forbidden):
        await complete_sale(other, terminal_id=shop.terminal_id, idempotency_key=key(),
                            lines=[line(shop.scrip)], tenders=[cash(SCRIP_CENTS)])


async def test_a_signed_off_day_refuses_the_sale_and_keeps_the_number(shop: Shop) -> None:
    shift = await drawers.get_shift(shop.shift_id)
    await ledger.lock_day(shop.supervisor, shop.location_id, shift["business_date"])
    with pytest.raises(DayLocked):
        await complete_sale(shop.clerk, terminal_id=shop.terminal_id, idempotency_key=key(),
                            lines=[line(shop.scrip)], tenders=[cash(SCRIP_CENTS)])
    assert not await Sale.exists().where(Sale.terminal == shop.terminal_id)
    counter = await ReceiptCounter.select().where(ReceiptCounter.terminal == shop.terminal_id).first()
    assert counter is None or counter["last_number"] == 0


async def test_a_retry_with_the_same_key_returns_the_first_sale(shop: Shop) -> None:
    k = key()
    kwargs = dict(terminal_id=shop.terminal_id, idempotency_key=k,
                  lines=[line(shop.scrip)], tenders=[cash(1_000)])
    first = await complete_sale(shop.clerk, **kwargs)  # type: ignore[arg-type]
    again = await complete_sale(shop.clerk, **kwargs)  # type: ignore[arg-type]
    assert again.created is False and first.created is True
    assert (again.sale_id, again.receipt_number, again.change_cents) == (
        first.sale_id, first.receipt_number, first.change_cents)
    assert await Sale.count().where(Sale.idempotency_key == k) == 1
    assert await shift_balance(shop.shift_id, DRAWER_CASH) == FLOAT_CENTS + SCRIP_CENTS


async def test_a_concurrent_double_submit_makes_one_sale(shop: Shop) -> None:
    k = key()
    card_tender = await card(shop, SCRIP_CENTS)

    async def submit() -> SaleResult:
        return await complete_sale(shop.clerk, terminal_id=shop.terminal_id,
                                   idempotency_key=k, lines=[line(shop.scrip)],
                                   tenders=[card_tender])

    results = await asyncio.gather(*(submit() for _ in range(4)))
    assert len({r.sale_id for r in results}) == 1
    assert sorted(r.created for r in results) == [False, False, False, True]
    assert await Sale.count().where(Sale.terminal == shop.terminal_id) == 1
    assert await shift_balance(shop.shift_id, CARD_CLEARING) == SCRIP_CENTS
    assert await PrintJob.count().where(PrintJob.terminal == shop.terminal_id) == 1


async def test_receipt_numbers_are_gap_free_under_concurrency(shop: Shop) -> None:
    async def sell(index: int) -> SaleResult:
        return await complete_sale(shop.clerk, terminal_id=shop.terminal_id,
                                   idempotency_key=key(), lines=[line(shop.scrip)],
                                   tenders=[cash(SCRIP_CENTS + index)])

    async def fail() -> None:
        with pytest.raises(ValidationFailed):
            await complete_sale(shop.clerk, terminal_id=shop.terminal_id,
                                idempotency_key=key(), lines=[line(shop.scrip)],
                                tenders=[cash(1)])

    outcomes = await asyncio.gather(*(sell(i) for i in range(8)), *(fail() for _ in range(3)))
    numbers = sorted(r.receipt_number for r in outcomes if isinstance(r, SaleResult))
    assert numbers == list(range(1, 9))
    rows = await Sale.select(Sale.receipt_number).where(Sale.terminal == shop.terminal_id)
    assert sorted(r["receipt_number"] for r in rows) == list(range(1, 9))


async def test_every_sale_queues_one_receipt_and_no_float_anywhere(shop: Shop) -> None:
    result = await complete_sale(shop.clerk, terminal_id=shop.terminal_id,
                                 idempotency_key=key(), lines=[line(shop.ticket_book)],
                                 tenders=[cash(TICKET_BOOK_CENTS)])
    jobs = await printing.next_print_jobs(shop.terminal_id)
    assert [(j["sale"], j["duplicate"], j["status"]) for j in jobs] == [
        (result.sale_id, False, "queued")]
    for row in await SaleLine.select().where(SaleLine.sale == result.sale_id):
        assert all(type(row[c]) is int for c in ("unit_cents", "amount_cents", "quantity"))
    assert await shift_net(shop.shift_id) == 0


async def test_a_price_change_applies_from_its_moment(shop: Shop) -> None:
    product = await new_product(shop, "taxi_scrip", 600)
    await catalog.schedule_price(shop.admin, product, 650)
    result = await complete_sale(shop.clerk, terminal_id=shop.terminal_id,
                                 idempotency_key=key(), lines=[line(product)],
                                 tenders=[cash(650)])
    assert result.total_cents == 650


async def test_attempts_are_linked_and_no_card_data_is_audited(shop: Shop) -> None:
    card_tender = await card(shop, SCRIP_CENTS, last4="9876")
    result = await complete_sale(shop.clerk, terminal_id=shop.terminal_id,
                                 idempotency_key=key(), lines=[line(shop.scrip)],
                                 tenders=[card_tender])
    linked = await PaymentAttempt.select(PaymentAttempt.sale).where(
        PaymentAttempt.reference == card_tender.payment_reference).first()
    assert linked == {"sale": result.sale_id}
    summaries = await AuditEvent.select(AuditEvent.summary).where(
        AuditEvent.object_id.is_in([str(result.sale_id), card_tender.payment_reference or ""]))
    assert summaries and not any("9876" in s["summary"] for s in summaries)
    assert not await CardLoad.exists().where(CardLoad.card_serial == "never")


async def test_a_sale_signed_off_by_a_lead_records_who(shop: Shop) -> None:
    with pytest.raises(Forbidden):
        await complete_sale(shop.clerk, terminal_id=shop.terminal_id, idempotency_key=key(),
                            lines=[line(shop.scrip)], tenders=[cash(SCRIP_CENTS)],
                            override=shop.clerk)
    result = await complete_sale(shop.clerk, terminal_id=shop.terminal_id,
                                 idempotency_key=key(), lines=[line(shop.scrip)],
                                 tenders=[cash(SCRIP_CENTS)], override=shop.lead)
    assert (await get_sale(result.sale_id))["override_by"] == shop.lead.id


async def test_a_bad_idempotency_key_is_refused(shop: Shop) -> None:
    with pytest.raises(ValidationFailed, match="expired"):
        await complete_sale(shop.clerk, terminal_id=shop.terminal_id, idempotency_key="x",
                            lines=[line(shop.scrip)], tenders=[cash(SCRIP_CENTS)])


async def test_charge_to_account_is_a_receivable(shop: Shop) -> None:
    from app.ledger.accounts import ACCOUNTS_RECEIVABLE

    with pytest.raises(ValidationFailed, match="choose the account"):
        await complete_sale(shop.clerk, terminal_id=shop.terminal_id, idempotency_key=key(),
                            lines=[line(shop.ticket_book)],
                            tenders=[TenderInput("account", TICKET_BOOK_CENTS)])
    result = await complete_sale(
        shop.clerk, terminal_id=shop.terminal_id, idempotency_key=key(),
        lines=[line(shop.ticket_book)],
        tenders=[TenderInput("account", TICKET_BOOK_CENTS, account_ref="EMP-0042")])
    assert await shift_balance(shop.shift_id, ACCOUNTS_RECEIVABLE) == TICKET_BOOK_CENTS
    tender = await Tender.select().where(Tender.sale == result.sale_id).first()
    assert tender is not None and tender["account_ref"] == "EMP-0042"


async def test_a_quote_shows_server_prices_and_applies_the_rules(shop: Shop) -> None:
    cart = await quote_cart(
        [CartLine(product_id=shop.ticket_book, quantity=2, unit_cents=1),
         pass_line(shop.adult_pass)], card_serial="FC-12")
    assert [(ln.kind, ln.unit_cents, ln.amount_cents) for ln in cart.lines] == [
        ("ticket_book", TICKET_BOOK_CENTS, 2 * TICKET_BOOK_CENTS),
        ("monthly_pass", PASS_CENTS, PASS_CENTS)]
    assert cart.total_cents == 2 * TICKET_BOOK_CENTS + PASS_CENTS
    assert cart.lines[1].valid_to is not None and "–" in cart.lines[1].description
    with pytest.raises(NotEligible):
        await quote_cart([pass_line(shop.senior_pass)], card_serial="FC-12")
    assert not await Sale.exists().where(Sale.terminal == shop.terminal_id)
