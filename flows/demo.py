"""Demo data: the example scenarios played to the end, and a realistic set of open requests
in every state for the pages to show (``rechtenloket demo``, ``make demo``).

Every person is fictitious. The seeded requests are the shipped examples (every region and
request type), each with a new fictitious betrokkene, moved in time so that they were
received in the last weeks, and played up to a different event: so some wait for their
identity check, some for partner answers, a decision, execution or sending, some are
closed, and some are late.
"""
from datetime import date, timedelta
from pathlib import Path
from typing import Callable

from flows import scenario as sc
from flows.advance import advance_directly, sweep_one

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples"
FIRST_NAMES = ["Anna", "Bram", "Chantal", "Daan", "Esra", "Finn", "Gerda", "Hamid", "Iris", "Joost", "Kim",
               "Lotte", "Mohamed", "Noor", "Otto", "Priya", "Quinten", "Roos", "Sem", "Tess"]
LAST_NAMES = ["Voorbeeld", "Fictief", "Testman", "Proefsma", "de Verzonnen", "van Nergens", "Oefening",
              "Demostra"]


LAG_DAYS = [0, 1, 2, 4, 6, 16, 27]  # days between the last event played and today


def examples() -> list[sc.Scenario]:
    return [sc.load(p) for p in sorted(EXAMPLES_DIR.glob("*.json"))]


def demo_bsn(n: int) -> str:
    """A fictitious BSN that passes the elfproef (prefix 9, as test numbers are written)."""
    for tail in range(100):
        digits = f"9{n:05d}{tail:02d}"
        check = sum(w * int(d) for w, d in zip(range(9, 1, -1), digits)) % 11
        if check < 10:
            return digits + str(check)
    raise ValueError(n)


def shifted(scenario: sc.Scenario, days: int, n: int) -> sc.Scenario:
    """The scenario ``days`` later, with a fictitious betrokkene of its own."""
    data = scenario.model_dump(mode="json")
    move = timedelta(days=days)

    def later(value):
        return (date.fromisoformat(value) + move).isoformat() if value else value

    name = f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {LAST_NAMES[(n // len(FIRST_NAMES)) % len(LAST_NAMES)]}"
    data["subject"].update(bsn=demo_bsn(n), name=name)
    if data["subject"].get("birth_date"):
        data["subject"]["birth_date"] = later(data["subject"]["birth_date"])
    for key in ("received_on", "forwarded_on"):
        data["request"][key] = later(data["request"].get(key))
    for reg in data["registrations"]:
        reg["supplied_on"] = later(reg.get("supplied_on"))
    for event in data["events"]:
        event["on"] = later(event["on"])
        if event.get("checked_on"):
            event["checked_on"] = later(event["checked_on"])
    data["expect"] = {}
    return sc.Scenario.model_validate(data)


def play_until(scenario: sc.Scenario, events: int, advance: Callable = advance_directly) -> str:
    """Register the scenario's request and play its first ``events`` events. A "sweep" event
    is the daily round for this request only: the others have their own dates."""
    request_id, reg_ids, today = sc.start(scenario)
    advance(request_id, today.isoformat())
    for event in sc.events(scenario)[:events]:
        sc.apply(scenario, request_id, reg_ids, event, lambda as_of: sweep_one(request_id, as_of))
        if event.do != "sweep":
            advance(request_id, event.on.isoformat())
    return request_id


def seed(count: int, today: date) -> list[str]:
    """``count`` requests in every state, all received in the last six weeks before ``today``."""
    played = examples()
    ids = []
    for n in range(count):
        scenario = played[n % len(played)]
        events = sc.events(scenario)
        stop = (n // len(played) + n) % (len(events) + 1)  # how far this one got
        last = events[stop - 1].on if stop else scenario.request.received_on
        # The last played event lies a few days before today, for some weeks (those are late).
        days = (today - last).days - LAG_DAYS[n % len(LAG_DAYS)]
        ids.append(play_until(shifted(scenario, days, 1000 + n), stop))
    return ids


# ------------------------------------------------------------------ work for the demo partner

#: The partner the demo account demo.partner works for (web/demo.py): gemeente Assen, Drenthe.
DEMO_REGION, DEMO_PARTNER = "drenthe", "gemeente-assen"
#: (days since receipt, rights, what the gemeente supplied, what another partner supplied,
#: answered by the gemeente already). Received this long ago, checked the next day, the
#: consultation is fresh, near its date (a reminder went), past it (the manager was told),
#: or answered.
PARTNER_CASES = [
    (2, ["inzage"], [("Gegevens over wonen", "Melding van overlast bij de woning in 2025; gesprek met de "
                      "wijkcoach gevoerd."), ("Gegevens over schulden", "Aangemeld voor schuldhulpverlening "
                                                "in oktober 2025.")], ("ggz-drenthe", "Gegevens over zorg",
                                                                       "Ambulante begeleiding sinds 2025."), False),
    (5, ["inzage", "correctie"], [("Gegevens over inkomen", "Bijstandsuitkering sinds maart 2024.")],
     ("verslavingszorg-noord-nederland", "Gegevens over verslavingszorg", "Intake afgerond in 2025."), False),
    (13, ["verwijdering"], [("Gegevens over wonen", "Huurachterstand van drie maanden in 2024.")], None, False),
    (21, ["inzage"], [("Gegevens over jeugd", "Melding bij het wijkteam over de kinderen (2025).")],
     ("ggz-drenthe", "Gegevens over zorg", "Crisisopname in 2024."), False),
    (8, ["inzage"], [("Gegevens over wonen", "Bemiddeling bij een burenruzie in 2025.")], None, True),
]


def partner_scenarios(today: date) -> list[sc.Scenario]:
    """The demo partner's cases as scenarios, dated back from ``today``."""
    out = []
    for n, (days, types, ours, theirs, answered) in enumerate(PARTNER_CASES):
        received = today - timedelta(days=days)
        checked = received + timedelta(days=1)
        registrations = [{"casus": f"ZVHD-2025-09{n:02d}", "partner": DEMO_PARTNER, "category": cat,
                          "description": text, "supplied_on": (received - timedelta(days=60)).isoformat()}
                         for cat, text in ours]
        if theirs:
            registrations.append({"casus": f"ZVHD-2025-09{n:02d}", "partner": theirs[0], "category": theirs[1],
                                  "description": theirs[2], "supplied_on": (received - timedelta(days=50)).isoformat()})
        events = [{"on": checked.isoformat(), "do": "verify_identity", "officer": "procesregisseur",
                   "document_type": "paspoort", "document_last_digits": f"{4100 + n}"}]
        if answered:
            events.append({"on": (checked + timedelta(days=2)).isoformat(), "do": "answer", "partner": DEMO_PARTNER,
                           "answered_by": "medewerker gemeente Assen",
                           "items": [{"registration": i, "correct": True} for i in range(len(ours))]})
        events.append({"on": today.isoformat(), "do": "sweep"})  # reminders and escalations that are due
        name = f"{FIRST_NAMES[(n * 7) % len(FIRST_NAMES)]} {LAST_NAMES[(n * 3 + 1) % len(LAST_NAMES)]}"
        out.append(sc.Scenario.model_validate({
            "name": f"demo partner {n}", "region": DEMO_REGION,
            "subject": {"bsn": demo_bsn(5000 + n), "name": name, "birth_date": f"{1970 + 3 * n}-0{1 + n}-15",
                        "address": f"Voorbeeldstraat {10 + n}, 9401 AB Assen"},
            "registrations": registrations,
            "request": {"types": types, "received_on": received.isoformat(), "channel": "brief"},
            "events": events,
        }))
    return out


def seed_partner_tasks(today: date) -> list[str]:
    """Consultation tasks for the demo partner (open, nearly due, late, answered), so that
    demo.partner has something to do. A request seeded before is not seeded again."""
    from sqlmodel import select

    from models.crypto import lookup_hash
    from models.db import session_scope
    from models.tables import DataSubject

    ids = []
    for scenario in partner_scenarios(today):
        with session_scope() as s:
            known = s.exec(select(DataSubject).where(DataSubject.bsn_hash == lookup_hash(scenario.subject.bsn))).first()
        if known is None:
            ids.append(play_until(scenario, len(scenario.events)))
    return ids
