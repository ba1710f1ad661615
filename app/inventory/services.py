"""Stock movements: each one a stock-ledger entry and the position change it causes, in one
transaction, audited.

    received        (outside)     → vault           supervisor, with a reference
    transfer_out    origin        → in transit      the sender …
    transfer_in     in transit    → destination     … then the receiver confirms (not the sender)
    transfer_cancel in transit    → origin          or the sending section calls it back
    issued          vault         → counter drawer
    drawer_return   drawer        → vault
    distributed     vault         → account / retail consignment
    account_return  account       → vault
    damaged         any holding   → damaged         with a witness who is not the actor
    destroyed       damaged/vault → destroyed       with a witness who is not the actor
    count_shortage / count_overage                  posted by an approved count (counts.py)

The voucher workflow (later) posts its receipts through `receive`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app import sql
from app.audit.services import record
from app.auth.errors import SignInFailed
from app.auth.principal import Principal
from app.auth.signin import check_password
from app.db import is_sqlite, write_transaction
from app.errors import Forbidden
from app.inventory import setup, stock
from app.inventory.authority import require_decider, require_in_section, require_other_person
from app.inventory.errors import InventoryNotFound, invalid
from app.inventory.rules import SerialRange, format_ranges, parse_quantity, parse_ranges, total
from app.inventory.states import RULES, Kind, LocationKind
from app.inventory.tables import StockMovement


@dataclass(frozen=True)
class MovementForm:
    """What a movement form sends. `ranges` for serialized items, `quantity` for counted."""

    kind: str
    item_type_id: int
    from_location_id: int | None = None
    to_location_id: int | None = None
    ranges: str = ""
    quantity: str = ""
    reference: str = ""
    note: str = ""
    witness_username: str = ""
    witness_password: str = ""


@dataclass(frozen=True)
class Amount:
    """How much moves: serial ranges (serialized items) or a quantity (counted items)."""

    quantity: int
    ranges: tuple[SerialRange, ...] = ()


def parse_amount(item: dict[str, Any], form: MovementForm) -> Amount:
    if item["serialized"]:
        ranges = tuple(parse_ranges(form.ranges))
        return Amount(total(ranges), ranges)
    return Amount(parse_quantity(form.quantity))


async def post_movement(
    actor: Principal, kind: Kind, item: dict[str, Any], amount: Amount,
    source: dict[str, Any] | None, target: dict[str, Any] | None, *,
    reference: str = "", note: str = "", witness: int | None = None,
    destination: int | None = None, transfer_of: int | None = None, count_id: int | None = None,
) -> int:
    """Write the ledger entry and move the stock. Call inside a write transaction."""
    names = {loc["id"]: loc["name"] for loc in (source, target) if loc}
    source_id = source["id"] if source else None
    target_id = target["id"] if target else None
    if item["serialized"]:
        await stock.move_serials(item["id"], amount.ranges, source_id, target_id, names)
    else:
        await stock.move_quantity(item["id"], amount.quantity, source_id, target_id, names,
                                  item["name"])
    movement = StockMovement(
        kind=kind, item_type=item["id"], from_location=source_id, to_location=target_id,
        destination=destination, quantity=amount.quantity, reference=reference[:64],
        note=note, actor=actor.id, witness=witness, transfer_of=transfer_of, count_id=count_id,
        created_at=datetime.now(UTC))
    await movement.save()
    for r in amount.ranges:
        await sql.execute(
            "INSERT INTO stock_movement_range (movement, item_type, first_serial, last_serial) "
            "VALUES ({}, {}, {}, {})", movement.id, item["id"], r.first, r.last)
    await record(actor, f"inventory.{kind}", "stock_movement", movement.id, {
        "item_type": item["code"], "quantity": amount.quantity,
        "ranges": format_ranges(amount.ranges), "from": source["code"] if source else "",
        "to": target["code"] if target else "", "reference": reference,
        "witness": witness or "", "transfer_of": transfer_of or "", "count": count_id or "",
    })
    return int(movement.id)


def _check_kinds(kind: Kind, source: dict[str, Any] | None, target: dict[str, Any] | None,
                 ) -> None:
    rule = RULES[kind]
    if source is not None and rule.sources is not None and source["kind"] not in rule.sources:
        raise invalid("from_location_id",
                      f"{rule.label}: stock cannot come from a {source['kind']} location.")
    if target is not None and rule.targets is not None and target["kind"] not in rule.targets:
        raise invalid("to_location_id",
                      f"{rule.label}: stock cannot go to a {target['kind']} location.")
    if source is not None and target is not None and source["id"] == target["id"]:
        raise invalid("to_location_id", "Choose a different location to move the stock to.")


async def _optional_location(location_id: int | None, field: str) -> dict[str, Any]:
    if location_id is None:
        raise invalid(field, "Choose a location.")
    try:
        return await setup.get_location(location_id)
    except InventoryNotFound:
        raise invalid(field, "Choose a location.") from None


async def _witness(actor: Principal, form: MovementForm, section: int) -> int:
    """The witness signs with their own password; they must not be the person recording."""
    if not form.witness_username:
        raise invalid("witness_username", "A witness must sign: enter their username.")
    if form.witness_username.strip().lower() == actor.username.lower():
        raise invalid("witness_username", "The witness must be someone other than you.")
    try:
        witness = await check_password(form.witness_username, form.witness_password,
                                       actor.origin)
    except SignInFailed:
        raise invalid("witness_password",
                      "The witness's username and password do not match an active account."
                      ) from None
    if witness.id == actor.id:
        raise invalid("witness_username", "The witness must be someone other than you.")
    if not witness.in_section(section):
        raise invalid("witness_username", "The witness must work in the location's section.")
    return witness.id


async def record_movement(actor: Principal, form: MovementForm) -> int:
    """One movement from a form: received, issued, drawer return, distributed, account return,
    damaged or destroyed (transfers have their own two steps below)."""
    try:
        kind = Kind(form.kind)
    except ValueError:
        raise InventoryNotFound("There is no such kind of movement.") from None
    if kind is Kind.TRANSFER_OUT:
        return await send_transfer(actor, form)
    rule = RULES[kind]
    if not rule.has_form:
        raise InventoryNotFound("That movement is a step of another workflow.")
    item = await _item(form.item_type_id)
    source = None if rule.sources is None else await _optional_location(
        form.from_location_id, "from_location_id")
    system_kind = {Kind.DAMAGED: LocationKind.DAMAGED,
                   Kind.DESTROYED: LocationKind.DESTROYED}.get(kind)
    target = None if system_kind else await _optional_location(
        form.to_location_id, "to_location_id")
    _check_kinds(kind, source, target)
    acting_on = source or target
    assert acting_on is not None
    if rule.deciding_only:
        require_decider(actor, acting_on, f"record stock as {rule.label.lower()}")
    else:
        require_in_section(actor, acting_on)
    if kind is Kind.RECEIVED and not form.reference.strip():
        raise invalid("reference", "Enter the delivery or purchase order reference.")
    amount = parse_amount(item, form)
    # the witness signs before the transaction: a wrong password still counts towards lockout
    witness = await _witness(actor, form, acting_on["section"]) if rule.witnessed else None
    async with write_transaction():
        if system_kind:  # the section's own damaged / destroyed stock, made when first used
            target = await setup.system_location(acting_on["section"], system_kind)
        return await post_movement(actor, kind, item, amount, source, target,
                                   reference=form.reference.strip(), note=form.note.strip(),
                                   witness=witness)


async def receive(actor: Principal, form: MovementForm) -> int:
    """Stock from a vendor into a vault (the voucher workflow will call this when authorized)."""
    return await record_movement(actor, MovementForm(**{**form.__dict__, "kind": Kind.RECEIVED}))


async def _item(item_type_id: int) -> dict[str, Any]:
    try:
        return await setup.get_item_type(item_type_id)
    except InventoryNotFound:
        raise invalid("item_type_id", "Choose an item type.") from None


async def send_transfer(actor: Principal, form: MovementForm) -> int:
    """The sender's step: the stock leaves the origin and is in transit to the destination."""
    item = await _item(form.item_type_id)
    origin = await _optional_location(form.from_location_id, "from_location_id")
    destination = await _optional_location(form.to_location_id, "to_location_id")
    _check_kinds(Kind.TRANSFER_OUT, origin, None)
    _check_kinds(Kind.TRANSFER_IN, None, destination)
    if origin["id"] == destination["id"]:
        raise invalid("to_location_id", "Choose a different location to move the stock to.")
    require_in_section(actor, origin)
    amount = parse_amount(item, form)
    async with write_transaction():
        transit = await setup.system_location(origin["section"], LocationKind.IN_TRANSIT)
        return await post_movement(actor, Kind.TRANSFER_OUT, item, amount, origin, transit,
                                   reference=form.reference.strip(), note=form.note.strip(),
                                   destination=destination["id"])


async def _open_transfer(transfer_id: int) -> dict[str, Any]:
    row = await sql.fetch_one(
        "SELECT m.id, m.item_type, m.from_location, m.to_location, m.destination, m.quantity, "
        "m.actor, (SELECT c.kind FROM stock_movement c WHERE c.transfer_of = m.id) AS closed "
        "FROM stock_movement m WHERE m.id = {} AND m.kind = {}", transfer_id, Kind.TRANSFER_OUT)
    if row is None:
        raise InventoryNotFound("No such transfer.")
    if row["closed"]:
        done = "received" if row["closed"] == Kind.TRANSFER_IN else "cancelled"
        raise Forbidden(f"Transfer {transfer_id} was already {done}.")
    return row


async def _transfer_amount(transfer: dict[str, Any]) -> Amount:
    rows = await sql.fetch(
        "SELECT first_serial, last_serial FROM stock_movement_range WHERE movement = {} "
        "ORDER BY first_serial", transfer["id"])
    ranges = tuple(SerialRange(r["first_serial"], r["last_serial"]) for r in rows)
    return Amount(int(transfer["quantity"]), ranges)


async def confirm_transfer(actor: Principal, transfer_id: int, note: str = "") -> int:
    """The receiver's step: the stock arrives at the destination. The sender cannot confirm
    their own transfer: two people account for stock changing hands."""
    transfer = await _open_transfer(transfer_id)
    destination = await setup.get_location(transfer["destination"])
    require_in_section(actor, destination)
    require_other_person(actor, transfer["actor"],
                         "You sent this transfer: someone at the receiving end must confirm it.")
    return await _close_transfer(actor, transfer, Kind.TRANSFER_IN, destination, note)


async def cancel_transfer(actor: Principal, transfer_id: int, note: str = "") -> int:
    """The sending section calls back a transfer not yet received: the stock returns."""
    transfer = await _open_transfer(transfer_id)
    origin = await setup.get_location(transfer["from_location"])
    require_in_section(actor, origin)
    return await _close_transfer(actor, transfer, Kind.TRANSFER_CANCEL, origin, note)


async def _close_transfer(actor: Principal, transfer: dict[str, Any], kind: Kind,
                          target: dict[str, Any], note: str) -> int:
    item = await setup.get_item_type(transfer["item_type"])
    transit = await setup.get_location(transfer["to_location"])
    amount = await _transfer_amount(transfer)
    async with write_transaction():
        # two people pressing "received" at once: the second waits here, then is refused
        await lock_row("stock_movement", transfer["id"])
        await _open_transfer(transfer["id"])
        return await post_movement(actor, kind, item, amount, transit, target, note=note.strip(),
                                   transfer_of=transfer["id"])


async def lock_row(table: str, row_id: int) -> None:
    """Lock one row until the transaction ends (PostgreSQL; SQLite's IMMEDIATE transaction
    already lets one writer in at a time). A row lock fires no UPDATE trigger, so it is fine
    on the append-only tables."""
    if not is_sqlite():
        await sql.execute(f"SELECT id FROM {table} WHERE id = {{}} FOR UPDATE", row_id)  # noqa: S608
