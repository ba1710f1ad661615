"""The `faredesk` command line."""

from __future__ import annotations

import asyncio
import getpass
import os
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import click

os.environ.setdefault("PICCOLO_CONF", "app.piccolo_conf")


def _run(factory: Callable[[], Awaitable[Any]]) -> Any:
    from app.db import close_pool, start_pool

    async def main() -> Any:
        await start_pool()
        try:
            return await factory()
        finally:
            await close_pool()

    return asyncio.run(main())


@click.group()
@click.pass_context
def main(ctx: click.Context) -> None:
    """faredesk: customer services for a public transit agency."""
    if ctx.invoked_subcommand in (None, "settings"):
        return
    from app.settings import SettingsError, get_settings

    try:  # a configuration problem is one plain line, not a traceback
        get_settings()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc


@main.command()
def migrate() -> None:
    """Apply all database migrations."""
    from app.migrate import migrate as run_migrations

    asyncio.run(run_migrations())
    click.echo("Database is up to date.")


@main.command("seed-demo")
def seed_demo() -> None:
    """Create the demo agency and users (once; later runs change nothing)."""
    from app.seed import demo_logins_text
    from app.seed import seed_demo as run_seed
    from app.settings import SettingsError

    try:
        created = _run(run_seed)
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo("Demo agency created." if created else "Demo agency already present.")
    click.echo(demo_logins_text())


@main.command("create-user")
@click.option("--username", required=True)
@click.option("--full-name", required=True)
@click.option("--role", required=True,
              type=click.Choice(["clerk", "coordinator", "lead", "supervisor", "administrator",
                                 "auditor"]))
@click.option("--section", "sections", multiple=True, help="Section code (repeatable).")
@click.option("--email", default="")
def create_user(username: str, full_name: str, role: str, sections: tuple[str, ...],
                email: str) -> None:
    """Create a user; the password (and PIN for counter roles) is asked for, never an argument."""
    from app.auth.capabilities import PIN_ROLES
    from app.auth.principal import SYSTEM
    from app.auth.roles import Role
    from app.auth.users import UserForm
    from app.auth.users import create_user as create
    from app.errors import ValidationFailed
    from app.org.tables import Section

    password = os.environ.get("FAREDESK_NEW_USER_PASSWORD") or getpass.getpass("Password: ")
    pin = ""
    if Role(role) in PIN_ROLES:
        pin = os.environ.get("FAREDESK_NEW_USER_PIN") or getpass.getpass("Kiosk PIN (digits): ")

    async def work() -> int:
        rows = await Section.select(Section.id, Section.code).where(
            Section.code.is_in(list(sections) or ["-"])
        )
        found = {r["code"]: r["id"] for r in rows}
        missing = [c for c in sections if c not in found]
        if missing:
            raise click.ClickException(f"unknown section code(s): {', '.join(missing)}")
        form = UserForm(username.lower(), full_name, email, role,
                        tuple(found[c] for c in sections))
        return await create(SYSTEM, form, password, pin)

    try:
        user_id = _run(work)
    except ValidationFailed as exc:
        details = "; ".join(f"{k}: {v}" for k, v in exc.field_errors.items())
        raise click.ClickException(f"{exc.message} {details}") from exc
    click.echo(f"Created user {username} (id {user_id}).")


#: The largest request line plus headers the server reads (64 KiB).
MAX_HEADER_BLOCK_BYTES = 64 * 1024


@main.command()
@click.option("--host", default=None, help="Default FAREDESK_HOST (127.0.0.1).")
@click.option("--port", default=None, type=int, help="Default FAREDESK_PORT (8000).")
@click.option("--workers", default=None, type=int, help="Default FAREDESK_WORKERS (1).")
@click.option("--reload", is_flag=True, help="Restart on code changes (development).")
def serve(host: str | None, port: int | None, workers: int | None, reload: bool) -> None:
    """Serve the application with uvicorn."""
    import uvicorn

    from app.settings import get_settings

    settings = get_settings()
    host = host or settings.host
    port = port or settings.port
    click.echo(f"faredesk on http://{host}:{port}  ({'PostgreSQL' if settings.is_postgres else 'SQLite'})")
    uvicorn.run(
        "app.asgi:app", host=host, port=port, workers=workers or settings.workers,
        reload=reload, proxy_headers=settings.https, log_level=settings.log_level.lower(),
        timeout_graceful_shutdown=10,
        # Request headers are bounded at the server (issue 9 item 10): h11 refuses a header
        # block past this size before it is buffered; app.web.request_guard bounds the count.
        http="h11", h11_max_incomplete_event_size=MAX_HEADER_BLOCK_BYTES,
    )


@main.command("settings")
def settings_table() -> None:
    """Print every FAREDESK_* setting, its default and meaning (Markdown)."""
    from app.settings import SETTINGS_DOC

    click.echo("| setting | default | meaning |\n|---|---|---|")
    for doc in SETTINGS_DOC:
        click.echo(f"| `{doc.name}` | {doc.default} | {doc.meaning} |")


# -- background work and development mail (docs/platform.md) --


@main.command()
@click.option("--threads", default=2, type=int, help="Jobs run side by side in this worker.")
def worker(threads: int) -> None:
    """Run background jobs and periodic sweeps (start as many as you like, on any machine)."""
    from app.jobs.worker import run_worker

    run_worker(threads)


@main.command("dev-smtp")
@click.option("--port", default=8025, type=int)
def dev_smtp(port: int) -> None:
    """Development only: an SMTP server on 127.0.0.1 keeping mail under var/dev-mail."""
    from app.mail.devrun import serve_dev_smtp

    serve_dev_smtp(port)


@main.command("dev")
@click.option("--port", default=None, type=int, help="Default FAREDESK_PORT (8000).")
@click.option("--smtp-port", default=8025, type=int, help="The development SMTP server's port.")
def dev(port: int | None, smtp_port: int) -> None:
    """`make run`: the web server with a worker and a loopback SMTP server as child processes."""
    from app.mail.devrun import run_dev

    run_dev(port, smtp_port)


def _add_hardware_commands() -> None:
    try:
        from hardware.cli import hardware
    except ImportError as exc:  # the hardware package is part of this distribution
        print(f"hardware commands unavailable: {exc}", file=sys.stderr)
        return
    main.add_command(hardware)


_add_hardware_commands()


def _add_i18n_commands() -> None:
    from app.i18n.cli import i18n

    main.add_command(i18n)


_add_i18n_commands()
