"""Receipt printer adapter on python-escpos, and the cash drawer that hangs off it.

The adapter opens the printer for each job and closes it afterwards, so a printer that was
switched off and on again simply works on the next job. Before printing it reads the status
(DLE EOT 1, 2 and 4) where the backend can read; a stopped printer (offline, cover open,
paper out) raises before a byte is sent, and paper near its end is reported as a warning.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any, Literal

import serial
from escpos import exceptions as escpos_exceptions
from escpos.escpos import Escpos

from hardware.codepage import DEFAULT_CODE_PAGE, code_page
from hardware.errors import BUSY, COVER_OPEN, OFFLINE, PAPER_LOW, PAPER_OUT, TIMEOUT, HardwareError
from hardware.receipt import Receipt, render_escpos
from hardware.slip import Slip, render_slip_escpos

PaperState = Literal["ok", "low", "out", "unknown"]
DLE_EOT_PRINTER = b"\x10\x04\x01"
DLE_EOT_OFFLINE_CAUSE = b"\x10\x04\x02"
DLE_EOT_PAPER = b"\x10\x04\x04"
DRAWER_PINS = {2: b"\x1bp\x00\x19\xfa", 5: b"\x1bp\x01\x19\xfa"}  # ESC p m t1 t2: 50 ms on, 500 ms off


@dataclass(frozen=True)
class PrinterStatus:
    online: bool
    paper: PaperState = "unknown"
    cover_open: bool | None = None
    drawer_open: bool | None = None
    readable: bool = True  # False: the backend cannot report status (file://, some USB/serial)

    def problem(self) -> HardwareError | None:
        """What stops printing, if anything (checked before a job is sent)."""
        if self.cover_open:
            return HardwareError(COVER_OPEN, "The receipt printer cover is open. Close it and try again.")
        if self.paper == "out":
            return HardwareError(PAPER_OUT, "The receipt printer is out of paper. Load a new roll.")
        if not self.online:
            return HardwareError(OFFLINE, "The receipt printer is offline.")
        return None

    def warnings(self) -> list[HardwareError]:
        if self.paper == "low":
            return [HardwareError(PAPER_LOW, "The receipt paper is running low. Have a new roll ready.")]
        return []

    def describe(self) -> str:
        if not self.readable:
            return "connected (status not readable)"
        parts = ["online" if self.online else "offline", f"paper {self.paper}"]
        if self.cover_open:
            parts.append("cover open")
        if self.drawer_open is not None:
            parts.append("drawer open" if self.drawer_open else "drawer closed")
        return ", ".join(parts)


def parse_status(
    printer_byte: int, cause_byte: int, paper_byte: int, *, drawer_open_high: bool = True
) -> PrinterStatus:
    """Decode Epson DLE EOT 1 / 2 / 4 replies.

    Paper end is read from either place the document gives it: DLE EOT 4 bits 5-6 (the roll
    sensor) or DLE EOT 2 bit 5 (printing stopped because of paper end), whichever says so.
    """
    pin3_high = bool(printer_byte & 0x04)
    paper_end = paper_byte & 0x60 == 0x60 or bool(cause_byte & 0x20)
    return PrinterStatus(
        online=not printer_byte & 0x08,
        paper="out" if paper_end else "low" if paper_byte & 0x0C == 0x0C else "ok",
        cover_open=bool(cause_byte & 0x04),
        drawer_open=pin3_high if drawer_open_high else not pin3_high,
    )


DRIVER_ERRORS = (escpos_exceptions.Error, serial.SerialException, OSError, socket.timeout, AssertionError)


@dataclass
class PrintResult:
    status: PrinterStatus
    bytes_sent: int
    warnings: list[HardwareError] = field(default_factory=list)


class EscposReceiptPrinter:
    """A receipt printer behind any python-escpos backend (``connect`` builds a fresh one).

    ``connect`` may take a ``timeout`` keyword: status questions (the status bar, the check
    before a drawer kick) use the short ``status_timeout``, so a printer that accepts the
    connection and never answers costs a status poll at most that long. A status question
    while a job is printing is answered ``busy`` at once, never queued behind the job.
    """

    simulator: Any = None  # the in-process simulator behind a sim:// device

    def __init__(
        self,
        connect: Callable[..., Escpos],
        *,
        width_mm: int = 80,
        code_page_name: str = DEFAULT_CODE_PAGE,
        can_read_status: bool = True,
        drawer_open_high: bool = True,
        description: str = "receipt printer",
        status_timeout: float | None = None,
    ) -> None:
        code_page(code_page_name)  # validate early
        self._connect = connect
        self.width_mm = width_mm
        self.code_page_name = code_page_name
        self.can_read_status = can_read_status
        self.drawer_open_high = drawer_open_high
        self.description = description
        self.status_timeout = status_timeout
        self._lock = threading.Lock()

    # -- operations ---------------------------------------------------------------------------

    def print_receipt(self, receipt: Receipt, *, kick_drawer_pin: int | None = None) -> PrintResult:
        data = render_escpos(receipt, self.width_mm, code_page_name=self.code_page_name)
        if kick_drawer_pin is not None:
            data = DRAWER_PINS[kick_drawer_pin] + data
        return self.print_raw(data)

    def print_slip(self, slip: Slip) -> PrintResult:
        """A drawer slip (paid-out, safe drop) at this printer's width and code page."""
        return self.print_raw(render_slip_escpos(slip, self.width_mm, code_page_name=self.code_page_name))

    def print_raw(self, data: bytes) -> PrintResult:
        with self._session() as printer:
            status = self._read_status(printer)
            problem = status.problem()
            if problem is not None:
                raise problem
            printer._raw(data)
            if self.can_read_status:
                # Asking again proves the printer took the whole job (a hang-up mid-job is
                # otherwise invisible on TCP) and catches paper running out during it.
                after = self._read_status(printer, during_job=True)
                if (late := after.problem()) is not None:
                    raise HardwareError(
                        late.code, late.message + " The receipt may be incomplete: reprint it."
                    )
                status = after
            return PrintResult(status, len(data), status.warnings())

    def status(self) -> PrinterStatus:
        with self._session(self.status_timeout) as printer:
            return self._read_status(printer)

    def kick_drawer(self, pin: int = 2) -> None:
        """ESC p: pulse the drawer kick-out connector (works with paper out, not when offline).

        The kick is sent only once the printer has answered a status request: a printer that
        does not answer gets no kick, and the caller hears that the drawer did not open.
        """
        if pin not in DRAWER_PINS:
            raise ValueError("drawer pin must be 2 or 5")
        with self._session(self.status_timeout) as printer:
            self._read_status(printer)  # no answer: raises offline, nothing sent
            printer._raw(DRAWER_PINS[pin])
            self._read_status(printer)  # the answer proves the printer took the kick

    # -- internals ----------------------------------------------------------------------------

    @contextmanager
    def _session(self, timeout: float | None = None) -> Iterator[Escpos]:
        if not self._lock.acquire(blocking=False):
            raise HardwareError(BUSY, "The receipt printer is busy with another job.")
        try:
            try:
                printer = self._connect() if timeout is None else self._connect(timeout=timeout)
                printer.open()
            except HardwareError:
                raise
            except DRIVER_ERRORS as exc:
                raise HardwareError(OFFLINE, f"The {self.description} is not reachable ({exc}).") from exc
            try:
                yield printer
            except HardwareError:
                raise
            except (TimeoutError, serial.SerialTimeoutException) as exc:
                raise HardwareError(TIMEOUT, f"The {self.description} stopped responding ({exc}).") from exc
            except DRIVER_ERRORS as exc:
                raise HardwareError(
                    OFFLINE, f"Lost the connection to the {self.description} ({exc})."
                ) from exc
            finally:
                with suppress(*DRIVER_ERRORS):
                    printer.close()
        finally:
            self._lock.release()

    def _read_status(self, printer: Escpos, *, during_job: bool = False) -> PrinterStatus:
        if not self.can_read_status:
            return PrinterStatus(online=True, readable=False)
        replies = []
        for query in (DLE_EOT_PRINTER, DLE_EOT_OFFLINE_CAUSE, DLE_EOT_PAPER):
            reply = printer.query_status(query)
            if not reply:
                detail = " during the job; the receipt may be incomplete: reprint it" if during_job else ""
                raise HardwareError(
                    OFFLINE, f"The {self.description} did not answer a status request{detail}."
                )
            replies.append(reply[0])
        return parse_status(*replies, drawer_open_high=self.drawer_open_high)


class PrinterCashDrawer:
    """The cash drawer wired to the printer's kick-out connector."""

    def __init__(self, printer: EscposReceiptPrinter, *, pin: int = 2) -> None:
        self.printer = printer
        self.pin = pin

    def kick(self) -> None:
        self.printer.kick_drawer(self.pin)

    def is_open(self) -> bool | None:
        """True/False where the printer reports the drawer sensor, None where it cannot."""
        return self.printer.status().drawer_open
