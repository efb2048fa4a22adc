"""Full-text search (SQLite FTS5) over a questionnaire's guidance and the glossary.

The index is built in memory once per process from the questionnaire files, so it always
matches what is installed; uploaded evidence is indexed in the database instead
(``service/storage/evidence_text.py``). Each passage keeps what it is and where it came
from, so every explanation can cite its source.
"""

from __future__ import annotations

import re
import sqlite3
import threading

import msgspec

from service.domain.assistant import Source, SourceKind
from service.domain.assistant.knowledge import Glossary, GlossaryEntry
from service.domain.questionnaire import Questionnaire
from service.storage.evidence_text import fts_query

# Words that make a question a question; they say nothing about what is asked.
_QUESTION_WORDS = """
    hva betyr er det som med en et ei på i om av for og hvordan hvorfor hvem menes mener
    vad betyder är menas med en ett på i om av för och hur varför vem innebär
    what does mean means is the a an of in on for and how why who by term word
"""
QUESTION_WORDS = frozenset(_QUESTION_WORDS.split())
_WORD = re.compile(r"\w+")


class Passage(msgspec.Struct, frozen=True):
    """A searchable passage and how to cite it."""

    kind: SourceKind
    ref: str
    lang: str
    title: str
    text: str


def passages(q: Questionnaire, glossary: Glossary) -> list[Passage]:
    """Every passage of a questionnaire's guidance and of the glossary, in every language."""
    out: list[Passage] = []
    for _, sq, ind in q.indicators():
        for lang in q.locales:
            title = f"{ind.id} {q.text(ind.question, lang)}"
            for field in (ind.why, ind.good_practice, ind.evidence_hint):
                out.append(Passage(SourceKind.GUIDANCE, ind.id, lang, title, q.text(field, lang)))
        del sq
    for dim in q.dimensions:
        for lang in q.locales:
            levels = " ".join(f"{k}: {q.text(v, lang)}" for k, v in sorted(dim.descriptors.items()))
            text = f"{q.text(dim.prompt, lang)} {levels}"
            out.append(
                Passage(SourceKind.GUIDANCE, dim.id.value, lang, q.text(dim.title, lang), text)
            )
    for entry in glossary.entries:
        for lang, definition in entry.definition.items():
            title = ", ".join(entry.terms.get(lang, [])[:2]) or entry.id
            out.append(Passage(SourceKind.GLOSSARY, entry.id, lang, title, definition))
    return out


class KnowledgeIndex:
    """An in-memory FTS5 index of one questionnaire's guidance and the glossary."""

    def __init__(self, q: Questionnaire, glossary: Glossary) -> None:
        self.q = q
        self.glossary = glossary
        self._lock = threading.Lock()  # one connection, shared by request threads
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute(
            "CREATE VIRTUAL TABLE passages USING fts5(kind UNINDEXED, ref UNINDEXED, "
            "lang UNINDEXED, title, text, tokenize='unicode61 remove_diacritics 2')"
        )
        self._db.executemany(
            "INSERT INTO passages (kind, ref, lang, title, text) VALUES (?, ?, ?, ?, ?)",
            [(p.kind.value, p.ref, p.lang, p.title, p.text) for p in passages(q, glossary)],
        )

    def language(self, lang: str) -> str:
        """The language to search in: the respondent's, or the questionnaire's default."""
        return lang if lang in self.q.locales else self.q.default_locale

    def glossary_match(self, question: str, lang: str) -> tuple[GlossaryEntry, Source] | None:
        """The glossary entry whose name (in any language) appears in the question; longest wins."""
        lowered = " ".join(_WORD.findall(question.lower()))
        best: tuple[int, GlossaryEntry] | None = None
        for entry in self.glossary.entries:
            for terms in entry.terms.values():
                for term in terms:
                    t = " ".join(_WORD.findall(term.lower()))
                    found = t and re.search(rf"(?<!\w){re.escape(t)}", lowered)
                    if found and (best is None or len(t) > best[0]):
                        best = (len(t), entry)
        if best is None:
            return None
        entry = best[1]
        shown = lang if lang in entry.definition else "en"
        title = ", ".join(entry.terms.get(shown, [])[:2]) or entry.id
        source = Source(
            kind=SourceKind.GLOSSARY,
            title=title + (f" ({entry.source})" if entry.source else ""),
            text=entry.definition[shown],
            ref=entry.id,
        )
        return entry, source

    def search(self, question: str, lang: str, limit: int = 3) -> list[Source]:
        """The passages that match the question best, in the respondent's language."""
        words = [w for w in _WORD.findall(question.lower()) if w not in QUESTION_WORDS]
        query = fts_query(" ".join(words))
        if not query:
            return []
        wanted = lang if lang in {"nb", "sv", "en"} else "en"
        with self._lock:
            rows = self._db.execute(
                "SELECT kind, ref, title, text FROM passages WHERE passages MATCH ? "
                "AND lang IN (?, ?) ORDER BY (lang = ?) DESC, bm25(passages) LIMIT ?",
                [query, wanted, self.language(lang), wanted, limit],
            ).fetchall()
        return [Source(kind=SourceKind(r[0]), ref=r[1], title=r[2], text=r[3]) for r in rows]
