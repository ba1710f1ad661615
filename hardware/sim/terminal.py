"""Payment terminal simulator: the terminal side of protocols/payment-terminal.md.

It keeps a ledger of what it charged (``charges``), so tests can prove that a lost reply or
a retry never charges twice. It is idempotent on the reference like a real terminal.
"""

from __future__ import annotations

import itertools
import secrets
import string
import time
from dataclasses import dataclass

from hardware.framing import ACK_TIMEOUT, BYTE_TIMEOUT, FS, FrameError, Link, decode_message, encode_message
from hardware.sim.framed import FramedSimulator, Refusal
from hardware.terminal import MAX_REFERENCE, valid_reference

PROMPTS = (
    ("PRESENT_CARD", "Present card"),
    ("ENTER_PIN", "Enter PIN"),
    ("PROCESSING", "Processing"),
)


#: Each request's fields after its name, as protocols/payment-terminal.md lists them.
REQUEST_FIELDS = {
    "SALE": ("amount", "reference"),
    "REFUND": ("amount", "reference", "original terminal transaction id"),
    "CANCEL": ("reference",),
    "STATUS": ("reference",),
    "BATCH": ("reference",),
}


def _readable(raw: bytes) -> str:
    """A field that is printable ASCII as text, anything else as '' (never echoed)."""
    text = raw.decode("ascii", "replace")
    return text if text.isascii() and text.isprintable() else ""


def parse_request(payload: bytes) -> tuple[str, list[str]]:
    """The request's name and fields, or :class:`Refusal` naming what the document forbids."""
    raw = payload.split(bytes([FS]))
    kind = _readable(raw[0])
    names = REQUEST_FIELDS.get(kind)
    at = 1 + names.index("reference") if names else 0
    echo = _readable(raw[at]) if names and len(raw) > at else ""
    echo = echo if valid_reference(echo) else ""
    try:
        fields = decode_message(payload)
    except FrameError:
        raise Refusal("the message is not UTF-8 text", echo) from None
    if names is None:
        raise Refusal(f"unknown request {fields[0][:20]!r}", echo)
    if len(fields) - 1 != len(names):
        raise Refusal(f"{kind} takes {len(names)} field(s) ({', '.join(names)}), got {len(fields) - 1}", echo)
    args = fields[1:]
    if not valid_reference(args[at - 1]):
        raise Refusal(f"the reference must be 1-{MAX_REFERENCE} printable ASCII characters")
    if kind in ("SALE", "REFUND") and not (args[0].isascii() and args[0].isdigit() and int(args[0]) > 0):
        raise Refusal(f"the amount must be a positive whole number of cents, not {args[0][:12]!r}", echo)
    if kind == "REFUND" and not args[2].strip():
        raise Refusal("REFUND needs the original terminal transaction id", echo)
    return kind, args


@dataclass
class SimTransaction:
    kind: str
    reference: str
    amount_cents: int
    started: float
    mode: str
    steps_sent: int = 0
    final: list[str] | None = None


@dataclass
class Charge:
    kind: str
    reference: str
    amount_cents: int
    auth_code: str
    terminal_txn_id: str


@dataclass(frozen=True)
class Batch:
    """A batch (settlement) report: approved sales and refunds since the last settlement."""

    number: int
    sale_count: int
    sale_cents: int
    refund_count: int
    refund_cents: int

    @property
    def net_cents(self) -> int:
        return self.sale_cents - self.refund_cents

    def fields(self) -> tuple[str, ...]:
        values = (self.number, self.sale_count, self.sale_cents, self.refund_count, self.refund_cents)
        return (*map(str, values), str(self.net_cents))


@dataclass
class SimCard:
    brand: str = "VISA"
    last4: str = "4242"


class TerminalSimulator(FramedSimulator):
    """Modes: ``approve`` (default), ``decline``, ``cancel`` (customer cancels), ``slow``,
    ``timeout`` (ACKs, then never answers anything), ``busy``, plus the link faults of
    :class:`FramedSimulator` (``lose_reply`` and ``disconnect`` approve first, then lose or
    cut the reply; STATUS still answers)."""

    modes = ("decline", "cancel", "slow", "timeout", "busy", *FramedSimulator.modes)
    default_mode = "approve"

    def __init__(
        self,
        mode: str | None = None,
        *,
        step_seconds: float = 0.02,
        slow_seconds: float = 1.0,
        ack_timeout: float = ACK_TIMEOUT,
        byte_timeout: float = BYTE_TIMEOUT,
    ) -> None:
        super().__init__(mode, ack_timeout=ack_timeout, byte_timeout=byte_timeout)
        self.step_seconds = step_seconds
        self.slow_seconds = slow_seconds
        self.card = SimCard()
        self.transactions: dict[str, SimTransaction] = {}
        self.charges: list[Charge] = []
        self.active: SimTransaction | None = None
        self._txn_ids = itertools.count(100001)
        self._batch_start = 0
        self._batch_number = 1

    # -- requests -----------------------------------------------------------------------------

    def handle(self, link: Link, payload: bytes) -> None:
        if self.mode == "timeout":
            return  # ACKed by the link, then nothing
        kind, args = parse_request(payload)
        if kind in ("SALE", "REFUND"):
            self._start(link, kind, int(args[0]), args[1])
        elif kind == "STATUS":
            self._status(link, args[0])
        elif kind == "CANCEL":
            self._cancel(link, args[0])
        else:
            self.send(link, encode_message("BATCH_TOTAL", args[0], *self.batch().fields()))

    def refuse(self, link: Link, refusal: Refusal) -> None:
        """ERROR, the reference (as the document says every reply repeats it), what is wrong."""
        self.send(link, encode_message("ERROR", refusal.reference, refusal.text))

    def _start(self, link: Link, kind: str, amount: int, reference: str) -> None:
        known = self.transactions.get(reference)
        if known is not None:
            if known.final is not None:
                self.send(link, encode_message(*known.final), final=True)  # same result, no new charge
            return  # still in progress: the final reply will come
        if self.active is not None or self.mode == "busy":
            self.send(link, encode_message("BUSY", reference))
            return
        txn = SimTransaction(kind, reference, amount, time.monotonic(), self.mode)
        self.transactions[reference] = txn
        self.active = txn

    def _status(self, link: Link, reference: str) -> None:
        txn = self.transactions.get(reference)
        if txn is None:
            self.send(link, encode_message("NOT_FOUND", reference))
        elif txn.final is None:
            self.send(link, encode_message("IN_PROGRESS", reference))
        else:
            self.send(link, encode_message(*txn.final))  # STATUS answers are never lost

    def _cancel(self, link: Link, reference: str) -> None:
        txn = self.transactions.get(reference)
        if txn is None:
            self.send(link, encode_message("NOT_FOUND", reference))
        elif txn.final is None:
            self._finish(link, txn, ["CANCELLED", reference])
        else:
            self.send(link, encode_message(*txn.final))

    # -- progress -----------------------------------------------------------------------------

    def tick(self, link: Link) -> None:
        txn = self.active
        if txn is None:
            return
        elapsed = time.monotonic() - txn.started
        if txn.mode == "slow":
            due = int(elapsed / max(self.step_seconds, 0.25))
            if elapsed < self.slow_seconds:
                if due >= txn.steps_sent:
                    code, text = PROMPTS[min(txn.steps_sent, len(PROMPTS) - 1)]
                    self.send(link, encode_message("PROMPT", txn.reference, code, text))
                    txn.steps_sent += 1
                return
        elif txn.steps_sent < len(PROMPTS) and txn.mode != "cancel":
            if elapsed >= txn.steps_sent * self.step_seconds:
                code, text = PROMPTS[txn.steps_sent]
                self.send(link, encode_message("PROMPT", txn.reference, code, text))
                txn.steps_sent += 1
            return
        elif txn.mode == "cancel" and txn.steps_sent == 0:
            self.send(link, encode_message("PROMPT", txn.reference, *PROMPTS[0]))
            txn.steps_sent = 1
            return
        self._finish(link, txn, self._decide(txn))

    def _decide(self, txn: SimTransaction) -> list[str]:
        if txn.mode == "decline":
            return ["DECLINED", txn.reference, "INSUFFICIENT FUNDS"]
        if txn.mode == "cancel":
            return ["CANCELLED", txn.reference]
        auth = "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(6))
        txn_id = f"T{next(self._txn_ids)}"
        signed = txn.amount_cents if txn.kind == "SALE" else -txn.amount_cents
        self.charges.append(Charge(txn.kind, txn.reference, signed, auth, txn_id))
        return [
            "APPROVED",
            txn.reference,
            auth,
            self.card.brand,
            self.card.last4,
            txn_id,
            str(txn.amount_cents),
        ]

    def _finish(self, link: Link, txn: SimTransaction, final: list[str]) -> None:
        txn.final = final
        self.active = None
        self.send(link, encode_message(*final), final=True)

    # -- reporting ----------------------------------------------------------------------------

    def charged_total(self, reference: str | None = None) -> int:
        return sum(c.amount_cents for c in self.charges if reference is None or c.reference == reference)

    def batch(self) -> Batch:
        """The open batch: what this terminal approved since it was last settled."""
        with self.lock:
            charges = self.charges[self._batch_start:]
            sales = [c.amount_cents for c in charges if c.kind == "SALE"]
            refunds = [-c.amount_cents for c in charges if c.kind == "REFUND"]
            return Batch(self._batch_number, len(sales), sum(sales), len(refunds), sum(refunds))

    def settle_batch(self) -> Batch:
        """Close the open batch (the end-of-day settlement) and start the next one."""
        with self.lock:
            closed = self.batch()
            self._batch_start = len(self.charges)
            self._batch_number += 1
            return closed
