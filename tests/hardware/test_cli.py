"""`faredesk hardware check` and `faredesk hardware test-print`."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from hardware.cli import hardware


def test_check_lists_every_device_with_its_status(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        hardware, ["check", "--sim-dir", str(tmp_path)], env={"FAREDESK_TERMINAL_URL": ""}
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines] == ["printer", "drawer", "terminal", "cardreader", "display"]
    assert "online, paper ok" in lines[0]


def test_check_fails_when_a_device_is_missing(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        hardware,
        ["check", "--sim-dir", str(tmp_path)],
        env={"FAREDESK_PRINTER_URL": "tcp://127.0.0.1:1?timeout=0.5"},
    )
    assert result.exit_code == 1
    assert "printer     tcp://127.0.0.1:1?timeout=0.5" in result.output and "[offline]" in result.output


def test_test_print_writes_a_simulated_job(tmp_path: Path) -> None:
    result = CliRunner().invoke(hardware, ["test-print", "--sim-dir", str(tmp_path), "--width", "58"])
    assert result.exit_code == 0, result.output
    texts = list((tmp_path / "printer").glob("*.txt"))
    assert len(texts) == 1 and "T E S T   P R I N T" in texts[0].read_text(encoding="utf-8")
    assert str(texts[0]) in result.output


def test_test_print_reports_paper_out(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        hardware, ["test-print", "--printer", "sim://?mode=paper_out", "--sim-dir", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert "[paper_out]" in result.output
