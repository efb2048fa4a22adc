"""Offline interpretation of a free-text answer: cues → status and a level per dimension.

The rules follow the level descriptors of the questionnaires (system: 0 none, 1 depends
on individuals, 2 partly described, 3 adopted and known, 4 part of the management system
and revised regularly; scope from "one unit" to "the whole municipality"; results from
"collected" to "used in decisions"; evaluation from "never" to "compared with others").
A cue that is negated ("ikke vedtatt", "not adopted", "kjenner den ikke") counts as its
opposite. The result carries :class:`Note` reasons that the edge translates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import msgspec

from service.domain.answers import Status
from service.domain.assistant import Note
from service.domain.assistant.lexicon import (
    CLAUSE_SPLIT,
    CONJUNCTIONS,
    CUES,
    ENGLISH,
    NEGATORS,
    QUANTIFIERS,
    SPELLING,
    Cue,
)
from service.domain.messages import N_
from service.domain.questionnaire import Dimension

# How far before a cue a negator still negates it ("no development strategy has been adopted").
NEG_BEFORE = 4
# How far after a verb a Scandinavian negator still negates it ("kjenner den ikke").
NEG_AFTER = 2
# Below this the card asks a clarifying question rather than proposing levels.
ASK_BELOW = 0.5

# Cues whose own wording is already negative; a negator near them does not flip them.
_INHERENTLY_NEGATIVE = frozenset(
    {
        Cue.DONT_KNOW,
        Cue.DENY,
        Cue.NOTHING_DONE,
        Cue.INFORMAL,
        Cue.OUTDATED,
        Cue.LITTLE_USED,
        Cue.NOT_FOLLOWED,
        Cue.SCOPE_NONE,
        Cue.SCOPE_SOME,
        Cue.SCOPE_ONLY,
        Cue.FORMAL_WORD,
        Cue.ONCE,
    }
)
# Cues a following Scandinavian negator can flip (verb-second: "kjenner den ikke").
_VERBAL = frozenset(
    {Cue.ADOPTED, Cue.KNOWN, Cue.EXISTS, Cue.REVISED, Cue.EVALUATED, Cue.RES_ANALYSED}
)

_WORD = re.compile(r"[\w'’:-]+", re.UNICODE)


class Hit(msgspec.Struct, frozen=True):
    """One cue found in one clause, with whether it is negated and the words that matched."""

    cue: Cue
    clause: int
    negated: bool
    phrase: str


class Reading(msgspec.Struct, frozen=True):
    """Every cue in a text, for the rules below and for tests."""

    hits: list[Hit]

    def pos(self, *cues: Cue) -> list[Hit]:
        """Hits of ``cues`` that are not negated."""
        return [h for h in self.hits if h.cue in cues and not h.negated]

    def neg(self, *cues: Cue) -> list[Hit]:
        """Hits of ``cues`` that are negated."""
        return [h for h in self.hits if h.cue in cues and h.negated]

    def together(self, first: Cue, second: Cue) -> Hit | None:
        """A non-negated ``first`` in a clause that also has a non-negated ``second``."""
        clauses = {h.clause for h in self.pos(second)}
        return next((h for h in self.pos(first) if h.clause in clauses), None)


class Proposal(msgspec.Struct, frozen=True):
    """A level for one dimension with its untranslated reason and a confidence."""

    level: int | None
    reason: Note | None
    confidence: float


class RuleResult(msgspec.Struct, frozen=True):
    """What the rules make of a text: status, proposals per dimension, overall confidence."""

    status: Status
    proposals: dict[Dimension, Proposal]
    confidence: float
    reason: Note


def normalise(text: str) -> str:
    """Lower-case ``text``, unify apostrophes and map dialect spellings to standard ones."""
    lowered = text.lower().replace("’", "'").replace("`", "'")
    return _WORD.sub(lambda m: SPELLING.get(m.group(0), m.group(0)), lowered)


def clauses(text: str, lang: str) -> list[str]:
    """Split normalised text into clauses at punctuation and contrastive conjunctions."""
    parts = CLAUSE_SPLIT.get(lang, CLAUSE_SPLIT["en"]).split(f" {text} ")
    return [p.strip() for p in parts if p and p.strip()]


def _is_negator(word: str, lang: str) -> bool:
    family = "en" if lang in ENGLISH else "scandinavian"
    return word in NEGATORS[family] or (family == "en" and word.endswith("n't"))


def _negated(clause: str, start: int, end: int, cue: Cue, lang: str) -> bool:
    if cue in _INHERENTLY_NEGATIVE:
        return False
    if any(_is_negator(w, lang) for w in _WORD.findall(clause[start:end])):
        return False  # the phrase carries its own negation ("not started" is a cue as a whole)
    before = _WORD.findall(clause[:start])
    if any(_is_negator(w, lang) for w in before[-NEG_BEFORE:]):
        return True
    if any(w in QUANTIFIERS and _is_negator(w, lang) for w in before):
        return True
    if lang in ENGLISH or cue not in _VERBAL:
        return False
    for word in _WORD.findall(clause[end:])[:NEG_AFTER]:
        if word in CONJUNCTIONS:
            return False
        if _is_negator(word, lang):
            return True
    return False


def read(text: str, lang: str) -> Reading:
    """Find every cue of ``lang`` in ``text``, clause by clause."""
    hits: list[Hit] = []
    for index, clause in enumerate(clauses(normalise(text), lang)):
        for cue, langs, pattern in CUES:
            if lang not in langs:
                continue
            for match in pattern.finditer(clause):
                negated = _negated(clause, match.start(), match.end(), cue, lang)
                hits.append(Hit(cue, index, negated, match.group(0)))
    return Reading(hits)


def _quote(hits: Iterable[Hit]) -> str:
    phrases: list[str] = []
    for hit in hits:
        if hit.phrase not in phrases:
            phrases.append(hit.phrase)
    return ", ".join(f"“{p}”" for p in phrases[:2])


def _note(message: str, hits: Iterable[Hit] = ()) -> Note:
    return Note(message=message, params={"cues": _quote(hits)})


def _status(r: Reading) -> tuple[Status, float, Note] | None:
    future = r.pos(Cue.FUTURE_START)
    planned = r.pos(Cue.PLANNED) + future
    # What a clause about the future mentions ("an annual report next year") is not practice.
    future_clauses = {h.clause for h in planned}
    practice = [
        h
        for h in r.pos(
            Cue.ADOPTED,
            Cue.ROUTINE,
            Cue.KNOWN,
            Cue.DRAFT,
            Cue.EXISTS,
            Cue.SCOPE_ALL,
            Cue.SCOPE_MOST,
            Cue.SCOPE_SOME,
            Cue.SCOPE_ONLY,
            Cue.INFORMAL,
            Cue.ONCE,
        )
        if h.clause not in future_clauses
    ]
    if r.pos(Cue.DONT_KNOW) and not r.pos(Cue.ADOPTED, Cue.ROUTINE):
        return (
            Status.DONT_KNOW,
            0.85,
            _note(N_("You say you do not know (%(cues)s)."), r.pos(Cue.DONT_KNOW)),
        )
    if planned and (future or not practice):
        return (
            Status.PLANNED,
            0.85 if not practice else 0.65,
            _note(N_("It sounds planned or under way, not yet in use (%(cues)s)."), planned),
        )
    return None


def _system(r: Reading, backoff: list[Proposal]) -> Proposal:
    mgmt = r.pos(Cue.MGMT_SYSTEM)
    # Being part of the management system implies being adopted and documented.
    formal = r.pos(Cue.ADOPTED) + mgmt
    routine = r.pos(Cue.ROUTINE)
    informal = r.pos(Cue.INFORMAL) + r.pos(Cue.ONCE)
    partial = (
        r.pos(Cue.DRAFT, Cue.OUTDATED, Cue.LITTLE_USED, Cue.NOT_FOLLOWED)
        + r.neg(Cue.KNOWN)
        + (r.neg(Cue.ADOPTED) if (formal or r.pos(Cue.DRAFT, Cue.EXISTS, Cue.KNOWN)) else [])
    )
    deny = r.pos(Cue.DENY, Cue.NOTHING_DONE) + r.neg(Cue.EXISTS)
    only = r.pos(Cue.SCOPE_ONLY)
    some = r.pos(Cue.SCOPE_SOME)
    revised_regularly = r.together(Cue.REVISED, Cue.ROUTINE)
    evaluated_regularly = r.together(Cue.EVALUATED, Cue.ROUTINE)
    # The top level: part of the management system and revised on a rhythm (descriptor 4),
    # or evaluated on a rhythm and compared with others.
    top: list[Hit] = []
    if revised_regularly and formal:
        top = [*mgmt, revised_regularly]
    elif evaluated_regularly and formal and r.pos(Cue.COMPARED):
        top = [evaluated_regularly, *r.pos(Cue.COMPARED)]

    if informal:
        if formal:
            return Proposal(
                2,
                _note(
                    N_("Some of it is in place, but it depends on individuals (%(cues)s)."),
                    informal,
                ),
                0.6,
            )
        return Proposal(
            1,
            _note(
                N_("It happens, but depends on individuals or is not written down (%(cues)s)."),
                informal,
            ),
            0.75,
        )
    if partial:
        return Proposal(
            2,
            _note(
                N_(
                    "Partly in place: described, but not adopted, known or kept up to date (%(cues)s)."
                ),
                partial,
            ),
            0.7,
        )
    if top:
        return Proposal(
            4,
            _note(
                N_("Adopted, part of the management system and revised regularly (%(cues)s)."),
                top + formal,
            ),
            0.75,
        )
    if formal:
        return Proposal(
            3,
            _note(N_("Adopted or set down in writing as a fixed arrangement (%(cues)s)."), formal),
            0.75,
        )
    return _system_unanchored(r, backoff, deny=deny, routine=routine, only=only, some=some)


def _system_unanchored(
    r: Reading,
    backoff: list[Proposal],
    *,
    deny: list[Hit],
    routine: list[Hit],
    only: list[Hit],
    some: list[Hit],
) -> Proposal:
    """The System level when nothing says how the arrangement is anchored or adopted."""
    activity = r.pos(Cue.RES_COLLECTED, Cue.RES_ANALYSED, Cue.RES_PRESENTED, Cue.RES_USED)
    deny_clauses = {h.clause for h in deny}
    elsewhere = [h for h in activity + r.pos(Cue.EXISTS) if h.clause not in deny_clauses]
    if deny and not (routine or only or some):
        if elsewhere:
            # Something is done, but the arrangement is denied: it depends on individuals.
            return Proposal(
                1,
                _note(
                    N_("Something is done, but there is no set arrangement (%(cues)s)."),
                    elsewhere + deny,
                ),
                0.6,
            )
        return Proposal(
            0, _note(N_("The text says there is no such arrangement (%(cues)s)."), deny), 0.8
        )
    if routine:
        return Proposal(
            3,
            _note(
                N_("It is done on a regular rhythm, which suggests a set routine (%(cues)s)."),
                routine,
            ),
            0.6,
        )
    if only:
        return Proposal(
            2, _note(N_("It exists, but only in part of the organisation (%(cues)s)."), only), 0.6
        )
    if some:
        return Proposal(
            1, _note(N_("Some units do it on their own initiative (%(cues)s)."), some), 0.55
        )
    # No word about the arrangement itself: what the text says about its reach or its
    # results implies about as much (results used in decisions need at least a routine).
    described = [p for p in backoff if p.level is not None and p.reason is not None]
    if described:
        best = max(described, key=lambda p: p.level or 0)
        return Proposal(min(best.level or 0, 3), best.reason, 0.45)
    exists = r.pos(Cue.EXISTS)
    if exists:
        return Proposal(
            3,
            _note(N_("You say it exists, but not how it is anchored (%(cues)s)."), exists),
            0.45,
        )
    return Proposal(2, None, 0.25)


def _scope(r: Reading) -> Proposal:
    for cue, level, message in (
        (Cue.SCOPE_NONE, 0, N_("Not in use anywhere yet (%(cues)s).")),
        (Cue.SCOPE_ONLY, 1, N_("Only in one unit or field (%(cues)s).")),
        (Cue.SCOPE_SOME, 2, N_("In some units, not all (%(cues)s).")),
        (Cue.SCOPE_MOST, 3, N_("In most sectors and units (%(cues)s).")),
        (Cue.SCOPE_ALL, 4, N_("In the whole municipality (%(cues)s).")),
    ):
        hits = r.pos(cue)
        if hits:
            return Proposal(level, _note(message, hits), 0.7)
    return Proposal(None, None, 0.0)


def _results(r: Reading) -> Proposal:
    if r.pos(Cue.NOT_FOLLOWED):
        return Proposal(
            0,
            _note(N_("The results are not followed up (%(cues)s)."), r.pos(Cue.NOT_FOLLOWED)),
            0.6,
        )
    if r.neg(Cue.RES_ANALYSED):
        return Proposal(
            1,
            _note(
                N_("Results are collected but not analysed (%(cues)s)."), r.neg(Cue.RES_ANALYSED)
            ),
            0.7,
        )
    used = r.pos(Cue.RES_USED)
    if used:
        return Proposal(
            4,
            _note(N_("The analyses are used in decisions and improvements (%(cues)s)."), used),
            0.65,
        )
    presented = r.pos(Cue.RES_PRESENTED)
    if presented:
        return Proposal(
            3,
            _note(
                N_("Results are analysed and presented to management or politicians (%(cues)s)."),
                presented,
            ),
            0.65,
        )
    analysed = r.pos(Cue.RES_ANALYSED)
    if analysed:
        return Proposal(
            2,
            _note(N_("Results are collected and analysed to some extent (%(cues)s)."), analysed),
            0.6,
        )
    collected = r.pos(Cue.RES_COLLECTED)
    if collected:
        level = 2 if r.pos(Cue.ROUTINE) else 1
        return Proposal(level, _note(N_("Results are collected (%(cues)s)."), collected), 0.5)
    return Proposal(None, None, 0.0)


def _evaluation(r: Reading) -> Proposal:
    never = r.neg(Cue.EVALUATED, Cue.REVISED) + r.pos(Cue.OUTDATED)
    if never:
        return Proposal(
            0, _note(N_("It has not been evaluated or revised (%(cues)s)."), never), 0.7
        )
    evaluated = r.pos(Cue.EVALUATED, Cue.REVISED)
    if not evaluated:
        return Proposal(None, None, 0.0)
    if r.pos(Cue.COMPARED):
        return Proposal(
            4,
            _note(
                N_("It is evaluated, compared with others and improved (%(cues)s)."),
                evaluated + r.pos(Cue.COMPARED),
            ),
            0.65,
        )
    regular = r.together(Cue.EVALUATED, Cue.ROUTINE) or r.together(Cue.REVISED, Cue.ROUTINE)
    if regular:
        return Proposal(3, _note(N_("It is evaluated regularly (%(cues)s)."), [regular]), 0.65)
    if r.pos(Cue.ONCE):
        return Proposal(1, _note(N_("It has been evaluated once (%(cues)s)."), evaluated), 0.6)
    return Proposal(2, _note(N_("It is evaluated now and then (%(cues)s)."), evaluated), 0.55)


def interpret_rules(text: str, lang: str, dimensions: Iterable[Dimension]) -> RuleResult:
    """Read ``text`` and propose a status and a level per applicable dimension."""
    dims = list(dimensions)
    reading = read(text, lang)
    status = _status(reading)
    if status is not None:
        kind, confidence, reason = status
        empty = {d: Proposal(None, None, 0.0) for d in dims}
        return RuleResult(kind, empty, confidence, reason)
    scope, results = _scope(reading), _results(reading)
    # Scope "some units" says little about the system; "the whole municipality" says a routine.
    backoff = [results, *([scope] if (scope.level or 0) >= 3 else [])]
    system = _system(reading, backoff)
    proposals: dict[Dimension, Proposal] = {Dimension.SYSTEM: system}
    others = {
        Dimension.SCOPE: scope,
        Dimension.RESULTS: results,
        Dimension.EVALUATION: _evaluation(reading),
    }
    for dim in dims:
        if dim is Dimension.SYSTEM:
            continue
        # After "no system" the follow-ups do not apply (as in the dialog).
        proposals[dim] = Proposal(None, None, 0.0) if system.level == 0 else others[dim]
    reason = system.reason or Note(N_("The text does not say clearly how established this is."))
    return RuleResult(Status.ANSWERED, {d: proposals[d] for d in dims}, system.confidence, reason)
