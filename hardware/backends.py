"""python-escpos backends, each a small subclass with the fixes a counter needs.

- every backend has a short timeout (python-escpos's Network waits 60 s by default);
- status reads return at once with what arrived (b"" when nothing did) instead of waiting
  for 16 bytes or raising;
- ``SimEscpos`` is a backend like any other: its bytes go to a :class:`PrinterSimulator`.
"""

from __future__ import annotations

from escpos.escpos import Escpos
from escpos.exceptions import DeviceNotFoundError
from escpos.printer import File, Network, Serial

from hardware.sim.printer import PrinterSession, PrinterSimulator


class TcpEscpos(Network):
    def _read(self) -> bytes:
        assert self.device
        try:
            return self.device.recv(16)  # type: ignore[attr-defined, no-any-return]
        except TimeoutError:
            return b""


class SerialEscpos(Serial):
    def open(self, raise_not_found: bool = True) -> None:
        super().open(raise_not_found)
        if self.device is not None:
            self.device.write_timeout = self.timeout  # type: ignore[attr-defined]  # never block on flow control

    def _read(self) -> bytes:
        assert self.device
        return self.device.read(1)  # type: ignore[attr-defined, no-any-return]  # one status byte per query


class AppendFileEscpos(File):
    """Appends jobs to the file or device node instead of truncating it."""

    def open(self, raise_not_found: bool = True) -> None:
        try:
            self.device = open(self.devfile, "ab")  # noqa: SIM115 - closed by close()
        except OSError as exc:
            self.device = None  # type: ignore[assignment]
            raise DeviceNotFoundError(f"Could not open {self.devfile}: {exc}") from exc


class SimEscpos(Escpos):
    """Talks to an in-process :class:`PrinterSimulator`; one open/close is one job."""

    def __init__(self, simulator: PrinterSimulator, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.simulator = simulator
        self._session: PrinterSession | None = None
        self._replies = bytearray()

    def open(self) -> None:
        self._session = self.simulator.session()  # ConnectionRefusedError when offline
        self.device = self._session

    def _raw(self, msg: bytes) -> None:
        if self._session is None:
            raise OSError("simulated printer is not open")
        self._replies += self._session.feed(msg)

    def _read(self) -> bytes:
        reply, self._replies = bytes(self._replies[:1]), self._replies[1:]
        return reply

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None
        self.device = False  # type: ignore[assignment]
