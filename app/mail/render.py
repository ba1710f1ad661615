"""Email bodies from Jinja templates: a subject, a plain-text part and an HTML part.

Templates live in app/templates/mail/: `<name>.subject.txt`, `<name>.txt`, `<name>.html`
(the HTML extends `mail/_layout.html`). Rendering takes a `locale`; templates may use
`{% trans %}` / `_()` (jinja2.ext.i18n), translated by `translations_for(locale)`, which the
language-access work (app/i18n) replaces with its gettext catalogs via `set_translations`.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from app.formatting import register_filters
from app.settings import get_settings

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
Translations = Callable[[str], gettext.NullTranslations]


def _null_translations(locale: str) -> gettext.NullTranslations:
    return gettext.NullTranslations()


_translations_for: Translations = _null_translations


def set_translations(provider: Translations) -> None:
    """Plug in gettext catalogs: provider(locale) -> translations (app/i18n)."""
    global _translations_for
    _translations_for = provider
    _environment.cache_clear()


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


@lru_cache(maxsize=16)
def _environment(locale: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined, extensions=["jinja2.ext.i18n"], trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(_translations_for(locale), newstyle=True)  # type: ignore[attr-defined]
    register_filters(env)
    return env


def render(name: str, context: dict[str, Any], locale: str = "en") -> RenderedMail:
    env = _environment(locale)
    settings = get_settings()
    ctx = {"agency_name": settings.agency_name, "public_url": settings.public_url,
           "locale": locale, **context}
    subject = env.get_template(f"mail/{name}.subject.txt").render(ctx)
    return RenderedMail(
        subject=" ".join(subject.split())[:300],
        text=env.get_template(f"mail/{name}.txt").render(ctx).strip() + "\n",
        html=env.get_template(f"mail/{name}.html").render(ctx),
    )
