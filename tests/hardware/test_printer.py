"""Receipt printer and cash drawer: status bits, faults, and every backend URL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from hardware.errors import HardwareError
from hardware.factory import open_printer
from hardware.printer import PrinterCashDrawer, parse_status
from hardware.receipt import render_escpos, render_text
from hardware.sim.framed import wait_until
from hardware.sim.printer import PrinterSimulator
from hardware.testprint import sample_receipt


def test_parse_status_follows_epson_dle_eot_bits() -> None:
    ok = parse_status(0x12, 0x12, 0x12)
    assert (ok.online, ok.paper, ok.cover_open, ok.drawer_open) == (True, "ok", False, False)
    assert ok.problem() is None and ok.warnings() == []
    assert parse_status(0x12, 0x12, 0x1E).paper == "low"  # bits 2-3: near end
    assert parse_status(0x1A, 0x32, 0x7E).paper == "out"  # bits 5-6: paper end, offline bit set
    assert parse_status(0x1A, 0x32, 0x12).paper == "out"  # DLE EOT 2 bit 5 alone: stopped by paper end
    assert parse_status(0x1A, 0x32, 0x12).problem().code == "paper_out"  # type: ignore[union-attr]
    assert parse_status(0x1A, 0x16, 0x12).cover_open is True
    assert parse_status(0x16, 0x12, 0x12).drawer_open is True  # pin 3 high
    assert parse_status(0x16, 0x12, 0x12, drawer_open_high=False).drawer_open is False
    assert parse_status(0x1A, 0x12, 0x12).problem().code == "offline"  # type: ignore[union-attr]


def test_sim_printer_keeps_raw_bytes_and_text_of_each_job(tmp_path: Path) -> None:
    printer = open_printer("sim://?width=58", sim_dir=tmp_path)
    result = printer.print_receipt(sample_receipt())
    sim: PrinterSimulator = printer.simulator
    job = sim.jobs[-1]
    assert job.bin_path is not None and job.txt_path is not None
    assert job.bin_path.parent == tmp_path / "printer"
    status_queries = b"\x10\x04\x01\x10\x04\x02\x10\x04\x04"  # DLE EOT 1, 2, 4 before and after
    expected = status_queries + render_escpos(sample_receipt(), 58) + status_queries
    assert job.bin_path.read_bytes() == job.raw == expected
    assert job.txt_path.read_text(encoding="utf-8") == render_text(sample_receipt(), 58)
    assert result.bytes_sent == len(job.raw) - 2 * len(status_queries) and job.printed and job.cuts == 1


@pytest.mark.parametrize(
    ("mode", "code"), [("paper_out", "paper_out"), ("cover_open", "cover_open"), ("offline", "offline")]
)
def test_stopped_printer_raises_before_printing(tmp_path: Path, mode: str, code: str) -> None:
    printer = open_printer(f"sim://?mode={mode}", sim_dir=tmp_path)
    with pytest.raises(HardwareError) as caught:
        printer.print_receipt(sample_receipt())
    assert caught.value.code == code
    assert printer.simulator.jobs == []


def test_paper_low_prints_and_warns(tmp_path: Path) -> None:
    printer = open_printer("sim://?mode=paper_low", sim_dir=tmp_path)
    result = printer.print_receipt(sample_receipt())
    assert [w.code for w in result.warnings] == ["paper_low"]
    assert result.warnings[0].is_warning
    assert printer.simulator.jobs[-1].printed


def test_printer_that_comes_back_prints_again(tmp_path: Path) -> None:
    printer = open_printer("sim://", sim_dir=tmp_path)
    printer.simulator.control("offline")
    with pytest.raises(HardwareError):
        printer.status()
    printer.simulator.control("normal")
    assert printer.status().online


def test_drawer_kick_sends_esc_p_and_reports_open(tmp_path: Path) -> None:
    printer = open_printer("sim://", sim_dir=tmp_path)
    drawer = PrinterCashDrawer(printer)
    assert drawer.is_open() is False
    drawer.kick()
    job = printer.simulator.jobs[-1]
    kick = b"\x1bp\x00\x19\xfa"  # ESC p 0 25 250: pin 2, 50 ms on, 500 ms off
    status = b"\x10\x04\x01\x10\x04\x02\x10\x04\x04"
    assert job.raw == status + kick + status  # the printer answers first, then the kick, then a read
    assert job.kicks == [2]
    assert drawer.is_open() is True
    printer.simulator.control("drawer_closed")
    assert drawer.is_open() is False


def test_kick_works_with_paper_out(tmp_path: Path) -> None:
    printer = open_printer("sim://?mode=paper_out", sim_dir=tmp_path)
    PrinterCashDrawer(printer).kick()
    assert printer.status().drawer_open is True


@pytest.fixture
def tcp_sim(tmp_path: Path) -> Iterator[PrinterSimulator]:
    sim = PrinterSimulator(tmp_path, width_mm=80)
    stop, ready = threading.Event(), threading.Event()
    thread = threading.Thread(target=sim.serve_tcp, args=("127.0.0.1", 0, stop, ready), daemon=True)
    thread.start()
    assert ready.wait(5)
    yield sim
    stop.set()
    thread.join(2)


def test_tcp_backend_prints_and_reads_status(tcp_sim: PrinterSimulator) -> None:
    printer = open_printer(f"tcp://127.0.0.1:{tcp_sim.bound_port}?timeout=1")
    assert printer.status().describe() == "online, paper ok, drawer closed"
    printer.print_receipt(sample_receipt())
    assert wait_until(lambda: len(tcp_sim.jobs) == 1, 2)  # the job is stored when the connection closes
    assert tcp_sim.jobs[-1].text == render_text(sample_receipt(), 80)
    tcp_sim.control("paper_low")
    assert printer.status().paper == "low"
    tcp_sim.control("disconnect")
    with pytest.raises(HardwareError) as caught:
        printer.print_receipt(sample_receipt())
    assert caught.value.code in ("offline", "timeout")
    tcp_sim.control("normal")
    printer.print_receipt(sample_receipt())  # reconnects on the next job
    assert wait_until(lambda: sum(job.printed for job in tcp_sim.jobs) == 2, 2)


def test_tcp_printer_not_listening_is_offline() -> None:
    with pytest.raises(HardwareError) as caught:
        open_printer("tcp://127.0.0.1:1?timeout=0.5").status()
    assert caught.value.code == "offline"


def test_file_backend_appends_jobs_and_cannot_read_status(tmp_path: Path) -> None:
    target = tmp_path / "lp0"
    printer = open_printer(f"file://{target}")
    first = printer.print_receipt(sample_receipt())
    printer.print_receipt(sample_receipt())
    assert target.read_bytes() == render_escpos(sample_receipt(), 80) * 2
    assert not first.status.readable


def test_usb_without_pyusb_is_a_clear_offline_error() -> None:
    with pytest.raises(HardwareError) as caught:
        open_printer("usb://04b8:0202").status()
    assert caught.value.code == "offline" and "pyusb" in caught.value.message


@pytest.mark.parametrize("url", ["ftp://x", "tcp://", "serial://", "usb://nope", "sim://?width=57"])
def test_bad_printer_urls(url: str) -> None:
    with pytest.raises((HardwareError, ValueError)):
        open_printer(url)


def test_serial_backend_through_a_pty(tmp_path: Path) -> None:
    import os

    from hardware.ports import open_pty

    master, path, slave = open_pty()
    sim = PrinterSimulator(tmp_path)
    session = sim.session()
    printer = open_printer(f"serial://{path}?baudrate=19200&timeout=1")

    def device() -> None:  # the printer end: feed bytes to the simulator, send its replies back
        master.timeout = 0.05
        idle = 0
        while idle < 20:
            data = master.read(4096)
            idle = 0 if data else idle + 1
            if data and (reply := session.feed(data)):
                master.write(reply)

    thread = threading.Thread(target=device, daemon=True)
    thread.start()
    assert printer.status().online
    printer.print_receipt(sample_receipt())
    thread.join(3)
    session.close()
    assert sim.jobs[-1].text == render_text(sample_receipt(), 80)
    os.close(slave)


def test_status_off_prints_without_queries(tmp_path: Path) -> None:
    printer = open_printer("sim://?status=off&width=58&codepage=cp437", sim_dir=tmp_path)
    result = printer.print_receipt(sample_receipt())
    assert not result.status.readable
    job = printer.simulator.jobs[-1]
    assert job.raw == render_escpos(sample_receipt(), 58, code_page_name="cp437")
    assert job.text == render_text(sample_receipt(), 58)
