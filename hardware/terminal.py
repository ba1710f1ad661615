"""Payment terminal adapter: the ECR side of protocols/payment-terminal.md.

The rule that keeps money safe: once a SALE or REFUND may have reached the terminal, the
adapter never sends it again blindly. If the reply does not arrive (timeout, lost frame,
broken line), it asks ``STATUS(reference)`` and reports what the terminal says —
approved, declined, cancelled — or ``unknown_outcome`` if the terminal cannot be asked.
The terminal is also idempotent on the reference, so a later retry with the same reference
returns the first result instead of charging again.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Literal

import serial

from hardware.errors import BUSY, CANCELLED, DECLINED, PROTOCOL_ERROR, UNKNOWN_OUTCOME, HardwareError
from hardware.framing import (
    ACK_TIMEOUT,
    BYTE_TIMEOUT,
    FrameError,
    Link,
    LinkTimeout,
    NoAcknowledge,
    decode_message,
    encode_message,
)
from hardware.serialdevice import Connector, FramedSerialDevice

Outcome = Literal["approved", "declined", "cancelled", "unknown_outcome"]
REQUESTS = ("SALE", "REFUND", "CANCEL", "STATUS", "BATCH")  # ECR -> terminal (protocols/payment-terminal.md)
REPLIES = (
    "PROMPT", "APPROVED", "DECLINED", "CANCELLED", "IN_PROGRESS", "NOT_FOUND", "BUSY", "BATCH_TOTAL", "ERROR"
)
PROMPT_CODES = ("PRESENT_CARD", "ENTER_PIN", "PROCESSING", "REMOVE_CARD")
FINAL_REPLIES = frozenset({"APPROVED", "DECLINED", "CANCELLED"})
MAX_REFERENCE = 32
UNKNOWN_ADVICE = (
    "The terminal did not confirm the outcome. Do not charge again: check the terminal's last "
    "transaction (or retry with the same reference, which cannot charge twice)."
)


@dataclass(frozen=True)
class Prompt:
    code: str  # PRESENT_CARD | ENTER_PIN | PROCESSING | REMOVE_CARD | ...
    text: str


@dataclass(frozen=True)
class CardResult:
    status: Outcome
    reference: str
    amount_cents: int
    auth_code: str | None = None
    brand: str | None = None
    last4: str | None = None
    terminal_txn_id: str | None = None
    reason: str | None = None

    @property
    def approved(self) -> bool:
        return self.status == "approved"

    def error(self) -> HardwareError | None:
        """The outcome as a HardwareError for callers that prefer raising (None if approved)."""
        if self.status == "approved":
            return None
        code = {"declined": DECLINED, "cancelled": CANCELLED}.get(self.status, UNKNOWN_OUTCOME)
        return HardwareError(code, self.reason or self.status.replace("_", " ").capitalize() + ".")


@dataclass(frozen=True)
class BatchTotal:
    """The terminal's open batch (what it will settle): counts and cents of sales and refunds."""

    batch_number: str
    sale_count: int
    sale_cents: int
    refund_count: int
    refund_cents: int
    net_cents: int


PromptCallback = Callable[[Prompt], None]
PromptHandler = Callable[[Prompt], None] | Callable[[Prompt], Awaitable[None]]  # async facade: either kind


def valid_reference(reference: str) -> bool:
    """A reference is 1-32 printable ASCII characters (protocols/payment-terminal.md)."""
    return 0 < len(reference) <= MAX_REFERENCE and reference.isascii() and reference.isprintable()


def _check_request(amount_cents: int, reference: str) -> None:
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or amount_cents <= 0:
        raise ValueError("amount must be a positive number of cents")
    if not valid_reference(reference):
        raise ValueError(f"reference must be 1-{MAX_REFERENCE} printable ASCII characters")


def _last4(value: str) -> str | None:
    """Keep exactly four digits; anything else (such as a full number) is dropped, not stored."""
    return value if len(value) == 4 and value.isdigit() else None


class SerialPaymentTerminal(FramedSerialDevice):
    kind = "payment terminal"

    def __init__(
        self,
        connect: Connector,
        *,
        response_timeout: float = 30.0,
        transaction_timeout: float = 180.0,
        ack_timeout: float = ACK_TIMEOUT,
        byte_timeout: float = BYTE_TIMEOUT,
        status_attempts: int = 2,
    ) -> None:
        super().__init__(connect, ack_timeout=ack_timeout, byte_timeout=byte_timeout)
        self.response_timeout = response_timeout  # silence allowed between frames
        self.transaction_timeout = transaction_timeout  # whole transaction, prompts included
        self.status_attempts = status_attempts
        self._cancel = threading.Event()
        self._active: str | None = None

    # -- public operations ------------------------------------------------------------------

    def sale(self, amount_cents: int, reference: str, on_prompt: PromptCallback | None = None) -> CardResult:
        return self._transact("SALE", amount_cents, reference, (), on_prompt)

    def refund(
        self,
        amount_cents: int,
        reference: str,
        original_txn_id: str = "",
        on_prompt: PromptCallback | None = None,
    ) -> CardResult:
        if not original_txn_id.strip():
            raise ValueError("a refund needs the original terminal transaction id")
        return self._transact("REFUND", amount_cents, reference, (original_txn_id,), on_prompt)

    def cancel(self) -> bool:
        """Ask the terminal to cancel the transaction in progress (thread-safe, not queued).

        Returns False when nothing is in progress. The transaction still ends with whatever
        the terminal reports: a card already approved stays approved.
        """
        if self._active is None:
            return False
        self._cancel.set()
        return True

    def status(self, reference: str) -> CardResult:
        """What the terminal knows about ``reference`` (to settle an unknown outcome later)."""
        with self._job():
            link = self._open_link()
            return self._resolve(link, reference, 0, "Asked for the status")

    def batch_total(self, reference: str = "BATCH") -> BatchTotal:
        """The open batch's totals, as the clerk compares them with the drawer at close."""
        with self._job():
            link = self._open_link()
            try:
                link.port.reset_input_buffer()
                link.send(encode_message("BATCH", reference))
                deadline = time.monotonic() + min(self.response_timeout, 5.0)
                while True:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise LinkTimeout("no batch total in time")
                    fields = decode_message(link.receive(remaining))
                    if fields[:2] == ["ERROR", reference]:
                        raise HardwareError(PROTOCOL_ERROR, f"The payment terminal refused: {fields[2:]}.")
                    if fields[:2] == ["BATCH_TOTAL", reference] and len(fields) == 8:
                        number, *counts = fields[2:]
                        if all(c.isdigit() for c in counts):
                            return BatchTotal(number, *map(int, counts))
                        raise HardwareError(PROTOCOL_ERROR, "The payment terminal sent a bad batch total.")
            except (LinkTimeout, NoAcknowledge, FrameError, serial.SerialException, OSError) as exc:
                self._drop_link()
                raise HardwareError("timeout", f"The payment terminal does not answer ({exc}).") from exc

    def check(self) -> str:
        """Ping with STATUS of a reference nobody uses; 'online' if the terminal answers."""
        with self._job():
            link = self._open_link()
            try:
                link.port.reset_input_buffer()
                link.send(encode_message("STATUS", "PING"))
                self._wait_final(link, "PING", None, time.monotonic() + min(self.response_timeout, 5.0))
            except (LinkTimeout, NoAcknowledge, FrameError, serial.SerialException, OSError) as exc:
                self._drop_link()
                raise HardwareError("timeout", f"The payment terminal does not answer ({exc}).") from exc
            return "online"

    # -- transaction ------------------------------------------------------------------------

    def _transact(
        self,
        kind: str,
        amount_cents: int,
        reference: str,
        extra: tuple[str, ...],
        on_prompt: PromptCallback | None,
    ) -> CardResult:
        _check_request(amount_cents, reference)
        with self._job():
            link = self._open_link()  # raises offline: nothing was sent
            self._cancel.clear()
            self._active = reference
            try:
                try:
                    link.port.reset_input_buffer()
                    link.send(encode_message(kind, str(amount_cents), reference, *extra))
                except (NoAcknowledge, serial.SerialException, OSError):
                    return self._resolve(link, reference, amount_cents, "The terminal did not acknowledge")
                return self._await_outcome(link, reference, amount_cents, on_prompt)
            except (LinkTimeout, FrameError, NoAcknowledge, serial.SerialException, OSError):
                return self._resolve(link, reference, amount_cents, "No reply from the terminal")
            finally:
                self._active = None
                self._cancel.clear()

    def _await_outcome(
        self, link: Link, reference: str, amount_cents: int, on_prompt: PromptCallback | None
    ) -> CardResult:
        end = time.monotonic() + self.transaction_timeout
        cancel_sent = False
        while True:
            if self._cancel.is_set() and not cancel_sent:
                link.send(encode_message("CANCEL", reference))
                cancel_sent = True
            fields = self._wait_final(
                link,
                reference,
                on_prompt,
                min(end, time.monotonic() + self.response_timeout),
                stop_on_cancel=not cancel_sent,
                hard_end=end,
            )
            if fields is None:
                continue  # cancel requested: send CANCEL, keep waiting for the final reply
            return self._result(fields, reference, amount_cents)

    def _wait_final(
        self,
        link: Link,
        reference: str,
        on_prompt: PromptCallback | None,
        deadline: float,
        *,
        stop_on_cancel: bool = False,
        hard_end: float = math.inf,
    ) -> list[str] | None:
        """Frames for ``reference`` until a final one; prompts extend the deadline (to ``hard_end``)."""
        silence = deadline - time.monotonic()
        while True:
            if stop_on_cancel and self._cancel.is_set():
                return None
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise LinkTimeout("no final reply in time")
            try:
                fields = decode_message(link.receive(min(remaining, 0.1)))
            except LinkTimeout:
                continue
            if len(fields) < 2 or fields[1] != reference:
                continue  # a stale reply for another transaction
            kind = fields[0]
            if kind == "PROMPT":
                if on_prompt is not None and len(fields) >= 4:
                    with suppress(Exception):  # a broken display callback must not lose the outcome
                        on_prompt(Prompt(fields[2], fields[3]))
                deadline = min(hard_end, time.monotonic() + silence)
            elif kind == "IN_PROGRESS":
                deadline = min(hard_end, time.monotonic() + silence)
            elif kind == "BUSY":
                raise HardwareError(
                    BUSY, "The payment terminal is busy with another transaction. Nothing was charged."
                )
            elif kind == "ERROR":
                raise HardwareError(
                    PROTOCOL_ERROR, f"The payment terminal rejected the request: {fields[2:]}."
                )
            elif kind in FINAL_REPLIES or kind == "NOT_FOUND":
                return fields

    def _resolve(self, link: Link | None, reference: str, amount_cents: int, why: str) -> CardResult:
        """Ask STATUS(reference) — never resend the money request."""
        for _attempt in range(self.status_attempts):
            try:
                if link is None:
                    link = self._open_link()
                link.port.reset_input_buffer()
                link.send(encode_message("STATUS", reference))
                until = time.monotonic() + self.response_timeout
                fields = self._wait_final(link, reference, None, until, hard_end=until)
                assert fields is not None
                return self._result(fields, reference, amount_cents)
            except (LinkTimeout, NoAcknowledge, FrameError):
                continue
            except HardwareError as exc:
                if exc.code == BUSY:
                    continue
                break
            except (serial.SerialException, OSError):
                self._drop_link()
                link = None
        self._drop_link()  # reopen the port next time: a replugged terminal comes back
        return CardResult("unknown_outcome", reference, amount_cents, reason=f"{why}. {UNKNOWN_ADVICE}")

    def _result(self, fields: list[str], reference: str, amount_cents: int) -> CardResult:
        kind = fields[0]
        if kind == "APPROVED" and len(fields) >= 7:
            approved_amount = int(fields[6]) if fields[6].isdigit() else -1
            if amount_cents and approved_amount != amount_cents:
                return CardResult(
                    "unknown_outcome",
                    reference,
                    amount_cents,
                    reason=f"The terminal approved {approved_amount} cents, not {amount_cents}. "
                    + UNKNOWN_ADVICE,
                )
            return CardResult(
                "approved",
                reference,
                approved_amount,
                auth_code=fields[2] or None,
                brand=fields[3] or None,
                last4=_last4(fields[4]),
                terminal_txn_id=fields[5] or None,
            )
        if kind == "DECLINED":
            reason = fields[2] if len(fields) > 2 and fields[2] else "Declined"
            return CardResult("declined", reference, amount_cents, reason=f"Card declined: {reason}.")
        if kind == "CANCELLED":
            return CardResult("cancelled", reference, amount_cents, reason="The card payment was cancelled.")
        if kind == "NOT_FOUND":
            return CardResult(
                "declined",
                reference,
                amount_cents,
                reason="The terminal has no record of this payment; nothing was charged.",
            )
        # e.g. an APPROVED with missing fields: something may have been charged
        return CardResult(
            "unknown_outcome",
            reference,
            amount_cents,
            reason=f"The terminal sent an incomplete {kind} reply. {UNKNOWN_ADVICE}",
        )
