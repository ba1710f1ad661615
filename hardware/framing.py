"""Framing shared by the payment terminal and the fare card reader (see protocols/framing.md).

Wire format of one frame::

    STX  LLLL  escaped-payload  ETX  LRC

``LLLL`` is the length of the escaped payload as four upper-case hex digits. Inside the
payload every control byte (STX ETX EOT ACK DLE NAK) is sent as ``DLE, byte ^ 0x40``, so the
control bytes are unique on the wire and any byte string can be carried. ``LRC`` is the XOR
of every byte after STX up to and including ETX. Because the length fixes where ETX must be
and the LRC covers every other byte, any single corrupted byte is detected.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Final, Protocol

STX: Final = 0x02
ETX: Final = 0x03
EOT: Final = 0x04
ACK: Final = 0x06
DLE: Final = 0x10
NAK: Final = 0x15
FS: Final = 0x1C  # field separator inside a message
CONTROL: Final = frozenset({STX, ETX, EOT, ACK, DLE, NAK})
MAX_WIRE_PAYLOAD: Final = 0xFFFF
MAX_RETRANSMISSIONS: Final = 3
ACK_TIMEOUT: Final = 1.0  # seconds to wait for ACK/NAK before retransmitting (protocols/framing.md)
BYTE_TIMEOUT: Final = 0.5  # seconds of silence inside a frame before it is NAKed as cut off


class FrameError(Exception):
    """A frame failed its length, escape or checksum check."""


class LinkTimeout(Exception):
    """Nothing (or only part of a frame) arrived in time."""


class NoAcknowledge(Exception):
    """The peer did not ACK a frame after the allowed retransmissions."""


class Port(Protocol):
    """The slice of ``serial.Serial`` the link uses (pyserial ports and the in-process pipe)."""

    timeout: float | None

    def read(self, size: int = 1) -> bytes: ...

    def write(self, data: bytes, /) -> int | None: ...

    def reset_input_buffer(self) -> None: ...

    def close(self) -> None: ...


def lrc(data: bytes) -> int:
    value = 0
    for byte in data:
        value ^= byte
    return value


def escape(payload: bytes) -> bytes:
    out = bytearray()
    for byte in payload:
        if byte in CONTROL:
            out += bytes([DLE, byte ^ 0x40])
        else:
            out.append(byte)
    return bytes(out)


def unescape(wire: bytes) -> bytes:
    out = bytearray()
    pending_dle = False
    for byte in wire:
        if pending_dle:
            original = byte ^ 0x40
            if original not in CONTROL:
                raise FrameError(f"invalid escape DLE {byte:#04x}")
            out.append(original)
            pending_dle = False
        elif byte == DLE:
            pending_dle = True
        elif byte in CONTROL:
            raise FrameError(f"unescaped control byte {byte:#04x} in payload")
        else:
            out.append(byte)
    if pending_dle:
        raise FrameError("payload ends inside an escape")
    return bytes(out)


def encode_frame(payload: bytes) -> bytes:
    wire = escape(payload)
    if len(wire) > MAX_WIRE_PAYLOAD:
        raise ValueError("payload too long for one frame")
    body = f"{len(wire):04X}".encode() + wire + bytes([ETX])
    return bytes([STX]) + body + bytes([lrc(body)])


def decode_frame(frame: bytes) -> bytes:
    """Check one complete frame and return its payload (raises :class:`FrameError`)."""
    if len(frame) < 7 or frame[0] != STX:
        raise FrameError("frame must start with STX and hold a length, ETX and LRC")
    length = _parse_length(frame[1:5])
    if len(frame) != 5 + length + 2:
        raise FrameError("frame length does not match its header")
    if frame[5 + length] != ETX:
        raise FrameError("ETX missing where the length says it ends")
    body = frame[1 : 6 + length]
    if lrc(body) != frame[-1]:
        raise FrameError("LRC mismatch")
    return unescape(frame[5 : 5 + length])


def _parse_length(digits: bytes) -> int:
    if len(digits) != 4 or any(d not in b"0123456789ABCDEF" for d in digits):
        raise FrameError("bad length header")
    return int(digits, 16)


class Link:
    """Reliable frames over a byte port: ACK/NAK, retransmission, timeouts on every read.

    Both ends of a connection use this class: the adapter talks to a device with it, and the
    simulators answer with it. ``tamper`` lets a simulator corrupt or cut what it sends.
    """

    def __init__(
        self,
        port: Port,
        *,
        ack_timeout: float = ACK_TIMEOUT,
        byte_timeout: float = BYTE_TIMEOUT,
        retransmissions: int = MAX_RETRANSMISSIONS,
    ) -> None:
        self.port = port
        self.ack_timeout = ack_timeout
        self.byte_timeout = byte_timeout
        self.retransmissions = retransmissions
        self.tamper: Callable[[bytes, int], bytes] | None = None

    # -- sending ----------------------------------------------------------------------------

    def send(self, payload: bytes) -> None:
        """Send a frame and wait for ACK; retransmit on NAK or silence (at most 3 times)."""
        frame = encode_frame(payload)
        for attempt in range(self.retransmissions + 1):
            wire = self.tamper(frame, attempt) if self.tamper else frame
            self.port.write(wire)
            if self._wait_ack():
                return
        raise NoAcknowledge(f"no ACK after {self.retransmissions} retransmissions")

    def _wait_ack(self) -> bool:
        deadline = time.monotonic() + self.ack_timeout
        while True:
            byte = self._read_byte(deadline)
            if byte is None or byte == NAK:
                return False
            if byte == ACK:
                return True
            # anything else while waiting for ACK is line noise: ignore it

    # -- receiving --------------------------------------------------------------------------

    def receive(self, timeout: float) -> bytes:
        """Wait up to ``timeout`` for a good frame; NAK bad ones (the peer resends)."""
        deadline = time.monotonic() + timeout
        while True:
            byte = self._read_byte(deadline)
            if byte is None:
                raise LinkTimeout("no frame received in time")
            if byte != STX:
                continue
            try:
                payload = self._read_rest_of_frame()
            except FrameError:
                self.port.write(bytes([NAK]))
                continue
            self.port.write(bytes([ACK]))
            return payload

    def _read_rest_of_frame(self) -> bytes:
        header = self._read_exact(4)
        length = _parse_length(header)
        rest = self._read_exact(length + 2)
        return decode_frame(bytes([STX]) + header + rest)

    def _read_exact(self, count: int) -> bytes:
        out = bytearray()
        while len(out) < count:
            byte = self._read_byte(time.monotonic() + self.byte_timeout)
            if byte is None:
                raise FrameError("frame cut off (inter-byte timeout)")
            out.append(byte)
        return bytes(out)

    def _read_byte(self, deadline: float) -> int | None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        self.port.timeout = remaining
        data = self.port.read(1)
        return data[0] if data else None


def encode_message(*fields: str) -> bytes:
    """Join text fields with FS. Fields are UTF-8 and may not contain FS themselves."""
    encoded = [f.encode("utf-8") for f in fields]
    if any(bytes([FS]) in f for f in encoded):
        raise ValueError("a message field may not contain the FS separator")
    return bytes([FS]).join(encoded)


def decode_message(payload: bytes) -> list[str]:
    try:
        return payload.decode("utf-8").split(chr(FS))
    except UnicodeDecodeError as exc:
        raise FrameError("message is not UTF-8") from exc
