"""Running one job: claim its run, call the job, record the outcome; and `enqueue`.

Retries: a failing job raises back into huey, which runs it again after `retry_delay` seconds,
doubling each time (huey's retry_backoff), until `max_attempts`; then the run is `failed` with
its error and waits on /admin/jobs for someone to run it again.
"""

from __future__ import annotations

import json
import logging
import traceback
from typing import Any

from app.db import write_transaction
from app.jobs import queue, registry, runs

log = logging.getLogger("faredesk.jobs")


class JobFailed(RuntimeError):
    """Raised back into huey so it schedules the next attempt."""


async def enqueue(name: str, *, delay: float = 0, rerun_of: int | None = None,
                  **kwargs: Any) -> int:
    """Queue job `name` with keyword arguments (JSON values); returns the run id.

    Called inside a business transaction, the run row commits (or rolls back) with it; huey is
    told at once, and a run not yet visible when a worker takes it is picked up again by the
    recovery sweep after its lease.
    """
    spec = registry.spec(name)
    run_id = await runs.create(name, kwargs, delay=delay, rerun_of=rerun_of)
    try:
        queue.submit(run_id, spec, delay)
    except Exception:  # the queue is down: the run waits for the recovery sweep
        log.exception("could not hand job run %s (%s) to the queue", run_id, name)
    return run_id


async def execute(run_id: int, retries_left: int = 0) -> Any:
    """Execute one run (in a worker). Returns the job's result, or None when not claimed."""
    claimed = await runs.claim(run_id)
    if claimed is None:
        log.info("job run %s not claimed (done, failed or running elsewhere)", run_id)
        return None
    spec = registry.spec(claimed["name"])
    args = json.loads(claimed["args"] or "{}")
    attempt, max_attempts = int(claimed["attempts"]), int(claimed["max_attempts"])
    try:
        result = await spec.func(**args)
    except Exception as exc:
        final = retries_left <= 0 or attempt >= max_attempts
        error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=8)}"
        retry_in = spec.retry_delay * (2 ** max(attempt - 1, 0))
        await runs.fail(run_id, error, final=final, retry_in=retry_in)
        log.warning("job %s (run %s) attempt %s/%s failed: %s", spec.name, run_id, attempt,
                    max_attempts, exc)
        if final:
            return None
        raise JobFailed(str(exc)) from exc
    await runs.finish(run_id, result)
    return result


async def rerun(run_id: int) -> int:
    """Queue a failed run again as a new run (the old one keeps its error)."""
    from app.errors import Conflict, NotFound

    async with write_transaction():
        row = await runs.get(run_id)
        if row is None:
            raise NotFound("No such job run.")
        if row["status"] != runs.FAILED:
            raise Conflict("Only a failed job can be run again.")
        args = json.loads(row["args"] or "{}")
    return await enqueue(row["name"], rerun_of=run_id, **args)
