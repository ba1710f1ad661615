"""The double-entry ledger: every money movement is one balanced journal transaction.

Invariants (checked here, and where marked, by the database too):

1. A transaction has at least two legs (postings).
2. Every amount is an integer number of cents (`int`, never `float`, `Decimal` or `bool`).
3. The legs of a transaction sum to exactly zero. Sign: debit positive, credit negative.
4. Every leg names an account of the chart (`app.ledger.accounts`); the FK to
   `ledger_account` makes the database agree.
5. Append-only: `journal_txn` and `posting` reject UPDATE and DELETE (database triggers on
   both engines, see `app.append_only`). A correction is a *reversing* transaction that mirrors
   every leg and names the original in `reverses`; a transaction is reversed at most once
   (checked here and by a unique index on `journal_txn.reverses`).
6. A business day that has been signed off at a location (`DayLock`) takes no more postings;
   a correction is posted on an open day and names the locked day in `corrects_date`.
7. A posting tagged with a shift is at that shift's location.
8. Balances are SQL aggregates (`SUM`) over postings; postings carry the transaction's
   dimensions (location, business date, shift, terminal, clerk, product, fare category,
   tender kind, party) so reports read one indexed table. Dimensions are plain columns, not
   foreign keys into the areas: the ledger imports no area, and areas read their balances
   through the functions here (`shift_balances`, `shift_totals_by_kind`, `balance`), never
   by querying `Posting` themselves.

`post` joins the caller's `write_transaction()` so the business record (a sale, a count, a
drop) and its ledger entry commit or roll back together. The caller audits the business
event; the journal itself records who posted (`created_by`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from piccolo.query.functions.aggregate import Sum

from app import sql
from app.audit.services import record
from app.auth.principal import Principal
from app.db import write_transaction
from app.errors import NotFound
from app.ledger.accounts import ACCOUNT_CODES
from app.ledger.errors import AlreadyReversed, DayLocked, LedgerError
from app.ledger.tables import DayLock, JournalTransaction, Posting

KIND_MAX = 24


@dataclass(frozen=True)
class Leg:
    """One side of a transaction: positive debits `account`, negative credits it."""

    account: str
    amount_cents: int
    product_id: int | None = None
    fare_category: str | None = None
    tender_kind: str | None = None
    #: Whom the leg is owed by or to, in an area with parties: ("customer_account", 17).
    party_type: str | None = None
    party_id: int | None = None


def check_legs(legs: Sequence[Leg]) -> None:
    """Refuse a leg set that would break invariants 1–4 (pure: no database)."""
    if len(legs) < 2:
        raise LedgerError("A ledger transaction needs at least two legs.")
    for leg in legs:
        if type(leg.amount_cents) is not int:
            raise LedgerError(
                f"Amounts are whole cents; got {type(leg.amount_cents).__name__} "
                f"{leg.amount_cents!r} on {leg.account}."
            )
        if leg.account not in ACCOUNT_CODES:
            raise LedgerError(f"Unknown ledger account {leg.account!r}.")
    total = sum(leg.amount_cents for leg in legs)
    if total != 0:
        raise LedgerError(f"The legs do not balance: they sum to {total} cents, not zero.")


#: Ledger account ids by code. Chart rows are seeded once and never change, so a process keeps
#: what it has read (an unknown code is looked up again, then refused).
_ACCOUNT_IDS: dict[str, int] = {}

#: id and code of every account of the chart named in the (expanded) list.
_ACCOUNTS_SQL = "SELECT id, code FROM ledger_account WHERE code IN {codes}"

#: Whether a DayLock signs off the day at the location (bool; 0/1 on SQLite).
_DAY_LOCKED_SQL = """
SELECT EXISTS (SELECT 1 FROM day_lock WHERE location = {} AND business_date = {}) AS locked
"""

#: The location's name (no row: no such location).
_LOCATION_NAME_SQL = "SELECT name FROM location WHERE id = {}"

#: Before posting, in one round trip: whether the day is signed off at the location, the
#: location of the shift (NULL without a shift or for a missing one), and the id the new
#: journal transaction takes ({next_id}: `app.sql.next_id`).
_BEFORE_POST_SQL = """
SELECT EXISTS (SELECT 1 FROM day_lock WHERE location = {{}} AND business_date = {{}}) AS locked,
       (SELECT location FROM shift WHERE id = {{}}) AS shift_location,
       {next_id} AS txn_id
"""

#: One journal transaction row, with the id taken before.
_INSERT_TXN_SQL = """
INSERT INTO journal_txn (id, kind, business_date, location, shift, occurred_at, created_by,
                         memo, source_type, source_id, reverses, corrects_date)
VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})
"""

#: The postings of a transaction: one `_POSTING_ROW` per leg after VALUES.
_INSERT_POSTINGS_SQL = """
INSERT INTO posting (txn, account, amount_cents, business_date, location, shift, terminal, clerk,
                     product, fare_category, tender_kind, party_type, party_id)
VALUES {rows}
"""
_POSTING_ROW = "({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})"


async def _account_ids(codes: set[str]) -> dict[str, int]:
    unknown = codes - _ACCOUNT_IDS.keys()
    if unknown:
        names = sorted(unknown)
        rows = await sql.fetch(_ACCOUNTS_SQL.format(codes=sql.in_list(names)), *names)
        _ACCOUNT_IDS.update({row["code"]: int(row["id"]) for row in rows})
    missing = codes - _ACCOUNT_IDS.keys()
    if missing:
        raise LedgerError(f"Ledger account(s) missing from the chart: {', '.join(sorted(missing))}.")
    return {code: _ACCOUNT_IDS[code] for code in codes}


async def is_day_locked(location_id: int, business_date: date) -> bool:
    return bool(await sql.fetch_value(_DAY_LOCKED_SQL, location_id, business_date))


async def _location_name(location_id: int) -> str:
    name = await sql.fetch_value(_LOCATION_NAME_SQL, location_id)
    if name is None:
        raise NotFound("No such location.")
    return str(name)


async def _day_locked(location_id: int, business_date: date) -> DayLocked:
    """The refusal of a posting into a signed-off day, naming the location."""
    name = await _location_name(location_id)
    return DayLocked(
        f"The day {business_date.isoformat()} at {name} is signed off; "
        "post a correction dated today that names that day."
    )


def _check_shift_location(shift_id: int, shift_location: int | None, location_id: int) -> None:
    if shift_location is None:
        raise LedgerError(f"No shift {shift_id} to post to.")
    if int(shift_location) != location_id:
        raise LedgerError(f"Shift {shift_id} is at another location than the posting.")


async def post(
    *,
    kind: str,
    actor: Principal,
    location_id: int,
    business_date: date,
    legs: Sequence[Leg],
    shift_id: int | None = None,
    terminal_id: int | None = None,
    clerk_id: int | None = None,
    source_type: str = "",
    source_id: str = "",
    memo: str = "",
    reverses: int | None = None,
    corrects_date: date | None = None,
) -> int:
    """Post one balanced transaction; returns its id. Joins the caller's transaction.

    Three statements: the checks (day lock, shift location) with the new id, the transaction
    row, and its postings in one multi-row INSERT (account ids are cached per process).
    """
    check_legs(legs)
    if not kind or len(kind) > KIND_MAX:
        raise LedgerError(f"A transaction kind is 1–{KIND_MAX} characters.")
    if not actor.id:
        raise LedgerError("A ledger transaction is posted by a signed-in user.")
    async with write_transaction():
        before = await sql.fetch_one(_BEFORE_POST_SQL.format(next_id=sql.next_id("journal_txn")),
                                     location_id, business_date, shift_id)
        assert before is not None
        if before["locked"]:
            raise await _day_locked(location_id, business_date)
        if shift_id is not None:
            _check_shift_location(shift_id, before["shift_location"], location_id)
        accounts = await _account_ids({leg.account for leg in legs})
        txn_id = int(before["txn_id"])
        await sql.execute(
            _INSERT_TXN_SQL, txn_id, kind, business_date, location_id, shift_id,
            datetime.now(UTC), actor.id, memo[:2000], source_type[:24], str(source_id)[:32],
            reverses, corrects_date,
        )
        values: list[Any] = []
        for leg in legs:
            values += [txn_id, accounts[leg.account], leg.amount_cents, business_date, location_id,
                       shift_id, terminal_id, clerk_id, leg.product_id, leg.fare_category,
                       leg.tender_kind, leg.party_type, leg.party_id]
        await sql.execute(
            _INSERT_POSTINGS_SQL.format(rows=", ".join([_POSTING_ROW] * len(legs))), *values)
    return txn_id


async def get_transaction(txn_id: int) -> dict[str, Any]:
    """The transaction row with its legs (`legs`: account code, amount and dimensions)."""
    row = await JournalTransaction.select().where(JournalTransaction.id == txn_id).first()
    if row is None:
        raise NotFound("No such ledger transaction.")
    row["legs"] = await Posting.select(
        Posting.id, Posting.account.code.as_alias("account"), Posting.amount_cents,
        Posting.product, Posting.fare_category, Posting.tender_kind, Posting.terminal,
        Posting.clerk, Posting.shift, Posting.business_date, Posting.party_type, Posting.party_id,
    ).where(Posting.txn == txn_id).order_by(Posting.id)
    return row


async def transactions_for(source_type: str, source_id: str) -> list[dict[str, Any]]:
    """Transactions posted for one business record (e.g. source_type='sale', source_id='42')."""
    rows: list[dict[str, Any]] = await JournalTransaction.select().where(
        (JournalTransaction.source_type == source_type)
        & (JournalTransaction.source_id == str(source_id))
    ).order_by(JournalTransaction.id)
    return rows


async def reverse(txn_id: int, *, actor: Principal, business_date: date, memo: str) -> int:
    """Post the mirror image of a transaction (every leg negated) on `business_date`.

    Dimensions (shift, terminal, clerk, product ...) are kept so shift and product balances net
    to zero. When the reversal is dated on another day than the original, it names the original
    day in `corrects_date`. A transaction is reversed once; a reversal is not reversed again
    (post a new transaction instead).
    """
    async with write_transaction():
        original = await get_transaction(txn_id)
        if original["reverses"] is not None:
            raise AlreadyReversed("This entry is itself a reversal; post a new entry instead.")
        if await JournalTransaction.exists().where(JournalTransaction.reverses == txn_id):
            raise AlreadyReversed(f"Ledger transaction {txn_id} has already been reversed.")
        first = original["legs"][0]
        legs = [
            Leg(leg["account"], -int(leg["amount_cents"]), leg["product"], leg["fare_category"],
                leg["tender_kind"], leg["party_type"], leg["party_id"])
            for leg in original["legs"]
        ]
        new_id = await post(
            kind="reversal",
            actor=actor,
            location_id=int(original["location"]),
            business_date=business_date,
            legs=legs,
            shift_id=original["shift"],
            terminal_id=first["terminal"],
            clerk_id=first["clerk"],
            source_type=original["source_type"],
            source_id=original["source_id"],
            memo=memo,
            reverses=txn_id,
            corrects_date=(
                original["business_date"] if original["business_date"] != business_date else None
            ),
        )
        await record(actor, "ledger.reverse", "journal_txn", txn_id,
                     {"reversal": new_id, "kind": original["kind"], "memo": memo})
    return new_id


async def balance(
    account: str,
    *,
    shift_id: int | None = None,
    location_id: int | None = None,
    business_date: date | None = None,
    tender_kind: str | None = None,
    party: tuple[str, int] | None = None,
) -> int:
    """SUM of the account's postings, narrowed by any dimension given (debit positive);
    `party` is a (party_type, party_id) pair."""
    if account not in ACCOUNT_CODES:
        raise LedgerError(f"Unknown ledger account {account!r}.")
    query = Posting.select(Sum(Posting.amount_cents).as_alias("total")).where(
        Posting.account.code == account
    )
    if shift_id is not None:
        query = query.where(Posting.shift == shift_id)
    if location_id is not None:
        query = query.where(Posting.location == location_id)
    if business_date is not None:
        query = query.where(Posting.business_date == business_date)
    if tender_kind is not None:
        query = query.where(Posting.tender_kind == tender_kind)
    if party is not None:
        query = query.where((Posting.party_type == party[0]) & (Posting.party_id == party[1]))
    row = await query.first()
    return int(row["total"] or 0) if row else 0


async def shift_balances(shift_id: int) -> dict[str, int]:
    """Every account touched by the shift with its balance for that shift (SQL GROUP BY)."""
    rows = await Posting.select(
        Posting.account.code.as_alias("account"), Sum(Posting.amount_cents).as_alias("total")
    ).where(Posting.shift == shift_id).group_by(Posting.account.code)
    return {row["account"]: int(row["total"] or 0) for row in rows}


async def balances_by_shift(shift_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """{shift: {account code: balance}} over all the shifts' postings, one GROUP BY that the
    (shift, account, business_date, amount_cents) index answers on its own."""
    if not shift_ids:
        return {}
    rows = await Posting.select(
        Posting.shift, Posting.account.code.as_alias("account"),
        Sum(Posting.amount_cents).as_alias("total"),
    ).where(Posting.shift.is_in(list(shift_ids))).group_by(Posting.shift, Posting.account.code)
    result: dict[int, dict[str, int]] = {}
    for row in rows:
        result.setdefault(int(row["shift"]), {})[row["account"]] = int(row["total"] or 0)
    return result


async def day_balances(location_id: int, business_date: date) -> dict[str, int]:
    """Balances of every account for postings dated that day at that location (GROUP BY over
    the (business_date, location, account, amount_cents) index)."""
    rows = await Posting.select(
        Posting.account.code.as_alias("account"), Sum(Posting.amount_cents).as_alias("total"),
    ).where(
        (Posting.business_date == business_date) & (Posting.location == location_id)
    ).group_by(Posting.account.code)
    return {row["account"]: int(row["total"] or 0) for row in rows}


async def shift_totals_by_kind(shift_id: int, account: str) -> dict[str, int]:
    """The shift's postings to one account summed by transaction kind (`open`, `sale`,
    `paid_in`, `safe_drop` ...): what a drawer's expected cash is built from."""
    if account not in ACCOUNT_CODES:
        raise LedgerError(f"Unknown ledger account {account!r}.")
    rows = await Posting.select(
        Posting.txn.kind.as_alias("kind"), Sum(Posting.amount_cents).as_alias("total")
    ).where(
        (Posting.shift == shift_id) & (Posting.account.code == account)
    ).group_by(Posting.txn.kind)
    return {row["kind"]: int(row["total"] or 0) for row in rows}


async def lock_day(actor: Principal, location_id: int, business_date: date) -> int:
    """Sign off a business day at a location: the ledger takes no more postings dated that day."""
    async with write_transaction():
        name = await _location_name(location_id)
        if await is_day_locked(location_id, business_date):
            raise DayLocked(f"The day {business_date.isoformat()} at {name} is already signed off.")
        lock = DayLock(location=location_id, business_date=business_date, locked_by=actor.id,
                       locked_at=datetime.now(UTC))
        await lock.save()
        await record(actor, "ledger.lock_day", "location", location_id,
                     {"business_date": business_date.isoformat(), "location": name})
    return int(lock.id)


async def locked_days(location_id: int) -> list[date]:
    rows = await DayLock.select(DayLock.business_date).where(
        DayLock.location == location_id
    ).order_by(DayLock.business_date)
    return [row["business_date"] for row in rows]
