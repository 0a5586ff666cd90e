"""Benchmark 5: the crisis-language classifier's time per message.

``bot.domain.triage.assess(text)`` runs synchronously on the bot's event loop for every
free-text message a patient sends (``SafetyService.triage_text``), so its time delays
everything else in the process, an SOS included. Measured in this process, with no
database, on:

1. typical patient messages: about 40 fictional ones below (texting, check-in answers,
   one to four sentences; a mix meant to read as none, concern and crisis), each assessed
   once per round, many rounds after a warm-up; the median, p99 and mean per call;
2. a 4,096-character message (Telegram's maximum) made of such messages, worst of several
   runs;
3. adversarial inputs of 4,096 characters: emoji, binary junk and control characters, one
   repeated word (a word a rule matches, so that every repetition is a match to judge; a
   plain word is timed beside it), and text with no spaces.

Target: a typical message takes under 2 ms, as the mean and as the p99; each 4,096-character
input under 50 ms (worst of the runs). Lengths are Python characters (code points); for
emoji that is more UTF-16 units than Telegram, which counts those, would deliver: erring on
the long side.

The benchmark needs no database and runs once, whatever backends are chosen.
"""

from __future__ import annotations

import gc
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from bench.report import Figure, Result, median
from bench.scale import Scale
from bot.domain.triage import TriageLevel, assess

TYPICAL_MS = 2.0  # mean and p99 per typical message
LONG_MS = 50.0  # worst run per 4,096-character input
LENGTH = 4096  # Telegram's maximum message length
WARM_UP_ROUNDS = 3

# Fictional messages, grouped by the level they are meant to read as. The classifier's
# own verdicts are reported (``levels_returned``), not checked: this is not a test.
READS_AS_NONE = (
    "ok",
    "yes",
    "thx 🙏",
    "7",
    "slept ok, maybe 6 hours",
    "had a rough day but went to my meeting",
    "cravings were a 3 today, mostly after work",
    "omw to group, running late lol",
    "Called my sponsor this morning. We talked for like an hour and it actually helped.",
    "no drinks today. 41 days!!",
    "work was killing me today but im fine now",
    "I could die for a coffee right now haha",
    "watched a movie where the guy overdoses, kind of intense",
    "Used to cut when I was a teenager. Haven't in years and I'm proud of that.",
    "I'm not going to hurt myself, I promise. Just really tired.",
    "can we move tomorrow's check-in to the afternoon?",
    "hoy fue un buen día, fui a la reunión",
    "Went for a walk instead of going to the bar. Felt weird but good. Texting you from the park.",
)
READS_AS_CONCERN = (
    "i keep thinking everyone would be better off",
    "honestly whats the point anymore",
    "I feel like such a burden on my family",
    "craving really bad tonight and my ex just texted",
    "nothing is ever going to get better",
    "drove past my old dealer's place twice today. didn't stop but I wanted to",
    "there's a bottle in the cupboard and I keep looking at it",
    "everything feels hopeless lately",
    "no puedo más con esto",
    "i relapsed last night. feel like garbage",
    "been thinking about using again, the urges are loud today. not sure I can hold out.",
)
READS_AS_CRISIS = (
    "my friend isnt breathing",
    "i want to die",
    "I took all my pills an hour ago",
    "kms",
    "I've written the letters and I know how I'm going to do it.",
    "i cant do this anymore. i want to end it tonight",
    "he wont wake up and his lips are blue",
    "I'm going to kill myself",
    "me quiero morir",
    "i cut myself again tonight, it's deep",
    "Mixed a lot of stuff with the xanax, can't feel my hands",
    "i keep thinking everyone would be better off without me. i have the rope",
)
MESSAGES = READS_AS_NONE + READS_AS_CONCERN + READS_AS_CRISIS

# Emoji as phones send them: skin tones, ZWJ sequences, flags, keycaps, variation selectors.
EMOJI = (
    "😀", "😭", "🙏🏽", "❤️", "💊", "🍺", "🔪", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇪🇸", "1️⃣", "☀️", "🤷🏻‍♀️",
    "🫠", "👍🏿", "🧑‍⚕️", "🥲", "💔",
)  # fmt: skip
# Format characters that survive copy and paste: zero-width, bidi controls, BOM, replacement.
FORMAT_CHARACTERS = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\ufeff\ufffd"
REPEATED_WORD = "kms"  # a texting form a crisis rule matches
PLAIN_WORD = "okay"  # for comparison: a word no rule matches


def _filled(pieces: list[str], separator: str = "") -> str:
    """The pieces in turn, repeated until ``LENGTH`` characters, cut at exactly that."""
    text = ""
    while len(text) < LENGTH:
        text += separator.join(pieces) + separator
    return text[:LENGTH]


def long_message() -> str:
    """A 4,096-character message written like the typical ones: many sentences, many lines."""
    return _filled([m if m[-1] in ".!?" else m + "." for m in MESSAGES], separator="\n")


def emoji_message() -> str:
    return _filled(list(EMOJI))


def junk_message(seed: int = 5) -> str:
    """Random bytes read as Latin-1 (C0 and C1 controls, NUL, line breaks, symbols) with
    zero-width and bidi characters mixed in."""
    rng = random.Random(seed)
    return "".join(
        rng.choice(FORMAT_CHARACTERS) if rng.random() < 0.2 else chr(rng.randrange(256))
        for _ in range(LENGTH)
    )


def repeated_word_message(word: str = REPEATED_WORD) -> str:
    return _filled([word], separator=" ")


def no_spaces_message() -> str:
    """The typical messages with every space and line break taken out, run together."""
    return _filled(["".join(m.split()) for m in MESSAGES])


ADVERSARIAL: dict[str, Callable[[], str]] = {
    "emoji": emoji_message,
    "junk": junk_message,
    "repeated-word": repeated_word_message,
    "no-spaces": no_spaces_message,
}


def _micros(nanoseconds: float) -> float:
    return round(nanoseconds / 1000, 1)


def _p99(samples: list[int]) -> float:
    if len(samples) < 2:
        return float(samples[0]) if samples else float("nan")
    return statistics.quantiles(samples, n=100, method="inclusive")[98]


def measure_typical(scale: Scale) -> Result:
    """Every typical message once per round, ``scale.triage_rounds`` rounds after a warm-up."""
    for _ in range(WARM_UP_ROUNDS):
        for message in MESSAGES:
            assess(message)
    levels = Counter(assess(message).level for message in MESSAGES)
    samples: list[int] = []
    per_message: list[list[int]] = [[] for _ in MESSAGES]
    gc.collect()
    clock = time.perf_counter_ns
    for _ in range(scale.triage_rounds):
        for index, message in enumerate(MESSAGES):
            started = clock()
            assess(message)
            elapsed = clock() - started
            samples.append(elapsed)
            per_message[index].append(elapsed)
    mean_ns, p99_ns = statistics.fmean(samples), _p99(samples)
    medians = [median([float(t) for t in times]) for times in per_message]
    slowest = max(range(len(MESSAGES)), key=medians.__getitem__)
    figures: dict[str, Figure] = {
        "messages": len(MESSAGES),
        "rounds": scale.triage_rounds,
        "calls": len(samples),
        "levels_returned": ", ".join(f"{level} {levels[level]}" for level in TriageLevel),
        "median_us": _micros(median([float(s) for s in samples])),
        "p99_us": _micros(p99_ns),
        "mean_us": _micros(mean_ns),
        "max_us": _micros(max(samples)),
        "slowest_message_median_us": _micros(medians[slowest]),
        "slowest_message": MESSAGES[slowest],
    }
    return Result(
        benchmark="triage",
        case="typical",
        figures=figures,
        target=f"mean and p99 < {TYPICAL_MS:g} ms per message",
        met=max(mean_ns, p99_ns) < TYPICAL_MS * 1e6,
        summary=(
            f"{len(samples):,} calls over {len(MESSAGES)} messages: median "
            f"{figures['median_us']} µs, p99 {figures['p99_us']} µs, mean {figures['mean_us']} µs"
        ),
    )


def _runs(text: str, runs: int) -> tuple[list[float], TriageLevel]:
    """Milliseconds per call over ``runs`` calls after one warm-up call, and the level."""
    level = assess(text).level
    gc.collect()
    times = []
    for _ in range(runs):
        started = time.perf_counter_ns()
        assess(text)
        times.append((time.perf_counter_ns() - started) / 1e6)
    return times, level


def measure_long(case: str, text: str, scale: Scale, plain: str | None = None) -> Result:
    """Worst of ``scale.triage_long_runs`` calls on one 4,096-character input (and, for the
    repeated word, on a plain word beside it, which counts towards the verdict too)."""
    times, level = _runs(text, scale.triage_long_runs)
    worst = max(times)
    figures: dict[str, Figure] = {
        "chars": len(text),
        "utf16_units": len(text.encode("utf-16-le")) // 2,
        "runs": len(times),
        "worst_ms": round(worst, 2),
        "median_ms": round(median(times), 2),
        "level": str(level),
    }
    summary = f"{len(text):,} characters: worst {worst:.1f} ms of {len(times)}"
    if plain is not None:
        plain_times, _ = _runs(plain, scale.triage_long_runs)
        figures["word"] = REPEATED_WORD
        figures["plain_word"] = PLAIN_WORD
        figures["plain_word_worst_ms"] = round(max(plain_times), 2)
        summary += f" ('{REPEATED_WORD}'), {max(plain_times):.1f} ms ('{PLAIN_WORD}')"
        worst = max(worst, *plain_times)
    return Result(
        benchmark="triage",
        case=case,
        figures=figures,
        target=f"< {LONG_MS:g} ms, worst of the runs",
        met=worst < LONG_MS,
        summary=summary,
    )


async def run(scale: Scale, backends: list[str], workdir: Path) -> list[Result]:
    """In this process, once: the classifier touches no database, so ``backends`` and
    ``workdir`` are not used."""
    results = [measure_typical(scale), measure_long("4096-chars", long_message(), scale)]
    for case, make in ADVERSARIAL.items():
        plain = repeated_word_message(PLAIN_WORD) if case == "repeated-word" else None
        results.append(measure_long(f"4096-{case}", make(), scale, plain))
    return results
