"""Hints about an evidence file from its text: effective date, relatedness, age.

A hint, not a verdict: the respondent and the coordinator decide. Dates are read in the
forms Norwegian, Swedish and English documents use (2023-05-17, 17.05.2023, 17/5/2023,
17. mai 2023, 17 maj 2023, May 17, 2023); a date right after words such as "vedtatt",
"antagen", "adopted" or "gjelder fra" is taken as the effective date, otherwise the
latest date that is not in the future.
"""

from __future__ import annotations

import datetime as dt
import re

import msgspec

from service.domain.assistant import Note
from service.domain.assistant.interpret import normalise
from service.domain.messages import N_

OUTDATED_YEARS = 4
# Below this share of the indicator's key words found in the document, it seems unrelated.
UNRELATED_BELOW = 0.12
# Documents shorter than this say too little to judge relatedness.
MIN_CHARS = 200

MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        ("januar", "januari", "january", "jan"),
        ("februar", "februari", "february", "feb"),
        ("mars", "march", "mar"),
        ("april", "apr"),
        ("mai", "maj", "may"),
        ("juni", "june", "jun"),
        ("juli", "july", "jul"),
        ("august", "augusti", "aug"),
        ("september", "sept", "sep"),
        ("oktober", "october", "okt", "oct"),
        ("november", "nov"),
        ("desember", "december", "des", "dec"),
    ],
    start=1,
):
    for _name in _names:
        MONTHS[_name] = _number

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE_PATTERNS = [
    re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b"),
    re.compile(r"\b(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>(?:19|20)\d\d)\b"),
    re.compile(rf"\b(?P<d>\d{{1,2}})\.? (?P<mn>{_MONTH})\.? (?P<y>(?:19|20)\d\d)\b"),
    re.compile(rf"\b(?P<mn>{_MONTH})\.? (?P<d>\d{{1,2}}),? (?P<y>(?:19|20)\d\d)\b"),
]
_EFFECTIVE_CUES = re.compile(
    r"(vedtatt|vedteken|vedtak|godkjent|gjeld\w* fra|gjelder fra|ikrafttred\w*|revidert|"
    r"antagen|antagna|antaget|antogs|fastställ\w*|beslutad\w*|gäller från|reviderad|"
    r"adopted|approved|effective|in force|revised)"
)
_CUE_REACH = 80  # characters between a cue word and its date

_STOP_WORDS = """
    og eller som det den der har kan skal ikke med for til fra på av en et ei er var
    och eller som det den där har kan ska inte med för till från på av en ett är var
    and or the that this there have has can shall not with for from into are was were
    kommunen kommune kommunens kommunestyret municipality municipal council
    hvordan hvilke hvor mye også eksempel example exempel både slik such
"""
_STOP = frozenset(_STOP_WORDS.split())
_WORD = re.compile(r"\w+")


class DateFound(msgspec.Struct, frozen=True):
    """A date in the text, and whether it follows a word that marks it as effective."""

    date: dt.date
    effective: bool


def find_dates(text: str) -> list[DateFound]:
    """Every valid date in ``text`` in document order."""
    lowered = text.lower()
    found: list[tuple[int, DateFound]] = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(lowered):
            groups = m.groupdict()
            month = MONTHS.get(groups["mn"]) if groups.get("mn") else int(groups["m"])
            try:
                date = dt.date(int(groups["y"]), month or 0, int(groups["d"]))
            except ValueError:
                continue
            before = lowered[max(0, m.start() - _CUE_REACH) : m.start()]
            found.append((m.start(), DateFound(date, bool(_EFFECTIVE_CUES.search(before)))))
    found.sort(key=lambda p: p[0])
    return [d for _, d in found]


def effective_date(text: str, today: dt.date) -> dt.date | None:
    """The first date marked as effective, else the latest date not in the future."""
    dates = [d for d in find_dates(text) if d.date <= today]
    marked = [d.date for d in dates if d.effective]
    if marked:
        return marked[0]
    return max((d.date for d in dates), default=None)


def _stem(word: str) -> str:
    # Six letters are enough to match inflections across nb/sv/en ("strategien", "strategy").
    return word[:6]


def key_terms(texts: list[str]) -> set[str]:
    """Stems of the content words of the indicator's texts."""
    terms: set[str] = set()
    for text in texts:
        for word in _WORD.findall(normalise(text)):
            if len(word) >= 5 and word not in _STOP and not word.isdigit():
                terms.add(_stem(word))
    return terms


def relevance(document: str, terms: set[str]) -> float:
    """Share of the indicator's key terms that occur in the document."""
    if not terms:
        return 0.0
    present = {_stem(w) for w in _WORD.findall(normalise(document)) if len(w) >= 5}
    return len(terms & present) / len(terms)


class EvidenceHints(msgspec.Struct, frozen=True):
    """What the check found, before translation."""

    effective: dt.date | None
    dates: list[dt.date]
    relevance: float
    unrelated: bool
    outdated: bool
    no_text: bool
    notes: list[Note]


def years_before(today: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` earlier (28 February for a 29 February)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def check_text(text: str, indicator_texts: list[list[str]], today: dt.date) -> EvidenceHints:
    """Effective date, relatedness and age of a document, with notes for the respondent.

    ``indicator_texts`` holds the indicator's texts grouped by language; a document is
    compared with each language's group and the best match counts.
    """
    notes: list[Note] = []
    stripped = text.strip()
    if not stripped:
        notes.append(
            Note(
                message=N_(
                    "No text could be found in this file (it may be a scanned image), so the assistant cannot check it. The coordinator will look at it."
                )
            )
        )
        return EvidenceHints(None, [], 0.0, False, False, True, notes)
    effective = effective_date(stripped, today)
    dates = sorted({d.date for d in find_dates(stripped)})
    score = max((relevance(stripped, key_terms(group)) for group in indicator_texts), default=0.0)
    unrelated = len(stripped) >= MIN_CHARS and score < UNRELATED_BELOW
    outdated = effective is not None and effective < years_before(today, OUTDATED_YEARS)
    if unrelated:
        notes.append(
            Note(
                message=N_(
                    "This document does not seem to be about this indicator: few of its key words appear in it. Is it the right file?"
                )
            )
        )
    if outdated and effective is not None:
        notes.append(
            Note(
                message=N_(
                    "The document seems to date from %(date)s, more than four years ago. Is there a newer version?"
                ),
                params={"date": effective.isoformat()},
            )
        )
    return EvidenceHints(effective, dates, score, unrelated, outdated, False, notes)
