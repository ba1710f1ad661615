"""The job system's own sweep: runs whose worker died are run again (or given up)."""

from __future__ import annotations

from app.jobs import queue, registry, runs
from app.jobs.registry import sweep


@sweep("jobs.recover", description="Run again the jobs whose worker stopped mid-run")
async def recover_lost_runs() -> int:
    recovered = 0
    for row in await runs.lost_runs():
        if row["status"] == runs.RUNNING and int(row["attempts"]) >= int(row["max_attempts"]):
            await runs.give_up(int(row["id"]), f"The worker stopped during attempt "
                               f"{row['attempts']} of {row['max_attempts']}; not tried again.")
            continue
        await runs.touch_lease(int(row["id"]))
        queue.submit(int(row["id"]), registry.spec(row["name"]))
        recovered += 1
    return recovered
