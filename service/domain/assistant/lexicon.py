"""Cue lexicons for reading free-text answers in nb (and nynorsk/dialect), sv and en.

Each cue is a regular expression over normalised text (lower case, dialect spellings
mapped to standard ones by :data:`SPELLING`). Cues are grouped by what they tell an
assessor; :mod:`service.domain.assistant.interpret` weighs them. Scandinavian cues are
applied to both nb and sv text because respondents mix the two (and nynorsk) freely;
English cues only to English text.
"""

from __future__ import annotations

import re
from enum import StrEnum

SCANDINAVIAN = frozenset({"nb", "sv"})
ENGLISH = frozenset({"en"})
ALL = SCANDINAVIAN | ENGLISH

# Nynorsk, dialect and colloquial spellings → the standard form the cues are written in.
SPELLING: dict[str, str] = {
    "ikkje": "ikke",
    "itte": "ikke",
    "inkje": "ikke",
    "int": "inte",
    "nokon": "noen",
    "noko": "noe",
    "nokre": "noen",
    "nåt": "något",
    "nån": "någon",
    "nåra": "några",
    "berre": "bare",
    "heile": "hele",
    "einingar": "enheter",
    "eining": "enhet",
    "vedteken": "vedtatt",
    "vedtekne": "vedtatt",
    "vedteke": "vedtatt",
    "me": "vi",
    "kvart": "hvert",
    "kvar": "hver",
    "leiar": "leder",
    "leiarar": "ledere",
    "elles": "ellers",
    "frå": "fra",
    "hev": "har",
    "vore": "vært",
    "e": "är",
    "dunno": "don't know",
    "nope": "no",
    "yr": "year",
    "yeah": "yes",
}

NEGATORS: dict[str, frozenset[str]] = {
    "scandinavian": frozenset(
        {
            "ikke",
            "inte",
            "ej",
            "aldri",
            "aldrig",
            "ingen",
            "inget",
            "inga",
            "ingenting",
            "hverken",
            "varken",
        }
    ),
    "en": frozenset(
        {
            "not",
            "never",
            "no",
            "nothing",
            "none",
            "neither",
            "nor",
            "don't",
            "doesn't",
            "didn't",
            "hasn't",
            "haven't",
            "isn't",
            "aren't",
            "wasn't",
            "weren't",
            "won't",
            "can't",
        }
    ),
}
# Negating quantifiers reach over the whole clause before a cue ("no strategy has been adopted").
QUANTIFIERS = frozenset({"ingen", "inget", "inga", "ingenting", "no", "nothing", "none", "neither"})

# Words that end the reach of a negation that follows a verb ("kjenner den ikke").
CONJUNCTIONS = frozenset({"og", "och", "and", "men", "but", "samt"})

# Where a clause ends: sentence punctuation, commas, and contrastive conjunctions.
CLAUSE_SPLIT = {
    "nb": re.compile(r"[.;:!?\n]+|,|\s(?:men|ellers|likevel|derimot)\s"),
    "sv": re.compile(r"[.;:!?\n]+|,|\s(?:men|annars|däremot|dock)\s"),
    "en": re.compile(r"[.;:!?\n]+|,|\s(?:but|otherwise|however|although|though|whereas)\s"),
}


class Cue(StrEnum):
    """What a phrase tells an assessor."""

    DONT_KNOW = "dont_know"
    PLANNED = "planned"  # intended, decided or being prepared, not in use
    FUTURE_START = "future_start"  # starts / comes later: planned even if decided
    DENY = "deny"  # it does not exist
    NOTHING_DONE = "nothing_done"
    INFORMAL = "informal"  # depends on individuals, ad hoc, not written
    FORMAL_WORD = "formal_word"  # a noun that names a formal arrangement (plan, routine)
    DRAFT = "draft"  # a draft exists
    OUTDATED = "outdated"  # old, not followed up, not revised
    LITTLE_USED = "little_used"
    ADOPTED = "adopted"  # adopted, written, fixed routine
    KNOWN = "known"
    ROUTINE = "routine"  # a regular rhythm: every year, monthly, weekly
    MGMT_SYSTEM = "mgmt_system"  # part of the management system
    REVISED = "revised"
    EVALUATED = "evaluated"
    COMPARED = "compared"
    ONCE = "once"
    EXISTS = "exists"  # plain "yes", "we have", "there is"
    SCOPE_ALL = "scope_all"
    SCOPE_MOST = "scope_most"
    SCOPE_SOME = "scope_some"
    SCOPE_ONLY = "scope_only"
    SCOPE_NONE = "scope_none"
    RES_COLLECTED = "res_collected"
    RES_ANALYSED = "res_analysed"
    RES_PRESENTED = "res_presented"
    RES_USED = "res_used"
    NOT_FOLLOWED = "not_followed"


# (cue, languages, pattern). Patterns match whole words on normalised text.
# fmt: off
_RAW: list[tuple[Cue, frozenset[str], str]] = [
    (Cue.DONT_KNOW, SCANDINAVIAN, r"^(jeg |jag |eg |vi )?(vet|veit) (ikke|inte|ej)|(jeg|jag|eg) (vet|veit) (ikke|inte|ej)"),
    (Cue.DONT_KNOW, SCANDINAVIAN, r"usikker|osäker|ingen aning|aner ikke|har ikke oversikt"),
    (Cue.DONT_KNOW, SCANDINAVIAN, r"ikke mitt (område|felt|ansvar)|inte mitt (område|ansvar)"),
    (Cue.DONT_KNOW, SCANDINAVIAN, r"som jeg vet om|som jag vet|kjenner ikke til|känner inte till"),
    (Cue.DONT_KNOW, ENGLISH, r"^(i |we )?(don't|do not) know|i (don't|do not) know|not sure|no idea|unsure|not my area"),
    (Cue.DONT_KNOW, ENGLISH, r"that i know of|can't say|cannot say|no clue"),
    (Cue.DONT_KNOW, SCANDINAVIAN, r"(vet|veit) (jeg|jag|eg) (ikke|inte)|(ikke|inte) sikker|inte säker|kan (ikke|inte) svare|kan inte svara"),
    (Cue.DONT_KNOW, ENGLISH, r"(couldn't|can't|cannot) tell|not certain|have no (idea|clue)"),
    (Cue.PLANNED, SCANDINAVIAN, r"planlagt|planlegger|planlegges|planerar|planerat|planeras"),
    (Cue.PLANNED, SCANDINAVIAN, r"under arbeid|under utarbeid\w*|jobber med|arbeider med|er i gang med å"),
    (Cue.PLANNED, SCANDINAVIAN, r"håller på (att|med)|jobbar (med|på)|arbetar (med|på)|tas fram|utarbetas"),
    (Cue.PLANNED, SCANDINAVIAN, r"(skal|ska) (vi )?(starte|lage|utarbeide|ta fram|innføre|införa|starta|börja)"),
    (Cue.PLANNED, SCANDINAVIAN, r"(snakka|snakket|pratet|pratat|diskutert|diskuterats|drøftet) om|har diskuterats|vi pratar om"),
    (Cue.PLANNED, SCANDINAVIAN, r"ikke (startet|påbegynt|begynt)|inte (påbörjat|startat|börjat)|ikke i gang"),
    (Cue.PLANNED, SCANDINAVIAN, r"neste år|nästa år|til høsten|till hösten|etter nyttår|efter nyår"),
    (Cue.PLANNED, ENGLISH, r"planned|(are|we're|am) planning|planning to|plan to|we will|we'll|going to|intend"),
    (Cue.PLANNED, ENGLISH, r"working on|being (drafted|prepared|developed|worked on)|in preparation|under way"),
    (Cue.PLANNED, ENGLISH, r"not (started|begun)|been discussed|has been talked about|talking about"),
    (Cue.PLANNED, ENGLISH, r"next year|this autumn|next autumn|after new year"),
    (Cue.PLANNED, SCANDINAVIAN, r"skrives|håller på att skrivas|utredes|utreds|(skal|ska) opp i|ska upp i"),
    (Cue.PLANNED, ENGLISH, r"being (written|developed|set up|introduced)|(goes|go|will go) to the council"),
    (Cue.PLANNED, SCANDINAVIAN, r"(har )?tenkt å|tanken (er|är)|foreslått|föreslag\w*|föreslagits|(ikke|inte) kommet i ?gang|(ikke|inte) kommit igång|(ingenting|inget) (er|är) (bestemt|bestämt|vedtatt|beslutat)|(ikke|inte) (bestemt|bestämt) ennå"),
    (Cue.PLANNED, ENGLISH, r"the idea is|(has been|was|been) proposed|(haven't|have not|not) (got|gotten) going|nothing (is|has been) decided|not (yet )?decided"),
    (Cue.PLANNED, SCANDINAVIAN, r"(det )?(er|är) meningen|meningen (er|är)|(skal|ska) etter planen|ska enligt planen|är tänkt att|er tenkt å"),
    (Cue.PLANNED, ENGLISH, r"the intention is|(is|are) intended to|it is meant to|is supposed to"),
    (Cue.FUTURE_START, SCANDINAVIAN, r"(starter|startar|kommer|begynner|börjar) (neste|nästa|til|till|i) ?\w*"),
    (Cue.FUTURE_START, ENGLISH, r"(starts|comes|begins|will start) (next|this|in)"),
    (Cue.DENY, SCANDINAVIAN, r"^(nei|nej|nä|nope)\b"),
    (Cue.DENY, SCANDINAVIAN, r"(finnes|finns|fins) (ikke|inte|ingen|inget|inga)( \w+)?|har (ikke|inte) (noen|någon|något|noe|en|ett|ei|et|det|dette|detta)\b|har (ingen|inget|inga)( \w+)?"),
    (Cue.DENY, SCANDINAVIAN, r"\b(ingen|inget|inga) \w+"),
    (Cue.DENY, ENGLISH, r"^no\b"),
    (Cue.DENY, ENGLISH, r"(don't|do not|doesn't) have|there is no|there's no|there are no|we have no|\bno \w+"),
    (Cue.DENY, ENGLISH, r"there (isn't|aren't|is not|are not)"),
    (Cue.DENY, SCANDINAVIAN, r"(får|blir) (ikke|inte) (vite|veta|informasjon|information|tilbakemelding|återkoppling|informert|informerade)"),
    (Cue.DENY, ENGLISH, r"(aren't|are not|isn't|is not) (told|informed|given)"),
    (Cue.NOTHING_DONE, SCANDINAVIAN, r"ingenting (er|är) gjort|inget (er|är) gjort|ingenting finnes|inget finns"),
    (Cue.NOTHING_DONE, ENGLISH, r"nothing (has been|is|was) done|nothing exists"),
    (Cue.NOTHING_DONE, SCANDINAVIAN, r"(aldri|aldrig) (blitt |vært |varit )?\w+(et|at|ats|es|as)\b"),
    (Cue.NOTHING_DONE, ENGLISH, r"never (been |was |were )?\w+ed\b"),
    (Cue.INFORMAL, SCANDINAVIAN, r"tilfeldig|kommer an på|avhenger av|avhengig av|opp til (hver|den enkelte)|upp till (varje|var och en)"),
    (Cue.INFORMAL, SCANDINAVIAN, r"beror på|varierer|varierar|enkeltpersoner|enskilda|(ikke|inte) systematisk\w*|inte ett krav|ikke et krav"),
    (Cue.INFORMAL, SCANDINAVIAN, r"(ikke|inte) (noe|något|någon|noen) (fast|felles|gemensam|skriftlig)|ingen (fast|felles|gemensam|skriven|skriftlig)"),
    (Cue.INFORMAL, SCANDINAVIAN, r"ikke (skrevet|nedskrevet)|inte (nedskriv\w*|skriven)|(ikke|inte) (videreført|fortsatt)|som ordner det|ingenting skriftlig|inget skriftligt"),
    (Cue.INFORMAL, ENGLISH, r"ad hoc|depends on|up to each|varies|individuals|one person|not systematic|not required"),
    (Cue.INFORMAL, ENGLISH, r"no (common|written|fixed|formal|set)|not written|didn't continue|not continued|nothing in writing"),
    (Cue.INFORMAL, SCANDINAVIAN, r"(ikke|inte|inget|ingenting) (noe |något )?systematisk\w*|på (sin|sitt) (egen |eget )?(måte|sätt|vis)"),
    (Cue.INFORMAL, ENGLISH, r"nothing systematic|its own way|their own way"),
    (Cue.INFORMAL, SCANDINAVIAN, r"(ingen|inget|inga) (fast|fasta|faste|felles|gemensam\w*|skriven|skrivna|skriftlig\w*) \w+|(ikke|inte) (skriftliggjort|skriftlig\w*|nedskreven|nedskriven|nedskrivet)"),
    (Cue.INFORMAL, ENGLISH, r"(not|n't) (in writing|written down)|no set \w+"),
    (Cue.DRAFT, SCANDINAVIAN, r"utkast|delvis"),
    (Cue.DRAFT, ENGLISH, r"\bdraft\b|partly|partially"),
    (Cue.OUTDATED, SCANDINAVIAN, r"(ikke|inte) (revidert|reviderats|oppdatert|uppdaterad)|gammal|gammel|utdatert"),
    (Cue.OUTDATED, ENGLISH, r"not (been )?(revised|updated)|outdated|out of date"),
    (Cue.OUTDATED, SCANDINAVIAN, r"(ikke|inte) (blitt )?(uppdaterats|oppdaterats|oppdatert|uppdaterad|reviderats) sedan|(ikke|inte) (uppdaterats|oppdaterats)"),
    (Cue.OUTDATED, ENGLISH, r"n't been (revised|updated)"),
    (Cue.DRAFT, SCANDINAVIAN, r"^(ikke|inte)$|^(ikke|inte) (andre steder|annars|någon annanstans)"),
    (Cue.DRAFT, ENGLISH, r"^not elsewhere$|^nowhere else$|^not anywhere else$"),
    (Cue.LITTLE_USED, SCANDINAVIAN, r"brukes lite|används lite|brukes ikke|används inte|(vet|kjenner|känner) (inte|ikke) (om|til|till) (den|det|dem)"),
    (Cue.LITTLE_USED, ENGLISH, r"rarely used|little used|not used"),
    (Cue.LITTLE_USED, SCANDINAVIAN, r"nesten ikke|nästan inte|knappt|knapt|sjelden|sällan|lite av"),
    (Cue.LITTLE_USED, ENGLISH, r"hardly|barely|seldom|rarely"),
    (Cue.DRAFT, SCANDINAVIAN, r"^(ikke|inte|ej) (\w+ )?(i|for|för|på|til|till|inom)\b"),
    (Cue.DRAFT, ENGLISH, r"^not (\w+ )?(in|for|at|to)\b"),
    (Cue.DRAFT, SCANDINAVIAN, r"mangler|saknas|fattas"),
    (Cue.DRAFT, ENGLISH, r"(are|is) missing|lacking"),
    (Cue.NOT_FOLLOWED, SCANDINAVIAN, r"(ikke|inte) (fulgt|följts|følgt) opp|(ikke|inte) följts upp|(ikke|inte) blitt fulgt opp"),
    (Cue.NOT_FOLLOWED, ENGLISH, r"(not|n't) (been )?followed up"),
    (Cue.ADOPTED, SCANDINAVIAN, r"vedtatt|vedtok|vedtas|godkjent|antagen|antaget|antagna|antogs|antog|fastställ\w*|beslutad|beslutats|beslutat"),
    (Cue.ADOPTED, SCANDINAVIAN, r"fast (rutine|ordning|plan|mal|funktion|introduktionsplan)|(felles|gemensamm?a?t?) (mal|plan|rutin|rutine|system|modell|ordning)"),
    (Cue.ADOPTED, SCANDINAVIAN, r"fasta? (rutin|ordning)|skriftlig|står i|enligt (en )?(fast|lag|internkontrollplan\w*)|i kvalitetssystemet|på plass|innført|infört|etablert|etablerad|finns sedan länge|i mange år|enligt årshjulet"),
    (Cue.ADOPTED, ENGLISH, r"adopted|approved|in writing|written|fixed (routine|arrangement|plan)|common (template|plan|procedure)"),
    (Cue.ADOPTED, ENGLISH, r"in place|in the quality system|established|implemented|in the annual cycle|according to a fixed|following an adopted"),
    (Cue.ADOPTED, SCANDINAVIAN, r"beslut(ad|ade|at|ats|as)|godkjen\w*|godkän\w*|stående punkt|fast punkt"),
    (Cue.ADOPTED, ENGLISH, r"approve\w*|standing item"),
    (Cue.FORMAL_WORD, SCANDINAVIAN, r"strategi|plan|rutine?|reglement|retningslinje\w*|riktlinje\w*|policy\w*|system|ordning|modell|program\w*|mal|funktion"),
    (Cue.FORMAL_WORD, ENGLISH, r"strategy|plan|procedure|routine|regulation|guidelines?|policy|system|arrangement|model|programme|template"),
    (Cue.KNOWN, SCANDINAVIAN, r"kjent|känd|kjenner|känner|vet om den|kjenner den|kenner"),
    (Cue.KNOWN, ENGLISH, r"known|know about it|knows"),
    (Cue.ROUTINE, SCANDINAVIAN, r"hvert|hver (uke|måned|dag)|annethvert|varje|vartannat|årlig\w*|månedlig\w*|månatlig\w*|ukentlig\w*|kvartalsvis|tertial\w*|månedsrapport\w*|månadsrapport\w*|jevnlig\w*|regelbund\w*|gånger per år|ganger i året|per (år|månad|vecka)"),
    (Cue.ROUTINE, ENGLISH, r"every|each year|annual(ly)?|monthly|weekly|quarterly|regularly|four times a year"),
    (Cue.ROUTINE, ENGLISH, r"twice a year|(two|three|four) times a year"),
    (Cue.ROUTINE, SCANDINAVIAN, r"(to|tre|fire|två|fyra) ganger (i|per) år\w*|etter hvert valg|efter varje val"),
    (Cue.MGMT_SYSTEM, SCANDINAVIAN, r"styringssystem\w*|ledningssystem\w*|del av (styringen|styrningen)"),
    (Cue.MGMT_SYSTEM, ENGLISH, r"management system"),
    (Cue.REVISED, SCANDINAVIAN, r"revidert|revideres|reviderer|revideras|reviderats|reviderad|oppdateres|uppdateras|ses över|gjennomgås|gås igenom"),
    (Cue.REVISED, ENGLISH, r"revised|revise|updated|reviewed"),
    (Cue.EVALUATED, SCANDINAVIAN, r"evaluer\w*|utvärder\w*"),
    (Cue.EVALUATED, ENGLISH, r"evaluat\w*"),
    (Cue.COMPARED, SCANDINAVIAN, r"sammenlign\w*|jämför\w*|nettverk\w*|kolada|kostra"),
    (Cue.COMPARED, ENGLISH, r"compar\w*|benchmark\w*|network"),
    (Cue.ONCE, SCANDINAVIAN, r"én gang|en gång|ein gong|en gang|några gånger|noen ganger|av og til|ibland|prøvd|testat"),
    (Cue.ONCE, ENGLISH, r"\bonce\b|a few times|sometimes|now and then|tried"),
    (Cue.EXISTS, SCANDINAVIAN, r"^(ja|jo|jepp)\b|har vi|vi har|finnes|finns|fins|brukes|används|bruker|använder|gjennomføres|görs"),
    (Cue.EXISTS, ENGLISH, r"^yes\b|we have|there is|there are|we've got|is used|are used|we use|we run|we do"),
    (Cue.SCOPE_ALL, SCANDINAVIAN, r"hele (kommunen|organisasjonen)|hela (kommunen|organisationen)|alle (enheter|sektorer|tjeneste\w*|ansatte|ledere|enhetsledere|nivå\w*)"),
    (Cue.SCOPE_ALL, SCANDINAVIAN, r"samtliga|alla (enheter|förvaltningar|verksamheter|anställda|chefer|enhetschefer|nivåer|nyanställda)|alle politiske|alle husstander|for alle|för alla"),
    (Cue.SCOPE_ALL, ENGLISH, r"whole (municipality|organisation|organization)|throughout|across the (whole|organisation|organization|municipality)|every (sector|unit|service|political)|all (units|sectors|employees|staff|managers|levels|unit leaders|service)"),
    (Cue.SCOPE_MOST, SCANDINAVIAN, r"de fleste|de flesta|nesten alle|nästan alla|flertallet"),
    (Cue.SCOPE_MOST, ENGLISH, r"most (units|sectors|services)|nearly all|almost all"),
    (Cue.SCOPE_MOST, SCANDINAVIAN, r"^(ikke|inte) (riktig|helt|riktigt) (i|for|för|på|inom)\b"),
    (Cue.SCOPE_MOST, ENGLISH, r"^not (really|quite) (in|for)\b"),
    (Cue.SCOPE_SOME, SCANDINAVIAN, r"noen (enheter|tjenester|sektorer)|enkelte|en del (enheter|enheter)?|några|vissa|et par|ett par|ikke alle|inte alla|langt fra alle|långt ifrån alla"),
    (Cue.SCOPE_SOME, ENGLISH, r"some (units|services|sectors|departments)|\ba few\b|a couple|not all|far from all|some units"),
    (Cue.SCOPE_SOME, ENGLISH, r"not for the rest|the other \w+ (do )?not"),
    (Cue.SCOPE_SOME, SCANDINAVIAN, r"(ikke|inte) for resten|inte för övriga|(de )?andre \w+ ikke|(de )?andra \w+ inte"),
    (Cue.SCOPE_SOME, SCANDINAVIAN, r"(ikke|inte) (\w+ )?(for|i|för|på|inom) (de )?(andre|andra|øvrige|övriga) \w+"),
    (Cue.SCOPE_SOME, ENGLISH, r"not (yet )?(for|in) (the )?other \w+|not (for|in) the rest"),
    (Cue.SCOPE_ONLY, SCANDINAVIAN, r"\b(bare|kun|endast|bara|enbart) (i|inom|for|för|på)\b|\bbare \w+|\bendast \w+|én enhet|en enhet|ett prosjekt|ett projekt|ett fagområde"),
    (Cue.SCOPE_ONLY, ENGLISH, r"\bonly (in|used in|for|at)\b|one unit|one project|one department|so far only"),
    (Cue.SCOPE_ONLY, SCANDINAVIAN, r"\bbara \w+|(resten|øvrige|övriga) (mangler|saknas)"),
    (Cue.SCOPE_ONLY, ENGLISH, r"\bonly the \w+|the rest (are|is) missing"),
    (Cue.SCOPE_ONLY, SCANDINAVIAN, r"^(ikke|inte)$|^(ikke|inte) (andre steder|annars|någon annanstans)"),
    (Cue.SCOPE_ONLY, ENGLISH, r"^not elsewhere$|^nowhere else$|^not anywhere else$"),
    (Cue.SCOPE_NONE, SCANDINAVIAN, r"ingen steder|ingenstans"),
    (Cue.SCOPE_NONE, ENGLISH, r"nowhere"),
    (Cue.RES_COLLECTED, SCANDINAVIAN, r"samles inn|hentes inn|samlas in|måler|mäter|registreres|registreras|sammanställs|statistikk|statistik\w*|lesertall|ärenden som"),
    (Cue.RES_COLLECTED, ENGLISH, r"collected|measure\w*|track\w*|logged|statistics|compiled|readership"),
    (Cue.RES_ANALYSED, SCANDINAVIAN, r"analys\w*|analyser\w*|sammenlign\w*|jämför\w*|följer upp|følges opp|følger opp|fölls upp|följs upp"),
    (Cue.RES_ANALYSED, ENGLISH, r"analys\w*|analyz\w*|compared|followed up|follow up"),
    (Cue.RES_PRESENTED, SCANDINAVIAN, r"legges (fram|frem)|rapporter\w*( \w+)? (til|for|till)|behandles i|redovisa\w*|lämnar|(i|til|till) årsrapport\w*|(i|till) årsredovisning\w*|går till \w+|presenteres"),
    (Cue.RES_PRESENTED, ENGLISH, r"presented|reported( \w+)? to|reports to|go(es)? to the|in the annual report"),
    (Cue.RES_USED, SCANDINAVIAN, r"brukes (systematisk )?(i|når|til)|används (i|när|för|till)|sätta in åtgärder|i budsjett\w*|i budget\w*|prioriter\w*"),
    (Cue.RES_USED, ENGLISH, r"used (systematically )?(in|when|for|to)|feeds into|budget decisions|prioritised|prioritized"),
]
# fmt: on


def _compile() -> list[tuple[Cue, frozenset[str], re.Pattern[str]]]:
    return [
        (cue, langs, re.compile(rf"(?<!\w)(?:{pattern})(?!\w)")) for cue, langs, pattern in _RAW
    ]


CUES = _compile()
