"""Emergency numbers and national crisis lines per country (ISO 3166 alpha-2), as data.

Every country has its emergency number; a crisis line is listed only where a source was
checked (docs/safety.md, "Crisis lines by region", names it). A country without one gets
the emergency number alone: the clinic adds local lines to the plan's crisis section.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.plans.model import CrisisInfo, CrisisLine

FREE_24_7 = "Free, 24/7"


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    crisis: CrisisInfo


def _region(code: str, name: str, emergency: str, *lines: CrisisLine) -> Region:
    return Region(code, name, CrisisInfo(lines=lines, emergency=emergency))


_LINES = {
    "US": (
        CrisisLine("988 Suicide & Crisis Lifeline", "Call or text 988", FREE_24_7),
        CrisisLine("Crisis Text Line", "Text HOME to 741741", FREE_24_7),
        CrisisLine(
            "SAMHSA National Helpline",
            "Call 1-800-662-4357",
            "Free, confidential treatment referral and information, 24/7",
        ),
    ),
    "GB": (CrisisLine("Samaritans", "Call 116 123", FREE_24_7),),
    "IE": (CrisisLine("Samaritans", "Call 116 123", FREE_24_7),),
    "AU": (CrisisLine("Lifeline", "Call 13 11 14 or text 0477 13 11 14", "24/7"),),
    "CA": (CrisisLine("9-8-8 Suicide Crisis Helpline", "Call or text 9-8-8", FREE_24_7),),
    "NZ": (CrisisLine("1737, Need to talk?", "Call or text 1737", FREE_24_7),),
    "ES": (CrisisLine("Línea 024", "Call 024", FREE_24_7),),
    "DE": (
        CrisisLine("TelefonSeelsorge", "Call 0800 111 0 111, 0800 111 0 222 or 116 123", FREE_24_7),
    ),
    "AT": (CrisisLine("TelefonSeelsorge", "Call 142", FREE_24_7),),
    "FR": (CrisisLine("3114, numéro national de prévention du suicide", "Call 3114", FREE_24_7),),
    "BE": (CrisisLine("Zelfmoordlijn", "Call 1813", "Free, anonymous, in Dutch"),),
    "NL": (CrisisLine("113 Zelfmoordpreventie", "Call 113 or 0800-0113", FREE_24_7),),
    "SE": (CrisisLine("Mind Självmordslinjen", "Call 90101", "24/7"),),
    "MX": (CrisisLine("Línea de la Vida", "Call 800 911 2000", FREE_24_7),),
    "BR": (CrisisLine("CVV, Centro de Valorização da Vida", "Call 188", FREE_24_7),),
    "AR": (
        CrisisLine(
            "Centro de Asistencia al Suicida",
            "Call 135 (Buenos Aires) or (011) 5275-1135",
            "135 from Buenos Aires and its area",
        ),
        CrisisLine("Línea de salud mental", "Call 0800-999-0091", FREE_24_7),
    ),
    "CL": (CrisisLine("Línea de Prevención del Suicidio", "Call *4141", FREE_24_7),),
    "IN": (CrisisLine("Tele MANAS", "Call 14416 or 1-800-891-4416", FREE_24_7),),
    "JP": (
        CrisisLine(
            "Yorisoi Hotline",
            "Call 0120-279-338",
            "Free, 24/7; from Iwate, Miyagi and Fukushima call 0120-279-226",
        ),
    ),
    "ZA": (CrisisLine("SADAG Suicide Crisis Line", "Call 0800 567 567", "Free"),),
    "SG": (CrisisLine("Samaritans of Singapore", "Call 1767 or WhatsApp 9151 1767", "24/7"),),
    "PH": (CrisisLine("NCMH Crisis Hotline", "Call 1553 or 0917 899 8727", "24/7"),),
}

_EMERGENCY = {
    # the European Union: 112 everywhere, a national number beside it in some
    "AT": ("Austria", "112 or 144"),
    "BE": ("Belgium", "112"),
    "BG": ("Bulgaria", "112"),
    "HR": ("Croatia", "112"),
    "CY": ("Cyprus", "112"),
    "CZ": ("Czechia", "112"),
    "DK": ("Denmark", "112"),
    "EE": ("Estonia", "112"),
    "FI": ("Finland", "112"),
    "FR": ("France", "112 or 15"),
    "DE": ("Germany", "112"),
    "GR": ("Greece", "112"),
    "HU": ("Hungary", "112"),
    "IE": ("Ireland", "112 or 999"),
    "IT": ("Italy", "112"),
    "LV": ("Latvia", "112"),
    "LT": ("Lithuania", "112"),
    "LU": ("Luxembourg", "112"),
    "MT": ("Malta", "112"),
    "NL": ("the Netherlands", "112"),
    "PL": ("Poland", "112"),
    "PT": ("Portugal", "112"),
    "RO": ("Romania", "112"),
    "SK": ("Slovakia", "112"),
    "SI": ("Slovenia", "112"),
    "ES": ("Spain", "112"),
    "SE": ("Sweden", "112"),
    # the rest of Europe
    "GB": ("the United Kingdom", "999 or 112"),
    "NO": ("Norway", "113 (medical) or 112"),
    "CH": ("Switzerland", "144 (ambulance) or 112"),
    "IS": ("Iceland", "112"),
    "UA": ("Ukraine", "112 or 103 (ambulance)"),
    "TR": ("Türkiye", "112"),
    # the Americas
    "US": ("the United States", "911"),
    "PR": ("Puerto Rico", "911"),
    "CA": ("Canada", "911"),
    "MX": ("Mexico", "911"),
    "AR": ("Argentina", "107 (ambulance) or 911"),
    "BR": ("Brazil", "192 (ambulance) or 190 (police)"),
    "CL": ("Chile", "131 (ambulance) or 133 (police)"),
    "CO": ("Colombia", "123"),
    "PE": ("Peru", "106 (ambulance) or 105 (police)"),
    "EC": ("Ecuador", "911"),
    "UY": ("Uruguay", "911"),
    "PY": ("Paraguay", "911"),
    "VE": ("Venezuela", "911"),
    "CR": ("Costa Rica", "911"),
    "PA": ("Panama", "911"),
    "SV": ("El Salvador", "911"),
    "HN": ("Honduras", "911"),
    "DO": ("the Dominican Republic", "911"),
    # Asia, Oceania, Africa and the Middle East
    "AU": ("Australia", "000"),
    "NZ": ("New Zealand", "111"),
    "IN": ("India", "112"),
    "PK": ("Pakistan", "1122 (rescue) or 15 (police)"),
    "BD": ("Bangladesh", "999"),
    "JP": ("Japan", "119 (ambulance) or 110 (police)"),
    "KR": ("South Korea", "119"),
    "TW": ("Taiwan", "119"),
    "CN": ("China", "120 (ambulance) or 110 (police)"),
    "HK": ("Hong Kong", "999"),
    "SG": ("Singapore", "995 (ambulance) or 999 (police)"),
    "MY": ("Malaysia", "999"),
    "ID": ("Indonesia", "112"),
    "TH": ("Thailand", "1669 (medical) or 191 (police)"),
    "VN": ("Vietnam", "115 (ambulance) or 113 (police)"),
    "PH": ("the Philippines", "911"),
    "AE": ("the United Arab Emirates", "998 (ambulance) or 999 (police)"),
    "SA": ("Saudi Arabia", "997 (ambulance) or 999"),
    "IL": ("Israel", "101 (ambulance) or 100 (police)"),
    "EG": ("Egypt", "123 (ambulance) or 122 (police)"),
    "ZA": ("South Africa", "10177 (ambulance), or 112 from a mobile"),
    "NG": ("Nigeria", "112"),
    "KE": ("Kenya", "999 or 112"),
}

REGION_TABLE: dict[str, Region] = {
    code: _region(code, name, emergency, *_LINES.get(code, ()))
    for code, (name, emergency) in _EMERGENCY.items()
}
