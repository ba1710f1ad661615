"""Async facade: every blocking device call runs on the device's own single worker thread.

One worker per physical device means one job at a time per device, in the order asked, and
the event loop never blocks on I/O. The cash drawer shares the printer's worker because it
is driven through the printer. Cancelling a card payment bypasses the queue (it only sets a
flag the running sale checks).
"""

from __future__ import annotations

import asyncio
import functools
import inspect
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any, TypeVar

from hardware.cardreader import FareCard, SerialFareCardReader
from hardware.display import SerialCustomerDisplay
from hardware.errors import PROTOCOL_ERROR, TIMEOUT, UNKNOWN_OUTCOME, UNSUPPORTED, HardwareError
from hardware.printer import EscposReceiptPrinter, PrinterCashDrawer, PrinterStatus, PrintResult
from hardware.receipt import Receipt
from hardware.slip import Slip
from hardware.terminal import BatchTotal, CardResult, Prompt, PromptHandler, SerialPaymentTerminal

T = TypeVar("T")


class DeviceWorker:
    """A single worker thread; ``run`` awaits a blocking call on it.

    ``guard`` is a last-resort deadline for one call, queue time included. The adapters time
    out on their own long before it; it only matters if a driver blocks where it should not
    (a write to a device file that never drains, say). The caller then gets ``timeout`` (or
    ``unknown_outcome`` for money) while the stuck thread is left to finish.
    """

    def __init__(self, name: str, guard: float = 60.0) -> None:
        self.name = name
        self.guard = guard
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"hw-{name}")

    async def run(
        self, fn: Callable[..., T], *args: Any, unexpected: str = PROTOCOL_ERROR, **kwargs: Any
    ) -> T:
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._executor, functools.partial(fn, *args, **kwargs))
        try:
            return await asyncio.wait_for(future, self.guard)
        except (HardwareError, ValueError, TypeError):
            raise
        except TimeoutError as exc:
            code = TIMEOUT if unexpected == PROTOCOL_ERROR else unexpected
            raise HardwareError(code, f"The {self.name} did not finish in {self.guard:g} s.") from exc
        except Exception as exc:  # defence in depth: nothing from a driver leaks past here
            raise HardwareError(unexpected, f"Unexpected {self.name} failure: {type(exc).__name__}.") from exc

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


class _Simulated:
    simulator: Any

    def control(self, mode: str) -> None:
        """Switch the in-process simulator's fault mode (sim:// devices only)."""
        if self.simulator is None:
            raise HardwareError(UNSUPPORTED, "Only simulated (sim://) devices can be controlled.")
        self.simulator.control(mode)


class AsyncReceiptPrinter(_Simulated):
    """Jobs run on ``worker``; status questions on ``status_worker`` (its own thread), so the
    status bar never waits behind a print."""

    def __init__(
        self,
        printer: EscposReceiptPrinter,
        worker: DeviceWorker,
        url: str = "",
        simulator: Any = None,
        status_worker: DeviceWorker | None = None,
    ):
        self.device, self.worker, self.url, self.simulator = printer, worker, url, simulator
        self.status_worker = status_worker or worker

    async def print_receipt(self, receipt: Receipt, *, kick_drawer: bool = False) -> PrintResult:
        pin = 2 if kick_drawer else None
        return await self.worker.run(self.device.print_receipt, receipt, kick_drawer_pin=pin)

    async def print_raw(self, data: bytes) -> PrintResult:
        return await self.worker.run(self.device.print_raw, data)

    async def print_slip(self, slip: Slip) -> PrintResult:
        return await self.worker.run(self.device.print_slip, slip)

    async def status(self) -> PrinterStatus:
        return await self.status_worker.run(self.device.status)


class AsyncCashDrawer(_Simulated):
    """Kicks run on the printer's job worker (in order with receipts); the sensor is read on
    the status worker."""

    def __init__(
        self,
        drawer: PrinterCashDrawer,
        worker: DeviceWorker,
        url: str = "",
        simulator: Any = None,
        status_worker: DeviceWorker | None = None,
    ):
        self.device, self.worker, self.url, self.simulator = drawer, worker, url, simulator
        self.status_worker = status_worker or worker

    async def kick(self) -> None:
        await self.worker.run(self.device.kick)

    async def is_open(self) -> bool | None:
        return await self.status_worker.run(self.device.is_open)


class AsyncPaymentTerminal(_Simulated):
    def __init__(
        self, terminal: SerialPaymentTerminal, worker: DeviceWorker, url: str = "", simulator: Any = None
    ):
        self.device, self.worker, self.url, self.simulator = terminal, worker, url, simulator

    async def sale(
        self, amount_cents: int, reference: str, on_prompt: PromptHandler | None = None
    ) -> CardResult:
        return await self.worker.run(
            self.device.sale, amount_cents, reference, self._bridge(on_prompt), unexpected=UNKNOWN_OUTCOME
        )

    async def refund(
        self,
        amount_cents: int,
        reference: str,
        original_txn_id: str = "",
        on_prompt: PromptHandler | None = None,
    ) -> CardResult:
        return await self.worker.run(
            self.device.refund,
            amount_cents,
            reference,
            original_txn_id,
            self._bridge(on_prompt),
            unexpected=UNKNOWN_OUTCOME,
        )

    async def cancel(self) -> bool:
        return self.device.cancel()  # not queued: the sale it cancels is running on the worker

    async def status(self, reference: str) -> CardResult:
        return await self.worker.run(self.device.status, reference)

    async def batch_total(self) -> BatchTotal:
        return await self.worker.run(self.device.batch_total)

    async def check(self) -> str:
        if self.device.busy:  # do not queue a status check behind a customer at the PIN pad
            return "online (transaction in progress)"
        return await self.worker.run(self.device.check)

    @staticmethod
    def _bridge(handler: PromptHandler | None) -> Callable[[Prompt], None] | None:
        """Deliver prompts from the worker thread to the event loop."""
        if handler is None:
            return None
        loop = asyncio.get_running_loop()

        def deliver(prompt: Prompt) -> None:
            if inspect.iscoroutinefunction(handler):
                asyncio.run_coroutine_threadsafe(handler(prompt), loop)
            else:
                loop.call_soon_threadsafe(handler, prompt)

        return deliver


class AsyncFareCardReader(_Simulated):
    def __init__(
        self, reader: SerialFareCardReader, worker: DeviceWorker, url: str = "", simulator: Any = None
    ):
        self.device, self.worker, self.url, self.simulator = reader, worker, url, simulator

    async def read(self) -> FareCard:
        return await self.worker.run(self.device.read)

    async def write_product(
        self,
        txn_id: str,
        product_code: str,
        valid_from: date | None,
        valid_to: date | None,
        value_cents: int = 0,
    ) -> FareCard:
        return await self.worker.run(
            self.device.write_product, txn_id, product_code, valid_from, valid_to, value_cents
        )

    async def check(self) -> str:
        return await self.worker.run(self.device.check)


class AsyncCustomerDisplay(_Simulated):
    def __init__(
        self, display: SerialCustomerDisplay, worker: DeviceWorker, url: str = "", simulator: Any = None
    ):
        self.device, self.worker, self.url, self.simulator = display, worker, url, simulator

    async def show(self, line1: str, line2: str = "") -> None:
        await self.worker.run(self.device.show, line1, line2)

    async def show_item(self, description: str, amount_cents: int, total_cents: int) -> None:
        await self.worker.run(self.device.show_item, description, amount_cents, total_cents)

    async def clear(self) -> None:
        await self.worker.run(self.device.clear)

    async def check(self) -> str:
        return await self.worker.run(self.device.check)
