"""Build devices from URLs (the only place that knows about schemes).

=============================  =========================================================
``sim://?mode=decline``        in-process simulator (query: mode, width, slow, ...)
``tcp://host:9100``            network receipt printer (raw port 9100)
``serial:///dev/ttyS0?baudrate=9600``   serial device (printer, terminal, reader, display)
``usb://04b8:0202``            USB receipt printer (needs pyusb)
``file:///dev/usb/lp0``        write-only printer device or file (no status)
``loop://``                    pyserial loopback (customer display only)
=============================  =========================================================

Common query options: ``timeout`` (seconds), printers also ``width`` (58|80), ``codepage``,
``drawer_pin`` (2|5).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from escpos.escpos import Escpos

from hardware.aio import (
    AsyncCashDrawer,
    AsyncCustomerDisplay,
    AsyncFareCardReader,
    AsyncPaymentTerminal,
    AsyncReceiptPrinter,
    DeviceWorker,
)
from hardware.backends import AppendFileEscpos, SerialEscpos, SimEscpos, TcpEscpos
from hardware.cardreader import SerialFareCardReader
from hardware.codepage import DEFAULT_CODE_PAGE
from hardware.display import SerialCustomerDisplay
from hardware.errors import BAD_URL, OFFLINE, HardwareError
from hardware.framing import Port
from hardware.ports import open_serial_url
from hardware.printer import EscposReceiptPrinter, PrinterCashDrawer
from hardware.sim.cardreader import CardReaderSimulator
from hardware.sim.display import DisplaySimulator
from hardware.sim.printer import PrinterSimulator
from hardware.sim.terminal import TerminalSimulator
from hardware.terminal import SerialPaymentTerminal


class _Url:
    def __init__(self, url: str) -> None:
        self.raw = url
        parts = urlsplit(url)
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port if parts.scheme == "tcp" else None
        self.netloc = parts.netloc
        self.path = parts.path
        self.query = {k: v[-1] for k, v in parse_qs(parts.query).items()}

    def number(self, key: str, default: float) -> float:
        try:
            return float(self.query.get(key, default))
        except ValueError:
            raise HardwareError(BAD_URL, f"{key} must be a number in {self.raw!r}.") from None

    def integer(self, key: str, default: int) -> int:
        """A whole number such as a cap in cents: parsed as an int, never through float."""
        try:
            return int(self.query.get(key, default))
        except ValueError:
            raise HardwareError(BAD_URL, f"{key} must be a whole number in {self.raw!r}.") from None


def _bad(kind: str, url: str) -> HardwareError:
    return HardwareError(BAD_URL, f"Unsupported {kind} address {url!r}.")


# -- receipt printer ------------------------------------------------------------------------


def open_printer(url: str, *, sim_dir: Path | None = None) -> EscposReceiptPrinter:
    u = _Url(url)
    timeout = u.number("timeout", 5.0)
    options: dict[str, Any] = {
        "width_mm": u.integer("width", 80),
        # status questions wait briefly: a printer that never answers must not hold anyone
        "status_timeout": u.number("status_timeout", min(timeout, 1.5)),
        "code_page_name": u.query.get("codepage", DEFAULT_CODE_PAGE),
        "description": f"receipt printer ({url})",
        "can_read_status": u.query.get("status", "on") != "off",  # status=off: no return channel
    }
    simulator = None
    connect: Any
    if u.scheme == "sim":
        simulator = PrinterSimulator(
            (sim_dir / "printer") if sim_dir is not None else None,
            width_mm=options["width_mm"],
            mode=u.query.get("mode"),
            slow_seconds=u.number("slow", 2.0),
        )

        def connect(timeout: float = timeout) -> Escpos:
            return SimEscpos(simulator)
    elif u.scheme == "tcp" and u.host:
        host, port = u.host, u.port or 9100

        def connect(timeout: float = timeout) -> Escpos:
            return TcpEscpos(host, port, timeout=timeout)
    elif u.scheme == "serial" and u.path:
        path, baud = u.path, u.integer("baudrate", 9600)

        def connect(timeout: float = timeout) -> Escpos:
            return SerialEscpos(path, baudrate=baud, timeout=timeout)
    elif u.scheme == "usb" and ":" in u.netloc:
        vendor, product = (int(x, 16) for x in u.netloc.split(":", 1))

        def connect(timeout: float = timeout) -> Escpos:
            from escpos.printer import Usb

            if not Usb.is_usable():
                raise HardwareError(OFFLINE, "USB printers need the pyusb package, which is not installed.")
            return Usb(vendor, product, timeout=int(timeout * 1000))
    elif u.scheme == "file" and u.path:
        path = u.path
        options["can_read_status"] = False

        def connect(timeout: float = timeout) -> Escpos:
            return AppendFileEscpos(path)
    else:
        raise _bad("printer", url)
    printer = EscposReceiptPrinter(connect, **options)
    printer.simulator = simulator
    return printer


# -- serial devices -------------------------------------------------------------------------


def _serial_connector(u: _Url, timeout: float, *, allow_loop: bool = False) -> Any:
    if u.scheme == "serial" or (allow_loop and u.scheme == "loop"):
        raw = u.raw

        def connect() -> Port:
            return open_serial_url(raw, timeout=timeout)  # type: ignore[return-value]

        return connect
    return None


def open_terminal(url: str) -> SerialPaymentTerminal:
    u = _Url(url)
    timeouts: dict[str, Any] = {
        # a simulator answers at once: 5 s keeps "reply lost" demos short; real terminals get 30 s
        "response_timeout": u.number("timeout", 5.0 if u.scheme == "sim" else 30.0),
        "transaction_timeout": u.number("total", 180.0),
        "ack_timeout": u.number("ack", 1.0),
    }
    simulator = None
    if u.scheme == "sim":
        simulator = TerminalSimulator(
            u.query.get("mode"), slow_seconds=u.number("slow", 3.0), step_seconds=u.number("step", 0.4)
        )
        terminal = SerialPaymentTerminal(simulator.connect, **timeouts)
    elif connect := _serial_connector(u, 1.0):
        terminal = SerialPaymentTerminal(connect, **timeouts)
    else:
        raise _bad("payment terminal", url)
    terminal.simulator = simulator
    return terminal


def open_reader(url: str) -> SerialFareCardReader:
    u = _Url(url)
    options: dict[str, Any] = {
        "response_timeout": u.number("timeout", 5.0),
        "ack_timeout": u.number("ack", 1.0),
    }
    simulator = None
    if u.scheme == "sim":
        simulator = CardReaderSimulator(
            u.query.get("mode"), slow_seconds=u.number("slow", 2.0), cap_cents=u.integer("cap", 40000)
        )
        reader = SerialFareCardReader(simulator.connect, **options)
    elif connect := _serial_connector(u, 1.0):
        reader = SerialFareCardReader(connect, **options)
    else:
        raise _bad("card reader", url)
    reader.simulator = simulator
    return reader


def open_display(url: str) -> SerialCustomerDisplay:
    u = _Url(url)
    simulator = None
    if u.scheme == "sim":
        simulator = DisplaySimulator(u.query.get("mode"))
        display = SerialCustomerDisplay(simulator.connect)
    elif connect := _serial_connector(u, u.number("timeout", 2.0), allow_loop=True):
        display = SerialCustomerDisplay(connect)
    else:
        raise _bad("customer display", url)
    display.simulator = simulator
    return display


# -- the set the kiosk uses -----------------------------------------------------------------


@dataclass
class DeviceSet:
    printer: AsyncReceiptPrinter
    drawer: AsyncCashDrawer
    terminal: AsyncPaymentTerminal
    reader: AsyncFareCardReader
    display: AsyncCustomerDisplay
    sim_dir: Path | None = None

    async def check(self) -> dict[str, str]:
        """Each device's status in words ("error: ..." for a problem); never raises."""
        checks = {
            "printer": self._printer_status,
            "drawer": self._drawer_status,
            "terminal": self.terminal.check,
            "cardreader": self.reader.check,
            "display": self.display.check,
        }

        async def one(check: Callable[[], Awaitable[str]]) -> str:
            try:
                return await check()
            except HardwareError as exc:
                return f"error [{exc.code}]: {exc.message}"

        answers = await asyncio.gather(*(one(check) for check in checks.values()))
        return dict(zip(checks, answers, strict=True))

    async def _printer_status(self) -> str:
        return (await self.printer.status()).describe()

    async def _drawer_status(self) -> str:
        is_open = await self.drawer.is_open()
        return "unknown (not reported)" if is_open is None else "open" if is_open else "closed"

    def close(self) -> None:
        for device in (self.printer, self.terminal, self.reader, self.display):
            device.worker.shutdown()
        self.printer.status_worker.shutdown()
        for closable in (self.terminal.device, self.reader.device, self.display.device):
            closable.close()


def _terminal_guard(terminal: SerialPaymentTerminal) -> float:
    """Longer than the adapter can ever take: the whole transaction plus every STATUS try."""
    per_exchange = terminal.response_timeout + 4 * terminal._ack_timeout
    return terminal.transaction_timeout + (terminal.status_attempts + 1) * per_exchange + 30


def build_devices(
    printer_url: str = "sim://",
    terminal_url: str = "sim://",
    cardreader_url: str = "sim://",
    display_url: str = "sim://",
    *,
    sim_dir: Path | None = None,
) -> DeviceSet:
    """Open nothing yet (devices connect on first use); build every adapter and its worker."""
    printer = open_printer(printer_url, sim_dir=sim_dir)
    printer_worker = DeviceWorker("printer", 120.0)  # a few receipts may queue behind each other
    status_worker = DeviceWorker("printer status", 15.0)  # never queued behind a print
    terminal = open_terminal(terminal_url)
    reader = open_reader(cardreader_url)
    display = open_display(display_url)
    sim = printer.simulator
    return DeviceSet(
        printer=AsyncReceiptPrinter(printer, printer_worker, printer_url, sim, status_worker),
        drawer=AsyncCashDrawer(
            PrinterCashDrawer(printer, pin=_Url(printer_url).integer("drawer_pin", 2)),
            printer_worker,
            printer_url,
            sim,
            status_worker,
        ),
        terminal=AsyncPaymentTerminal(
            terminal, DeviceWorker("terminal", _terminal_guard(terminal)), terminal_url, terminal.simulator
        ),
        reader=AsyncFareCardReader(
            reader,
            DeviceWorker("cardreader", 6 * reader.response_timeout + 30),
            cardreader_url,
            reader.simulator,
        ),
        display=AsyncCustomerDisplay(display, DeviceWorker("display", 15.0), display_url, display.simulator),
        sim_dir=sim_dir,
    )
