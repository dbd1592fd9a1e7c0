"""Every state change of a request writes an audit event: who, what, when, which request."""
from collections import Counter
from pathlib import Path

import pytest
from sqlmodel import Session, select

from flows import scenario as sc
from models import audit
from models.tables import AuditEvent

SCENARIO = sc.load(Path(__file__).parent / "scenarios" / "crash.json")


@pytest.mark.slow
def test_the_whole_journey_is_in_the_audit_trail(loaded, prefect_harness):
    view = sc.play(SCENARIO)
    with Session(loaded) as s:
        events = s.exec(select(AuditEvent).where(AuditEvent.request_id == view["id"]).order_by(AuditEvent.id)).all()
        assert audit.verify_chain(s) >= len(events)
    actions = Counter(e.action for e in events)
    assert actions["request.registered"] == 1
    assert actions["identity.verified"] == 1
    assert actions["referral.created"] == 2  # police and OM
    assert actions["consultation.opened"] == actions["consultation.answered"] == 2
    assert actions["decision.recorded"] == 2  # casusoverleg (inzage) and partneroverleg (verwijdering)
    assert actions["decision.executed"] == 1
    assert actions["replies.sent"] == 1
    assert actions["letter.sent"] == len(view["letters"]) == actions["outbox.sent"]
    statuses = [e.detail["new"] for e in events if e.action == "request.status"]
    assert statuses == ["awaiting_identity", "consulting", "deliberating", "executing", "replying", "closed"]
    for e in events:
        assert e.actor and e.at and e.request_id == view["id"]
