"""CSV cells that a spreadsheet would run as formulas are neutralised; charts carry no script."""

from __future__ import annotations

import csv
import io
import itertools
from decimal import Decimal

from app.reports.charts import bar_chart, over_short_chart
from app.web.exports import cents, safe_cell, to_csv


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


def _texts(svg: str) -> list[tuple[float, float, str, str]]:
    """(x, y, class, text) of every <text> pygal drew."""
    import re

    found = re.findall(r'<text[^>]*?x="([-0-9.]+)" y="([-0-9.]+)" class="([^"]*)"[^>]*>([^<]*)</text>', svg)
    return [(float(x), float(y), cls, text) for x, y, cls, text in found]


def _width(text: str, font: int) -> float:
    return len(text) * font * 0.62  # a generous average glyph width for a sans-serif face


def test_chart_labels_are_readable_and_never_overlap() -> None:
    from app.reports import charts

    names = [f"Casey Longname-Clerk number {i} of the evening shift" for i in range(14)]
    svgs = [
        charts.over_short_chart([{"name": n, "over_short_30": (-1) ** i * 175 * i}
                                 for i, n in enumerate(names)], 30),
        charts.bar_chart("Sales by product", [
            {"label": "Monthly pass – Reduced fare senior/disabled", "amount_cents": 1_234_567},
            {"label": "Day pass", "amount_cents": 500}, {"label": "Stored value", "amount_cents": 98_000}]),
    ]
    for svg in svgs:
        texts = [t for t in _texts(svg) if "title" not in t[2]]
        values = [t for t in texts if t[2] == "value"]
        axis = [t for t in texts if t[2] != "value"]
        ticks = sorted((t for t in axis if t[3].startswith(("$", "-$"))), key=lambda t: t[0])
        names_drawn = sorted((t for t in axis if not t[3].startswith(("$", "-$"))), key=lambda t: t[1])
        assert 2 <= len(ticks) <= charts.VALUE_TICKS
        for left, right in itertools.pairwise(ticks):  # money ticks side by side
            assert right[0] - left[0] >= (_width(left[3], charts.LABEL_FONT)
                                          + _width(right[3], charts.LABEL_FONT)) / 2 + 4
        for upper, lower in itertools.pairwise(names_drawn):  # names one per row
            assert lower[1] - upper[1] >= charts.LABEL_FONT + 6
        assert all(len(t[3]) <= 34 for t in names_drawn)  # long names cut at a word, with …
        assert all(t[0] - _width(t[3], charts.VALUE_FONT) / 2 >= 0 for t in values)  # right of the names


def test_csv_files_are_utf8_with_a_byte_order_mark_and_read_back_in_a_spreadsheet() -> None:
    from app.web.exports import BOM, csv_bytes, csv_download

    body = csv_bytes(to_csv(["clerk", "location"], [{"clerk": "Zoë Núñez", "location": "São Paulo – Sé"}]))
    assert body.startswith(b"\xef\xbb\xbf")  # what tells Excel the file is UTF-8
    assert body.decode("utf-8-sig").splitlines() == ["clerk,location", "Zoë Núñez,São Paulo – Sé"]
    response = csv_download(["a"], [["=1+1"]], "day-board-CENTRAL-2026-03-02.csv")
    assert response.media_type == "text/csv; charset=utf-8"
    assert response.content == (BOM + "a\r\n'=1+1\r\n").encode()
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="day-board-CENTRAL-2026-03-02.csv"')
    assert response.headers["Cache-Control"] == "no-store"
