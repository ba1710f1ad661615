"""The async facade: off the event loop, one job at a time per device, prompts, control, check."""

from __future__ import annotations

import asyncio
import threading
from datetime import date
from pathlib import Path

import pytest

from hardware.errors import HardwareError
from hardware.factory import build_devices
from hardware.terminal import Prompt
from hardware.testprint import sample_receipt

FAST_TERMINAL = "sim://?timeout=0.5&ack=0.1&step=0.02&slow=0.8"


async def test_devices_run_on_their_own_threads_and_the_loop_stays_free(tmp_path: Path) -> None:
    devices = build_devices(terminal_url=FAST_TERMINAL + "&mode=slow", sim_dir=tmp_path)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    task = asyncio.create_task(ticker())
    prompts: list[tuple[Prompt, str]] = []
    result = await devices.terminal.sale(
        2500, "A-1", on_prompt=lambda p: prompts.append((p, threading.current_thread().name))
    )
    task.cancel()
    assert result.status == "approved"
    assert ticks > 20  # the loop kept running during the 0.8 s sale
    assert prompts and all(
        thread == threading.main_thread().name for _, thread in prompts
    )  # delivered on the loop
    devices.close()


async def test_one_job_at_a_time_per_device(tmp_path: Path) -> None:
    devices = build_devices(sim_dir=tmp_path)
    receipts = [sample_receipt() for _ in range(5)]
    results = await asyncio.gather(
        *(devices.printer.print_receipt(r) for r in receipts), devices.drawer.kick()
    )
    assert len(results) == 6  # queued, not "busy"
    jobs = devices.printer.simulator.jobs
    assert len(jobs) == 6 and all(job.cuts == 1 for job in jobs[:5]) and jobs[5].kicks == [2]
    assert await devices.drawer.is_open() is True
    devices.close()


async def test_cancel_bypasses_the_queue(tmp_path: Path) -> None:
    devices = build_devices(terminal_url="sim://?timeout=0.5&ack=0.1&mode=slow&slow=5", sim_dir=tmp_path)
    sale = asyncio.create_task(devices.terminal.sale(100, "A-2"))
    await asyncio.sleep(0.3)
    assert await devices.terminal.cancel() is True
    assert (await sale).status == "cancelled"
    devices.close()


async def test_async_prompt_handler_and_print_with_drawer(tmp_path: Path) -> None:
    devices = build_devices(terminal_url=FAST_TERMINAL, sim_dir=tmp_path)
    seen: list[str] = []

    async def on_prompt(prompt: Prompt) -> None:
        seen.append(prompt.code)

    assert (await devices.terminal.sale(100, "A-3", on_prompt=on_prompt)).approved
    await asyncio.sleep(0.05)
    assert seen == ["PRESENT_CARD", "ENTER_PIN", "PROCESSING"]
    await devices.printer.print_receipt(sample_receipt(), kick_drawer=True)
    assert devices.printer.simulator.jobs[-1].kicks == [2]
    devices.close()


async def test_sim_control_from_the_app_and_reconnect(tmp_path: Path) -> None:
    devices = build_devices(
        terminal_url=FAST_TERMINAL, cardreader_url="sim://?timeout=0.4&ack=0.1", sim_dir=tmp_path
    )
    devices.terminal.control("decline")
    assert (await devices.terminal.sale(100, "A-4")).status == "declined"
    devices.printer.control("cover_open")
    with pytest.raises(HardwareError) as caught:
        await devices.printer.print_receipt(sample_receipt())
    assert caught.value.code == "cover_open"
    devices.printer.control("normal")
    await devices.printer.print_receipt(sample_receipt())
    devices.reader.control("no_card")
    with pytest.raises(HardwareError) as no_card:
        await devices.reader.read()
    assert no_card.value.code == "no_card"
    devices.reader.simulator.present()
    card = await devices.reader.write_product("W-1", "DAY_PASS", date(2026, 11, 23), date(2026, 11, 23))
    assert card.products[-1].code == "DAY_PASS"
    await devices.display.show("Hello", "World")
    with pytest.raises(ValueError):
        devices.display.control("explode")
    devices.close()


async def test_check_reports_every_device_and_never_raises(tmp_path: Path) -> None:
    devices = build_devices(printer_url="sim://?mode=paper_low", terminal_url=FAST_TERMINAL, sim_dir=tmp_path)
    report = await devices.check()
    assert report == {
        "printer": "online, paper low, drawer closed",
        "drawer": "closed",
        "terminal": "online",
        "cardreader": "online (card present)",
        "display": "connected",
    }
    devices.terminal.control("silent")
    devices.printer.control("offline")
    report = await devices.check()
    assert report["printer"].startswith("error [offline]")
    assert report["terminal"].startswith("error [timeout]")
    devices.close()


def test_real_devices_cannot_be_controlled(tmp_path: Path) -> None:
    devices = build_devices(printer_url=f"file://{tmp_path}/out.bin", sim_dir=tmp_path)
    with pytest.raises(HardwareError) as caught:
        devices.printer.control("paper_out")
    assert caught.value.code == "unsupported"
    devices.close()


async def test_a_driver_that_blocks_hits_the_guard_deadline() -> None:
    from hardware.aio import DeviceWorker

    worker = DeviceWorker("printer", guard=0.2)
    release = threading.Event()
    with pytest.raises(HardwareError) as caught:
        await worker.run(release.wait, 5)
    assert caught.value.code == "timeout"
    with pytest.raises(HardwareError) as money:
        await worker.run(release.wait, 5, unexpected="unknown_outcome")
    assert money.value.code == "unknown_outcome"
    release.set()
    worker.shutdown()


async def test_unexpected_driver_exceptions_do_not_leak() -> None:
    from hardware.aio import DeviceWorker

    def broken() -> None:
        raise KeyError("driver bug")

    worker = DeviceWorker("display")
    with pytest.raises(HardwareError) as caught:
        await worker.run(broken)
    assert caught.value.code == "protocol_error"
    worker.shutdown()


async def test_status_check_does_not_wait_behind_a_running_sale(tmp_path: Path) -> None:
    devices = build_devices(terminal_url="sim://?timeout=0.5&ack=0.1&mode=slow&slow=1.5", sim_dir=tmp_path)
    sale = asyncio.create_task(devices.terminal.sale(100, "A-5"))
    await asyncio.sleep(0.2)
    report = await asyncio.wait_for(devices.check(), 1.0)
    assert report["terminal"] == "online (transaction in progress)"
    assert (await sale).status == "approved"
    devices.close()
