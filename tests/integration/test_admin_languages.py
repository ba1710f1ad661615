"""/admin/languages: draft vs accepted per language and catalog, acceptance recorded and
audited, the safe-harbor check and the vital documents still lacking a translation."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from app.audit.tables import AuditEvent
from app.auth.principal import Principal
from app.auth.roles import Role
from app.errors import Forbidden, ValidationFailed
from app.i18n import overview, review, rules, status
from app.i18n.tables import LanguagePopulation, ServiceArea, TranslationAcceptance
from tests.fixtures import Browser, make_user, signed_in


@pytest.fixture(autouse=True)
async def fresh_language_tables() -> None:
    """Each test starts with no figures (acceptances are append-only: tests use their own
    language per case, or compare by count)."""
    await LanguagePopulation.delete(force=True)
    await ServiceArea.delete(force=True)


def row(page: str, testid: str) -> str:
    match = re.search(rf'<tr data-testid="{re.escape(testid)}">(.*?)</tr>', page, re.S)
    assert match, testid
    return match.group(1)


def test_the_safe_harbor_is_five_percent_or_a_thousand_whichever_is_less() -> None:
    assert rules.safe_harbor_threshold(10_000) == 500
    assert rules.safe_harbor_threshold(19_999) == 1_000  # 5 % is 999.95 → 1,000 people
    assert rules.safe_harbor_threshold(2_000_000) == 1_000
    assert rules.safe_harbor_threshold(None) == 1_000
    assert rules.reaches_safe_harbor(500, 10_000) and not rules.reaches_safe_harbor(499, 10_000)


async def test_shipped_translations_start_as_drafts_and_an_administrator_accepts_one(
        browser: Browser, admin: Principal) -> None:
    await signed_in(browser, admin)
    before = await TranslationAcceptance.count().where(TranslationAcceptance.language == "so")
    page = await browser.get("/admin/languages")
    assert page.status_code == 200 and 'href="/admin/languages"' in page.text
    so_receipt = row(page.text, "tr-so-receipt")
    if before == 0:
        assert "draft" in so_receipt and 'data-testid="accept"' in so_receipt
    scope = status.scope("so", "receipt")
    assert scope is not None and f'<td class="num">{scope.messages}</td>' in so_receipt
    response = await browser.post_form("/admin/languages/accept",
                                       {"language": "so", "catalog": "receipt", "template": ""})
    assert response.status_code == 303
    page = await browser.get("/admin/languages")
    accepted = row(page.text, "tr-so-receipt")
    assert "accepted" in accepted and admin.username in accepted, accepted
    assert 'data-testid="accept"' not in accepted
    # a template of the catalog follows its catalog
    assert "accepted" in row(page.text, "tr-so-receipt-app_i18n_receipt_text.py")
    saved = await TranslationAcceptance.select().where(
        TranslationAcceptance.language == "so").order_by(TranslationAcceptance.id, ascending=False).first()
    assert saved["accepted_by"] == admin.id and saved["fingerprint"] == scope.fingerprint
    event = await AuditEvent.select().where(AuditEvent.action == "translation.accept").order_by(
        AuditEvent.id, ascending=False).first()
    assert event["actor"] == admin.id and event["object_id"] == "so/receipt/"


async def test_an_accepted_translation_that_changes_is_a_draft_again(admin: Principal) -> None:
    await review.accept(admin, language="ko", catalog="public", template="app/i18n/public_text.py")
    states = {s.language.code: s for s in await overview.language_states()}
    public = next(c for c in states["ko"].catalogs if c.catalog == "public")
    by_file = {t.scope.template: t for t in public.templates}
    assert by_file["app/i18n/public_text.py"].state == status.ACCEPTED
    assert public.whole.state == status.DRAFT  # the fares page template is not accepted yet
    # the accepted row no longer matches what ships (as after someone edits ko/public.po)
    await TranslationAcceptance.insert(TranslationAcceptance(
        language="ko", catalog="public", template="app/templates/public/fares.html",
        fingerprint="0" * 64, messages=1, accepted_by=admin.id,
        accepted_at=datetime.now(UTC)))
    states = {s.language.code: s for s in await overview.language_states()}
    public = next(c for c in states["ko"].catalogs if c.catalog == "public")
    fares = next(t for t in public.templates if t.scope.template == "app/templates/public/fares.html")
    assert fares.state == status.DRAFT and fares.stale


async def test_only_an_administrator_accepts_and_the_log_is_append_only(admin: Principal) -> None:
    supervisor = await make_user(Role.SUPERVISOR)
    with pytest.raises(Forbidden):
        await review.accept(supervisor, language="vi", catalog="public")
    row_id = await review.accept(admin, language="vi", catalog="public")
    with pytest.raises(Exception, match="append-only"):
        await TranslationAcceptance.update({TranslationAcceptance.note: "x"}).where(
            TranslationAcceptance.id == row_id)


async def test_auditor_reads_the_page_but_cannot_accept(browser: Browser) -> None:
    auditor = await make_user(Role.AUDITOR)
    await signed_in(browser, auditor)
    page = await browser.get("/admin/languages")
    assert page.status_code == 200 and 'data-testid="accept"' not in page.text
    response = await browser.post_form("/admin/languages/accept",
                                       {"language": "vi", "catalog": "public", "template": ""})
    assert response.status_code == 403


async def test_safe_harbor_figures_show_which_languages_lack_vital_documents(
        browser: Browser, admin: Principal) -> None:
    await signed_in(browser, admin)
    response = await browser.post_form("/admin/languages/population", {
        "total": "40,000", "new_language": "tl", "new_people": "2500"})
    assert response.status_code == 303
    await browser.post_form("/admin/languages/population", {
        "total": "40000", "people_tl": "2500", "new_language": "vi", "new_people": "900"})
    await browser.post_form("/admin/languages/population", {
        "total": "40000", "people_tl": "2500", "people_vi": "900", "new_language": "ru",
        "new_people": "1200"})
    page = await browser.get("/admin/languages")
    assert "here 1,000 people" in page.text  # 5 % of 40,000 is 2,000: 1,000 is less
    tagalog = row(page.text, "harbor-tl")
    assert "Tagalog" in tagalog and "reaches it" in tagalog and "no translation shipped" in tagalog
    assert "Printed receipt and customer display" in tagalog and "6.3 %" in tagalog
    vietnamese = row(page.text, "harbor-vi")
    assert "below" in vietnamese and "no translation shipped" not in vietnamese
    # accepting Russian's catalogs clears its vital documents
    await review.accept(admin, language="ru", catalog="public")
    await review.accept(admin, language="ru", catalog="receipt")
    page = await browser.get("/admin/languages")
    assert "all accepted" in row(page.text, "harbor-ru")
    audit = await AuditEvent.select(AuditEvent.action).where(
        AuditEvent.action.like("language_population.%"))
    assert len(audit) >= 3
    # a blank count removes the language
    await browser.post_form("/admin/languages/population", {
        "total": "40000", "people_tl": "2500", "people_vi": "", "people_ru": "1200"})
    assert await LanguagePopulation.count().where(LanguagePopulation.language == "vi") == 0


async def test_bad_figures_get_a_message_per_field_and_change_nothing(
        browser: Browser, admin: Principal) -> None:
    await signed_in(browser, admin)
    response = await browser.post_form("/admin/languages/population", {
        "total": "lots", "new_language": "zz-not-a-language", "new_people": "-4"})
    assert response.status_code == 400
    assert "Enter a whole number of people" in response.text
    assert "Enter a language code such as tl" in response.text
    assert 'value="lots"' in response.text  # the input comes back as typed
    assert await ServiceArea.count() == 0 and await LanguagePopulation.count() == 0
    with pytest.raises(ValidationFailed):
        await review.save_population(admin, review.PopulationForm(total="12.5"))
