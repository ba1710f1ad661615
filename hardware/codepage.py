"""Map Unicode text onto a receipt printer's single-byte code page.

The printer is told its code page once per job (``ESC t n``); every character is then encoded
in that page. A character the page lacks falls back, in order, to an explicit replacement
(``€`` → ``EUR``, typographic quotes and dashes → ASCII), to its letter without accents
(``ő`` → ``o``), and finally to ``?``. The result is deterministic, so receipts can be
asserted byte for byte.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class CodePage:
    name: str  # Python codec name
    escpos_table: int  # n in ESC t n (Epson numbering)


CODE_PAGES: Final = {
    "cp437": CodePage("cp437", 0),
    "cp850": CodePage("cp850", 2),
    "cp1252": CodePage("cp1252", 16),
    "cp858": CodePage("cp858", 19),
    # For receipts in Russian and Vietnamese (app.i18n.languages); Epson numbering, as in
    # python-escpos's default profile.
    "cp866": CodePage("cp866", 17),
    "cp1251": CodePage("cp1251", 46),
    "cp1258": CodePage("cp1258", 52),
}
DEFAULT_CODE_PAGE: Final = "cp858"  # cp850 plus the euro sign; common on Epson-style printers

_REPLACEMENTS: Final = {
    "€": "EUR",
    "£": "GBP",
    "“": '"',
    "”": '"',
    "„": '"',
    "‘": "'",
    "’": "'",
    "‚": "'",
    "–": "-",
    "—": "-",
    "−": "-",
    "…": "...",
    "•": "*",
    "·": ".",
    "×": "x",
    "\u00a0": " ",
    "ß": "ss",
    "Æ": "AE",
    "æ": "ae",
    "Œ": "OE",
    "œ": "oe",
    "Ø": "O",
    "ø": "o",
    "Ł": "L",
    "ł": "l",
    "\t": " ",
}


def code_page(name: str) -> CodePage:
    try:
        return CODE_PAGES[name.lower()]
    except KeyError:
        known = ", ".join(sorted(CODE_PAGES))
        raise ValueError(f"unsupported code page {name!r} (known: {known})") from None


def _encode_char(char: str, codec: str) -> bytes:
    try:
        return char.encode(codec)
    except UnicodeEncodeError:
        pass
    decomposed = unicodedata.normalize("NFD", char)
    if len(decomposed) > 1:
        # A page that writes a letter and its tone mark apart (cp1258 for Vietnamese):
        # "ế" is "ê" + combining acute there.
        base, marks = decomposed[0], decomposed[1:]
        candidates = [unicodedata.normalize("NFC", base + mark) + marks.replace(mark, "", 1)
                      for mark in marks]
        for candidate in (*candidates, decomposed):
            try:
                return candidate.encode(codec)
            except UnicodeEncodeError:
                pass
    replacement = _REPLACEMENTS.get(char)
    if replacement is not None:
        return b"".join(_encode_char(c, codec) for c in replacement)
    stripped = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    if stripped and stripped != char:
        try:
            return stripped.encode(codec)
        except UnicodeEncodeError:
            pass
    return b"?"


# Every control character that encode_text prints as ``?`` (everything below space except
# newline, and DEL); text without them can be encoded by the codec in one call.
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f]")


def encode_text(text: str, page: CodePage) -> bytes:
    """Encode printable text; control characters other than newline become ``?``."""
    if _CONTROL.search(text) is None:
        try:
            return text.encode(page.name)  # the common case: every character is in the page
        except UnicodeEncodeError:
            pass
    return _encode_per_char(text, page.name)


def _encode_per_char(text: str, codec: str) -> bytes:
    """The reference encoding, one character at a time (with the fallbacks)."""
    out = bytearray()
    for char in text:
        if char == "\n":
            out += b"\n"
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out += b"?"
        else:
            out += _encode_char(char, codec)
    return bytes(out)


def printable(text: str, page: CodePage) -> str:
    """What the printer will show for ``text`` (used for the plain-text rendering)."""
    return encode_text(text, page).decode(page.name)
