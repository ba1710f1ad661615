"""The languages faredesk can speak to customers, and which of them this agency turns on.

English is the source language (the msgids); every other shipped language has gettext
catalogs under ``app/translations``. ``FAREDESK_LANGUAGES`` (comma-separated codes, English
always included) picks the ones offered on public pages and at the kiosk.

``receipt`` says how a receipt printer shows the language: ``cp858`` etc. is the code page the
text is encoded in (``ESC t n``); ``raster`` means no code page of a receipt printer holds the
script (Chinese, Korean), so the text is printed as a raster image (see hardware.raster_text).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

from app.settings import SettingsError


@dataclass(frozen=True)
class Language:
    code: str  # gettext catalog name and cookie value: "es", "zh_Hant"
    english_name: str
    native_name: str
    html_lang: str  # BCP 47 for <html lang>: "zh-Hant"
    format_locale: str  # Babel locale for dates, numbers and money: "es_US"
    receipt: str  # code page name, or "raster"
    display: str  # pole display (cp437 only today): "cp437", or "" (it cannot: English)


SOURCE = "en"

SHIPPED: tuple[Language, ...] = (
    Language("en", "English", "English", "en", "en_US", "cp858", "cp437"),
    Language("es", "Spanish", "Español", "es", "es_US", "cp858", "cp437"),
    Language("zh_Hant", "Chinese (Traditional)", "繁體中文", "zh-Hant", "zh_Hant_TW", "raster", ""),
    Language("vi", "Vietnamese", "Tiếng Việt", "vi", "vi_VN", "cp1258", "cp437"),
    Language("ru", "Russian", "Русский", "ru", "ru_RU", "cp866", ""),
    Language("ko", "Korean", "한국어", "ko", "ko_KR", "raster", ""),
    Language("so", "Somali", "Soomaali", "so", "so_SO", "cp858", "cp437"),
)
BY_CODE = {language.code: language for language in SHIPPED}


class UnknownLanguage(SettingsError):
    """FAREDESK_LANGUAGES names a language faredesk does not ship."""


@lru_cache(maxsize=1)
def enabled_codes() -> tuple[str, ...]:
    """The languages this agency offers (FAREDESK_LANGUAGES; default: every shipped one)."""
    raw = os.environ.get("FAREDESK_LANGUAGES", "").strip()
    if not raw:
        return tuple(language.code for language in SHIPPED)
    codes = [SOURCE]
    for part in raw.replace(";", ",").split(","):
        code = normalize(part)
        if code is None:
            raise UnknownLanguage(f"FAREDESK_LANGUAGES names {part.strip()!r}, which faredesk does not ship "
                                  f"(shipped: {', '.join(BY_CODE)})")
        if code not in codes:
            codes.append(code)
    return tuple(codes)


def enabled() -> list[Language]:
    return [BY_CODE[code] for code in enabled_codes()]


def translated() -> list[Language]:
    """Enabled languages that have catalogs (all but the source language)."""
    return [language for language in enabled() if language.code != SOURCE]


def normalize(raw: str) -> str | None:
    """A shipped language code for a tag like 'es-MX', 'zh-TW', 'zh_Hant', 'RU'; None if none.

    Chinese: Traditional is shipped, so zh-TW, zh-HK, zh-MO and zh-Hant map to it; a plain
    'zh' or 'zh-CN' (Simplified) does not match.
    """
    tag = raw.strip().replace("_", "-")
    if not tag:
        return None
    parts = [p.lower() for p in tag.split("-") if p]
    if not parts:
        return None
    base = parts[0]
    if base == "zh":
        rest = set(parts[1:])
        return "zh_Hant" if rest & {"hant", "tw", "hk", "mo"} else None
    for language in SHIPPED:
        if language.code.lower() == base:
            return language.code
    return None


def get(code: str) -> Language:
    try:
        return BY_CODE[code]
    except KeyError:
        raise LookupError(f"no such language: {code!r}") from None
