"""Counter-kiosk benchmark, part 3: CPU time spent per sale, from /proc (Linux only).

Latency on a shared 2-core machine says as much about the neighbours as about faredesk. The
CPU seconds the server's worker processes and their PostgreSQL backends burn per completed
sale do not depend (much) on what else runs, so they are recorded beside the latencies:
2 cores / (CPU per sale) is the throughput ceiling on an otherwise idle machine.
"""

from __future__ import annotations

import os
from pathlib import Path

TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def _cpu_ms(pid: int) -> float:
    """user + system CPU of one process, in ms (0 when it is gone)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = raw[raw.rindex(")") + 2:].split()  # after "pid (comm) "
    return (int(fields[11]) + int(fields[12])) * TICK_MS  # utime, stime


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        if int(raw[raw.rindex(")") + 2:].split()[1]) == pid:
            found.append(int(entry.name))
    return found


class CpuMeter:
    """CPU of the server's processes (the uvicorn supervisor and its workers) and of the
    database's backends, between `start()` and `stop()`."""

    def __init__(self, server_pid: int, db_url: str) -> None:
        self.server_pid = server_pid
        self.db_url = db_url
        self._server: dict[int, float] = {}
        self._db: dict[int, float] = {}

    def _server_pids(self) -> list[int]:
        return [self.server_pid, *_children(self.server_pid)]

    async def _db_pids(self) -> list[int]:
        from urllib.parse import urlparse

        import asyncpg

        u = urlparse(self.db_url)
        name = (u.path or "/").lstrip("/")
        conn = await asyncpg.connect(host=u.hostname, port=u.port or 5432,
                                     user=u.username or "postgres",
                                     password=u.password or None, database=name)
        try:
            rows = await conn.fetch("SELECT pid FROM pg_stat_activity WHERE datname = $1 "
                                    "AND pid <> pg_backend_pid()", name)
        finally:
            await conn.close()
        return [int(r["pid"]) for r in rows]

    async def start(self) -> None:
        self._server = {p: _cpu_ms(p) for p in self._server_pids()}
        self._db = {p: _cpu_ms(p) for p in await self._db_pids()}

    async def stop(self) -> tuple[float, float]:
        """(server CPU ms, database CPU ms) since start(); new processes count from zero."""
        server = sum(_cpu_ms(p) - self._server.get(p, 0.0) for p in self._server_pids())
        db = sum(_cpu_ms(p) - self._db.get(p, 0.0) for p in await self._db_pids())
        return server, db
