"""The application factory."""

from __future__ import annotations

import logging
from pathlib import Path

from litestar import Litestar, Request
from litestar.config.csrf import CSRFConfig
from litestar.plugins.htmx import HTMXPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from app import db
from app.auth.sessions import pop_flash
from app.formatting import register_filters
from app.i18n import jinja as i18n_jinja
from app.routes import ROUTE_HANDLERS
from app.settings import Settings, get_settings
from app.states import template_globals as state_globals
from app.web.errors import EXCEPTION_HANDLERS
from app.web.guards import PUBLIC
from app.web.headers import security_headers
from app.web.render import template_can
from app.web.request_guard import csrf_binding, request_guard
from app.web.session_middleware import identify_for_error_page, session_middleware

APP_DIR = Path(__file__).resolve().parent


def _configure_templates() -> TemplateConfig:
    def setup(engine: JinjaTemplateEngine) -> None:
        register_filters(engine.engine)
        i18n_jinja.install(engine.engine)  # {% trans %} / _() in the request's language
        engine.engine.globals["can"] = template_can
        engine.engine.globals.update(state_globals())

    return TemplateConfig(
        directory=APP_DIR / "templates", engine=JinjaTemplateEngine, engine_callback=setup
    )


def _configure_csrf(settings: Settings) -> CSRFConfig:
    return CSRFConfig(
        secret=settings.secret_key,
        cookie_name="faredesk_csrf",
        cookie_secure=settings.https,
        cookie_samesite="strict",
        header_name="x-csrftoken",
    )


async def _clear_shown_flash(request: Request) -> None:
    session_id = getattr(request.state, "clear_flash", None)
    if session_id:
        await pop_flash(session_id)


def _configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    _configure_logging(settings)
    static = create_static_files_router(
        path="/static", directories=[APP_DIR / "static"], name="static", include_in_schema=False,
        opt=PUBLIC,
    )
    return Litestar(
        route_handlers=[*ROUTE_HANDLERS, static],
        plugins=[HTMXPlugin()],
        template_config=_configure_templates(),
        csrf_config=_configure_csrf(settings),
        middleware=[request_guard, session_middleware, csrf_binding],
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        before_send=[security_headers],
        after_response=_clear_shown_flash,
        after_exception=[identify_for_error_page],
        on_startup=[db.start_pool],
        on_shutdown=[db.close_pool],
        request_max_body_size=settings.max_body_bytes,
        openapi_config=None,
        debug=False,
    )
