"""The /admin/languages page's read model: per language and catalog (and template) whether
it is translated, a draft or accepted; the safe-harbor check and the vital documents still
lacking an accepted translation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel import Locale

from app.i18n import languages, rules, status, vital
from app.i18n.tables import LanguagePopulation, ServiceArea, TranslationAcceptance


@dataclass(frozen=True)
class ScopeState:
    scope: status.Scope
    state: str  # untranslated | draft | accepted
    accepted_by: str = ""
    accepted_at: datetime | None = None
    stale: bool = False  # accepted once, changed since


@dataclass
class CatalogState:
    catalog: str
    title: str
    whole: ScopeState
    templates: list[ScopeState]


@dataclass
class LanguageState:
    language: languages.Language
    catalogs: list[CatalogState]


@dataclass(frozen=True)
class HarborRow:
    code: str
    name: str
    people: int
    share: Decimal | None  # percent of the population, for display
    reaches: bool
    shipped: bool
    lacking: list[vital.VitalDocument] = field(default_factory=list)


@dataclass
class SafeHarbor:
    total_population: int | None
    threshold: int
    rows: list[HarborRow]


async def _acceptances() -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    rows = await TranslationAcceptance.select(
        *TranslationAcceptance.all_columns(),
        TranslationAcceptance.accepted_by.full_name.as_alias("accepted_by_name"),
    ).order_by(TranslationAcceptance.id, ascending=False)
    found: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault((row["language"], row["catalog"], row["template"]), []).append(row)
    return found


def _state(scope: status.Scope, accepted: list[dict[str, Any]]) -> ScopeState:
    if not scope.complete:
        return ScopeState(scope, status.UNTRANSLATED, stale=bool(accepted))
    current = next((row for row in accepted if row["fingerprint"] == scope.fingerprint), None)
    if current is None:
        return ScopeState(scope, status.DRAFT, stale=bool(accepted))
    return ScopeState(scope, status.ACCEPTED, current["accepted_by_name"], current["accepted_at"])


def _effective(whole: ScopeState, templates: list[ScopeState]) -> tuple[ScopeState, list[ScopeState]]:
    """A catalog accepted as a whole accepts its templates; all templates accepted accept it."""
    if whole.state == status.ACCEPTED:
        templates = [t if t.state == status.ACCEPTED else ScopeState(
            t.scope, status.ACCEPTED, whole.accepted_by, whole.accepted_at) for t in templates]
    elif templates and all(t.state == status.ACCEPTED for t in templates):
        last = max(templates, key=lambda t: t.accepted_at or datetime.min)
        whole = ScopeState(whole.scope, status.ACCEPTED, last.accepted_by, last.accepted_at)
    return whole, templates


async def language_states() -> list[LanguageState]:
    accepted = await _acceptances()
    out: list[LanguageState] = []
    for language in languages.translated():
        catalogs: list[CatalogState] = []
        for domain in status.translated_catalogs():
            whole_scope, *file_scopes = status.scopes(language.code, domain.name)
            whole = _state(whole_scope, accepted.get((language.code, domain.name, ""), []))
            files = [_state(s, accepted.get((language.code, domain.name, s.template), []))
                     for s in file_scopes]
            whole, files = _effective(whole, files)
            catalogs.append(CatalogState(domain.name, domain.title, whole, files))
        out.append(LanguageState(language, catalogs))
    return out


def _accepted_parts(states: list[LanguageState]) -> dict[str, set[tuple[str, str]]]:
    parts: dict[str, set[tuple[str, str]]] = {}
    for state in states:
        done = parts.setdefault(state.language.code, set())
        for catalog in state.catalogs:
            if catalog.whole.state == status.ACCEPTED:
                done.add((catalog.catalog, ""))
            done.update((catalog.catalog, t.scope.template) for t in catalog.templates
                        if t.state == status.ACCEPTED)
    return parts


def lacking_documents(code: str, accepted: dict[str, set[tuple[str, str]]]) -> list[vital.VitalDocument]:
    done = accepted.get(code, set())
    return [doc for doc in vital.documents()
            if not all(part in done or (part[0], "") in done for part in doc.parts)]


def language_name(code: str) -> str:
    """The language's English name from CLDR ('tl' → 'Tagalog', 'zh_Hant' → 'Chinese …')."""
    english = Locale("en")
    base, _, script = code.partition("_")
    name = english.languages.get(code) or english.languages.get(base) or code
    if script and code not in english.languages:
        return f"{name} ({english.scripts.get(script, script)})"
    return name


async def safe_harbor(states: list[LanguageState]) -> SafeHarbor:
    area = await ServiceArea.objects().first()
    total = int(area.total_population) if area is not None else None
    threshold = rules.safe_harbor_threshold(total)
    accepted = _accepted_parts(states)
    rows: list[HarborRow] = []
    for row in await LanguagePopulation.select().order_by(LanguagePopulation.people, ascending=False):
        code, people = row["language"], int(row["people"])
        share = ((Decimal(people * 100) / Decimal(total)).quantize(Decimal("0.1"), ROUND_HALF_UP)
                 if total else None)
        shipped = code in languages.enabled_codes() and code != languages.SOURCE
        rows.append(HarborRow(code, language_name(code), people, share,
                              rules.reaches_safe_harbor(people, total), shipped,
                              lacking_documents(code, accepted)))
    return SafeHarbor(total, threshold, rows)
