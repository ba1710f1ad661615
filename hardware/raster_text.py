"""Receipts in scripts no printer code page holds (Chinese, Korean): text as a raster image.

A receipt printer's single-byte code pages have no Han or Hangul characters, so a receipt in
such a language is laid out as usual (hardware.receipt.layout, with a Unicode "code page" that
changes nothing) and each run of text lines is drawn with a CJK font into a 1-bit image as wide
as the paper's printable dots (384 or 576), sent with ``GS v 0`` (python-escpos ``image()``).
Barcodes and QR codes stay native commands, so scanners read them as before.

The font is the first found of FAREDESK_RECEIPT_FONT and the Debian packages the project's
setup installs (fonts-wqy-microhei; fonts-noto-cjk also works). Without one the job fails with
a clear HardwareError instead of printing empty boxes.

``decode_raster`` turns the ``GS v 0`` commands of a job back into an image: the simulator
saves it beside the job's text so a person can look at what the printer would print.
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from escpos.printer import Dummy
from PIL import Image, ImageDraw, ImageFont

from hardware.codepage import CodePage
from hardware.errors import HardwareError

UNSUPPORTED = "unsupported"
#: A "code page" that keeps every character: layout() then leaves the text as it is.
UNICODE = CodePage("utf-8", -1)
DOTS = {58: 384, 80: 576}
CELL = 12  # font A: 12 dots per column
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
GS_V0 = b"\x1dv0"
_PAIR = re.compile(r"^(\S.*?\S|\S)\s{2,}(\S.*)$")


def font_path() -> Path:
    configured = os.environ.get("FAREDESK_RECEIPT_FONT", "").strip()
    for candidate in ((configured,) if configured else ()) + FONT_CANDIDATES:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise HardwareError(UNSUPPORTED, "No font for Chinese or Korean receipts is installed "
                        "(install fonts-wqy-microhei, or set FAREDESK_RECEIPT_FONT).")


@lru_cache(maxsize=8)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def render_lines(lines: Iterable[object], width_mm: int) -> Image.Image:
    """Lines (hardware.receipt.Line) drawn as the printer would print them, 1 bit per dot."""
    from hardware.receipt import Line

    width = DOTS[width_mm]
    path = str(font_path())
    rows: list[tuple[Line, int]] = []
    for line in lines:
        assert isinstance(line, Line)
        rows.append((line, 52 if line.double else 40 if line.tall else 30))
    image = Image.new("1", (width, sum(height for _, height in rows) or 1), 1)
    draw = ImageDraw.Draw(image)
    top = 0
    for line, height in rows:
        size = 44 if line.double else 32 if line.tall else 24
        font = _font(path, size)
        ink = 0
        if line.invert:
            draw.rectangle((0, top, width - 1, top + height - 1), fill=0)
            ink = 1
        stroke = 1 if line.bold else 0
        y = top + (height - size) // 2
        text = line.text
        if text and set(text) == {"-"}:  # a rule
            draw.line((0, top + height // 2, width, top + height // 2), fill=ink, width=2)
        elif line.align == "left" and (pair := _PAIR.match(text.strip())) and not text.startswith("  "):
            left, right = pair.groups()
            draw.text((0, y), left, font=font, fill=ink, stroke_width=stroke, stroke_fill=ink)
            draw.text((width - font.getlength(right), y), right, font=font, fill=ink,
                      stroke_width=stroke, stroke_fill=ink)
        else:
            indent = (len(text) - len(text.lstrip(" "))) * CELL
            body = text.strip()
            length = font.getlength(body)
            x = {"left": indent, "center": (width - length) / 2, "right": width - length}[line.align]
            draw.text((max(0, x), y), body, font=font, fill=ink, stroke_width=stroke, stroke_fill=ink)
        top += height
    return image


class _RasterCapture(Dummy):
    """Collects bytes; its own copy of the profile knows the paper's width in dots."""

    def __init__(self, width_dots: int) -> None:
        super().__init__()
        shared: Any = getattr(self, "profile")  # noqa: B009 - typed Any on purpose
        profile = copy.copy(shared)
        profile.profile_data = copy.deepcopy(shared.profile_data)
        profile.profile_data["media"]["width"]["pixels"] = width_dots
        self.profile = profile


def render_escpos(receipt: object, width_mm: int = 80, *, cut: bool = True) -> bytes:
    """ESC/POS for a receipt whose text prints as raster images (codes stay native)."""
    from hardware.receipt import Code, _print_code, layout

    blocks = layout(receipt, width_mm, UNICODE)  # type: ignore[arg-type]
    printer = _RasterCapture(DOTS[width_mm])
    printer.hw("INIT")
    for run in _runs(blocks):
        if isinstance(run, Code):
            printer.set(align="center")
            _print_code(printer, run, width_mm)
            printer.set(align="left")
            continue
        assert isinstance(run, list)
        printer.image(render_lines(run, width_mm), impl="bitImageRaster", fragment_height=960)
    if cut:
        printer.cut()
    return bytes(printer.output)


def _runs(blocks: Iterable[object]) -> Iterator[object]:
    """Consecutive text lines as one list (one image), each code on its own."""
    from hardware.receipt import Code

    pending: list[object] = []
    for block in blocks:
        if isinstance(block, Code):
            if pending:
                yield pending
                pending = []
            yield block
        else:
            pending.append(block)
    if pending:
        yield pending


def decode_raster(data: bytes) -> Image.Image | None:
    """Every ``GS v 0`` image in an ESC/POS job, stacked top to bottom (None: no image)."""
    images: list[Image.Image] = []
    pos = data.find(GS_V0)
    while pos >= 0 and pos + 8 <= len(data):
        width_bytes = data[pos + 4] + data[pos + 5] * 256
        height = data[pos + 6] + data[pos + 7] * 256
        body = data[pos + 8: pos + 8 + width_bytes * height]
        if len(body) < width_bytes * height:
            break
        # ESC/POS: bit 1 is a black dot; PIL mode "1": bit 1 is white
        inverted = bytes(b ^ 0xFF for b in body)
        images.append(Image.frombytes("1", (width_bytes * 8, height), inverted))
        pos = data.find(GS_V0, pos + 8 + len(body))
    if not images:
        return None
    out = Image.new("1", (max(i.width for i in images), sum(i.height for i in images)), 1)
    top = 0
    for image in images:
        out.paste(image, (0, top))
        top += image.height
    return out
