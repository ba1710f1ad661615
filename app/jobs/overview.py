"""What /admin/jobs shows: the queue, each job and sweep with its last and next run, failures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from huey import crontab

from app.jobs import queue, registry, runs


def next_run(schedule: dict[str, str], now: datetime, horizon_days: int = 8) -> datetime | None:
    """The next minute the crontab fires after `now` (UTC), searched minute by minute."""
    matches = crontab(**schedule)
    moment = now.replace(second=0, microsecond=0, tzinfo=None) + timedelta(minutes=1)
    for _ in range(horizon_days * 24 * 60):
        if matches(moment):
            return moment.replace(tzinfo=UTC)
        moment += timedelta(minutes=1)
    return None


def queue_state() -> dict[str, Any]:
    instance = queue.huey()
    try:
        return {"storage": type(instance.storage).__name__, "pending": instance.pending_count(),
                "scheduled": instance.scheduled_count(), "error": ""}
    except Exception as exc:  # the page still shows the database's view
        return {"storage": type(instance.storage).__name__, "pending": None, "scheduled": None,
                "error": str(exc)}


async def overview() -> dict[str, Any]:
    now = datetime.now(UTC)
    last = await runs.last_runs()
    jobs = []
    for spec in sorted(registry.load_all().values(), key=lambda s: (not s.is_sweep, s.name)):
        jobs.append({
            "spec": spec, "last": last.get(spec.name),
            "next": next_run(spec.schedule, now) if spec.schedule else None,
        })
    return {
        "queue": queue_state(), "jobs": jobs, "counts": await runs.counts_by_status(),
        "failed": await runs.recent(50, runs.FAILED), "recent": await runs.recent(30),
    }
