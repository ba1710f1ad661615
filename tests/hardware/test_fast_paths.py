"""The receipt fast paths give exactly what the slow, obviously-right paths give.

``encode_text`` encodes a whole string in one codec call when it can, the simulator's parser
decodes a run of printable bytes in one call, and the layout skips textwrap for a line that
already fits. Each is checked here against the path it short-cuts.
"""

from __future__ import annotations

import itertools
import textwrap

from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.codepage import _REPLACEMENTS, CODE_PAGES, _encode_per_char, code_page, encode_text, printable
from hardware.receipt import _wrap
from hardware.sim.escpos_parser import EscposParser

PAGES = sorted(CODE_PAGES)

# Characters where the paths could part: controls (C0, DEL, C1), tab and newline, the explicit
# replacements, accented letters, letters no page has, Unicode spaces, combining marks.
TRICKY = "\t\n\r\x00\x07\x1b\x1f\x7f\x80\x85\x9f\xa0\u2003\u0301€£ßæŒøŁ–—…•·×ëéñÑőŐ漢😀ﬁ½" + "".join(
    _REPLACEMENTS
)
texts = st.one_of(
    st.text(alphabet=st.characters(max_codepoint=0xFF), max_size=60),  # mostly in the page
    st.text(alphabet=st.sampled_from(TRICKY), max_size=20),
    st.text(
        alphabet=st.one_of(st.sampled_from(TRICKY), st.characters(max_codepoint=0x2FF), st.characters()),
        max_size=60,
    ),
)


@settings(max_examples=400, deadline=None)
@given(texts, st.sampled_from(PAGES))
def test_encode_text_equals_the_per_character_encoding(text: str, page_name: str) -> None:
    page = code_page(page_name)
    assert encode_text(text, page) == _encode_per_char(text, page.name)
    assert printable(text, page) == _encode_per_char(text, page.name).decode(page.name)


def test_encode_text_fast_path_examples() -> None:
    cp858, cp437, cp1252 = code_page("cp858"), code_page("cp437"), code_page("cp1252")
    assert encode_text("", cp858) == b""
    assert encode_text("Zoë Núñez\n", cp858) == b"Zo\x89 N\xa3\xa4ez\n"  # one codec call
    assert encode_text("Zoë\tNúñez", cp858) == b"Zo\x89?N\xa3\xa4ez"  # a tab is a control: ?
    assert encode_text("a\x7fb\x1bc", cp437) == b"a?b?c"  # DEL and ESC never reach the printer
    assert encode_text("\x85", cp1252) == b"?"  # a C1 control is not in the page either
    assert encode_text("€ – Œ", cp437) == b"EUR - OE"
    assert encode_text("€ – Œ", cp1252) == b"\x80 \x96 \x8c"  # cp1252 has all three


def test_every_encodable_character_decodes_back_to_itself() -> None:
    """So ``printable`` of text the page holds is the text itself (what the layout relies on)."""
    for page in CODE_PAGES.values():
        for point in range(0x20, 0x3000):
            char = chr(point)
            if point == 0x7F:
                continue
            try:
                encoded = char.encode(page.name)
            except UnicodeEncodeError:
                continue
            assert len(encoded) == 1 and encoded.decode(page.name) == char


# --- the simulator's parser --------------------------------------------------------------


class BytewiseParser(EscposParser):
    """The parser as it was: every printable byte decoded on its own."""

    def _step(self, pos: int) -> tuple[int, bytes]:
        byte = self._buffer[pos]
        if byte >= 0x20:
            self._line += bytes([byte]).decode(self.state.codec, errors="replace")
            return pos + 1, b""
        return super()._step(pos)


def _answer(kind: str, n: int) -> bytes:
    return bytes([len(kind), n])


fragments = st.one_of(
    st.binary(min_size=1, max_size=12).filter(lambda b: min(b) >= 0x20),  # text, high bytes too
    st.sampled_from(
        [
            b"\n",
            b"\t",
            b"\r",
            b"\x00",
            b"\x81\x8d\x8f\x90\x9d",  # undefined in cp1252: one replacement character each
            b"\x1bt\x00",
            b"\x1bt\x02",
            b"\x1bt\x10",
            b"\x1bt\x13",
            b"\x1bt\x63",  # unknown table: cp437
            b"\x1ba\x01",
            b"\x1ba\x02",
            b"\x1b!\x30",
            b"\x1d!\x11",
            b"\x1d!\x00",
            b"\x1bE\x01",
            b"\x1bd\x02",
            b"\x1b@",
            b"\x10\x04\x01",
            b"\x10\x04\x04",
            b"\x1dr\x01",
            b"\x1bp\x00\x19\xfa",
            b"\x10\x14\x01\x00\x01",
            b"\x1dkI\x05{BR-1",
            b"\x1dV\x00",
            b"\x1d(k\x06\x001P0R-1",
            b"\x1d(k\x03\x001Q0",
        ]
    ),
    st.binary(min_size=1, max_size=3),  # anything at all
)


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from([page.escpos_table for page in CODE_PAGES.values()]),
    st.lists(fragments, max_size=40),
    st.lists(st.integers(0, 200), max_size=8),
)
def test_parser_reads_text_runs_like_single_bytes(table: int, parts: list[bytes], cuts: list[int]) -> None:
    """Same lines, codes, kicks and status replies, however the stream is split across feeds."""
    stream = b"\x1bt" + bytes([table]) + b"".join(parts)
    bounds = sorted({0, len(stream), *(min(cut, len(stream)) for cut in cuts)})
    fast, slow = EscposParser(32, _answer), BytewiseParser(32, _answer)
    for start, end in itertools.pairwise(bounds):
        chunk = stream[start:end]
        assert fast.feed(chunk) == slow.feed(chunk)
        assert fast._line == slow._line
        assert bytes(fast._buffer) == bytes(slow._buffer)  # an incomplete command waits the same
    assert fast.finish() == slow.finish()
    assert fast.state == slow.state


def test_parser_text_split_across_feeds() -> None:
    parser = EscposParser(32)
    parser.feed(b"\x1bt\x13Zo")
    parser.feed(b"\x89 N\xa3")
    parser.feed(b"\xa4ez\x1b")  # ESC waits for its letter
    parser.feed(b"E\x01bold\n")
    assert parser.finish().lines == ["Zoë Núñezbold"]


def test_parser_replaces_each_undefined_byte() -> None:
    parser = EscposParser(32)
    parser.feed(b"\x1bt\x10a\x81\x8d\x80b\n")  # cp1252: 0x81 and 0x8d are undefined, 0x80 is €
    assert parser.finish().lines == ["a\ufffd\ufffd€b"]


# --- textwrap ----------------------------------------------------------------------------

wrap_texts = st.text(
    alphabet=st.sampled_from("ab -—.,!?'\"\t\n\r\x0b\x0c\xa0\u2003\x1c\x85é漢_&()"), max_size=40
)


@settings(max_examples=500, deadline=None)
@given(wrap_texts, st.integers(1, 45))
def test_wrap_equals_textwrap(text: str, width: int) -> None:
    assert _wrap(text, width) == textwrap.wrap(text, width)
