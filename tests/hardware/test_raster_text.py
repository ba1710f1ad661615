"""Raster text for receipts in scripts no code page holds: real GS v 0 bytes, read back."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hardware import raster_text
from hardware.errors import HardwareError
from hardware.receipt import Line, Receipt, ReceiptLine, ReceiptTender, render_escpos
from tests.cjk import need_cjk_font


def korean_receipt() -> Receipt:
    return Receipt(
        agency_name="Metro Transit", agency_lines=[], location_name="Central",
        terminal_name="K1", clerk_name="Ann", receipt_number="C-K1-000007",
        issued_at=datetime(2026, 12, 1, 18, 5, tzinfo=UTC),
        lines=[ReceiptLine("회수권", 1, 2_500, 2_500)], subtotal_cents=2_500,
        total_cents=2_500, tenders=[ReceiptTender("cash", 2_500)], change_cents=0,
        footer_lines=["이용해 주셔서 감사합니다."], title="판매",
        labels={"TOTAL": "합계", "Cash": "현금"}, money=lambda cents: f"US${cents // 100}.{cents % 100:02d}",
        script="raster")


@pytest.mark.parametrize(("width_mm", "dots"), [(58, 384), (80, 576)])
def test_a_korean_receipt_is_raster_images_and_a_native_barcode(width_mm: int, dots: int) -> None:
    need_cjk_font()
    data = render_escpos(korean_receipt(), width_mm)
    assert data.startswith(b"\x1b@")
    assert b"\x1bt" not in data  # no code page: the text is pictures
    first = data.index(raster_text.GS_V0)
    header = data[first: first + 8]
    assert header[3] == 0 and header[4] + header[5] * 256 == dots // 8  # GS v 0, normal mode
    assert b"\x1dk" in data and b"C-K1-000007" in data  # CODE128 barcode, scannable
    assert data.endswith(b"\x1dV\x00")  # cut
    image = raster_text.decode_raster(data)
    assert image is not None and image.width == dots
    assert image.histogram()[0] > 2_000  # black dots: the text was drawn


def test_the_raster_reads_back_as_drawn() -> None:
    need_cjk_font()
    lines = [Line("합계  US$25.00", bold=True), Line("감사합니다", align="center")]
    drawn = raster_text.render_lines(lines, 80)
    printer = raster_text._RasterCapture(576)
    printer.image(drawn, impl="bitImageRaster")
    back = raster_text.decode_raster(printer.output)
    assert back is not None and back.tobytes() == drawn.convert("1").tobytes()


def test_without_a_cjk_font_the_job_fails_plainly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAREDESK_RECEIPT_FONT", "/nonexistent.ttf")
    monkeypatch.setattr(raster_text, "FONT_CANDIDATES", ())
    with pytest.raises(HardwareError) as caught:
        render_escpos(korean_receipt(), 80)
    assert caught.value.code == "unsupported" and "fonts-wqy-microhei" in caught.value.message
