"""Reviewing translations and recording the service area's languages (the /admin/languages
page's services). Every change is one transaction with its audit event.

Accepting: an administrator accepts one language's catalog, or one template of it, as it reads
now; the row keeps the fingerprint of the messages and translations, so a later edit of the
catalog turns it back into a draft until accepted again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from babel import Locale, UnknownLocaleError

from app.audit.services import record
from app.auth.principal import Principal
from app.auth.roles import Role
from app.db import write_transaction
from app.errors import Forbidden, NotFound, ValidationFailed
from app.i18n import status
from app.i18n.tables import LanguagePopulation, ServiceArea, TranslationAcceptance

MAX_PEOPLE = 10**10


def _now() -> datetime:
    return datetime.now(UTC)


def _require_reviewer(actor: Principal) -> None:
    """Accepting translations and entering the service area's figures is configuration."""
    if actor.role != Role.ADMINISTRATOR:
        raise Forbidden("Only an administrator reviews translations and the service area's languages.")


async def accept(actor: Principal, *, language: str, catalog: str, template: str = "",
                 note: str = "") -> int:
    """Record that `actor` accepted this language's catalog (or template) as it reads now."""
    _require_reviewer(actor)
    if not status.shipped(language) or catalog not in {d.name for d in status.translated_catalogs()}:
        raise NotFound("No such translation.")
    scope = status.scope(language, catalog, template)
    if scope is None:
        raise NotFound("No such template in that catalog.")
    if not scope.complete:
        raise ValidationFailed(
            f"{scope.messages - scope.translated} messages are not translated yet: "
            "translate them before accepting.")
    async with write_transaction():
        row = TranslationAcceptance(
            language=language, catalog=catalog, template=template, fingerprint=scope.fingerprint,
            messages=scope.messages, accepted_by=actor.id, accepted_at=_now(), note=note[:500])
        await row.save()
        await record(actor, "translation.accept", "translation", f"{language}/{catalog}/{template}",
                     {"language": language, "catalog": catalog, "template": template,
                      "messages": scope.messages, "fingerprint": scope.fingerprint[:12],
                      "note": note[:500]})
    return int(row.id)


@dataclass
class PopulationForm:
    """The safe-harbor figures as typed: total population and people per language code."""

    total: str = ""
    people: dict[str, str] = field(default_factory=dict)
    new_language: str = ""
    new_people: str = ""


def _whole(raw: str, name: str, errors: dict[str, str]) -> int | None:
    cleaned = raw.strip().replace(",", "").replace(" ", "")
    if not cleaned:
        return None
    if not (cleaned.isascii() and cleaned.isdigit()) or int(cleaned) > MAX_PEOPLE:
        errors[name] = "Enter a whole number of people (0 or more)."
        return None
    return int(cleaned)


def language_code(raw: str) -> str | None:
    """A CLDR language code ('es', 'zh_Hant', 'tl'), or None if Babel does not know it."""
    tag = raw.strip().replace("-", "_")
    if not tag or len(tag) > 20:
        return None
    try:
        locale = Locale.parse(tag)
    except (UnknownLocaleError, ValueError):
        return None
    return "_".join(p for p in (locale.language, locale.script) if p)


async def save_population(actor: Principal, form: PopulationForm) -> None:
    """Store the total and each language's count (a blank count removes the language)."""
    _require_reviewer(actor)
    errors: dict[str, str] = {}
    total = _whole(form.total, "total", errors)
    counts: dict[str, int | None] = {code: _whole(raw, f"people_{code}", errors)
                                     for code, raw in form.people.items()}
    if form.new_language.strip() or form.new_people.strip():
        code = language_code(form.new_language)
        if code is None:
            errors["new_language"] = "Enter a language code such as tl (Tagalog) or ar (Arabic)."
        elif code in counts and counts[code] is not None:
            errors["new_language"] = "That language is in the list already: change its row."
        people = _whole(form.new_people, "new_people", errors)
        if people is None and "new_people" not in errors:
            errors["new_people"] = "Enter how many people speak it with limited English."
        if code is not None and people is not None:
            counts[code] = people
    if errors:
        raise ValidationFailed("Please correct the figures marked below.", field_errors=errors)
    async with write_transaction():
        now = _now()
        area = await ServiceArea.objects().first()
        if total is not None and (area is None or int(area.total_population) != total):
            if area is None:
                await ServiceArea(total_population=total, updated_by=actor.id, updated_at=now).save()
            else:
                await ServiceArea.update({ServiceArea.total_population: total,
                                          ServiceArea.updated_by: actor.id,
                                          ServiceArea.updated_at: now}).where(ServiceArea.id == area.id)
            await record(actor, "service_area.total", "service_area", 1, {"total_population": total})
        existing = {row["language"]: row for row in await LanguagePopulation.select()}
        for code, people in counts.items():
            row = existing.get(code)
            if people is None:
                if row is not None:
                    await LanguagePopulation.delete().where(LanguagePopulation.id == row["id"])
                    await record(actor, "language_population.remove", "language_population", code,
                                 {"language": code, "people_before": int(row["people"])})
                continue
            if row is None:
                await LanguagePopulation(language=code, people=people, updated_by=actor.id,
                                         updated_at=now).save()
            elif int(row["people"]) != people:
                await LanguagePopulation.update({
                    LanguagePopulation.people: people, LanguagePopulation.updated_by: actor.id,
                    LanguagePopulation.updated_at: now}).where(LanguagePopulation.id == row["id"])
            else:
                continue
            await record(actor, "language_population.set", "language_population", code,
                         {"language": code, "people": people,
                          "people_before": int(row["people"]) if row else None})
