"""Parse an ESC/POS byte stream back into the text a printer would put on paper.

Covers the commands a receipt uses (and skips the parameters of the others it knows), so a
simulated printer can keep every job as readable text and answer real-time status queries
(``DLE EOT n``, ``GS r n``) the moment they arrive, like a real printer does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from hardware.codepage import CODE_PAGES

ESC, GS, DLE, LF = 0x1B, 0x1D, 0x10, 0x0A
TABLE_TO_CODEC = {page.escpos_table: page.name for page in CODE_PAGES.values()}

# ESC commands with a fixed number of parameter bytes (after the command letter)
ESC_PARAMS = {
    "@": 0,
    "!": 1,
    "E": 1,
    "-": 1,
    "a": 1,
    "t": 1,
    "d": 1,
    "J": 1,
    "M": 1,
    "2": 0,
    "3": 1,
    "G": 1,
    "{": 1,
    "V": 1,
    "R": 1,
    "p": 3,
    "=": 1,
    "e": 1,
    "U": 1,
    " ": 1,
    "c": 2,
    "B": 2,
    "i": 0,
    "m": 0,
    "$": 2,
    "\\": 2,
    "D": 0,
}
GS_PARAMS = {"!": 1, "B": 1, "h": 1, "w": 1, "f": 1, "H": 1, "L": 2, "W": 2, "a": 1, "P": 2, "b": 1, "I": 1}
# Bytes that print as characters: every command and control byte is below 0x20. The code pages
# are single-byte, so a run decodes in one call to exactly what byte-by-byte decoding gives.
PRINTABLE_RUN = re.compile(rb"[\x20-\xff]+")


class Incomplete(Exception):
    """The rest of a command has not arrived yet."""


@dataclass
class ParseState:
    align: str = "left"
    width: int = 1
    height: int = 1
    bold: bool = False
    codec: str = "cp437"
    qr_data: bytes = b""


@dataclass
class ParsedOutput:
    lines: list[str] = field(default_factory=list)
    cuts: int = 0
    kicks: list[int] = field(default_factory=list)  # drawer pin per kick
    codes: list[str] = field(default_factory=list)
    printed_anything: bool = False

    def text(self) -> str:
        lines = list(self.lines)
        while lines and not lines[-1].strip():
            lines.pop()
        return "\n".join(lines) + "\n" if lines else ""


class EscposParser:
    """Feed bytes as they arrive; status queries are answered through ``on_query``."""

    def __init__(self, columns: int, on_query: Callable[[str, int], bytes] | None = None) -> None:
        self.columns = columns
        self.on_query = on_query or (lambda kind, n: b"")
        self.state = ParseState()
        self.out = ParsedOutput()
        self._buffer = bytearray()
        self._line = ""

    def feed(self, data: bytes) -> bytes:
        """Consume bytes; return the replies a printer would send back (status bytes)."""
        self._buffer += data
        replies = bytearray()
        pos = 0
        while pos < len(self._buffer):
            try:
                pos, reply = self._step(pos)
            except Incomplete:
                break
            replies += reply
        del self._buffer[:pos]
        return bytes(replies)

    def finish(self) -> ParsedOutput:
        if self._line:
            self._emit_line()
        return self.out

    # -- one command --------------------------------------------------------------------------

    def _need(self, pos: int, count: int) -> bytes:
        if pos + count > len(self._buffer):
            raise Incomplete
        return bytes(self._buffer[pos : pos + count])

    def _step(self, pos: int) -> tuple[int, bytes]:
        byte = self._buffer[pos]
        if byte >= 0x20:  # text: take the whole run of printable bytes at once
            run = PRINTABLE_RUN.match(self._buffer, pos)
            end = run.end() if run is not None else pos + 1  # it always matches at a byte >= 0x20
            self._line += self._buffer[pos:end].decode(self.state.codec, errors="replace")
            return end, b""
        if byte == LF:
            self._emit_line()
            return pos + 1, b""
        if byte == DLE:
            return self._dle(pos)
        if byte == ESC:
            return self._esc(pos), b""
        if byte == GS:
            return self._gs(pos)
        if byte == 0x09:
            self._line += " "
        return pos + 1, b""  # CR and other control bytes print nothing

    def _dle(self, pos: int) -> tuple[int, bytes]:
        cmd = self._need(pos + 1, 1)[0]
        if cmd == 0x04:  # DLE EOT n: real-time status
            n = self._need(pos + 2, 1)[0]
            return pos + 3, self.on_query("DLE EOT", n)
        if cmd == 0x14:  # DLE DC4 fn m t: real-time pulse
            params = self._need(pos + 2, 3)
            if params[0] == 1:
                self.out.kicks.append(2 if params[1] == 0 else 5)
            return pos + 5, b""
        return pos + 2, b""

    def _esc(self, pos: int) -> int:
        letter = chr(self._need(pos + 1, 1)[0])
        count = ESC_PARAMS.get(letter, 0)
        params = self._need(pos + 2, count)
        state = self.state
        if letter == "@":
            self.state = ParseState()
        elif letter == "!":
            state.bold = bool(params[0] & 0x08)
            state.height = 2 if params[0] & 0x10 else 1
            state.width = 2 if params[0] & 0x20 else 1
        elif letter == "E":
            state.bold = bool(params[0] & 1)
        elif letter == "a":
            state.align = {0: "left", 1: "center", 2: "right"}.get(params[0] % 48, "left")
        elif letter == "t":
            state.codec = TABLE_TO_CODEC.get(params[0], "cp437")
        elif letter == "d":
            for _ in range(params[0]):
                self._emit_line()
        elif letter == "p":
            self.out.kicks.append(2 if params[0] in (0, 48) else 5)
        return pos + 2 + count

    def _gs(self, pos: int) -> tuple[int, bytes]:
        letter = chr(self._need(pos + 1, 1)[0])
        if letter == "V":
            mode = self._need(pos + 2, 1)[0]
            self._flush_partial_line()
            self.out.cuts += 1
            return pos + (4 if mode in (65, 66, 97, 98, 103, 104) else 3), b""
        if letter == "k":
            return self._barcode(pos), b""
        if letter == "(":
            return self._gs_paren(pos), b""
        if letter == "v":  # GS v 0 m xL xH yL yH d...: raster image
            header = self._need(pos + 2, 6)
            size = (header[2] + header[3] * 256) * (header[4] + header[5] * 256)
            self._need(pos + 8, size)
            self._emit_code("[IMAGE]")
            return pos + 8 + size, b""
        if letter == "r":
            n = self._need(pos + 2, 1)[0]
            return pos + 3, self.on_query("GS r", n)
        count = GS_PARAMS.get(letter, 0)
        params = self._need(pos + 2, count)
        if letter == "!":
            self.state.width = (params[0] >> 4) + 1
            self.state.height = (params[0] & 0x0F) + 1
        elif letter == "I":
            return pos + 3, self.on_query("GS I", params[0])
        return pos + 2 + count, b""

    def _barcode(self, pos: int) -> int:
        kind = self._need(pos + 2, 1)[0]
        if kind <= 6:  # function A: data ends with NUL
            end = self._buffer.find(b"\x00", pos + 3)
            if end < 0:
                raise Incomplete
            data, after = bytes(self._buffer[pos + 3 : end]), end + 1
        else:  # function B: length byte, then data
            length = self._need(pos + 3, 1)[0]
            data, after = self._need(pos + 4, length), pos + 4 + length
        text = data.decode("ascii", errors="replace")
        if text[:2] in ("{A", "{B", "{C"):
            text = text[2:]
        self._emit_code(f"[BARCODE {text}]")
        return after

    def _gs_paren(self, pos: int) -> int:
        sub = chr(self._need(pos + 2, 1)[0])
        size_bytes = self._need(pos + 3, 2)
        size = size_bytes[0] + size_bytes[1] * 256
        body = self._need(pos + 5, size)
        if sub == "k" and len(body) >= 2 and body[0] == ord("1"):  # QR code, cn = '1'
            fn = body[1]
            if fn == 80:  # store data: cn fn m d...
                self.state.qr_data = body[3:]
            elif fn == 81:  # print stored data
                self._emit_code(f"[QR {self.state.qr_data.decode('utf-8', errors='replace')}]")
        elif sub == "L" and len(body) >= 2 and body[1] in (2, 50):
            self._emit_code("[IMAGE]")
        return pos + 5 + size

    # -- output -------------------------------------------------------------------------------

    def _flush_partial_line(self) -> None:
        if self._line:
            self._emit_line()

    def _emit_code(self, label: str) -> None:
        self._flush_partial_line()
        self.out.codes.append(label)
        self.out.lines.append(label.center(self.columns).rstrip())
        self.out.printed_anything = True

    def _emit_line(self) -> None:
        text = self._line
        self._line = ""
        if text:
            self.out.printed_anything = True
        if self.state.width > 1:
            text = " ".join(text)
        if self.state.align == "center":
            text = text.center(self.columns)
        elif self.state.align == "right":
            text = text.rjust(self.columns)
        self.out.lines.append(text.rstrip())
