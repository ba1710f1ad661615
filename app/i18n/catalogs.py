"""Compiled catalogs at run time: one Translator per (language, catalog), loaded once.

A lookup that finds no translation falls back to the English msgid, as gettext does, but is
also remembered in ``Translator.missing`` and logged once: the tests render every public page
and receipt in every language and fail on any fallback.
"""

from __future__ import annotations

import gettext as gettext_module
import logging
import threading
from functools import lru_cache

from babel.support import NullTranslations, Translations

from app.i18n import languages
from app.i18n.domains import DOMAINS, PUBLIC, TRANSLATIONS, Domain

TRANSLATED_DOMAINS = tuple(d for d in DOMAINS if d.translated)

log = logging.getLogger("faredesk.i18n")


class Translator:
    """gettext for one language and one catalog, with fallbacks recorded."""

    def __init__(self, locale: str, domain: Domain, translations: gettext_module.NullTranslations) -> None:
        self.locale = locale
        self.domain = domain
        self._translations = translations
        self._catalog: dict[object, str] = getattr(translations, "_catalog", {})
        self.missing: set[str] = set()
        self._lock = threading.Lock()

    @property
    def is_source(self) -> bool:
        return self.locale == languages.SOURCE

    def _miss(self, msgid: str) -> None:
        if self.is_source or msgid in self.missing:
            return
        with self._lock:
            self.missing.add(msgid)
        log.warning("no %s translation in catalog %s for %r", self.locale, self.domain.name, msgid)

    def gettext(self, message: str) -> str:
        if not self.is_source and not self._catalog.get(message):
            self._miss(message)
        return self._translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if not self.is_source and not self._catalog.get((singular, 0)):
            self._miss(singular)
        return self._translations.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        if not self.is_source and not self._catalog.get(f"{context}\x04{message}"):
            self._miss(f"{context}|{message}")
        return self._translations.pgettext(context, message)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        if not self.is_source and not self._catalog.get((f"{context}\x04{singular}", 0)):
            self._miss(f"{context}|{singular}")
        return self._translations.npgettext(context, singular, plural, n)

    # the names templates and Python code use
    _ = gettext


@lru_cache(maxsize=64)
def translator(locale: str, domain: Domain = PUBLIC) -> Translator:
    """The translator for a language (a shipped code; anything else gets English)."""
    code = locale if locale in languages.BY_CODE else languages.SOURCE
    if code == languages.SOURCE:
        return Translator(code, domain, NullTranslations())
    loaded = Translations.load(str(TRANSLATIONS), [code], domain.name)
    if not isinstance(loaded, Translations):  # no compiled catalog: a packaging fault, say so
        log.error("no compiled %s catalog for %s under %s", domain.name, code, TRANSLATIONS)
    return Translator(code, domain, loaded)


def missing_messages() -> dict[tuple[str, str], set[str]]:
    """Every fallback recorded so far, by (language, catalog)."""
    found: dict[tuple[str, str], set[str]] = {}
    for code in languages.BY_CODE:
        for domain in TRANSLATED_DOMAINS:
            recorded = translator(code, domain).missing
            if recorded:
                found[(code, domain.name)] = set(recorded)
    return found


def reset_missing() -> None:
    for code in languages.BY_CODE:
        for domain in TRANSLATED_DOMAINS:
            translator(code, domain).missing.clear()
