"""2x20 customer display: exact bytes, and the simulator's reading of them."""

from __future__ import annotations

import pytest

from hardware.display import SerialCustomerDisplay, encode_show, item_lines
from hardware.errors import HardwareError
from hardware.factory import open_display
from hardware.sim.display import DisplaySimulator
from hardware.sim.framed import wait_until


def test_show_is_two_positioned_padded_lines() -> None:
    assert encode_show("Day Pass", "Total 5.00") == (
        b"\x1f$\x01\x01" + b"Day Pass            " + b"\x1f$\x01\x02" + b"Total 5.00          "
    )


def test_long_and_accented_text_is_fitted_to_twenty_columns() -> None:
    data = encode_show("Réduit – Senior/Disabled Monthly", "€")
    assert data[4:24] == "Réduit - Senior/Disa".encode("cp437")
    assert data[28:31] == b"EUR"


def test_item_lines_right_align_amount_and_total() -> None:
    assert item_lines("Adult Monthly Pass December", 9800, 123456) == (
        "Adult Monthly  98.00",
        "TOTAL      $1,234.56",
    )


def test_simulator_shows_what_was_sent() -> None:
    sim = DisplaySimulator()
    display = SerialCustomerDisplay(sim.connect)
    display.show_item("Day Pass", 500, 1500)
    assert wait_until(lambda: sim.text == ("Day Pass        5.00", "TOTAL         $15.00"), 2)
    display.clear()
    assert wait_until(lambda: sim.text == (" " * 20, " " * 20), 2)


def test_loop_url_works_and_missing_port_is_offline() -> None:
    open_display("loop://").show("hello", "world")
    with pytest.raises(HardwareError) as caught:
        open_display("serial:///dev/does-not-exist").show("x")
    assert caught.value.code == "offline"
