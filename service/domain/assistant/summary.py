"""Offline extractive summaries: the most representative sentences of respondents' comments.

Each comment is split into sentences; every sentence is compared with the centre of all of
them (cosine over word stems), and sentences are picked by maximal marginal relevance, so
the summary covers what most respondents said without repeating itself. Nothing is
reworded: the chosen sentences are quoted, and the comments they came from are kept.
"""

from __future__ import annotations

import math
import re

import msgspec

from service.domain.assistant import Comment
from service.domain.assistant.interpret import normalise

MIN_WORDS = 4
REDUNDANCY = 0.7  # weight of similarity to already chosen sentences (MMR)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_WORD = re.compile(r"\w+")


class Picked(msgspec.Struct, frozen=True):
    """A chosen sentence and the comment it came from."""

    sentence: str
    comment: Comment


def _vector(text: str) -> dict[str, float]:
    counts: dict[str, float] = {}
    for word in _WORD.findall(normalise(text)):
        if len(word) >= 3:
            stem = word[:6]
            counts[stem] = counts.get(stem, 0.0) + 1.0
    norm = math.sqrt(sum(v * v for v in counts.values())) or 1.0
    return {k: v / norm for k, v in counts.items()}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(k, 0.0) for k, v in a.items())


def representative(comments: list[Comment], max_sentences: int) -> list[Picked]:
    """Up to ``max_sentences`` sentences that best represent the comments, in chosen order."""
    candidates: list[tuple[str, Comment, dict[str, float]]] = []
    seen: set[str] = set()
    for comment in comments:
        for raw in _SENTENCE.split(comment.text.strip()):
            sentence = " ".join(raw.split())
            key = normalise(sentence)
            if len(_WORD.findall(sentence)) < MIN_WORDS or key in seen:
                continue
            seen.add(key)
            candidates.append((sentence, comment, _vector(sentence)))
    if not candidates:
        return []
    centre: dict[str, float] = {}
    for _, _, vec in candidates:
        for k, v in vec.items():
            centre[k] = centre.get(k, 0.0) + v
    norm = math.sqrt(sum(v * v for v in centre.values())) or 1.0
    centre = {k: v / norm for k, v in centre.items()}
    relevance = [_cosine(vec, centre) for _, _, vec in candidates]
    chosen: list[int] = []
    while len(chosen) < min(max_sentences, len(candidates)):
        best, best_score = -1, -math.inf
        for i, (_, _, vec) in enumerate(candidates):
            if i in chosen:
                continue
            overlap = max((_cosine(vec, candidates[j][2]) for j in chosen), default=0.0)
            score = relevance[i] - REDUNDANCY * overlap
            if score > best_score:
                best, best_score = i, score
        chosen.append(best)
    return [Picked(candidates[i][0], candidates[i][1]) for i in chosen]
