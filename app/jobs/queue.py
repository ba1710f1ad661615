"""huey, the job library: its storage from FAREDESK_JOBS_URL, and the faredesk tasks on it.

* `sqlite:///var/jobs.sqlite3` (SqliteHuey): the embedded default, no other server.
* `postgresql://…` (PostgresHuey, psycopg 3): several machines on the application's database.
* `redis://host:6379/0` (RedisHuey): several machines through Redis.

huey carries one task, `faredesk.run(run_id)`, that executes a `job_run` row through
`app.jobs.execute`, plus one periodic task per registered sweep that queues a run of it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import unquote, urlparse

from huey import Huey, PostgresHuey, RedisHuey, SqliteHuey, crontab

from app.jobs import registry
from app.settings import get_settings

log = logging.getLogger("faredesk.jobs")
QUEUE_NAME = "faredesk"
_HUEY: Huey | None = None


def make_huey(url: str) -> Huey:
    if url.startswith("redis://"):
        return RedisHuey(QUEUE_NAME, url=url, results=False, utc=True)
    if url.startswith(("postgres://", "postgresql://")):
        return PostgresHuey(QUEUE_NAME, dsn=url.replace("postgres://", "postgresql://", 1),
                            results=False, utc=True)
    path = unquote(urlparse(url).path) if url.startswith("sqlite:////") else url.removeprefix(
        "sqlite:///")
    return SqliteHuey(QUEUE_NAME, filename=path, results=False, utc=True)


def huey() -> Huey:
    """The process's huey, with the faredesk tasks registered (created once)."""
    global _HUEY
    if _HUEY is None:
        instance = make_huey(get_settings().jobs_url)
        _register(instance)
        _HUEY = instance
    return _HUEY


def reset() -> None:
    """Forget the huey instance (tests that change FAREDESK_JOBS_URL)."""
    global _HUEY
    _HUEY = None


def _run_task(run_id: int, task: Any = None) -> None:
    from app.jobs.execute import execute

    retries_left = int(getattr(task, "retries", 0) or 0)
    asyncio.run(execute(run_id, retries_left))


def _sweep_task(name: str) -> Any:
    def fire() -> None:
        asyncio.run(_queue_sweep(name))

    fire.__name__ = f"sweep_{name.replace('.', '_').replace('-', '_')}"
    return fire


async def _queue_sweep(name: str) -> None:
    from app.jobs.execute import enqueue

    await enqueue(name)


_RUN: Any = None


def _register(instance: Huey) -> None:
    global _RUN
    _RUN = instance.task(context=True, name="faredesk.run")(_run_task)
    for spec in registry.load_all().values():
        if spec.schedule is not None:
            fire = _sweep_task(spec.name)
            instance.periodic_task(crontab(**spec.schedule), name=f"sweep.{spec.name}")(fire)


def submit(run_id: int, spec: registry.JobSpec, delay: float = 0) -> None:
    """Hand a run to huey (retries with backoff from the job's spec)."""
    huey()
    assert _RUN is not None
    options = {"retries": max(spec.max_attempts - 1, 0), "retry_delay": spec.retry_delay,
               "retry_backoff": 2}
    if delay > 0:
        _RUN.schedule(args=(run_id,), delay=delay, **options)
    else:
        _RUN(run_id, **options)
