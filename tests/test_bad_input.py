"""A refused input changes nothing (issue 8, point 1): for every command, a table of bad
inputs; each must end in one line "fout: ..." with exit code 2, name what is wrong, and leave
the database exactly as it was (a dump of every row of every table, before and after)."""
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests import journey
from tests.dbdump import dump

runner = CliRunner()
TODAY = "2026-02-12"


def bsn(prefix: str) -> str:
    """A valid BSN: ``prefix`` (7 digits) and the first 8th digit that passes the elfproef."""
    for eighth in "0123456789":
        digits = prefix + eighth
        last = sum(w * int(d) for w, d in zip(range(9, 1, -1), digits)) % 11
        if last < 10:
            return digits + str(last)
    raise AssertionError(prefix)


@pytest.fixture(scope="module")
def states(_schema):
    """One request in each state a command acts on, built once for the module."""
    from tests.conftest import _empty_all_tables, _sync_regions

    _empty_all_tables(_schema)
    _sync_regions(_schema)
    refs = {}

    def subject(n):
        return {**journey.SUBJECT, "bsn": bsn(f"123456{n}")}

    # A letter whose sender the coordinator cannot yet confirm: the clock stands still and
    # the invitation went out (a clock event, an identity doubt).
    refs["awaiting_identity"] = journey.new_request(subject=subject(0), doubt=True)
    steps = ["consulting", "deliberating", "executing", "replying"]
    for n, target in enumerate(steps, start=1):
        rid = journey.new_request(subject=subject(n))
        journey.identify(rid, date(2026, 2, 4))
        if target != "consulting":
            journey.answer_all(rid, date(2026, 2, 6))
        if target in ("executing", "replying"):
            first = journey.avg_registration_ids(rid)[0]
            journey.decide(rid, date(2026, 2, 9), [{"type": "inzage", "outcome": "granted"}])
            journey.decide(rid, date(2026, 2, 9), [{"type": "verwijdering", "outcome": "granted",
                                                    "registration_id": first}], forum="partneroverleg")
        if target == "replying":
            journey.execute(rid, date(2026, 2, 10), "verwijdering")
        refs[target] = rid
    from models.db import session_scope
    from models.tables import Request

    with session_scope() as s:
        for state, rid in refs.items():
            request = s.get(Request, rid)
            assert request.status == state, (state, request.status)
            refs[state] = request.reference
    return {**refs, "engine": _schema}


@dataclass
class Ctx:
    refs: dict
    tmp: Path

    def ref(self, state: str) -> str:
        return self.refs[state]

    def file(self, content, name="invoer.json") -> str:
        path = self.tmp / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
        return str(path)


def request(**changes) -> dict:
    data = {"region": "drenthe", "subject": {**journey.SUBJECT, "bsn": bsn("2345678")},
            "types": ["inzage"], "received_on": "2026-02-10"}
    subject = changes.pop("subject", None)
    if subject is not None:
        data["subject"] = {**data["subject"], **subject}
    data.update(changes)
    return data


def register(**changes):
    return lambda c: ["request", "register", c.file(request(**changes)), "--today", TODAY]


def answer_file(**changes):
    def args(c):
        data = {"partner": "gemeente-assen", "answered_on": "2026-02-11", "answered_by": "contactpersoon",
                "items": [{"registration_id": 999, "supplied_by_us": True, "correct": True}]}
        data.update(changes)
        return ["request", "answer", c.ref("consulting"), c.file(data), "--today", TODAY]
    return args


def decide_file(**changes):
    def args(c):
        data = {"forum": "casusoverleg", "held_on": "2026-02-11", "participants": ["gemeente-assen"],
                "decisions": [{"type": "inzage", "outcome": "granted"}]}
        data.update(changes)
        return ["request", "decide", c.ref("deliberating"), c.file(data), "--today", TODAY]
    return args


def identity(*extra, state="awaiting_identity", digits="1234", officer="procesregisseur"):
    return lambda c: ["request", "identity", c.ref(state), "--officer", officer, "--document-type", "paspoort",
                      "--last-digits", digits, "--today", TODAY, *extra]


def doubt(*extra, state="awaiting_identity"):
    return lambda c: ["request", "identity-doubt", c.ref(state), "--today", TODAY, *extra]


def deep(n: int) -> str:
    return "[" * n + "]" * n


CASES = [
    # register
    ("register", "name only spaces", register(subject={"name": "   "}), "subject.name"),
    ("register", "received 9999-12-31", register(received_on="9999-12-31"), "received_on"),
    ("register", "received 1999", register(received_on="1999-12-31"), "tussen 2000 en 2100"),
    ("register", "received in the future", register(received_on="2026-03-01"), "in de toekomst"),
    ("register", "birth date in the future", register(subject={"birth_date": "2030-01-01"}), "geboortedatum"),
    ("register", "birth date before 1900", register(subject={"birth_date": "1850-01-01"}), "geboortedatum"),
    ("register", "full-width BSN", register(subject={"bsn": "１２３４５６７８２"}), "alleen de cijfers"),
    ("register", "BSN fails elfproef", register(subject={"bsn": "123456789"}), "elfproef"),
    ("register", "address one line", register(subject={"address": "Nergens"}), "adres"),
    ("register", "no address", register(subject={"address": None}), "adres ontbreekt"),
    ("register", "name too long", register(subject={"name": "N" * 201}), "te lang"),
    ("register", "no types", register(types=[]), "types"),
    ("register", "unknown type", register(types=["vergeten"]), "types.0"),
    ("register", "unknown region", register(region="limburg"), "onbekende regio"),
    ("register", "unknown partner", register(received_by="gemeente-nergenshuizen", forwarded_on="2026-02-11"),
     "onbekende partner"),
    ("register", "forwarded before receipt", register(received_by="gemeente-assen", forwarded_on="2026-02-01"),
     "vóór de eerste ontvangst"),
    ("register", "statement for a right not asked", register(statements={"verzet": "Ik wil dit niet."}),
     "niet is gevraagd"),
    ("register", "unknown field", register(colour="blue"), "colour: is geen bekend veld"),
    ("register", "JSON nested 100,000 deep", lambda c: ["request", "register", c.file(deep(100_000))], "diep genest"),
    ("register", "JSON nested 40 deep", lambda c: ["request", "register", c.file(deep(40))], "diep genest"),
    ("register", "not JSON", lambda c: ["request", "register", c.file("{region: drenthe")], "geen geldige JSON"),
    ("register", "not UTF-8", lambda c: ["request", "register", c.file(b"\xff\xfe{}")], "geen UTF-8"),
    ("register", "a JSON list", lambda c: ["request", "register", c.file([1, 2])], "JSON-object"),
    ("register", "missing file", lambda c: ["request", "register", str(c.tmp / "nope.json")], "bestaat niet"),
    ("register", "a directory", lambda c: ["request", "register", str(c.tmp)], "is een map"),
    ("register", "endless input", lambda c: ["request", "register", "/dev/zero"], "te groot"),
    ("register", "today 9999-12-31", lambda c: ["request", "register", c.file(request()), "--today", "9999-12-31"],
     "--today"),
    ("register", "unknown option", lambda c: ["request", "register", c.file(request()), "--kleur", "x"],
     "onbekende optie --kleur"),
    ("register", "missing argument", lambda c: ["request", "register"], "ontbreekt"),
    # identity
    ("identity", "method not allowed", identity("--method", "digid"), "niet toegestaan"),
    ("identity", "checked in the future", identity("--on", "2026-02-13"), "in de toekomst"),
    ("identity", "checked before receipt", identity("--on", "2026-02-01"), "vóór de ontvangst"),
    ("identity", "checked 9999", identity("--on", "9999-12-31"), "--on"),
    ("identity", "whole document number", identity(digits="NL1234567"), "document_last_digits"),
    ("identity", "officer blank", identity(officer="   "), "officer"),
    ("identity", "officer too long", identity(officer="x" * 121), "officer"),
    ("identity", "already verified", identity(state="consulting"), "al vastgesteld"),
    ("identity", "unknown request", lambda c: ["request", "identity", "ZVHD-2026-9999", "--officer", "p",
                                               "--document-type", "paspoort", "--last-digits", "12"], "onbekend verzoek"),
    ("identity", "missing option", lambda c: ["request", "identity", c.ref("awaiting_identity"), "--officer", "p"],
     "ontbreekt"),
    ("identity", "extra argument", lambda c: ["request", "identity", c.ref("awaiting_identity"), "extra",
                                              "--officer", "p", "--document-type", "paspoort",
                                              "--last-digits", "12"], "te veel argumenten"),
    # identity-doubt, identity-lapse (issue 18 point 3)
    ("identity-doubt", "unknown reason", doubt("--reason", "twijfel"), "reason: is geen geldige waarde"),
    ("identity-doubt", "no reason", lambda c: ["request", "identity-doubt", c.ref("awaiting_identity"),
                                               "--today", TODAY], "'--reason' ontbreekt"),
    ("identity-doubt", "anders without explanation", doubt("--reason", "anders"), "verplicht bij reden 'anders'"),
    ("identity-doubt", "anders, explanation too short",
     lambda c: doubt("--reason", "anders", "--explanation-file", c.file("kort", "t.txt"))(c), "ten minste 10 tekens"),
    ("identity-doubt", "explanation too long",
     lambda c: doubt("--reason", "anders", "--explanation-file", c.file("x" * 301, "t.txt"))(c),
     "explanation: is te lang"),
    ("identity-doubt", "explanation on the command line", doubt("--reason", "anders", "--explanation", "geheim"),
     "onbekende optie --explanation"),
    ("identity-doubt", "explanation file missing",
     lambda c: doubt("--reason", "anders", "--explanation-file", str(c.tmp / "nope.txt"))(c), "bestaat niet"),
    ("identity-doubt", "in the future", doubt("--reason", "geen_vergelijking", "--on", "2026-02-13"),
     "in de toekomst"),
    ("identity-doubt", "before receipt", doubt("--reason", "geen_vergelijking", "--on", "2026-02-01"),
     "vóór de ontvangst"),
    ("identity-doubt", "identity established", doubt("--reason", "geen_vergelijking", state="consulting"),
     "al vastgesteld"),
    ("identity-doubt", "unknown request", lambda c: ["request", "identity-doubt", "ZVHD-2026-9999", "--reason",
                                                     "anders"], "onbekend verzoek"),
    ("identity-lapse", "term still running", lambda c: ["request", "identity-lapse", c.ref("awaiting_identity"),
                                                        "--today", TODAY], "loopt nog tot en met 2026-02-16"),
    ("identity-lapse", "identity established", lambda c: ["request", "identity-lapse", c.ref("consulting"),
                                                          "--today", TODAY], "wacht niet op identificatie"),
    ("identity-lapse", "today 9999", lambda c: ["request", "identity-lapse", c.ref("awaiting_identity"),
                                                "--today", "9999-12-31"], "--today"),
    # answer
    ("answer", "wrong registration", answer_file(), "precies één keer"),
    ("answer", "registration as text", answer_file(items=[{"registration_id": "abc"}]), "items.0.registration_id"),
    ("answer", "items as text", answer_file(items="alles goed"), "items"),
    ("answer", "unknown partner", answer_file(partner="gemeente-nergenshuizen"), "onbekende partner"),
    ("answer", "withhold without ground", answer_file(items=[{"registration_id": 1, "withhold": True}]),
     "weigeringsgrond"),
    ("answer", "incorrect without text", answer_file(items=[{"registration_id": 1, "correct": False}]),
     "juiste tekst"),
    ("answer", "answered in the future", answer_file(answered_on="2026-02-13"), "in de toekomst"),
    ("answer", "answered before the consultation", answer_file(answered_on="2026-02-03"), "vóór de raadpleging"),
    ("answer", "answered_by too long", answer_file(answered_by="x" * 121), "answered_by"),
    ("answer", "not consulting", lambda c: ["request", "answer", c.ref("awaiting_identity"),
                                            c.file({"partner": "gemeente-assen", "answered_on": "2026-02-11",
                                                    "answered_by": "x", "items": [{"registration_id": 1}]}),
                                            "--today", TODAY], "geen raadpleging"),
    ("answer", "endless input", lambda c: ["request", "answer", c.ref("consulting"), "/dev/zero"], "te groot"),
    ("answer", "deeply nested", lambda c: ["request", "answer", c.ref("consulting"), c.file(deep(100_000))],
     "diep genest"),
    # decide
    ("decide", "held before receipt", decide_file(held_on="2026-01-30"), "vóór de ontvangst"),
    ("decide", "held before the last answer", decide_file(held_on="2026-02-05"), "laatste antwoord"),
    ("decide", "held in the future", decide_file(held_on="2026-02-20"), "in de toekomst"),
    ("decide", "held 9999", decide_file(held_on="9999-12-31"), "held_on"),
    ("decide", "wrong forum", decide_file(forum="partneroverleg"), "casusoverleg"),
    ("decide", "unknown participant", decide_file(participants=["gemeente-nergenshuizen"]), "participants.0"),
    ("decide", "refusal without reasons", decide_file(decisions=[{"type": "inzage", "outcome": "refused"}]),
     "gemotiveerd"),
    ("decide", "the same decision twice", decide_file(decisions=[{"type": "inzage", "outcome": "granted"}] * 2),
     "al een besluit"),
    ("decide", "a right not asked", decide_file(decisions=[{"type": "beperking", "outcome": "granted"}]),
     "geen beperking"),
    ("decide", "not deliberating", lambda c: ["request", "decide", c.ref("consulting"),
                                              c.file({"forum": "casusoverleg", "held_on": "2026-02-11",
                                                      "participants": ["gemeente-assen"],
                                                      "decisions": [{"type": "inzage", "outcome": "granted"}]}),
                                              "--today", TODAY], "wacht niet op een besluit"),
    # execute
    ("execute", "a right without execution", lambda c: ["request", "execute", c.ref("executing"), "--type", "inzage",
                                                        "--today", TODAY], "vraagt geen uitvoering"),
    ("execute", "unknown type", lambda c: ["request", "execute", c.ref("executing"), "--type", "alles",
                                           "--today", TODAY], "type"),
    ("execute", "statement file missing", lambda c: ["request", "execute", c.ref("executing"), "--type",
                                                     "verwijdering", "--statement-file", str(c.tmp / "nope.txt"),
                                                     "--today", TODAY], "bestaat niet"),
    ("execute", "before the decision", lambda c: ["request", "execute", c.ref("executing"), "--type",
                                                  "verwijdering", "--today", "2026-02-08"], "vóór het besluit"),
    ("execute", "nothing to execute", lambda c: ["request", "execute", c.ref("deliberating"), "--type",
                                                 "verwijdering", "--today", TODAY], "geen uitvoering open"),
    # extend
    ("extend", "reason too short", lambda c: ["request", "extend", c.ref("consulting"), "--type", "inzage",
                                              "--reason-file", c.file("te kort", "r.txt"), "--today", TODAY],
     "minstens 10 tekens"),
    ("extend", "reason too long", lambda c: ["request", "extend", c.ref("consulting"), "--type", "inzage",
                                             "--reason-file", c.file("x" * 1059, "r.txt"), "--today", TODAY],
     "te lang"),
    ("extend", "after the first month", lambda c: ["request", "extend", c.ref("consulting"), "--type", "inzage",
                                                   "--reason-file", c.file("veel partners te raadplegen", "r.txt"),
                                                   "--today", "2026-03-20"], "te laat"),
    ("extend", "a right not asked", lambda c: ["request", "extend", c.ref("consulting"), "--type", "verzet",
                                               "--reason-file", c.file("veel partners te raadplegen", "r.txt"),
                                               "--today", TODAY], "geen verzet"),
    ("extend", "reason on the command line", lambda c: ["request", "extend", c.ref("consulting"), "--type",
                                                        "inzage", "--reason", "geheim"], "onbekende optie"),
    ("execute", "statement on the command line", lambda c: ["request", "execute", c.ref("executing"), "--type",
                                                           "verwijdering", "--statement", "geheim"], "onbekende optie"),
    ("explain", "nothing withheld", lambda c: ["request", "explain", c.ref("replying"), "--registration", "1",
                                               "--text-file", c.file("U krijgt dit deel niet.", "u.txt"),
                                               "--today", TODAY], "niet achtergehouden"),
    ("explain", "third person", lambda c: ["request", "explain", c.ref("replying"), "--registration", "1",
                                           "--text-file", c.file("De betrokkene krijgt dit niet.", "b.txt"),
                                           "--today", TODAY], "u-vorm"),
    ("source", "no source task", lambda c: ["request", "source", c.ref("replying"), "--registration", "1",
                                            "--partner", "gemeente-assen", "--today", TODAY], "geen open vraag"),
    ("source", "both partner and text", lambda c: ["request", "source", c.ref("replying"), "--registration", "1",
                                                   "--partner", "gemeente-assen", "--source-file",
                                                   c.file("uw huisarts", "s.txt"), "--today", TODAY], "niet beide"),
    ("disclose", "no recipient", lambda c: ["request", "disclose", "--region", "drenthe",
                                            c.file({"registration_id": 1, "disclosed_on": "2026-02-10"}),
                                            "--today", TODAY], "partner of een naam"),
    # send
    ("send", "nothing to send", lambda c: ["request", "send", c.ref("executing"), "--today", TODAY],
     "geen antwoorden klaar"),
    ("send", "today 9999", lambda c: ["request", "send", c.ref("replying"), "--today", "9999-12-31"], "--today"),
    # show, advance, termijn
    ("show", "unknown request", lambda c: ["request", "show", "XYZ-1"], "onbekend verzoek"),
    ("advance", "a day before receipt", lambda c: ["request", "advance", c.ref("consulting"), "--today",
                                                   "2026-01-01"], "vóór de ontvangst"),
    ("termijn", "received 9999-12-20", lambda c: ["termijn", "--region", "utrecht", "--type", "inzage",
                                                  "--received", "9999-12-20"], "tussen 2000 en 2100"),
    ("letter", "out is a file", lambda c: ["letter", "preview", "geen_gegevens", "--region", "drenthe", "--out",
                                           c.file("x", "plain.txt")], "geen map"),
    ("letter", "out below a file", lambda c: ["letter", "preview", "geen_gegevens", "--region", "drenthe",
                                              "--out", c.file("x", "plain2.txt") + "/sub"], "niet te schrijven"),
    ("main", "unknown command", lambda c: ["verzoek"], "onbekend commando"),
]


@pytest.mark.parametrize("command, case, args, message", CASES, ids=[f"{c[0]}: {c[1]}" for c in CASES])
def test_refused_input_is_one_line_and_changes_nothing(states, tmp_path, command, case, args, message):
    engine = states["engine"]
    before = dump(engine)
    result = runner.invoke(app, args(Ctx(states, tmp_path)))
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2, result.output
    assert len(lines) == 1 and lines[0].startswith("fout: "), result.stderr
    assert message in lines[0]
    assert "Traceback" not in result.output
    assert dump(engine) == before


def test_personal_values_are_not_repeated_in_the_error(states, tmp_path):
    """The error names the field, not the refused value (which may be personal data)."""
    result = runner.invoke(app, register(subject={"name": "Geheime Naam" * 20})(Ctx(states, tmp_path)))
    assert result.exit_code == 2 and "Geheime" not in result.stderr


def test_the_database_refuses_a_too_long_value_itself(states):
    """Length limits hold in the database, also for a write that bypasses the input models."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    engine = states["engine"]
    before = dump(engine)
    with pytest.raises(DBAPIError), engine.begin() as conn:
        conn.execute(text("UPDATE clockevent SET reason = :r"), {"r": "x" * 1059})
    with pytest.raises(DBAPIError), engine.begin() as conn:
        conn.execute(text("INSERT INTO region (id, name, config_hash) VALUES (:i, 'x', 'y')"), {"i": "r" * 65})
    assert dump(engine) == before


def test_every_limited_column_is_guarded_on_sqlite(states):
    from sqlalchemy import text

    from models.length_limits import PREFIX, limits

    engine = states["engine"]
    if engine.dialect.name != "sqlite":
        assert engine.dialect.name == "postgresql"  # VARCHAR(n) is enforced by PostgreSQL itself
        return
    with engine.connect() as conn:
        sql = {name: body for name, body in conn.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))}
    for table, columns in limits().items():
        for event in ("insert", "update"):
            body = sql[f"{PREFIX}{table}_{event}"]
            for column, n in columns:
                assert f"length(NEW.{column}) > {n}" in body


def test_outside_the_demo_a_region_whose_letters_cannot_go_out_refuses_registration(states, tmp_path, production):
    """The shipped region files still hold unverified contact details: outside the demo
    setting the registration is refused up front, naming the region key, and nothing is written."""
    engine = states["engine"]
    before = dump(engine)
    result = runner.invoke(app, register()(Ctx(states, tmp_path)))
    assert result.exit_code == 2 and result.stderr.startswith("fout: de brieven van deze regio")
    assert "unverified" in result.stderr or "bevestigd" in result.stderr
    assert dump(engine) == before


def test_every_action_checks_who_acts(states):
    """Least privilege in the actions themselves, whatever route the call came by: a partner
    answers only its own task, a coordinator acts only in the regions of the account, a
    manager or auditor records nothing — refused before anything is written."""
    from models.actions.answers import AnswerInput, record_answer
    from models.actions.identity import IdentityInput, record_identity
    from models.db import session_scope
    from models.enums import Role
    from models.principal import NotAllowed, Principal
    from models.actions.common import get_request

    engine = states["engine"]
    with session_scope() as s:
        consulting = get_request(s, states["consulting"]).id
        waiting = get_request(s, states["awaiting_identity"]).id
    answer = AnswerInput(partner="gemeente-assen", answered_on=date(2026, 2, 11), answered_by="x",
                         items=[{"registration_id": 1, "correct": True}])
    identity = IdentityInput(method="in_persoon", place="ZVH", checked_on=date(2026, 2, 11), officer="p",
                             document_type="paspoort", document_last_digits="12")
    cases = [
        (Principal(id="b", role=Role.partner, regions=frozenset({"drenthe"}), partner_slug="ggz-drenthe"),
         lambda s, p: record_answer(s, consulting, answer, p, date(2026, 2, 12)), "andere organisatie"),
        (Principal(id="u", role=Role.coordinator, regions=frozenset({"utrecht"})),
         lambda s, p: record_identity(s, waiting, identity, p, date(2026, 2, 12)), "geen toegang"),
        (Principal(id="m", role=Role.manager, regions=frozenset({"drenthe"})),
         lambda s, p: record_identity(s, waiting, identity, p, date(2026, 2, 12)), "rol"),
        (Principal(id="f", role=Role.auditor, all_regions=True),
         lambda s, p: record_answer(s, consulting, answer, p, date(2026, 2, 12)), "rol"),
        (Principal(id="a", role=Role.partner, regions=frozenset({"drenthe"}), partner_slug="gemeente-assen"),
         lambda s, p: record_identity(s, waiting, identity, p, date(2026, 2, 12)), "rol"),
    ]
    before = dump(engine)
    for principal, act, message in cases:
        with pytest.raises(NotAllowed, match=message), session_scope() as s:
            act(s, principal)
    assert dump(engine) == before
