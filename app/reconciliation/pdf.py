"""Printable PDFs (fpdf2): the deposit slip and the daily reconciliation report.

Core PDF fonts cover Latin-1 only, so text is folded to it (a dash for an en dash ...).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from fpdf import FPDF

from app.formatting import local_time, money
from app.reconciliation import rules
from app.reconciliation.board import DayBoard, ShiftLine
from app.reports.day_activity import DayActivity

_FOLD = str.maketrans({"–": "-", "—": "-", "→": "->", "…": "...", "’": "'", "“": '"', "”": '"'})


def _t(value: object) -> str:
    return str(value).translate(_FOLD).encode("latin-1", "replace").decode("latin-1")


class _Doc(FPDF):
    def __init__(self, title: str, subtitle: str) -> None:
        super().__init__(orientation="P", unit="mm", format="Letter")
        self.doc_title, self.subtitle = title, subtitle
        self.set_auto_page_break(auto=True, margin=15)
        self.set_title(_t(title))
        self.add_page()

    def header(self) -> None:
        self.set_font("Helvetica", "B", 14)
        self.cell(0, 8, _t(self.doc_title), new_x="LMARGIN", new_y="NEXT")
        self.set_font("Helvetica", "", 10)
        self.cell(0, 6, _t(self.subtitle), new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", "I", 8)
        self.cell(0, 6, _t(f"faredesk - page {self.page_no()}"), align="C")

    def heading(self, text: str) -> None:
        self.ln(2)
        self.set_font("Helvetica", "B", 11)
        self.cell(0, 7, _t(text), new_x="LMARGIN", new_y="NEXT")
        self.set_font("Helvetica", "", 9)

    def pairs(self, rows: Sequence[tuple[str, str]]) -> None:
        self.set_font("Helvetica", "", 10)
        for label, value in rows:
            self.cell(55, 6, _t(label))
            self.cell(0, 6, _t(value), new_x="LMARGIN", new_y="NEXT")

    def grid(self, headings: Sequence[str], rows: Sequence[Sequence[object]],
              widths: Sequence[int], right: Sequence[int] = ()) -> None:
        self.set_font("Helvetica", "B", 8)
        for i, head in enumerate(headings):
            self.cell(widths[i], 6, _t(head), border="B", align="R" if i in right else "L")
        self.ln()
        self.set_font("Helvetica", "", 8)
        for row in rows:
            for i, value in enumerate(row):
                self.cell(widths[i], 5.5, _t(value), align="R" if i in right else "L")
            self.ln()

    def wrapped(self, headings: Sequence[str], rows: Sequence[Sequence[object]],
                widths: Sequence[int], right: Sequence[int] = ()) -> None:
        """A table whose cells wrap: long notes and reasons are printed whole."""
        self.set_font("Helvetica", "", 8)
        align = tuple("RIGHT" if i in right else "LEFT" for i in range(len(widths)))
        with self.table(col_widths=tuple(widths), text_align=align, line_height=4.2,
                        borders_layout="HORIZONTAL_LINES", first_row_as_headings=True,
                        width=sum(widths), align="LEFT") as table:
            for row in [headings, *rows]:
                cells = table.row()
                for value in row:
                    cells.cell(_t(value))
        self.ln(1)

    def signature(self, *labels: str) -> None:
        self.ln(10)
        for _ in labels:
            self.cell(90, 6, "_" * 40)
        self.ln()
        for label in labels:
            self.cell(90, 5, _t(label))
        self.ln()

    def bytes(self) -> bytes:
        return bytes(self.output())


def deposit_slip(deposit: dict[str, Any]) -> bytes:
    doc = _Doc(f"Deposit slip - bag {deposit['bag_number']}",
               f"{deposit['location_name']} ({deposit['location_code']}) - business day "
               f"{deposit['business_date']}")
    doc.pairs([
        ("Status", deposit["status_label"]),
        ("Prepared by", f"{deposit['prepared_by_name']} at {local_time(deposit['prepared_at'])}"),
        ("Verified by", f"{deposit['verified_by_name']} at {local_time(deposit['verified_at'])}"
         if deposit["verified_by"] else "NOT YET VERIFIED"),
        ("Cash", money(deposit["cash_cents"])),
        ("Checks", f"{money(deposit['checks_cents'])} ({deposit['checks_count']})"),
        ("Deposit total", money(deposit["total_cents"])),
    ])
    if deposit["bank_amount_cents"] is not None:
        doc.pairs([("Bank credited", money(deposit["bank_amount_cents"]))])
    doc.heading("Cash by denomination")
    denoms = sorted(deposit["denominations"].items(), reverse=True)
    doc.grid(["Denomination", "Pieces", "Amount"],
              [(rules.denomination_label(c), n, money(c * n)) for c, n in denoms]
              + [("Total cash", "", money(deposit["cash_cents"]))], [50, 30, 40], right=(1, 2))
    doc.heading("Checks")
    doc.grid(["Check number", "Receipt", "Amount"],
              [(c["check_number"] or "-", c["receipt"], money(c["amount_cents"]))
               for c in deposit["checks"]] or [("(none)", "", "")], [50, 30, 40], right=(2,))
    doc.heading("Drawers in this bag")
    doc.grid(["Shift", "Terminal", "Clerk", "Cash", "Checks"],
              [(s["shift"], s["terminal_code"], s["clerk_name"], money(s["cash_cents"]),
                money(s["checks_cents"])) for s in deposit["shifts"]],
              [20, 30, 70, 30, 30], right=(3, 4))
    doc.signature("Prepared by", "Verified by")
    return doc.bytes()


def _review_text(review: dict[str, Any] | None) -> str:
    """One recommendation or decision in full: outcome, reason, who, and the whole note."""
    if review is None:
        return "-"
    parts = [f"{review['outcome_label']} ({review['reason_label']})", f"by {review['actor_name']}"]
    if review.get("created_at"):
        parts[-1] += f" at {local_time(review['created_at'])}"
    text = " ".join(parts)
    return f"{text}: {review['note']}" if review.get("note") else text


def _latest(shift: ShiftLine, step: str) -> dict[str, Any] | None:
    found = [r for r in shift.reviews if r["step"] == step]
    return found[-1] if found else None


def daily_report(board: DayBoard, printed_at: datetime, activity: DayActivity | None = None) -> bytes:
    """The manager's daily paper: shifts, variance reviews (the lead's recommendation beside
    the supervisor's decision, notes in full), the day's paid-outs, safe drops (with their
    witnesses), voids and refunds, deposits, problems and the ledger by account name."""
    activity = activity or DayActivity()
    loc = board.location
    doc = _Doc("Daily reconciliation report",
               f"{loc['name']} ({loc['code']}) - business day {board.business_date} - printed "
               f"{local_time(printed_at)}")
    totals = board.totals
    status = (f"Signed off by {board.lock['locked_by_name']} at {local_time(board.lock['locked_at'])}"
              if board.lock else "Not signed off")
    doc.pairs([
        ("Day", status),
        ("Shifts", str(len(board.shifts))),
        ("Expected cash / counted", f"{money(totals['expected_cash_cents'])} / "
                                    f"{money(totals['counted_cash_cents'])}"),
        ("Expected checks / counted", f"{money(totals['expected_checks_cents'])} / "
                                      f"{money(totals['counted_checks_cents'])}"),
        ("Card sales / batch", f"{money(totals['expected_card_cents'])} / "
                               f"{money(totals['counted_card_cents'])}"),
        ("Over/short", money(totals["over_short_cents"], sign=True)),
    ])
    doc.heading("Shifts")
    doc.wrapped(
        ["Terminal", "Clerk", "State", "Exp. cash", "Counted", "Checks", "Card", "Over/short"],
        [(s.terminal_code, s.clerk_name, s.state_label, money(s.expected_cash_cents),
          money(int(s.counted["cash_cents"])) if s.counted else "-",
          money(s.expected_checks_cents), money(s.expected_card_cents),
          money(s.over_short_cents, sign=True) if s.over_short_cents is not None else "-")
         for s in board.shifts] or [("(none)", "", "", "", "", "", "", "")],
        [18, 44, 24, 22, 22, 20, 18, 22], right=(3, 4, 5, 6, 7))
    reviewed = [s for s in board.shifts if s.reviews]
    if reviewed:
        doc.heading("Variance reviews: the lead recommends, the supervisor decides")
        doc.wrapped(["Terminal / clerk", "Over/short", "Lead's recommendation", "Supervisor's decision"],
                    [(f"{s.terminal_code} {s.clerk_name}",
                      money(s.over_short_cents, sign=True) if s.over_short_cents is not None else "-",
                      _review_text(_latest(s, rules.RECOMMENDATION)),
                      _review_text(s.latest_decision)) for s in reviewed],
                    [36, 20, 67, 67], right=(1,))
    _movement_sections(doc, activity)
    doc.heading("Deposits")
    doc.wrapped(["Bag", "Status", "Cash", "Checks", "Prepared by", "Verified by", "Bank"],
                [(d["bag_number"], d["status_label"], money(d["cash_cents"]),
                  money(d["checks_cents"]), d["prepared_by_name"], d["verified_by_name"] or "-",
                  money(d["bank_amount_cents"]) if d["bank_amount_cents"] is not None else "-")
                 for d in board.deposits] or [("(none)", "", "", "", "", "", "")],
                [25, 30, 22, 22, 35, 35, 21], right=(2, 3, 6))
    problems = [(s.terminal_code, p) for s in board.shifts for p in s.problems]
    problems += [(r.terminal_code, f"receipt numbers missing: {r.missing}") for r in board.receipts
                 if r.gap]
    if problems:
        doc.heading("Problems flagged")
        doc.wrapped(["Terminal", "Problem"], problems, [25, 165])
    doc.heading("Ledger for the day (postings dated this day at this location)")
    doc.wrapped(["Account", "Balance (debit +)"],
                [(activity.account(code), money(total)) for code, total in sorted(board.ledger.items())],
                [100, 40], right=(1,))
    if board.adjustments:
        doc.heading("Adjusting entries posted later for this day")
        doc.wrapped(["Entry", "Dated", "By", "Memo"],
                    [(a["id"], a["business_date"], a["created_by_name"], a["memo"])
                     for a in board.adjustments], [20, 25, 45, 100])
    doc.signature("Supervisor", "Revenue processing")
    return doc.bytes()


def _movement_sections(doc: _Doc, activity: DayActivity) -> None:
    """Paid-outs and safe drops (with witness and approver), paid-ins, voids and refunds."""
    for kind, title in (("paid_out", "Paid-outs"), ("safe_drop", "Safe drops"), ("paid_in", "Paid-ins")):
        rows = activity.of_kind(kind)
        doc.heading(title)
        doc.wrapped(["Time", "Terminal", "Clerk", "Amount", "Reason", "Witness", "Approved by"],
                    [(local_time(m["created_at"], "%H:%M"), m["terminal_code"], m["clerk_name"],
                      money(m["amount_cents"]), m["reason"] or "-", m["witness_name"] or "-",
                      m["approved_by_name"] or "-") for m in rows]
                    or [("(none)", "", "", "", "", "", "")],
                    [14, 20, 34, 20, 46, 28, 28], right=(3,))
    doc.heading("Voids and refunds")
    doc.wrapped(["Time", "Kind", "Receipt", "Of receipt", "Clerk", "Amount", "Reason", "Approved by"],
                [(local_time(r["created_at"], "%H:%M"), r["kind_label"], r["receipt"], r["original"],
                  r["clerk_name"], money(r["total_cents"]), r["reason_label"],
                  r["approved_by_name"] or "-") for r in activity.returns]
                or [("(none)", "", "", "", "", "", "", "")],
                [13, 14, 30, 30, 28, 19, 30, 26], right=(5,))
