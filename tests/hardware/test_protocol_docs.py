"""The protocol documents in hardware/protocols/ match the code."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from hardware import cardreader, framing, terminal
from hardware.display import encode_show
from hardware.sim.cardreader import CardReaderSimulator
from hardware.sim.printer import PrinterSimulator
from hardware.sim.terminal import PROMPTS, TerminalSimulator

DOCS = Path(__file__).resolve().parents[2] / "hardware" / "protocols"


def doc(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def table_after(text: str, heading: str) -> list[list[str]]:
    """Rows (cells stripped of backticks) of the first table after a heading."""
    section = text.split(heading, 1)[1]
    rows = []
    for line in section.splitlines():
        if line.startswith("|"):
            cells = [c.strip().strip("`") for c in line.strip("|").split("|")]
            if not set(cells[0]) <= {"-", ""}:
                rows.append(cells)
        elif rows:
            break
    return rows[1:]  # without the header row


@pytest.mark.parametrize("name", ["framing.md", "payment-terminal.md", "fare-card-reader.md"])
def test_example_frames_are_what_the_code_sends(name: str) -> None:
    blocks = re.findall(r"```frame\npayload: (.*)\nwire: (.*)\n```", doc(name))
    assert blocks, f"{name} has no example frames"
    for payload, wire in blocks:
        encoded = framing.encode_frame(payload.replace("<FS>", "\x1c").encode())
        assert encoded == bytes.fromhex(wire), payload


def test_framing_constants_and_retransmissions() -> None:
    for name, value, *_ in table_after(doc("framing.md"), "## Bytes"):
        assert getattr(framing, name) == int(value, 16), name
    assert "at most 3 retransmissions" in doc("framing.md")
    assert framing.MAX_RETRANSMISSIONS == 3


def test_terminal_messages_prompts_and_modes_are_documented() -> None:
    text = doc("payment-terminal.md")
    assert [row[0] for row in table_after(text, "## Requests")] == list(terminal.REQUESTS)
    assert [row[0] for row in table_after(text, "## Replies")] == list(terminal.REPLIES)
    for code in terminal.PROMPT_CODES:
        assert f"`{code}`" in text
    assert {code for code, _ in PROMPTS} <= set(terminal.PROMPT_CODES)
    modes = [row[0] for row in table_after(text, "## Simulator modes")]
    assert set(modes) == {TerminalSimulator.default_mode, *TerminalSimulator.modes}


def test_terminal_timeout_defaults_are_documented() -> None:
    defaults = inspect.signature(terminal.SerialPaymentTerminal.__init__).parameters
    rows = {row[0]: row[1] for row in table_after(doc("payment-terminal.md"), "## Timeouts")}
    assert rows["ACK"] == f"{defaults['ack_timeout'].default} s"
    assert rows["inter-byte"] == f"{defaults['byte_timeout'].default} s"
    assert rows["response"] == f"{defaults['response_timeout'].default:g} s"
    assert rows["transaction"] == f"{defaults['transaction_timeout'].default:g} s"


def test_card_reader_messages_errors_and_modes_are_documented() -> None:
    text = doc("fare-card-reader.md")
    assert [row[0] for row in table_after(text, "## Requests")] == list(cardreader.REQUESTS)
    assert [row[0] for row in table_after(text, "## Replies")] == list(cardreader.REPLIES)
    documented = {row[0]: row[1] for row in table_after(text, "Error codes and what the adapter raises")}
    expected = {code: adapter for code, (adapter, _) in cardreader.READER_ERRORS.items()}
    assert documented == {**expected, "BAD_REQUEST": "protocol_error"}
    modes = [row[0] for row in table_after(text, "## Simulator modes")]
    assert set(modes) == {CardReaderSimulator.default_mode, *CardReaderSimulator.modes}


def test_printer_and_display_docs() -> None:
    text = doc("escpos-printer.md")
    for mode in PrinterSimulator.modes:
        assert f"`{mode}`" in text
    assert "`1B 70 00 19 FA`" in text
    shown = encode_show("A", "B")
    assert shown[:4].hex(" ").upper() == "1F 24 01 01" and "`1F 24 01 01`" in doc("customer-display.md")
