"""The card-outcome refund route through the ASGI app: a charge that paid for nothing goes back
to the customer's card through the payment terminal, and the books follow only when the
terminal approves."""

from __future__ import annotations

import secrets

from app.auth.principal import Principal
from app.auth.roles import Role
from app.kiosk import devices
from app.ledger import services as ledger
from app.ledger.accounts import CARD_CLEARING, CARD_OUTCOME_SUSPENSE
from app.sales import bank_card_payments as bank_cards
from app.sales.tables import PaymentAttempt
from tests.fixtures import Browser, make_user
from tests.integration.test_kiosk_support import Counter, selling_counter, terminal_row


async def _charge_settled_as_taken(counter: Counter, clerk: Principal, amount_cents: int,
                                   *, terminal_txn_id: str | None = "") -> str:
    """A card charge whose answer was lost, settled by a supervisor as charged: booked to the
    card-outcome suspense, paying for no sale (the customer left)."""
    reference = await bank_cards.begin_card_payment(clerk, terminal_id=counter.terminal_id,
                                                    amount_cents=amount_cents)
    txn_id = f"TT{secrets.token_hex(4)}" if terminal_txn_id == "" else terminal_txn_id
    await bank_cards.record_card_result(reference, "unknown", "VISA", "4242", "A1B2C3",
                                        txn_id, "reply lost", actor=clerk)
    supervisor = await make_user(Role.SUPERVISOR, (counter.org.section_id,))
    await bank_cards.settle_card_outcome(supervisor, reference, "approved",
                                         "on the processor report")
    return reference


async def _books(counter: Counter) -> tuple[int, int]:
    return (await ledger.balance(CARD_OUTCOME_SUSPENSE, location_id=counter.org.location_id),
            await ledger.balance(CARD_CLEARING, location_id=counter.org.location_id))


async def _attempt(reference: str) -> dict:  # type: ignore[type-arg]
    row = await PaymentAttempt.select().where(PaymentAttempt.reference == reference).first()
    assert row is not None
    return row


async def test_an_unused_charge_is_refunded_to_the_card_from_the_outcomes_screen(
        browser: Browser) -> None:
    counter, clerk = await selling_counter(browser)
    before = await _books(counter)
    reference = await _charge_settled_as_taken(counter, clerk, 1_500)
    suspense, clearing = await _books(counter)
    assert (suspense - before[0], clearing - before[1]) == (-1_500, 1_500)

    listing = await browser.get("/kiosk/card-outcomes")
    assert "Charged, not used for a sale yet" in listing.text
    assert f'action="/kiosk/card-outcomes/{reference}/refund"' in listing.text

    refunded = await browser.post_form(f"/kiosk/card-outcomes/{reference}/refund")
    assert refunded.status_code == 303, refunded.text
    assert (await _attempt(reference))["status"] == bank_cards.REFUNDED
    refund = await PaymentAttempt.select().where(PaymentAttempt.refund_of == reference).first()
    assert refund["kind"] == "refund" and refund["status"] == bank_cards.APPROVED
    assert refund["amount_cents"] == 1_500
    # the suspense is emptied and card clearing pays the customer back: as before the charge
    assert await _books(counter) == before
    listing = await browser.get("/kiosk/card-outcomes")
    assert f"/kiosk/card-outcomes/{reference}/refund" not in listing.text
    # refunding it again is refused and moves nothing
    again = await browser.post_form(f"/kiosk/card-outcomes/{reference}/refund")
    assert again.status_code == 200 and await _books(counter) == before


async def test_a_declined_refund_gives_nothing_back_and_keeps_the_charge_listed(
        browser: Browser) -> None:
    counter, clerk = await selling_counter(browser)
    terminal = await terminal_row(counter)
    reference = await _charge_settled_as_taken(counter, clerk, 700)
    booked = await _books(counter)
    devices.control(terminal, "terminal", "decline")
    try:
        refused = await browser.post_form(f"/kiosk/card-outcomes/{reference}/refund")
    finally:
        devices.control(terminal, "terminal", "approve")
    assert refused.status_code == 200
    assert "The card refund was declined; the charge is not given back yet" in refused.text
    assert (await _attempt(reference))["status"] == bank_cards.SETTLED_APPROVED
    assert await _books(counter) == booked
    assert f"/kiosk/card-outcomes/{reference}/refund" in refused.text  # still offered
    # the next try, approved by the terminal, gives it back
    done = await browser.post_form(f"/kiosk/card-outcomes/{reference}/refund")
    assert done.status_code == 303
    assert (await _attempt(reference))["status"] == bank_cards.REFUNDED


async def test_a_charge_without_a_terminal_transaction_id_is_never_sent_to_the_terminal(
        browser: Browser) -> None:
    counter, clerk = await selling_counter(browser)
    reference = await _charge_settled_as_taken(counter, clerk, 900, terminal_txn_id=None)
    booked = await _books(counter)
    refused = await browser.post_form(f"/kiosk/card-outcomes/{reference}/refund")
    assert refused.status_code == 200
    assert "terminal&#39;s own refund menu" in refused.text or "terminal's own refund menu" in refused.text
    assert not await PaymentAttempt.exists().where(PaymentAttempt.refund_of == reference)
    assert (await _attempt(reference))["status"] == bank_cards.SETTLED_APPROVED
    assert await _books(counter) == booked
