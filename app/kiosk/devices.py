"""The devices of each terminal, built once per terminal from its device URLs and cached.

Every call goes through hardware's async facade (blocking I/O runs in worker threads, never on
the event loop) and every HardwareError becomes a sentence a clerk can act on. The database
is read only to name what a fare card carries (its product codes, by the catalog's names).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.settings import get_settings

log = logging.getLogger("faredesk.kiosk.devices")

_CACHE: dict[int, tuple[tuple[str, ...], Any]] = {}


def _urls(terminal: dict[str, Any]) -> tuple[str, ...]:
    return (printer_url(terminal), terminal["payment_url"], terminal["cardreader_url"],
            terminal["display_url"])


def printer_url(terminal: dict[str, Any]) -> str:
    """The printer's address with the terminal's receipt paper width (58 or 80 mm, set on the
    admin page) as its ``width``: the administrator's setting wins over one in the URL."""
    from urllib.parse import parse_qsl, urlencode

    url = str(terminal["printer_url"])
    width = terminal.get("paper_width_mm")
    if width not in (58, 80):
        return url
    base, _, query = url.partition("?")
    kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "width"]
    return f"{base}?{urlencode([*kept, ('width', str(width))])}"


def device_set(terminal: dict[str, Any]) -> Any:
    """The terminal's DeviceSet (rebuilt when an administrator changes a device URL)."""
    urls = _urls(terminal)
    cached = _CACHE.get(int(terminal["id"]))
    if cached is not None and cached[0] == urls:
        return cached[1]
    from hardware.factory import build_devices

    if cached is not None:  # an administrator changed a device address: let the old set go
        try:
            cached[1].close()
        except Exception:
            log.warning("could not close the old devices of terminal %s", terminal["code"])
    settings = get_settings()
    devices = build_devices(*urls, sim_dir=settings.sim_dir / str(terminal["code"]))
    _CACHE[int(terminal["id"])] = (urls, devices)
    return devices


def forget(terminal_id: int) -> None:
    _CACHE.pop(terminal_id, None)


def clerk_message(exc: BaseException) -> str:
    from hardware.errors import HardwareError

    if isinstance(exc, HardwareError):
        return exc.message
    log.exception("device call failed", exc_info=exc)
    return "The device did not answer as expected. Check its cable and power, then retry."


# --- status bar -------------------------------------------------------------------------

@dataclass(frozen=True)
class DeviceState:
    name: str
    level: str  # ok | warn | err | unknown
    words: str


DEVICE_NAMES = {"printer": "Printer", "drawer": "Drawer", "terminal": "Card terminal",
                "cardreader": "Card reader", "display": "Display"}

#: Error codes in clerk words (the status bar is short; details show where the action fails).
ERROR_WORDS = {
    "offline": "offline", "timeout": "not answering", "busy": "busy", "paper_out": "out of paper",
    "cover_open": "cover open", "protocol_error": "not answering properly",
    "bad_url": "wrong address", "unsupported": "not supported",
}


def describe(name: str, report: str) -> DeviceState:
    """One device's status line from DeviceSet.check() in clerk words, with a level."""
    label = DEVICE_NAMES.get(name, name)
    text = report.lower()
    if text.startswith("error"):
        code = text[text.find("[") + 1:text.find("]")] if "[" in text else ""
        if code == "busy":  # working on a transaction right now
            return DeviceState(label, "warn", "busy")
        return DeviceState(label, "err", ERROR_WORDS.get(code, "problem"))
    if name == "printer":
        # a printer out of paper or with its cover open also reports itself offline
        if "cover open" in text:
            return DeviceState(label, "err", "cover open")
        if "paper out" in text:
            return DeviceState(label, "err", "out of paper")
        if "offline" in text:
            return DeviceState(label, "err", "offline")
        if "paper low" in text:
            return DeviceState(label, "warn", "paper low")
        return DeviceState(label, "ok", "ready")
    if name == "drawer":
        if text.startswith("open"):
            return DeviceState(label, "warn", "open")
        if text.startswith("closed"):
            return DeviceState(label, "ok", "closed")
        return DeviceState(label, "unknown", "not reported")
    if name == "cardreader":
        return DeviceState(label, "ok", "card on reader" if "card present" in text else "ready")
    return DeviceState(label, "ok", "ready")


async def statuses(terminal: dict[str, Any]) -> list[DeviceState]:
    try:
        report = await device_set(terminal).check()
    except Exception as exc:
        return [DeviceState("Devices", "err", clerk_message(exc))]
    return [describe(name, text) for name, text in report.items()]


# --- actions ----------------------------------------------------------------------------

async def kick_drawer(terminal: dict[str, Any]) -> str:
    """Open the cash drawer; '' when it opened, else what the clerk should do."""
    try:
        await device_set(terminal).drawer.kick()
    except Exception as exc:
        return "The cash drawer did not open: " + clerk_message(exc) + " Open it with the key."
    return ""


async def show(terminal: dict[str, Any], line1: str, line2: str = "") -> None:
    """Mirror on the customer display; a display fault never stops the counter."""
    try:
        await device_set(terminal).display.show(line1, line2)
    except Exception:
        log.info("customer display did not update on %s", terminal.get("code"))


_BACKGROUND: set[asyncio.Task[None]] = set()


def show_later(terminal: dict[str, Any], line1: str, line2: str = "") -> None:
    """Update the customer display without making the clerk's request wait for it (the
    display's single worker thread keeps the updates in order)."""
    task = asyncio.get_running_loop().create_task(show(terminal, line1, line2))
    _BACKGROUND.add(task)
    task.add_done_callback(_BACKGROUND.discard)


async def card_batch_total(terminal: dict[str, Any]) -> tuple[int | None, str]:
    """The payment terminal's open batch net (cents) for the shift close, and a clerk message
    ('' when it answered). The clerk still types the figure from the batch report."""
    try:  # the close form never waits long for a terminal that does not answer
        batch = await asyncio.wait_for(device_set(terminal).terminal.batch_total(), 2.0)
    except TimeoutError:
        return None, "The card terminal did not give its batch total in time."
    except Exception as exc:
        return None, "The card terminal did not give its batch total: " + clerk_message(exc)
    return int(batch.net_cents), ""


def card_to_dict(card: Any) -> dict[str, Any]:
    products = []
    for product in getattr(card, "products", []) or []:
        products.append({
            "code": product.code,
            "valid_from": product.valid_from.isoformat() if product.valid_from else None,
            "valid_to": product.valid_to.isoformat() if product.valid_to else None,
        })
    return {"serial": card.serial, "card_type": card.card_type,
            "fare_category": (card.fare_category or "").lower() or None,
            "stored_value_cents": int(card.stored_value_cents), "status": card.status,
            "products": products}


async def read_card(terminal: dict[str, Any]) -> dict[str, Any]:
    """Read the fare card on the reader (raises HardwareError with a clerk message); each
    product carries its catalog name (`name`) beside its code, for the screen."""
    card = card_to_dict(await device_set(terminal).reader.read())
    await _name_products(card["products"])
    return card


async def _name_products(products: list[dict[str, Any]]) -> None:
    """Words, not codes: "Monthly pass – Adult" for MP-ADULT (a code the catalog does not
    know keeps the code as its name). One query."""
    from app.catalog.tables import Product

    codes = sorted({p["code"] for p in products})
    names = {}
    if codes:
        rows = await Product.select(Product.code, Product.name).where(Product.code.is_in(codes))
        names = {r["code"]: r["name"] for r in rows}
    for product in products:
        product["name"] = names.get(product["code"], product["code"])


async def write_load(terminal: dict[str, Any], load: dict[str, Any]) -> dict[str, Any]:
    """Write one product or value to the card and confirm by read-back; the card after.

    A negative value (a stored-value refund) takes that much off the card."""
    from hardware.cardreader import STORED_VALUE

    reader = device_set(terminal).reader
    value = int(load.get("value_cents") or 0)
    card = await reader.write_product(
        f"L{load['id']}", STORED_VALUE if value else load["product_code"], _as_date(load.get("valid_from")),
        _as_date(load.get("valid_to")), value,
    )
    return card_to_dict(card)


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


# --- simulators (sim:// devices only) -----------------------------------------------------

#: Fault controls offered on the admin terminal page: (device, mode, what it does).
SIM_CONTROLS: tuple[tuple[str, str, str], ...] = (
    ("terminal", "approve", "Approve cards (normal)"),
    ("terminal", "decline", "Decline the next cards"),
    ("terminal", "cancel", "Customer cancels at the terminal"),
    ("terminal", "slow", "Customer is slow at the terminal"),
    ("terminal", "lose_reply", "Lose the terminal's reply (outcome unknown)"),
    ("terminal", "timeout", "Terminal stops answering"),
    ("printer", "normal", "Printer normal"),
    ("printer", "offline", "Printer offline"),
    ("printer", "paper_low", "Paper low"),
    ("printer", "paper_out", "Paper out"),
    ("printer", "cover_open", "Cover open"),
    ("printer", "drawer_closed", "Push the cash drawer shut"),
    ("cardreader", "normal", "Card on the reader (normal)"),
    ("cardreader", "no_card", "No card on the reader"),
    ("cardreader", "remove_during_write", "Card removed during the write"),
    ("cardreader", "blocked", "Blocked card"),
    ("display", "normal", "Display normal"),
    ("display", "silent", "Display not answering"),
)

_SIM_ATTR = {"terminal": "terminal", "printer": "printer", "cardreader": "reader",
             "display": "display"}


def simulated(terminal: dict[str, Any]) -> dict[str, bool]:
    urls = {"printer": terminal["printer_url"], "terminal": terminal["payment_url"],
            "cardreader": terminal["cardreader_url"], "display": terminal["display_url"]}
    return {name: url.startswith("sim://") for name, url in urls.items()}


def control(terminal: dict[str, Any], device: str, mode: str) -> None:
    """Switch a simulated device's fault mode (raises HardwareError for a real device)."""
    if (device, mode) not in {(d, m) for d, m, _ in SIM_CONTROLS}:
        raise ValueError("unknown simulator control")
    target = getattr(device_set(terminal), _SIM_ATTR[device])
    if device == "cardreader" and mode == "normal" and target.simulator is not None:
        target.simulator.control("normal")
        target.simulator.present()
        return
    target.control(mode)


def present_card(terminal: dict[str, Any], *, fare_category: str = "ADULT",
                 stored_value_cents: int = 1250, serial: str = "") -> str:
    """Put a simulated fare card on a sim:// reader; returns its serial."""
    from hardware.sim.cardreader import SimCard

    sim = device_set(terminal).reader.simulator
    if sim is None:
        raise ValueError("not a simulated card reader")
    card = SimCard(fare_category=fare_category, stored_value_cents=stored_value_cents)
    if serial:
        card.serial = serial
    sim.control("normal")
    return str(sim.present(card).serial)


def display_text(terminal: dict[str, Any]) -> tuple[str, str]:
    """What a simulated customer display shows now (two lines)."""
    sim = device_set(terminal).display.simulator
    if sim is None:
        raise ValueError("not a simulated customer display")
    first, second = sim.text() if callable(sim.text) else sim.text
    return str(first).rstrip(), str(second).rstrip()


async def printed_receipts_async(terminal: dict[str, Any], limit: int = 20) -> list[dict[str, str]]:
    """printed_receipts, with the file reading in a worker thread."""
    return await asyncio.to_thread(printed_receipts, terminal, limit)


def printed_receipts(terminal: dict[str, Any], limit: int = 20) -> list[dict[str, str]]:
    """The simulated printer's receipts, newest first (text rendered from the ESC/POS bytes)."""
    folder = get_settings().sim_dir / str(terminal["code"]) / "printer"
    if not folder.exists():
        return []
    files = sorted(folder.glob("*.txt"), key=lambda p: p.name, reverse=True)[:limit]
    return [{"name": f.stem, "text": f.read_text(encoding="utf-8", errors="replace")} for f in files]
