"""Size limits for plan texts and lists, as data.

Telegram allows 4096 characters in a message and 64 bytes of UTF-8 where a text becomes a
button label we keep short; every single text of a plan stays well below a message so that a
section can always be split between items or lines.
"""

from __future__ import annotations

from dataclasses import dataclass

MESSAGE_LIMIT = 4096  # Telegram: characters (we count UTF-16 code units, as Telegram does)
BUTTON_BYTES = 64  # our cap for any text that becomes a button label
MAX_PLAN_CHARS = 100_000  # a whole plan's YAML text
ID_MAX = 32  # ids travel inside 64-byte callback data


@dataclass(frozen=True)
class TextLimit:
    chars: int
    button: bool = False  # also at most BUTTON_BYTES of UTF-8

    def describe(self) -> str:
        if self.button:
            return (
                f"at most {self.chars} characters and {BUTTON_BYTES} bytes, "
                "as it is shown on a button"
            )
        return f"at most {self.chars} characters"


REASON = TextLimit(500)
LABEL = TextLimit(60, button=True)  # trigger labels, coping titles, support names, options
SHORT = TextLimit(80)  # relationships, roles, crisis line names
CONTACT = TextLimit(200)
SIGN = TextLimit(300)
STEP = TextLimit(500)
MESSAGE = TextLimit(1000)
PROMPT = TextLimit(300)
EMERGENCY = TextLimit(20)
TIME_LABEL = TextLimit(80)

# How many items a list may hold: (min, max).
COUNTS: dict[str, tuple[int, int]] = {
    "reasons": (1, 20),
    "triggers": (0, 40),
    "warning_signs": (0, 40),
    "coping": (0, 30),
    "steps": (0, 15),
    "trigger_coping": (0, 10),
    "supports": (0, 15),
    "professionals": (0, 15),
    "lines": (0, 10),
    "safe_environment": (0, 15),
    "high_risk_times": (0, 20),
    "days": (1, 7),
    "checkin": (1, 12),
    "options": (2, 10),
    "labels": (0, 11),
    "escalation_signs": (0, 40),
}

SCALE_BOUNDS = (-10, 10)  # custom scale min/max must lie within
SCALE_MAX_SPAN = 10  # max - min: at most 11 buttons
