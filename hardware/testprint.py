"""A fixed sample receipt: the test print, and the reference receipt of the byte-exact tests."""

from __future__ import annotations

from datetime import datetime

from hardware.receipt import Receipt, ReceiptLine, ReceiptTender


def sample_receipt(
    issued_at: datetime | None = None, *, duplicate: bool = False, title: str = "TEST PRINT"
) -> Receipt:
    return Receipt(
        agency_name="Metro Transit",
        agency_lines=["Customer Service Center", "100 Main St · (555) 010-0199"],
        location_name="Downtown Transit Center",
        terminal_name="Counter 3",
        clerk_name="Zoë Núñez",
        receipt_number="R-0003-000042",
        issued_at=issued_at or datetime(2026, 11, 23, 9, 5),
        lines=[
            ReceiptLine("Adult Monthly Pass – December 2026", 1, 9800, 9800, detail="Card 04A1B2C3D4E5F6"),
            ReceiptLine("Day Pass", 2, 500, 1000),
            ReceiptLine("Stored value load", 1, 2000, 2000),
        ],
        subtotal_cents=12800,
        total_cents=12800,
        tenders=[
            ReceiptTender("cash", 5000),
            ReceiptTender("card", 7800, brand="VISA", last4="4242", auth_code="A1B2C3", reference="T100001"),
        ],
        change_cents=0,
        footer_lines=["Thank you for riding Metro!", "Passes are not refundable after first use."],
        duplicate=duplicate,
        title=title,
    )
