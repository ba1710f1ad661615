"""The deposit state machine, declared on the shared helper (`app.states`).

    prepared ──(verified by a second person, then sent)──▶ in transit ──▶ confirmed
                                                                    └──▶ discrepancy
"""

from __future__ import annotations

from enum import StrEnum

from app.reconciliation.tables import Deposit
from app.states import StateMachine


class DepositStatus(StrEnum):
    PREPARED = "prepared"
    IN_TRANSIT = "in_transit"
    CONFIRMED = "confirmed"
    DISCREPANCY = "discrepancy"


D = DepositStatus

DEPOSIT: StateMachine[DepositStatus] = StateMachine(
    "deposit", Deposit, DepositStatus,
    allowed={D.PREPARED: {D.IN_TRANSIT}, D.IN_TRANSIT: {D.CONFIRMED, D.DISCREPANCY}},
    labels={D.PREPARED: "Prepared", D.IN_TRANSIT: "In transit",
            D.CONFIRMED: "Confirmed by the bank", D.DISCREPANCY: "Bank discrepancy"},
    tones={D.PREPARED: "warn", D.IN_TRANSIT: "warn", D.CONFIRMED: "ok", D.DISCREPANCY: "err"},
)
