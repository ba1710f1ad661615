"""The shipped catalogs: complete in every language, compiled, and in step with the sources."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.i18n import languages, tooling
from app.i18n.domains import DOMAINS, PUBLIC, RECEIPT
from app.i18n.formatting import format_money
from app.i18n.negotiation import choose, parse_accept_language

TRANSLATED = [language.code for language in languages.SHIPPED if language.code != languages.SOURCE]
CATALOGS = [domain for domain in DOMAINS if domain.translated]


def ids(catalog) -> set[str]:  # type: ignore[no-untyped-def]
    return {str(message.id) for message in catalog if message.id}


@pytest.mark.parametrize("domain", DOMAINS, ids=lambda d: d.name)
def test_the_templates_are_in_step_with_the_sources(domain) -> None:  # type: ignore[no-untyped-def]
    """`faredesk i18n update` was run after the last change to a wrapped string."""
    assert ids(tooling.extract(domain)) == ids(tooling.read_catalog(domain.template_file))


@pytest.mark.parametrize("domain", CATALOGS, ids=lambda d: d.name)
@pytest.mark.parametrize("code", TRANSLATED)
def test_every_message_is_translated_and_compiled(domain, code: str) -> None:  # type: ignore[no-untyped-def]
    catalog = tooling.read_catalog(domain.po_file(code), code)
    assert ids(catalog) == ids(tooling.read_catalog(domain.template_file))
    untranslated = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert untranslated == []
    # placeholders survive translation
    for message in catalog:
        if message.id:
            for name in ("%(day)s", "%(low)s", "%(high)s", "%(cap)s", "{receipt}", "{reason}",
                         "{name}", "{serial}", "{start}", "{end}"):
                assert (name in str(message.id)) == (name in str(message.string)), (message.id, code)
    # the committed .mo is what the .po compiles to
    assert domain.mo_file(code).read_bytes() == tooling.compiled_bytes(domain, code)


def test_shipped_catalogs_are_marked_as_drafts() -> None:
    for domain in (PUBLIC, RECEIPT):
        for code in TRANSLATED:
            assert "DRAFT translation" in domain.po_file(code).read_text(encoding="utf-8")


def test_money_is_formatted_from_integer_cents_per_locale() -> None:
    assert format_money(123450, "en") == "$1,234.50"
    assert format_money(123450, "vi") == "1.234,50\xa0US$"
    assert format_money(-5, "es") == "-$0.05"
    with pytest.raises(TypeError):
        format_money(12.5, "en")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        format_money(Decimal("12.50"), "en")  # type: ignore[arg-type]


def test_accept_language_parsing_and_choice() -> None:
    assert parse_accept_language("da, en-GB;q=0.8, en;q=0.7, *;q=0.1, fr;q=0") == ["da", "en-GB", "en"]
    assert choose({}, {}, "ko-KR") == "ko"
    assert choose({}, {"faredesk_lang": "ru"}, "ko-KR") == "ru"
    assert choose({"lang": "zh-HK"}, {"faredesk_lang": "ru"}, "ko-KR") == "zh_Hant"
    assert choose({"lang": "klingon"}, {"faredesk_lang": "bogus"}, "") == "en"
    assert languages.normalize("zh-Hans-CN") is None
