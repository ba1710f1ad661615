"""The five device interfaces. Adapters and the async facade satisfy them structurally.

Sync interfaces are what an adapter implements (blocking, every call with a timeout, only
``HardwareError`` escapes). The async ones are what the kiosk calls (``hardware.aio``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Protocol, runtime_checkable

from hardware.cardreader import FareCard
from hardware.printer import PrinterStatus, PrintResult
from hardware.receipt import Receipt
from hardware.terminal import BatchTotal, CardResult, Prompt, PromptHandler


@runtime_checkable
class ReceiptPrinter(Protocol):
    def print_receipt(self, receipt: Receipt, *, kick_drawer_pin: int | None = None) -> PrintResult: ...

    def print_raw(self, data: bytes) -> PrintResult: ...

    def status(self) -> PrinterStatus: ...

    def kick_drawer(self, pin: int = 2) -> None: ...


@runtime_checkable
class CashDrawer(Protocol):
    def kick(self) -> None: ...

    def is_open(self) -> bool | None: ...


@runtime_checkable
class PaymentTerminal(Protocol):
    def sale(
        self, amount_cents: int, reference: str, on_prompt: Callable[[Prompt], None] | None = None
    ) -> CardResult: ...

    def refund(
        self,
        amount_cents: int,
        reference: str,
        original_txn_id: str = "",
        on_prompt: Callable[[Prompt], None] | None = None,
    ) -> CardResult: ...

    def cancel(self) -> bool: ...

    def status(self, reference: str) -> CardResult: ...

    def batch_total(self, reference: str = "BATCH") -> BatchTotal: ...

    def check(self) -> str: ...


@runtime_checkable
class FareCardReader(Protocol):
    def read(self) -> FareCard: ...

    def write_product(
        self,
        txn_id: str,
        product_code: str,
        valid_from: date | None,
        valid_to: date | None,
        value_cents: int = 0,
    ) -> FareCard: ...

    def check(self) -> str: ...


@runtime_checkable
class CustomerDisplay(Protocol):
    def show(self, line1: str, line2: str = "") -> None: ...

    def show_item(self, description: str, amount_cents: int, total_cents: int) -> None: ...

    def clear(self) -> None: ...

    def check(self) -> str: ...


# -- what the kiosk awaits ------------------------------------------------------------------


@runtime_checkable
class AsyncPaymentTerminal(Protocol):
    async def sale(
        self, amount_cents: int, reference: str, on_prompt: PromptHandler | None = None
    ) -> CardResult: ...

    async def refund(
        self,
        amount_cents: int,
        reference: str,
        original_txn_id: str = "",
        on_prompt: PromptHandler | None = None,
    ) -> CardResult: ...

    async def cancel(self) -> bool: ...

    async def status(self, reference: str) -> CardResult: ...

    async def batch_total(self) -> BatchTotal: ...


@runtime_checkable
class AsyncReceiptPrinter(Protocol):
    async def print_receipt(self, receipt: Receipt, *, kick_drawer: bool = False) -> PrintResult: ...

    async def status(self) -> PrinterStatus: ...


@runtime_checkable
class AsyncCashDrawer(Protocol):
    async def kick(self) -> None: ...

    async def is_open(self) -> bool | None: ...


@runtime_checkable
class AsyncFareCardReader(Protocol):
    async def read(self) -> FareCard: ...

    async def write_product(
        self,
        txn_id: str,
        product_code: str,
        valid_from: date | None,
        valid_to: date | None,
        value_cents: int = 0,
    ) -> FareCard: ...


@runtime_checkable
class AsyncCustomerDisplay(Protocol):
    async def show(self, line1: str, line2: str = "") -> None: ...
