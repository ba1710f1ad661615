"""What the framed serial devices (payment terminal, fare card reader) share.

A device owns at most one open port. It is opened on first use and dropped after any I/O
error, so the next call reconnects: unplugging a device and plugging it back in needs no
restart. One job at a time: a second caller gets ``busy`` instead of interleaving frames.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

import serial

from hardware.errors import BUSY, OFFLINE, HardwareError
from hardware.framing import ACK_TIMEOUT, BYTE_TIMEOUT, Link, Port

Connector = Callable[[], Port]


class FramedSerialDevice:
    kind = "device"
    simulator: Any = None  # the in-process simulator behind a sim:// device

    def __init__(
        self, connect: Connector, *, ack_timeout: float = ACK_TIMEOUT, byte_timeout: float = BYTE_TIMEOUT
    ) -> None:
        self._connect = connect
        self._ack_timeout = ack_timeout
        self._byte_timeout = byte_timeout
        self._link: Link | None = None
        self._lock = threading.Lock()

    @property
    def busy(self) -> bool:
        """A request is running on this device right now."""
        return self._lock.locked()

    @contextmanager
    def _job(self) -> Iterator[None]:
        if not self._lock.acquire(blocking=False):
            raise HardwareError(BUSY, f"The {self.kind} is busy with another request.")
        try:
            yield
        finally:
            self._lock.release()

    def _open_link(self) -> Link:
        if self._link is None:
            try:
                port = self._connect()
            except HardwareError:
                raise
            except (serial.SerialException, OSError, ValueError) as exc:
                raise HardwareError(OFFLINE, f"The {self.kind} is not connected ({exc}).") from exc
            self._link = Link(port, ack_timeout=self._ack_timeout, byte_timeout=self._byte_timeout)
        return self._link

    def _drop_link(self) -> None:
        link, self._link = self._link, None
        if link is not None:
            with suppress(serial.SerialException, OSError):  # a broken port may fail to close
                link.port.close()

    def close(self) -> None:
        with self._lock:
            self._drop_link()
