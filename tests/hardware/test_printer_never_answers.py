"""A printer that accepts the connection but never reads or answers, on a real TCP socket.

Status questions give up after the short status timeout, the drawer is not kicked at a printer
that does not answer, and a status question while a job is stuck is answered at once (busy),
never queued behind the job.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from hardware.errors import HardwareError
from hardware.factory import build_devices, open_printer
from hardware.printer import PrinterCashDrawer
from hardware.testprint import sample_receipt


class MutePrinter:
    """Listens on a port, accepts every connection, reads nothing and answers nothing."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        self.server.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            self.accepted.append(conn)  # kept open, never read

    def received(self) -> bytes:
        """What the kiosk sent (read only now, for the test's assertions)."""
        data = b""
        for conn in self.accepted:
            conn.setblocking(False)
            try:
                while chunk := conn.recv(65536):
                    data += chunk
            except (BlockingIOError, OSError):
                pass
        return data

    def close(self) -> None:
        self._stop.set()
        self._thread.join(1)
        for conn in self.accepted:
            conn.close()
        self.server.close()


@pytest.fixture
def mute() -> Iterator[MutePrinter]:
    printer = MutePrinter()
    yield printer
    printer.close()


def test_a_status_question_gives_up_after_the_short_status_timeout(mute: MutePrinter) -> None:
    printer = open_printer(f"tcp://127.0.0.1:{mute.port}?timeout=5")
    started = time.monotonic()
    with pytest.raises(HardwareError) as caught:
        printer.status()
    assert caught.value.code == "offline"
    assert time.monotonic() - started < 2.5  # 1.5 s status timeout, not the 5 s job timeout


def test_the_drawer_is_not_kicked_at_a_printer_that_does_not_answer(mute: MutePrinter) -> None:
    printer = open_printer(f"tcp://127.0.0.1:{mute.port}?status_timeout=0.3")
    with pytest.raises(HardwareError) as caught:
        PrinterCashDrawer(printer).kick()
    assert caught.value.code == "offline"
    sent = mute.received()
    assert sent == b"\x10\x04\x01"  # one status question, and no ESC p
    assert b"\x1bp" not in sent


async def test_status_is_answered_at_once_while_a_job_hangs(mute: MutePrinter) -> None:
    devices = build_devices(f"tcp://127.0.0.1:{mute.port}?timeout=3", "sim://", "sim://", "sim://")
    try:
        job = asyncio.create_task(devices.printer.print_receipt(sample_receipt()))
        await asyncio.sleep(0.2)  # the job is now waiting for a status answer that never comes
        started = time.monotonic()
        report = await devices.check()
        assert time.monotonic() - started < 1.0
        assert report["printer"].startswith("error [busy]")
        assert report["drawer"].startswith("error [busy]")
        with pytest.raises(HardwareError) as caught:
            await job
        assert caught.value.code == "offline"
    finally:
        devices.close()
