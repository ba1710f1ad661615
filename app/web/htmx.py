"""The one test for an htmx request, beside the HTMX plugin registered in app.main.

htmx sends `HX-Request: true` on every request it makes; the plugin's `HTMXRequest.htmx` reads
the same header. Routes, the kiosk and the error handlers all ask `is_htmx(request)`.
"""

from __future__ import annotations

from litestar.connection import ASGIConnection


def is_htmx(request: ASGIConnection) -> bool:  # type: ignore[type-arg]
    """Whether htmx sent the request: answer with the block that changed, not the page."""
    return request.headers.get("hx-request") == "true"
