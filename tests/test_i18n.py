"""Locale negotiation, per-locale formatting, and complete nb/sv catalogs."""

from __future__ import annotations

import datetime as dt
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from service.i18n import LOCALE_DIR, SUPPORTED, Translator, negotiate, parse_accept_language

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("choice", "header", "default", "expected"),
    [
        ("sv", "nb-NO,nb;q=0.9", "nb", "sv"),  # the user's explicit choice wins
        (None, "sv-SE,sv;q=0.9,en;q=0.8", "nb", "sv"),
        (None, "de-DE,de;q=0.9,en;q=0.5", "nb", "en"),  # first supported one
        (None, "no", "sv", "nb"),  # 'no' and 'nn' are served in Bokmål
        (None, "nn-NO", "sv", "nb"),
        (None, "en;q=0.3,sv;q=0.7", "nb", "sv"),  # ordered by quality
        (None, "fr", "sv", "sv"),  # nothing supported: the default
        (None, None, "sv", "sv"),
        ("xx", None, "nb", "nb"),  # an unknown choice is ignored
        (None, "sv;q=0", "en", "en"),  # q=0 means "not this"
        (None, "en;q=abc,sv", "nb", "sv"),
    ],
)
def test_negotiate(choice: str | None, header: str | None, default: str, expected: str) -> None:
    assert negotiate(choice, header, default) == expected


@pytest.mark.parametrize(
    ("choice", "header", "expected"),
    [
        (None, "nb-NO,nb;q=0.9", "sv"),  # a Swedish questionnaire has no Bokmål: its own language
        (None, "nb-NO,en;q=0.5", "en"),  # the browser's next language the content has
        (None, "sv-SE", "sv"),
        ("nb", "sv-SE", "nb"),  # the language switch is always honoured
    ],
)
def test_negotiate_within_the_contents_languages(
    choice: str | None, header: str | None, expected: str
) -> None:
    assert negotiate(choice, header, "sv", within=["sv", "en"]) == expected


def test_parse_accept_language_drops_duplicates() -> None:
    assert parse_accept_language("nb-NO,no;q=0.9,nn;q=0.8,en") == ["nb", "en"]


@pytest.mark.parametrize(
    ("locale", "value", "digits", "expected"),
    [
        ("nb", 7.5, 1, "7,5"),
        ("sv", 7.5, 1, "7,5"),
        ("en", 7.5, 1, "7.5"),
        ("nb", 362, 1, "362,0"),
        ("nb", 12.25, 2, "12,25"),
        ("en", 593, 0, "593"),
    ],
)
def test_number_format(locale: str, value: float, digits: int, expected: str) -> None:
    assert Translator(locale).number(value, digits) == expected


def test_thousands_use_each_locales_separator() -> None:
    assert Translator("en").number(1234.5) == "1,234.5"
    assert Translator("nb").number(1234.5).replace("\u00a0", " ") == "1 234,5"
    assert Translator("sv").number(1234.5).replace("\u00a0", " ") == "1 234,5"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("nb", "26. november 2026"), ("sv", "26 november 2026"), ("en", "November 26, 2026")],
)
def test_date_format(locale: str, expected: str) -> None:
    assert Translator(locale).date(dt.date(2026, 11, 26)) == expected


def test_translation_and_plural() -> None:
    assert Translator("sv")("Welcome") == "Välkommen"
    assert (
        Translator("nb").ngettext("%(num)s focus area", "%(num)s focus areas", 8)
        == "8 fokusområder"
    )
    assert (
        Translator("nb").ngettext("%(num)s focus area", "%(num)s focus areas", 1) == "1 fokusområde"
    )


def test_every_message_has_nb_and_sv_translations(tmp_path: Path) -> None:
    """Extract afresh from service/ and templates/; every message must be translated."""
    pot = tmp_path / "messages.pot"
    # The keywords are read from the justfile's extraction command: one source of truth.
    justfile = (ROOT / "justfile").read_text(encoding="utf-8")
    keywords = re.findall(r"--keywords (\S+)", justfile)
    assert "N_" in keywords
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run(
        [
            str(pybabel),
            "extract",
            "--mapping-file",
            "babel.cfg",
            "--output-file",
            str(pot),
            *[arg for k in keywords for arg in ("--keywords", k)],
            "--omit-header",
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as f:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    assert wanted, "extraction found no messages"
    for locale in SUPPORTED:
        with (LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as f:
            catalog = read_po(f, locale=locale)
        done = {
            (m.id if isinstance(m.id, str) else m.id[0])
            for m in catalog
            if m.id
            and "fuzzy" not in m.flags
            and (m.string if isinstance(m.string, str) else all(m.string))
        }
        missing = sorted(wanted - done)
        assert not missing, f"{locale}: untranslated messages: {missing}"


@pytest.mark.parametrize("locale", ["nb", "sv", "en"])
@pytest.mark.parametrize(
    ("value", "digits"),
    [(0.0, 1), (-0.0, 1), (-0.04, 1), (0.05, 1), (0.15, 1), (2.25, 1), (1234.5678, 2), (7, 0)],
)
def test_remembered_numbers_are_babels(locale: str, value: float, digits: int) -> None:
    """Numbers are formatted once and remembered; the result is Babel's every time."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    expected = format_decimal(value, format=pattern, locale=locale)
    t = Translator(locale)
    # The sign of zero must not be lost to a cache entry made for the other zero.
    other_zero = 0.0 if math.copysign(1.0, value) < 0 else -0.0
    t.number(other_zero, digits)
    assert t.number(value, digits) == expected
    assert t.number(value, digits) == expected
