"""Receipt printer simulator: accepts ESC/POS, answers status, keeps every job on disk.

One connection (TCP) or one in-process session is one job. Each job is kept as
``<n>.bin`` (the raw bytes) and ``<n>.txt`` (the text parsed back from them) in ``job_dir``.
Status answers follow Epson's DLE EOT / GS r bit layout (see protocols/escpos-printer.md).
"""

from __future__ import annotations

import itertools
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from hardware.receipt import columns_for
from hardware.sim.escpos_parser import EscposParser

FIXED = 0x12  # bits 1 and 4 are always set in DLE EOT replies


@dataclass
class SimJob:
    number: int
    raw: bytes
    text: str
    cuts: int
    kicks: list[int]
    printed: bool
    bin_path: Path | None = None
    txt_path: Path | None = None


@dataclass
class PrinterState:
    online: bool = True
    paper: str = "ok"  # ok | low | out
    cover_open: bool = False
    drawer_open: bool = False
    slow_seconds: float = 0.0
    disconnect: bool = False  # hang up after a few bytes of the next job


class PrinterSimulator:
    """Modes: ``normal``, ``offline``, ``paper_low``, ``paper_out``, ``cover_open``, ``slow``,
    ``disconnect``, ``drawer_open``, ``drawer_closed``."""

    modes = (
        "normal",
        "offline",
        "paper_low",
        "paper_out",
        "cover_open",
        "slow",
        "disconnect",
        "drawer_open",
        "drawer_closed",
    )

    def __init__(
        self,
        job_dir: Path | None = None,
        *,
        width_mm: int = 80,
        mode: str | None = None,
        slow_seconds: float = 2.0,
        drawer_closes_after: float | None = None,
        on_job: Callable[[SimJob], None] | None = None,
    ) -> None:
        self.job_dir = job_dir
        self.columns = columns_for(width_mm)
        self.state = PrinterState()
        self.slow_seconds = slow_seconds
        self.drawer_closes_after = drawer_closes_after
        self.jobs: list[SimJob] = []
        self.on_job = on_job
        self.lock = threading.RLock()
        self._numbers = itertools.count(self._first_number())
        if mode:
            self.control(mode)

    def _first_number(self) -> int:
        if self.job_dir is None or not self.job_dir.exists():
            return 1
        taken = [
            int(p.stem.split("-")[0]) for p in self.job_dir.glob("*.bin") if p.stem.split("-")[0].isdigit()
        ]
        return max(taken, default=0) + 1

    def control(self, mode: str) -> None:
        """Switch a fault on (modes accumulate, ``normal`` clears them all)."""
        with self.lock:
            state = self.state
            if mode == "normal":
                self.state = PrinterState(drawer_open=state.drawer_open)
            elif mode == "offline":
                state.online = False
            elif mode == "paper_low":
                state.paper = "low"
            elif mode == "paper_out":
                state.paper = "out"
            elif mode == "cover_open":
                state.cover_open = True
            elif mode == "slow":
                state.slow_seconds = self.slow_seconds
            elif mode == "disconnect":
                state.disconnect = True
            elif mode in ("drawer_open", "drawer_closed"):
                state.drawer_open = mode == "drawer_open"
            else:
                raise ValueError(f"unknown mode {mode!r}; choose from {self.modes}")

    # -- status -------------------------------------------------------------------------------

    def status_byte(self, kind: str, n: int) -> bytes:
        s = self.state
        stopped = s.cover_open or s.paper == "out"
        if kind == "DLE EOT":
            value = {
                1: FIXED | (0x04 if s.drawer_open else 0) | (0x08 if stopped else 0),
                2: FIXED | (0x04 if s.cover_open else 0) | (0x20 if s.paper == "out" else 0),
                3: FIXED,
                4: FIXED | (0x0C if s.paper in ("low", "out") else 0) | (0x60 if s.paper == "out" else 0),
            }.get(n)
            return bytes([value]) if value is not None else b""
        if kind == "GS r":
            if n in (1, 49):
                return bytes([(0x03 if s.paper in ("low", "out") else 0) | (0x0C if s.paper == "out" else 0)])
            if n in (2, 50):
                return bytes([0x01 if s.drawer_open else 0])
        if kind == "GS I":
            return b"faredesk-sim"[:1] if n in (1, 49) else b""
        return b""

    # -- sessions -------------------------------------------------------------------------------

    def session(self) -> PrinterSession:
        if not self.state.online:
            raise ConnectionRefusedError("simulated printer is offline")
        return PrinterSession(self)

    def _kick(self, pins: list[int]) -> None:
        if not pins:
            return
        self.state.drawer_open = True
        if self.drawer_closes_after is not None:
            timer = threading.Timer(self.drawer_closes_after, self.control, args=("drawer_closed",))
            timer.daemon = True
            timer.start()

    @property
    def stopped(self) -> bool:
        return self.state.paper == "out" or self.state.cover_open

    def _store(self, raw: bytes, parser: EscposParser, *, stopped: bool) -> SimJob | None:
        out = parser.finish()
        if not out.printed_anything and not out.kicks and not out.cuts:
            return None  # a status-only connection is not a job
        with self.lock:
            printed = out.printed_anything and not stopped
            job = SimJob(next(self._numbers), raw, out.text(), out.cuts, out.kicks, printed)
            if self.job_dir is not None:
                self.job_dir.mkdir(parents=True, exist_ok=True)
                stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
                base = self.job_dir / f"{job.number:06d}-{stamp}"
                job.bin_path, job.txt_path = base.with_suffix(".bin"), base.with_suffix(".txt")
                job.bin_path.write_bytes(raw)
                header = "" if printed else "[NOT PRINTED: printer stopped (paper out or cover open)]\n"
                job.txt_path.write_text(header + job.text, encoding="utf-8")
                _save_raster(raw, base.with_suffix(".png"))
            self.jobs.append(job)
        if self.on_job is not None:
            self.on_job(job)
        return job

    # -- TCP ------------------------------------------------------------------------------------

    def serve_tcp(
        self, host: str, port: int, stop: threading.Event, ready: threading.Event | None = None
    ) -> None:
        with socket.create_server((host, port), reuse_port=False) as server:
            server.settimeout(0.2)
            self.bound_port = server.getsockname()[1]
            if ready is not None:
                ready.set()
            while not stop.is_set():
                try:
                    conn, _ = server.accept()
                except TimeoutError:
                    continue
                threading.Thread(target=self._serve_connection, args=(conn,), daemon=True).start()

    def _serve_connection(self, conn: socket.socket) -> None:
        with conn:
            try:
                session = self.session()
            except ConnectionRefusedError:
                return  # offline: hang up at once
            conn.settimeout(30.0)
            try:
                while True:
                    data = conn.recv(4096)
                    if not data:
                        break
                    reply = session.feed(data)
                    if reply:
                        conn.sendall(reply)
                    if session.hung_up:
                        return
            except OSError:
                pass
            finally:
                session.close()


@dataclass
class PrinterSession:
    sim: PrinterSimulator
    raw: bytearray = field(default_factory=bytearray)
    hung_up: bool = False

    def __post_init__(self) -> None:
        self.parser = EscposParser(self.sim.columns, self.sim.status_byte)
        self.closed = False
        self.stopped = False  # was the printer stopped while this job arrived?

    def feed(self, data: bytes) -> bytes:
        if self.closed or self.hung_up:
            raise ConnectionResetError("simulated printer hung up")
        if self.sim.state.slow_seconds:
            time.sleep(self.sim.state.slow_seconds)
        if self.sim.state.disconnect and len(self.raw) + len(data) > 16:
            self.raw += data[: max(0, 16 - len(self.raw))]
            self.hung_up = True
            self.sim.state.disconnect = False
            raise ConnectionResetError("simulated printer hung up mid-job")
        self.raw += data
        self.stopped = self.stopped or self.sim.stopped
        kicks_before = len(self.parser.out.kicks)
        reply = self.parser.feed(data)
        self.sim._kick(self.parser.out.kicks[kicks_before:])  # a drawer opens at once, not at job end
        return reply

    def close(self) -> SimJob | None:
        if self.closed:
            return None
        self.closed = True
        return self.sim._store(bytes(self.raw), self.parser, stopped=self.stopped)


def _save_raster(raw: bytes, path: Path) -> None:
    """A job with raster images (a Chinese or Korean receipt): keep them as a PNG to look at."""
    from hardware.raster_text import decode_raster

    image = decode_raster(raw)
    if image is not None:
        image.save(path)
