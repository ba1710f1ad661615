"""Pure sales rules: cart lines, tender settlement, refund tenders, ledger legs, card data,
receipt codes and who may override."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.auth.principal import Principal
from app.auth.roles import Role
from app.errors import Forbidden, ValidationFailed
from app.ledger.accounts import (
    CARD_CLEARING,
    CARD_FEE_REVENUE,
    CARD_OUTCOME_SUSPENSE,
    DRAWER_CASH,
    FARE_REVENUE,
    STORED_VALUE_LIABILITY,
)
from app.sales.authority import OverrideAction, check_override, needs_override
from app.sales.bank_card_payments import clean_result, scrub_message
from app.sales.cart import (
    Cart,
    CartLine,
    TenderInput,
    plan_refund_tenders,
    settle_refund_tenders,
    settle_tenders,
    validate_lines,
    validate_quantity,
)
from app.sales.numbers import parse_receipt_code, receipt_code, scan_code
from app.sales.postings import LineAmount, TenderAmount, sale_legs
from app.sales.reasons import REFUND_REASONS, check_reason

PROPERTY = settings(max_examples=60, deadline=None)


def cash(amount: int) -> TenderInput:
    return TenderInput("cash", amount)


def card(amount: int) -> TenderInput:
    return TenderInput("card", amount, payment_reference="K1-ABC")


def check(amount: int) -> TenderInput:
    return TenderInput("check", amount, check_number="100")


# ---------------------------------------------------------------- cart


def test_cart_totals_are_whole_cents() -> None:
    cart = Cart((CartLine(1, unit_cents=250, quantity=3), CartLine(2, unit_cents=1_000)))
    assert (cart.subtotal_cents, cart.total_cents, cart.item_count) == (1_750, 1_750, 4)


@pytest.mark.parametrize("quantity", [0, -1, 100, 1.0, "2", True])
def test_quantities_are_whole_numbers_from_1_to_99(quantity: object) -> None:
    with pytest.raises(ValidationFailed):
        validate_quantity(quantity)


def test_lines_are_checked() -> None:
    with pytest.raises(ValidationFailed, match="empty"):
        validate_lines([])
    with pytest.raises(ValidationFailed):
        validate_lines([CartLine(1, value_cents=12.5)])  # type: ignore[arg-type]
    with pytest.raises(ValidationFailed, match="one line per card"):
        validate_lines([CartLine(1, value_cents=500, quantity=2)])
    validate_lines([CartLine(1, quantity=99), CartLine(2, value_cents=500)])


# ---------------------------------------------------------------- tenders


def test_exact_cash_and_change() -> None:
    exact = settle_tenders(1_250, [cash(1_250)])
    assert (exact.change_cents, exact.by_kind) == (0, {"cash": 1_250})
    change = settle_tenders(1_250, [cash(2_000)])
    assert change.change_cents == 750
    [tender] = change.tenders
    assert (tender.amount_cents, tender.tendered_cents, tender.change_cents) == (1_250, 2_000, 750)


def test_split_tender_applies_card_and_check_first_and_cash_gives_the_change() -> None:
    result = settle_tenders(5_000, [cash(3_000), card(2_000), check(500)])
    assert result.by_kind == {"card": 2_000, "check": 500, "cash": 2_500}
    assert result.change_cents == 500
    assert [t.kind for t in result.tenders] == ["card", "check", "cash"]


def test_card_and_check_never_give_change() -> None:
    with pytest.raises(ValidationFailed, match="only cash gives change"):
        settle_tenders(1_000, [card(1_500)])
    with pytest.raises(ValidationFailed, match="only cash gives change"):
        settle_tenders(1_000, [card(600), check(600)])


def test_short_payment_and_unneeded_cash_are_refused() -> None:
    with pytest.raises(ValidationFailed, match="short by 1 cents"):
        settle_tenders(1_000, [cash(999)])
    with pytest.raises(ValidationFailed, match="No cash is due"):
        settle_tenders(1_000, [card(1_000), cash(500)])
    with pytest.raises(ValidationFailed, match="short"):
        settle_tenders(1_000, [])


@pytest.mark.parametrize("tender", [
    TenderInput("cash", 0), TenderInput("cash", -5), TenderInput("cash", 10.0),  # type: ignore[arg-type]
    TenderInput("card", 500), TenderInput("check", 500), TenderInput("account", 500),
    TenderInput("bitcoin", 500),
])
def test_bad_tenders_are_refused(tender: TenderInput) -> None:
    with pytest.raises(ValidationFailed):
        settle_tenders(500, [tender])


@PROPERTY
@given(total=st.integers(0, 100_000), card_part=st.integers(0, 100_000),
       check_part=st.integers(0, 100_000), extra=st.integers(0, 10_000))
def test_settled_tenders_cover_the_total_exactly(total: int, card_part: int, check_part: int,
                                                  extra: int) -> None:
    card_part = min(card_part, total)
    check_part = min(check_part, total - card_part)
    cash_due = total - card_part - check_part
    tenders = []
    if card_part:
        tenders.append(card(card_part))
    if check_part:
        tenders.append(check(check_part))
    if cash_due:
        tenders.append(cash(cash_due + extra))
    result = settle_tenders(total, tenders)
    assert sum(t.amount_cents for t in result.tenders) == total
    assert result.change_cents == (extra if cash_due else 0)
    assert all(t.change_cents == 0 for t in result.tenders if t.kind != "cash")
    assert all(type(t.amount_cents) is int for t in result.tenders)


def test_refund_tenders_go_back_to_the_original_kinds_within_limits() -> None:
    limits = {"card": 2_000, "cash": 250}
    ok = settle_refund_tenders(2_250, [card(2_000), cash(250)], limits)
    assert ok.by_kind == {"card": 2_000, "cash": 250} and ok.change_cents == 0
    with pytest.raises(ValidationFailed, match="more than was paid by cash"):
        settle_refund_tenders(2_250, [card(1_000), cash(1_250)], limits)
    with pytest.raises(ValidationFailed, match="not used to pay"):
        settle_refund_tenders(250, [check(250)], limits)
    with pytest.raises(ValidationFailed, match="not the 2000"):
        settle_refund_tenders(2_000, [card(1_000)], limits)
    assert plan_refund_tenders(2_100, limits) == {"card": 2_000, "cash": 100}
    with pytest.raises(ValidationFailed):
        plan_refund_tenders(3_000, limits)


# ---------------------------------------------------------------- ledger legs


def test_sale_legs_split_revenue_by_account_and_product() -> None:
    legs = sale_legs(
        [LineAmount(1, "day_pass", "adult", 600), LineAmount(1, "day_pass", "adult", 600),
         LineAmount(2, "card_fee", None, 300), LineAmount(3, "stored_value", None, 2_000)],
        [TenderAmount("cash", 1_500), TenderAmount("card", 2_000)],
    )
    by = {(leg.account, leg.product_id): leg.amount_cents for leg in legs}
    assert by == {(DRAWER_CASH, None): 1_500, (CARD_CLEARING, None): 2_000,
                  (FARE_REVENUE, 1): -1_200, (CARD_FEE_REVENUE, 2): -300,
                  (STORED_VALUE_LIABILITY, 3): -2_000}
    assert sum(leg.amount_cents for leg in legs) == 0


def test_a_settled_charge_is_taken_from_suspense_and_a_refund_mirrors_the_sale() -> None:
    lines = [LineAmount(1, "ticket_book", None, 2_250)]
    tenders = [TenderAmount("card", 2_250, via_suspense=True)]
    sale = sale_legs(lines, tenders)
    assert {leg.account for leg in sale} == {CARD_OUTCOME_SUSPENSE, FARE_REVENUE}
    refund = sale_legs(lines, tenders, sign=-1)
    assert [leg.amount_cents for leg in refund] == [-leg.amount_cents for leg in sale]


@PROPERTY
@given(st.lists(st.tuples(st.integers(1, 5), st.sampled_from(
    ["day_pass", "card_fee", "stored_value", "monthly_pass"]), st.integers(0, 50_000)),
    min_size=1, max_size=8), st.integers(0, 100), st.integers(0, 100))
def test_sale_legs_always_balance(lines: list[tuple[int, str, int]], card_pct: int,
                                  check_pct: int) -> None:
    amounts = [LineAmount(pid, kind, None, cents) for pid, kind, cents in lines]
    total = sum(a.amount_cents for a in amounts)
    card_part = total * card_pct // 100
    check_part = (total - card_part) * check_pct // 100
    tenders = [TenderAmount("card", card_part), TenderAmount("check", check_part),
               TenderAmount("cash", total - card_part - check_part)]
    for sign in (1, -1):
        legs = sale_legs(amounts, tenders, sign=sign)
        assert sum(leg.amount_cents for leg in legs) == 0
        assert all(leg.amount_cents != 0 for leg in legs)


# ---------------------------------------------------------------- card data


def test_only_last_four_digits_and_a_brand_are_kept() -> None:
    result = clean_result("unknown_outcome")
    assert result.status == "unknown"
    with pytest.raises(ValidationFailed) as caught:
        clean_result("approved", brand="VISA", last4="4111111111111111")
    assert "4111" not in str(caught.value) and "last4" in caught.value.field_errors
    assert scrub_message("ok 4111 1111 1111 1111 exp") == "ok [removed] exp"
    assert scrub_message("AUTH 123456") == "AUTH 123456"
    assert len(scrub_message("x" * 500)) == 200


# ---------------------------------------------------------------- receipt codes


def test_receipt_codes_print_and_parse_back() -> None:
    assert receipt_code("CENTRAL", "K1", 123) == "CENTRAL-K1-000123"
    assert scan_code("K1", 123) == "R-K1-123"
    scanned = parse_receipt_code("r-k1-123")
    assert scanned is not None and (scanned.terminal_code, scanned.number) == ("K1", 123)
    printed = parse_receipt_code("CENTRAL-K1-000123")
    assert printed is not None and (printed.prefix, printed.number) == ("CENTRAL-K1", 123)
    bare = parse_receipt_code(" 42 ")
    assert bare is not None and bare.number == 42 and bare.prefix is None
    assert parse_receipt_code("hello world") is None


# ---------------------------------------------------------------- overrides


def who(role: Role, ident: int, sections: tuple[int, ...] = (1,)) -> Principal:
    return Principal(id=ident, username=f"u{ident}", full_name=f"U {ident}", role=role,
                     section_ids=sections)


def test_override_rule() -> None:
    clerk = who(Role.CLERK, 1)
    assert not needs_override(OverrideAction.REFUND, 2_000)
    assert needs_override(OverrideAction.REFUND, 2_001)
    assert check_override(OverrideAction.REFUND, clerk=clerk, override=None, section_id=1,
                          amount_cents=500) is None
    with pytest.raises(Forbidden):
        check_override(OverrideAction.REFUND, clerk=clerk, override=None, section_id=1,
                        amount_cents=5_000)
    with pytest.raises(Forbidden):  # leads recommend refunds, supervisors decide
        check_override(OverrideAction.REFUND, clerk=clerk, override=who(Role.LEAD, 2),
                       section_id=1, amount_cents=5_000)
    assert check_override(OverrideAction.VOID, clerk=clerk, override=who(Role.LEAD, 2),
                          section_id=1, amount_cents=5_000) is not None
    supervisor = who(Role.SUPERVISOR, 3)
    with pytest.raises(Forbidden, match="own"):
        check_override(OverrideAction.REFUND, clerk=supervisor, override=supervisor,
                       section_id=1, amount_cents=5_000)
    with pytest.raises(Forbidden, match="section"):
        check_override(OverrideAction.REFUND, clerk=clerk, override=who(Role.SUPERVISOR, 4, (2,)),
                       section_id=1, amount_cents=5_000)
    assert check_override(OverrideAction.REFUND, clerk=clerk,
                          override=who(Role.ADMINISTRATOR, 5, ()), section_id=1,
                          amount_cents=5_000) is not None


def test_reason_codes() -> None:
    assert check_reason("overcharge", REFUND_REASONS) == "overcharge"
    with pytest.raises(ValidationFailed):
        check_reason("", REFUND_REASONS)
