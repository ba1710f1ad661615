"""CSV cells that a spreadsheet would run as formulas are neutralised; charts carry no script."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from app.reports.charts import bar_chart, over_short_chart
from app.reports.csv_export import cents, safe_cell, to_csv


def test_formula_like_text_is_prefixed_and_numbers_are_left_alone() -> None:
    assert safe_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert safe_cell("+1") == "'+1" and safe_cell("-2") == "'-2" and safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("\tx") == "'\tx"
    assert safe_cell("Casey Clerk") == "Casey Clerk"
    assert safe_cell(-150) == -150 and safe_cell(cents(-150)) == Decimal("-1.50")
    assert safe_cell(None) == ""


def test_csv_rows_read_back_with_money_as_plain_decimals() -> None:
    body = to_csv(["clerk", "over_short"], [["=cmd|' /C calc'!A0", cents(-150)], ["Ann", cents(200)]])
    rows = list(csv.reader(io.StringIO(body)))
    assert rows == [["clerk", "over_short"], ["'=cmd|' /C calc'!A0", "-1.50"], ["Ann", "2.00"]]


def test_charts_are_plain_svg_without_script_or_xml_declaration() -> None:
    svg = bar_chart("Sales by product", [{"label": "Adult day pass", "amount_cents": 12_345},
                                         {"label": "Youth <monthly>", "amount_cents": 500}])
    assert svg.startswith("<svg") and "<script" not in svg and "<?xml" not in svg
    assert "$123.45" in svg and "Youth &lt;monthly&gt;" in svg
    os_svg = over_short_chart([{"name": "Ann", "over_short_30": -150}], 30)
    assert "<script" not in os_svg and "-$1.50" in os_svg
