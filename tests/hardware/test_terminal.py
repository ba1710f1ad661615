"""Payment terminal adapter against the in-process terminal simulator (same framing code path)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from hardware.errors import HardwareError
from hardware.framing import decode_message
from hardware.sim.terminal import TerminalSimulator
from hardware.terminal import Prompt, SerialPaymentTerminal

FAST: dict[str, Any] = {"response_timeout": 0.4, "ack_timeout": 0.1, "byte_timeout": 0.1}


def terminal_for(mode: str = "approve", **options: float) -> tuple[SerialPaymentTerminal, TerminalSimulator]:
    slow = options.pop("slow_seconds", 0.6)
    sim = TerminalSimulator(mode, slow_seconds=slow, ack_timeout=0.1, byte_timeout=0.1)
    return SerialPaymentTerminal(sim.connect, **{**FAST, **options}), sim


def test_approved_sale_reports_brand_last4_and_terminal_id() -> None:
    terminal, sim = terminal_for()
    prompts: list[Prompt] = []
    result = terminal.sale(1250, "S-1", on_prompt=prompts.append)
    assert result.status == "approved"
    assert (result.brand, result.last4, result.amount_cents) == ("VISA", "4242", 1250)
    assert result.terminal_txn_id == sim.charges[0].terminal_txn_id
    assert [p.code for p in prompts] == ["PRESENT_CARD", "ENTER_PIN", "PROCESSING"]
    assert sim.charged_total() == 1250


def test_declined_and_customer_cancelled_sales_charge_nothing() -> None:
    terminal, sim = terminal_for("decline")
    declined = terminal.sale(500, "S-2")
    assert declined.status == "declined" and "INSUFFICIENT FUNDS" in (declined.reason or "")
    assert declined.error() is not None and declined.error().code == "declined"  # type: ignore[union-attr]
    sim.control("cancel")
    assert terminal.sale(500, "S-3").status == "cancelled"
    assert sim.charges == []


def test_slow_terminal_keeps_the_sale_alive_with_prompts() -> None:
    terminal, sim = terminal_for("slow", slow_seconds=0.7)
    started = time.monotonic()
    result = terminal.sale(900, "S-4")
    assert result.status == "approved"
    assert time.monotonic() - started > FAST["response_timeout"]  # longer than the silence allowed
    assert sim.charged_total() == 900


def test_clerk_cancel_during_a_slow_sale_sends_cancel() -> None:
    terminal, sim = terminal_for("slow", slow_seconds=5.0)
    threading.Timer(0.3, terminal.cancel).start()
    result = terminal.sale(900, "S-5")
    assert result.status == "cancelled"
    assert [decode_message(f)[0] for f in sim.frames_received] == ["SALE", "CANCEL"]
    assert sim.charges == []
    assert terminal.cancel() is False  # nothing in progress any more


def test_approved_then_reply_lost_resolves_through_status_with_one_charge() -> None:
    terminal, sim = terminal_for("lose_reply")
    result = terminal.sale(4000, "S-6")
    assert result.status == "approved"
    assert [decode_message(f)[0] for f in sim.frames_received] == ["SALE", "STATUS"]  # never a second SALE
    assert len(sim.charges) == 1 and sim.charged_total() == 4000
    assert result.auth_code == sim.charges[0].auth_code


@pytest.mark.parametrize("mode", ["disconnect", "bad_checksum"])
def test_cut_or_corrupted_reply_still_ends_approved_once(mode: str) -> None:
    terminal, sim = terminal_for(mode)
    assert terminal.sale(700, "S-7").status == "approved"
    assert len(sim.charges) == 1


@pytest.mark.parametrize(("mode", "charged"), [("timeout", 0), ("silent", 0), ("garbled", 700)])
def test_no_usable_answer_is_an_unknown_outcome_never_a_second_charge(mode: str, charged: int) -> None:
    terminal, sim = terminal_for(mode)
    result = terminal.sale(700, "S-8")
    assert result.status == "unknown_outcome"
    assert "Do not charge again" in (result.reason or "")
    assert sim.charged_total() == charged
    assert [decode_message(f)[0] for f in sim.frames_received if decode_message(f)[0] == "SALE"] in (
        [],
        ["SALE"],
    )
    # once the terminal is healthy again, STATUS settles it, and a retry with the same
    # reference ends with exactly one charge either way
    sim.control("approve")
    later = terminal.status("S-8")
    if charged:
        assert later.status == "approved"
    else:
        assert later.status == "declined" and "nothing was charged" in (later.reason or "")
    assert terminal.sale(700, "S-8").status == "approved"
    assert sim.charged_total() == 700 and len(sim.charges) == 1


def test_retry_with_the_same_reference_returns_the_first_result() -> None:
    terminal, sim = terminal_for()
    first = terminal.sale(300, "S-9")
    second = terminal.sale(300, "S-9")
    assert second == first
    assert len(sim.charges) == 1


def test_busy_terminal_raises_busy_before_anything_is_charged() -> None:
    terminal, sim = terminal_for("busy")
    with pytest.raises(HardwareError) as caught:
        terminal.sale(100, "S-10")
    assert caught.value.code == "busy"
    assert sim.charges == []


def test_refund_is_recorded_as_negative_charge() -> None:
    terminal, sim = terminal_for()
    result = terminal.refund(250, "RF-1", original_txn_id="T100001")
    assert result.status == "approved"
    assert sim.charged_total() == -250


def test_a_full_card_number_from_a_broken_terminal_is_dropped() -> None:
    terminal, sim = terminal_for()
    sim.card.last4 = "4111111111111111"
    result = terminal.sale(100, "S-11")
    assert result.status == "approved" and result.last4 is None


def test_unreachable_port_is_offline_and_nothing_is_sent() -> None:
    def refuse() -> object:
        raise OSError("no such device")

    terminal = SerialPaymentTerminal(refuse, **FAST)  # type: ignore[arg-type]
    with pytest.raises(HardwareError) as caught:
        terminal.sale(100, "S-12")
    assert caught.value.code == "offline"


def test_bad_requests_are_refused_locally() -> None:
    terminal, _ = terminal_for()
    for amount, reference in ((0, "R"), (-5, "R"), (100, ""), (100, "x" * 33), (100, "é")):
        with pytest.raises(ValueError):
            terminal.sale(amount, reference)


def test_terminal_unplugged_mid_sale_then_back() -> None:
    terminal, sim = terminal_for("lose_reply")
    threading.Timer(0.2, sim.hang_up).start()  # the cable goes while we wait for the reply
    first = terminal.sale(800, "S-13")
    assert first.status in ("unknown_outcome", "approved")
    sim.control("approve")
    settled = terminal.status("S-13")  # reconnects and asks
    assert settled.status == "approved"
    assert len(sim.charges) == 1


def test_a_failing_prompt_callback_does_not_lose_the_outcome() -> None:
    terminal, sim = terminal_for()

    def broken(prompt: Prompt) -> None:
        raise RuntimeError("screen gone")

    assert terminal.sale(100, "S-14", on_prompt=broken).status == "approved"
    assert len(sim.charges) == 1


def test_transaction_timeout_caps_a_terminal_that_prompts_forever() -> None:
    terminal, sim = terminal_for("slow", slow_seconds=30.0, transaction_timeout=0.8)
    started = time.monotonic()
    result = terminal.sale(100, "S-15")
    assert time.monotonic() - started < 5
    assert result.status == "unknown_outcome"  # STATUS says IN_PROGRESS until the attempts run out
    assert sim.charges == []
