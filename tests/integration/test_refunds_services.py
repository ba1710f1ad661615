"""Voids and refunds: new Sale rows with negative lines and tenders, reversing ledger entries."""

from __future__ import annotations

import pytest

from app.audit.tables import AuditEvent
from app.auth.roles import Role
from app.drawers import services as drawers
from app.errors import Forbidden, NotFound, ValidationFailed
from app.ledger import services as ledger
from app.ledger.accounts import CARD_CLEARING, DRAWER_CASH, FARE_REVENUE, STORED_VALUE_LIABILITY
from app.sales import fare_card_loads, printing
from app.sales.cart import CartLine, TenderInput
from app.sales.errors import AlreadyReversed, SaleRefused
from app.sales.idempotency import SaleResult
from app.sales.queries import find_sale_by_code, find_sale_by_receipt, get_sale, refundable
from app.sales.recording import complete_sale
from app.sales.returns import refund_sale, void_sale
from app.sales.tables import CardLoad, Sale
from tests.fixtures import make_user
from tests.integration.test_drawers_support import FLOAT_CENTS
from tests.integration.test_sales_support import (
    PASS_CENTS,
    SCRIP_CENTS,
    TICKET_BOOK_CENTS,
    Shop,
    approved_card,
    card,
    cash,
    key,
    line,
    make_shop,
    pass_line,
    shift_balance,
    shift_net,
)


@pytest.fixture
async def shop() -> Shop:
    return await make_shop()


async def sell_cash(shop: Shop, lines: list[CartLine], amount: int, **kwargs: object) -> int:
    result = await complete_sale(shop.clerk, terminal_id=shop.terminal_id,
                                 idempotency_key=key(), lines=lines,
                                 tenders=[cash(amount)], **kwargs)  # type: ignore[arg-type]
    return result.sale_id


async def test_a_void_gives_the_cash_back_and_nets_the_shift_to_zero(shop: Shop) -> None:
    sale_id = await sell_cash(shop, [line(shop.scrip, 2)], 2_000)
    result = await void_sale(shop.clerk, terminal_id=shop.terminal_id, sale_id=sale_id,
                             reason_code="keyed_in_error", idempotency_key=key())
    assert (result.kind, result.total_cents, result.receipt_number) == ("void", -2 * SCRIP_CENTS, 2)
    void = await get_sale(result.sale_id)
    assert void["original"] == sale_id and void["reason_code"] == "keyed_in_error"
    assert [(ln["quantity"], ln["amount_cents"]) for ln in void["lines"]] == [(-2, -2 * SCRIP_CENTS)]
    assert [(t["kind"], t["amount_cents"]) for t in void["tenders"]] == [("cash", -2 * SCRIP_CENTS)]
    assert await shift_balance(shop.shift_id, DRAWER_CASH) == FLOAT_CENTS
    assert await shift_balance(shop.shift_id, FARE_REVENUE) == 0
    assert await shift_net(shop.shift_id) == 0
    receipt = await printing.receipt_data(result.sale_id)
    assert receipt.title == "VOID" and receipt.total_cents == -2 * SCRIP_CENTS
    with pytest.raises(AlreadyReversed):
        await void_sale(shop.clerk, terminal_id=shop.terminal_id, sale_id=sale_id,
                        reason_code="keyed_in_error", idempotency_key=key())
    with pytest.raises(AlreadyReversed):
        await refund_sale(shop.clerk, terminal_id=shop.terminal_id, original_sale_id=sale_id,
                          line_quantities={void["lines"][0]["original_line"]: 1},
                          reason_code="overcharge", idempotency_key=key(),
                          refund_tenders=[cash(SCRIP_CENTS)])


async def test_a_void_above_the_threshold_needs_a_lead_who_is_not_the_clerk(shop: Shop) -> None:
    sale_id = await sell_cash(shop, [pass_line(shop.adult_pass)], PASS_CENTS, card_serial="FC-9")
    with pytest.raises(Forbidden, match="sign it off"):
        await void_sale(shop.clerk, terminal_id=shop.terminal_id, sale_id=sale_id,
                        reason_code="wrong_product", idempotency_key=key())
    with pytest.raises(Forbidden, match="own"):
        await void_sale(shop.lead, terminal_id=shop.terminal_id, sale_id=sale_id,
                        reason_code="wrong_product", idempotency_key=key(),
                        override=shop.lead)
    result = await void_sale(shop.clerk, terminal_id=shop.terminal_id, sale_id=sale_id,
                             reason_code="wrong_product", idempotency_key=key(),
                             override=shop.lead)
    void = await get_sale(result.sale_id)
    assert void["override_by"] == shop.lead.id
    # the pass never reached the card: its load is cancelled, nothing to take off the card
    assert await fare_card_loads.pending_card_loads(sale_id) == []
    assert await fare_card_loads.pending_card_loads(result.sale_id) == []
    audit = await AuditEvent.select(AuditEvent.summary).where(
        (AuditEvent.action == "sale.void") & (AuditEvent.object_id == str(result.sale_id))).first()
    assert audit is not None and shop.lead.username in audit["summary"]


async def test_a_void_is_for_the_current_shift_only(shop: Shop) -> None:
    sale_id = await sell_cash(shop, [line(shop.scrip)], SCRIP_CENTS)
    other = await make_shop()
    with pytest.raises(ValidationFailed, match="open shift"):
        await void_sale(other.clerk, terminal_id=other.terminal_id, sale_id=sale_id,
                        reason_code="keyed_in_error", idempotency_key=key())


async def test_a_card_sale_is_voided_with_a_card_refund_from_the_terminal(shop: Shop) -> None:
    card_tender = await card(shop, TICKET_BOOK_CENTS)
    sold = await complete_sale(shop.clerk, terminal_id=shop.terminal_id,
                               idempotency_key=key(), lines=[line(shop.ticket_book)],
                               tenders=[card_tender])
    with pytest.raises(ValidationFailed, match="payment terminal first"):
        await void_sale(shop.clerk, terminal_id=shop.terminal_id, sale_id=sold.sale_id,
                        reason_code="payment_problem", idempotency_key=key(),
                        override=shop.supervisor)
    refund_ref = await approved_card(shop, TICKET_BOOK_CENTS, kind="refund")
    await void_sale(shop.clerk, terminal_id=shop.terminal_id, sale_id=sold.sale_id,
                    reason_code="payment_problem", idempotency_key=key(),
                    card_refunds=[refund_ref], override=shop.supervisor)
    assert await shift_balance(shop.shift_id, CARD_CLEARING) == 0
    assert await shift_net(shop.shift_id) == 0


async def test_a_partial_refund_with_a_supervisor_override(shop: Shop) -> None:
    sale_id = await sell_cash(shop, [line(shop.ticket_book, 3)], 3 * TICKET_BOOK_CENTS)
    sale = await get_sale(sale_id)
    line_id = sale["lines"][0]["id"]
    refund = dict(terminal_id=shop.terminal_id, original_sale_id=sale_id,
                  line_quantities={line_id: 2}, reason_code="duplicate_purchase",
                  refund_tenders=[cash(2 * TICKET_BOOK_CENTS)])
    with pytest.raises(Forbidden, match="supervisor"):
        await refund_sale(shop.clerk, idempotency_key=key(), **refund)  # type: ignore[arg-type]
    with pytest.raises(Forbidden, match="cannot sign off"):  # a lead recommends refunds only
        await refund_sale(shop.clerk, idempotency_key=key(), override=shop.lead,
                          **refund)  # type: ignore[arg-type]
    result = await refund_sale(shop.clerk, idempotency_key=key(), override=shop.supervisor,
                               **refund)  # type: ignore[arg-type]
    assert (result.kind, result.total_cents) == ("refund", -2 * TICKET_BOOK_CENTS)
    stored = await Sale.select(Sale.override_by, Sale.kind).where(Sale.id == result.sale_id).first()
    assert stored == {"override_by": shop.supervisor.id, "kind": "refund"}
    state = await refundable(sale_id)
    assert state.lines[0]["refundable_quantity"] == 1
    assert state.by_kind == {"cash": TICKET_BOOK_CENTS}
    assert await shift_balance(shop.shift_id, DRAWER_CASH) == FLOAT_CENTS + TICKET_BOOK_CENTS
    expected = await drawers.expected_totals(shop.shift_id)
    assert expected.cash_sales_cents == TICKET_BOOK_CENTS
    txn = await ledger.get_transaction((await get_sale(result.sale_id))["journal_txn_id"])
    assert txn["kind"] == "refund" and sum(leg["amount_cents"] for leg in txn["legs"]) == 0


async def test_a_cash_refund_needs_the_cash_in_the_drawer(shop: Shop) -> None:
    sale_id = await sell_cash(shop, [line(shop.scrip, 2)], 2 * SCRIP_CENTS)
    in_drawer = FLOAT_CENTS + 2 * SCRIP_CENTS
    await drawers.cash_movement(shop.clerk, shift_id=shop.shift_id, kind="safe_drop",
                                amount_cents=in_drawer - SCRIP_CENTS + 1, reason="",
                                witness=shop.lead)
    sale = await get_sale(sale_id)
    refund = dict(terminal_id=shop.terminal_id, original_sale_id=sale_id,
                  line_quantities={sale["lines"][0]["id"]: 1}, reason_code="overcharge",
                  refund_tenders=[cash(SCRIP_CENTS)])
    sales_before = await Sale.count()
    with pytest.raises(ValidationFailed, match=r"\$5.00 is more than this drawer should hold"):
        await refund_sale(shop.clerk, idempotency_key=key(), **refund)  # type: ignore[arg-type]
    assert await Sale.count() == sales_before
    assert await shift_balance(shop.shift_id, DRAWER_CASH) == SCRIP_CENTS - 1
    await drawers.cash_movement(shop.clerk, shift_id=shop.shift_id, kind="paid_in",
                                amount_cents=1, reason="A cent from the safe")
    result = await refund_sale(shop.clerk, idempotency_key=key(), **refund)  # type: ignore[arg-type]
    assert result.total_cents == -SCRIP_CENTS
    assert await shift_balance(shop.shift_id, DRAWER_CASH) == 0


async def test_refunding_more_than_was_sold_is_refused(shop: Shop) -> None:
    sale_id = await sell_cash(shop, [line(shop.scrip, 3)], 3 * SCRIP_CENTS)
    line_id = (await get_sale(sale_id))["lines"][0]["id"]
    await refund_sale(shop.clerk, terminal_id=shop.terminal_id, original_sale_id=sale_id,
                      line_quantities={line_id: 2}, reason_code="overcharge",
                      idempotency_key=key(), refund_tenders=[cash(2 * SCRIP_CENTS)])
    with pytest.raises(ValidationFailed, match="1 of 3 can still be refunded"):
        await refund_sale(shop.clerk, terminal_id=shop.terminal_id, original_sale_id=sale_id,
                          line_quantities={line_id: 2}, reason_code="overcharge",
                          idempotency_key=key(), refund_tenders=[cash(2 * SCRIP_CENTS)])
    with pytest.raises(ValidationFailed, match="not the"):
        await refund_sale(shop.clerk, terminal_id=shop.terminal_id, original_sale_id=sale_id,
                          line_quantities={line_id: 1}, reason_code="overcharge",
                          idempotency_key=key(), refund_tenders=[cash(SCRIP_CENTS - 1)])
    with pytest.raises(ValidationFailed, match="not used to pay"):
        await refund_sale(shop.clerk, terminal_id=shop.terminal_id, original_sale_id=sale_id,
                          line_quantities={line_id: 1}, reason_code="overcharge",
                          idempotency_key=key(),
                          refund_tenders=[TenderInput("check", SCRIP_CENTS, check_number="9")])
    with pytest.raises(ValidationFailed, match="Choose a reason"):
        await refund_sale(shop.clerk, terminal_id=shop.terminal_id, original_sale_id=sale_id,
                          line_quantities={line_id: 1}, reason_code="because",
                          idempotency_key=key(), refund_tenders=[cash(SCRIP_CENTS)])
    assert await Sale.count().where(Sale.original == sale_id) == 1


async def test_a_card_refund_goes_back_to_the_card(shop: Shop) -> None:
    card_tender = await card(shop, 2_000)
    sold = await complete_sale(shop.clerk, terminal_id=shop.terminal_id,
                               idempotency_key=key(), lines=[line(shop.ticket_book)],
                               tenders=[card_tender, cash(TICKET_BOOK_CENTS - 2_000)])
    line_id = (await get_sale(sold.sale_id))["lines"][0]["id"]
    refund_ref = await approved_card(shop, 2_000, kind="refund")
    with pytest.raises(ValidationFailed, match="more than was paid by card"):
        await refund_sale(
            shop.clerk, terminal_id=shop.terminal_id, original_sale_id=sold.sale_id,
            line_quantities={line_id: 1}, reason_code="customer_changed_mind",
            idempotency_key=key(), override=shop.supervisor,
            refund_tenders=[TenderInput("card", TICKET_BOOK_CENTS, payment_reference=refund_ref)])
    await refund_sale(
        shop.clerk, terminal_id=shop.terminal_id, original_sale_id=sold.sale_id,
        line_quantities={line_id: 1}, reason_code="customer_changed_mind", idempotency_key=key(),
        override=shop.supervisor,
        refund_tenders=[TenderInput("card", 2_000, payment_reference=refund_ref),
                        cash(TICKET_BOOK_CENTS - 2_000)])
    assert await shift_balance(shop.shift_id, CARD_CLEARING) == 0
    assert await shift_balance(shop.shift_id, DRAWER_CASH) == FLOAT_CENTS
    assert await shift_net(shop.shift_id) == 0


async def test_stored_value_on_the_card_is_taken_back_by_a_negative_load(shop: Shop) -> None:
    sale_id = await sell_cash(shop, [CartLine(product_id=shop.stored_value, value_cents=1_500)],
                              1_500, card_serial="FC-77", card_balance_cents=0)
    load = (await fare_card_loads.pending_card_loads(sale_id))[0]
    await fare_card_loads.mark_card_load_written(load["id"])
    line_id = (await get_sale(sale_id))["lines"][0]["id"]
    args = dict(terminal_id=shop.terminal_id, original_sale_id=sale_id,
                line_quantities={line_id: 1}, reason_code="customer_changed_mind",
                refund_tenders=[cash(1_500)])
    with pytest.raises(ValidationFailed, match="Read the customer's fare card"):
        await refund_sale(shop.clerk, idempotency_key=key(), **args)  # type: ignore[arg-type]
    with pytest.raises(SaleRefused, match="cannot be taken off"):
        await refund_sale(shop.clerk, idempotency_key=key(), card_balance_cents=200,
                          **args)  # type: ignore[arg-type]
    result = await refund_sale(shop.clerk, idempotency_key=key(), card_balance_cents=1_500,
                               **args)  # type: ignore[arg-type]
    loads = await fare_card_loads.pending_card_loads(result.sale_id)
    assert [(ld["card_serial"], ld["value_cents"], ld["status"]) for ld in loads] == [
        ("FC-77", -1_500, "pending")]
    assert await shift_balance(shop.shift_id, STORED_VALUE_LIABILITY) == 0
    assert await CardLoad.count().where(CardLoad.card_serial == "FC-77") == 2


async def test_a_clerk_of_another_section_cannot_refund(shop: Shop) -> None:
    sale_id = await sell_cash(shop, [line(shop.scrip)], SCRIP_CENTS)
    other = await make_shop(own_section=True)
    line_id = (await get_sale(sale_id))["lines"][0]["id"]
    with pytest.raises(NotFound, match="this counter's section"):
        await refund_sale(other.clerk, terminal_id=other.terminal_id,
                          original_sale_id=sale_id, line_quantities={line_id: 1},
                          reason_code="overcharge", idempotency_key=key(),
                          refund_tenders=[cash(SCRIP_CENTS)])


async def test_a_refund_retry_returns_the_first_refund(shop: Shop) -> None:
    sale_id = await sell_cash(shop, [line(shop.scrip, 2)], 2 * SCRIP_CENTS)
    line_id = (await get_sale(sale_id))["lines"][0]["id"]
    k = key()
    first = await refund_sale(shop.clerk, terminal_id=shop.terminal_id,
                              original_sale_id=sale_id, line_quantities={line_id: 1},
                              reason_code="overcharge", idempotency_key=k,
                              refund_tenders=[cash(SCRIP_CENTS)])
    again = await refund_sale(shop.clerk, terminal_id=shop.terminal_id,
                              original_sale_id=sale_id, line_quantities={line_id: 1},
                              reason_code="overcharge", idempotency_key=k,
                              refund_tenders=[cash(SCRIP_CENTS)])
    assert again.sale_id == first.sale_id and not again.created
    assert (await refundable(sale_id)).lines[0]["refundable_quantity"] == 1


async def test_find_a_sale_by_receipt_number_and_scan_code(shop: Shop) -> None:
    sale_id = await sell_cash(shop, [line(shop.scrip)], SCRIP_CENTS)
    sale = await get_sale(sale_id)
    by_number = await find_sale_by_receipt(sale["receipt_number"], terminal_id=shop.terminal_id)
    assert by_number is not None and by_number["id"] == sale_id
    for code in (sale["scan_code"], sale["receipt_code"], sale["receipt_code"].lower()):
        found = await find_sale_by_code(code)
        assert found is not None and found["id"] == sale_id, code
    found = await find_sale_by_code(str(sale["receipt_number"]), location_id=shop.location_id)
    assert found is not None and found["id"] == sale_id
    assert await find_sale_by_code("R-NOPE-1") is None
    assert await find_sale_by_code("not a receipt") is None


async def test_an_auditor_role_cannot_override(shop: Shop) -> None:
    sale_id = await sell_cash(shop, [line(shop.ticket_book, 2)], 2 * TICKET_BOOK_CENTS)
    line_id = (await get_sale(sale_id))["lines"][0]["id"]
    auditor = await make_user(Role.AUDITOR)
    with pytest.raises(Forbidden):
        await refund_sale(shop.clerk, terminal_id=shop.terminal_id, original_sale_id=sale_id,
                          line_quantities={line_id: 2}, reason_code="overcharge",
                          idempotency_key=key(), override=auditor,
                          refund_tenders=[cash(2 * TICKET_BOOK_CENTS)])


async def test_concurrent_refunds_never_give_back_more_than_was_sold(shop: Shop) -> None:
    import asyncio

    from app.errors import DomainError

    sale_id = await sell_cash(shop, [line(shop.scrip, 3)], 3 * SCRIP_CENTS)
    line_id = (await get_sale(sale_id))["lines"][0]["id"]

    async def refund_two() -> object:
        try:
            return await refund_sale(
                shop.clerk, terminal_id=shop.terminal_id, original_sale_id=sale_id,
                line_quantities={line_id: 2}, reason_code="overcharge", idempotency_key=key(),
                refund_tenders=[cash(2 * SCRIP_CENTS)])
        except DomainError as exc:
            return exc

    outcomes = await asyncio.gather(refund_two(), refund_two(), refund_two())
    done = [o for o in outcomes if isinstance(o, SaleResult)]
    assert len(done) == 1
    assert (await refundable(sale_id)).lines[0]["refundable_quantity"] == 1
    assert await shift_balance(shop.shift_id, DRAWER_CASH) == FLOAT_CENTS + SCRIP_CENTS


async def test_concurrent_voids_void_once(shop: Shop) -> None:
    import asyncio

    from app.errors import DomainError

    sale_id = await sell_cash(shop, [line(shop.scrip)], SCRIP_CENTS)

    async def void() -> object:
        try:
            return await void_sale(shop.clerk, terminal_id=shop.terminal_id,
                                   sale_id=sale_id, reason_code="keyed_in_error",
                                   idempotency_key=key())
        except DomainError as exc:
            return exc

    outcomes = await asyncio.gather(void(), void(), void())
    assert sum(isinstance(o, SaleResult) for o in outcomes) == 1
    assert await Sale.count().where(Sale.original == sale_id) == 1
    assert await shift_net(shop.shift_id) == 0
