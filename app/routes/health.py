"""Health check for load balancers and monitoring."""

from __future__ import annotations

import logging

from litestar import Response, get

from app.db import ping
from app.web.guards import PUBLIC

log = logging.getLogger("faredesk.health")


@get("/healthz", name="healthz", cache=False, opt=PUBLIC)
async def healthz() -> Response[dict[str, str]]:
    try:
        await ping()
    except Exception as exc:  # any failure to reach the database is a 503
        log.warning("health check: database unreachable: %s", type(exc).__name__)
        return Response(
            {"status": "error", "database": "unreachable", "reason": type(exc).__name__},
            status_code=503,
        )
    return Response({"status": "ok", "database": "ok"})


ROUTES = [healthz]
