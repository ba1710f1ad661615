"""Statement budgets of the counter's hot path: completing a sale, after the commit, the done
screen's reads. Each statement costs a round trip and server CPU; these keep the count from
creeping back (the numbers are what the code issues today, on either engine)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from app.db import engine
from app.kiosk import after_commit, checkout
from app.ledger import services as ledger
from app.sales import printing
from app.sales.idempotency import SaleResult
from app.sales.queries import get_sale
from app.sales.recording import complete_sale
from app.terminals.tables import Terminal
from tests.integration.test_sales_support import (
    SCRIP_CENTS,
    TICKET_BOOK_CENTS,
    Shop,
    cash,
    key,
    line,
    make_shop,
)


@pytest.fixture
async def shop() -> Shop:
    return await make_shop()


@pytest.fixture
async def statements(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[list[str]]:
    """The SQL of every statement run through the engine while the test runs (BEGIN and
    COMMIT are not among them)."""
    seen: list[str] = []
    db = engine()
    run = db.run_querystring

    async def counted(querystring: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(" ".join(str(querystring).split()))
        return await run(querystring, *args, **kwargs)

    monkeypatch.setattr(db, "run_querystring", counted)
    yield seen


async def _sell(shop: Shop) -> SaleResult:
    return await complete_sale(
        shop.clerk, terminal_id=shop.terminal_id, idempotency_key=key(),
        lines=[line(shop.scrip, 2), line(shop.ticket_book)],
        tenders=[cash(2 * SCRIP_CENTS + TICKET_BOOK_CENTS + 500)])


async def test_a_cash_sale_is_a_dozen_statements(shop: Shop, statements: list[str]) -> None:
    await _sell(shop)  # warms the ledger's account cache
    statements.clear()
    result = await _sell(shop)
    assert result.created and result.receipt_number == 2
    # key check, shift (app.drawers), receipt number, terminal + sale id + key re-check,
    # products and prices, ledger (checks + id, transaction, postings), sale, lines, tenders,
    # print job, audit event
    assert len(statements) <= 14, statements
    # every line's product and price at once
    assert len([s for s in statements if "FROM product" in s]) == 1
    assert not [s for s in statements if "ledger_account" in s]  # ids cached per process
    assert not [s for s in statements if s.startswith("SELECT") and "FROM sale_line" in s]


async def test_a_retry_is_one_statement(shop: Shop, statements: list[str]) -> None:
    sale_key = key()
    first = await complete_sale(shop.clerk, terminal_id=shop.terminal_id,
                                idempotency_key=sale_key, lines=[line(shop.scrip)],
                                tenders=[cash(SCRIP_CENTS)])
    statements.clear()
    again = await complete_sale(shop.clerk, terminal_id=shop.terminal_id,
                                idempotency_key=sale_key, lines=[line(shop.scrip)],
                                tenders=[cash(SCRIP_CENTS)])
    assert (again.sale_id, again.created) == (first.sale_id, False)
    assert len(statements) == 1


async def test_after_the_commit_a_receipt_is_six_statements(
    shop: Shop, statements: list[str]
) -> None:
    result = await _sell(shop)
    terminal = await Terminal.select().where(Terminal.id == shop.terminal_id).first()
    assert terminal is not None
    statements.clear()
    await checkout.after_sale(terminal, result.sale_id, actor=shop.clerk, cash=True,
                              change_cents=500, card_loads=False)
    assert statements == []  # the request itself waits for no device and reads nothing
    await after_commit.drain()
    # the drawer's audit event, waiting jobs, printed before?, the receipt (sale with lines;
    # tenders), marked printed
    assert len(statements) == 6, statements
    assert await printing.next_print_jobs(shop.terminal_id) == []


async def test_reads_of_a_sale(shop: Shop, statements: list[str]) -> None:
    result = await _sell(shop)
    statements.clear()
    sale = await get_sale(result.sale_id)
    assert len(sale["lines"]) == 2 and len(sale["tenders"]) == 1 and sale["returns"] == []
    assert len(statements) == 3
    statements.clear()
    receipt = await printing.receipt_data(result.sale_id)
    assert [ln.quantity for ln in receipt.lines] == [2, 1]
    assert len(statements) == 2
    statements.clear()
    [job] = await printing.next_print_jobs(shop.terminal_id)
    await printing.mark_printed(int(job["id"]))
    await printing.mark_printed(int(job["id"]))  # a repeated report changes nothing
    assert len(statements) == 4  # jobs; marked; not again + the job's existence
    assert (await printing.print_jobs_for_sale(result.sale_id))[0]["attempts"] == 1


async def test_posting_is_three_statements(shop: Shop, statements: list[str]) -> None:
    sale = await get_sale((await _sell(shop)).sale_id)
    original = await ledger.get_transaction(int(sale["journal_txn_id"]))
    legs = [ledger.Leg(leg["account"], -int(leg["amount_cents"]), leg["product"],
                       leg["fare_category"], leg["tender_kind"]) for leg in original["legs"]]
    statements.clear()
    txn_id = await ledger.post(kind="test", actor=shop.clerk, location_id=int(sale["location"]),
                               business_date=sale["business_date"], legs=legs,
                               shift_id=int(sale["shift"]), terminal_id=shop.terminal_id)
    assert len(statements) == 3
    posted = await ledger.get_transaction(txn_id)
    assert sum(int(leg["amount_cents"]) for leg in posted["legs"]) == 0
    assert len(posted["legs"]) == len(legs)
