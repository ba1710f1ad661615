"""Card payments: recorded before the terminal is asked, one charge per reference, unclear
outcomes settled by a supervisor with the books kept balanced."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.audit.tables import AuditEvent
from app.db import write_transaction
from app.drawers.errors import NoOpenShift
from app.errors import Forbidden, ValidationFailed
from app.ledger.accounts import CARD_CLEARING, CARD_OUTCOME_SUSPENSE, FARE_REVENUE
from app.sales import bank_card_payments as bank_cards
from app.sales.cart import TenderInput
from app.sales.errors import CardPaymentProblem
from app.sales.idempotency import SaleResult, terminal_info
from app.sales.queries import get_sale
from app.sales.recording import complete_sale
from app.sales.returns import refund_sale
from app.sales.tables import PaymentAttempt
from tests.integration.test_sales_support import (
    TICKET_BOOK_CENTS,
    Shop,
    approved_card,
    key,
    line,
    make_shop,
    shift_balance,
    shift_net,
)


@pytest.fixture
async def shop() -> Shop:
    return await make_shop()


async def begin(shop: Shop, amount: int = TICKET_BOOK_CENTS, **kwargs: object) -> str:
    return await bank_cards.begin_card_payment(shop.clerk, terminal_id=shop.terminal_id,
                                               amount_cents=amount, **kwargs)  # type: ignore[arg-type]


async def pay_with(shop: Shop, reference: str, amount: int = TICKET_BOOK_CENTS) -> SaleResult:
    return await complete_sale(
        shop.clerk, terminal_id=shop.terminal_id, idempotency_key=key(),
        lines=[line(shop.ticket_book)],
        tenders=[TenderInput("card", amount, payment_reference=reference)])


async def test_the_attempt_is_committed_before_the_terminal_is_asked(shop: Shop) -> None:
    reference = await begin(shop)
    row = await PaymentAttempt.select().where(PaymentAttempt.reference == reference).first()
    assert row is not None and row["status"] == "pending" and row["shift"] == shop.shift_id
    assert reference.startswith(
        (await terminal_info(shop.terminal_id))["code"] + "-")
    with pytest.raises(RuntimeError, match="outside a transaction"):
        async with write_transaction():
            await begin(shop)


async def test_no_new_charge_while_the_last_one_is_unclear(shop: Shop) -> None:
    reference = await begin(shop)
    with pytest.raises(CardPaymentProblem, match="no clear outcome"):
        await begin(shop)
    await bank_cards.record_card_result(reference, "unknown_outcome", message="timeout")
    with pytest.raises(CardPaymentProblem, match="no clear outcome"):
        await begin(shop)
    await bank_cards.record_card_result(reference, "declined", brand="VISA", last4="1111")
    assert await begin(shop) != reference


async def test_after_a_restart_the_kiosk_finds_the_waiting_attempt(shop: Shop) -> None:
    assert await bank_cards.open_card_attempt(shop.terminal_id) is None
    reference = await begin(shop)
    waiting = await bank_cards.open_card_attempt(shop.terminal_id)
    assert waiting is not None and waiting["reference"] == reference
    await bank_cards.record_card_result(reference, "approved", brand="MC", last4="5454")
    assert await bank_cards.open_card_attempt(shop.terminal_id) is None


async def test_no_card_payment_without_an_open_shift() -> None:
    closed = await make_shop(open_shift=False)
    with pytest.raises(NoOpenShift):
        await begin(closed)
    assert not await PaymentAttempt.exists().where(PaymentAttempt.terminal == closed.terminal_id)


async def test_only_brand_and_last_four_are_accepted(shop: Shop) -> None:
    reference = await begin(shop)
    for bad in ({"last4": "4111111111111111"}, {"last4": "42a2"}, {"brand": "4111 1111"},
                {"terminal_txn_id": "x" * 60}, {"auth_code": "ABC DEF"}):
        fields = {"brand": "VISA", "last4": "4242", **bad}
        with pytest.raises(ValidationFailed) as caught:
            await bank_cards.record_card_result(reference, "approved", **fields)  # type: ignore[arg-type]
        assert "4111" not in str(caught.value)
    with pytest.raises(ValidationFailed) as missing:
        await bank_cards.record_card_result(reference, "approved", brand="VISA")
    assert "last 4" in missing.value.field_errors["last4"]
    attempt = await bank_cards.record_card_result(
        reference, "approved", brand="visa", last4="4242", auth_code="OK1234",
        terminal_txn_id="TX-1", message="APPROVED card 4111 1111 1111 1111")
    assert attempt["card_brand"] == "VISA" and attempt["card_last4"] == "4242"
    assert "4111" not in attempt["message"] and "[removed]" in attempt["message"]
    assert not await AuditEvent.exists().where(
        (AuditEvent.object_id == reference) & AuditEvent.summary.like("%4242%"))


async def test_a_final_answer_never_changes_and_a_repeat_is_harmless(shop: Shop) -> None:
    reference = await approved_card(shop, TICKET_BOOK_CENTS)
    again = await bank_cards.record_card_result(reference, "approved", brand="VISA", last4="4242")
    assert again["status"] == "approved"
    with pytest.raises(CardPaymentProblem, match="cannot change"):
        await bank_cards.record_card_result(reference, "declined")


async def test_an_attempt_for_another_amount_or_terminal_cannot_pay(shop: Shop) -> None:
    reference = await approved_card(shop, 2_000)
    with pytest.raises(CardPaymentProblem, match="was for 2000"):
        await complete_sale(
            shop.clerk, terminal_id=shop.terminal_id, idempotency_key=key(),
            lines=[line(shop.ticket_book)],
            tenders=[TenderInput("card", 1_000, payment_reference=reference),
                     TenderInput("cash", TICKET_BOOK_CENTS - 1_000)])
    other = await make_shop()
    with pytest.raises(CardPaymentProblem, match="another terminal"):
        await complete_sale(
            other.clerk, terminal_id=other.terminal_id, idempotency_key=key(),
            lines=[line(other.ticket_book)],
            tenders=[TenderInput("card", 2_000, payment_reference=reference),
                     TenderInput("cash", TICKET_BOOK_CENTS - 2_000)])
    refund_ref = await approved_card(shop, TICKET_BOOK_CENTS, kind="refund")
    with pytest.raises(CardPaymentProblem, match="not a card payment"):
        await pay_with(shop, refund_ref)


async def test_unknown_outcome_settled_as_charged_then_attached_to_the_sale(shop: Shop) -> None:
    reference = await begin(shop)
    await bank_cards.record_card_result(reference, "unknown", message="terminal timed out")
    with pytest.raises(CardPaymentProblem, match="outcome unknown"):
        await pay_with(shop, reference)
    listed = await bank_cards.unresolved_card_outcomes([shop.location_id])
    assert [(a["reference"], a["problem"]) for a in listed] == [(reference, "Outcome unknown")]
    with pytest.raises(Forbidden):  # the clerk who ran it never settles it
        await bank_cards.settle_card_outcome(shop.clerk, reference, "approved", "batch report")
    with pytest.raises(Forbidden):  # leads recommend, supervisors decide
        await bank_cards.settle_card_outcome(shop.lead, reference, "approved", "batch report")
    settled = await bank_cards.settle_card_outcome(shop.supervisor, reference, "approved",
                                                   "Processor batch shows the charge")
    assert settled["status"] == "settled_approved" and settled["resolved_by"] == shop.supervisor.id
    # booked: the terminal took the money, the agency owes the customer until the sale completes
    assert await shift_balance(shop.shift_id, CARD_CLEARING) == TICKET_BOOK_CENTS
    assert await shift_balance(shop.shift_id, CARD_OUTCOME_SUSPENSE) == -TICKET_BOOK_CENTS
    await pay_with(shop, reference)
    assert await shift_balance(shop.shift_id, CARD_CLEARING) == TICKET_BOOK_CENTS
    assert await shift_balance(shop.shift_id, CARD_OUTCOME_SUSPENSE) == 0
    assert await shift_balance(shop.shift_id, FARE_REVENUE) == -TICKET_BOOK_CENTS
    assert await shift_net(shop.shift_id) == 0
    assert await bank_cards.unresolved_card_outcomes([shop.location_id]) == []
    with pytest.raises(CardPaymentProblem, match="nothing to settle"):
        await bank_cards.settle_card_outcome(shop.supervisor, reference, "declined", "again")


async def test_unknown_outcome_settled_as_not_charged_moves_no_money(shop: Shop) -> None:
    reference = await begin(shop)
    await bank_cards.record_card_result(reference, "unknown")
    with pytest.raises(ValidationFailed, match="how you checked"):
        await bank_cards.settle_card_outcome(shop.supervisor, reference, "declined", "  ")
    await bank_cards.settle_card_outcome(shop.supervisor, reference, "declined", "Not in the batch")
    assert await shift_balance(shop.shift_id, CARD_CLEARING) == 0
    with pytest.raises(CardPaymentProblem):
        await pay_with(shop, reference)
    assert await begin(shop) != reference  # the terminal is free again


async def test_a_charge_that_paid_for_nothing_is_listed_then_refunded(shop: Shop) -> None:
    reference = await approved_card(shop, TICKET_BOOK_CENTS)
    # no kiosk cart holds it: an approval that pays for nothing is listed to settle at once
    listed = await bank_cards.unresolved_card_outcomes([shop.location_id])
    later = datetime.now(UTC) + timedelta(hours=1)
    assert [(a["reference"], a["problem"]) for a in listed] == [(reference, "Charged, no sale")]
    await bank_cards.settle_card_outcome(shop.supervisor, reference, "approved",
                                         "Customer left before the sale completed")
    assert await shift_balance(shop.shift_id, CARD_OUTCOME_SUSPENSE) == -TICKET_BOOK_CENTS
    with pytest.raises(ValidationFailed, match="whole unused charge"):
        await begin(shop, 100, kind="refund", refund_of=reference)
    refund_ref = await approved_card(shop, TICKET_BOOK_CENTS, kind="refund", refund_of=reference)
    await bank_cards.refund_unused_card_payment(shop.clerk, reference=reference,
                                                refund_reference=refund_ref)
    assert (await bank_cards.get_attempt(reference))["status"] == "refunded"
    assert await shift_balance(shop.shift_id, CARD_CLEARING) == 0
    assert await shift_balance(shop.shift_id, CARD_OUTCOME_SUSPENSE) == 0
    assert await shift_net(shop.shift_id) == 0
    assert await bank_cards.unresolved_card_outcomes([shop.location_id], now=later) == []
    with pytest.raises(CardPaymentProblem):  # neither can pay for a sale now
        await pay_with(shop, reference)
    with pytest.raises(CardPaymentProblem):
        await bank_cards.refund_unused_card_payment(shop.clerk, reference=reference,
                                                    refund_reference=refund_ref)


async def test_an_unbooked_unused_charge_refunded_moves_nothing(shop: Shop) -> None:
    reference = await approved_card(shop, TICKET_BOOK_CENTS)
    refund_ref = await approved_card(shop, TICKET_BOOK_CENTS, kind="refund", refund_of=reference)
    await bank_cards.refund_unused_card_payment(shop.clerk, reference=reference,
                                                refund_reference=refund_ref)
    assert await shift_balance(shop.shift_id, CARD_CLEARING) == 0
    with pytest.raises(CardPaymentProblem):  # a refund reserved for a charge pays no refund sale
        sold = await pay_with(shop, await approved_card(shop, TICKET_BOOK_CENTS))
        line_id = (await get_sale(sold.sale_id))["lines"][0]["id"]
        await refund_sale(
            shop.clerk, terminal_id=shop.terminal_id, original_sale_id=sold.sale_id,
            line_quantities={line_id: 1}, reason_code="overcharge", idempotency_key=key(),
            override=shop.supervisor,
            refund_tenders=[TenderInput("card", TICKET_BOOK_CENTS, payment_reference=refund_ref)])


async def test_a_pending_attempt_is_listed_once_it_is_old(shop: Shop) -> None:
    reference = await begin(shop)
    assert await bank_cards.unresolved_card_outcomes([shop.location_id]) == []
    later = datetime.now(UTC) + timedelta(minutes=10)
    listed = await bank_cards.unresolved_card_outcomes([shop.location_id], now=later)
    assert [(a["reference"], a["problem"]) for a in listed] == [(reference, "No answer recorded")]
    with pytest.raises(CardPaymentProblem, match="still be answering"):
        await bank_cards.settle_card_outcome(shop.supervisor, reference, "declined", "checked")
    other = await make_shop(own_section=True)
    with pytest.raises(Forbidden, match="section"):
        await bank_cards.settle_card_outcome(other.supervisor, reference, "declined", "checked")
    assert await bank_cards.unresolved_card_outcomes([other.location_id], now=later) == []
