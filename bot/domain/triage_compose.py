"""Compositional crisis rules: clinical categories built from small lexicons, not sentences.

Each rule here is a *frame* (who, wanting / intending / planning / being able) joined to an
*act or means* (dying, ending one's life, a rope, pills laid out, a height) within a few
words, so one rule covers a whole family of wordings. The categories follow the C-SSRS
(wish to be dead, active thoughts, method, intent, plan, preparatory acts) plus means and
place, farewell acts, burdensomeness, entrapment, self-harm, overdose and a medical
emergency of the writer or of someone with them. The same second stage as the phrase
rules sets a match aside (idiom, someone else, the distant past, a negation).

Patterns run on normalised text (``bot.domain.triage.normalise``): "do not", "i am", no
accents, punctuation other than ``, . ! ? ; :`` dropped (and sentences already split).
"""

from __future__ import annotations

from bot.domain.triage_rules import Category, Rule, TriageLevel, make_rule

SUI, HARM, OD = Category.SUICIDAL_INTENT, Category.SELF_HARM, Category.OVERDOSE
PREP, HOPE = Category.PREPARATION, Category.HOPELESSNESS
WISH, MEANS, FAREWELL = Category.WISH_DEAD, Category.MEANS_PLACE, Category.FAREWELL
BURD, TRAP, EMERGENCY = Category.BURDEN, Category.ENTRAPMENT, Category.MEDICAL_EMERGENCY
CRISIS, CONCERN = TriageLevel.CRISIS, TriageLevel.CONCERN


def _any(*words: str) -> str:
    return "(?:" + "|".join(words) + ")"


def _gap(most: int) -> str:
    """Up to ``most`` words between two parts (never across a comma)."""
    return rf"(?:\s+(?!(?:not|never|no|nor)\b)[a-z0-9']+){{0,{most}}}?\s+"


# --- Lexicons -------------------------------------------------------------------------------

ME_GONE = (
    r"(?:i (?:was|were|am|was not|were not|am not|died|disappeared|killed myself|left for good"
    r"|did not wake up|never woke up|had never been born)(?:(?<=not)| (?:gone|dead|not here"
    r"|not around|no longer (?:here|around)|around|here|out of the picture|out of the way"
    r"|in the ground)(?: anymore| any more)?)|(?<=without) me|without me|my death|me dying"
    r"|(?:if|when|once) i (?:go|die|am gone|was gone)|by dying|me being (?:gone|dead))"
)
DRUG = _any(
    r"pills", r"tablets", r"meds", r"medications?", r"scripts?", r"prescriptions?", r"benzos",
    r"xanax", r"bars", r"valium", r"klonopin", r"ativan", r"oxys?", r"oxycodone", r"oxycontin",
    r"percs?", r"percocet", r"vicodin", r"hydros?", r"morphine", r"fent", r"fentanyl", r"heroin",
    r"dope", r"methadone", r"subs?", r"suboxone", r"tramadol", r"gabapentin", r"seroquel",
    r"lithium", r"ambien", r"sleeping pills", r"sleeping tablets", r"pain ?killers", r"antidepressants", r"insulin",
    r"tylenol", r"paracetamol", r"ibuprofen", r"aspirin", r"lyrica", r"zoloft", r"prozac",
    r"trazodone", r"lorazepam", r"diazepam", r"clonazepam", r"alprazolam", r"codeine",
    r"lean", r"blues", r"m30s?", r"norcos?", r"dilaudid", r"adderall",
)  # fmt: skip
DEATH = _any(
    r"die", r"dying", r"be dead", r"dead", r"death", r"not (?:be )?(?:here|around|alive)",
    r"(?:not|never) wake up", r"not waking up", r"stop (?:breathing|existing|living)",
    r"end (?:it|it all|things|everything|my life|my pain for good|my own life)",
    r"ending (?:it|it all|things|everything|my life)", r"kill(?:ing)? myself",
    r"take my (?:own )?life", r"off myself", r"check(?:ing)? out (?:for good|of life|early)",
    r"disappear (?:forever|for good|permanently)", r"sleep forever", r"go to sleep forever",
    r"be gone (?:forever|for good)", r"not exist", r"stop being alive", r"cease to exist",
    r"join (?:my )?(?:mom|mum|dad|brother|sister|son|daughter|friend|wife|husband) in heaven",
    r"be with (?:my )?(?:mom|mum|dad|brother|sister|son|daughter|wife|husband) again",
    r"unalive(?: myself)?", r"go through with it", r"(?:finish|finishing|stop|close) my (?:own )?life", r"(?:hit|take|takes|took|kill) me(?! off)",
    r"in the (?:ground|grave)", r"the grave", r"over (?:for good|forever|permanently)",
    r"live or die", r"living or dying", r"end this life", r"be over with",
)  # fmt: skip
WANTING = _any(
    r"want(?:s|ed)?", r"wanting", r"wish(?:ing)?", r"would rather", r"would like", r"hop(?:e|ing)",
    r"pray(?:ing)?", r"long(?:ing)?", r"ready", r"tempted", r"need", r"feel like", r"urge to",
    r"going to", r"about to", r"decided to", r"plan(?:ning)? to", r"intend(?:ing)? to",
    r"could just", r"deserve to", r"tried to", r"trying to",
    r"time to", r"better to", r"easier to", r"rather",
)  # fmt: skip
THINKING = _any(
    r"think(?:ing)? (?:about|of)", r"thought(?:s)? (?:about|of)", r"keep thinking (?:about|of)",
    r"cannot stop thinking (?:about|of)", r"picturing", r"imagining", r"fantasi[sz](?:e|ing)"
    r" about", r"dream(?:ing)? (?:about|of)", r"considering", r"obsess(?:ed|ing)? (?:about|over)",
    r"ideation", r"googl(?:ed|ing)", r"research(?:ed|ing)", r"look(?:ed|ing) up",
    r"read(?:ing)? (?:about|up on)", r"search(?:ed|ing)(?: for)?",
)  # fmt: skip
OWN_DEATH = _any(
    r"(?:my )?(?:own )?(?:death|dying|being dead|funeral)", r"my grave", r"ways to die",
    r"how to (?:die|end it|kill myself|do it|hang|overdose)", r"not being (?:here|alive|around)",
    r"ending (?:it|it all|things|my life)", r"killing myself", r"suicide", r"the end of me",
    r"dying in my sleep", r"not waking up", r"jumping", r"hanging myself", r"painless ways?",
    r"how many [a-z]+ (?:it takes|would do it|would kill)", r"lethal doses?", r"fatal doses?",
)  # fmt: skip
REPEATEDLY = _any(
    r"keep", r"always", r"constantly", r"all the time", r"every (?:day|night|morning|hour)",
    r"cannot stop", r"non ?stop", r"over and over", r"again and again", r"so much", r"lately",
    r"a lot", r"more and more", r"nonstop",
)  # fmt: skip
PLACE = _any(
    r"bridge", r"ledge", r"edge", r"roof", r"rooftop", r"(?:train |railway |rail )?tracks",
    r"cliff", r"overpass", r"balcony", r"top of (?:the |a )?(?:building|parking|car park|garage"
    r"|cliff|bridge|tower)", r"parking garage", r"platform", r"highway", r"river", r"lake",
    r"window ledge", r"top floor", r"water",
)  # fmt: skip
MEANS_NOUN = _any(
    r"pills?", r"tablets?", r"meds", r"medications?", r"sleeping pills", r"pain ?killers",
    r"oxys?", r"benzos", r"xanax", r"insulin", r"rope", r"noose", r"belt", r"cord", r"gun",
    r"pistol", r"rifle", r"shotgun", r"revolver", r"firearm", r"handgun", r"bullets?",
    r"razors?", r"blades?", r"knife", r"knives", r"fentanyl", r"fent", r"heroin", r"syringe",
    r"needles?", r"bottles? of (?:pills|vodka|whiskey|meds|tablets)", r"charcoal",
    r"exhaust", r"hose", r"stash", r"everything i have", r"all of it", r"the lot",
)  # fmt: skip
AT_HAND = _any(
    r"lined up", r"laid out", r"lay(?:ing)? out", r"counted(?: out)?", r"counting",
    r"in front of me", r"on the (?:table|counter|bed|desk|nightstand|floor|sink)",
    r"in my (?:hand|hands|lap|pocket|bag|car|mouth)", r"next to me", r"beside me",
    r"(?:is |are )?ready", r"loaded", r"within reach", r"sorted into", r"in a pile",
    r"on my (?:lap|bed|desk)", r"all out", r"hidden", r"stashed",
)  # fmt: skip
HOLDING = _any(
    r"holding", r"staring at", r"looking at", r"loaded", r"loading", r"cleaning", r"got out",
    r"took out", r"taken out", r"have out", r"sharpening", r"tied", r"tying", r"tie", r"hung",
    r"hanging", r"put up", r"set up", r"test(?:ed|ing)", r"bought", r"buying", r"ordered",
    r"ordering", r"borrowed", r"borrowing", r"borrow", r"took (?:my |his |her )?(?:dad'?s |brother'?s )?", r"got (?:myself )?(?:a|some)", r"picked up", r"saving", r"saved", r"saved up",
    r"stockpil(?:ed|ing)", r"hoard(?:ed|ing)", r"collect(?:ed|ing)", r"stash(?:ed|ing)",
    r"filled", r"counted", r"counting", r"keep(?:ing)? (?:a|the|my)", r"there is a",
    r"have a", r"found (?:my |his |her )?(?:dad'?s |father'?s )?",
)  # fmt: skip
WEAPON = _any(
    r"gun", r"pistol", r"rifle", r"shotgun", r"revolver", r"firearm", r"handgun", r"rope",
    r"noose", r"razor blades?", r"blades?", r"razors?",
)  # fmt: skip
AT_PLACE = _any(
    r"standing", r"stood", r"sitting", r"sat", r"parked", r"waiting", r"climbed", r"climbing",
    r"looking down", r"leaning", r"dangling", r"hanging", r"i am", r"right now",
)  # fmt: skip
FAMILY = (
    r"(?:my |each of my |all my |our )?(?:kids|children|family|mom|mum|mother|dad|father|wife"
    r"|husband|son|sons|daughter|daughters|parents|everyone|sister|brother|partner|girlfriend"
    r"|boyfriend|fiance|fiancee|grandkids|loved ones|people i love|ex)"
)
PET = r"(?:my )?(?:dog|dogs|cat|cats|pet|pets|puppy|kitten|bird|parrot|rabbit|horse)"
THINGS = (
    r"(?:my )?(?:things|stuff|belongings|possessions|clothes|guitar|records|watch|jewelry"
    r"|jewellery|tools|car|truck|bike|collection|games|ring|books)"
)
RELIEF = _any(
    r"better off", r"happier", r"relieved", r"easier", r"lighter", r"freer", r"free",
    r"better", r"fine", r"okay", r"ok", r"not (?:even )?notice", r"not (?:even )?miss me",
    r"not (?:even )?care", r"nobody would (?:even )?(?:notice|care|miss)",
    r"no one would (?:even )?(?:notice|care|miss)", r"save (?:them|everyone|my family) money",
    r"less of a burden", r"do(?:ing)? (?:them|everyone|everybody|the world|my family) a favou?r",
    r"move on", r"(?:finally )?breathe", r"sleep at night", r"relief", r"a weight off",
    r"one less problem", r"not have to (?:deal|worry)",
)  # fmt: skip
ESCAPE = _any(
    r"(?:only|one|last|real) (?:way out|escape|option|exit|answer|solution|way to stop"
    r"|way to make it stop|thing left|choice|door)", r"no way out (?:but|except|other than|besides)",
    r"nothing left (?:but|except|other than)(?: to)?", r"no other way", r"no (?:escape|exit|way out) (?:(?:from|of) [a-z ]+ )?(?:but|except|other than)",
    r"way out", r"only way(?:\s+[a-z']+){0,8}?\s+(?:is|will be)(?: if| when| by)?",
)  # fmt: skip

# --- Rules ----------------------------------------------------------------------------------


_c = make_rule


COMPOSED: tuple[Rule, ...] = (
    # wish to be dead / active thoughts: a wanting frame, then one's own death
    _c("en.frame.want_death", SUI, CRISIS, "wanting or intending one's own death",
       rf"\b{WANTING}{_gap(3)}{DEATH}\b"),
    _c("en.frame.think_death", SUI, CRISIS, "thoughts of one's own death or of suicide",
       rf"\b{THINKING}{_gap(3)}{OWN_DEATH}\b"),
    _c("en.frame.repeated_death", SUI, CRISIS, "repeated thoughts of death",
       rf"\b{REPEATEDLY}{_gap(4)}(?:think|thinking|picture|picturing|imagine|imagining|dream"
       r"|dreaming|see|seeing|wonder|wondering)(?:\s+[a-z']+){0,4}?\s+(?:about |of )?(?:death"
       r"|dying|being dead|my funeral|my own funeral|not being (?:here|alive|around)|ending it"
       r"|how (?:i would|to) do it)\b"),
    _c("en.wish.no_reason", WISH, CRISIS, "no reason to go on living",
       r"\b(?:no|zero|not (?:a |one |any )?(?:single )?|nothing to|no more) ?(?:reason|point|purpose"
       r"|need) (?:to|for|in|of) (?:me )?(?:wake up|waking up|get up|getting up|keep going"
       r"|keeping going|go on|going on|live|living|be here|being here|exist|existing"
       r"|keep living|stay alive|staying alive|being alive|continue|carry on|stick around"
       r"|see tomorrow)\b"),
    _c("en.wish.stop_for_good", WISH, CRISIS, "wanting everything to stop for good",
       r"\b(?:want|wish|need|would like)(?:\s+[a-z']+){0,4}?\s+(?:to )?(?:stop|end|be over|go away"
       r"|be done|switch off|turn off|go black)\s+(?:forever|for good|permanently|for ever"
       r"|once and for all)\b"),
    _c("en.wish.not_mind_dying", WISH, CRISIS, "not minding dying",
       r"\b(?:would not|do not|would not even|would not really|will not|wouldnt) (?:mind|care)"
       r" (?:if|whether)(?:\s+[a-z']+){0,6}?\s+(?:die|died|dead|killed me|kill me|hit me|crashed"
       r"|did not wake up|never woke up|do not wake up|never wake up|not wake up|took me|ended"
       r"|over|gone)\b"),
    _c("en.wish.not_worth_living", WISH, CRISIS, "life not worth living",
       r"\b(?:life is|living is|it is|life) (?:not|no longer|never) worth (?:living|it anymore"
       r"|it any more|the pain|fighting for)\b|\bnot worth living\b"
       r"|\b(?:done|finished|through) with (?:life|living|being alive|this life|everything"
       r" for good)\b|\bcannot (?:keep|go on) (?:living|being alive|existing)\b"),
    _c("en.wish.sorry_to_wake", WISH, CRISIS, "sorry to have woken up",
       r"\bwoke up(?: again)?\s*,?\s*(?:and )?(?:i am |i was |i feel |felt |feeling )?(?:so )?"
       r"(?:disappointed|gutted|annoyed|upset|angry|sad|pissed off)\b"
       r"|\b(?:disappointed|gutted|annoyed|upset|angry|sad) (?:that )?i (?:woke up|am still (?:here"
       r"|alive|breathing)|survived|made it through (?:the|another) night)\b", about_self=True),
    _c("en.wish.sleep_forever", WISH, CRISIS, "sleeping and not waking",
       r"\b(?:fall|go|drift) (?:off )?(?:to )?sleep and (?:not|never) (?:wake|waking|come back)\b"
       r"|\b(?:not|never) (?:to )?wake up (?:again|tomorrow|in the morning)\b"
       r"|\bnot waking up (?:would|will|sounds|seems|feels)\b"),
    # burdensomeness and entrapment joined to death or absence
    _c("en.burden.better_gone", BURD, CRISIS, "others better off if the writer were gone",
       rf"\b{RELIEF}(?:\s+[a-z']+){{0,6}}?\s+(?:if|when|once|without|after)?\s*{ME_GONE}"
       r"|\b(?:world|everyone|everybody|family|they|kids|people|mom|wife|husband)(?:\s+[a-z']+)"
       r"{0,3}?\s+(?:would|will) (?:be )?(?:better|happier|fine|relieved|okay)(?:\s+[a-z']+)"
       rf"{{0,3}}?\s+{ME_GONE}", about_self=True),
    _c("en.trap.only_way_out", TRAP, CRISIS, "death as the only way out",
       rf"\b{ESCAPE}(?:\s+[a-z']+){{0,6}}?\s+{DEATH}\b"
       rf"|\b{DEATH}(?:\s+[a-z']+){{0,4}}?\s+(?:is|seems|feels|looks|would be)(?:\s+like)?"
       r"(?:\s+the)? (?:only |best |last |easiest )?(?:way out|escape|answer|solution|option"
       r"|way to stop|relief|exit|door|door left|way)\b"),
    # method, plan, intent, preparation
    _c("en.method.own_way", SUI, CRISIS, "a method for oneself",
       r"\b(?:hang|shoot|drown|poison|gas|stab|suffocate|electrocute|starve|strangle|smother)"
       r"(?:ing|ed)? my ?self\b|\b(?:gun|pistol|barrel) (?:to|in|against) my (?:head|mouth"
       r"|temple|chest)\b|\b(?:drive|driving|drove|crash|crashing|steer|swerve|swerving)"
       r"(?:\s+[a-z']+){0,3}?\s+(?:into|off|in front of) (?:a|the|oncoming)? ?(?:tree|wall"
       r"|bridge|cliff|river|truck|traffic|pillar|lake|semi|bus)\b|\b(?:slit|slice|open)"
       r"(?:ing)? my (?:wrists?|throat|veins)\b|\b(?:tie|tied|tying|make|made|making) (?:a|the)"
       r" (?:noose|rope)\b|\bjump(?:ing|ed)? (?:off|from|in front of)\b|\bstep(?:ping)? in front"
       r" of (?:a|the) (?:train|bus|truck|car)\b|\b(?:run|running|ran|leave|left) the (?:car|engine)"
       r" (?:running )?in the (?:closed )?garage\b|\bcarbon monoxide\b"),
    _c("en.plan.when_where", SUI, CRISIS, "a time, place or way decided",
       r"\b(?:tonight|tomorrow|this weekend|this week|friday|saturday|sunday) is (?:the night"
       r"|the day|when)\b|\b(?:picked|chose|chosen|set|decided on|worked out|figured out|planned)"
       r" (?:a|the|out the|out a)? ?(?:date|day|time|spot|place|way|method|how i would do it"
       r"|when)\b(?!\s+(?:for|to) (?:my|the|a|our) )|\b(?:go|going) through with it\b"
       r"|\bi (?:am going to|will) do it (?:tonight|tomorrow|soon|this time|when)\b"
       r"|\bmade up my mind\b|\bat peace with (?:my|the|this) decision\b"
       r"|\b(?:picked|chose|chosen) (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday"
       r"|tonight|tomorrow)\b(?= because| when| while| since|$)", about_self=True),
    _c("en.prep.research", PREP, CRISIS, "researching how",
       r"\b(?:googl|research|look|search|read)(?:ed|ing)? (?:up )?(?:how|ways|the (?:best|easiest"
       r"|quickest|most painless) way|what (?:dose|amount)|how (?:many|much))(?:\s+[a-z']+){0,6}?"
       r"\s+(?:die|death|kill|fatal|lethal|overdose|od|end it|hang|painless|not wake up"
       r"|stop my heart)\b"),
    _c("en.prep.means", PREP, CRISIS, "getting or keeping the means",
       rf"\b{HOLDING}(?:\s+[a-z']+){{0,3}}?\s+{WEAPON}\b(?! (?:safety|range|class|lock|store"
       r"|shop|show|club))"),
    _c("en.means.at_hand", MEANS, CRISIS, "the means laid out or at hand",
       rf"\b{MEANS_NOUN}(?:\s+[a-z']+){{0,3}}?\s+{AT_HAND}\b|\b(?:loaded|cocked) {WEAPON}\b"
       rf"|\b{WEAPON} (?:is )?(?:in|under|on) my (?:lap|hand|mouth|pillow|bed|nightstand)\b"),
    _c("en.means.at_place", MEANS, CRISIS, "at a height, a bridge or tracks",
       rf"\b{AT_PLACE}(?:\s+[a-z']+){{0,3}}?\s+(?:on|at|by|near|under|in|onto|over|to|off) "
       rf"(?:the |a |this |that |my )?(?:edge of (?:the |a )?)?{PLACE}\b"
       r"(?!\s+(?:club|game|party|view|walk|trip|ride|tour|cafe|restaurant|bar|house|lesson))",
       about_self=True),
    # farewell acts
    _c("en.farewell.letters", FAREWELL, CRISIS, "goodbye letters",
       r"\b(?:wrote|written|writing|write|left|leaving|leave|finished|sealed|addressed)"
       rf"(?:\s+[a-z']+){{0,2}}?\s+(?:a |my |the |some )?(?:letters?|notes?|goodbyes?|messages?)"
       rf" (?:to|for) {FAMILY}\b"),
    _c("en.farewell.pet_things", FAREWELL, CRISIS, "giving away a pet or treasured things",
       r"\b(?:giv(?:e|ing|en)|gave|find(?:ing)?|found|rehom(?:e|ed|ing)|sign(?:ed|ing)? over"
       rf"|hand(?:ed|ing)? over)(?:\s+[a-z']+){{0,2}}?\s+{PET}\b(?!\s+(?:food|treats?|a bath"
       rf"|a walk|meds|medicine|pills|a bone))|\b(?:a (?:new |good )?home|someone) (?:for|to take"
       rf"|to look after|to have|to feed|feeds|will feed|to take care of) {PET}\b"
       rf"|\b(?:giv(?:e|ing|en)|gave) (?:away )?(?:all )?(?:of )?{THINGS} away\b"
       rf"|\b(?:giv(?:e|ing|en)|gave) away (?:all )?(?:of )?{THINGS}\b"),
    _c("en.farewell.affairs", FAREWELL, CRISIS, "putting affairs in order",
       r"\b(?:made|wrote|writing|updated|updating|make|sorted|finished|signed) (?:out )?(?:a|my)"
       r" (?:will|last will)\b|\b(?:sort(?:ed|ing)?|put(?:ting)?|get(?:ting)?|got) (?:out )?(?:all )?"
       r"(?:my )?(?:affairs|finances|accounts|passwords|life insurance|funeral)(?: in order| sorted"
       r"| out)?\b(?!\s+(?:for (?:the|my) (?:move|taxes|job|court|trip)))"
       r"|\bwho (?:gets|will get|should get|would get|will have|takes|will take|will look after"
       r"|can look after|will feed) (?:my|the)\b"),
    _c("en.farewell.last_words", FAREWELL, CRISIS, "last words or goodbyes",
       r"\b(?:this is|it is|consider this) (?:my |the )?(?:last|final) (?:message|text|goodbye"
       r"|time you)\b|\blast time you (?:will|would) hear from me\b|\bby the time (?:you|anyone|they)"
       r" (?:read|see|get|find) this\b|\b(?:tell|let) (?:my |them )?(?:kids|children|family|mom"
       r"|mum|dad|wife|husband|son|daughter|everyone|them|her|him) (?:i am sorry|i love|that i"
       r" (?:love|am sorry))\b|\b(?:take care of|look after|watch over) (?:my|the) (?:kids"
       r"|children|dog|cat|mom|mum|family) for me\b|\bgoodbye (?:texts|messages|letters|notes|forever|for good|everyone"
       r"|world|cruel world)\b|\b(?:when|after|once) i am gone\b|\bwill not be (?:around|here)"
       r" (?:much longer|for long|to see|anymore|any more|by|next)\b"
       r"|\bnot going to be (?:here|around) (?:much longer|for long|tomorrow|next week|anymore)\b"
       r"|\b(?:saying|said|say) (?:my )?(?:final |last )?(?:goodbyes|farewells)\b(?! (?:to everyone )?(?:at|in"
       r"|before|after) )", about_self=True),
    # self-harm
    _c("en.harm.own_body", HARM, CRISIS, "hurting one's own body on purpose",
       r"\b(?:cut|cutting|burn|burning|burned|burnt|scratch(?:ed|ing)?|carv(?:e|ed|ing)"
       r"|slash(?:ed|ing)?|hit(?:ting)?|punch(?:ed|ing)?|bang(?:ed|ing)?|bruis(?:e|ed|ing)"
       r"|stab(?:bed|bing)?) (?:on |into )?my (?:own )?(?:arms?|wrists?|thighs?|legs?|skin"
       r"|stomach|hands?|head|face|chest|hips?|fingers?|ankles?|body)\b"
       r"|\bfresh (?:cuts|scars|burns|wounds)\b|\b(?:urge|urges|need|want|wanted) to (?:cut|self"
       r" harm|sh|burn myself|hurt myself|bleed)\b|\bmade myself bleed\b|\bsh again\b"
       r"|\b(?:relapsed|slipped|back) (?:on|into|to) (?:cutting|self harm|sh|burning)\b"
       r"|\b(?:razor|blade|lighter|knife) (?:to|on|against) my (?:skin|arm|wrist|leg|thigh)\b"
       r"|\b(?:until|till|til) (?:it|i) bled\b|\bpunch(?:ed|ing)? (?:the |a )?walls? (?:until|till|til) my\b"
       r"|\bwant(?:ed)? (?:it|myself|me) to (?:hurt|bleed)\b",
       about_self=True),
    # overdose
    _c("en.od.took_too_much", OD, CRISIS, "having taken a dangerous amount",
       r"\b(?:took|taken|take|taking|swallowed|downed|popped|did|done|used|shot|snorted|smoked"
       r"|injected|necked|drank) (?:up )?(?:way |far |a lot |much )?(?:more|too much|too many"
       r"|double|triple|twice|three times|everything|all (?:of )?(?:my|the|it|them|what)"
       r"|the (?:whole|rest of the|entire)|a (?:whole|full) (?:bottle|pack|box|strip|bag|gram)"
       r"|a handful|handfuls|enough|every (?:pill|last))(?:\s+[a-z']+){0,4}?\s*"
       r"(?:than (?:i |my )?(?:should|usual|normal|normally|prescribed|ever)|at once|in one go"
       r"|to (?:kill|knock|put|not wake|end|stop)|pills|tablets|meds|oxys?|benzos|xanax|bars"
       r"|percs?|fent|fentanyl|heroin|dope|methadone|subs?|suboxone|tramadol|gabapentin"
       r"|sleeping pills|pain ?killers|of (?:my|the|his|her) (?:pills|meds|prescription|script)"
       r"|bottle|pack)\b"),
    _c("en.od.not_caring", OD, CRISIS, "using with no care whether one survives",
       r"\b(?:do not|does not|would not|doesnt) (?:care|matter)(?: anymore)? (?:if|whether)"
       r"(?:\s+[a-z']+){0,5}?\s+(?:kills? me|wake up|wake|die|survive|make it|come back|od"
       r"|overdose|take too much|is too much|is the last)\b|\b(?:hope|hoping|maybe|hopefully)"
       r" (?:it|this|the next (?:one|hit|shot|bag|bottle)|i) (?:kills? me|is the last|is my last"
       r"|finishes me|puts me down|takes me out|do not wake|does not let me wake|od|overdose)\b"
       r"|\benough to (?:kill|put down|not wake|end it|stop my heart|knock me out for good)\b"),
    _c("en.od.mixing", OD, CRISIS, "mixing downers",
       r"\bmix(?:ed|ing)?(?:\s+[a-z']+){0,3}?\s+(?:benzos|xanax|bars|pills|methadone|oxys?"
       r"|sleeping pills|fent|fentanyl|heroin|opioids|pain ?killers|valium|klonopin)"
       r"(?:\s+[a-z']+){0,2}?\s+(?:and|with) (?:alcohol|booze|vodka|whiskey|drinking|beer"
       r"|wine|liquor|benzos|xanax|fent|fentanyl|heroin|opioids|methadone)\b"),
    # medical emergency, of the writer or of someone with them
    _c("en.emergency.breathing", EMERGENCY, CRISIS, "not breathing or breathing badly",
       r"\b(?:not|barely|hardly|stopped|stop|no longer|isnt|is not|are not|was not|struggling"
       r" to be|having trouble|trouble) breathing\b|\bcannot (?:breathe|catch (?:my|his|her)"
       r" breath)\b|\bbreathing (?:is |has )?(?:really |very |so )?(?:weird|funny|slow|shallow"
       r"|strange|slowed|stopped|wrong|rattly|raspy)\b|\b(?:gasping|gurgling|choking) (?:for air"
       r"|sounds?|noises?|on (?:his|her|their|my) (?:own )?vomit)\b|\b(?:snoring|gurgling|rattling"
       r"|choking|weird|strange|death rattle) (?:sound|noise)s?\b|\bno pulse\b|\bpulse is"
       r" (?:weak|gone|really slow)\b", anyone=True),
    _c("en.emergency.colour", EMERGENCY, CRISIS, "turning blue or grey",
       r"\b(?:lips|face|fingers|fingertips|nails|skin|mouth) (?:are |is |look |looks |went "
       r"|turned |turning |going |gone |getting )?(?:kind of |really |so |a bit )?(?:blue|grey"
       r"|gray|purple|ashy)\b|\bturn(?:ed|ing) (?:blue|grey|gray|purple)\b", anyone=True),
    _c("en.emergency.unresponsive", EMERGENCY, CRISIS, "unresponsive or collapsed",
       r"\b(?:will not|cannot|could not|not|can not|wont) (?:wake (?:him|her|them|my [a-z]+)"
       r"(?: up)?|wake up|respond(?:ing)?|come to|open (?:his|her|their) eyes|get (?:him|her"
       r"|them) to (?:wake|respond))\b|\b(?:unresponsive|unconscious)\b|\b(?:passed|blacked|knocked) out"
       r" (?:and|cold|on the|in the)\b|\bout cold\b|\b(?:collapsed|fainted|keeled over|slumped"
       r" over)\b|\b(?:having|had|in) (?:a )?(?:seizure|fit|convulsions?)\b"
       r"|\bseizing\b|\bconvuls(?:ing|ed)\b|\bfoam(?:ing)? at the mouth\b|\blimp\b"
       r"|\bnodding out and\b|\bwill not stay awake\b", anyone=True),
    _c("en.emergency.naloxone", EMERGENCY, CRISIS, "needing naloxone or an ambulance now",
       r"\b(?:need|needs|where is|where do i get|get|grab|find|have no|out of|do not have)"
       r" (?:the |some |a |any )?(?:narcan|naloxone)\b(?! (?:training|kits?|class|from|without|at|for my|on))"
       r"|\b(?:gave|giving|sprayed|spraying|gave him|gave her|used) (?:him |her |them )?(?:the |a"
       r" |some |two |another )?(?:narcan|naloxone|dose of narcan)\b(?!\s+(?:last|once|training))"
       r"|\b(?:call|called|calling) (?:911|999|112|000|an ambulance|the ambulance|paramedics"
       r"|emergency services)\b|\b(?:i|he|she|they|someone|my [a-z]+) (?:is|are|am|might be"
       r"|think i am|could be) (?:overdosing|oding|od ing|having an overdose)\b"
       r"|\b(?:i think|pretty sure) (?:i|he|she|they) (?:overdosed|od|oded|took too much)\b"
       r"|\b(?:cannot|can not|could not) (?:feel|find) (?:his|her|their|my|a) (?:pulse|heartbeat)\b"
       r"|\bchest (?:pain|is tight|hurts|pains)(?:\s+[a-z']+){0,4}?\s+(?:breathe|breathing"
       r"|after using|after i used|heart)\b", anyone=True),
    # more wordings of intent, method, self-harm, overdose and emergency
    _c("en.means.there_now", MEANS, CRISIS, "at a height or on the tracks, said plainly",
       r"^(?:i am |im |here |now |right now )?(?:on|at|up on|out on|standing on) (?:the |a |this )"
       r"(?:bridge|roof|rooftop|ledge|edge|tracks|train tracks|cliff|overpass|top floor)"
       r"(?: now| right now| again| tonight)?$",
       about_self=True),
    _c("en.trap.or_the_grave", TRAP, CRISIS, "death as the way out",
       r"\b(?:or|so|just|only|then) the grave\b|\b(?:or|so|then) (?:i (?:die|end it)|death)$"
       r"|\beither i [a-z ]{1,30} or i (?:die|am dead|end it|kill myself)\b",
       about_self=True),
    _c("en.intent.finish_life", SUI, CRISIS, "ending one's life, in other words",
       r"\b(?:today|tonight|now|tomorrow) i (?:finish|end|stop|close) (?:my life|it|everything)\b"
       r"|\bi (?:finish|end|stop) my (?:own )?life\b", about_self=True),
    _c("en.prep.enough_for_it", PREP, CRISIS, "getting enough for it",
       rf"\benough (?:of )?(?:my |the )?{DRUG} (?:for it|to do it|to end it|to not wake up|for the job)\b",
       about_self=True),
    _c("en.prep.saved_drugs", PREP, CRISIS, "medication saved up for it",
       rf"\b{DRUG} (?:that )?i (?:have )?(?:saved|stashed|collected|hoarded|been saving|been"
       r" stashing|kept back|put aside|squirrelled away)\b", about_self=True),
    _c("en.thoughts.commanding", SUI, CRISIS, "a voice or urge telling one to die",
       r"\b(?:voices?|something|my head|my brain|thoughts?)(?:\s+[a-z']+){0,3}?\s+(?:says?|saying"
       r"|tells? me|telling me|keeps? telling me|screaming at me|whispering)(?: to)? (?:kill"
       r" (?:myself|yourself)|die|end it|jump|kys|hurt (?:myself|yourself)|do it)\b|\bkys\b"),
    _c("en.intent.doing_it", SUI, CRISIS, "saying one will do it",
       r"\b(?:i am|i will be|i will|i have decided i am) (?:doing|do) it (?:tonight|today|tomorrow"
       r"|now|soon|this time|after|when|before)\b|\bi am ending (?:it|things|it all|my life|this)\b"
       r"|\bi am (?:finally )?going to (?:do it|end it|end things)\b|\bdoing it tonight\b"
       r"|\btonight i (?:will|am going to) (?:do it|end it)\b", about_self=True),
    _c("en.method.how_id_do_it", SUI, CRISIS, "a way considered",
       r"\bhow i (?:would|will|could|am going to|should) do it\b|\b(?:quickest|easiest|fastest"
       r"|best|cleanest|surest|most painless|least painful|painless) way (?:out|to go|to do it"
       r"|to die|to end it|to end things|to not wake up)\b", about_self=True),
    _c("en.harm.hitting", HARM, CRISIS, "hitting or scratching oneself",
       r"\b(?:hit|hitting|punch(?:ed|ing)?|slap(?:ped|ping)?|bang(?:ed|ing)?|scratch(?:ed|ing)?"
       r"|bit(?:e|ing)?|starv(?:e|ed|ing)|pinch(?:ed|ing)?) my ?self\b(?! (?:up|out|for|on the"
       r" back))", about_self=True),
    _c("en.od.all_my", OD, CRISIS, "taking all of a medicine or drug",
       r"\b(?:take|taking|took|swallow(?:ed|ing)?|down(?:ed|ing)?|pop(?:ped|ping)?|shoot|snort)"
       rf" (?:all|the rest|every last one|everything)(?: of)?(?: my| the| his| her| in the)?"
       rf"(?:\s+[a-z']+){{0,2}}?\s+(?:{DRUG}|medicine cabinet|cabinet|bottle|stash|supply)\b"
       r"(?! (?:today|this morning|tonight like|on time|as prescribed|like (?:i am|the|my)|for the"
       r" day|with (?:breakfast|dinner|food)|yesterday|every day))"
       rf"|\b(?:took|taken|swallowed|popped|downed|did|had) (?:like |about |around |maybe )?"
       rf"(?:[1-9][0-9]+|ten|twelve|fifteen|twenty|thirty|forty|fifty)(?: of)?(?: my| his| her"
       rf"| the)? {DRUG}\b|\b(?:stash|sav|stockpil|hoard|collect|keep|squirrel|hid)(?:ing|ed|e)?"
       rf" (?:away |up )?(?:all )?(?:of )?(?:my |the )?{DRUG}\b(?! (?:in a lockbox|locked))"
       r"|\b(?:took|taken|did|used|had|shot|snorted) (?:way|far) too much\b"
       r"|\b(?:used|using|took|did|shot|do|use|take) (?:my |the )?(?:old|usual|normal|same) (?:dose|amount"
       r"|shot|hit)\b|\b(?:my )?tolerance (?:is |was )?(?:gone|down|low|zero|nothing)\b"
       r"|\bwhatever happens happens\b"),
    _c("en.emergency.signs", EMERGENCY, CRISIS, "signs of an overdose or collapse",
       r"\b(?:went|gone|going|turned|turning) (?:all )?(?:blue|grey|gray|purple|white|pale)"
       r" and\b|\b(?:is not|not|isnt|stopped|has not stopped|will not stop) (?:moving|responding"
       r"|shaking)\b|\bnot waking\b(?! up (?:early|on time|for))|\bseizures?\b"
       r"|\b(?:arm|face|lips|chest) (?:is |are |went |going )?(?:numb|tingling|tight)\b"
       r"|\bheart (?:is )?(?:racing|pounding|beating) (?:like crazy|so fast|out of my chest"
       r"|really fast)\b|\b(?:can barely|cannot) (?:stay awake|keep my eyes open|move)\b"
       r"|\bthrowing up and (?:not|cannot|will not)\b|\bshaking all over\b|\b(?:passing|blacking) out\b|\bvision (?:is )?(?:going|went|gone)"
       r" (?:black|dark)\b|\beyes (?:are )?"
       r"(?:rolling|rolled back)\b", anyone=True),
    # concern: distress, craving, relapse, lapse, hopelessness, worthlessness
    _c("en.concern.hopeless", HOPE, CONCERN, "hopelessness",
       r"\bnothing to look forward to\b|\btoo late (?:to|for me)\b|\bwasted my (?:whole )?life\b"
       r"|\bgiv(?:e|ing) up on\b|\bno future\b|\bpointless\b|\bwhat is the use\b"
       r"|\bnever going to (?:change|get better|stay clean|stay sober|make it|be okay)\b"
       r"|\bno point (?:in )?(?:trying|anymore|any more)\b|\bdone trying\b"
       r"|\b(?:why|what is the point of) (?:even )?(?:bother|trying)\b"),
    _c("en.concern.worthless", BURD, CONCERN, "worthlessness, nobody cares",
       r"\b(?:everyone|everybody|they all) (?:hates|hate) me\b|\bnobody (?:cares|would care)"
       r" (?:if|whether|about)\b|\bi am (?:so |such |just |a )*(?:useless|worthless|a failure"
       r"|a disappointment|pathetic|disgusting|a waste|a screw up|a screwup|a loser)\b"
       r"|\bi ruin everything\b|\bi hate (?:myself|who i am)\b|\bi am (?:always )?the problem\b"
       r"|\bi am a lost cause\b",
       about_self=True),
    _c("en.concern.craving", Category.RELAPSE_RISK, CONCERN, "craving or an urge to use",
       r"\bcrav(?:ing|ings|e)\b(?!.*\b(?:passed|went away|helped|faded|gone now)\b)"
       r"(?!\s+(?:is |are |was |were |at |of )?(?:low|gone|better|manageable"
       r"|down|fine|ok|okay|mild|zero|none|[0-4](?: out of)? 10\b|[0-4]\b))|\burges? (?:to|for) (?:drink|use|get high|gamble|bet|score"
       r"|smoke)\b|\bcan (?:almost )?taste it\b|\b(?:really|so|badly) want (?:a drink|to use"
       r"|to get high|a hit|to drink)\b"),
    _c("en.concern.relapse", Category.RELAPSE_RISK, CONCERN, "about to use, drink or gamble",
       r"\b(?:texting|calling|hitting up|hit up|messaging|text|call) (?:my |the )?(?:old )?"
       r"(?:dealer|plug|connect|guy)\b|\b(?:go|going to|about to|gonna) (?:buy|get|cop|score|grab|pick"
       r" up) (?:a bag|some|a bottle|a gram|dope|a point|a case|a fifth|booze|pills)\b"
       r"|\b(?:put|place|placing|putting) a bet\b"
       r"|(?<!instead of )\b(?:walking|driving|going|heading) (?:to|into) the (?:off licence|offie|liquor store"
       r"|bottle shop|bar|pub|casino|bookies)\b"
       r"|\bput (?:my |the )?(?:whole )?(?:paycheck|rent|savings|wages) on\b|\b(?:betting"
       r" app|sports ?book)\b|\bopening (?:it|the bottle)\b|\bbottle in the"
       r" (?:car|house|freezer|cupboard)\b|\bdo not try to stop me\b"),
    _c("en.concern.lapse", Category.RELAPSE_RISK, CONCERN, "a slip or lapse",
       r"\b(?:put|lost|bet|blew|spent) (?:[0-9]+|a|my|the|all my) ?(?:quid|pounds|dollars|bucks|grand"
       r"|k|paycheck|wages|rent)? on (?:the )?(?:horses|slots|pokies|dogs|game|games|casino"
       r"|roulette|cards|scratchies|lottery)\b"
       r"|\b(?:used|drank|relapsed|slipped|gambled|smoked|got high|got drunk|picked up)"
       r" (?:on|this|last|yesterday|today|again|over|at|after|a bit|a little)\b"
       r"|\b(?:took|had|did|used) (?:a couple|some|a few|one|two|a) (?:of )?(?:my )?(?:[a-z]+ )?(?:lines|valium|pills|xanax"
       r"|bars|oxys?|percs?|benzos)\b"),
    _c("en.concern.distress", HOPE, CONCERN, "intense distress or isolation",
       r"\b(?:have not|not|havent) slept (?:in|for) (?:[0-9]+|two|three|four|five|days)\b"
       r"|\bpanic attacks?\b|\b(?:all|completely|totally|so) alone\b|\bno one (?:called|to talk"
       r" to)\b|\bnobody to talk to\b|\bcannot stop (?:crying|shaking)\b|\bfull of rage\b"
       r"|\b(?:losing|lost) my mind\b|\bfalling apart\b|\bbreaking down\b|\bsmashed (?:a|the|my|up) ?(?:plate|plates|glass|phone|window|wall|tv|mirror|place|room)\b"
       r"|\bspiral(?:ing|led)?\b"),
    _c("en.concern.unsaid_plan", PREP, CONCERN, "a plan or decision, unsaid",
       r"\bi know what i (?:am going to|have to|need to|will|must) do\b|\bi (?:figured|worked)"
       r" it (?:all )?out\b|\b(?:got|have) a plan (?:sorted|ready|worked out)\b"
       r"|\b(?:i have|i am|i) made (?:my|a|up my) (?:decision|mind)\b", about_self=True),
)  # fmt: skip
