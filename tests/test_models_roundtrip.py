"""Every table survives a write and a read on the real database, encrypted fields included."""
from datetime import date

from sqlmodel import Session, select

from models import audit
from models.crypto import lookup_hash
from models.tables import (
    AuditEvent,
    CaseRegistration,
    ClockEvent,
    ConsultationTask,
    DataSubject,
    Deliberation,
    IdentityCheck,
    ItemAnswer,
    ItemDecision,
    Letter,
    OutboxMessage,
    Partner,
    Referral,
    Region,
    Representative,
    Request,
    RequestRight,
)


def _world(db: Session):
    db.add(Region(id="testregio", name="Testregio", config_hash="0" * 64))
    db.flush()  # no ORM relationships: parents are flushed before their children
    gemeente = Partner(region_id="testregio", slug="gemeente-a", name="Gemeente A", kind="gemeente", regime="avg")
    politie = Partner(
        region_id="testregio", slug="politie", name="Politie", kind="politie", regime="wpg", unit="Eenheid X"
    )
    subject = DataSubject(
        bsn="111222333",
        bsn_hash=lookup_hash("111222333"),
        name="Jan Jansen",
        name_hash=lookup_hash("Jan Jansen"),
        birth_date="1980-02-29",
        address="Dorpsstraat 1, 1234 AB Ergens",
    )
    db.add_all([gemeente, politie, subject])
    db.flush()
    return gemeente, politie, subject


def test_full_request_round_trip(db):
    gemeente, politie, subject = _world(db)
    reg = CaseRegistration(
        region_id="testregio", subject_id=subject.id, casus_ref="C-1", partner_id=gemeente.id,
        category="zorggegevens", regime="avg", description="Melding overlast 2025",
    )
    req = Request(
        reference="TST-2026-0001", region_id="testregio", subject_id=subject.id,
        subject_name=subject.name, subject_name_hash=subject.name_hash,
        first_received_on=date(2026, 1, 5), received_by_partner_id=gemeente.id,
        forwarded_on=date(2026, 1, 7), channel="via_partner", requester_kind="advocaat",
    )
    db.add_all([reg, req])
    db.flush()
    task = ConsultationTask(
        request_id=req.id, partner_id=gemeente.id, created_on=date(2026, 1, 8),
        due_on=date(2026, 1, 22), reminder_on=date(2026, 1, 20), escalation_on=date(2026, 1, 23),
    )
    db.add_all([
        RequestRight(request_id=req.id, type="inzage"),
        RequestRight(request_id=req.id, type="verzet"),
        Representative(request_id=req.id, kind="advocaat", name="Mr. P. Pleiter", proof_of_authority="machtiging"),
        IdentityCheck(
            request_id=req.id, method="in_persoon", place="ZVH", checked_on=date(2026, 1, 9),
            officer="procesregisseur", document_type="paspoort", document_last_digits="1234",
        ),
        task,
        Referral(request_id=req.id, partner_id=politie.id, target="wpg_loket", request_types="inzage", reference="TST-2026-0001-W1"),
        Deliberation(request_id=req.id, forum="casusoverleg", held_on=date(2026, 1, 26), participants="gemeente-a"),
        ItemDecision(request_id=req.id, right_type="inzage", registration_id=None, outcome="granted", decided_on=date(2026, 1, 27)),
        ClockEvent(request_id=req.id, kind="suspend", on_date=date(2026, 1, 5), recorded_by="tester"),
        Letter(request_id=req.id, kind="ontvangstbevestiging", key=f"{req.id}:ack", html="<p>Geachte heer Jansen</p>"),
        OutboxMessage(idempotency_key=f"{req.id}:ack", request_id=req.id, kind="letter", channel="file",
                      recipient="Jan Jansen", subject="TST-2026-0001", body="<p>...</p>"),
    ])
    db.flush()
    db.add(ItemAnswer(task_id=task.id, registration_id=reg.id, supplied_by_us=True, correct=False, correction="Melding 2024"))
    audit.record(db, "tester", "request.registered", req.id, types=["inzage", "verzet"])
    db.commit()
    db.expunge_all()

    back = db.exec(select(Request).where(Request.reference == "TST-2026-0001")).one()
    assert back.first_received_on == date(2026, 1, 5)
    assert back.received_by_partner_id == gemeente.id
    assert sorted(r.type for r in db.exec(select(RequestRight).where(RequestRight.request_id == back.id))) == ["inzage", "verzet"]
    found = db.exec(select(DataSubject).where(DataSubject.bsn_hash == lookup_hash("111222333"))).one()
    assert (found.bsn, found.name, found.birth_date) == ("111222333", "Jan Jansen", "1980-02-29")
    assert db.exec(select(Representative)).one().name == "Mr. P. Pleiter"
    assert db.exec(select(ItemAnswer)).one().correction == "Melding 2024"
    assert db.exec(select(CaseRegistration)).one().description == "Melding overlast 2025"
    assert db.exec(select(Letter)).one().html == "<p>Geachte heer Jansen</p>"
    assert db.exec(select(IdentityCheck)).one().document_last_digits == "1234"
    ev = db.exec(select(AuditEvent)).one()
    assert ev.request_id == back.id and ev.detail == {"types": ["inzage", "verzet"]}
    assert audit.verify_chain(db) == 1


def test_name_lookup_is_case_insensitive(db):
    _world(db)
    db.commit()
    assert db.exec(select(DataSubject).where(DataSubject.name_hash == lookup_hash("  jan jansen"))).one()
