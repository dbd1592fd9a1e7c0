"""Repeating an action (a rerun after a kill, a double click) gives the same result, not a
second one (issue 8, point 2); one person is one subject, and a request's letters go to the
address given with that request (point 8)."""
from datetime import date

import pytest
from sqlmodel import Session, select

from models.actions.common import ActionError
from models.actions.intake import RequestInput, register_request
from models.db import session_scope
from models.tables import AuditEvent, DataSubject, Letter, Request
from tests import journey
from tests.dbdump import dump
from tests.principals import SIGNATORY, TESTER

RECEIVED = date(2026, 2, 2)


def _input(**changes) -> RequestInput:
    data = {"region": "drenthe", "subject": dict(journey.SUBJECT), "types": ["inzage", "verwijdering"],
            "received_on": RECEIVED.isoformat()}
    data.update(changes)
    return RequestInput.model_validate(data)


def _register(data: RequestInput, key=None):
    with session_scope() as s:
        return register_request(s, data, TESTER, data.received_on, key=key)


def test_the_same_registration_twice_is_one_request(loaded):
    first = _register(_input())
    before = dump(loaded)
    again = _register(_input(types=["verwijdering", "inzage"]))  # the same types, in another order
    assert again.repeated and again.request_id == first.request_id and "al vastgelegd" in again.message
    assert dump(loaded) == before


def test_the_same_key_with_other_content_is_refused_and_a_given_key_makes_a_second_request(loaded):
    first = _register(_input())
    before = dump(loaded)
    other = _input(subject={**journey.SUBJECT, "address": "Andere Straat 9, 9401 BB Assen"})
    with pytest.raises(ActionError, match="--key"):
        _register(other)
    assert dump(loaded) == before
    second = _register(other, key="tweede brief van 2 februari")
    assert not second.repeated and second.request_id != first.request_id
    assert _register(other, key="tweede brief van 2 februari").request_id == second.request_id


def test_every_action_repeated_writes_nothing_and_says_so(loaded):
    from models.actions.decisions import DecisionInput, DeliberationInput, ExecutionInput, record_decision, \
        record_execution
    from models.actions.identity import IdentityInput, record_identity
    from models.actions.replies import ExtensionInput, approve_replies, record_extension, send_replies

    rid = journey.new_request()
    day = date(2026, 2, 4)
    identity = IdentityInput(method="in_persoon", place="ZVH Drenthe", checked_on=day, officer="procesregisseur",
                             document_type="paspoort", document_last_digits="1234")
    extension = ExtensionInput(type="inzage", reason="Veel partners moeten worden geraadpleegd.", recorded_on=day)

    def twice(action):
        with session_scope() as s:
            first = action(s)
        journey.advance(rid, day)
        before = dump(loaded)
        with session_scope() as s:
            again = action(s)
        assert again.repeated and again.event_key == first.event_key and not first.repeated
        assert dump(loaded) == before

    twice(lambda s: record_identity(s, rid, identity, TESTER, day))
    twice(lambda s: record_extension(s, rid, extension, TESTER, day))
    journey.answer_all(rid, day)
    first = journey.avg_registration_ids(rid)[0]
    decision = DeliberationInput(forum="partneroverleg", held_on=day, participants=["gemeente-assen"],
                                 decisions=[DecisionInput(type="verwijdering", outcome="granted",
                                                          registration_id=first)])
    twice(lambda s: record_decision(s, rid, decision, TESTER, day))
    journey.decide(rid, day, [{"type": "inzage", "outcome": "granted"}])
    twice(lambda s: record_execution(s, rid, ExecutionInput(type="verwijdering", executed_on=day), TESTER, day))
    twice(lambda s: approve_replies(s, rid, SIGNATORY, day))
    twice(lambda s: send_replies(s, rid, TESTER, day))
    with Session(loaded) as s:
        assert s.get(Request, rid).status == "closed"


def test_a_repeat_with_other_input_after_the_fact_says_what_finishes_the_job(loaded):
    from models.actions.identity import IdentityInput, record_identity

    rid = journey.new_request()
    journey.identify(rid, date(2026, 2, 4))
    before = dump(loaded)
    with pytest.raises(ActionError, match="al vastgesteld.*request advance"), session_scope() as s:
        record_identity(s, rid, IdentityInput(method="in_persoon", place="ZVH Drenthe", checked_on=date(2026, 2, 5),
                                              officer="iemand anders", document_type="rijbewijs",
                                              document_last_digits="99"), TESTER, date(2026, 2, 5))
    assert dump(loaded) == before


def test_a_new_request_with_a_new_address_writes_to_that_address_and_keeps_the_old_one(loaded):
    old = _register(_input(types=["inzage"])).request_id
    journey.advance(old, RECEIVED)
    moved = {**journey.SUBJECT, "name": "Fictieve Tester-Nieuw", "address": "Nieuwe Laan 1, 7811 AA Emmen"}
    new = _register(_input(types=["verzet"], received_on="2026-02-10", subject=moved)).request_id
    journey.advance(new, date(2026, 2, 10))
    with Session(loaded) as s:
        assert len(s.exec(select(DataSubject)).all()) == 1  # one person, one subject
        subject = s.exec(select(DataSubject)).one()
        assert subject.address == moved["address"] and subject.name == moved["name"]
        letters = {x.request_id: x.html for x in s.exec(select(Letter).where(Letter.kind == "ontvangstbevestiging"))}
        assert "Nieuwe Laan 1" in letters[new] and "Proefweg 3" not in letters[new]
        assert "Proefweg 3" in letters[old]  # the history: the earlier request keeps its details
        assert s.get(Request, old).subject_address == journey.SUBJECT["address"]
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "subject.details_updated")).one()
        assert event.detail["fields"] == ["address", "name"]
        assert "Nieuwe" not in str(event.detail)


def test_a_bsn_written_with_spaces_and_dots_is_the_same_person(loaded):
    first = _register(_input()).request_id
    spaced = {**journey.SUBJECT, "bsn": "1234.56.782"}
    second = _register(_input(subject=spaced, types=["verzet"])).request_id
    with Session(loaded) as s:
        assert s.get(Request, first).subject_id == s.get(Request, second).subject_id
