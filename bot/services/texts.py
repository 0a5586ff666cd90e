"""Every text the bot sends, in one place.

Rules for this module: warm, plain, second person; never echo a patient's answers back;
a slip is information, not failure. The first line of every message is what a locked
phone shows, so it never names a substance, diagnosis, clinic, craving, use, slip or any
of the patient's triggers: such words, and anything the care team wrote (a trigger's
label, a note), come on the second line at the earliest (tests/services/test_first_lines.py
walks every text).
"""

from __future__ import annotations

from types import MappingProxyType

from bot.domain.model import SupporterStatus

CONSENT_VERSION = "2026-11"

# --- enrolment and onboarding --------------------------------------------------------

START_UNKNOWN = (
    "Hi. This bot works with a personal invite link from a care team.\n\n"
    "If you were given one, please open it again or send /start followed by your code.\n\n"
    "If you are in danger right now, call your local emergency number."
)
CODE_NOT_VALID = (
    "That code did not work. It may be mistyped, expired, or already taken.\n"
    "Please ask whoever gave it to you for a new link."
)
TOO_MANY_ATTEMPTS = (
    "Too many codes were tried from this chat. Please wait an hour, or ask whoever gave "
    "you the code for a new link."
)
ONBOARDING = (
    "Hi, welcome. I'm your companion between appointments.\n\n"
    "What I do: show your plan whenever you want it (/plan), ask short check-ins at the "
    "times you and your care team chose, and help in hard moments (/sos, /cope).\n\n"
    "Who reads your answers: your care team, during their working hours. I am NOT watched "
    "around the clock. In an emergency call your local emergency number or a crisis line; "
    "/sos shows them at any time.\n\n"
    "Privacy: Telegram chats are not end-to-end encrypted, so my messages stay short and "
    "never name your treatment. Your answers are stored encrypted. /mydata sends you a "
    "copy; /stop ends this at any time.\n\n"
    "Do you agree to use the companion this way?"
)
CONSENT_YES = "Yes, I agree"
CONSENT_NO = "No, not now"
CONSENT_THANKS = (
    "Thank you. You're all set.\n\n"
    "Your first check-in will come at the time your care team set. You can also start one "
    "yourself with /checkin. The SOS button below is always there."
)
CONSENT_DECLINED = (
    "That's fine, nothing more will happen and I won't send you check-ins.\n"
    "If you change your mind, open your invite link again or ask your care team for a new one."
)
ALREADY_LINKED = "You're already connected. /help shows what I can do."
NOT_ENROLLED = (
    "I don't have you as an active participant. If your care team gave you an invite link, "
    "please open it. If you are in danger right now, call your local emergency number."
)
NEEDS_CONSENT = "Before we start, please answer the question above (agree or not now)."
STAFF_HELP = (
    "This account receives care-team alerts. Acknowledge them with the button; details are "
    "in the clinician CLI."
)
STAFF_LINKED = (
    "This Telegram account now receives care-team alerts for {name}.\n"
    "Alerts show a patient reference only; details are in the clinician CLI."
)

SOS_BUTTON = "🆘 SOS"
HELP = (
    "Here is what I can do:\n"
    "/plan — your plan: reasons, triggers, coping, people to call\n"
    "/checkin — a short check-in now\n"
    "/cope — ride out an urge together, a few minutes\n"
    "/sos — crisis lines and your people, right now\n"
    "/settings — time zone, check-in times, quiet hours, pause\n"
    "/mydata — a copy of what is stored about you\n"
    "/stop — stop using the companion\n\n"
    "I'm not watched around the clock. In an emergency call your local emergency number."
)

# --- check-ins -----------------------------------------------------------------------

CHECKIN_INTRO = "Time for a short check-in 🙂 It takes about a minute."
CHECKIN_REMINDER = "A gentle reminder: your check-in is still open whenever you have a minute."
CHECKIN_START = "Start"
CHECKIN_SKIP = "Skip"
CHECKIN_DONE = "Done"
CHECKIN_NONE_OF_THESE = "None of these"
CHECKIN_YES = "Yes"
CHECKIN_NO = "No"
CHECKIN_STALE = "That check-in is closed. /checkin starts a new one."
CHECKIN_TEXT_HINT = "Type your answer, or press Skip."
CHECKIN_THANKS = "Thank you for checking in. 🌱"
CHECKIN_ALREADY_OPEN = "You have a check-in open — here is where we were:"
CHECKIN_UNAVAILABLE = "Check-ins are paused for now. Your plan and /sos are still here."
CHECKIN_QUESTION = "Check-in ({number}/{total})\n{prompt}"  # the prompt never on line 1
CHECKIN_COPING_INTRO = (
    "Some ideas from your plan:\nYou mentioned {triggers}. These have helped before:"
)
CHECKIN_REASONS_INTRO = (
    "Feeling less sure today is normal — it comes and goes. Here is why you're doing this, "
    "in your own words:"
)
CHECKIN_HIGH_CRAVING = (
    "Something to try right now:\n"
    "That sounds like a strong urge. It will peak and pass, usually within 20–30 minutes. "
    "Want to ride it out together? /cope — or /sos if it feels like too much."
)
COPE_NOW = "Ride it out together"

AFTER_SLIP_INTRO = (
    "Thank you for being honest — that takes courage.\n"
    "A slip is information, not failure: it doesn't erase the progress you've made."
)
AFTER_SLIP_DEFAULT = (
    "Right now: get somewhere safe.\n"
    "If you used after a break your tolerance may be "
    "lower than before — use less, don't use alone, and call emergency services if "
    "anyone is very drowsy or not breathing normally.\n"
    "Then: reach out to someone on your list, and think about what led up to it — that "
    "helps you and your care team adjust the plan."
)
CARE_TEAM_TOLD = "Your care team has been told and will be in touch during working hours."
# an update set aside after failing again and again: the person still hears something
UPDATE_FAILED = (
    "Sorry — something went wrong with that message.\n"
    "If you need help now, use /sos or call your crisis line."
)

# --- SOS and crisis ------------------------------------------------------------------

SOS_HEADER = "You're not alone. If you are in danger right now, call {emergency}."
SOS_LINES = "Crisis lines, any time:"
SOS_PEOPLE = "People on your list:"
SOS_NOTIFY_OFFER = "Shall I ask your supporters to reach out to you?"
SOS_NOTIFY_YES = "Yes, ask them"
SOS_NOTIFIED = "I've asked {count} of your supporters to reach out."
SOS_ALREADY_NOTIFIED = "Your supporters have already been asked to reach out to you."
SOS_NOTIFY_EXPIRED = "That button has expired. /sos shows crisis lines and your people again."
SOS_NO_SUPPORTERS = "You haven't added supporters who can be asked. /supporters adds one."
SOS_TEAM_TOLD = "Your care team has been alerted. They respond during working hours."
# no one on the team could be alerted (none linked or reachable): still honest, still safe
SOS_TEAM_NOT_REACHED = (
    "Your care team will see this when they are next working.\n"
    "If you are in danger now, call one of the crisis lines above."
)
SOS_KEYBOARD_HINT = "The SOS button stays here whenever you need it."
CRISIS_TEXT_RESPONSE = "What you wrote worries me, and I want you to be safe. Please reach out now:"
# someone not breathing or not waking up, now: what to do comes before anything else; the
# first line (all a locked phone shows) is the call itself
EMERGENCY_STEPS = (
    "1. Call {emergency} now. Say where you are.\n"
    "2. Give naloxone (Narcan) if there is any: one spray in the nose. "
    "No change after 2–3 minutes? Give another.\n"
    "3. Not breathing? Tilt the head back, pinch the nose, one breath every 5 seconds. "
    "Breathing? Roll them onto their side (the recovery position).\n"
    "4. Stay with them until help arrives. The person on the phone will guide you.\n"
    "If it is you: call now, unlock the door, and don't stay alone."
)
CONCERN_TEXT_RESPONSE = (
    "Thank you for telling me. That sounds really hard. Your care team will see this during "
    "working hours. If things get worse, /sos shows who you can call right away."
)

# --- coping --------------------------------------------------------------------------

COPE_RATE_BEFORE = (
    "Let's take a few minutes together.\nFirst: how strong is the urge right now, 0–10?"
)
COPE_RATE_AFTER = "One last question.\nHow strong is the urge now, 0–10?"
URGE_SURFING_STEPS = (
    "Sit or stand comfortably.\nNotice where you feel the urge in your body — chest, "
    "stomach, mouth, hands. Just notice it; you don't have to act on it.",
    "Breathe slowly: in for 4, hold for 2, out for 6.\nPicture the urge as a wave. You are "
    "on your board, riding it, not fighting it.",
    "Notice if the wave has changed — bigger, smaller, moved somewhere else. Keep breathing. "
    "Waves rise, crest, and fall.",
    "You've stayed with it for a few minutes. The wave is passing, even if slowly.",
)
COPE_RESULT_BETTER = "It went from {before} to {after}. You rode that wave. 🌊"
COPE_RESULT_SAME = (
    "Still {after}. That's okay — some waves are long. Want to try something from your "
    "plan, or reach out to someone? /plan, /sos"
)
COPE_TRIED = "I tried this"
COPE_HELPED_QUESTION = "Did that help?"
COPE_HELPED_YES = "It helped"
COPE_HELPED_SOME = "A bit"
COPE_HELPED_NO = "Not really"
COPE_HELPED_THANKS = "Thanks — that helps your care team see what works for you."

# --- plan ----------------------------------------------------------------------------

PLAN_NONE = "Your care team hasn't shared a plan yet. /sos always shows crisis lines."
PLAN_MENU = "Your plan. What would you like to see?"
PLAN_FACING_TRIGGER = "I'm facing a trigger"
PLAN_PICK_TRIGGER = "Which one? Pick the closest."
PLAN_SUGGEST = "Suggest a change"
PLAN_UPDATED = "Your care team updated your plan:"
PLAN_SUGGESTION_KINDS = "What would you like to suggest?"
PLAN_SUGGESTION_ASK = {
    "add_trigger": "Type the trigger in a few words.\nFor example: 'payday evenings'.",
    "add_coping": "Type the coping idea in a few words.\nFor example: 'walk the dog'.",
    "add_person": "Type their name and how to reach them.\nFor example: 'Sam 555-0100'.",
}
PLAN_SUGGESTION_LABELS = {
    "add_trigger": "A trigger",
    "add_coping": "A coping idea",
    "add_person": "A person to call",
    "not_helping": "Something isn't helping",
}
PLAN_TRIGGER_KIND = "What kind of trigger is it?"
PLAN_TRIGGER_KINDS = {
    "person": "A person",
    "place": "A place",
    "thing": "A thing",
    "feeling": "A feeling",
    "thought": "A thought",
    "event": "A time or event",
}
PLAN_WHICH_NOT_HELPING = "Which one isn't helping?"
PLAN_SUGGESTION_PROBLEM = "Sorry, {problems}. /plan to try again."
PLAN_SUGGESTION_THANKS = "Thanks — your care team will look at this with you."
PLAN_SUGGESTION_DECIDED = {
    "accepted": "Your care team added your suggestion to your plan.",
    "declined": "Your care team looked at your suggestion.\n{note}",
}
BACK = "◀ Back"

# --- settings, data rights -----------------------------------------------------------

STOP_CONFIRM = (
    "Stop using the companion? Check-ins and reminders end and your care team is told. "
    "Your records are kept as your clinic's policy requires until they erase them."
)
STOP_YES = "Yes, stop"
STOP_NO = "No, keep going"
STOPPED = "Done. Take care of yourself. If you want to come back, ask your care team."
STOP_KEPT = "Good — nothing changed."
MYDATA_ABOUT = "Everything the companion stores about you."
MYDATA_CAPTION = "Everything stored about you, as a JSON file. Keep it somewhere private."
SETTINGS_MENU = "Settings. What would you like to change?"
SETTINGS_ZONE_BUTTON = "Time zone ({zone})"
SETTINGS_TIMES_BUTTON = "Check-in times"
SETTINGS_QUIET_BUTTON = "Quiet hours"
SETTINGS_PAUSE_BUTTON = "Pause check-ins"
SETTINGS_RESUME_BUTTON = "Resume check-ins"
SETTINGS_ASK_ZONE = "Pick your time zone, or type its name (e.g. Europe/Paris)."
SETTINGS_COMMON_ZONES = "Common choices:"
SETTINGS_ASK_TIMES = "Type your check-in times, e.g. 09:00 20:30 (between {start} and {end})."
SETTINGS_ASK_QUIET = (
    "Type quiet hours like 22:00-07:00, or 'off'. No check-ins or reminders come then "
    "(SOS always works)."
)
SETTINGS_ASK_PAUSE = "Pause check-ins for how long?"
SETTINGS_PAUSE_DAYS = "{days} day(s)"
SETTINGS_ZONE_SAVED = "Saved. Time zone: {zone}."
SETTINGS_TIMES_SAVED = "Saved. Check-ins at {times}."
SETTINGS_NOT_SAVED = "Not saved: {problem}. /settings to try again."
SETTINGS_QUIET_INVALID = "type two times like 22:00-07:00, or 'off'"
SETTINGS_PAUSED = "Check-ins paused until {until}. Your care team has been told. /settings resumes."
SETTINGS_SAVED = "Saved."

UNREADABLE = "Sorry, I didn't understand that. /help lists what I can do."

# --- care team alerts (no health details, ever) -------------------------------------

ALERT = "🔔 Alert {escalation} · {level}\nPatient {reference} ({initials})\nRaised {when} UTC"
ALERT_ACKNOWLEDGE = "Acknowledge"
ALERT_DETAILS = "Details in CLI"
ALERT_DETAILS_HINT = "Run: clinician escalation show {escalation}"
ALERT_TAKEN = "\n✅ Acknowledged by {name} at {when} UTC"
ALERT_RESOLVED = "\n✔ Resolved by {name} at {when} UTC"
STAFF_UNREACHABLE_PATIENT = "Patient {reference} can no longer be reached on Telegram."


class Supporters:
    """Texts about supporters: to the patient, and the only texts a supporter ever receives.

    What a supporter receives never contains answers, cravings, triggers, plan content,
    treatment, substance or clinic names: only the templates below.
    """

    # --- to the patient --------------------------------------------------------------------
    MENU = "People you chose to support you:"
    NONE_YET = "Nobody yet. A supporter only gets what you choose, and you can stop it any time."
    ADD = "➕ Add a supporter"
    ASK_REACH_OUT = "Ask my supporters to reach out"
    ASK_NAME = "What do you call this person? (Just a first name or nickname is fine.)"
    ASK_SCOPES = "What may {name} receive? Tap to choose, then Done."
    SCOPE_EXPLAINED = (
        "None of these ever include your answers, your plan or anything about your treatment."
    )
    SCOPE_LABELS = MappingProxyType(
        {
            "weekly_summary": "Weekly note: how many days I checked in",
            "reach_out": "My requests to reach out",
            "crisis_notice": "A notice when I press SOS",
        }
    )
    DONE = "Done"
    ASK_EXPIRY = "Until when? You can stop it earlier at any time."
    EXPIRY_LABELS = MappingProxyType({"3m": "3 months", "6m": "6 months", "1y": "1 year"})
    INVITE_READY = (
        "Forward this link to {name}. It works once, for 7 days:\n{link}\n\n"
        "When they accept, I'll ask you to confirm it's really them."
    )
    SCOPES_CHANGED = "Saved. {name} now receives only what you chose."
    CONFIRM_ACCOUNT = (
        "{name} accepted, from this Telegram account:\n{account}\n"
        "Is this the person you meant? Only say yes if you recognise the account."
    )
    NO_USERNAME = "(no @username)"
    CONFIRM_YES = "Yes, that's them"
    CONFIRM_NO = "No"
    CONFIRMED = "{name} is now one of your supporters."
    REVOKED = "Done. {name} no longer receives anything."
    NO_LONGER = "{name} is no longer receiving updates."
    EXPIRED = "Your permission for {name} has ended, so they no longer receive updates."
    REACH_SENT = "I've asked {count} supporter(s) to reach out to you."
    REACH_NONE = "None of your supporters can receive that request yet. /supporters to set it."
    STATUS_LABELS = MappingProxyType(
        {
            SupporterStatus.DRAFT: "not finished",
            SupporterStatus.INVITED: "invite sent",
            SupporterStatus.PENDING: "waiting for you to confirm",
            SupporterStatus.ACTIVE: "active",
            SupporterStatus.REVOKED: "stopped",
            SupporterStatus.EXPIRED: "ended",
            SupporterStatus.LEFT: "left",
            SupporterStatus.UNREACHABLE: "not receiving",
        }
    )

    # --- to the supporter --------------------------------------------------------------------
    SUPPORTER_WELCOME = (
        "Hi. {alias} has asked you to be one of their supporters in a wellbeing companion.\n\n"
        "You would receive:\n{receive}\n\n"
        "You will never receive their answers, plans or any health details. {alias} can stop "
        "this at any time, and you can leave with /stop.\n\n"
        "Would you like to accept?"
    )
    SUPPORTER_SCOPE_TEXT = MappingProxyType(
        {
            "weekly_summary": "a short weekly note of how many days they checked in",
            "reach_out": "a message when they'd like you to reach out",
            "crisis_notice": "a message when they may need support right away",
        }
    )
    ACCEPT = "Accept"
    DECLINE = "No thanks"
    ACCEPTED_WAIT = "Thank you. You'll start receiving updates once they confirm it's you."
    DECLINED = "No problem — you won't receive anything."
    NOW_ACTIVE = "You're all set as a supporter. /stop leaves at any time."
    LEFT = "You have left and won't receive any more updates."
    SUPPORTER_HELP = "You're a supporter. You'll get only the updates you accepted. /stop leaves."
    REACH_OUT = "{alias} would like you to reach out to them today. A call or message would help."
    CRISIS_NOTICE = "{alias} may need support right now. Please reach out to them."
    WEEKLY = "{alias} checked in on {days} of the last 7 days."
