"""Frame encoding, checksums, escaping and retransmission."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.framing import (
    ACK,
    NAK,
    FrameError,
    Link,
    LinkTimeout,
    NoAcknowledge,
    decode_frame,
    decode_message,
    encode_frame,
    encode_message,
    lrc,
)
from hardware.ports import SocketPort


def test_frame_bytes_for_a_sale_request() -> None:
    payload = encode_message("SALE", "1250", "R-42")
    assert payload == b"SALE\x1c1250\x1cR-42"
    body = b"000E" + payload + b"\x03"
    assert encode_frame(payload) == b"\x02" + body + bytes([lrc(body)])
    assert lrc(body) == 0x12  # XOR of every byte after STX up to and including ETX


def test_control_bytes_in_the_payload_are_escaped_with_dle() -> None:
    frame = encode_frame(b"a\x02b\x03c\x10d")
    assert frame[:5] == b"\x02000A"  # ten bytes once escaped
    assert frame[5:15] == b"a\x10\x42b\x10\x43c\x10\x50d"
    assert decode_frame(frame) == b"a\x02b\x03c\x10d"


@pytest.mark.parametrize(
    ("frame", "problem"),
    [
        (b"\x020002AB\x03\x00", "LRC"),
        (b"\x020003AB\x03\x41", "length"),
        (b"\x02000GAB\x03\x41", "length header"),
        (b"\x020002A\x02\x03" + bytes([lrc(b"0002A\x02\x03")]), "control byte"),
        (b"0002AB\x03\x00", "STX"),
    ],
)
def test_bad_frames_are_rejected(frame: bytes, problem: str) -> None:
    with pytest.raises(FrameError, match=problem):
        decode_frame(frame)


@given(st.binary(max_size=600))
def test_any_payload_round_trips(payload: bytes) -> None:
    assert decode_frame(encode_frame(payload)) == payload


@settings(max_examples=300)
@given(st.binary(max_size=200), st.data())
def test_any_single_corrupted_byte_is_detected(payload: bytes, data: st.DataObject) -> None:
    frame = bytearray(encode_frame(payload))
    index = data.draw(st.integers(0, len(frame) - 1))
    frame[index] ^= data.draw(st.integers(1, 255))  # a different byte value
    with pytest.raises(FrameError):
        decode_frame(bytes(frame))


@given(st.lists(st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x1c")), max_size=6))
def test_message_fields_round_trip(fields: list[str]) -> None:
    if fields:
        assert decode_message(encode_message(*fields)) == fields


def _link_pair(**options: float) -> tuple[Link, SocketPort]:
    ours, theirs = SocketPort.pair()
    settings: dict[str, Any] = {"ack_timeout": 0.1, "byte_timeout": 0.1, **options}
    return Link(ours, **settings), theirs


def _read_all(port: SocketPort, seconds: float) -> bytes:
    port.timeout = seconds
    out = b""
    while chunk := port.read(4096):
        out += chunk
    return out


def test_send_waits_for_ack() -> None:
    link, peer = _link_pair()
    peer.write(bytes([ACK]))
    link.send(b"hello")
    assert _read_all(peer, 0.05) == encode_frame(b"hello")


def test_nak_makes_the_sender_retransmit() -> None:
    link, peer = _link_pair()
    peer.write(bytes([NAK, ACK]))  # first copy refused, second accepted
    link.send(b"hello")
    assert _read_all(peer, 0.05) == encode_frame(b"hello") * 2


def test_at_most_three_retransmissions_then_no_acknowledge() -> None:
    link, peer = _link_pair()
    with pytest.raises(NoAcknowledge):
        link.send(b"hello")  # the peer never answers
    assert _read_all(peer, 0.05) == encode_frame(b"hello") * 4  # 1 send + 3 retransmissions


def test_receiver_naks_a_corrupt_frame_and_acks_the_resent_one() -> None:
    link, peer = _link_pair()
    good = encode_frame(b"APPROVED")
    bad = good[:-1] + bytes([good[-1] ^ 1])
    peer.write(bad + good)
    assert link.receive(1.0) == b"APPROVED"
    assert _read_all(peer, 0.05) == bytes([NAK, ACK])


def test_a_frame_cut_off_mid_way_is_nakked_then_times_out() -> None:
    link, peer = _link_pair()
    peer.write(encode_frame(b"APPROVED")[:6])
    with pytest.raises(LinkTimeout):
        link.receive(0.3)
    assert _read_all(peer, 0.05) == bytes([NAK])


def test_noise_before_stx_is_skipped() -> None:
    link, peer = _link_pair()
    peer.write(b"\x00\xffgarbage" + encode_frame(b"OK"))
    assert link.receive(1.0) == b"OK"


@settings(max_examples=25, deadline=None)
@given(st.binary(max_size=300))
def test_payloads_cross_a_real_link_in_both_directions(payload: bytes) -> None:
    a, b = SocketPort.pair()
    left = Link(a, ack_timeout=0.5, byte_timeout=0.2)
    right = Link(b, ack_timeout=0.5, byte_timeout=0.2)
    received: list[bytes] = []
    thread = threading.Thread(target=lambda: received.append(right.receive(2.0)))
    thread.start()
    left.send(payload)
    thread.join(2)
    assert received == [payload]
    a.close()
    b.close()
