"""The stored deadlines (models/sla.py) say what the deadline engine says: after every step
the columns equal a fresh computation, and the status the dashboard derives in SQL from
them equals the engine's own status on every day until the next refresh. The dashboard and
the statistics on a small, known world."""
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from models.dashboard import Filters, dashboard, sla_table
from models.deadlines import ClockStatus
from models.sla import CLOCK_URGENCY, SlaStatus, status_expression, status_for, summarise
from models.state import clocks
from models.statistics import Days, Period, cached_statistics, floor, statistics, table_rows
from models.tables import ConsultationTask, Request, RequestRight
from tests import journey

D = date.fromisoformat
RECEIVED = D("2026-02-02")


def _engine_status(session, request, day) -> SlaStatus:
    """What the engine says, composed as the dashboard shows it."""
    if request.failed_step:
        return SlaStatus.failed
    worst = min((c.status for c in clocks(session, request, day).values()), key=CLOCK_URGENCY.index)
    if worst in (ClockStatus.on_track, ClockStatus.extended) and request.status == "executing":
        return SlaStatus.execution_pending
    return SlaStatus(worst.value)


class _Statements:
    """Counts the SQL statements sent to the database inside the block."""

    def __init__(self, engine):
        self.engine, self.n = engine, 0

    def _count(self, *_args, **_kwargs):
        self.n += 1

    def __enter__(self):
        import sqlalchemy as sa

        sa.event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *_exc):
        import sqlalchemy as sa

        sa.event.remove(self.engine, "before_cursor_execute", self._count)


def _world():
    """Requests in every phase (Drenthe: the clock stops for the identity check once the
    coordinator recorded why the identity cannot yet be established)."""
    from models.actions.replies import ExtensionInput, record_extension
    from models.db import session_scope
    from tests.principals import TESTER
    from tests.test_bad_input import bsn

    def subject(n):
        return {**journey.SUBJECT, "bsn": bsn(f"55443{n:02d}")}

    ids = {}
    ids["awaiting_identity"] = journey.new_request(subject=subject(1), doubt=True)  # the clock stops from the reason
    ids["consulting"] = journey.new_request(subject=subject(2))
    journey.identify(ids["consulting"], D("2026-02-05"))
    ids["extended"] = journey.new_request(subject=subject(3))
    journey.identify(ids["extended"], D("2026-02-04"))
    with session_scope() as s:
        record_extension(s, ids["extended"], ExtensionInput(type="inzage", reason="Veel partners te raadplegen.",
                                                            recorded_on=D("2026-02-10")), TESTER, D("2026-02-10"))
    ids["executing"] = journey.new_request(subject=subject(4))
    journey.identify(ids["executing"], D("2026-02-04"))
    journey.answer_all(ids["executing"], D("2026-02-09"))
    first = journey.avg_registration_ids(ids["executing"])[0]
    journey.decide(ids["executing"], D("2026-02-11"), [{"type": "verwijdering", "outcome": "granted",
                                                        "registration_id": first}], forum="partneroverleg")
    journey.decide(ids["executing"], D("2026-02-11"), [{"type": "inzage", "outcome": "granted"}])
    return ids


@pytest.fixture
def world(loaded):
    return _world()


def test_stored_deadlines_are_the_engines_and_the_sql_status_follows_the_days(world, loaded):
    with Session(loaded) as s:
        for name, rid in world.items():
            request = s.get(Request, rid)
            refreshed = request.sla_refreshed_on
            summary = summarise(clocks(s, request, refreshed))
            assert (request.sla_target_due, request.sla_protocol_due, request.sla_legal_due) == \
                   (summary.target_due, summary.protocol_due, summary.legal_due), name
            right = s.exec(select(RequestRight).where(RequestRight.request_id == rid)).first()
            assert right.target_due == clocks(s, request, refreshed)[right.type].target_due
            seen = set()
            for n in range(0, 60):
                day = refreshed + timedelta(days=n)
                sql = s.exec(select(status_expression(day)).where(Request.id == rid)).one()
                assert sql == status_for(request, day) == _engine_status(s, request, day), (name, day)
                seen.add(sql)
            assert len(seen) > 1 or name == "awaiting_identity", (name, seen)  # the days do change it


def test_the_dashboard_in_a_fixed_number_of_queries_sorted_by_urgency(world, loaded):
    day = D("2026-03-02")
    with Session(loaded) as s:
        with _Statements(loaded) as counted:
            board = dashboard(s, Filters(regions=frozenset({"drenthe"})), day)
        assert counted.n == 7  # counts, page, its rights, its tasks, partners, escalations, closed: never per row
        with _Statements(loaded) as counted:
            dashboard(s, Filters(), day)
        assert counted.n == 7
        statuses = [row.status for row in board.rows]
        assert statuses == sorted(statuses, key=list(SlaStatus).index)
        assert board.total == 4 == sum(board.counts.values())
        assert {row.reference for row in board.rows} == {s.get(Request, r).reference for r in world.values()}
        executing = next(r for r in board.rows if r.id == world["executing"])
        assert executing.status in (SlaStatus.execution_pending, SlaStatus.at_risk, SlaStatus.overdue)
        assert executing.types == ["inzage", "verwijdering"]
        consulting = next(r for r in board.rows if r.id == world["consulting"])
        assert consulting.tasks_open == 2 and consulting.tasks_overdue == 2  # due about 19 February
        assert {p.name for p in board.partners} == {"gemeente Assen", "St. GGZ Drenthe"} and all(p.overdue for p in board.partners)
        only = dashboard(s, Filters(regions=frozenset({"drenthe"}), status=SlaStatus.suspended), day)
        assert [r.id for r in only.rows] == [world["awaiting_identity"]] and only.total == 1
        assert dashboard(s, Filters(regions=frozenset({"utrecht"})), day).total == 0
        table = sla_table(s, day)
        assert [r["termijnstatus"] for r in table] == [r.status.value for r in board.rows]
        assert all(set(r) == {"kenmerk", "regio", "status", "soorten", "ontvangen", "protocoltermijn",
                              "wettelijke_termijn", "termijnstatus"} for r in table)


def test_statistics_of_a_closed_request_on_time(loaded):
    from models.actions.replies import approve_replies, send_replies
    from models.db import session_scope
    from tests.principals import SIGNATORY, TESTER

    rid = journey.new_request(types=("inzage",))
    journey.identify(rid, D("2026-02-04"))
    journey.answer_all(rid, D("2026-02-09"))
    journey.decide(rid, D("2026-02-11"), [{"type": "inzage", "outcome": "granted"}])
    with session_scope() as s:
        approve_replies(s, rid, SIGNATORY, D("2026-02-12"))
        send_replies(s, rid, TESTER, D("2026-02-12"))
    journey.advance(rid, D("2026-02-12"))
    journey.new_request(subject={**journey.SUBJECT, "bsn": "111222333"})  # still open
    with Session(loaded) as s:
        request = s.get(Request, rid)
        assert request.status == "closed" and request.sla_completed_on == D("2026-02-12")
        assert request.sla_protocol_met and request.sla_legal_met and request.sla_status == "done_on_time"
        stats = statistics(s, Period.year(2026))
        assert (stats.received, stats.completed, stats.open) == (2, 1, 1)
        assert stats.per_type == {"inzage": 2, "verwijdering": 1} and stats.per_region == {"drenthe": 2}
        assert stats.per_outcome == {"granted": 1, "open": 2}
        assert stats.protocol_met == stats.legal_met == 1 and stats.percentage(1) == 100.0
        assert stats.handling_days == Days(count=1, median=10, p90=10, mean=10.0)
        assert {p.name: (p.consultations, p.answered) for p in stats.partners} == {
            "gemeente Assen": (1, 1), "St. GGZ Drenthe": (1, 1)}  # the open request awaits identity
        assert all(p.answer_days.median == 5 for p in stats.partners)  # 4 -> 9 February
        assert statistics(s, Period.year(2025)).received == 0
        assert floor(s, Period.year(2026)) > 0
        rows = table_rows(stats)
        assert {"onderdeel", "wat", "aantal", "toelichting"} == set(rows[0])
        assert not any(request.reference in str(r) or "Fictieve" in str(r) for r in rows)
        # A fixed number of statements: the 7 aggregates and 2 name lists, whatever the number of
        # requests; kept (models/statistics_cache.py), the fingerprint, the snapshot and the names.
        with _Statements(loaded) as counted:
            statistics(s, Period.year(2026))
        assert counted.n == 9
        with _Statements(loaded) as counted:
            assert cached_statistics(s, Period.year(2026)) == stats  # computed and kept
        assert counted.n == 13  # + fingerprint, snapshot, and writing it (delete, insert)
        with _Statements(loaded) as counted:
            assert cached_statistics(s, Period.year(2026)) == stats
        assert counted.n == 4
    _kept_statistics_follow_every_change(loaded, rid)


def _kept_statistics_follow_every_change(engine, closed_id):
    """The kept statistics are recomputed when a request of the period changes (also a task
    only, and retention), and the period of another year stays kept."""
    from models import retention
    from models.actions.replies import ExtensionInput, record_extension
    from models.db import session_scope
    from tests.principals import TESTER

    year = Period.year(2026)

    def kept_and_live():
        with Session(engine) as s, _Statements(engine) as counted:
            kept = cached_statistics(s, year)
        with Session(engine) as s:
            return kept, statistics(s, year), counted.n

    other = journey.new_request(subject={**journey.SUBJECT, "bsn": "123456782"})
    journey.identify(other, D("2026-02-05"))
    kept, live, n = kept_and_live()
    assert kept == live and n == 13 and kept.received == 3
    assert kept_and_live()[2] == 4
    with session_scope() as s:  # a right's deadline extended: the extensions count changes
        record_extension(s, other, ExtensionInput(type="inzage", reason="Veel partners te raadplegen.",
                                                  recorded_on=D("2026-02-10")), TESTER, D("2026-02-10"))
    kept, live, n = kept_and_live()
    assert n == 13 and kept == live and kept.extensions == 1
    with session_scope() as s:  # a consultation task alone (no request row in the flush)
        task = s.exec(select(ConsultationTask).where(ConsultationTask.request_id == other)).first()
        task.reminded_on = D("2026-02-16")
        s.add(task)
    kept, live, n = kept_and_live()
    assert n == 13 and kept == live and sum(p.reminded for p in kept.partners) == 1
    with session_scope() as s:  # retention erases the closed request: the figures stay the same
        request = s.get(Request, closed_id)
        request.delete_after = D("2026-03-01")
        s.add(request)
    before = kept_and_live()[0]
    with session_scope() as s:
        retention.erase(s, closed_id, D("2026-03-02"))
    kept, live, n = kept_and_live()
    assert n == 13 and kept == live == before


def test_percentiles_by_nearest_rank():
    from collections import Counter

    assert Days.of(Counter({10: 1, 20: 1, 30: 1, 40: 1})) == Days(count=4, median=20, p90=40, mean=25.0)
    assert Days.of(Counter({5: 9, 50: 1})).p90 == 5 and Days.of(Counter()) == Days()
