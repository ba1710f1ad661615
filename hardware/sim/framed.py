"""The device end of a framed serial link, shared by the terminal and card reader simulators."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable

import serial

from hardware.framing import ACK_TIMEOUT, BYTE_TIMEOUT, Link, LinkTimeout, NoAcknowledge, Port, encode_frame
from hardware.ports import SocketPort

TICK = 0.02
log = logging.getLogger("faredesk.sim")


class Refusal(Exception):
    """A well-framed request the device will not act on: answered with ERROR, nothing started.

    ``text`` names what is wrong (it goes on the wire); ``reference`` is what the reply echoes
    (empty when the request carried none that can be repeated).
    """

    def __init__(self, text: str, reference: str = "") -> None:
        super().__init__(text)
        self.text = text
        self.reference = reference


class FramedSimulator:
    """Receives requests, answers them, and applies the fault mode to what it sends.

    Fault modes understood here (subclasses add their own):

    - ``silent``: the device is dead: no ACK, no reply;
    - ``bad_checksum``: the first transmission of every frame has a wrong LRC (NAK, resend);
    - ``garbled``: every transmission has a wrong LRC, so nothing gets through;
    - ``disconnect``: the final reply of a transaction is cut off after a few bytes;
    - ``lose_reply``: the final reply of a transaction is never sent.
    """

    modes: tuple[str, ...] = ("silent", "bad_checksum", "garbled", "disconnect", "lose_reply")
    default_mode = "normal"

    def __init__(
        self, mode: str | None = None, *, ack_timeout: float = ACK_TIMEOUT, byte_timeout: float = BYTE_TIMEOUT
    ) -> None:
        self.mode = self.default_mode
        self.ack_timeout = ack_timeout  # the documented defaults (protocols/framing.md)
        self.byte_timeout = byte_timeout
        self.lock = threading.RLock()
        self._stop: threading.Event | None = None
        self.frames_received: list[bytes] = []
        if mode:
            self.control(mode)

    # -- control ----------------------------------------------------------------------------

    def control(self, mode: str) -> None:
        if mode not in self.modes and mode != self.default_mode:
            raise ValueError(f"unknown mode {mode!r}; choose from {(self.default_mode, *self.modes)}")
        with self.lock:
            self.mode = mode

    # -- transport --------------------------------------------------------------------------

    def connect(self) -> SocketPort:
        """In-process: a new pipe to this device (the previous one is hung up)."""
        if self._stop is not None:
            self._stop.set()
        ours, theirs = SocketPort.pair()
        stop = threading.Event()
        self._stop = stop

        def serve_then_hang_up() -> None:
            self.serve(theirs, stop)
            theirs.close()

        self._thread = threading.Thread(target=serve_then_hang_up, daemon=True, name=type(self).__name__)
        self._thread.start()
        return ours

    def hang_up(self) -> None:
        """In-process: pull the cable (the adapter's next call finds the line dead)."""
        if self._stop is not None:
            self._stop.set()
            self._thread.join(2)

    def serve(self, port: Port, stop: threading.Event) -> None:
        link = Link(port, ack_timeout=self.ack_timeout, byte_timeout=self.byte_timeout)
        link.tamper = self._tamper
        try:
            while not stop.is_set():
                if self.mode == "silent":
                    port.timeout = 0.05
                    port.read(4096)
                    continue
                try:
                    payload = link.receive(0.05)
                except LinkTimeout:
                    self.tick(link)
                    continue
                if self.mode == "silent":
                    continue  # went dead while this frame was arriving
                self.frames_received.append(payload)
                self._answer(link, payload)
                self.tick(link)
        except (serial.SerialException, OSError):
            return  # the other end hung up

    def _answer(self, link: Link, payload: bytes) -> None:
        """Handle one request; a bad one gets ERROR and the device keeps running."""
        try:
            self.handle(link, payload)
        except Refusal as refusal:
            self.refuse(link, refusal)
        except (serial.SerialException, OSError):
            raise
        except Exception:  # a device never dies on a request: say so on the wire, keep serving
            log.exception("simulator could not handle %r", payload)
            self.refuse(link, Refusal("the device could not process this request"))

    def send(self, link: Link, payload: bytes, *, final: bool = False) -> None:
        """Send a reply; ``final`` replies are the ones lose_reply/disconnect interfere with."""
        if self.mode == "silent":
            return
        if final and self.mode == "lose_reply":
            return
        if final and self.mode == "disconnect":
            frame = encode_frame(payload)
            link.port.write(frame[: max(3, len(frame) // 2)])
            time.sleep(link.byte_timeout * 2)  # long enough for the receiver to give up on it
            return
        with contextlib.suppress(NoAcknowledge):  # the outcome stays recorded; the ECR can ask STATUS
            link.send(payload)

    def _tamper(self, frame: bytes, attempt: int) -> bytes:
        if self.mode == "garbled" or (self.mode == "bad_checksum" and attempt == 0):
            return frame[:-1] + bytes([frame[-1] ^ 0xFF])
        return frame

    # -- hooks --------------------------------------------------------------------------------

    def handle(self, link: Link, payload: bytes) -> None:
        """Act on one request; raise :class:`Refusal` for a request the documents forbid."""
        raise NotImplementedError

    def refuse(self, link: Link, refusal: Refusal) -> None:
        """Send this device's ERROR reply for ``refusal``."""
        raise NotImplementedError

    def tick(self, link: Link) -> None:
        """Called between frames: advance whatever the device is doing."""


def wait_until(predicate: Callable[[], bool], timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(TICK)
    return predicate()
