"""Every adapter and every async facade satisfies its interface (checked by mypy and at run time)."""

from __future__ import annotations

from pathlib import Path

from hardware import interfaces
from hardware.factory import build_devices, open_display, open_printer, open_reader, open_terminal
from hardware.printer import PrinterCashDrawer


def test_adapters_implement_the_sync_interfaces(tmp_path: Path) -> None:
    printer: interfaces.ReceiptPrinter = open_printer("sim://", sim_dir=tmp_path)
    drawer: interfaces.CashDrawer = PrinterCashDrawer(open_printer("sim://", sim_dir=tmp_path))
    terminal: interfaces.PaymentTerminal = open_terminal("sim://")
    reader: interfaces.FareCardReader = open_reader("sim://")
    display: interfaces.CustomerDisplay = open_display("sim://")
    assert isinstance(printer, interfaces.ReceiptPrinter)
    assert isinstance(drawer, interfaces.CashDrawer)
    assert isinstance(terminal, interfaces.PaymentTerminal)
    assert isinstance(reader, interfaces.FareCardReader)
    assert isinstance(display, interfaces.CustomerDisplay)


def test_the_async_facade_implements_the_async_interfaces(tmp_path: Path) -> None:
    devices = build_devices(sim_dir=tmp_path)
    printer: interfaces.AsyncReceiptPrinter = devices.printer
    drawer: interfaces.AsyncCashDrawer = devices.drawer
    terminal: interfaces.AsyncPaymentTerminal = devices.terminal
    reader: interfaces.AsyncFareCardReader = devices.reader
    display: interfaces.AsyncCustomerDisplay = devices.display
    for device, interface in (
        (printer, interfaces.AsyncReceiptPrinter),
        (drawer, interfaces.AsyncCashDrawer),
        (terminal, interfaces.AsyncPaymentTerminal),
        (reader, interfaces.AsyncFareCardReader),
        (display, interfaces.AsyncCustomerDisplay),
    ):
        assert isinstance(device, interface)
    devices.close()
