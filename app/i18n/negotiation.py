"""Which language a public request gets: ?lang=, then the kept choice (cookie), then
Accept-Language, then English. Only enabled languages are ever chosen."""

from __future__ import annotations

from collections.abc import Mapping

from app.i18n import languages

COOKIE = "faredesk_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


def parse_accept_language(header: str) -> list[str]:
    """Language tags in order of preference (q descending, then header order); q=0 dropped."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip()
        if not tag or tag == "*":
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)  # a preference weight, never money
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranked.append((-quality, index, tag))
    return [tag for _, _, tag in sorted(ranked)]


def enabled_code(raw: str | None) -> str | None:
    code = languages.normalize(raw or "")
    return code if code in languages.enabled_codes() else None


def choose(query: Mapping[str, str], cookies: Mapping[str, str], accept_language: str) -> str:
    for raw in (query.get("lang"), cookies.get(COOKIE)):
        code = enabled_code(raw)
        if code:
            return code
    for tag in parse_accept_language(accept_language):
        code = enabled_code(tag)
        if code:
            return code
    return languages.SOURCE
