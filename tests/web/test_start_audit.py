"""The start page (counts within the principal's reach, no personal data) and the audit
helper for pages that do show personal data."""
from datetime import date

import pytest
from sqlmodel import Session, select

from models.audit import verify_chain
from models.enums import Role
from models.principal import Principal
from models.tables import AuditEvent
from tests.journey import SUBJECT, identify, new_request
from tests.web.helpers import login, make_account
from web.audit import VIEWED, record_view


def test_start_page_counts_for_each_role(client, loaded):
    rid = new_request(received=date(2026, 2, 2))  # drenthe
    identify(rid, date(2026, 2, 3))  # now consulting: tasks for gemeente-assen and ggz-drenthe
    new_request(region="fryslan", received=date(2026, 2, 2), registrations_=[])
    make_account(loaded, "coord.drenthe")
    make_account(loaded, "manager.beide", "manager", regions=("drenthe", "fryslan"))
    make_account(loaded, "p.ggz", "partner", partner="ggz-drenthe")
    make_account(loaded, "fg.drenthe", "auditor")

    def start_as(name):
        client.cookies.clear()
        login(client, name)
        page = client.get("/")
        assert page.status_code == 200
        return page.text

    coordinator = start_as("coord.drenthe")
    assert '<dt class="rl-figure__label">Open verzoeken</dt>\n      <dd class="rl-figure__value">1</dd>' in coordinator
    assert "nog niet bekend" in coordinator  # the next sweep, until the runtime tells
    assert 'href="http://127.0.0.1:4200"' in coordinator
    assert '<dd class="rl-figure__value">2</dd>' in start_as("manager.beide")
    partner = start_as("p.ggz")
    assert "Open vragen aan uw organisatie</dt>\n      <dd class=\"rl-figure__value\">1</dd>" in partner
    assert "Prefect" not in partner and "Open verzoeken" not in partner
    auditor = start_as("fg.drenthe")
    assert "Prefect" not in auditor
    for text in (coordinator, partner, auditor):  # no personal data on the start page
        assert SUBJECT["name"] not in text and SUBJECT["bsn"] not in text
    with Session(loaded) as db:
        assert db.exec(select(AuditEvent).where(AuditEvent.action == VIEWED)).all() == []


def test_record_view_names_the_principal_and_ids_only(db, engine):
    principal = Principal(id="a1b2", role=Role.partner, regions=frozenset({"drenthe"}), partner_slug="ggz-drenthe")
    event = record_view(db, principal, "task", request_id="r" * 32, task=17, reference="ZVHD-2026-0001")
    assert (event.actor, event.action, event.request_id) == ("partner:a1b2", "page.viewed", "r" * 32)
    assert event.detail == {"page": "task", "task": 17, "reference": "ZVHD-2026-0001"}
    with Session(engine) as other:  # committed: on record before the page is shown
        assert other.get(AuditEvent, event.id) is not None
        assert verify_chain(other) >= 1


@pytest.mark.parametrize("value", ["Fictieve Tester", "123456782", "12345678", "x" * 81, "<b>", True, 1.5])
def test_record_view_refuses_anything_but_ids_and_codes(db, value):
    principal = Principal(id="a1b2", role=Role.coordinator, regions=frozenset({"drenthe"}))
    before = len(db.exec(select(AuditEvent)).all())
    with pytest.raises(ValueError):
        record_view(db, principal, "request", subject=value)
    db.rollback()
    assert len(db.exec(select(AuditEvent)).all()) == before
