"""The chart of accounts: codes are constants, the rows are seeded by a ledger data migration.

Sign convention for every posting: debit positive, credit negative. An asset account
(drawer cash, card clearing ...) therefore has a positive balance when it holds money; a
liability or revenue account has a negative balance when the agency owes or has earned.
"""

from __future__ import annotations

from dataclasses import dataclass

DRAWER_CASH = "drawer_cash"
CARD_CLEARING = "card_clearing"
CHECKS_ON_HAND = "checks_on_hand"
SAFE = "safe"
DEPOSITS_IN_TRANSIT = "deposits_in_transit"
BANK = "bank"
ACCOUNTS_RECEIVABLE = "accounts_receivable"
FARE_REVENUE = "fare_revenue"
CARD_FEE_REVENUE = "card_fee_revenue"
STORED_VALUE_LIABILITY = "stored_value_liability"
CASH_OVER_SHORT = "cash_over_short"
PAID_OUT_EXPENSE = "paid_out_expense"
PAID_IN_OTHER = "paid_in_other"
CARD_OUTCOME_SUSPENSE = "card_outcome_suspense"


@dataclass(frozen=True)
class AccountDef:
    code: str
    name: str
    kind: str  # asset | liability | revenue | expense | equity


CHART: tuple[AccountDef, ...] = (
    AccountDef(DRAWER_CASH, "Drawer cash", "asset"),
    AccountDef(CARD_CLEARING, "Card clearing", "asset"),
    AccountDef(CHECKS_ON_HAND, "Checks on hand", "asset"),
    AccountDef(SAFE, "Safe", "asset"),
    AccountDef(DEPOSITS_IN_TRANSIT, "Deposits in transit", "asset"),
    AccountDef(BANK, "Bank", "asset"),
    AccountDef(ACCOUNTS_RECEIVABLE, "Accounts receivable", "asset"),
    AccountDef(FARE_REVENUE, "Fare revenue", "revenue"),
    AccountDef(CARD_FEE_REVENUE, "Card fee revenue", "revenue"),
    AccountDef(STORED_VALUE_LIABILITY, "Stored value liability", "liability"),
    AccountDef(CASH_OVER_SHORT, "Cash over/short", "expense"),
    AccountDef(PAID_OUT_EXPENSE, "Paid-out expense", "expense"),
    AccountDef(PAID_IN_OTHER, "Paid-in other income", "revenue"),
    AccountDef(CARD_OUTCOME_SUSPENSE, "Card outcome suspense", "liability"),
)

ACCOUNT_CODES: frozenset[str] = frozenset(a.code for a in CHART)
