"""Dutch words for the codes the pages show: phases, deadline statuses (each with its own
colour AND its own words and sign, never colour alone), rights, outcomes, routing targets."""
from models.enums import RequestStatus, RequestType
from models.sla import SlaStatus

PHASES = {
    RequestStatus.registered.value: "geregistreerd",
    RequestStatus.awaiting_identity.value: "wacht op identificatie",
    RequestStatus.consulting.value: "partners geraadpleegd",
    RequestStatus.deliberating.value: "wacht op besluit",
    RequestStatus.executing.value: "wacht op uitvoering",
    RequestStatus.replying.value: "antwoord klaar voor goedkeuring en verzending",
    RequestStatus.closed.value: "afgesloten",
}

#: status -> (words, sign, css modifier). The sign is decoration (aria-hidden): the words say it.
SLA = {
    SlaStatus.failed: ("Storing", "■", "failed"),
    SlaStatus.overdue: ("Te laat", "▲", "overdue"),
    SlaStatus.at_risk: ("Dreigt te laat", "●", "at-risk"),
    SlaStatus.suspended: ("Termijn opgeschort", "‖", "suspended"),
    SlaStatus.execution_pending: ("Uitvoering open", "◆", "pending"),
    SlaStatus.extended: ("Verlengd", "+", "extended"),
    SlaStatus.on_track: ("Op schema", "✓", "on-track"),
    SlaStatus.done_late: ("Afgerond, te laat", "▲", "overdue"),
    SlaStatus.done_on_time: ("Afgerond op tijd", "✓", "on-track"),
}
#: The engine's own status of one right (models.deadlines.ClockStatus).
CLOCK = {
    "on_track": "op schema", "at_risk": "dreigt te laat", "overdue": "te laat", "suspended": "opgeschort",
    "extended": "verlengd", "done_on_time": "afgerond op tijd", "done_late": "afgerond, te laat",
}
RIGHTS = {
    RequestType.inzage.value: "inzage",
    RequestType.correctie.value: "correctie",
    RequestType.aanvulling.value: "aanvulling",
    RequestType.verwijdering.value: "verwijdering",
    RequestType.beperking.value: "beperking",
    RequestType.verzet.value: "verzet",
    RequestType.overdraagbaarheid.value: "overdraagbaarheid",
    RequestType.eigen_verklaring.value: "eigen verklaring",
}
OUTCOMES = {"granted": "toegewezen", "partly": "deels toegewezen", "refused": "afgewezen",
            "not_handled": "niet behandeld: identiteit niet vastgesteld"}
CHANNELS = {"brief": "per brief", "email": "per e-mail", "balie": "aan de balie", "via_partner": "via een partner"}
REQUESTERS = {
    "betrokkene": "de betrokkene zelf", "wettelijk_vertegenwoordiger": "wettelijk vertegenwoordiger",
    "curator": "curator", "mentor": "mentor", "advocaat": "advocaat", "gemachtigde": "gemachtigde",
}
TARGETS = {
    "wpg_loket": "Wpg-loket van de politie",
    "politie_privacyfunctionaris": "privacyfunctionaris van de politie",
    "parket_privacyfunctionaris": "privacyfunctionaris van het parket",
    "parket_generaal_bjz": "Parket-Generaal",
}
REGIMES = {"avg": "AVG", "wpg": "Wet politiegegevens", "wjsg": "Wet justitiële en strafvorderlijke gegevens"}
TASKS = {"open": "open", "answered": "beantwoord"}
LETTER_STATUS = {"draft": "concept", "approved": "goedgekeurd", "sent": "verzonden"}
DOCUMENTS = [("paspoort", "Paspoort"), ("identiteitskaart", "Identiteitskaart"), ("rijbewijs", "Rijbewijs"),
             ("verblijfsdocument", "Verblijfsdocument")]


def sla(status) -> dict:
    words, sign, modifier = SLA[SlaStatus(status)]
    return {"text": words, "sign": sign, "modifier": modifier}
