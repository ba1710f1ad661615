"""Fare card reader/encoder adapter: the ECR side of protocols/fare-card-reader.md.

A write is only reported as done after a read-back shows it on the card: the card's last
transaction id equals ours and the value or product is there. If the reply is lost or the
card leaves the field, the read-back settles what happened, so value is never loaded twice
(the reader is idempotent on the transaction id) and never reported loaded when it is not.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import serial

from hardware.errors import (
    BUSY,
    CAP_EXCEEDED,
    CARD_BLOCKED,
    CARD_REMOVED,
    INSUFFICIENT_VALUE,
    NO_CARD,
    PROTOCOL_ERROR,
    TIMEOUT,
    WRITE_NOT_CONFIRMED,
    HardwareError,
)
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

REQUESTS = ("READ", "WRITE_PRODUCT")  # ECR -> reader (protocols/fare-card-reader.md)
REPLIES = ("CARD", "WRITTEN", "ERROR")
STORED_VALUE = "STORED_VALUE"
CARD_STATUSES = ("active", "blocked", "expired")
READER_ERRORS = {
    "NO_CARD": (NO_CARD, "No card on the reader. Place the card on the reader."),
    "CARD_REMOVED": (CARD_REMOVED, "The card was removed during the write."),
    "CARD_BLOCKED": (CARD_BLOCKED, "This card is blocked or expired and cannot be loaded."),
    "CAP_EXCEEDED": (CAP_EXCEEDED, "This load would take the card over its stored-value limit."),
    "INSUFFICIENT_VALUE": (
        INSUFFICIENT_VALUE, "The card holds less stored value than this takes off it."
    ),
    "BUSY": (BUSY, "The card reader is busy."),
}


@dataclass(frozen=True)
class CardProduct:
    code: str
    valid_from: date | None = None
    valid_to: date | None = None

    def encode(self) -> str:
        return ";".join((self.code, _iso(self.valid_from), _iso(self.valid_to)))

    @classmethod
    def decode(cls, text: str) -> CardProduct:
        code, start, end = ([*text.split(";"), "", ""])[:3]
        return cls(code, _date(start), _date(end))


@dataclass(frozen=True)
class FareCard:
    serial: str
    card_type: str
    fare_category: str
    stored_value_cents: int
    status: str  # active | blocked | expired
    products: list[CardProduct] = field(default_factory=list)
    last_txn_id: str | None = None

    def encode_fields(self) -> list[str]:
        return [
            "CARD",
            self.serial,
            self.card_type,
            self.fare_category,
            self.status,
            str(self.stored_value_cents),
            self.last_txn_id or "",
            *(p.encode() for p in self.products),
        ]

    @classmethod
    def decode_fields(cls, fields: list[str]) -> FareCard:
        if len(fields) < 7 or fields[0] != "CARD" or not fields[5].lstrip("-").isdigit():
            raise HardwareError(PROTOCOL_ERROR, "The card reader sent an unreadable card record.")
        return cls(
            fields[1],
            fields[2],
            fields[3],
            int(fields[5]),
            fields[4],
            [CardProduct.decode(p) for p in fields[7:] if p],
            fields[6] or None,
        )


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise HardwareError(PROTOCOL_ERROR, f"The card reader sent a bad date {text!r}.") from None


def _reader_error(fields: list[str]) -> HardwareError:
    code, message = READER_ERRORS.get(fields[1] if len(fields) > 1 else "", (PROTOCOL_ERROR, ""))
    return HardwareError(code, message or f"The card reader reported an error: {fields[1:]}.")


class SerialFareCardReader(FramedSerialDevice):
    kind = "card reader"

    def __init__(
        self,
        connect: Connector,
        *,
        response_timeout: float = 5.0,
        ack_timeout: float = ACK_TIMEOUT,
        byte_timeout: float = BYTE_TIMEOUT,
    ) -> None:
        super().__init__(connect, ack_timeout=ack_timeout, byte_timeout=byte_timeout)
        self.response_timeout = response_timeout

    def read(self) -> FareCard:
        with self._job():
            return self._io(self._read)

    def check(self) -> str:
        try:
            self.read()
        except HardwareError as exc:
            if exc.code == NO_CARD:
                return "online (no card)"
            raise
        return "online (card present)"

    def write_product(
        self,
        txn_id: str,
        product_code: str,
        valid_from: date | None,
        valid_to: date | None,
        value_cents: int = 0,
    ) -> FareCard:
        """Load a pass (code + validity), or change stored value (``STORED_VALUE`` + cents:
        positive adds value, negative takes it off for a refund)."""
        if isinstance(value_cents, bool) or not isinstance(value_cents, int):
            raise ValueError("value must be a whole number of cents")
        if value_cents < 0 and product_code != STORED_VALUE:
            raise ValueError("only stored value can be taken off a card")
        if not txn_id or not txn_id.isascii() or ";" in product_code:
            raise ValueError("txn_id must be ASCII and product_code may not contain ';'")
        with self._job():
            return self._io(
                lambda link: self._write(link, txn_id, product_code, valid_from, valid_to, value_cents)
            )

    # -- internals ----------------------------------------------------------------------------

    def _io(self, operation: Callable[[Link], FareCard]) -> FareCard:
        link = self._open_link()
        try:
            return operation(link)
        except (LinkTimeout, NoAcknowledge, FrameError) as exc:
            self._drop_link()  # reopen the port next time: a replugged reader comes back
            raise HardwareError(TIMEOUT, f"The card reader did not answer ({exc}).") from exc
        except (serial.SerialException, OSError) as exc:
            self._drop_link()
            raise HardwareError(TIMEOUT, f"Lost the connection to the card reader ({exc}).") from exc

    def _request(self, link: Link, *fields: str) -> list[str]:
        link.port.reset_input_buffer()
        link.send(encode_message(*fields))
        return decode_message(link.receive(self.response_timeout))

    def _read(self, link: Link) -> FareCard:
        reply = self._request(link, "READ")
        if reply[0] == "ERROR":
            raise _reader_error(reply)
        return FareCard.decode_fields(reply)

    def _write(
        self, link: Link, txn_id: str, code: str, start: date | None, end: date | None, value: int
    ) -> FareCard:
        before = self._read(link)
        if before.last_txn_id == txn_id:
            return before  # already on the card: a retry never loads twice
        if before.status != "active":
            raise HardwareError(CARD_BLOCKED, f"This card is {before.status} and cannot be loaded.")
        try:
            reply = self._request(link, "WRITE_PRODUCT", txn_id, code, _iso(start), _iso(end), str(value))
        except (LinkTimeout, NoAcknowledge, FrameError, serial.SerialException, OSError):
            return self._settle(link, before, txn_id, TIMEOUT, "The card reader did not confirm the write.")
        if reply[0] == "ERROR":
            error = _reader_error(reply)
            if error.code == CARD_REMOVED:
                return self._settle(link, before, txn_id, CARD_REMOVED, error.message)
            raise error
        if reply[0] != "WRITTEN" or reply[1:2] != [txn_id]:
            raise HardwareError(PROTOCOL_ERROR, f"Unexpected reply from the card reader: {reply[0]}.")
        after = self._read_back(link)
        if after is None or not _confirms(before, after, txn_id, code, start, end, value):
            raise HardwareError(
                WRITE_NOT_CONFIRMED,
                "The reader reported the write but the card does not show it. "
                "Check the card before selling again.",
            )
        return after

    def _read_back(self, link: Link) -> FareCard | None:
        end = time.monotonic() + self.response_timeout
        while time.monotonic() < end:
            try:
                return self._read(link)
            except (LinkTimeout, NoAcknowledge, FrameError):
                continue
            except HardwareError as exc:
                if exc.code in (NO_CARD, BUSY, PROTOCOL_ERROR):
                    return None
                raise
        return None

    def _settle(self, link: Link, before: FareCard, txn_id: str, code: str, why: str) -> FareCard:
        """After a lost reply or a removed card: did the write happen? Read the card and see."""
        try:
            after = self._read_back(link)
        except (serial.SerialException, OSError):
            self._drop_link()
            after = None
        if after is not None and after.serial == before.serial:
            if after.last_txn_id == txn_id:
                return after  # it was written; the read-back proves it
            raise HardwareError(code, f"{why} Nothing was written to the card; it is safe to try again.")
        if code == TIMEOUT:
            code = WRITE_NOT_CONFIRMED
        raise HardwareError(
            code,
            f"{why} Put the same card back on the reader and retry with the same "
            "transaction: it cannot be loaded twice.",
        )


def _confirms(
    before: FareCard,
    after: FareCard,
    txn_id: str,
    code: str,
    start: date | None,
    end: date | None,
    value: int,
) -> bool:
    if after.serial != before.serial or after.last_txn_id != txn_id:
        return False
    if code == STORED_VALUE:
        return after.stored_value_cents == before.stored_value_cents + value
    return CardProduct(code, start, end) in after.products
