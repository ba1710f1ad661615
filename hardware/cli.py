"""``faredesk hardware check`` and ``faredesk hardware test-print``."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import click

from hardware.errors import HardwareError
from hardware.factory import DeviceSet, build_devices
from hardware.testprint import sample_receipt


def _device_options(fn: Callable[..., None]) -> Callable[..., None]:
    options = [
        click.option(
            "--printer", "printer_url", envvar="FAREDESK_PRINTER_URL", default="sim://", show_default=True
        ),
        click.option(
            "--terminal", "terminal_url", envvar="FAREDESK_TERMINAL_URL", default="sim://", show_default=True
        ),
        click.option(
            "--cardreader",
            "cardreader_url",
            envvar="FAREDESK_CARDREADER_URL",
            default="sim://",
            show_default=True,
        ),
        click.option(
            "--display", "display_url", envvar="FAREDESK_DISPLAY_URL", default="sim://", show_default=True
        ),
        click.option(
            "--sim-dir",
            envvar="FAREDESK_SIM_DIR",
            default="var/sim",
            show_default=True,
            type=click.Path(path_type=Path),
        ),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def _build(
    printer_url: str, terminal_url: str, cardreader_url: str, display_url: str, sim_dir: Path
) -> DeviceSet:
    try:
        return build_devices(printer_url, terminal_url, cardreader_url, display_url, sim_dir=sim_dir)
    except HardwareError as exc:
        raise click.ClickException(exc.message) from exc


@click.group()
def hardware() -> None:
    """Receipt printer, cash drawer, payment terminal, fare card reader and customer display."""


@hardware.command()
@_device_options
def check(printer_url: str, terminal_url: str, cardreader_url: str, display_url: str, sim_dir: Path) -> None:
    """Print each configured device and its status (exit code 1 if any has a problem)."""
    devices = _build(printer_url, terminal_url, cardreader_url, display_url, sim_dir)
    urls = {
        "printer": printer_url,
        "drawer": printer_url,
        "terminal": terminal_url,
        "cardreader": cardreader_url,
        "display": display_url,
    }
    try:
        report = asyncio.run(devices.check())
    finally:
        devices.close()
    for name, status in report.items():
        click.echo(f"{name:<11} {urls[name]:<32} {status}")
    if any(status.startswith("error") for status in report.values()):
        raise SystemExit(1)


@hardware.command("test-print")
@_device_options
@click.option(
    "--width", type=click.Choice(["58", "80"]), default=None, help="Paper width (default: the URL's)."
)
def test_print(
    printer_url: str,
    terminal_url: str,
    cardreader_url: str,
    display_url: str,
    sim_dir: Path,
    width: str | None,
) -> None:
    """Print a test receipt on the configured printer."""
    devices = _build(printer_url, terminal_url, cardreader_url, display_url, sim_dir)
    if width:
        devices.printer.device.width_mm = int(width)
    try:
        result = asyncio.run(
            devices.printer.print_receipt(sample_receipt(datetime.now().replace(microsecond=0)))
        )
    except HardwareError as exc:
        raise click.ClickException(f"[{exc.code}] {exc.message}") from exc
    finally:
        devices.close()
    click.echo(
        f"Printed a test receipt on {printer_url} ({result.bytes_sent} bytes; {result.status.describe()})."
    )
    for warning in result.warnings:
        click.echo(f"Warning [{warning.code}]: {warning.message}")
    simulator = devices.printer.simulator
    if simulator is not None and simulator.jobs and simulator.jobs[-1].txt_path:
        click.echo(f"Simulated printer kept the job as {simulator.jobs[-1].txt_path}")
