"""Draft -> approved -> sent on the real database (schema from the migrations), with the
audit trail checked after every step."""
import hashlib
from datetime import date

import pytest
from sqlalchemy import text
from sqlmodel import select

from models import audit
from models.crypto import lookup_hash
from models.letters import store
from models.letters.kinds import UnknownKind
from models.tables import AuditEvent, DataSubject, Letter, Region, Request

HTML = "<p>Geachte mevrouw De Vries,</p><p>Concept.</p>"


@pytest.fixture
def request_id(db) -> str:
    db.add(Region(id="testregio", name="Testregio", config_hash="0" * 64))
    db.flush()
    subject = DataSubject(name="J. de Vries", name_hash=lookup_hash("J. de Vries"))
    db.add(subject)
    db.flush()
    req = Request(
        reference="TST-2026-0001", region_id="testregio", subject_id=subject.id,
        subject_name=subject.name, subject_name_hash=subject.name_hash,
        first_received_on=date(2026, 2, 2), channel="brief",
    )
    db.add(req)
    db.commit()
    return req.id


def events(db, action=None) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.exec(query))


def sha(html: str) -> str:
    return hashlib.sha256(html.encode()).hexdigest()


def test_full_lifecycle_freezes_the_letter_and_audits_its_hash(db, request_id):
    letter = store.create_draft(db, request_id, "ontvangstbevestiging", f"{request_id}:ack", HTML, "coord")
    db.commit()
    assert letter.status == "draft" and letter.content_hash is None

    edited = HTML.replace("Concept.", "Definitief.")
    store.edit_draft(db, letter.id, edited, "coord")
    store.approve(db, letter.id, "coord")
    db.commit()
    assert letter.status == "approved" and letter.approved_at is not None

    store.mark_sent(db, letter.id, "coord")
    db.commit()
    assert letter.status == "sent" and letter.sent_at is not None
    assert letter.content_hash == sha(edited)
    assert store.verify_sent(letter)

    actions = [ev.action for ev in events(db)]
    assert actions == ["letter.drafted", "letter.edited", "letter.approved", "letter.sent"]
    sent = events(db, "letter.sent")[0]
    assert sent.request_id == request_id
    # Ids, kind and hash only: no content, no name.
    assert sent.detail == {"letter_id": letter.id, "kind": "ontvangstbevestiging", "sha256": sha(edited)}
    for ev in events(db):
        assert set(ev.detail) == {"letter_id", "kind", "sha256"}
        assert "Vries" not in str(ev.detail)
    assert audit.verify_chain(db) == 4


def test_create_draft_is_idempotent_on_key(db, request_id):
    first = store.create_draft(db, request_id, "ontvangstbevestiging", "k1", HTML, "flow")
    db.commit()
    again = store.create_draft(db, request_id, "ontvangstbevestiging", "k1", "<p>anders</p>", "flow")
    db.commit()
    assert again.id == first.id and again.html == HTML
    assert len(db.exec(select(Letter)).all()) == 1
    assert len(events(db, "letter.drafted")) == 1


def test_same_key_for_another_letter_is_refused(db, request_id):
    store.create_draft(db, request_id, "ontvangstbevestiging", "k1", HTML, "flow")
    with pytest.raises(store.LetterError, match="andere brief"):
        store.create_draft(db, request_id, "verlenging", "k1", HTML, "flow")


def test_unknown_kind_and_empty_html_are_refused(db, request_id):
    with pytest.raises(UnknownKind):
        store.create_draft(db, request_id, "brief_die_niet_bestaat", "k1", HTML, "flow")
    with pytest.raises(store.LetterError):
        store.create_draft(db, request_id, "verlenging", "k2", "   ", "flow")


def test_no_edit_after_approval(db, request_id):
    letter = store.create_draft(db, request_id, "verlenging", "k1", HTML, "coord")
    store.approve(db, letter.id, "coord")
    db.commit()
    with pytest.raises(store.LetterFrozen, match="goedgekeurd"):
        store.edit_draft(db, letter.id, "<p>nieuw</p>", "coord")
    db.rollback()
    assert db.get(Letter, letter.id).html == HTML


def test_sent_letter_is_frozen(db, request_id):
    letter = store.create_draft(db, request_id, "verlenging", "k1", HTML, "coord")
    store.approve(db, letter.id, "coord")
    store.mark_sent(db, letter.id, "coord")
    db.commit()
    with pytest.raises(store.LetterFrozen, match="verzonden"):
        store.edit_draft(db, letter.id, "<p>nieuw</p>", "coord")
    with pytest.raises(store.LetterFrozen):
        store.approve(db, letter.id, "coord")
    db.rollback()
    # Marking it sent again changes nothing (a retried flow step is harmless).
    again = store.mark_sent(db, letter.id, "coord")
    db.commit()
    assert again.content_hash == sha(HTML)
    assert len(events(db, "letter.sent")) == 1


def test_sent_letter_cannot_be_changed_through_the_orm_either(db, request_id):
    letter = store.create_draft(db, request_id, "verlenging", "k1", HTML, "coord")
    store.approve(db, letter.id, "coord")
    store.mark_sent(db, letter.id, "coord")
    db.commit()
    db.expire_all()  # also when the status is not loaded in the session
    stored = db.get(Letter, letter.id)
    stored.html = "<p>achteraf gewijzigd</p>"
    db.add(stored)
    with pytest.raises(store.LetterFrozen):
        db.commit()
    db.rollback()
    assert db.get(Letter, letter.id).html == HTML


def test_tampering_behind_the_orm_is_detected_by_the_hash(db, request_id):
    letter = store.create_draft(db, request_id, "verlenging", "k1", HTML, "coord")
    store.approve(db, letter.id, "coord")
    store.mark_sent(db, letter.id, "coord")
    db.commit()
    from models.crypto import Place, seal

    forged = seal("<p>vervalst</p>", Place("letter", "html", letter.row_uid))  # someone with the key
    db.connection().execute(text("UPDATE letter SET html = :h WHERE id = :i"), {"h": forged, "i": letter.id})
    db.commit()
    db.expire_all()
    assert not store.verify_sent(db.get(Letter, letter.id))


def test_draft_cannot_be_sent_without_approval(db, request_id):
    letter = store.create_draft(db, request_id, "verlenging", "k1", HTML, "coord")
    with pytest.raises(store.LetterNotApproved):
        store.mark_sent(db, letter.id, "coord")


def test_unknown_letter(db, request_id):
    with pytest.raises(store.LetterNotFound):
        store.approve(db, 999, "coord")


def test_html_is_encrypted_at_rest(db, request_id):
    letter = store.create_draft(db, request_id, "verlenging", "k1", HTML, "coord")
    db.commit()
    raw = db.connection().execute(text("SELECT html FROM letter WHERE id = :i"), {"i": letter.id}).scalar()
    assert "Vries" not in raw


def test_a_real_rendered_letter_goes_through_the_lifecycle(db, request_id, project_root):
    from models.letters.render import render_html
    from models.letters.samples import sample_context
    from models.region_config import load_regions

    region = load_regions(project_root / "config")["fryslan"]
    html = render_html("inzage_besluit", sample_context("inzage_besluit", region))
    letter = store.create_draft(db, request_id, "inzage_besluit", f"{request_id}:reply:inzage", html, "coord")
    store.approve(db, letter.id, "coord")
    store.mark_sent(db, letter.id, "coord")
    db.commit()
    db.expire_all()
    back = db.get(Letter, letter.id)
    assert back.html == html and back.content_hash == sha(html) and store.verify_sent(back)
