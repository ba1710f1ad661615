"""The printable PDFs say what the slip and the daily report must say."""

from __future__ import annotations

import re
import zlib
from datetime import UTC, date, datetime

from app.reconciliation.board import DayBoard, ShiftLine
from app.reconciliation.pdf import daily_report, deposit_slip


def pdf_text(data: bytes) -> str:
    """The text drawn on the pages (fpdf2 deflates each content stream)."""
    assert data.startswith(b"%PDF")
    chunks = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            chunks.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            chunks.append(stream.decode("latin-1"))
    return " ".join(re.findall(r"\((.*?)\) ?Tj", "".join(chunks)))


NOW = datetime(2026, 3, 3, 17, 0, tzinfo=UTC)


def test_the_deposit_slip_lists_cash_by_denomination_and_the_checks() -> None:
    deposit = {
        "bag_number": "BAG-42", "location_name": "Central Station", "location_code": "CENTRAL",
        "business_date": date(2026, 3, 2), "status_label": "Prepared",
        "prepared_by_name": "Sam Supervisor", "prepared_at": NOW, "verified_by": 7,
        "verified_by_name": "Lee Lead", "verified_at": NOW, "cash_cents": 2_550,
        "checks_cents": 500, "checks_count": 1, "total_cents": 3_050, "bank_amount_cents": None,
        "denominations": {1000: 2, 100: 5, 25: 2},
        "checks": [{"check_number": "1001", "receipt": 3, "amount_cents": 500}],
        "shifts": [{"shift": 1, "terminal_code": "K1", "clerk_name": "Avery – Clerk",
                    "cash_cents": 1_350, "checks_cents": 0}],
    }
    text = pdf_text(deposit_slip(deposit))
    for expected in ("Deposit slip - bag BAG-42", "$10", "$20.00", "25", "$25.50", "1001",
                     "$30.50", "Lee Lead", "Avery - Clerk", "Verified by"):
        assert expected in text, expected


def test_the_daily_report_carries_the_shifts_and_the_day_status() -> None:
    line = ShiftLine(
        id=1, terminal_id=1, terminal_code="K1", clerk_id=5, clerk_name="Avery Clerk",
        status="approved", opened_at=NOW, closed_at=NOW, approved_by_name="Sam",
        approved_at=NOW, float_cents=15_000, expected_cash_cents=16_500,
        counted={"cash_cents": 16_350, "checks_cents": 0, "card_cents": 0, "denominations": {},
                 "kind": "close"},
    )
    board = DayBoard(
        location={"id": 1, "name": "Central Station", "code": "CENTRAL"},
        business_date=date(2026, 3, 2), shifts=[line], receipts=[], deposits=[], lock=None,
        ledger={"drawer_cash": 16_500, "safe": -15_000}, adjustments=[], last_count_at=NOW,
        lead_limit_cents=500,
    )
    text = pdf_text(daily_report(board, NOW))
    for expected in ("Daily reconciliation report", "CENTRAL", "Not signed off", "Avery Clerk",
                     "$165.00", "$163.50", "-$1.50", "Drawer cash"):
        assert expected in text, expected
    assert "drawer_cash" not in text  # accounts by name, not code


LONG_NOTE = ("Two rolls of quarters were counted as one at close; the clerk recounted with the "
             "lead at 17:40 and the difference is the missing roll, found in the safe-drop bag.")


def _words(text: str) -> str:
    return " ".join(text.replace("\\(", "(").replace("\\)", ")").split())


def test_the_daily_report_shows_reviews_in_full_movements_returns_and_account_names() -> None:
    from app.reconciliation import rules
    from app.reports.day_activity import DayActivity

    review = {"step": rules.RECOMMENDATION, "outcome_label": "Accept", "reason_label": "Counting error",
              "actor_name": "Lee Lead", "note": LONG_NOTE, "created_at": NOW, "id": 1}
    decision = {**review, "step": rules.DECISION, "actor_name": "Sam Supervisor",
                "note": "Agreed with the lead.", "id": 2}
    line = ShiftLine(
        id=1, terminal_id=1, terminal_code="K1", clerk_id=5, clerk_name="Avery Clerk",
        status="approved", opened_at=NOW, closed_at=NOW, approved_by_name="Sam",
        approved_at=NOW, float_cents=15_000, expected_cash_cents=16_500,
        counted={"cash_cents": 16_350, "checks_cents": 0, "card_cents": 0, "denominations": {},
                 "kind": "close"}, reviews=[review, decision],
    )
    board = DayBoard(
        location={"id": 1, "name": "Central Station", "code": "CENTRAL"},
        business_date=date(2026, 3, 2), shifts=[line], receipts=[], deposits=[], lock=None,
        ledger={"drawer_cash": 16_500, "stored_value_liability": -2_000}, adjustments=[],
        last_count_at=NOW, lead_limit_cents=500,
    )
    activity = DayActivity(
        movements=[
            {"kind": "paid_out", "created_at": NOW, "terminal_code": "K1", "clerk_name": "Avery Clerk",
             "amount_cents": 350, "reason": "stamps for mailed passes", "witness_name": None,
             "approved_by_name": None},
            {"kind": "safe_drop", "created_at": NOW, "terminal_code": "K1", "clerk_name": "Avery Clerk",
             "amount_cents": 20_000, "reason": "over the limit", "witness_name": "Lee Lead",
             "approved_by_name": None},
        ],
        returns=[{"kind": "refund", "kind_label": "Refund", "created_at": NOW, "receipt": "CENTRAL-K1-000009",
                  "original": "CENTRAL-K1-000004", "clerk_name": "Avery Clerk", "total_cents": -500,
                  "reason_label": "Duplicate purchase", "approved_by_name": "Sam Supervisor"}],
        account_names={"drawer_cash": "Drawer cash", "stored_value_liability": "Stored value owed"},
    )
    text = _words(pdf_text(daily_report(board, NOW, activity)))
    assert _words(LONG_NOTE) in text  # the whole note, wrapped, nothing cut
    assert "Lead's recommendation" in text and "Supervisor's decision" in text
    assert "Accept (Counting error) by Lee Lead" in text and "Sam Supervisor" in text
    for expected in ("Paid-outs", "stamps for mailed passes", "$3.50", "Safe drops", "$200.00",
                     "Lee Lead", "Voids and refunds", "CENTRAL-K1-000009", "CENTRAL-K1-000004",
                     "Duplicate purchase", "Stored value owed"):
        assert expected in text, expected
