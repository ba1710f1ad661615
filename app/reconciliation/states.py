"""The deposit state machine, declared on the shared helper (`app.states`).

    prepared ──(blind recount by a second person)──▶ verified ──(sent)──▶ in transit
    in transit ──▶ confirmed, or ──▶ discrepancy
"""

from __future__ import annotations

from enum import StrEnum

from app.reconciliation.tables import Deposit
from app.states import StateMachine


class DepositStatus(StrEnum):
    PREPARED = "prepared"
    VERIFIED = "verified"
    IN_TRANSIT = "in_transit"
    CONFIRMED = "confirmed"
    DISCREPANCY = "discrepancy"


D = DepositStatus

DEPOSIT: StateMachine[DepositStatus] = StateMachine(
    "deposit", Deposit, DepositStatus,
    allowed={D.PREPARED: {D.VERIFIED}, D.VERIFIED: {D.IN_TRANSIT},
             D.IN_TRANSIT: {D.CONFIRMED, D.DISCREPANCY}},
    labels={D.PREPARED: "Prepared", D.VERIFIED: "Verified", D.IN_TRANSIT: "In transit",
            D.CONFIRMED: "Confirmed by the bank", D.DISCREPANCY: "Bank discrepancy"},
    tones={D.PREPARED: "warn", D.VERIFIED: "ok", D.IN_TRANSIT: "warn", D.CONFIRMED: "ok",
           D.DISCREPANCY: "err"},
)
