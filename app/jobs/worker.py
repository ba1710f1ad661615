"""`faredesk worker`: the huey consumer that runs faredesk's jobs and periodic sweeps.

Start any number of them, on any number of machines sharing FAREDESK_JOBS_URL (PostgreSQL or
Redis): every run is claimed in the database, and every sweep records what it did under a
unique key, so two workers never do one thing twice. On start a worker runs every sweep once,
so what came due while no worker was running is caught up at once.
"""

from __future__ import annotations

import asyncio
import logging

from app.jobs import registry
from app.jobs.queue import huey

log = logging.getLogger("faredesk.jobs")


async def catch_up() -> list[int]:
    """Queue one run of every sweep (what a worker does when it starts)."""
    from app.jobs.execute import enqueue

    return [await enqueue(spec.name) for spec in registry.load_all().values() if spec.is_sweep]


def run_worker(workers: int = 2) -> None:
    from app.settings import get_settings

    logging.basicConfig(level=get_settings().log_level.upper(), force=True,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    instance = huey()
    asyncio.run(catch_up())
    consumer = instance.create_consumer(workers=workers, worker_type="thread", periodic=True,
                                        check_worker_health=True, scheduler_interval=1)
    log.info("faredesk worker: %s threads on %s", workers, type(instance.storage).__name__)
    consumer.run()
