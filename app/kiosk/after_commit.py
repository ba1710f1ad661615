"""Device steps that follow a committed change: kick the drawer, print, thank the customer.

Never before commit, never inside a transaction, and a device fault never undoes what was
recorded. They run *apart from the request*: the paying request spawns them and returns, so a
printer that accepts the connection and never answers cannot hold the clerk. The done screen
shows their result as it arrives (the print queue's rows and the drawer's audit event, read
from the database, so any worker can answer the poll).

One terminal's steps run one after the other (a lock per terminal), in the order they were
asked for: the drawer opens before the receipt prints, and two sales' receipts never
interleave. The drawer is kicked only once the printer has answered a status question; when
it does not open, an audit event (`drawer.not_opened`) says why, and the done screen shows it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from app.audit.services import record
from app.auth.principal import Principal
from app.i18n import receipts as receipt_i18n
from app.sales import printing

log = logging.getLogger("faredesk.kiosk")

#: Running device tasks (kept referenced so they are not garbage-collected mid-print).
_TASKS: set[asyncio.Task[Any]] = set()
_LOCKS: dict[tuple[int, int], asyncio.Lock] = {}  # (event loop, terminal): a lock serves one loop

DRAWER_OPENED = "drawer.opened"
DRAWER_NOT_OPENED = "drawer.not_opened"


@dataclass
class PrintOutcome:
    """What the printer did with the queue, in clerk words."""

    printed: int = 0
    problems: list[str] = field(default_factory=list)


def _lock(terminal: dict[str, Any]) -> asyncio.Lock:
    return _LOCKS.setdefault((id(asyncio.get_running_loop()), int(terminal["id"])), asyncio.Lock())


def in_background(terminal: dict[str, Any], step: Callable[[], Awaitable[Any]]) -> asyncio.Task[Any]:
    """Run ``step`` after the request, in this terminal's order; a fault is logged, never raised.
    The task's result is the step's (None after a fault): a caller may wait a moment for it."""

    async def run() -> Any:
        async with _lock(terminal):
            try:
                return await step()
            except Exception:
                log.exception("device step after commit failed on %s", terminal.get("code"))
                return None

    task = asyncio.get_running_loop().create_task(run())
    _TASKS.add(task)
    task.add_done_callback(_TASKS.discard)
    return task


async def drain() -> None:
    """Wait until every device step spawned on this event loop has finished (tests, shutdown)."""
    loop = asyncio.get_running_loop()
    while mine := [task for task in _TASKS if task.get_loop() is loop]:
        await asyncio.gather(*mine, return_exceptions=True)


async def kick_drawer(terminal: dict[str, Any]) -> str:
    """Open the cash drawer now; returns a clerk message ('' when it opened)."""
    from app.kiosk import devices

    return await devices.kick_drawer(terminal)


async def _kick_and_record(terminal: dict[str, Any], actor: Principal | None, object_type: str,
                           object_id: int | str) -> None:
    problem = await kick_drawer(terminal)
    await record(actor, DRAWER_NOT_OPENED if problem else DRAWER_OPENED, object_type, object_id,
                 {"terminal": terminal.get("code"), **({"problem": problem} if problem else {})})


def after_sale(terminal: dict[str, Any], sale_id: int, *, actor: Principal, cash: bool,
               display: tuple[str, str], locale: str = "en") -> None:
    """After a committed sale, refund or void: drawer (cash), receipt, customer display (both
    in the customer's language, `locale`)."""
    from app.kiosk import devices

    async def steps() -> None:
        if cash:
            await _kick_and_record(terminal, actor, "sale", sale_id)
        await _print_waiting(terminal, locale)
        await devices.show(terminal, *display)

    in_background(terminal, steps)


def open_drawer_later(terminal: dict[str, Any], actor: Principal, object_type: str,
                      object_id: int | str) -> None:
    """Kick the drawer after the request (a shift opened, a no-sale), recorded as for a sale."""

    async def steps() -> None:
        await _kick_and_record(terminal, actor, object_type, object_id)

    in_background(terminal, steps)


def after_movement(terminal: dict[str, Any], movement_id: int, *, actor: Principal) -> None:
    """After a committed paid-in, paid-out, safe drop or no-sale: open the drawer, then print
    the slip a paid-out or safe drop needs (amount, reason, clerk, witness, time)."""

    async def steps() -> None:
        await _kick_and_record(terminal, actor, "cash_movement", movement_id)
        await print_slip(terminal, movement_id, actor)

    in_background(terminal, steps)


async def print_slip(terminal: dict[str, Any], movement_id: int, actor: Principal | None) -> str:
    """Print a movement's slip now; '' when it printed (or the kind has none), else the problem
    (also recorded as `slip.print_failed`, so it can be found and the slip written by hand)."""
    from app.kiosk import devices
    from hardware.slip import Slip

    data = await printing.slip_data(movement_id)
    if data is None:
        return ""
    try:
        await devices.device_set(terminal).printer.print_slip(Slip(**vars(data)))
    except Exception as exc:
        if getattr(exc, "is_warning", False):
            return ""
        problem = devices.clerk_message(exc)
        await record(actor, "slip.print_failed", "cash_movement", movement_id, {"problem": problem})
        return problem
    await record(actor, "slip.printed", "cash_movement", movement_id, {"slip": data.number})
    return ""


def print_later(terminal: dict[str, Any], locale: str = "en") -> asyncio.Task[PrintOutcome | None]:
    """Print what waits in the terminal's queue, after the request (Retry, Reprint)."""

    async def steps() -> PrintOutcome:
        return await print_queue(terminal, locale)

    return in_background(terminal, steps)


async def _print_waiting(terminal: dict[str, Any], locale: str = "en") -> None:
    await print_queue(terminal, locale)


def to_receipt(data: printing.ReceiptData, locale: str = "en") -> Any:
    """The sales service's receipt data as hardware's Receipt (in the customer's language)."""
    from hardware.receipt import Receipt, ReceiptLine, ReceiptTender

    return Receipt(
        agency_name=data.agency_name, agency_lines=list(data.agency_lines),
        location_name=data.location_name, terminal_name=data.terminal_name,
        clerk_name=data.clerk_name, receipt_number=data.receipt_number,
        issued_at=data.issued_at,
        lines=[ReceiptLine(description=line.description, quantity=line.quantity,
                           unit_cents=line.unit_cents, amount_cents=line.amount_cents,
                           detail=line.detail) for line in data.lines],
        subtotal_cents=data.subtotal_cents, total_cents=data.total_cents,
        tenders=[ReceiptTender(kind=t.kind, amount_cents=t.amount_cents, brand=t.brand,
                               last4=t.last4, auth_code=t.auth_code, reference=t.reference)
                 for t in data.tenders],
        change_cents=data.change_cents, footer_lines=list(data.footer_lines),
        duplicate=data.duplicate, title=data.title,
        **receipt_i18n.hardware_options(locale, data.issued_at),
    )


async def print_queue(terminal: dict[str, Any], locale: str = "en") -> PrintOutcome:
    """Print what waits in the terminal's queue, oldest first; stop at the first fault.

    Awaited directly only where the caller runs apart from a clerk's request already."""
    from app.kiosk import devices

    outcome = PrintOutcome()
    for job in await printing.next_print_jobs(int(terminal["id"])):
        try:
            receipt = to_receipt(await printing.receipt_for(job, locale), locale)
            await devices.device_set(terminal).printer.print_receipt(receipt)
        except Exception as exc:
            if getattr(exc, "is_warning", False):  # printed, but the paper is running low
                await printing.mark_printed(int(job["id"]))
                outcome.printed += 1
                outcome.problems.append(devices.clerk_message(exc))
                continue
            message = devices.clerk_message(exc)
            await printing.mark_print_failed(int(job["id"]), message)
            outcome.problems.append(message)
            break
        await printing.mark_printed(int(job["id"]))
        outcome.printed += 1
    return outcome
