"""Time-based rules of sign-in, run by the worker (app.jobs)."""

from __future__ import annotations

from app.auth.sessions import end_expired_sessions
from app.jobs.registry import sweep


@sweep("auth.sessions", minute="*/5", description="End sessions past their idle or absolute limit")
async def expired_sessions() -> int:
    return await end_expired_sessions()
