"""Byte ports with the pyserial surface the framing uses.

Real devices use ``serial.Serial`` (or ``serial.serial_for_url``). The in-process simulators
are wired to their adapter through :class:`SocketPort` (a socket pair), and the standalone
simulators serve the master side of a pseudo-terminal through :class:`FdPort`; the adapter
opens the pty's slave path with pyserial exactly as it would open ``/dev/ttyUSB0``.
"""

from __future__ import annotations

import os
import select
import socket
import termios
import tty
from urllib.parse import parse_qs, urlsplit

import serial

from hardware.errors import BAD_URL, OFFLINE, HardwareError


class SocketPort:
    """One end of an in-process byte pipe."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.timeout: float | None = 1.0
        self.closed = False

    @classmethod
    def pair(cls) -> tuple[SocketPort, SocketPort]:
        a, b = socket.socketpair()
        return cls(a), cls(b)

    def read(self, size: int = 1) -> bytes:
        if self.closed:
            raise serial.SerialException("port closed")
        self.sock.settimeout(self.timeout)
        try:
            data = self.sock.recv(size)
        except (TimeoutError, BlockingIOError):
            return b""
        except OSError as exc:
            raise serial.SerialException(str(exc)) from exc
        if not data:
            raise serial.SerialException("the other end closed the connection")
        return data

    def write(self, data: bytes, /) -> int:
        if self.closed:
            raise serial.SerialException("port closed")
        try:
            self.sock.settimeout(2.0)
            self.sock.sendall(data)
        except TimeoutError as exc:
            raise serial.SerialTimeoutException("write timed out") from exc
        except OSError as exc:
            raise serial.SerialException(str(exc)) from exc
        return len(data)

    def reset_input_buffer(self) -> None:
        self.sock.setblocking(False)
        try:
            while self.sock.recv(4096):
                pass
        except (BlockingIOError, OSError):
            pass

    def close(self) -> None:
        self.closed = True
        self.sock.close()


class FdPort:
    """A raw file descriptor (the master side of a pty) with read timeouts."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.timeout: float | None = 1.0

    def read(self, size: int = 1) -> bytes:
        ready, _, _ = select.select([self.fd], [], [], self.timeout)
        if not ready:
            return b""
        try:
            return os.read(self.fd, size)
        except OSError:  # EIO while no client has the slave open
            return b""

    def write(self, data: bytes, /) -> int:
        view = memoryview(data)
        while view:
            _, ready, _ = select.select([], [self.fd], [], 2.0)
            if not ready:
                raise serial.SerialException("write timed out")
            written = os.write(self.fd, view)
            view = view[written:]
        return len(data)

    def reset_input_buffer(self) -> None:
        while select.select([self.fd], [], [], 0)[0]:
            try:
                if not os.read(self.fd, 4096):
                    return
            except OSError:
                return

    def close(self) -> None:
        os.close(self.fd)


def open_pty() -> tuple[FdPort, str, int]:
    """A raw pseudo-terminal: (master port, slave path, slave fd kept open by the caller)."""
    master, slave = os.openpty()
    tty.setraw(slave, termios.TCSANOW)
    return FdPort(master), os.ttyname(slave), slave


def open_serial_url(url: str, *, timeout: float, default_baudrate: int = 9600) -> serial.SerialBase:
    """Open ``serial:///dev/ttyX?baudrate=N`` or ``loop://`` with pyserial."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    try:
        baudrate = int(query.get("baudrate", [default_baudrate])[0])
    except ValueError:
        raise HardwareError(BAD_URL, f"Bad baud rate in device address {url!r}.") from None
    try:
        if parts.scheme == "loop":
            return serial.serial_for_url("loop://", timeout=timeout, write_timeout=timeout)
        if parts.scheme != "serial" or not parts.path:
            raise HardwareError(BAD_URL, f"Expected serial:///dev/ttyX, got {url!r}.")
        return serial.Serial(parts.path, baudrate=baudrate, timeout=timeout, write_timeout=timeout)
    except (serial.SerialException, OSError, ValueError) as exc:
        raise HardwareError(OFFLINE, f"Cannot open {parts.path or url}: {exc}") from exc
