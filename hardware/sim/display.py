"""Customer display simulator: interprets the pole display's bytes into two 20-column lines."""

from __future__ import annotations

import threading
from collections.abc import Callable

import serial

from hardware.display import COLUMNS
from hardware.framing import Port
from hardware.ports import SocketPort


class DisplaySimulator:
    """Modes: ``normal``, ``silent`` (stops reading: writes back up and time out)."""

    modes = ("normal", "silent")

    def __init__(
        self, mode: str | None = None, on_change: Callable[[tuple[str, str]], None] | None = None
    ) -> None:
        self.lines = [" " * COLUMNS, " " * COLUMNS]
        self.mode = "normal"
        self.on_change = on_change
        self._row, self._col = 0, 0
        self._pending = bytearray()
        self._stop: threading.Event | None = None
        if mode:
            self.control(mode)

    def control(self, mode: str) -> None:
        if mode not in self.modes:
            raise ValueError(f"unknown mode {mode!r}; choose from {self.modes}")
        self.mode = mode

    @property
    def text(self) -> tuple[str, str]:
        return self.lines[0], self.lines[1]

    def connect(self) -> SocketPort:
        if self._stop is not None:
            self._stop.set()
        ours, theirs = SocketPort.pair()
        stop = threading.Event()
        self._stop = stop
        threading.Thread(target=self.serve, args=(theirs, stop), daemon=True, name="DisplaySimulator").start()
        return ours

    def serve(self, port: Port, stop: threading.Event) -> None:
        try:
            while not stop.is_set():
                if self.mode == "silent":
                    stop.wait(0.05)
                    continue
                port.timeout = 0.05
                data = port.read(256)
                if data:
                    self.feed(data)
        except (serial.SerialException, OSError):
            return

    def feed(self, data: bytes) -> None:
        self._pending += data
        before = self.text
        while self._pending:
            byte = self._pending[0]
            if byte == 0x1B:  # ESC @
                if len(self._pending) < 2:
                    break
                del self._pending[:2]
                self._clear()
            elif byte == 0x0C:
                del self._pending[:1]
                self._clear()
            elif byte == 0x1F:  # US $ x y
                if len(self._pending) < 4:
                    break
                if self._pending[1] == ord("$"):
                    self._col, self._row = self._pending[2] - 1, self._pending[3] - 1
                del self._pending[:4]
            else:
                del self._pending[:1]
                if byte >= 0x20 and 0 <= self._row < 2 and 0 <= self._col < COLUMNS:
                    line = self.lines[self._row]
                    char = bytes([byte]).decode("cp437")
                    self.lines[self._row] = line[: self._col] + char + line[self._col + 1 :]
                    self._col += 1
        if self.text != before and self.on_change is not None:
            self.on_change(self.text)

    def _clear(self) -> None:
        self.lines = [" " * COLUMNS, " " * COLUMNS]
        self._row, self._col = 0, 0
