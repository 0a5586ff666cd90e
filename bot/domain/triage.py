"""Crisis-language triage: a transparent, rule-based safety net over free text.

``assess(text)`` returns ``none`` / ``concern`` / ``crisis`` with a human-readable reason for
each finding. It is not a diagnosis and never replaces a person reading the message; see
docs/safety.md. The rules are data in ``bot.domain.triage_rules``.

How a message is read:

1. normalise: casefold, strip accents, unify apostrophes, expand contractions and texting
   forms, undo leetspeak inside words; letters repeated three or more times are read both as
   a double and as a single letter ("dieee" → "diee" and "die");
2. split into sentences (``. ! ? ; :`` and line breaks); within a sentence, conjunctions
   ("and", "but", "pero", "y", ...) bound the clause around each match;
3. every rule is searched in every sentence; a match is set aside (kept in ``suppressed``
   with its cause) when it overlaps an idiom, names another person or a work of fiction as
   its subject, sits in a clause about the distant past (unless the message says it is back:
   "still", "again", "lately"), or follows a negator within a few bridging words;
4. the level is the highest finding left; combinations (a plan + hopelessness) can raise it.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from bot.domain import triage_model
from bot.domain.triage_compose import COMPOSED
from bot.domain.triage_rules import COMBINATIONS, IDIOMS, RULES, Category, Idiom, Rule, TriageLevel

__all__ = [
    "TABLE",
    "Assessment",
    "Category",
    "Finding",
    "Suppressed",
    "Suppression",
    "TriageLevel",
    "assess",
    "normalise",
]

TABLE: tuple[Rule, ...] = RULES + COMPOSED  # phrase rules, then compositional rules
# Each match is judged against its clause, so a 4,096-character message of one repeated
# crisis word would cost time quadratic in its length; a few matches per rule per sentence
# say all there is to say.
MATCHES_PER_RULE = 4


class Suppression(StrEnum):
    IDIOM = "idiom"
    OTHER_PERSON = "about someone else"
    PAST = "distant past"
    NEGATION = "negated"


@dataclass(frozen=True)
class Finding:
    """A rule (or combination) that fired; ``phrase`` is the matched normalised text."""

    rule_id: str
    category: Category
    level: TriageLevel
    phrase: str
    description: str

    @property
    def reason(self) -> str:
        return f"{self.category}: '{self.phrase}' ({self.description}; rule {self.rule_id})"


@dataclass(frozen=True)
class Suppressed:
    """A match that was set aside, and why (``detail``: the idiom id or the word that decided)."""

    rule_id: str
    phrase: str
    cause: Suppression
    detail: str


@dataclass(frozen=True)
class Assessment:
    """The verdict; satisfies ``bot.domain.risk.TriageOutcome`` (``level``, ``reasons``).

    ``reasons`` and phrases quote the patient: health data, never log them.
    """

    level: TriageLevel
    reasons: tuple[str, ...]
    findings: tuple[Finding, ...] = ()
    suppressed: tuple[Suppressed, ...] = ()

    @property
    def emergency(self) -> bool:
        """A medical emergency now (an overdose, someone not breathing): act first, then talk."""
        return any(f.category is Category.MEDICAL_EMERGENCY for f in self.findings)

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(finding.rule_id for finding in self.findings)


# --- Normalisation --------------------------------------------------------------------------

_APOSTROPHES = re.compile(r"[’‘`´ʼʹ′]")
_DASHES = re.compile(r"\s[-–—]+\s|[–—]")  # a free-standing dash separates like a comma
_LEET = re.compile(r"(?<=[a-z])[1304@$](?=[a-z])")
_LEET_LETTERS = {"1": "i", "3": "e", "0": "o", "4": "a", "@": "a", "$": "s"}
_NOISE = re.compile(r"[^a-z0-9',.!?;:\n]+")
_ELONGATED = re.compile(r"([a-z])\1{2,}")
_SPACES = re.compile(r"[ \t]+")
_CONTRACTIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\bcan'?t\b|\bcan not\b|\bcn'?t\b", "cannot"),
        (r"\bnever ?, ?ever\b", "never ever"),
        (r"\bwon'?t\b", "will not"),
        (r"\bain'?t\b", "am not"),
        (r"\b(do|does|did|is|are|was|were|have|has|had|would|should|could|must|need)n'?t\b",
         r"\1 not"),
        (r"\bi'?m\b", "i am"),
        (r"\bi'?ve\b", "i have"),
        (r"\b(i|you|he|she|we|they)'ll\b", r"\1 will"),
        (r"\b(i|you|he|she|we|they)'d\b", r"\1 would"),
        (r"\b(you|we|they)'re\b", r"\1 are"),
        (r"\b(what|that|it|there|he|she)'?s\b", r"\1 is"),
        (r"\bwann?a\b", "want to"),
        (r"\bgonn?a\b|\bfinn?a\b", "going to"),
        (r"\bn\b", "and"),
        (r"\bgotta\b", "got to"),
        (r"\btryna\b", "trying to"),
        (r"\bimm?a\b", "i am going to"),
        (r"\bkier", "quier"),
        (r"\bidk\b", "i do not know"),
        (r"\bu\b", "you"),
        (r"\brn\b", "right now"),
        (r"\b(?:q|k)\b", "que"),
        (r"\b(?:xq|pq|porq)\b", "porque"),
    )
)  # fmt: skip


def normalise(text: str) -> str:
    """The form rules are written against (elongated letters kept as doubles)."""
    return _normalised_variants(text)[0]


def _normalised_variants(text: str) -> tuple[str, ...]:
    folded = _APOSTROPHES.sub("'", unicodedata.normalize("NFKC", text)).casefold()
    stripped = "".join(
        char for char in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(char)
    )
    cleaned = _DASHES.sub(" , ", stripped).replace("-", " ")
    cleaned = _LEET.sub(lambda m: _LEET_LETTERS[m.group()], cleaned)
    cleaned = _NOISE.sub(" ", cleaned)
    doubled = _ELONGATED.sub(r"\1\1", cleaned)
    variants = [doubled]
    if doubled != cleaned:
        variants.append(_ELONGATED.sub(r"\1", cleaned))
    return tuple(_expand(variant) for variant in variants)


def _expand(text: str) -> str:
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    return _SPACES.sub(" ", text).strip()


# --- Context: the words around a match (normalised tokens) ----------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


NEGATORS = frozenset(
    {"not", "no", "never", "nor", "neither", "zero", "nowhere", "nunca", "jamas", "ni", "tampoco"}
)
# Words that may stand between a negator and the phrase it negates ("not *going to* hurt...").
NEGATION_BRIDGE = _words(
    "going to want will would could should might ever really even actually seriously definitely"
    " honestly truly planning plan plans intend intending intention thinking think about of try"
    " trying do does did am is are was were be been being have has had any wish desire urge feel"
    " feeling like at all a the so longer more again wanting need get let thoughts thought"
    " having urges once near"
    " me te se lo la le voy vas va a al quiero quisiera pienso pensando en el tengo tiene ganas"
    " de intencion planeo planes ningun ninguna mas ya realmente estoy siento es soy he ha haria"
    " hare para"
)
NEGATION_WINDOW = 6
FIRST_PERSON = frozenset({"i", "me", "myself", "yo", "conmigo"})
OTHER_PERSON = _words(
    "he she they him her his them their himself herself themselves someone somebody nobody"
    " everyone everybody anyone people friend friends brother sister mom mum mother dad father"
    " son daughter partner wife husband boyfriend girlfriend cousin uncle aunt roommate flatmate"
    " sponsor neighbour neighbor coworker colleague boss buddy patient guy girl lady"
    " ella ellos ellas alguien amigo amiga amigos hermano hermana madre padre mama papa hijo hija"
    " pareja esposo esposa marido novio novia primo prima tio tia vecino vecina companero"
    " companera jefe jefa gente"
    " movie movies film show series episode book novel song lyrics character documentary news"
    " article podcast video pelicula serie libro novela cancion personaje documental noticia"
    " noticias episodio lad man woman kid kids people rapper singer artist band album poem poet"
    " play theatre theater class lecture course training degree statistics study research paper"
    " essay memoir documentary stranger"
)
# Clause boundaries: a negation, past marker or other person does not reach across these.
CLAUSE_BREAK = re.compile(
    r"\b(?:and|but|because|cause|although|though|however|pero|y|e|porque|aunque|sino)\b"
)
# Distant past: a statement about then, not now.
PAST = re.compile(
    r"\bused to\b|\b(?:[a-z0-9]+ )?(?:years?|decades?|months) ago\b"
    r"|\blast (?:year|summer|winter|spring|autumn|fall|decade)\b"
    r"|\bwhen i was (?:younger|young|little|a (?:kid|child|teen|teenager)|in [a-z ]+|\d+)\b"
    r"|\bas a (?:kid|child|teen|teenager)\b|\bin (?:the past|high school|college|(?:19|20)\d\d)\b"
    r"|\bback (?:then|in (?:the day|school|college|\d{4}))\b|\blong time ago\b"
    r"|\bbefore (?:rehab|treatment|recovery|i got (?:sober|clean))\b"
    r"|\bhace (?:[a-z]+ )?(?:anos?|meses|mucho(?: tiempo)?|tiempo)\b"
    r"|\bel (?:ano|verano|invierno) pasado\b|\bcuando (?:era|tenia) [a-z0-9]+\b"
    r"|\ben el pasado\b|\bsolia\b"
    r"|\b(?:in|of) my (?:teens|twenties|thirties|forties|20s|30s|youth)\b|\buntil i was\b"
    r"|\bbehind me\b|\bmy old life\b|\bat uni\b"
    r"|\bback in (?:january|february|march|april|may|june|july|august|september|october"
    r"|november|december|the day|school)\b"
    r"|\bin the (?:60s|70s|80s|90s|2000s|sixties|seventies|eighties|nineties)\b|\byears back\b"
    r"|\b(?:19[5-9]\d|20[01]\d|202[0-4])\b|\bwhen i was (?:drinking|using|still"
    r" using|in active addiction|at my worst|on the streets)\b"
    r"|\b(?:at|aged?) (?:1[3-9]|[2-6][0-9])\b(?! ?(?:pm|am|tonight|today|tomorrow|o clock))"
)
# Words that bring a resolved past back into the present ("...and I still do").
RECURRENCE = re.compile(
    r"\bstill (?:do|think|want|feel|have|get|cut|use)\b|\bagain\b|\blately\b"
    r"|\b(?:are|is|came|coming|have come|has come) back\b"
    r"|\btodavia\b|\bsigo (?:pensando|queriendo)\b|\botra vez\b|\bde nuevo\b|\bultimamente\b"
)


# --- Judging one match ----------------------------------------------------------------------

_SENTENCE_BREAK = re.compile(r"[.!?;:\n]+")
_TOKEN = re.compile(r"[a-z0-9']+|,")


def _clause_bounds(
    breaks: list[re.Match[str]], start: int, end: int, length: int
) -> tuple[int, int]:
    before = [b.end() for b in breaks if b.end() <= start]
    after = [b.start() for b in breaks if b.start() >= end]
    return (before[-1] if before else 0, after[0] if after else length)


def _negator(prefix: str) -> str | None:
    tokens: list[str] = _TOKEN.findall(prefix)
    for token in reversed(tokens[-NEGATION_WINDOW:]):
        if token in NEGATORS:
            return token
        if token not in NEGATION_BRIDGE:
            return None
    return None


def _other_person(prefix: str) -> str | None:
    tokens: list[str] = _TOKEN.findall(prefix)
    for token in reversed(tokens):
        if token in FIRST_PERSON:
            return None
        if token in OTHER_PERSON:
            return token
    return None


def _suppression(
    rule: Rule,
    sentence: str,
    span: tuple[int, int],
    idioms: list[tuple[Idiom, int, int]],
    breaks: list[re.Match[str]],
    recurrence: bool,
) -> tuple[Suppression, str] | None:
    start, end = span
    for idiom, idiom_start, idiom_end in idioms:
        if rule.category in idiom.categories and idiom_start < end and start < idiom_end:
            return Suppression.IDIOM, idiom.id
    clause_start, clause_end = _clause_bounds(breaks, start, end, len(sentence))
    prefix = sentence[clause_start:start]
    if not (rule.about_self or rule.anyone) and (person := _other_person(prefix)):
        return Suppression.OTHER_PERSON, person
    if not recurrence and (past := PAST.search(sentence, clause_start, clause_end)):
        return Suppression.PAST, past.group()
    if negator := _negator(prefix):
        return Suppression.NEGATION, negator
    return None


# --- Assessing a message --------------------------------------------------------------------


def assess(text: str, model: triage_model.Model | None = None) -> Assessment:
    """Triage free text a patient wrote. Pure and fast: precompiled ``re`` and the shipped
    n-gram model (``model`` replaces it, for training and tests)."""
    model = model or triage_model.load()
    findings: dict[tuple[str, str], Finding] = {}
    suppressed: dict[tuple[str, str], Suppressed] = {}
    for variant in _normalised_variants(text):
        recurrence = RECURRENCE.search(variant) is not None
        for sentence in _SENTENCE_BREAK.split(variant):
            _assess_sentence(sentence.strip(" ,"), recurrence, findings, suppressed)
    found = list(findings.values())
    found.extend(_combinations(found))
    capped = any(_is_crisis_rule(s.rule_id) for s in suppressed.values()) or any(
        idiom.pattern.search(variant) for variant in _normalised_variants(text) for idiom in IDIOMS
    )
    found.extend(_learned(_normalised_variants(text)[0], found, model, capped=capped))
    found.sort(key=lambda finding: -finding.level.rank)
    level = found[0].level if found else TriageLevel.NONE
    set_aside = tuple(s for key, s in suppressed.items() if key not in findings)
    return Assessment(level, tuple(f.reason for f in found), tuple(found), set_aside)


def _assess_sentence(
    sentence: str,
    recurrence: bool,
    findings: dict[tuple[str, str], Finding],
    suppressed: dict[tuple[str, str], Suppressed],
) -> None:
    if not sentence:
        return
    idioms = [(i, m.start(), m.end()) for i in IDIOMS for m in i.pattern.finditer(sentence)]
    breaks = list(CLAUSE_BREAK.finditer(sentence))
    for rule in TABLE:
        for match in itertools.islice(rule.pattern.finditer(sentence), MATCHES_PER_RULE):
            key = (rule.id, match.group())
            verdict = _suppression(rule, sentence, match.span(), idioms, breaks, recurrence)
            if verdict is None:
                findings[key] = Finding(
                    rule.id, rule.category, rule.level, match.group(), rule.description
                )
            else:
                suppressed.setdefault(key, Suppressed(rule.id, match.group(), *verdict))


def _combinations(found: list[Finding]) -> list[Finding]:
    combined = []
    for combo in COMBINATIONS:
        first = [f for f in found if f.category is combo.category]
        others = [f for f in found if f.category in combo.with_any]
        if first and others:
            phrase = "' + '".join(f.phrase for f in (first[0], others[0]))
            combined.append(
                Finding(combo.id, combo.category, combo.level, phrase, combo.description)
            )
    return combined


_HAS_WORD = re.compile(r"\b[a-z]+\b")
MODEL_MIN_WORDS = 3  # on "yes" or "ok thanks" the model's score is noise; the rules speak
_CRISIS_RULES = frozenset(rule.id for rule in TABLE if rule.level is TriageLevel.CRISIS)


def _is_crisis_rule(rule_id: str) -> bool:
    return rule_id in _CRISIS_RULES


def _learned(
    normalised: str, found: list[Finding], model: triage_model.Model | None, *, capped: bool
) -> list[Finding]:
    """The model's word, where it says more than the rules did. When the rules set a crisis
    phrase aside (an idiom, a negation, the past, someone else), or an idiom is in the
    message, the model may raise it to concern but not to crisis: the rules' reason stands."""
    if model is None or len(_HAS_WORD.findall(normalised)) < MODEL_MIN_WORDS:
        return []
    top = max((f.level.rank for f in found), default=0)
    if top >= TriageLevel.CRISIS.rank:
        return []
    score = model.score(normalised)
    if score.crisis >= model.crisis_threshold and not capped:
        words = " / ".join(score.crisis_words) or normalised[:40]
        description = f"model score {score.crisis:.2f}"
        return [
            Finding("model.crisis", Category.LEARNED_CRISIS, TriageLevel.CRISIS, words, description)
        ]
    if top < TriageLevel.CONCERN.rank and score.flag >= model.concern_threshold:
        words = " / ".join(score.flag_words) or normalised[:40]
        description = f"model score {score.flag:.2f}"
        return [
            Finding(
                "model.concern", Category.LEARNED_CONCERN, TriageLevel.CONCERN, words, description
            )
        ]
    return []
