"""/admin/jobs (administrators): queues, scheduled sweeps with last and next runs, failures,
and re-running a failed job."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.auth.capabilities import Capability
from app.jobs import overview
from app.jobs.execute import enqueue, rerun
from app.jobs.registry import load_all
from app.web.guards import requires
from app.web.render import page, redirect

ADMIN = [requires(Capability.MANAGE_JOBS)]


@get("/admin/jobs", name="admin.jobs", guards=ADMIN)
async def jobs_page(request: Request) -> Template:
    return page(request, "admin/jobs.html", await overview.overview())


@post("/admin/jobs/runs/{run_id:int}/rerun", name="admin.jobs.rerun", guards=ADMIN)
async def rerun_job(request: Request, run_id: FromPath[int]) -> Redirect:
    new_id = await rerun(run_id)
    return await redirect(request, "/admin/jobs", f"Job run {run_id} queued again as run {new_id}.")


@post("/admin/jobs/sweeps/{name:str}/run", name="admin.jobs.run_sweep", guards=ADMIN)
async def run_sweep(request: Request, name: FromPath[str]) -> Redirect:
    jobs = load_all()
    if name not in jobs or not jobs[name].is_sweep:
        return await redirect(request, "/admin/jobs", "No such sweep.")
    run_id = await enqueue(name)
    return await redirect(request, "/admin/jobs", f"Sweep {name} queued (run {run_id}).")


ROUTES = [jobs_page, rerun_job, run_sweep]
