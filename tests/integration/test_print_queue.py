"""Receipts print only after the sale committed; a failed print stays queued and prints as the
original when it finally prints; only a copy after a printed receipt says DUPLICATE."""

from __future__ import annotations

import pytest

from app.audit.tables import AuditEvent
from app.sales import printing
from app.sales.cart import CartLine
from app.sales.queries import get_sale
from app.sales.recording import complete_sale
from app.sales.returns import refund_sale
from app.settings import get_settings
from tests.integration.test_sales_support import (
    SCRIP_CENTS,
    TICKET_BOOK_CENTS,
    Shop,
    card,
    cash,
    key,
    line,
    make_shop,
)


@pytest.fixture
async def shop() -> Shop:
    return await make_shop()


async def test_the_receipt_carries_what_the_customer_needs(shop: Shop) -> None:
    card_tender = await card(shop, 2_000, last4="0042")
    result = await complete_sale(
        shop.clerk, terminal_id=shop.terminal_id, idempotency_key=key(),
        lines=[line(shop.ticket_book), line(shop.scrip, 2),
               CartLine(product_id=shop.stored_value, value_cents=1_000)],
        tenders=[card_tender, cash(5_000)], card_serial="FC-55", card_balance_cents=0,
    )
    receipt = await printing.receipt_data(result.sale_id)
    total = TICKET_BOOK_CENTS + 2 * SCRIP_CENTS + 1_000
    assert receipt.agency_name == get_settings().agency_name
    assert receipt.receipt_number == result.receipt_code
    assert receipt.receipt_number.split("-")[-1] == f"{result.receipt_number:06d}"
    assert receipt.scan_code == result.scan_code
    assert (receipt.subtotal_cents, receipt.total_cents) == (total, total)
    assert receipt.change_cents == 5_000 - (total - 2_000)
    assert [(ln.quantity, ln.unit_cents, ln.amount_cents) for ln in receipt.lines] == [
        (1, TICKET_BOOK_CENTS, TICKET_BOOK_CENTS), (2, SCRIP_CENTS, 2 * SCRIP_CENTS),
        (1, 1_000, 1_000)]
    assert receipt.lines[2].detail == "Card FC-55"
    assert [(t.kind, t.amount_cents, t.brand, t.last4) for t in receipt.tenders] == [
        ("card", 2_000, "VISA", "0042"), ("cash", 5_000, None, None)]
    assert (receipt.tenders[0].auth_code, receipt.tenders[0].reference) == (
        "A1B2C3", f"T-{card_tender.payment_reference}")
    assert receipt.clerk_name and receipt.terminal_name and receipt.location_name
    assert receipt.title == "SALE" and not receipt.duplicate


async def test_print_then_done(shop: Shop) -> None:
    result = await complete_sale(shop.clerk, terminal_id=shop.terminal_id,
                                 idempotency_key=key(), lines=[line(shop.scrip)],
                                 tenders=[cash(SCRIP_CENTS)])
    [job] = await printing.next_print_jobs(shop.terminal_id)
    assert job["sale"] == result.sale_id
    receipt = await printing.receipt_for_job(job["id"])
    assert not receipt.duplicate
    await printing.mark_printed(job["id"])
    await printing.mark_printed(job["id"])  # a repeated report is harmless
    assert await printing.next_print_jobs(shop.terminal_id) == []


async def test_a_failed_print_stays_queued_and_prints_as_the_original(shop: Shop) -> None:
    result = await complete_sale(shop.clerk, terminal_id=shop.terminal_id,
                                 idempotency_key=key(), lines=[line(shop.scrip)],
                                 tenders=[cash(SCRIP_CENTS)])
    [job] = await printing.next_print_jobs(shop.terminal_id)
    await printing.mark_print_failed(job["id"], "paper_out: The printer is out of paper")
    [again] = await printing.next_print_jobs(shop.terminal_id)
    assert again["id"] == job["id"] and again["status"] == "failed" and again["attempts"] == 1
    assert "paper" in again["last_error"]
    assert not (await printing.receipt_for_job(job["id"])).duplicate  # nothing printed yet
    await printing.mark_print_failed(job["id"], "offline: no answer")
    assert not (await printing.receipt_for_job(job["id"])).duplicate
    await printing.mark_printed(job["id"])
    assert await printing.next_print_jobs(shop.terminal_id) == []
    sale = await get_sale(result.sale_id)  # the sale is untouched by the failure
    assert sale["total_cents"] == SCRIP_CENTS


async def test_a_reprint_is_a_new_duplicate_job_and_audited(shop: Shop) -> None:
    result = await complete_sale(shop.clerk, terminal_id=shop.terminal_id,
                                 idempotency_key=key(), lines=[line(shop.scrip)],
                                 tenders=[cash(SCRIP_CENTS)])
    [first] = await printing.next_print_jobs(shop.terminal_id)
    await printing.mark_printed(first["id"])
    job_id = await printing.reprint_receipt(shop.clerk, terminal_id=shop.terminal_id,
                                            sale_id=result.sale_id)
    [job] = await printing.next_print_jobs(shop.terminal_id)
    assert job["id"] == job_id and job["duplicate"] is True
    assert (await printing.receipt_for_job(job_id)).duplicate  # a copy after a printed one
    assert await AuditEvent.exists().where(
        (AuditEvent.action == "receipt.reprint") & (AuditEvent.object_id == str(result.sale_id)))


async def test_jobs_are_per_terminal(shop: Shop) -> None:
    other = await make_shop()
    await complete_sale(shop.clerk, terminal_id=shop.terminal_id, idempotency_key=key(),
                        lines=[line(shop.scrip)], tenders=[cash(SCRIP_CENTS)])
    assert await printing.next_print_jobs(other.terminal_id) == []
    assert len(await printing.next_print_jobs(shop.terminal_id)) == 1


async def test_a_refund_receipt_names_the_original_and_the_approver(shop: Shop) -> None:
    sold = await complete_sale(shop.clerk, terminal_id=shop.terminal_id,
                               idempotency_key=key(), lines=[line(shop.ticket_book, 2)],
                               tenders=[cash(2 * TICKET_BOOK_CENTS)])
    line_id = (await get_sale(sold.sale_id))["lines"][0]["id"]
    refund = await refund_sale(
        shop.clerk, terminal_id=shop.terminal_id, original_sale_id=sold.sale_id,
        line_quantities={line_id: 2}, reason_code="duplicate_purchase", idempotency_key=key(),
        refund_tenders=[cash(2 * TICKET_BOOK_CENTS)], override=shop.supervisor)
    receipt = await printing.receipt_data(refund.sale_id)
    assert receipt.title == "REFUND"
    assert receipt.total_cents == -2 * TICKET_BOOK_CENTS
    assert receipt.lines[0].quantity == -2
    assert any(sold.receipt_code in text for text in receipt.footer_lines)
    assert any("Duplicate purchase" in text for text in receipt.footer_lines)
    assert any("Approved by" in text for text in receipt.footer_lines)


async def test_a_reprint_before_anything_printed_is_the_original(shop: Shop) -> None:
    result = await complete_sale(shop.clerk, terminal_id=shop.terminal_id,
                                 idempotency_key=key(), lines=[line(shop.scrip)],
                                 tenders=[cash(SCRIP_CENTS)])
    [first] = await printing.next_print_jobs(shop.terminal_id)
    await printing.mark_print_failed(first["id"], "offline: no answer")
    copy = await printing.reprint_receipt(shop.clerk, terminal_id=shop.terminal_id,
                                          sale_id=result.sale_id)
    assert not (await printing.receipt_for_job(copy)).duplicate
    await printing.mark_printed(copy)
    assert (await printing.receipt_for_job(first["id"])).duplicate


async def test_the_receipt_shows_the_agency_local_time(shop: Shop) -> None:
    from datetime import UTC, timedelta

    result = await complete_sale(shop.clerk, terminal_id=shop.terminal_id,
                                 idempotency_key=key(), lines=[line(shop.scrip)],
                                 tenders=[cash(SCRIP_CENTS)])
    receipt = await printing.receipt_data(result.sale_id)
    sale = await get_sale(result.sale_id)
    stored = sale["created_at"] if sale["created_at"].tzinfo else sale["created_at"].replace(tzinfo=UTC)
    assert receipt.issued_at.utcoffset() == stored.astimezone(get_settings().tz).utcoffset()
    assert receipt.issued_at.utcoffset() in (timedelta(hours=-8), timedelta(hours=-7))  # Pacific
    assert receipt.issued_at == stored
