"""Jinja's i18n extension with the request's language.

One Environment serves every request, so the gettext callables installed on it look the
translator up in the template context (``i18n``, set by `public_context`); a template rendered
without one (every staff page) gets English. Templates use ``{% trans %}`` and ``_()``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import jinja2
from jinja2.runtime import Context

from app.i18n import formatting, languages
from app.i18n.catalogs import Translator, translator
from app.i18n.domains import PUBLIC, STAFF


@dataclass(frozen=True)
class LocaleContext:
    """What a template needs to speak one language: its translator and formatters."""

    language: languages.Language
    translator: Translator

    @property
    def code(self) -> str:
        return self.language.code

    def money(self, cents: int | None) -> str:
        return "" if cents is None else formatting.format_money(int(cents), self.code)

    def number(self, value: int) -> str:
        return formatting.format_number(value, self.code)

    def date(self, value: dt.date) -> str:
        return formatting.format_date(value, self.code)

    def month(self, value: dt.date) -> str:
        return formatting.format_month(value, self.code)

    def datetime(self, value: dt.datetime) -> str:
        return formatting.format_datetime(value, self.code)


def locale_context(code: str, domain: Any = PUBLIC) -> LocaleContext:
    return LocaleContext(languages.get(code), translator(code, domain))



def _current(context: Context) -> Translator:
    found = context.get("i18n")
    if isinstance(found, LocaleContext):
        return found.translator
    return translator(languages.SOURCE, STAFF)


@jinja2.pass_context
def _gettext(context: Context, message: str) -> str:
    return _current(context).gettext(message)


@jinja2.pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return _current(context).ngettext(singular, plural, n)


@jinja2.pass_context
def _pgettext(context: Context, ctx: str, message: str) -> str:
    return _current(context).pgettext(ctx, message)


@jinja2.pass_context
def _npgettext(context: Context, ctx: str, singular: str, plural: str, n: int) -> str:
    return _current(context).npgettext(ctx, singular, plural, n)


def install(env: jinja2.Environment) -> None:
    """Add the i18n extension (newstyle gettext: autoescaped, %(name)s placeholders)."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(  # type: ignore[attr-defined]
        _gettext, _ngettext, newstyle=True, pgettext=_pgettext, npgettext=_npgettext)
    from app.i18n.kiosk import customer_language

    languages.enabled_codes()  # a wrong FAREDESK_LANGUAGES stops the start, not a request

    env.globals["customer_languages"] = languages.enabled
    env.globals["kiosk_customer_language"] = customer_language
