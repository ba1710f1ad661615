"""Fare card reader simulator: the reader side of protocols/fare-card-reader.md.

Writes are atomic (like a transit card's commit/abort) and idempotent on the transaction id.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, replace
from datetime import date

from hardware.cardreader import STORED_VALUE, CardProduct, FareCard
from hardware.framing import ACK_TIMEOUT, BYTE_TIMEOUT, FrameError, Link, decode_message, encode_message
from hardware.sim.framed import FramedSimulator, Refusal

DEFAULT_CAP_CENTS = 40000
WRITE_FIELDS = ("transaction id", "product code", "valid from", "valid to", "value")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CENTS = re.compile(r"-?\d{1,9}")


def _iso_or_empty(text: str, name: str) -> str:
    if text == "":
        return text
    try:
        if _ISO_DATE.fullmatch(text):
            date.fromisoformat(text)
            return text
    except ValueError:
        pass
    raise Refusal(f"{name} must be an ISO date YYYY-MM-DD or empty, not {text[:20]!r}")


def parse_request(payload: bytes) -> list[str]:
    """The request's fields, or :class:`Refusal` naming what protocols/fare-card-reader.md forbids."""
    try:
        fields = decode_message(payload)
    except FrameError:
        raise Refusal("the message is not UTF-8 text") from None
    kind = fields[0]
    if kind == "READ":
        if len(fields) != 1:
            raise Refusal(f"READ takes no fields, got {len(fields) - 1}")
        return fields
    if kind != "WRITE_PRODUCT":
        raise Refusal(f"unknown request {kind[:20]!r}")
    if len(fields) - 1 != len(WRITE_FIELDS):
        raise Refusal(f"WRITE_PRODUCT takes 5 fields ({', '.join(WRITE_FIELDS)}), got {len(fields) - 1}")
    txn_id, code, start, end, value = fields[1:]
    if not txn_id.strip() or not (txn_id.isascii() and txn_id.isprintable()):
        raise Refusal("WRITE_PRODUCT needs a transaction id (printable ASCII)")
    if not code:
        raise Refusal("WRITE_PRODUCT needs a product code")
    if ";" in code:
        raise Refusal("a product code may not contain ';'")
    _iso_or_empty(start, "valid from")
    _iso_or_empty(end, "valid to")
    if not _CENTS.fullmatch(value):
        raise Refusal(f"value must be whole cents ('-' for a debit), not {value[:12]!r}")
    return fields


@dataclass
class SimCard:
    serial: str = "04A1B2C3D4E5F6"
    card_type: str = "SMART"
    fare_category: str = "ADULT"
    status: str = "active"
    stored_value_cents: int = 1250
    products: list[CardProduct] = field(default_factory=list)
    last_txn_id: str | None = None
    applied: set[str] = field(default_factory=set)

    def record(self) -> FareCard:
        return FareCard(
            self.serial,
            self.card_type,
            self.fare_category,
            self.stored_value_cents,
            self.status,
            list(self.products),
            self.last_txn_id,
        )


class CardReaderSimulator(FramedSimulator):
    """Modes: ``normal``, ``no_card``, ``remove_during_write`` (the card leaves the field
    mid-write: nothing is written, the card is gone until presented again), ``blocked``,
    ``cap`` (a low stored-value cap), ``slow``, ``timeout``, plus the link faults
    (``lose_reply`` and ``disconnect`` write first, then lose or cut the reply)."""

    modes = ("no_card", "remove_during_write", "blocked", "slow", "timeout", *FramedSimulator.modes)

    def __init__(
        self,
        mode: str | None = None,
        *,
        cap_cents: int = DEFAULT_CAP_CENTS,
        slow_seconds: float = 1.0,
        ack_timeout: float = ACK_TIMEOUT,
        byte_timeout: float = BYTE_TIMEOUT,
    ) -> None:
        self.card: SimCard | None = SimCard()
        self.cap_cents = cap_cents
        self.slow_seconds = slow_seconds
        self.writes: list[tuple[str, str, int]] = []  # (txn_id, product, value) actually applied
        super().__init__(mode, ack_timeout=ack_timeout, byte_timeout=byte_timeout)

    def control(self, mode: str) -> None:
        super().control(mode)
        if mode == "no_card":
            self.card = None
        elif self.card is None and mode != "remove_during_write":
            self.card = SimCard()
        if mode == "blocked" and self.card:
            self.card.status = "blocked"

    def present(self, card: SimCard | None = None) -> SimCard:
        with self.lock:
            self.card = card or SimCard()
            return self.card

    def remove(self) -> None:
        with self.lock:
            self.card = None

    def handle(self, link: Link, payload: bytes) -> None:
        if self.mode == "timeout":
            return
        if self.mode == "slow":
            time.sleep(self.slow_seconds)
        fields = parse_request(payload)
        if fields[0] == "READ":
            self._reply_card(link)
        else:
            self._write(link, fields[1], fields[2], fields[3], fields[4], int(fields[5]))

    def refuse(self, link: Link, refusal: Refusal) -> None:
        self.send(link, encode_message("ERROR", "BAD_REQUEST", refusal.text))

    def _reply_card(self, link: Link) -> None:
        if self.card is None:
            self.send(link, encode_message("ERROR", "NO_CARD", "no card in the field"))
            return
        self.send(link, encode_message(*self.card.record().encode_fields()))

    def _write(self, link: Link, txn_id: str, code: str, start: str, end: str, value: int) -> None:
        card = self.card
        if card is None:
            self.send(link, encode_message("ERROR", "NO_CARD", "no card in the field"))
            return
        if txn_id in card.applied:
            self.send(link, encode_message("WRITTEN", txn_id), final=True)
            return
        if card.status != "active":
            self.send(link, encode_message("ERROR", "CARD_BLOCKED", f"card is {card.status}"))
            return
        if code == STORED_VALUE and card.stored_value_cents + value > self.cap_cents:
            self.send(link, encode_message("ERROR", "CAP_EXCEEDED", f"cap is {self.cap_cents}"))
            return
        if code == STORED_VALUE and card.stored_value_cents + value < 0:
            self.send(link, encode_message("ERROR", "INSUFFICIENT_VALUE",
                                           f"card holds {card.stored_value_cents}"))
            return
        if self.mode == "remove_during_write":
            self.card = None  # torn write aborted by the card: nothing changed
            self.send(link, encode_message("ERROR", "CARD_REMOVED", "card left the field during write"))
            return
        updated = replace(card, applied={*card.applied, txn_id}, last_txn_id=txn_id)
        if code == STORED_VALUE:
            updated.stored_value_cents += value
        else:
            product = CardProduct.decode(";".join((code, start, end)))
            updated.products = [*(p for p in card.products if p.code != code), product]
        self.card = updated
        self.writes.append((txn_id, code, value))
        self.send(link, encode_message("WRITTEN", txn_id), final=True)
