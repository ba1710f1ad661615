"""2×20 customer pole display over a serial line (Epson-style ESC/POS display commands).

Per update: ``ESC @`` once per connection, then ``US $ 1 1`` + line 1 and ``US $ 1 2`` +
line 2, each padded to 20 characters in the display's code page (cp437). The display never
answers, so problems show up as a port that will not open or a write that times out.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

import serial

from hardware.codepage import code_page, encode_text, printable
from hardware.errors import BUSY, OFFLINE, TIMEOUT, HardwareError
from hardware.framing import Port
from hardware.money import format_cents

COLUMNS = 20
INIT = b"\x1b@"
CLEAR = b"\x0c"
PAGE = code_page("cp437")


def cursor(column: int, row: int) -> bytes:
    return b"\x1f$" + bytes([column, row])


def fit(text: str) -> str:
    """Exactly 20 display characters (newlines and tabs become spaces)."""
    return printable(text.replace("\n", " ").replace("\t", " "), PAGE)[:COLUMNS].ljust(COLUMNS)


def encode_show(line1: str, line2: str) -> bytes:
    return cursor(1, 1) + encode_text(fit(line1), PAGE) + cursor(1, 2) + encode_text(fit(line2), PAGE)


def item_lines(description: str, amount_cents: int, total_cents: int) -> tuple[str, str]:
    """Last item with its amount on line 1, the running total on line 2."""
    amount = format_cents(amount_cents)
    total = format_cents(total_cents, symbol="$")
    name = printable(" ".join(description.split()), PAGE)[: max(0, COLUMNS - len(amount) - 1)]
    return name + amount.rjust(COLUMNS - len(name)), "TOTAL" + total.rjust(COLUMNS - 5)


class SerialCustomerDisplay:
    simulator: Any = None  # the in-process simulator behind a sim:// device

    def __init__(self, connect: Callable[[], Port]) -> None:
        self._connect = connect
        self._port: Port | None = None
        self._lock = threading.Lock()
        self.last: tuple[str, str] = ("", "")

    def show(self, line1: str, line2: str = "") -> None:
        self._write(encode_show(line1, line2))
        self.last = (fit(line1), fit(line2))

    def show_item(self, description: str, amount_cents: int, total_cents: int) -> None:
        self.show(*item_lines(description, amount_cents, total_cents))

    def clear(self) -> None:
        self._write(CLEAR)
        self.last = ("", "")

    def check(self) -> str:
        self._write(b"")
        return "connected"

    def close(self) -> None:
        with self._lock:
            self._drop()

    def _write(self, data: bytes) -> None:
        if not self._lock.acquire(blocking=False):
            raise HardwareError(BUSY, "The customer display is busy.")
        try:
            if self._port is None:
                try:
                    port = self._connect()
                    port.write(INIT + CLEAR)
                except HardwareError:
                    raise
                except (serial.SerialException, OSError) as exc:
                    raise HardwareError(OFFLINE, f"The customer display is not connected ({exc}).") from exc
                self._port = port
            try:
                if data:
                    self._port.write(data)
            except serial.SerialTimeoutException as exc:
                self._drop()
                raise HardwareError(TIMEOUT, "The customer display did not take the update.") from exc
            except (serial.SerialException, OSError) as exc:
                self._drop()
                raise HardwareError(OFFLINE, f"Lost the customer display ({exc}).") from exc
        finally:
            self._lock.release()

    def _drop(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            with contextlib.suppress(serial.SerialException, OSError):
                port.close()
