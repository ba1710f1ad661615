"""`make run`: faredesk, a worker and a development SMTP server, stopped together.

The worker and the SMTP server are child processes of `faredesk dev`; when the web server
stops (Ctrl-C, SIGTERM) they are sent SIGTERM and waited for, so nothing is left running.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import click

from app.settings import SettingsError, get_settings

DEV_SMTP_PORT = 8025
CLI = "from app.cli import main; main()"


def serve_dev_smtp(port: int) -> None:
    from app.mail.devserver import DevSmtpServer, maildir_path

    settings = get_settings()
    if settings.is_production:
        raise SettingsError("the development SMTP server does not run with FAREDESK_ENV=production")
    server = DevSmtpServer(maildir_path(settings.var_dir), port=port).start()
    click.echo(f"development SMTP server on 127.0.0.1:{server.port} -> {server.path}")
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    try:
        while not stopping:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


def _child(*args: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", CLI, *args], env=env,  # noqa: S603 (our own CLI)
                            stdin=subprocess.DEVNULL)


def _stop(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            child.terminate()
    for child in children:
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(timeout=5)


def run_dev(port: int | None, smtp_port: int = DEV_SMTP_PORT) -> None:
    settings = get_settings()
    port = port or settings.port
    env = {**os.environ, "FAREDESK_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
           "PICCOLO_CONF": "app.piccolo_conf"}
    env.setdefault("FAREDESK_PUBLIC_URL", f"http://127.0.0.1:{port}")
    children = [_child("dev-smtp", "--port", str(smtp_port), env=env),
                _child("worker", env=env)]
    web = _child("serve", "--port", str(port), env=env)
    signal.signal(signal.SIGTERM, lambda *_: web.terminate())
    try:
        web.wait()
    except KeyboardInterrupt:
        web.terminate()
        web.wait(timeout=15)
    finally:
        _stop(children)
