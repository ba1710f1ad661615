"""Settings read from the environment (FAREDESK_*), once per process.

`make run` needs none of them: every default is safe for a development machine.
`FAREDESK_ENV=production` refuses to start with a generated or missing secret and
refuses demo seeding.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(RuntimeError):
    """The environment does not describe a runnable configuration."""


@dataclass(frozen=True)
class SettingDoc:
    name: str
    default: str
    meaning: str


# One row per setting: the README's table is generated from the same list (faredesk settings).
SETTINGS_DOC: tuple[SettingDoc, ...] = (
    SettingDoc("FAREDESK_ENV", "development", "`development` or `production`"),
    SettingDoc("FAREDESK_DATABASE_URL", "sqlite:///var/faredesk.sqlite3",
               "`sqlite:///path` or `postgresql://user:pass@host:port/db`"),
    SettingDoc("FAREDESK_DB_POOL_SIZE", "10", "PostgreSQL connection pool size per worker"),
    SettingDoc("FAREDESK_SECRET_KEY", "generated into var/secret_key",
               "signs CSRF tokens; required (32+ characters) in production"),
    SettingDoc("FAREDESK_HOST", "127.0.0.1", "address `faredesk serve` binds"),
    SettingDoc("FAREDESK_PORT", "8000", "port `faredesk serve` binds"),
    SettingDoc("FAREDESK_WORKERS", "1", "server worker processes"),
    SettingDoc("FAREDESK_VAR_DIR", "var", "where the SQLite file, secret and simulator output live"),
    SettingDoc("FAREDESK_SESSION_IDLE_MINUTES", "15", "sign-out after this long without a request"),
    SettingDoc("FAREDESK_SESSION_MAX_HOURS", "12", "absolute session lifetime"),
    SettingDoc("FAREDESK_LOCKOUT_ATTEMPTS", "10", "failed sign-ins that lock an account"),
    SettingDoc("FAREDESK_LOCKOUT_MINUTES", "30", "how long a locked account stays locked"),
    SettingDoc("FAREDESK_HTTPS", "0", "`1` behind an HTTPS proxy: secure cookies and HSTS"),
    SettingDoc("FAREDESK_MAX_BODY_BYTES", "1048576", "largest accepted request body"),
    SettingDoc("FAREDESK_DEMO_PASSWORD", "faredesk-demo", "password of the demo users"),
    SettingDoc("FAREDESK_KIOSK_IDLE_SECONDS", "120", "kiosk auto-lock after this long idle"),
    SettingDoc("FAREDESK_PRINTER_URL", "sim://", "default receipt printer for new terminals"),
    SettingDoc("FAREDESK_TERMINAL_URL", "sim://", "default payment terminal for new terminals"),
    SettingDoc("FAREDESK_CARDREADER_URL", "sim://", "default fare card reader for new terminals"),
    SettingDoc("FAREDESK_DISPLAY_URL", "sim://", "default customer display for new terminals"),
    SettingDoc("FAREDESK_TIMEZONE", "America/Los_Angeles",
               "the agency's time zone: business days and receipts use it"),
    SettingDoc("FAREDESK_LOG_LEVEL", "INFO", "log level"),
    SettingDoc("FAREDESK_VARIANCE_LEAD_LIMIT_CENTS", "500",
               "a lead may accept a drawer over/short up to this many cents; above it a supervisor decides"),
    SettingDoc("FAREDESK_REFUND_OVERRIDE_CENTS", "2000",
               "refunds and voids above this many cents need a supervisor override at the kiosk"),
    SettingDoc("FAREDESK_AGENCY_NAME", "Metro Transit", "agency name printed on receipts"),
    # -- background work, outbox and mail (docs/platform.md) --
    SettingDoc("FAREDESK_JOBS_URL", "the database's engine",
               "job queue storage: `sqlite:///path` (default var/jobs.sqlite3 on SQLite), "
               "`postgresql://…` (default: the application's database), `redis://host:port/db`"),
    SettingDoc("FAREDESK_JOB_LEASE_SECONDS", "300",
               "a job running longer than this without finishing is taken as lost and run again"),
    SettingDoc("FAREDESK_SMTP_URL", "smtp://127.0.0.1:8025",
               "`smtp://[user:pass@]host:port` (add `?starttls=1` for STARTTLS), `smtps://…` for TLS"),
    SettingDoc("FAREDESK_MAIL_FROM", "Metro Transit <no-reply@faredesk.invalid>",
               "sender address of every email"),
    SettingDoc("FAREDESK_MAIL_REPLY_TO", "(none)",
               "reply-to per section: `CSC=csc@agency.example,EMP=emp@agency.example`"),
    SettingDoc("FAREDESK_PUBLIC_URL", "http://127.0.0.1:8000",
               "the address people reach faredesk at (links in emails)"),
    # language access (app/i18n, docs/languages.md)
    SettingDoc("FAREDESK_LANGUAGES", "en,es,zh_Hant,vi,ru,ko,so",
               "languages offered to riders and at the kiosk (English always)"),
    SettingDoc("FAREDESK_CURRENCY", "USD", "currency of amounts shown in a rider's language"),
    SettingDoc("FAREDESK_RECEIPT_FONT", "fonts-wqy-microhei",
               "font file for Chinese and Korean receipts printed as raster images"),
)


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def _env_int(name: str, default: int) -> int:
    raw = _env(name, str(default))
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from exc


def _secret_from_var(var_dir: Path) -> str:
    """Development only: a random secret generated once and kept under var/."""
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    path.write_text(value)
    path.chmod(0o600)
    return value


@dataclass(frozen=True)
class Settings:
    env: str
    database_url: str
    db_pool_size: int
    secret_key: str = field(repr=False)
    host: str
    port: int
    workers: int
    var_dir: Path
    session_idle_minutes: int
    session_max_hours: int
    lockout_attempts: int
    lockout_minutes: int
    https: bool
    max_body_bytes: int
    demo_password: str = field(repr=False)
    kiosk_idle_seconds: int
    printer_url: str
    terminal_url: str
    cardreader_url: str
    display_url: str
    timezone: str
    log_level: str
    refund_override_cents: int = 2000
    agency_name: str = "Metro Transit"
    variance_lead_limit_cents: int = 500
    # -- background work, outbox and mail --
    jobs_url: str = ""
    job_lease_seconds: int = 300
    smtp_url: str = "smtp://127.0.0.1:8025"
    mail_from: str = "Metro Transit <no-reply@faredesk.invalid>"
    mail_reply_to: tuple[tuple[str, str], ...] = ()
    public_url: str = "http://127.0.0.1:8000"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://"))

    @property
    def sim_dir(self) -> Path:
        return self.var_dir / "sim"


def load_settings() -> Settings:
    env = _env("FAREDESK_ENV", "development")
    if env not in ("development", "production"):
        raise SettingsError("FAREDESK_ENV must be 'development' or 'production'")
    var_dir = Path(_env("FAREDESK_VAR_DIR", str(PROJECT_ROOT / "var"))).resolve()
    secret = os.environ.get("FAREDESK_SECRET_KEY", "").strip()
    if env == "production":
        if len(secret) < 32:
            raise SettingsError(
                "FAREDESK_SECRET_KEY must be set to a random value of 32+ characters in production"
            )
    elif not secret:
        secret = _secret_from_var(var_dir)
    try:
        ZoneInfo(_env("FAREDESK_TIMEZONE", "America/Los_Angeles"))
    except (KeyError, ValueError) as exc:
        raise SettingsError("FAREDESK_TIMEZONE must be an IANA time zone name") from exc
    database_url = _env("FAREDESK_DATABASE_URL", f"sqlite:///{var_dir / 'faredesk.sqlite3'}")
    if not database_url.startswith(("sqlite:///", "postgres://", "postgresql://")):
        raise SettingsError("FAREDESK_DATABASE_URL must start with sqlite:/// or postgresql://")
    return Settings(
        env=env,
        database_url=database_url,
        db_pool_size=_env_int("FAREDESK_DB_POOL_SIZE", 10),
        secret_key=secret,
        host=_env("FAREDESK_HOST", "127.0.0.1"),
        port=_env_int("FAREDESK_PORT", 8000),
        workers=_env_int("FAREDESK_WORKERS", 1),
        var_dir=var_dir,
        session_idle_minutes=_env_int("FAREDESK_SESSION_IDLE_MINUTES", 15),
        session_max_hours=_env_int("FAREDESK_SESSION_MAX_HOURS", 12),
        lockout_attempts=_env_int("FAREDESK_LOCKOUT_ATTEMPTS", 10),
        lockout_minutes=_env_int("FAREDESK_LOCKOUT_MINUTES", 30),
        https=_env("FAREDESK_HTTPS", "0") in ("1", "true", "yes"),
        max_body_bytes=_env_int("FAREDESK_MAX_BODY_BYTES", 1024 * 1024),
        demo_password=_env("FAREDESK_DEMO_PASSWORD", "faredesk-demo"),
        kiosk_idle_seconds=_env_int("FAREDESK_KIOSK_IDLE_SECONDS", 120),
        printer_url=_env("FAREDESK_PRINTER_URL", "sim://"),
        terminal_url=_env("FAREDESK_TERMINAL_URL", "sim://"),
        cardreader_url=_env("FAREDESK_CARDREADER_URL", "sim://"),
        display_url=_env("FAREDESK_DISPLAY_URL", "sim://"),
        timezone=_env("FAREDESK_TIMEZONE", "America/Los_Angeles"),
        log_level=_env("FAREDESK_LOG_LEVEL", "INFO"),
        variance_lead_limit_cents=_env_int("FAREDESK_VARIANCE_LEAD_LIMIT_CENTS", 500),
        refund_override_cents=_env_int("FAREDESK_REFUND_OVERRIDE_CENTS", 2000),
        agency_name=_env("FAREDESK_AGENCY_NAME", "Metro Transit"),
        **_platform_settings(var_dir, database_url),
    )


def _platform_settings(var_dir: Path, database_url: str) -> dict[str, Any]:
    """Job queue, SMTP and mail settings (docs/platform.md)."""
    jobs_url = _env("FAREDESK_JOBS_URL", "")
    if not jobs_url:
        jobs_url = (database_url if database_url.startswith(("postgres://", "postgresql://"))
                    else f"sqlite:///{var_dir / 'jobs.sqlite3'}")
    if not jobs_url.startswith(("sqlite:///", "postgres://", "postgresql://", "redis://")):
        raise SettingsError("FAREDESK_JOBS_URL must start with sqlite:///, postgresql:// or redis://")
    smtp_url = _env("FAREDESK_SMTP_URL", "smtp://127.0.0.1:8025")
    if not smtp_url.startswith(("smtp://", "smtps://")):
        raise SettingsError("FAREDESK_SMTP_URL must start with smtp:// or smtps://")
    reply_to = []
    for part in _env("FAREDESK_MAIL_REPLY_TO", "").split(","):
        code, _, address = part.partition("=")
        if part.strip() and (not code.strip() or "@" not in address):
            raise SettingsError("FAREDESK_MAIL_REPLY_TO must read SECTION=address,SECTION=address")
        if part.strip():
            reply_to.append((code.strip().upper(), address.strip()))
    return {
        "jobs_url": jobs_url,
        "job_lease_seconds": _env_int("FAREDESK_JOB_LEASE_SECONDS", 300),
        "smtp_url": smtp_url,
        "mail_from": _env("FAREDESK_MAIL_FROM", "Metro Transit <no-reply@faredesk.invalid>"),
        "mail_reply_to": tuple(reply_to),
        "public_url": _env("FAREDESK_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
    }


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
