"""Language access: gettext catalogs (Babel), the customer's language, locale formatting.

The API other areas use (mail templates, letters, notifications):

    from app import i18n
    t = i18n.translator("es")              # gettext for the public catalog, Spanish
    t.gettext("Fares and passes")
    i18n.translator("vi", i18n.RECEIPT)    # another catalog
    i18n.format_money(1250, "vi")          # '12,50 US$' (integer cents in, never float)
    i18n.format_date(day, "ru"); i18n.format_datetime(moment, "ko")
    i18n.locale_context("zh_Hant")         # put in a template's context as ``i18n``: then
                                           # {% trans %} / _() and i18n.money(...) speak it

A new catalog (for example customer letters) is a Domain in domains.py with its mapping file;
its vital documents are registered in vital.py.
"""

from app.i18n.catalogs import Translator, translator
from app.i18n.domains import PUBLIC, RECEIPT, STAFF, Domain
from app.i18n.formatting import format_date, format_datetime, format_money, format_month, format_number
from app.i18n.jinja import LocaleContext, locale_context
from app.i18n.languages import SHIPPED, SOURCE, Language, enabled

__all__ = [
    "PUBLIC", "RECEIPT", "SHIPPED", "SOURCE", "STAFF", "Domain", "Language", "LocaleContext",
    "Translator", "enabled", "format_date", "format_datetime", "format_money", "format_month",
    "format_number", "locale_context", "translator",
]
