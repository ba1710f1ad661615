"""Settings come from FAREDESK_* variables; a development machine needs none."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.settings import SETTINGS_DOC, Settings, SettingsError, load_settings

ALL_NAMES = [doc.name for doc in SETTINGS_DOC]


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    for name in ALL_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FAREDESK_VAR_DIR", str(tmp_path))
    return monkeypatch


def test_defaults_need_nothing_set(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    settings = load_settings()
    assert settings.env == "development" and not settings.is_production
    assert settings.database_url == f"sqlite:///{tmp_path / 'faredesk.sqlite3'}"
    assert not settings.is_postgres
    assert (settings.port, settings.session_idle_minutes, settings.session_max_hours) == (8000, 15, 12)
    assert (settings.lockout_attempts, settings.lockout_minutes) == (10, 30)
    assert settings.max_body_bytes == 1024 * 1024 and settings.https is False
    assert settings.demo_password == "faredesk-demo"


def test_development_secret_is_generated_once_and_kept(clean_env: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    first = load_settings().secret_key
    assert len(first) >= 32
    assert (tmp_path / "secret_key").read_text() == first
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"
    assert load_settings().secret_key == first


def test_secret_never_shows_in_repr(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("FAREDESK_SECRET_KEY", "visible-only-to-the-app-" + "z" * 20)
    assert "visible-only" not in repr(load_settings())


def test_production_refuses_a_missing_or_short_secret(clean_env: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    clean_env.setenv("FAREDESK_ENV", "production")
    with pytest.raises(SettingsError, match="FAREDESK_SECRET_KEY"):
        load_settings()
    assert not (tmp_path / "secret_key").exists()  # never falls back to a generated one
    clean_env.setenv("FAREDESK_SECRET_KEY", "short")
    with pytest.raises(SettingsError, match="32"):
        load_settings()
    clean_env.setenv("FAREDESK_SECRET_KEY", "p" * 40)
    assert load_settings().is_production


def test_postgresql_url_switches_engine(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("FAREDESK_DATABASE_URL", "postgresql://app:pw@db.internal:5433/faredesk")
    clean_env.setenv("FAREDESK_DB_POOL_SIZE", "25")
    settings = load_settings()
    assert settings.is_postgres and settings.db_pool_size == 25


@pytest.mark.parametrize(("name", "value", "message"), [
    ("FAREDESK_ENV", "staging", "FAREDESK_ENV"),
    ("FAREDESK_PORT", "eighty", "FAREDESK_PORT must be a whole number"),
    ("FAREDESK_DATABASE_URL", "mysql://x/y", "FAREDESK_DATABASE_URL"),
    ("FAREDESK_TIMEZONE", "Mars/Olympus", "FAREDESK_TIMEZONE"),
])
def test_bad_values_are_refused_with_the_setting_named(
    clean_env: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    clean_env.setenv(name, value)
    with pytest.raises(SettingsError, match=message):
        load_settings()


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("true", True), ("0", False), ("", False)])
def test_https_flag(clean_env: pytest.MonkeyPatch, raw: str, expected: bool) -> None:
    clean_env.setenv("FAREDESK_HTTPS", raw)
    assert load_settings().https is expected


def test_every_setting_is_documented_and_read(clean_env: pytest.MonkeyPatch) -> None:
    """The README table is generated from SETTINGS_DOC: it must name every field."""
    assert len(ALL_NAMES) == len(set(ALL_NAMES))
    fields = {name.removeprefix("FAREDESK_").lower() for name in ALL_NAMES}
    settings_fields = set(Settings.__dataclass_fields__)
    assert settings_fields <= fields | {"var_dir"}, settings_fields - fields
