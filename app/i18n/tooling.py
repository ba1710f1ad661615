"""Extract, update and compile the catalogs (``faredesk i18n …``, ``make i18n``).

extract: each domain's mapping file (app/i18n/mapping/<domain>.cfg) → app/translations/<domain>.pot
update:  merge the .pot into each language's .po (new messages arrive untranslated)
compile: .po → .mo beside it. The .mo files are committed, so a fresh clone runs without this
         step; tests/unit/test_i18n_catalogs.py fails when a .mo is stale.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from app.i18n import languages
from app.i18n.domains import DOMAINS, ROOT, Domain

PROJECT = "faredesk"
#: Every shipped translation starts as a draft: written by a developer, not yet accepted by a
#: human reviewer. /admin/languages records acceptance (who, when) per language and catalog.
DRAFT_NOTE = ("DRAFT translation written by a faredesk developer; not yet accepted by a human "
              "reviewer (see /admin/languages).")


def extract(domain: Domain) -> Catalog:
    with domain.mapping_file.open() as fh:
        method_map, options_map = parse_mapping_cfg(fh, filename=str(domain.mapping_file))
    catalog = Catalog(project=PROJECT, domain=domain.name, charset="utf-8",
                      creation_date=datetime(2026, 12, 1, tzinfo=UTC))
    for filename, lineno, message, comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, strip_comment_tags=True):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def write_catalog(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_output=False, omit_header=False)
    path.write_bytes(buffer.getvalue())


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def update(domain: Domain, template: Catalog, locale: str) -> Catalog:
    path = domain.po_file(locale)
    if path.exists():
        catalog = read_catalog(path, locale)
    else:
        catalog = Catalog(locale=locale, project=PROJECT, domain=domain.name, charset="utf-8")
        catalog.header_comment = f"# {languages.get(locale).english_name} ({locale}).\n# {DRAFT_NOTE}"
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    catalog.fuzzy = False  # the header: drafts are marked in it, not by gettext's fuzzy flag
    write_catalog(catalog, path)
    return catalog


def compile_one(domain: Domain, locale: str) -> Path:
    catalog = read_catalog(domain.po_file(locale), locale)
    out = domain.mo_file(locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    out.write_bytes(buffer.getvalue())
    return out


def compiled_bytes(domain: Domain, locale: str) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, read_catalog(domain.po_file(locale), locale), use_fuzzy=False)
    return buffer.getvalue()


def run(step: str) -> list[str]:
    """extract | update (extract + update) | compile | all; returns what it wrote."""
    done: list[str] = []
    for domain in DOMAINS:
        if step in ("extract", "update", "all"):
            template = extract(domain)
            write_catalog(template, domain.template_file)
            done.append(f"{domain.template_file.relative_to(ROOT)}: {len(template)} messages")
            if step in ("update", "all") and domain.translated:
                for language in languages.SHIPPED:
                    if language.code != languages.SOURCE:
                        update(domain, template, language.code)
                        done.append(str(domain.po_file(language.code).relative_to(ROOT)))
        if step in ("compile", "all") and domain.translated:
            for language in languages.SHIPPED:
                if language.code != languages.SOURCE and domain.po_file(language.code).exists():
                    done.append(str(compile_one(domain, language.code).relative_to(ROOT)))
    return done
