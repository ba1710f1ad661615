"""The ledger on a real database: posting, refusals, reversal, balances, day locks, append-only."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from piccolo.query.functions.aggregate import Sum

from app.audit.tables import AuditEvent
from app.auth.principal import Principal
from app.auth.roles import Role
from app.db import engine, write_transaction
from app.ledger import services as ledger
from app.ledger.accounts import (
    ACCOUNTS_RECEIVABLE,
    CARD_CLEARING,
    CARD_FEE_REVENUE,
    CHART,
    DRAWER_CASH,
    FARE_REVENUE,
    SAFE,
    STORED_VALUE_LIABILITY,
)
from app.ledger.errors import AlreadyReversed, DayLocked, LedgerError
from app.ledger.services import Leg
from app.ledger.tables import Account, JournalTransaction, Posting
from tests.fixtures import Org, make_org
from tests.integration.test_drawers_support import quick_user

DAY = date(2026, 11, 20)
PROPERTY = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
async def clerk(org: Org) -> Principal:
    return await quick_user(Role.CLERK, (org.section_id,))


def sale_legs(price: int = 10_000, fee: int = 500) -> list[Leg]:
    """A cash sale of a pass plus a new card fee."""
    return [
        Leg(DRAWER_CASH, price + fee, tender_kind="cash"),
        Leg(FARE_REVENUE, -price, product_id=None, fare_category="adult"),
        Leg(CARD_FEE_REVENUE, -fee),
    ]


async def txn_total(txn_id: int) -> int:
    row = await Posting.select(Sum(Posting.amount_cents).as_alias("t")).where(
        Posting.txn == txn_id
    ).first()
    assert row is not None
    return int(row["t"] or 0)


async def journal_size() -> tuple[int, int]:
    return await JournalTransaction.count(), await Posting.count()


async def test_the_chart_of_accounts_is_seeded_by_migration() -> None:
    rows = await Account.select(Account.code, Account.kind)
    assert {r["code"]: r["kind"] for r in rows} == {a.code: a.kind for a in CHART}


async def test_a_balanced_sale_posts_with_its_dimensions(org: Org, clerk: Principal) -> None:
    txn_id = await ledger.post(
        kind="sale", actor=clerk, location_id=org.location_id, business_date=DAY,
        legs=sale_legs(), clerk_id=clerk.id, source_type="sale", source_id="S-1", memo="test",
    )
    txn = await ledger.get_transaction(txn_id)
    assert txn["kind"] == "sale" and txn["created_by"] == clerk.id
    assert [(leg["account"], leg["amount_cents"]) for leg in txn["legs"]] == [
        (DRAWER_CASH, 10_500), (FARE_REVENUE, -10_000), (CARD_FEE_REVENUE, -500)]
    assert txn["legs"][0]["tender_kind"] == "cash"
    assert txn["legs"][1]["fare_category"] == "adult"
    assert all(leg["clerk"] == clerk.id and leg["business_date"] == DAY for leg in txn["legs"])
    assert await ledger.balance(DRAWER_CASH, location_id=org.location_id) == 10_500
    assert await ledger.balance(FARE_REVENUE, location_id=org.location_id,
                                business_date=DAY) == -10_000
    assert await ledger.balance(DRAWER_CASH, location_id=org.location_id,
                                business_date=DAY + timedelta(days=1)) == 0
    assert await ledger.balance(DRAWER_CASH, location_id=org.location_id,
                                tender_kind="cash") == 10_500
    assert await ledger.transactions_for("sale", "S-1") == [
        await JournalTransaction.select().where(JournalTransaction.id == txn_id).first()]


@pytest.mark.parametrize(("legs", "message"), [
    ([Leg(DRAWER_CASH, 100), Leg(FARE_REVENUE, -99)], "do not balance"),
    ([Leg(DRAWER_CASH, 0)], "at least two legs"),
    ([Leg(DRAWER_CASH, 1.5), Leg(FARE_REVENUE, -1.5)], "whole cents"),  # type: ignore[arg-type]
    ([Leg("petty_cash", 100), Leg(FARE_REVENUE, -100)], "Unknown ledger account"),
])
async def test_a_bad_transaction_is_refused_and_writes_nothing(
    org: Org, clerk: Principal, legs: list[Leg], message: str
) -> None:
    before = await journal_size()
    with pytest.raises(LedgerError, match=message):
        await ledger.post(kind="sale", actor=clerk, location_id=org.location_id,
                          business_date=DAY, legs=legs)
    assert await journal_size() == before


async def test_post_joins_the_callers_transaction(org: Org, clerk: Principal) -> None:
    before = await journal_size()
    with pytest.raises(RuntimeError):
        async with write_transaction():
            await ledger.post(kind="sale", actor=clerk, location_id=org.location_id,
                              business_date=DAY, legs=sale_legs())
            raise RuntimeError("the sale failed after posting")
    assert await journal_size() == before


amounts = st.integers(min_value=-10**7, max_value=10**7)
codes = st.sampled_from([a.code for a in CHART])


@st.composite
def balanced(draw: st.DrawFn) -> list[Leg]:
    values = draw(st.lists(amounts, min_size=1, max_size=6))
    values.append(-sum(values))
    return [Leg(draw(codes), v) for v in values]


@PROPERTY
@given(legs=balanced())
async def test_any_balanced_leg_set_posts_and_sums_to_zero_then_reverses_to_nothing(
    org: Org, clerk: Principal, legs: list[Leg]
) -> None:
    txn_id = await ledger.post(kind="test", actor=clerk, location_id=org.location_id,
                               business_date=DAY, legs=legs, source_type="prop")
    assert await txn_total(txn_id) == 0
    stored = await ledger.get_transaction(txn_id)
    assert [leg["amount_cents"] for leg in stored["legs"]] == [leg.amount_cents for leg in legs]
    reversal = await ledger.reverse(txn_id, actor=clerk, business_date=DAY, memo="property")
    assert await txn_total(reversal) == 0
    for code in {leg.account for leg in legs}:
        net = await Posting.select(Sum(Posting.amount_cents).as_alias("t")).where(
            Posting.txn.is_in([txn_id, reversal]) & (Posting.account.code == code)
        ).first()
        assert net is not None and int(net["t"] or 0) == 0


@PROPERTY
@given(legs=balanced(), error=st.integers(-10**6, 10**6).filter(lambda n: n != 0))
async def test_any_unbalanced_leg_set_is_refused(
    org: Org, clerk: Principal, legs: list[Leg], error: int
) -> None:
    legs[0] = Leg(legs[0].account, legs[0].amount_cents + error)
    before = await journal_size()
    with pytest.raises(LedgerError):
        await ledger.post(kind="test", actor=clerk, location_id=org.location_id,
                          business_date=DAY, legs=legs)
    assert await journal_size() == before


async def test_a_reversal_mirrors_every_leg_and_keeps_the_dimensions(
    org: Org, clerk: Principal
) -> None:
    lead = await quick_user(Role.LEAD, (org.section_id,))
    txn_id = await ledger.post(kind="sale", actor=clerk, location_id=org.location_id,
                               business_date=DAY, legs=sale_legs(), clerk_id=clerk.id,
                               source_type="sale", source_id="S-2")
    later = DAY + timedelta(days=3)
    reversal_id = await ledger.reverse(txn_id, actor=lead, business_date=later,
                                       memo="sold the wrong pass")
    reversal = await ledger.get_transaction(reversal_id)
    assert reversal["reverses"] == txn_id and reversal["kind"] == "reversal"
    assert reversal["corrects_date"] == DAY and reversal["business_date"] == later
    assert reversal["source_type"] == "sale" and reversal["source_id"] == "S-2"
    assert [(leg["account"], leg["amount_cents"]) for leg in reversal["legs"]] == [
        (DRAWER_CASH, -10_500), (FARE_REVENUE, 10_000), (CARD_FEE_REVENUE, 500)]
    assert all(leg["clerk"] == clerk.id for leg in reversal["legs"])
    assert await ledger.balance(DRAWER_CASH, location_id=org.location_id) == 0
    assert await ledger.balance(FARE_REVENUE, location_id=org.location_id) == 0
    audit = await AuditEvent.select().where(
        (AuditEvent.action == "ledger.reverse") & (AuditEvent.object_id == str(txn_id))
    ).first()
    assert audit is not None and audit["actor"] == lead.id and "sold the wrong pass" in audit[
        "summary"]


async def test_a_transaction_is_reversed_once_and_a_reversal_not_at_all(
    org: Org, clerk: Principal
) -> None:
    txn_id = await ledger.post(kind="sale", actor=clerk, location_id=org.location_id,
                               business_date=DAY, legs=sale_legs())
    reversal_id = await ledger.reverse(txn_id, actor=clerk, business_date=DAY, memo="once")
    with pytest.raises(AlreadyReversed, match="already been reversed"):
        await ledger.reverse(txn_id, actor=clerk, business_date=DAY, memo="twice")
    with pytest.raises(AlreadyReversed, match="itself a reversal"):
        await ledger.reverse(reversal_id, actor=clerk, business_date=DAY, memo="undo")


async def test_the_database_refuses_a_second_reversal_even_past_the_service(
    org: Org, clerk: Principal
) -> None:
    txn_id = await ledger.post(kind="sale", actor=clerk, location_id=org.location_id,
                               business_date=DAY, legs=sale_legs())
    await ledger.reverse(txn_id, actor=clerk, business_date=DAY, memo="once")
    with pytest.raises(Exception, match=r"(?i)unique"):
        await ledger.post(kind="reversal", actor=clerk, location_id=org.location_id,
                          business_date=DAY, legs=sale_legs(), reverses=txn_id)


async def test_a_signed_off_day_takes_no_postings_and_corrections_name_it(
    org: Org, clerk: Principal
) -> None:
    supervisor = await quick_user(Role.SUPERVISOR, (org.section_id,))
    txn_id = await ledger.post(kind="sale", actor=clerk, location_id=org.location_id,
                               business_date=DAY, legs=sale_legs())
    assert not await ledger.is_day_locked(org.location_id, DAY)
    await ledger.lock_day(supervisor, org.location_id, DAY)
    assert await ledger.is_day_locked(org.location_id, DAY)
    assert await ledger.locked_days(org.location_id) == [DAY]
    with pytest.raises(DayLocked) as refused:
        await ledger.post(kind="sale", actor=clerk, location_id=org.location_id,
                          business_date=DAY, legs=sale_legs())
    assert refused.value.message == (
        f"The day 2026-11-20 at Location {org.code} is signed off; post a correction dated "
        "today that names that day.")
    with pytest.raises(DayLocked):
        await ledger.reverse(txn_id, actor=clerk, business_date=DAY, memo="too late")
    today = DAY + timedelta(days=1)
    correction = await ledger.reverse(txn_id, actor=supervisor, business_date=today,
                                      memo="correction")
    assert (await ledger.get_transaction(correction))["corrects_date"] == DAY
    other = await make_org()  # another location's day is not locked
    assert not await ledger.is_day_locked(other.location_id, DAY)
    with pytest.raises(DayLocked, match="already signed off"):
        await ledger.lock_day(supervisor, org.location_id, DAY)
    audit = await AuditEvent.select().where(
        (AuditEvent.action == "ledger.lock_day") & (AuditEvent.object_id == str(org.location_id))
    )
    assert len(audit) == 1 and "2026-11-20" in audit[0]["summary"]


async def test_shift_balances_and_balance_by_shift(org: Org, clerk: Principal) -> None:
    from app.drawers import services as drawers
    from tests.integration.test_drawers_support import make_terminal

    terminal_id = await make_terminal(org.location_id)
    shift_id = await drawers.open_shift(clerk, terminal_id=terminal_id,
                                        location_id=org.location_id,
                                        denominations={2000: 10}, business_date=DAY)
    await ledger.post(kind="sale", actor=clerk, location_id=org.location_id, business_date=DAY,
                      shift_id=shift_id, legs=[Leg(CARD_CLEARING, 2_000, tender_kind="card"),
                                               Leg(STORED_VALUE_LIABILITY, -2_000)])
    assert await ledger.shift_balances(shift_id) == {
        DRAWER_CASH: 20_000, SAFE: -20_000, CARD_CLEARING: 2_000, STORED_VALUE_LIABILITY: -2_000}
    assert await ledger.balance(CARD_CLEARING, shift_id=shift_id) == 2_000
    assert await ledger.balance(CARD_CLEARING, shift_id=shift_id, tender_kind="cash") == 0
    with pytest.raises(LedgerError):
        await ledger.balance("petty_cash")
    elsewhere = await make_org()
    with pytest.raises(LedgerError, match="another location"):
        await ledger.post(kind="sale", actor=clerk, location_id=elsewhere.location_id,
                          business_date=DAY, shift_id=shift_id, legs=sale_legs())


async def test_shift_figures_come_from_ledger_functions(org: Org, clerk: Principal) -> None:
    """What drawers and the day board read: per-kind drawer cash, per-shift and per-day sums."""
    from app.drawers import services as drawers
    from tests.integration.test_drawers_support import make_terminal

    terminal_id = await make_terminal(org.location_id)
    shift_id = await drawers.open_shift(clerk, terminal_id=terminal_id,
                                        location_id=org.location_id,
                                        denominations={2000: 5}, business_date=DAY)
    await ledger.post(kind="sale", actor=clerk, location_id=org.location_id, business_date=DAY,
                      shift_id=shift_id, legs=[Leg(DRAWER_CASH, 1_250, tender_kind="cash"),
                                               Leg(FARE_REVENUE, -1_250)])
    assert await ledger.shift_totals_by_kind(shift_id, DRAWER_CASH) == {"shift_open": 10_000,
                                                                             "sale": 1_250}
    assert await ledger.balances_by_shift([shift_id, -1]) == {
        shift_id: {DRAWER_CASH: 11_250, SAFE: -10_000, FARE_REVENUE: -1_250}}
    assert await ledger.balances_by_shift([]) == {}
    day = await ledger.day_balances(org.location_id, DAY)
    assert day[DRAWER_CASH] == 11_250 and sum(day.values()) == 0
    with pytest.raises(LedgerError):
        await ledger.shift_totals_by_kind(shift_id, "petty_cash")


async def test_a_leg_names_its_party_and_a_reversal_keeps_it(org: Org, clerk: Principal) -> None:
    """The generic party dimension (receivables will tag a customer account this way)."""
    party = ("customer_account", 9_000_000 + org.location_id)
    txn_id = await ledger.post(
        kind="invoice", actor=clerk, location_id=org.location_id, business_date=DAY,
        legs=[Leg(ACCOUNTS_RECEIVABLE, 4_200, party_type=party[0], party_id=party[1]),
              Leg(FARE_REVENUE, -4_200)])
    legs = (await ledger.get_transaction(txn_id))["legs"]
    assert [(leg["party_type"], leg["party_id"]) for leg in legs] == [party, (None, None)]
    assert await ledger.balance(ACCOUNTS_RECEIVABLE, party=party) == 4_200
    assert await ledger.balance(ACCOUNTS_RECEIVABLE, party=(party[0], party[1] + 1)) == 0
    await ledger.reverse(txn_id, actor=clerk, business_date=DAY, memo="wrong account")
    assert await ledger.balance(ACCOUNTS_RECEIVABLE, party=party) == 0


def test_the_ledger_imports_no_area_of_work() -> None:
    """The ledger sits at the bottom: it may use the foundation (db, sql, errors, audit, users,
    locations) but no area (drawers, terminals, catalog, sales, reconciliation ...)."""
    import ast
    from pathlib import Path

    foundation = ("app.ledger", "app.db", "app.sql", "app.errors", "app.audit", "app.auth",
                  "app.org")
    ledger_dir = Path(ledger.__file__).parent
    imported = set()
    for path in ledger_dir.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    from_app = {name for name in imported if name == "app" or name.startswith("app.")}
    assert from_app and all(name.startswith(foundation) or name == "app" for name in from_app), (
        sorted(from_app))


@pytest.mark.parametrize("table", ["journal_txn", "posting"])
@pytest.mark.parametrize("statement", [
    "UPDATE {table} SET business_date = business_date WHERE id = {row}",
    "DELETE FROM {table} WHERE id = {row}",
])
async def test_the_database_rejects_update_and_delete_on_the_journal(
    org: Org, clerk: Principal, table: str, statement: str
) -> None:
    txn_id = await ledger.post(kind="sale", actor=clerk, location_id=org.location_id,
                               business_date=DAY, legs=sale_legs())
    posting = await Posting.select(Posting.id).where(Posting.txn == txn_id).first()
    assert posting is not None
    row = txn_id if table == "journal_txn" else posting["id"]
    with pytest.raises(Exception, match="append-only"):
        await engine().run_ddl(statement.format(table=table, row=row))
    assert await txn_total(txn_id) == 0
    assert len((await ledger.get_transaction(txn_id))["legs"]) == 3
