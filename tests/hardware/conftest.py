"""Helpers for the hardware tests: simulator processes behind real pseudo-terminals."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


class SimProcess:
    """A `python -m hardware.sim.cli ...` child process and its stdin control interface."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "hardware.sim.cli", *args],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        assert self.proc.stdout is not None
        self.banner = self.proc.stdout.readline().strip()
        assert self.banner.startswith("faredesk-sim"), self.banner
        self.url = self.banner.split()[2]

    def command(self, line: str) -> str:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        while True:
            reply = self.proc.stdout.readline().strip()
            if reply.startswith(("ok", "error")):
                return reply
            # other lines (display updates, logs) are skipped

    def mode(self, name: str) -> None:
        assert self.command(f"mode {name}") == f"ok mode {name}"

    def state(self) -> dict[str, Any]:
        reply = self.command("state")
        assert reply.startswith("ok ")
        return json.loads(reply[3:])  # type: ignore[no-any-return]

    def stop(self) -> None:
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.write("quit\n")
            self.proc.stdin.flush()
            self.proc.wait(3)
        except Exception:
            self.proc.kill()
            self.proc.wait(3)


@pytest.fixture(scope="module")
def sim_process() -> Iterator[Any]:
    started: list[SimProcess] = []

    def start(*args: str) -> SimProcess:
        process = SimProcess(*args)
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()
