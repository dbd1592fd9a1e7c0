import pytest
from sqlalchemy import text

from models import audit
from models.tables import AuditEvent


def test_chain_verifies_and_detects_tampering(db):
    for i in range(3):
        audit.record(db, "tester", "step", "r1", n=i)
    db.commit()
    assert audit.verify_chain(db) == 3
    # Someone edits a row behind the application's back:
    db.connection().execute(text("UPDATE auditevent SET action = 'other' WHERE id = 2"))
    db.expire_all()
    with pytest.raises(audit.AuditTampered, match="event 2"):
        audit.verify_chain(db)


def test_orm_refuses_update_and_delete(db):
    ev = audit.record(db, "tester", "step", "r1")
    db.commit()
    ev.action = "changed"
    with pytest.raises(audit.AuditTampered):
        db.commit()
    db.rollback()
    db.delete(db.get(AuditEvent, ev.id))
    with pytest.raises(audit.AuditTampered):
        db.commit()
