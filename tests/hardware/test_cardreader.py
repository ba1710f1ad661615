"""Fare card reader adapter against the in-process reader simulator."""

from __future__ import annotations

from datetime import date

import pytest

from hardware.cardreader import STORED_VALUE, CardProduct, SerialFareCardReader
from hardware.errors import HardwareError
from hardware.framing import decode_message
from hardware.sim.cardreader import CardReaderSimulator, SimCard

FAST = {"response_timeout": 0.4, "ack_timeout": 0.1, "byte_timeout": 0.1}
DEC = (date(2026, 12, 1), date(2026, 12, 31))


def reader_for(mode: str | None = None, **options: int) -> tuple[SerialFareCardReader, CardReaderSimulator]:
    sim = CardReaderSimulator(mode, ack_timeout=0.1, byte_timeout=0.1, slow_seconds=0.2, **options)
    return SerialFareCardReader(sim.connect, **FAST), sim


def test_read_returns_the_card_record() -> None:
    reader, sim = reader_for()
    sim.present(
        SimCard(
            serial="04FF",
            fare_category="YOUTH",
            stored_value_cents=725,
            products=[CardProduct("MONTHLY_YOUTH", *DEC)],
        )
    )
    card = reader.read()
    assert (card.serial, card.card_type, card.fare_category, card.status) == (
        "04FF",
        "SMART",
        "YOUTH",
        "active",
    )
    assert card.stored_value_cents == 725
    assert card.products == [CardProduct("MONTHLY_YOUTH", *DEC)]


def test_loading_a_pass_is_confirmed_by_read_back() -> None:
    reader, sim = reader_for()
    card = reader.write_product("TX-1", "MONTHLY_ADULT", *DEC)
    assert CardProduct("MONTHLY_ADULT", *DEC) in card.products
    assert card.last_txn_id == "TX-1"
    assert [decode_message(f)[0] for f in sim.frames_received] == ["READ", "WRITE_PRODUCT", "READ"]


def test_adding_value_and_the_cap() -> None:
    reader, sim = reader_for(cap_cents=5000)
    assert reader.write_product("TX-2", STORED_VALUE, None, None, 2000).stored_value_cents == 3250
    with pytest.raises(HardwareError) as caught:
        reader.write_product("TX-3", STORED_VALUE, None, None, 2000)
    assert caught.value.code == "cap_exceeded"
    assert [w[0] for w in sim.writes] == ["TX-2"]


def test_taking_value_off_for_a_refund_and_never_below_zero() -> None:
    reader, sim = reader_for()  # the simulated card starts with $12.50
    assert reader.write_product("TX-4", STORED_VALUE, None, None, -250).stored_value_cents == 1000
    with pytest.raises(HardwareError) as caught:
        reader.write_product("TX-5", STORED_VALUE, None, None, -1001)
    assert caught.value.code == "insufficient_value"
    assert [w[0] for w in sim.writes] == ["TX-4"]
    with pytest.raises(ValueError):
        reader.write_product("TX-6", "MONTHLY_ADULT", *DEC, -100)


def test_retrying_a_write_never_loads_twice() -> None:
    reader, sim = reader_for()
    first = reader.write_product("TX-4", STORED_VALUE, None, None, 1000)
    again = reader.write_product("TX-4", STORED_VALUE, None, None, 1000)
    assert again.stored_value_cents == first.stored_value_cents == 2250
    assert len(sim.writes) == 1


@pytest.mark.parametrize(("mode", "code"), [("no_card", "no_card"), ("blocked", "card_blocked")])
def test_card_errors(mode: str, code: str) -> None:
    reader, sim = reader_for(mode)
    with pytest.raises(HardwareError) as caught:
        reader.write_product("TX-5", STORED_VALUE, None, None, 100)
    assert caught.value.code == code
    assert sim.writes == []


def test_card_removed_during_write_writes_nothing_and_retry_is_safe() -> None:
    reader, sim = reader_for("remove_during_write")
    with pytest.raises(HardwareError) as caught:
        reader.write_product("TX-6", STORED_VALUE, None, None, 500)
    assert caught.value.code == "card_removed"
    assert sim.writes == [] and sim.card is None
    sim.control("normal")
    sim.present()
    assert reader.write_product("TX-6", STORED_VALUE, None, None, 500).stored_value_cents == 1750
    assert len(sim.writes) == 1


@pytest.mark.parametrize("mode", ["lose_reply", "disconnect", "bad_checksum"])
def test_lost_or_damaged_write_reply_is_settled_by_read_back(mode: str) -> None:
    reader, sim = reader_for(mode)
    card = reader.write_product("TX-7", STORED_VALUE, None, None, 300)
    assert card.last_txn_id == "TX-7" and card.stored_value_cents == 1550
    assert len(sim.writes) == 1


@pytest.mark.parametrize("mode", ["timeout", "silent"])
def test_reader_that_does_not_answer_times_out(mode: str) -> None:
    reader, sim = reader_for(mode)
    with pytest.raises(HardwareError) as caught:
        reader.read()
    assert caught.value.code == "timeout"
    sim.control("normal")
    assert reader.read().serial == SimCard.serial  # and recovers on the next call


def test_reader_unplugged_and_plugged_back_reconnects() -> None:
    reader, sim = reader_for()
    assert reader.read().serial == SimCard.serial
    sim.hang_up()  # cable pulled: the simulator's end of the line is closed
    with pytest.raises(HardwareError) as caught:
        reader.read()
    assert caught.value.code == "timeout"
    assert reader.read().serial == SimCard.serial  # the next call opens the line again


def test_a_cap_in_the_url_must_be_whole_cents() -> None:
    from hardware.factory import open_reader

    with pytest.raises(HardwareError) as caught:
        open_reader("sim://?cap=400.5")
    assert caught.value.code == "bad_url"
