"""Message catalogs, locale negotiation, and number/date formatting per locale.

Text is translated at render time: each request (or PDF, or CLI run) gets a
:class:`Translator` bound to its locale. Modules that define messages ahead of
time only mark them with :func:`N_` so extraction finds them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from babel.dates import format_date as babel_format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations

from service.domain.locales import LOCALES
from service.domain.messages import N_

__all__ = ["N_", "Translator", "negotiate", "translator"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = PROJECT_ROOT / "locales"
DOMAIN = "messages"
SUPPORTED = LOCALES
FALLBACK = "en"

# Browsers send several codes for Norwegian; Kompass serves Bokmål for all of them.
_ALIASES = {"nb": "nb", "no": "nb", "nn": "nb", "sv": "sv", "en": "en"}


def supported(code: str | None) -> str | None:
    """The supported locale for a language tag such as ``sv-FI`` or ``no``, if any."""
    if not code:
        return None
    primary = code.strip().replace("_", "-").split("-")[0].lower()
    return _ALIASES.get(primary)


def parse_accept_language(header: str | None) -> list[str]:
    """Supported locales named by an ``Accept-Language`` header, best first."""
    if not header:
        return []
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        locale = supported(tag)
        if locale and quality > 0:
            weighted.append((-quality, position, locale))
    seen: list[str] = []
    for _, _, locale in sorted(weighted):
        if locale not in seen:
            seen.append(locale)
    return seen


def negotiate(
    choice: str | None,
    accept_language: str | None,
    default: str,
    within: Sequence[str] | None = None,
) -> str:
    """The user's explicit choice, else the browser's preference, else ``default``.

    ``within`` limits the browser's preference to the languages a page's content exists in
    (a questionnaire's), so a Norwegian browser opening a Swedish questionnaire gets Swedish
    throughout rather than Norwegian buttons around Swedish questions. An explicit choice
    (the language switch) is always honoured.
    """
    chosen = supported(choice)
    if chosen:
        return chosen
    preferred = [p for p in parse_accept_language(accept_language) if within is None or p in within]
    if preferred:
        return preferred[0]
    return supported(default) or FALLBACK


def compile_catalogs(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Compile every ``.po`` whose ``.mo`` is missing or older; return what was written."""
    written: list[Path] = []
    for po_path in sorted(locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        written.append(mo_path)
    return written


@cache
def _translations(locale: str) -> NullTranslations:
    compile_catalogs()
    return Translations.load(str(LOCALE_DIR), [locale], DOMAIN)


class Translator:
    """Gettext, plural forms and formatting bound to one locale."""

    def __init__(self, locale: str) -> None:
        self.locale = supported(locale) or FALLBACK
        self._t = _translations(self.locale)

    def gettext(self, message: str, **variables: Any) -> str:
        """Translate ``message`` and fill its ``%(name)s`` placeholders."""
        text = self._t.gettext(message)
        return text % variables if variables else text

    def ngettext(self, singular: str, plural: str, n: int, **variables: Any) -> str:
        """Translate with the plural form for ``n``; ``%(num)s`` is ``n``."""
        text = self._t.ngettext(singular, plural, n)
        return text % {"num": n, **variables}

    __call__ = gettext

    def number(self, value: float, digits: int = 1) -> str:
        """A number with a fixed count of decimals: ``7,5`` in nb and sv, ``7.5`` in en."""
        # The sign is part of the key: -0.0 == 0.0, but Babel writes "-0,0" for it.
        return _number(value, digits, self.locale, math.copysign(1.0, value) < 0)

    def percent(self, value: float) -> str:
        """A share as a whole percentage in the locale's style: ``80 %`` in nb and sv, ``80%`` in en."""
        return format_percent(value, locale=self.locale)

    def signed(self, value: float, digits: int = 1) -> str:
        """A difference with its sign: ``+6,0`` / ``−6,0`` (true minus sign)."""
        text = self.number(abs(value), digits)
        if round(value, digits) == 0:
            return text
        return ("+" if value > 0 else "−") + text

    def date(self, value: dt.date, style: str = "long") -> str:
        """A date as a reader of this locale writes it."""
        return babel_format_date(value, format=style, locale=self.locale)

    def isodate(self, value: str | None, style: str = "medium") -> str:
        """A stored ISO date (``2024-01-10``) as this locale writes it; a dash when empty."""
        if not value:
            return "–"
        try:
            return self.date(dt.date.fromisoformat(value[:10]), style)
        except ValueError:
            return value


@lru_cache(maxsize=16384)
def _number(value: float, digits: int, locale: str, negative: bool) -> str:
    """Babel's formatting, remembered: it parses the pattern and looks up the locale's symbols
    on every call, and a results page formats the same few hundred values again on each view."""
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(value, format=pattern, locale=locale)


@cache
def translator(locale: str) -> Translator:
    """A shared translator for ``locale`` (translators are immutable)."""
    return Translator(locale)
