"""The serial simulators answer as their documents say, driven over their pseudo-terminals.

Every ``exchange`` block of hardware/protocols/*.md (a request and the reply the document
promises) is sent as a frame to the simulator *process* through the pty path it prints, the
same way the adapter opens ``/dev/ttyUSB0``; then the documents' own example frames are sent.
A refused request must leave the simulator serving: the next request still gets its answer.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hardware.framing import ACK, ACK_TIMEOUT, BYTE_TIMEOUT, FS, NAK, STX, Link, LinkTimeout, encode_frame
from hardware.ports import open_serial_url
from hardware.sim.cardreader import CardReaderSimulator
from hardware.sim.framed import FramedSimulator
from hardware.sim.terminal import TerminalSimulator

DOCS = Path(__file__).resolve().parents[2] / "hardware" / "protocols"


def doc_bytes(text: str) -> bytes:
    """A document's notation as bytes: ``<FS>`` the separator, ``<xNN>`` one raw byte."""
    out = bytearray()
    for piece in re.split(r"(<FS>|<x[0-9A-Fa-f]{2}>)", text):
        if piece == "<FS>":
            out.append(FS)
        elif re.fullmatch(r"<x[0-9A-Fa-f]{2}>", piece):
            out.append(int(piece[2:4], 16))
        else:
            out += piece.encode("utf-8")
    return bytes(out)


def exchanges(name: str) -> list[tuple[bytes, bytes]]:
    text = (DOCS / name).read_text(encoding="utf-8")
    blocks = re.findall(r"```exchange\nrequest: (.*)\nreply: (.*)\n```", text)
    assert blocks, f"{name} has no exchange examples"
    return [(doc_bytes(request), doc_bytes(reply)) for request, reply in blocks]


def example_payloads(name: str) -> dict[str, bytes]:
    text = (DOCS / name).read_text(encoding="utf-8")
    found = re.findall(r"```frame\npayload: (.*)\nwire: .*\n```", text)
    return {payload.split("<FS>")[0]: doc_bytes(payload) for payload in found}


@pytest.fixture
def wire(sim_process: Any) -> Iterator[Any]:
    """Open a fresh simulator process's pty like a device node, and talk frames to it."""
    opened: list[Any] = []

    def open_sim(*args: str) -> tuple[Any, Link]:
        sim = sim_process(*args)
        port = open_serial_url(sim.url, timeout=1.0)
        opened.append(port)
        return sim, Link(port, ack_timeout=ACK_TIMEOUT, byte_timeout=BYTE_TIMEOUT)

    yield open_sim
    for port in opened:
        port.close()


def ask(link: Link, request: bytes, *, until: tuple[bytes, ...] = (), timeout: float = 3.0) -> bytes:
    """Send one request and return the first reply that is not a prompt (or in ``until``)."""
    link.send(request)
    deadline = time.monotonic() + timeout
    while True:
        reply = link.receive(deadline - time.monotonic())
        if not reply.startswith(b"PROMPT" + bytes([FS])) and (not until or reply.startswith(until)):
            return reply


def test_terminal_answers_every_documented_refusal_and_keeps_serving(wire: Any) -> None:
    sim, link = wire("terminal", "--step", "0.02")
    for request, reply in exchanges("payment-terminal.md"):
        assert ask(link, request) == reply, request
    assert sim.state()["charges"] == []  # nothing refused was charged
    sale = example_payloads("payment-terminal.md")["SALE"]
    approved = example_payloads("payment-terminal.md")["APPROVED"].split(bytes([FS]))
    got = ask(link, sale).split(bytes([FS]))
    assert [got[i] for i in (0, 1, 3, 4, 6)] == [approved[i] for i in (0, 1, 3, 4, 6)]
    assert re.fullmatch(rb"[A-Z0-9]{6}", got[2]) and re.fullmatch(rb"T\d{6}", got[5])
    status = ask(link, example_payloads("payment-terminal.md")["STATUS"])
    assert status == bytes([FS]).join(got)  # STATUS repeats the final reply
    total = ask(link, doc_bytes("BATCH<FS>B-2"))
    assert total == doc_bytes("BATCH_TOTAL<FS>B-2<FS>1<FS>1<FS>1250<FS>0<FS>0<FS>1250")


def test_terminal_refund_carries_the_original_id_and_the_batch_nets_it(wire: Any) -> None:
    sim, link = wire("terminal", "--step", "0.02")
    sale = ask(link, doc_bytes("SALE<FS>2000<FS>R-50")).split(bytes([FS]))
    refund = ask(link, doc_bytes("REFUND<FS>500<FS>R-51<FS>") + sale[5])
    assert refund.split(bytes([FS]))[:2] == [b"APPROVED", b"R-51"]
    assert sim.command("batch") == "ok batch 1: sales 1 $20.00, refunds 1 $5.00, net $15.00"
    assert sim.command("batch settle") == "ok batch 1 settled: sales 1 $20.00, refunds 1 $5.00, net $15.00"
    next_batch = doc_bytes("BATCH_TOTAL<FS>B-3<FS>2<FS>0<FS>0<FS>0<FS>0<FS>0")
    assert ask(link, doc_bytes("BATCH<FS>B-3")) == next_batch


def test_card_reader_answers_every_documented_refusal_and_keeps_serving(wire: Any) -> None:
    sim, link = wire("cardreader")
    for request, reply in exchanges("fare-card-reader.md"):
        assert ask(link, request) == reply, request
    assert sim.state()["writes"] == []
    examples = example_payloads("fare-card-reader.md")
    assert ask(link, examples["READ"]).startswith(doc_bytes("CARD<FS>04A1B2C3D4E5F6<FS>"))
    assert ask(link, examples["WRITE_PRODUCT"]) == doc_bytes("WRITTEN<FS>TX-1")
    assert sim.state()["card"]["stored_value_cents"] == 1250 + 2000
    sim.mode("remove_during_write")
    assert ask(link, doc_bytes("WRITE_PRODUCT<FS>TX-5<FS>STORED_VALUE<FS><FS><FS>100")) == examples["ERROR"]


def test_simulators_use_the_documented_ack_and_inter_byte_timeouts(wire: Any) -> None:
    assert (FramedSimulator().ack_timeout, FramedSimulator().byte_timeout) == (1.0, 0.5)
    assert TerminalSimulator().ack_timeout == CardReaderSimulator().ack_timeout == ACK_TIMEOUT
    assert TerminalSimulator().byte_timeout == CardReaderSimulator().byte_timeout == BYTE_TIMEOUT
    _sim, link = wire("terminal", "--step", "0.02")
    port = link.port
    frame = encode_frame(doc_bytes("STATUS<FS>R-60"))
    # a frame cut off: the simulator NAKs it once it has heard nothing for the inter-byte timeout
    port.write(frame[:6])
    started = time.monotonic()
    port.timeout = 2.0
    assert port.read(1) == bytes([NAK])
    assert 0.4 <= time.monotonic() - started <= 0.9
    # a reply we never ACK is sent again after the ACK timeout, not sooner
    port.write(frame)
    assert port.read(1) == bytes([ACK])
    assert port.read(1) == bytes([STX])
    started = time.monotonic()
    while (byte := port.read(1)) != bytes([STX]):  # the rest of the first transmission, then silence
        assert byte, "the reply was never sent again"
    assert 0.85 <= time.monotonic() - started <= 1.4
    port.write(bytes([ACK]) * 4)
    with pytest.raises(LinkTimeout):
        link.receive(0.2)
