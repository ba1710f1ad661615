"""Job runs: enqueue, claim, finish, fail, recover and re-run (the `job_run` table).

A run is claimed with one conditional UPDATE, so a duplicate delivery of the same huey message
(or a recovered run racing a slow one) executes the job once. A run whose worker died keeps
status `running` until its lease passes; `recover_lost` then queues it again, and it counts as an
attempt like any other.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from app import sql
from app.jobs import registry
from app.jobs.tables import JobRun
from app.settings import get_settings

log = logging.getLogger("faredesk.jobs")

QUEUED, RUNNING, RETRYING, DONE, FAILED = "queued", "running", "retrying", "done", "failed"
LIVE = (QUEUED, RUNNING, RETRYING)


def _now() -> datetime:
    return datetime.now(UTC)


def _lease() -> timedelta:
    return timedelta(seconds=get_settings().job_lease_seconds)


async def create(name: str, args: dict[str, Any] | None = None, *, delay: float = 0,
                 rerun_of: int | None = None) -> int:
    """A new queued run (joins the caller's transaction when there is one)."""
    spec = registry.spec(name)
    now = _now()
    row = JobRun(name=name, args=json.dumps(args or {}, sort_keys=True), status=QUEUED,
                 max_attempts=spec.max_attempts, enqueued_at=now,
                 lease_until=now + timedelta(seconds=delay) + _lease(), rerun_of=rerun_of)
    await row.save()
    return int(row.id)


async def claim(run_id: int) -> dict[str, Any] | None:
    """Take the run for this worker, or None when it is done, failed or running elsewhere."""
    now = _now()
    return await sql.fetch_one(
        "UPDATE job_run SET status = {}, attempts = attempts + 1, started_at = {}, "
        "lease_until = {}, finished_at = NULL WHERE id = {} AND (status IN ({}, {}) "
        "OR (status = {} AND lease_until < {})) RETURNING id, name, args, attempts, max_attempts",
        RUNNING, now, now + _lease(), run_id, QUEUED, RETRYING, RUNNING, now,
    )


async def finish(run_id: int, result: Any) -> None:
    text = "" if result is None else str(result)
    await JobRun.update({JobRun.status: DONE, JobRun.finished_at: _now(),
                         JobRun.lease_until: None, JobRun.result: text[:200]}).where(
        JobRun.id == run_id)


async def fail(run_id: int, error: str, *, final: bool, retry_in: float) -> None:
    now = _now()
    values: dict[Any, Any] = {JobRun.last_error: error[:4000], JobRun.finished_at: now}
    if final:
        values |= {JobRun.status: FAILED, JobRun.lease_until: None}
    else:  # huey retries after `retry_in`; recovery waits a lease beyond that
        values |= {JobRun.status: RETRYING,
                   JobRun.lease_until: now + timedelta(seconds=retry_in) + _lease()}
    await JobRun.update(values).where(JobRun.id == run_id)


async def lost_runs(now: datetime | None = None) -> list[dict[str, Any]]:
    """Runs that should have ended by now: their worker died or their queue entry was lost."""
    rows: list[dict[str, Any]] = await JobRun.select(
        JobRun.id, JobRun.name, JobRun.status, JobRun.attempts, JobRun.max_attempts,
    ).where(JobRun.status.is_in(list(LIVE)) & (JobRun.lease_until < (now or _now())))
    return rows


async def give_up(run_id: int, reason: str) -> None:
    await JobRun.update({JobRun.status: FAILED, JobRun.last_error: reason,
                         JobRun.finished_at: _now(), JobRun.lease_until: None}).where(
        (JobRun.id == run_id) & JobRun.status.is_in(list(LIVE)))


async def get(run_id: int) -> dict[str, Any] | None:
    row: dict[str, Any] | None = await JobRun.select().where(JobRun.id == run_id).first()
    return row


async def recent(limit: int = 50, status: str | None = None) -> list[dict[str, Any]]:
    query = JobRun.select().order_by(JobRun.id, ascending=False).limit(limit)
    if status:
        query = query.where(JobRun.status == status)
    rows: list[dict[str, Any]] = await query
    return rows


async def last_runs() -> dict[str, dict[str, Any]]:
    """The latest run of each job name."""
    rows = await sql.fetch(
        "SELECT r.name, r.status, r.enqueued_at, r.started_at, r.finished_at, r.result, "
        "r.last_error FROM job_run r JOIN (SELECT name, MAX(id) AS id FROM job_run "
        "GROUP BY name) m ON m.id = r.id"
    )
    return {row["name"]: row for row in rows}


async def counts_by_status() -> dict[str, int]:
    rows = await sql.fetch("SELECT status, COUNT(*) AS n FROM job_run GROUP BY status")
    return {row["status"]: int(row["n"]) for row in rows}


async def touch_lease(run_id: int) -> None:
    """A lost run handed to the queue again: give it a new lease before another recovery."""
    await JobRun.update({JobRun.lease_until: _now() + _lease()}).where(
        (JobRun.id == run_id) & JobRun.status.is_in([QUEUED, RETRYING]))
