"""One bad request never blocks the rest (issue 8, point 3): the daily sweep handles each
request on its own; a request whose step fails is recorded as failed (visible in
`request show`), the manager is told once, and every other request is still processed."""
import json
from datetime import date

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from cli.main import app
from models.actions.intake import RequestInput, register_request
from models.db import session_scope
from models.tables import OutboxMessage, Request
from tests.journey import SUBJECT
from tests.test_bad_input import bsn
from tests.principals import TESTER

RECEIVED = date(2026, 3, 2)


def _registered(n: int) -> str:
    """A request recorded but not yet advanced (as after a crash, or before the sweep)."""
    with session_scope() as s:
        return register_request(s, RequestInput(
            region="drenthe", types=["inzage"], received_on=RECEIVED,
            subject={**SUBJECT, "bsn": bsn(f"555000{n}")}), TESTER, RECEIVED).request_id


@pytest.mark.slow
def test_a_broken_request_among_good_ones(loaded, prefect_harness):
    from flows.advance import sla_sweep

    ids = [_registered(n) for n in range(3)]
    with Session(loaded) as s:  # damaged behind the application's back: no address lines left
        s.get(Request, ids[1]).subject_address = ","
        s.commit()

    totals = sla_sweep(RECEIVED.isoformat())
    assert totals["requests"] == 3 and totals["failed"] == 1
    with Session(loaded) as s:
        statuses = [s.get(Request, rid).status for rid in ids]
        broken = s.get(Request, ids[1])
        assert statuses == ["awaiting_identity", "registered", "awaiting_identity"]
        assert (broken.failed_step, broken.failure_code, broken.failed_on) == ("acknowledge", "ValidationError",
                                                                               RECEIVED)
    sla_sweep(date(2026, 3, 3).isoformat())  # the next day: still failed, told only once
    with Session(loaded) as s:
        notices = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "storing")).all()
        assert len(notices) == 1 and notices[0].request_id == ids[1] and notices[0].recipient == "manager"
        assert notices[0].status == "sent"  # delivered like every other message
        reference = s.get(Request, ids[1]).reference

    shown = CliRunner().invoke(app, ["request", "show", reference, "--json", "--today", "2026-03-03"])
    assert shown.exit_code == 0
    assert json.loads(shown.stdout)["failure"] == {"step": "acknowledge", "code": "ValidationError",
                                                   "since": RECEIVED.isoformat()}
    text = CliRunner().invoke(app, ["request", "show", reference, "--today", "2026-03-03"]).stdout
    assert "MISLUKT" in text

    with Session(loaded) as s:  # repaired: the next sweep carries it on and clears the failure
        s.get(Request, ids[1]).subject_address = "Proefweg 3, 9401 AA Assen"
        s.commit()
    sla_sweep(date(2026, 3, 4).isoformat())
    with Session(loaded) as s:
        request = s.get(Request, ids[1])
        assert request.status == "awaiting_identity" and request.failed_step is None and request.failures == 1
