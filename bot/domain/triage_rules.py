"""The crisis-language rule tables: what the triage classifier looks for, as data.

Patterns run on *normalised* text (``bot.domain.triage.normalise``): casefolded, accents
stripped, contractions expanded. Write "dano" for "daño", "do not" for "don't", "i am" for "I'm".
To add a rule safely, add corpus rows first (tests/domain/triage_corpus.tsv; docs/safety.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class TriageLevel(StrEnum):
    NONE = "none"
    CONCERN = "concern"
    CRISIS = "crisis"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {TriageLevel.NONE: 0, TriageLevel.CONCERN: 1, TriageLevel.CRISIS: 2}


class Category(StrEnum):
    SUICIDAL_INTENT = "suicidal intent"
    SELF_HARM = "self-harm"
    OVERDOSE = "overdose"
    PREPARATION = "preparation"
    HOPELESSNESS = "hopelessness"
    BURDEN = "burden"
    RELAPSE_RISK = "relapse risk"
    MEDICAL_EMERGENCY = "medical emergency"
    WISH_DEAD = "wish to be dead"
    MEANS_PLACE = "means and place"
    FAREWELL = "farewell"
    ENTRAPMENT = "entrapment"
    LEARNED_CRISIS = "crisis-like wording"
    LEARNED_CONCERN = "worrying wording"


@dataclass(frozen=True)
class Rule:
    """One phrase family. ``about_self``: the phrase itself names the writer ("kill myself",
    "me quiero morir"), so no check for another person as the subject is needed."""

    id: str
    category: Category
    level: TriageLevel
    pattern: re.Pattern[str]
    description: str
    about_self: bool = False
    anyone: bool = False  # counts whoever it is about (an emergency next to the writer)


@dataclass(frozen=True)
class Idiom:
    """A figurative use that cancels any overlapping match of the given categories."""

    id: str
    pattern: re.Pattern[str]
    categories: frozenset[Category]
    description: str


@dataclass(frozen=True)
class Combination:
    """Two findings that together weigh more than either alone."""

    id: str
    category: Category
    with_any: frozenset[Category]
    level: TriageLevel
    description: str


SUI, HARM, OD = Category.SUICIDAL_INTENT, Category.SELF_HARM, Category.OVERDOSE
PREP, HOPE, BURD = Category.PREPARATION, Category.HOPELESSNESS, Category.BURDEN
RELAPSE = Category.RELAPSE_RISK
EMERGENCY = Category.MEDICAL_EMERGENCY
CRISIS, CONCERN = TriageLevel.CRISIS, TriageLevel.CONCERN

# Shared fragments.
_END = r"(?=\s*(?:,|$))"  # the phrase ends its clause
_SOON = r"(?=\s*(?:,|$|again|tonight|today|now|right now|so bad|this weekend|after|later|soon))"
_PILLS = (
    r"(?:sleeping pills|pain ?killers|pain meds|pills|tablets|meds|medications?|medicines?"
    r"|benzos|xanax|oxys?|oxycodone|tylenol|paracetamol|ibuprofen|insulin|antidepressants)"
)
_LOTS = (
    r"(?:way too many|far too many|too many|too much|a (?:whole |full )?(?:bottle|pack|packet|box)"
    r" of|the whole (?:bottle|pack|packet|box) of|a handful of|handfuls of|a bunch of|loads of"
    r"|a lot of|lots of|so many|tons of|dozens of|[1-9][0-9]+|twenty|thirty|forty|fifty)"
)
_SUBSTANCE = (
    r"(?:alcohol|booze|vodka|whiskey|beer|wine|drinks?|drugs|heroin|coke|meth|pills|opioids)"
)
_DRUGS = r"(?:fentanyl|fent|heroin|dope|coke|meth|methadone|gear|xanax|drugs)"
_PASTILLAS = r"(?:pastillas|pildoras|medicinas|medicamentos|calmantes)"


def make_rule(
    rule_id: str, category: Category, level: TriageLevel, description: str, pattern: str, *,
    about_self: bool = False, anyone: bool = False,
) -> Rule:  # fmt: skip
    return Rule(rule_id, category, level, re.compile(pattern), description, about_self, anyone)


RULES: tuple[Rule, ...] = (
    # --- English: suicidal intent ------------------------------------------------------------
    make_rule("en.suicide.kill_myself", SUI, CRISIS, "killing oneself",
          r"\bkill(?:s|ed|ing)? my ?self\b", about_self=True),
    make_rule("en.suicide.kms", SUI, CRISIS, "'kms' (kill myself)", r"\bkms\b", about_self=True),
    make_rule("en.suicide.end_my_life", SUI, CRISIS, "ending one's life",
          r"\b(?:end(?:ing)?|take|taking|took) my (?:own )?life\b", about_self=True),
    make_rule("en.suicide.end_it_all", SUI, CRISIS, "ending it all", r"\bend(?:ing)? it all\b"),
    make_rule("en.suicide.end_it", SUI, CRISIS, "ending it",
          r"\b(?:want|going|ready|decided|about|planning|plan|need) to end (?:it|things|everything)"
          r"\b|\b(?:thinking (?:about|of)|considering) ending (?:it|things)\b"),
    make_rule("en.suicide.want_to_die", SUI, CRISIS, "wish to die",
          r"\b(?:want(?:s|ed)?|wanting|would like|ready|deserve|need) to (?:die|be dead)\b"
          r"|\bfeel(?:ing)? like dying\b|\bmight as well (?:die|be dead)\b"
          rf"|\bwould rather (?:die|be dead){_END}|\b(?:stop|quit) (?:existing|being alive)\b"
          r"|\bwant to (?:sleep forever|never wake up)\b"),
    make_rule("en.suicide.wish_dead", SUI, CRISIS, "wish to be dead",
          r"\b(?:wish|hope|pray) i (?:was|were) dead\b"
          r"|\b(?:wish|hope|pray) i (?:could|would|will)? ?(?:just )?die\b"
          r"|\b(?:hope|pray) i (?:do not|never) wake up\b|\bsleep and never wake up\b"
          r"|\bwish i (?:had|was|were) never (?:been )?born\b"
          r"|\bwish i (?:was|were) not (?:alive|here)\b", about_self=True),
    make_rule("en.suicide.do_not_want_to_live", SUI, CRISIS, "not wanting to live",
          r"\b(?:do not|does not|no longer|not) want to (?:live|be alive|exist|wake up|go on"
          r"|be here (?:anymore|any more))\b|\b(?:not sure|do not know|unsure) (?:if |whether )?"
          r"i (?:still )?want to (?:live|be alive|go on)\b"),
    make_rule("en.suicide.suicidal", SUI, CRISIS, "feeling suicidal", r"\bsuicidal\b"),
    make_rule("en.suicide.suicide", SUI, CRISIS, "suicide", r"\b(?:suicide|sewer ?slide)\b"),
    make_rule("en.suicide.unalive", SUI, CRISIS, "'unalive'", r"\bunaliv(?:e|ing|ed)\b"),
    make_rule("en.suicide.better_off", SUI, CRISIS, "better off dead",
          r"\b(?:better off|happier|easier) (?:dead|without me"
          r"|if i (?:just )?(?:was|were) (?:dead|gone|not here|not around|not alive))\b",
          about_self=True),
    make_rule("en.suicide.nobody_would_miss", SUI, CRISIS, "nobody would miss me",
          r"\b(?:nobody|no one) (?:would|will) (?:miss me|care if i (?:died|was gone|were gone))\b",
          about_self=True),
    make_rule("en.suicide.tired_of_living", SUI, CRISIS, "tired of living",
          r"\btired of (?:living|being alive|life)\b"),
    make_rule("en.suicide.cannot_go_on", SUI, CRISIS, "cannot go on",
          r"\bcannot go on(?=\s*(?:,|$|anymore|any more|like this|living))"),
    make_rule("en.suicide.no_reason_to_live", SUI, CRISIS, "no reason to live",
          r"\b(?:no reason|nothing(?: left)?) to live(?: for)?\b"
          r"|\bpoint (?:of|in) (?:living|being alive|going on)\b"),
    make_rule("en.suicide.method", SUI, CRISIS, "naming a method",
          r"\b(?:hang(?:ing|ed)?|shoot(?:ing)?|shot|drown(?:ing|ed)?|poison(?:ing|ed)?) my ?self\b"
          r"|\b(?:slit|cut) my (?:wrists?|throat)\b", about_self=True),
    make_rule("en.suicide.jump", SUI, CRISIS, "jumping, or stepping in front of traffic",
          r"\bjump(?:ing)? (?:off|from) (?:a|the) (?:bridge|building|roof|balcony|cliff)\b"
          r"|\b(?:step|stepping|walk|walking|jump|jumping) in front of (?:a|the) (?:train|bus"
          r"|truck)\b"),
    make_rule("en.suicide.method_research", SUI, CRISIS, "asking about lethal means",
          r"\blethal dose\b"
          r"|\bhow (?:many|much) [a-z ]{0,20}(?:would|does) it take to (?:die|od)\b"),
    # --- English: self-harm ------------------------------------------------------------------
    make_rule("en.selfharm.hurt_myself", HARM, CRISIS, "hurting oneself",
          r"\b(?:hurt|harm|injure)(?:s|ed|ing)? my ?self\b", about_self=True),
    make_rule("en.selfharm.self_harm", HARM, CRISIS, "self-harm",
          r"\bself ?(?:harm|harms|harming|harmed|injury)\b"),
    make_rule("en.selfharm.cut_burn", HARM, CRISIS, "cutting or burning oneself",
          r"\b(?:cut|cuts|cutting|burn|burned|burnt|burning) my ?self\b"
          r"|\bcut(?:ting)? my (?:arms?|legs?|thighs?|skin|stomach)\b|\bcutting again\b",
          about_self=True),
    # --- English: overdose -------------------------------------------------------------------
    make_rule("en.overdose.overdose", OD, CRISIS, "overdose",
          r"\boverdos(?:ed|ing)\b|\bod(?:'d|ed|ing|d)?\b(?! on)|\b(?:had|having|took|take|taken"
          r"|taking) (?:an |a |another )?overdose\b"
          r"|\boverdose (?:tonight|now|on purpose)\b"),
    make_rule("en.overdose.too_many_pills", OD, CRISIS, "taking too many pills",
          rf"\b(?:took|take|taken|taking|swallowed|swallow|downed|popped) (?:just )?{_LOTS} "
          rf"(?:my |the )?{_PILLS}\b"
          rf"|\b(?:took|take|taking|swallow(?:ed)?) all (?:of )?(?:my|the) {_PILLS} at once\b"
          r"|\b(?:take|taking|took|swallow) the whole (?:bottle|pack|packet|box)\b"
          r"|\b(?:going to|want to|will|about to|thinking (?:about|of)|planning to) (?:take"
          rf"|taking) all (?:of )?(?:my|the) {_PILLS}\b"
          r"|\btook all (?:of )?my (?:sleeping pills|pain ?killers|benzos|xanax|oxys?|insulin)\b"
          rf"|\b(?:took|did|used|shot|snorted) (?:way )?too much {_DRUGS}\b"),
    make_rule("en.overdose.use_everything", OD, CRISIS, "using everything at once",
          r"\b(?:use|using|take|taking|shoot|snort|smoke|do) (?:up )?(?:everything i (?:have|got)"
          r"|all (?:of )?(?:my stash|what i have|my supply))\b"),
    make_rule("en.overdose.do_not_care_if_i_wake", OD, CRISIS, "not caring whether one survives",
          r"\bdo not care (?:if|whether) i (?:wake up|die|live|survive|make it)\b",
          about_self=True),
    make_rule("en.overdose.mix", OD, CRISIS, "mixing pills with alcohol or drugs",
          rf"\bmix(?:ing)? (?:my )?{_PILLS} (?:and|with) {_SUBSTANCE}\b"),
    make_rule("en.emergency.not_breathing", EMERGENCY, CRISIS, "not breathing or will not wake up",
          r"\b(?:not|stopped) breathing\b|\b(?:will|would) not wake up\b|\blips are (?:blue|grey|gray)\b",
          anyone=True),
    # --- English: preparation ----------------------------------------------------------------
    make_rule("en.prep.goodbyes", PREP, CRISIS, "saying goodbye",
          r"\b(?:said|saying|say|sent) (?:my goodbyes|goodbye to (?:everyone|everybody|my family))"
          r"\b|\bthis is (?:my )?goodbye\b|\bthis is my last (?:message|text)\b"),
    make_rule("en.prep.note", PREP, CRISIS, "writing a goodbye note",
          r"\b(?:wrote|written|writing|write|left) (?:a|my) (?:goodbye|suicide|final) (?:note"
          r"|letter)\b"),
    make_rule("en.prep.know_how", PREP, CRISIS, "knowing how",
          r"\bi know (?:how|when|where) i (?:would|will|am going to) do it\b", about_self=True),
    make_rule("en.prep.stockpile", PREP, CRISIS, "stockpiling medication",
          rf"\b(?:saving up|saved up|stockpiling|hoarding) (?:my |the )?{_PILLS}\b"),
    make_rule("en.prep.means", PREP, CRISIS, "getting the means",
          r"\b(?:bought|buying|got|have got) (?:a )?(?:rope|gun)\b"),
    make_rule("en.prep.have_a_plan", PREP, CONCERN, "a plan (unspecified)",
          rf"\bi (?:have|have got|got|made|have made) a plan{_END}", about_self=True),
    make_rule("en.prep.giving_away", PREP, CONCERN, "giving possessions away",
          r"\bgiv(?:e|ing|en) away (?:all )?(?:of )?my (?:things|stuff|belongings|possessions)\b"),
    # --- English: hopelessness and burden ----------------------------------------------------
    make_rule("en.hope.what_is_the_point", HOPE, CONCERN, "what is the point",
          r"\bwhat is the point(?=\s*(?:,|$|anymore|any more|of (?:anything|it all|trying|even"
          r" trying|getting up|staying sober|any of)))"),
    make_rule("en.hope.nothing_changes", HOPE, CONCERN, "nothing will change",
          r"\bnothing (?:will ever|ever|will|is ever going to|is going to) (?:change|get better)"
          r"|\bnever (?:going to )?get better\b"),
    make_rule("en.hope.hopeless", HOPE, CONCERN, "hopelessness",
          r"\bhopeless\b|\blost (?:all )?(?:my )?hope\b|\b(?:i have|there is) no hope\b"
          r"|\bno way out\b|\bsee a way out\b"),
    make_rule("en.hope.cannot_cope", HOPE, CONCERN, "cannot cope",
          r"\bcannot (?:cope|take (?:it|this|any more|anymore)|do this (?:anymore|any more))\b"
          rf"|\bat the end of my (?:rope|tether)\b|\bi give up{_END}"
          r"|\bgiv(?:e|ing) up on (?:everything|life|myself|it all)\b"),
    make_rule("en.hope.worn_out", HOPE, CONCERN, "worn out or trapped",
          r"\btired of (?:fighting|trying|everything|it all)\b|\bfeel(?:ing)? (?:so )?trapped\b"),
    make_rule("en.hope.disappear", HOPE, CONCERN, "wanting to disappear",
          r"\bwant to (?:disappear|vanish)\b|\bwant (?:it all|everything) to (?:stop|end)\b"),
    make_rule("en.hope.thinking_of_death", HOPE, CONCERN, "thoughts of death",
          r"\b(?:thinking|think|thought) (?:a lot )?(?:about|of) (?:death|dying|being dead)\b"),
    make_rule("en.hope.self_hatred", HOPE, CONCERN, "self-hatred or worthlessness",
          r"\bi hate myself\b|\b(?:i am|i feel|feel) (?:so |just |such )?(?:a )?(?:worthless"
          r"|failure|waste of space)\b", about_self=True),
    make_rule("en.burden.burden", BURD, CONCERN, "feeling a burden",
          r"\b(?:i am|i feel like|feel like|i feel) (?:such |just |only |nothing but )?a burden\b",
          about_self=True),
    make_rule("en.burden.nobody_cares", BURD, CONCERN, "nobody cares",
          rf"\b(?:nobody|no one) (?:cares|would care)(?: about me)?{_END}", about_self=True),
    # --- English: relapse risk ---------------------------------------------------------------
    make_rule("en.relapse.intent", RELAPSE, CONCERN, "intending to use or drink",
          r"\b(?:going to|about to|want to|need to|will|tempted to|thinking (?:about|of))"
          rf" (?:use|using|drink|drinking|relapse|relapsing|score|pick up){_SOON}"),
    make_rule("en.relapse.get_high", RELAPSE, CONCERN, "getting high or drunk",
          r"\b(?:get|getting|got) (?:high|drunk|wasted|loaded|stoned|smashed|hammered)\b"),
    make_rule("en.relapse.craving", RELAPSE, CONCERN, "strong craving",
          r"\bcravings? (?:is |are )?(?:so |really )?(?:bad|strong|unbearable|intense|too much"
          r"|through the roof|out of control|overwhelming)\b"
          rf"|\bcraving (?:a (?:drink|hit|fix|beer)|{_SUBSTANCE})\b"
          rf"|\bcannot stop thinking about (?:using|drinking|getting high|{_SUBSTANCE})\b"),
    make_rule("en.relapse.need_a_fix", RELAPSE, CONCERN, "needing a drink or a fix",
          rf"\b(?:need|want|could use) (?:a|my) (?:drink|fix|hit|beer){_SOON}"),
    make_rule("en.relapse.dealer", RELAPSE, CONCERN, "contacting a dealer, heading to a bar",
          r"\b(?:called|texted|messaged|call|text|meet|meeting|met) (?:my|the|my old) dealer\b"
          r"|(?<!instead of )\b(?:at|going to|heading to|on my way to|outside) the (?:liquor store|bottle shop"
          r"|off licence|bar|pub)\b"),
    make_rule("en.relapse.lapse", RELAPSE, CONCERN, "a lapse",
          r"\b(?:relapsed|slipped up|fell off the wagon|used again|drank again|using again"
          r"|drinking again|picked up again)\b|\b(?:used|drank|got high) (?:last night|yesterday"
          r"|today)\b|\bhad (?:a|some|a few|a couple of|too many|[0-9]+) (?:drinks?|beers?|shots"
          r"|glasses of wine)\b"),
    # --- Spanish (accent-stripped) -----------------------------------------------------------
    make_rule("es.suicidio.quiero_morir", SUI, CRISIS, "deseo de morir",
          r"\b(?:me quiero morir|quiero morir(?:me)?|me quisiera morir|quisiera morir(?:me)?"
          r"|ganas de morir(?:me)?|deseo morir(?:me)?|quiero estar muert[oa])\b", about_self=True),
    make_rule("es.suicidio.matarme", SUI, CRISIS, "matarse",
          r"\b(?:matarme|me voy a matar|me quiero matar|quitarme la vida|acabar con (?:mi vida"
          r"|todo)|(?:me voy a|me quiero) quitar la vida)\b", about_self=True),
    make_rule("es.suicidio.suicidarme", SUI, CRISIS, "suicidarse",
          r"\b(?:quiero|voy a|pienso) suicidar(?:me)?\b|\bsuicidarme\b"),
    make_rule("es.suicidio.me_mato", SUI, CRISIS, "'me mato'", r"\bme mato\b"),
    make_rule("es.suicidio.suicida", SUI, CRISIS, "suicidio", r"\b(?:suicida|suicidas|suicidio)\b"),
    make_rule("es.suicidio.no_quiero_vivir", SUI, CRISIS, "no querer vivir",
          r"\bno quiero (?:vivir|seguir viviendo|estar viv[oa]|existir|despertar)\b"
          r"|\bya no quiero (?:estar|seguir) aqui\b|\bcansad[oa] de vivir\b"
          r"|\bno tengo (?:razones|motivos|nada) (?:para|por) (?:vivir|que vivir)\b",
          about_self=True),
    make_rule("es.suicidio.mejor_sin_mi", SUI, CRISIS, "mejor muerto",
          r"\bmejor sin mi\b|\bmejor muert[oa]\b|\bojala (?:estuviera muert[oa]|me muera"
          r"|no despertar(?:a)?|no despierte)\b", about_self=True),
    make_rule("es.autolesion.hacerme_dano", HARM, CRISIS, "hacerse dano",
          r"\b(?:hacerme dano|me voy a hacer dano|me quiero hacer dano|me hago dano|lastimarme"
          r"|me voy a lastimar)\b", about_self=True),
    make_rule("es.autolesion.cortarme", HARM, CRISIS, "cortarse",
          r"\b(?:cortarme|me corto|me corte|me estoy cortando|me hice cortes|autolesion(?:es"
          r"|arme)?|me autolesiono)\b", about_self=True),
    make_rule("es.sobredosis.pastillas", OD, CRISIS, "demasiadas pastillas",
          r"\b(?:me )?(?:tome|he tomado|trague|tomarme|voy a tomar|me voy a tomar) (?:demasiadas"
          rf"|muchas|todas las|todas mis|un bote de|una caja de) {_PASTILLAS}\b", about_self=True),
    make_rule("es.sobredosis.sobredosis", OD, CRISIS, "sobredosis", r"\bsobredosis\b"),
    make_rule("es.sobredosis.todo_lo_que_tengo", OD, CRISIS, "consumir todo",
          r"\b(?:consumir|meterme|tomarme|usar) todo lo que tengo\b", about_self=True),
    make_rule("es.sobredosis.no_me_importa_despertar", OD, CRISIS, "no importar si despierta",
          r"\bno me importa (?:si )?(?:no )?(?:despertar|despierto|morir(?:me)?)\b",
          about_self=True),
    make_rule("es.preparacion.despedida", PREP, CRISIS, "despedirse",
          r"\bme despedi de todos\b|\bcarta de despedida\b"),
    make_rule("es.preparacion.tengo_un_plan", PREP, CONCERN, "un plan (sin detalle)",
          rf"\btengo un plan{_END}", about_self=True),
    make_rule("es.desesperanza.sin_sentido", HOPE, CONCERN, "desesperanza",
          r"\bnada tiene sentido\b|\bno le veo (?:el )?sentido a (?:nada|la vida|seguir)\b"
          r"|\bpara que seguir\b|\bde que sirve (?:todo|seguir|vivir)\b|\bnada va a cambiar\b"
          r"|\bno hay esperanza\b|\bsin esperanza\b|\bno hay salida\b"),
    make_rule("es.desesperanza.no_puedo_mas", HOPE, CONCERN, "no poder mas",
          r"\bno (?:puedo|aguanto) mas(?=\s*(?:,|$|con esto|asi))"),
    make_rule("es.carga.soy_una_carga", BURD, CONCERN, "sentirse una carga",
          r"\bsoy (?:una carga|un estorbo)\b", about_self=True),
    make_rule("es.recaida.ganas", RELAPSE, CONCERN, "ganas de consumir",
          r"\b(?:voy a|quiero|necesito) (?:consumir|beber|drogarme|emborracharme)\b"
          r"|\bganas de (?:consumir|beber|drogarme|emborracharme)\b"
          r"|\bnecesito (?:una copa|un trago|una dosis|una raya)\b", about_self=True),
    make_rule("es.recaida.recai", RELAPSE, CONCERN, "recaida",
          r"\b(?:recai|he recaido|volvi a (?:consumir|beber|tomar|drogarme))\b", about_self=True),
)  # fmt: skip


def _idiom(idiom_id: str, categories: set[Category], description: str, pattern: str) -> Idiom:
    return Idiom(idiom_id, re.compile(pattern), frozenset(categories), description)


IDIOMS: tuple[Idiom, ...] = (
    _idiom("idiom.laughing", {SUI}, "laughing hard", r"\bkill(?:ed|ing)? my ?self laughing\b"),
    _idiom("idiom.effort", {SUI}, "working very hard",
           r"\bkilling myself (?:at (?:the gym|work)|(?:trying )?to (?:finish|get|meet|make"
           r"|pass))\b"),
    _idiom("idiom.die_of", {SUI}, "dying of embarrassment",
           r"\bdie (?:of|from) (?:embarrassment|shame|laughter|boredom|cringe)\b"),
    _idiom("idiom.foot", {SUI}, "harming one's own cause",
           r"\b(?:shoot|shooting|shot) myself in the foot\b"),
    _idiom("idiom.drown_in", {SUI}, "being overloaded",
           r"\bdrown(?:ing)? myself in (?:work|books|coffee)\b"),
    _idiom("idiom.suicide_compound", {SUI}, "a compound noun",
           r"\b(?:career|political|social|financial) suicide\b|\bsuicide (?:sprints?|drills?"
           r"|runs?|squad|mission|doors?|prevention|awareness|rates?|questions?|screening|risk|stats"
           r"|statistics|figures|numbers|research"
           r"|assessment|hotline|helpline|lines?)\b"),
    _idiom("idiom.end_relationship", {SUI}, "ending a relationship",
           r"\bend it with (?:him|her|them|my (?:boyfriend|girlfriend|partner|husband|wife))\b"),
    _idiom("idiom.die_if", {SUI}, "dying of hunger, laughter or embarrassment",
           r"\b(?:going to|am going to|will|would|could|might) (?:just |literally )?die (?:if|of|from"
           r"|laughing|when|before)\b|\bdie laughing\b|\brather die than\b"
           r"|\bcould (?:just |literally )?die(?= ?(?:,|$|of|that|from))"),
    _idiom("idiom.kitchen", {HARM}, "a kitchen or household injury",
           r"\b(?:cut|cutting|burn|burned|burnt|burning) my (?:finger|fingers|thumb|hand|arm|leg)"
           r" (?:chopping|cooking|on|shaving|opening|while|at|in|by accident|slicing|gardening)\b"),
    _idiom("idiom.taking_as_prescribed", {OD}, "taking medication as prescribed",
           r"\b(?:took|take|taking|taken) (?:all )?(?:of )?my (?:meds|medication|medications|pills"
           r"|tablets|prescriptions?|doses?|vitamins)(?: again)? (?:today|this morning|tonight|on time"
           r"|as prescribed|like (?:i am|the doctor|my doctor)|every day|with (?:food|breakfast"
           r"|dinner))\b"),
    _idiom("idiom.learning_first_aid", {EMERGENCY}, "learning what to do in an emergency",
           r"\b(?:what to do|how to (?:help|tell|respond|spot)|signs? of|training|session|course"
           r"|class|learn(?:ed|t|ing)?|taught|teach(?:es|ing)?|leaflet)\b[a-z ']{0,40}\b(?:if|when"
           r"|whether) (?:someone|somebody|a person|a friend|they|you)\b[a-z ']{0,50}"),
    _idiom("idiom.death_of_me", {SUI}, "'the death of me', 'could kill for'",
           r"\b(?:be|is|was|will be) the death of me\b|\b(?:could|would) (?:kill|murder) (?:for|a)\b"),
    _idiom("idiom.died_of_overdose", {OD}, "someone who died of an overdose",
           r"\b(?:died|dying|death|deaths|lost (?:him|her|them)) (?:of|from|to) (?:an |a )?(?:od|overdose"
           r"|overdoses)\b"),
    _idiom("idiom.hair_dye", {SUI}, "dyeing hair (often misspelt)", r"\b(?:dying|die) my hair\b"),
    _idiom("idiom.accident", {HARM}, "an accidental injury",
           r"\b(?:cut|hurt|burned|burnt) myself (?:shaving|cooking|chopping|playing|lifting"
           r"|running|at (?:the gym|work)|on (?:a|the|some) (?:piece of |broken )?(?:knife|glass"
           r"|stove|oven|pan|iron|paper)|by accident)\b"),
    _idiom("idiom.self_figurative", {HARM}, "figurative cutting or burning",
           r"\bcut(?:ting)? myself (?:off|some slack|a break)\b|\bburn(?:ing|ed|t)? myself out\b"),
    _idiom("idiom.trivial_overdose", {OD}, "an overdose of something trivial, or statistics",
           r"\b(?:overdos(?:e|ed|ing)|od(?:'d|ed)?) on (?:sugar|chocolate|caffeine|coffee"
           r"|netflix|tv|candy|cake)\b|\b(?:sugar|caffeine|chocolate|candy) overdose\b"
           r"|\boverdose (?:deaths|prevention|awareness|rates?)\b"),
    _idiom("idiom.goodbye_event", {PREP}, "leaving an event",
           r"\b(?:said|say|saying) (?:my )?goodbyes? to everyone (?:at|in|before|after)\b"),
    _idiom("idiom.drink_of_water", {RELAPSE}, "a soft drink",
           r"\ba drink of (?:water|juice|milk|tea)\b"),
    _idiom("idiom.hopeless_at", {HOPE}, "bad at something", r"\bhopeless (?:at|with)\b"),
    _idiom("es.idiom.morir_de", {SUI}, "morirse de algo",
           r"\bmorir(?:me)? de (?:verguenza|risa|hambre|sueno|aburrimiento)\b"),
    _idiom("es.idiom.esfuerzo", {SUI}, "esforzarse mucho",
           r"\bme mato (?:a (?:estudiar|trabajar|entrenar)|estudiando|trabajando|entrenando)\b"),
    _idiom("es.idiom.corte_accidental", {HARM}, "corte de pelo o accidente",
           r"\b(?:me corte|me corto|cortarme) (?:el pelo|el cabello|las unas|cocinando"
           r"|sin querer)\b"),
    _idiom("es.idiom.medicacion", {RELAPSE}, "retomar la medicacion",
           r"\bvolvi a tomar (?:mi|mis|la|el) (?:medicacion|medicamentos|pastillas|tratamiento)\b"),
    _idiom("es.idiom.beber_agua", {RELAPSE}, "bebida sin alcohol",
           r"\bbeber (?:agua|un cafe|cafe|te|zumo|jugo|leche)\b"),
)  # fmt: skip

COMBINATIONS: tuple[Combination, ...] = (
    Combination("combo.plan_with_hopelessness", PREP, frozenset({HOPE, BURD}), CRISIS,
                "a plan alongside hopelessness or burden"),
)  # fmt: skip
