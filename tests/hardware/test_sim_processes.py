"""Every fault, through a real pseudo-terminal (or TCP port) against the simulator *process*.

The adapters here are built exactly as for a real device (``serial:///dev/pts/N``,
``tcp://host:port``); only the thing at the other end is simulated.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from hardware.cardreader import STORED_VALUE, SerialFareCardReader
from hardware.errors import HardwareError
from hardware.factory import open_display, open_printer
from hardware.ports import open_serial_url
from hardware.printer import PrinterCashDrawer
from hardware.terminal import SerialPaymentTerminal
from hardware.testprint import sample_receipt


@pytest.fixture(scope="module")
def terminal_sim(sim_process: Any) -> Any:
    return sim_process("terminal", "--step", "0.02", "--slow", "0.7")


@pytest.fixture
def terminal(terminal_sim: Any) -> SerialPaymentTerminal:
    terminal_sim.mode("approve")
    url = terminal_sim.url
    return SerialPaymentTerminal(
        lambda: open_serial_url(url, timeout=0.5), response_timeout=0.5, ack_timeout=0.15, byte_timeout=0.1
    )


def charges_for(sim: Any, reference: str) -> list[dict[str, Any]]:
    return [c for c in sim.state()["charges"] if c["reference"] == reference]


@pytest.mark.parametrize(
    ("mode", "status", "charged"),
    [
        ("approve", "approved", 1),
        ("decline", "declined", 0),
        ("cancel", "cancelled", 0),
        ("slow", "approved", 1),
        ("lose_reply", "approved", 1),  # approved, reply lost: STATUS finds it
        ("disconnect", "approved", 1),  # reply cut mid-frame: STATUS finds it
        ("bad_checksum", "approved", 1),  # NAK, retransmission
        ("garbled", "unknown_outcome", 1),  # nothing readable comes back: never charge again
        ("timeout", "unknown_outcome", 0),
        ("silent", "unknown_outcome", 0),
    ],
)
def test_terminal_faults_over_a_pty(
    terminal_sim: Any, terminal: SerialPaymentTerminal, mode: str, status: str, charged: int
) -> None:
    terminal_sim.mode(mode)
    reference = f"P-{mode}"
    result = terminal.sale(1500, reference)
    assert result.status == status, result.reason
    assert len(charges_for(terminal_sim, reference)) == charged
    if status == "approved":
        assert result.auth_code == charges_for(terminal_sim, reference)[0]["auth_code"]
    terminal.close()


def test_terminal_busy_over_a_pty(terminal_sim: Any, terminal: SerialPaymentTerminal) -> None:
    terminal_sim.mode("busy")
    with pytest.raises(HardwareError) as caught:
        terminal.sale(100, "P-busy")
    assert caught.value.code == "busy"
    assert charges_for(terminal_sim, "P-busy") == []


def test_lost_reply_then_retry_charges_exactly_once(
    terminal_sim: Any, terminal: SerialPaymentTerminal
) -> None:
    terminal_sim.mode("lose_reply")
    first = terminal.sale(2200, "P-once")
    terminal_sim.mode("approve")
    second = terminal.sale(2200, "P-once")  # the clerk presses "retry"
    assert first.status == second.status == "approved"
    assert first.terminal_txn_id == second.terminal_txn_id
    assert [c["amount_cents"] for c in charges_for(terminal_sim, "P-once")] == [2200]


@pytest.fixture(scope="module")
def reader_sim(sim_process: Any) -> Any:
    return sim_process("cardreader", "--cap", "40000", "--slow", "0.2")


@pytest.fixture
def reader(reader_sim: Any) -> SerialFareCardReader:
    reader_sim.mode("normal")
    assert reader_sim.command("card present value=1000") == "ok card present"
    url = reader_sim.url
    return SerialFareCardReader(
        lambda: open_serial_url(url, timeout=0.5), response_timeout=0.5, ack_timeout=0.15, byte_timeout=0.1
    )


@pytest.mark.parametrize(
    ("mode", "code"),
    [
        ("no_card", "no_card"),
        ("blocked", "card_blocked"),
        ("remove_during_write", "card_removed"),
        ("timeout", "timeout"),
        ("silent", "timeout"),
    ],
)
def test_card_reader_errors_over_a_pty(
    reader_sim: Any, reader: SerialFareCardReader, mode: str, code: str
) -> None:
    reader_sim.mode(mode)
    with pytest.raises(HardwareError) as caught:
        reader.write_product(f"C-{mode}", STORED_VALUE, None, None, 500)
    assert caught.value.code == code
    assert reader_sim.state()["writes"] == [] or all(
        w[0] != f"C-{mode}" for w in reader_sim.state()["writes"]
    )
    reader.close()


@pytest.mark.parametrize("mode", ["normal", "lose_reply", "disconnect", "bad_checksum", "slow"])
def test_card_writes_are_confirmed_over_a_pty(
    reader_sim: Any, reader: SerialFareCardReader, mode: str
) -> None:
    reader_sim.mode(mode)
    card = reader.write_product(f"C-ok-{mode}", STORED_VALUE, None, None, 500)
    assert card.stored_value_cents == 1500 and card.last_txn_id == f"C-ok-{mode}"
    assert [w for w in reader_sim.state()["writes"] if w[0] == f"C-ok-{mode}"] == [
        [f"C-ok-{mode}", STORED_VALUE, 500]
    ]
    reader.close()


def test_card_removed_then_presented_again_loads_once(reader_sim: Any, reader: SerialFareCardReader) -> None:
    reader_sim.mode("remove_during_write")
    with pytest.raises(HardwareError):
        reader.write_product("C-again", STORED_VALUE, None, None, 700)
    reader_sim.mode("normal")
    reader_sim.command("card present value=1000")
    assert reader.write_product("C-again", STORED_VALUE, None, None, 700).stored_value_cents == 1700
    assert reader.write_product("C-again", STORED_VALUE, None, None, 700).stored_value_cents == 1700
    reader_sim.command("card present value=39900")
    with pytest.raises(HardwareError) as caught:
        reader.write_product("C-cap", STORED_VALUE, None, None, 200)
    assert caught.value.code == "cap_exceeded"


def test_printer_process_over_tcp(sim_process: Any, tmp_path: Path) -> None:
    sim = sim_process("printer", "--port", "0", "--dir", str(tmp_path), "--width", "58")
    printer = open_printer(f"{sim.url}?width=58&timeout=1")
    printer.print_receipt(sample_receipt())
    for mode, code in (
        ("paper_out", "paper_out"),
        ("cover_open", "cover_open"),
        ("offline", "offline"),
        ("disconnect", "offline"),
    ):
        sim.mode("normal")
        sim.mode(mode)
        with pytest.raises(HardwareError) as caught:
            printer.print_receipt(sample_receipt())
        assert caught.value.code == code, mode
    sim.mode("normal")
    sim.mode("paper_low")
    assert [w.code for w in printer.print_receipt(sample_receipt()).warnings] == ["paper_low"]
    PrinterCashDrawer(printer).kick()
    assert PrinterCashDrawer(printer).is_open() is True
    deadline = time.monotonic() + 5  # a job is stored when its connection closes, on the simulator's side
    while time.monotonic() < deadline:
        state = sim.state()
        printed = [job for job in state["jobs"] if job["printed"]]
        if len(printed) == 2 and state["jobs"][-1]["kicks"] == [2]:
            break
        time.sleep(0.05)
    assert len(printed) == 2
    text = Path(printed[0]["txt"]).read_text(encoding="utf-8")
    assert "VISA ****4242" in text and len(list(tmp_path.glob("*.bin"))) == len(state["jobs"])


def test_display_process_over_a_pty(sim_process: Any) -> None:
    sim = sim_process("display")
    display = open_display(f"{sim.url}?timeout=1")
    display.show_item("Day Pass", 500, 1500)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if sim.state()["lines"] == ["Day Pass        5.00", "TOTAL         $15.00"]:
            break
        time.sleep(0.05)
    assert sim.state()["lines"] == ["Day Pass        5.00", "TOTAL         $15.00"]
