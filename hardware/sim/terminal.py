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

from hardware.framing import Link, decode_message, encode_message
from hardware.sim.framed import FramedSimulator

PROMPTS = (
    ("PRESENT_CARD", "Present card"),
    ("ENTER_PIN", "Enter PIN"),
    ("PROCESSING", "Processing"),
)


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
        ack_timeout: float = 0.3,
    ) -> None:
        super().__init__(mode, ack_timeout=ack_timeout)
        self.step_seconds = step_seconds
        self.slow_seconds = slow_seconds
        self.card = SimCard()
        self.transactions: dict[str, SimTransaction] = {}
        self.charges: list[Charge] = []
        self.active: SimTransaction | None = None
        self._txn_ids = itertools.count(100001)

    # -- requests -----------------------------------------------------------------------------

    def handle(self, link: Link, payload: bytes) -> None:
        fields = decode_message(payload)
        kind, args = fields[0], fields[1:]
        if self.mode == "timeout":
            return  # ACKed by the link, then nothing
        if kind in ("SALE", "REFUND") and len(args) >= 2 and args[0].isdigit():
            self._start(link, kind, int(args[0]), args[1])
        elif kind == "STATUS" and args:
            self._status(link, args[0])
        elif kind == "CANCEL" and args:
            self._cancel(link, args[0])
        else:
            self.send(link, encode_message("ERROR", args[0] if args else "", "BAD_REQUEST"))

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
