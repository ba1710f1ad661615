"""How far each language's catalogs are: messages, translated, and the fingerprint a
reviewer's acceptance is tied to. Read from the shipped .po files (cached per process)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from app.i18n import languages
from app.i18n.domains import DOMAINS, Domain
from app.i18n.tooling import read_catalog

UNTRANSLATED = "untranslated"
DRAFT = "draft"
ACCEPTED = "accepted"


@dataclass(frozen=True)
class Scope:
    """One catalog (template "") or one source file of it, in one language."""

    language: str
    catalog: str
    template: str
    messages: int
    translated: int
    fingerprint: str

    @property
    def complete(self) -> bool:
        return self.messages == self.translated


def _fingerprint(pairs: list[tuple[str, str]]) -> str:
    digest = hashlib.sha256()
    for msgid, msgstr in sorted(pairs):
        digest.update(msgid.encode() + b"\x00" + msgstr.encode() + b"\x01")
    return digest.hexdigest()


def _scope(language: str, domain: Domain, template: str,
           pairs: list[tuple[str, str]]) -> Scope:
    return Scope(language, domain.name, template, len(pairs),
                 sum(1 for _, text in pairs if text), _fingerprint(pairs))


@lru_cache(maxsize=64)
def scopes(language: str, catalog: str) -> tuple[Scope, ...]:
    """The whole catalog first, then each source file (template) of it, in file order."""
    domain = next(d for d in DOMAINS if d.name == catalog)
    path = domain.po_file(language)
    entries: list[tuple[str, str, list[str]]] = []
    if path.exists():
        for message in read_catalog(path, language):
            if not message.id:
                continue
            msgid = str(message.id if isinstance(message.id, str) else message.id[0])
            string = message.string
            text = "" if message.fuzzy or not string else str(
                string if isinstance(string, str) else string[0])
            entries.append((msgid, text, sorted({file for file, _ in message.locations})))
    else:  # never translated: count the template's messages, none translated
        for message in read_catalog(domain.template_file):
            if message.id:
                msgid = str(message.id if isinstance(message.id, str) else message.id[0])
                entries.append((msgid, "", sorted({file for file, _ in message.locations})))
    files: list[str] = []
    for _, _, locations in entries:
        files += [f for f in locations if f not in files]
    whole = _scope(language, domain, "", [(m, t) for m, t, _ in entries])
    per_file = [_scope(language, domain, file, [(m, t) for m, t, locs in entries if file in locs])
                for file in files]
    return (whole, *per_file)


def scope(language: str, catalog: str, template: str = "") -> Scope | None:
    return next((s for s in scopes(language, catalog) if s.template == template), None)


def translated_catalogs() -> list[Domain]:
    return [domain for domain in DOMAINS if domain.translated]


def shipped(language: str) -> bool:
    return language in languages.BY_CODE and language != languages.SOURCE
