"""Bad input gets a clear error and changes nothing (architecture rule 6); good input
writes its rows and its audit event together."""
from datetime import date

import pytest
from pydantic import ValidationError
from sqlmodel import Session, func, select

from models.actions.common import ActionError
from models.actions.decisions import DecisionInput, DeliberationInput, record_decision
from models.actions.identity import IdentityInput, record_identity
from models.actions.intake import RequestInput, register_request
from models.actions.replies import ExtensionInput, record_extension
from models.db import session_scope
from models.tables import AuditEvent, ClockEvent, DataSubject, IdentityCheck, Request, RequestRight
from tests.principals import TESTER

TODAY = date(2026, 3, 10)
SUBJECT = {"bsn": "111222333", "name": "Fictief Persoon", "address": "Voorbeeldstraat 1, 8900 AA Leeuwarden"}


def _request(**changes) -> dict:
    data = {"region": "fryslan", "subject": dict(SUBJECT), "types": ["inzage"], "received_on": "2026-03-02"}
    data.update(changes)
    return data


def _counts(engine) -> tuple[int, ...]:
    with Session(engine) as s:
        return tuple(s.exec(select(func.count()).select_from(t)).one()
                     for t in (Request, RequestRight, DataSubject, AuditEvent, ClockEvent, IdentityCheck))


def _register(data: dict) -> str:
    with session_scope() as s:
        return register_request(s, RequestInput.model_validate(data), TESTER, TODAY).request_id


@pytest.mark.parametrize(
    "changes, error, message",
    [
        ({"subject": {**SUBJECT, "bsn": "111222334"}}, ValidationError, "elfproef"),
        ({"received_on": "2026-03-11"}, ActionError, "in de toekomst"),
        ({"received_by": "gemeente-nergenshuizen", "forwarded_on": "2026-03-03"}, ActionError, "onbekende partner"),
        ({"received_by": "gemeente-leeuwarden"}, ActionError, "doorstuurdatum ontbreekt"),
        ({"received_by": "gemeente-leeuwarden", "forwarded_on": "2026-03-01"}, ActionError, "vóór de eerste ontvangst"),
        ({"types": []}, ValidationError, "at least 1"),
        ({"types": ["vergeten"]}, ValidationError, "inzage"),
        ({"region": "limburg"}, ActionError, "onbekende regio"),
        ({"subject": {"bsn": "111222333", "name": "Zonder Adres"}}, ActionError, "adres ontbreekt"),
    ],
)
def test_bad_intake_changes_nothing(loaded, changes, error, message):
    before = _counts(loaded)
    with pytest.raises(error, match=message):
        _register(_request(**changes))
    assert _counts(loaded) == before


def test_intake_writes_request_rights_and_audit(loaded):
    request_id = _register(_request(types=["inzage", "verzet", "inzage"]))
    with Session(loaded) as s:
        request = s.get(Request, request_id)
        from models.region_config import get_region

        assert request.reference == f"{get_region('fryslan').reference_prefix}-2026-0001"
        assert sorted(r.type for r in s.exec(select(RequestRight).where(RequestRight.request_id == request_id))) == [
            "inzage", "verzet"]
        ev = s.exec(select(AuditEvent).where(AuditEvent.request_id == request_id)).one()
        assert ev.action == "request.registered" and ev.detail["types"] == ["inzage", "verzet"]
        assert "111222333" not in str(ev.detail) and "Fictief" not in str(ev.detail)


def test_request_via_partner_keeps_the_first_receipt_date(loaded):
    request_id = _register(_request(received_by="gemeente-leeuwarden", forwarded_on="2026-03-06"))
    with Session(loaded) as s:
        request = s.get(Request, request_id)
        assert request.first_received_on == date(2026, 3, 2) and request.channel == "via_partner"


def _identity(**changes) -> IdentityInput:
    data = dict(method="in_persoon", place="VH Fryslân", checked_on=TODAY, officer="procesregisseur",
                document_type="paspoort", document_last_digits="1234")
    data.update(changes)
    return IdentityInput(**data)


def test_identity_check_keeps_only_last_digits_and_resumes_the_clock(loaded):
    request_id = _register(_request())
    with session_scope() as s:
        s.add(ClockEvent(request_id=request_id, kind="suspend", on_date=date(2026, 3, 3), recorded_by="t"))
    with session_scope() as s:
        record_identity(s, request_id, _identity(), TESTER, TODAY)
    with Session(loaded) as s:
        kinds = [e.kind for e in s.exec(select(ClockEvent).where(ClockEvent.request_id == request_id))]
        assert kinds == ["suspend", "resume"]
        assert s.exec(select(IdentityCheck)).one().document_last_digits == "1234"
    with pytest.raises(ValidationError):
        _identity(document_last_digits="NL1234567")  # a whole document number is refused


@pytest.mark.parametrize(
    "changes, message",
    [({"method": "digid"}, "niet toegestaan"), ({"checked_on": date(2026, 3, 11)}, "in de toekomst"),
     ({"checked_on": date(2026, 3, 1)}, "vóór de ontvangst")],
)
def test_bad_identity_check_changes_nothing(loaded, changes, message):
    request_id = _register(_request())
    before = _counts(loaded)
    with pytest.raises(ActionError, match=message), session_scope() as s:
        record_identity(s, request_id, _identity(**changes), TESTER, TODAY)
    assert _counts(loaded) == before


def test_verzet_is_refused_only_on_compelling_grounds_and_always_weighed():
    weighing = "Uw situatie weegt minder zwaar dan de veiligheid van anderen."
    with pytest.raises(ValidationError, match="dwingende gerechtvaardigde gronden"):
        DecisionInput(type="verzet", outcome="refused", weighing=weighing, compelling_grounds="x")
    with pytest.raises(ValidationError, match="compelling_grounds"):
        DecisionInput(type="verzet", outcome="refused", ground="dwingende_gerechtvaardigde_gronden",
                      weighing=weighing)
    with pytest.raises(ValidationError, match="weighing"):
        DecisionInput(type="verzet", outcome="granted")  # "altijd gemotiveerd": also when granted
    with pytest.raises(ValidationError, match="gemotiveerd"):
        DecisionInput(type="inzage", outcome="refused", ground="a")
    DecisionInput(type="verzet", outcome="refused", ground="dwingende_gerechtvaardigde_gronden",
                  compelling_grounds="Het toezicht loopt nog.", weighing=weighing)
    DecisionInput(type="verzet", outcome="granted", weighing="Er zijn geen dwingende redenen.")


def test_decision_must_come_from_the_forum_the_protocol_names(loaded):
    request_id = _register(_request(region="rotterdam-rijnmond", types=["correctie"],
                                    subject={**SUBJECT, "address": "Voorbeeldstraat 1, 3000 AA Rotterdam"}))
    with session_scope() as s:
        s.get(Request, request_id).status = "deliberating"
    before = _counts(loaded)
    decision = DeliberationInput(forum="casusoverleg", held_on=TODAY, participants=["gemeente-rotterdam"],
                                 decisions=[DecisionInput(type="correctie", outcome="granted")])
    with pytest.raises(ActionError, match="partneroverleg"), session_scope() as s:
        record_decision(s, request_id, decision, TESTER, TODAY)
    assert _counts(loaded) == before


def test_late_extension_is_refused_and_changes_nothing(loaded):
    request_id = _register(_request(received_on="2026-01-05"))
    before = _counts(loaded)
    with pytest.raises(ActionError, match="te laat"), session_scope() as s:
        record_extension(s, request_id, ExtensionInput(type="inzage", reason="veel partners te raadplegen",
                                                       recorded_on=TODAY), TESTER, TODAY)
    assert _counts(loaded) == before


def test_the_betrokkenes_own_words_are_kept_per_right_and_encrypted(loaded):
    from sqlalchemy import text

    words = "Ik heb een nieuwe baan en wil een nieuwe start."
    request_id = _register(_request(types=["verzet"], statements={"verzet": words}))
    with Session(loaded) as s:
        right = s.exec(select(RequestRight).where(RequestRight.request_id == request_id)).one()
        assert right.statement == words
        raw = s.connection().execute(text("SELECT statement FROM requestright")).scalar_one()
        assert "baan" not in raw
    before = _counts(loaded)
    with pytest.raises(ActionError, match="niet is gevraagd"):
        _register(_request(types=["inzage"], statements={"verzet": words}))
    assert _counts(loaded) == before
