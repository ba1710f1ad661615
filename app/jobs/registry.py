"""What the worker can run: jobs (run on demand) and periodic sweeps, registered by name.

An area registers its time-based rules in an `app/<area>/sweeps.py` of its own (found by the
worker and /admin/jobs without editing this package):

    from app.jobs.registry import sweep
    from app.jobs.marks import first_time

    @sweep("contracts.notice-30", minute="0", hour="*", description="30-day contract notices")
    async def notice_30() -> int:
        done = 0
        for contract in await contracts_due_in(days=30):          # derived from the database
            async with write_transaction():
                if await first_time(f"contract-notice-30:{contract.id}", "contracts.notice-30"):
                    await notify(...)                              # outbox, same transaction
                    done += 1
        return done

A sweep derives its work from the database every time, so one missed while the system was down
catches up at its next run (and every sweep runs once when a worker starts).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

JobFunc = Callable[..., Awaitable[Any]]

#: Modules that register jobs and sweeps besides every `app/<area>/sweeps.py`.
CORE_MODULES: list[str] = ["app.jobs.builtin", "app.outbox.delivery"]
_APP_DIR = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class JobSpec:
    name: str
    func: JobFunc
    description: str
    max_attempts: int = 5
    #: first retry after this many seconds, doubling each time (huey's retry_backoff)
    retry_delay: float = 10.0
    #: crontab fields for a periodic sweep (None: run on demand only)
    schedule: dict[str, str] | None = field(default=None)

    @property
    def is_sweep(self) -> bool:
        return self.schedule is not None

    @property
    def schedule_text(self) -> str:
        if not self.schedule:
            return "on demand"
        s = self.schedule
        return f"{s['minute']} {s['hour']} {s['day']} {s['month']} {s['day_of_week']} (cron, UTC)"


JOBS: dict[str, JobSpec] = {}


def job(name: str, *, description: str = "", max_attempts: int = 5,
        retry_delay: float = 10.0) -> Callable[[JobFunc], JobFunc]:
    """Register an async function (keyword arguments only, JSON values) as a job."""

    def register(func: JobFunc) -> JobFunc:
        JOBS[name] = JobSpec(name, func, description or (func.__doc__ or name).strip(),
                             max_attempts, retry_delay)
        return func

    return register


def sweep(name: str, *, minute: str = "*", hour: str = "*", day: str = "*", month: str = "*",
          day_of_week: str = "*", description: str = "", max_attempts: int = 3,
          retry_delay: float = 10.0) -> Callable[[JobFunc], JobFunc]:
    """Register an async function of no arguments returning how many things it did."""

    def register(func: JobFunc) -> JobFunc:
        JOBS[name] = JobSpec(
            name, func, description or (func.__doc__ or name).strip().splitlines()[0],
            max_attempts, retry_delay,
            schedule={"minute": minute, "hour": hour, "day": day, "month": month,
                      "day_of_week": day_of_week},
        )
        return func

    return register


def load_all() -> dict[str, JobSpec]:
    """Import every module that registers jobs (once; later calls are dictionary lookups)."""
    global _loaded
    if not _loaded:
        for module in CORE_MODULES:
            importlib.import_module(module)
        for found in pkgutil.iter_modules([str(_APP_DIR)]):
            if found.ispkg and (_APP_DIR / found.name / "sweeps.py").exists():
                importlib.import_module(f"app.{found.name}.sweeps")
        _loaded = True
    return JOBS


_loaded = False


def spec(name: str) -> JobSpec:
    load_all()
    return JOBS[name]
