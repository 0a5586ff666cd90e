"""Texts about supporters: to the patient, and the only texts a supporter ever receives.

What a supporter receives never contains answers, cravings, triggers, plan content,
treatment, substance or clinic names — only the templates below.
"""

from __future__ import annotations

from bot.domain.model import SupporterStatus

# --- to the patient --------------------------------------------------------------------
MENU = "People you chose to support you:"
NONE_YET = "Nobody yet. A supporter only gets what you choose, and you can stop it any time."
ADD = "➕ Add a supporter"
ASK_REACH_OUT = "Ask my supporters to reach out"
ASK_NAME = "What do you call this person? (Just a first name or nickname is fine.)"
ASK_SCOPES = "What may {name} receive? Tap to choose, then Done."
SCOPE_EXPLAINED = (
    "None of these ever include your answers, cravings, triggers, plan or anything about "
    "your treatment."
)
SCOPE_LABELS = {
    "weekly_summary": "Weekly note: how many days I checked in",
    "reach_out": "My requests to reach out",
    "crisis_notice": "A notice when I press SOS",
}
DONE = "Done"
ASK_EXPIRY = "Until when? You can stop it earlier at any time."
EXPIRY_LABELS = {"3m": "3 months", "6m": "6 months", "1y": "1 year"}
INVITE_READY = (
    "Forward this link to {name}. It works once, for 7 days:\n{link}\n\n"
    "When they accept, I'll ask you to confirm it's really them."
)
SCOPES_CHANGED = "Saved. {name} now receives only what you chose."
CONFIRM_ACCOUNT = (
    '{name} accepted, from a Telegram account named "{telegram_name}". '
    "Is this the person you meant?"
)
CONFIRM_YES = "Yes, that's them"
CONFIRM_NO = "No"
CONFIRMED = "{name} is now one of your supporters."
REVOKED = "Done. {name} no longer receives anything."
NO_LONGER = "{name} is no longer receiving updates."
EXPIRED = "Your permission for {name} has ended, so they no longer receive updates."
REACH_SENT = "I've asked {count} supporter(s) to reach out to you."
REACH_NONE = "None of your supporters can receive that request yet. /supporters to set it."
STATUS_LABELS = {
    SupporterStatus.DRAFT: "not finished",
    SupporterStatus.INVITED: "invite sent",
    SupporterStatus.PENDING: "waiting for you to confirm",
    SupporterStatus.ACTIVE: "active",
    SupporterStatus.REVOKED: "stopped",
    SupporterStatus.EXPIRED: "ended",
    SupporterStatus.LEFT: "left",
    SupporterStatus.UNREACHABLE: "not receiving",
}

# --- to the supporter --------------------------------------------------------------------
SUPPORTER_WELCOME = (
    "Hi. {alias} has asked you to be one of their supporters in a wellbeing companion.\n\n"
    "You would receive:\n{receive}\n\n"
    "You will never receive their answers, plans or any health details. {alias} can stop "
    "this at any time, and you can leave with /stop.\n\n"
    "Would you like to accept?"
)
SUPPORTER_SCOPE_TEXT = {
    "weekly_summary": "a short weekly note of how many days they checked in",
    "reach_out": "a message when they'd like you to reach out",
    "crisis_notice": "a message when they may need support right away",
}
ACCEPT = "Accept"
DECLINE = "No thanks"
ACCEPTED_WAIT = "Thank you. You'll start receiving updates once they confirm it's you."
DECLINED = "No problem — you won't receive anything."
NOW_ACTIVE = "You're all set as a supporter. /stop leaves at any time."
LINK_GONE = "This link has already been used or has expired."
LEFT = "You have left and won't receive any more updates."
SUPPORTER_HELP = "You're a supporter. You'll get only the updates you accepted. /stop leaves."
REACH_OUT = "{alias} would like you to reach out to them today. A call or message would help."
CRISIS_NOTICE = "{alias} may need support right now. Please reach out to them."
WEEKLY = "{alias} checked in on {days} of the last 7 days."
