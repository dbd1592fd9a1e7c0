"""the deadlines in columns (dashboard, statistics); a reply's free-text parts and its approver

Revision ID: 0010
Revises: 0008
Create Date: 2027-01-10 10:00:00

Adds the stored deadlines per right and their summary per request (models/sla.py), with
the indexes the dashboard and the statistics use, and fills them for every existing
request with the deadline engine (the same input builder as ``models.state.clocks``, fed
from plain reads, so this revision does not depend on the ORM models of later ones).
"""
from datetime import date
from types import SimpleNamespace

from alembic import op
import sqlalchemy as sa
import sqlmodel

import models.crypto


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

_STR16 = sqlmodel.sql.sqltypes.AutoString(length=16)


def upgrade() -> None:
    with op.batch_alter_table('request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sla_status', _STR16, nullable=True))
        for name in ('sla_protocol_due', 'sla_legal_due', 'sla_target_due', 'sla_at_risk_from',
                     'sla_suspended_since', 'sla_task_due', 'sla_completed_on', 'sla_refreshed_on'):
            batch_op.add_column(sa.Column(name, sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('sla_extended', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('sla_protocol_met', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('sla_legal_met', sa.Boolean(), nullable=True))
        batch_op.create_index('ix_request_status_target', ['status', 'sla_target_due'], unique=False)
        batch_op.create_index('ix_request_received_region', ['first_received_on', 'region_id'], unique=False)
    with op.batch_alter_table('requestright', schema=None) as batch_op:
        for name in ('protocol_due', 'legal_due', 'legal_due_extended', 'target_due', 'at_risk_from',
                     'completed_on'):
            batch_op.add_column(sa.Column(name, sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('protocol_met', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('legal_met', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('clock_status', _STR16, nullable=True))
    with op.batch_alter_table('letter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('intro_text', models.crypto.EncryptedString(), nullable=True))
        batch_op.add_column(sa.Column('closing_text', models.crypto.EncryptedString(), nullable=True))
        batch_op.add_column(sa.Column('approved_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True))
    _fill(op.get_bind(), date.today())


def _fill(bind, today: date) -> None:
    """Every request's deadlines, as ``models.sla.refresh`` would store them today."""
    from models.deadlines import compute_clock
    from models.region_config import ConfigError
    from models.sla import legal_due, summarise
    from models.state import build_clock_input, suspensions

    rows = lambda sql, **p: bind.execute(sa.text(sql), p).mappings().all()  # noqa: E731
    own_items = {(r["subject_id"], r["region_id"]) for r in rows(
        "SELECT DISTINCT subject_id, region_id FROM caseregistration WHERE regime = 'avg'")}
    for req in rows("SELECT id, region_id, subject_id, status, first_received_on FROM request"):
        received = _day(req["first_received_on"])
        events = [SimpleNamespace(kind=e["kind"], on_date=_day(e["on_date"]), right_type=e["right_type"],
                                  reason=e["reason"] or "")
                  for e in rows("SELECT kind, on_date, right_type, reason FROM clockevent WHERE request_id = :r "
                                "ORDER BY id", r=req["id"])]
        tasks = [(_day(t["due_on"]), t["status"] != "open") for t in rows(
            "SELECT due_on, status FROM consultationtask WHERE request_id = :r", r=req["id"])]
        clocks = {}
        try:
            for right in rows("SELECT id, type, outcome, decided_on, replied_on, executed_on FROM requestright "
                              "WHERE request_id = :r ORDER BY id", r=req["id"]):
                r = SimpleNamespace(type=right["type"], outcome=right["outcome"],
                                    decided_on=_day(right["decided_on"]), replied_on=_day(right["replied_on"]),
                                    executed_on=_day(right["executed_on"]))
                clock = compute_clock(build_clock_input(
                    received=received, region_id=req["region_id"], status=req["status"], right=r, events=events,
                    tasks=tasks, has_own_items=(req["subject_id"], req["region_id"]) in own_items, now=today))
                clocks[right["type"]] = clock
                bind.execute(sa.text(
                    "UPDATE requestright SET protocol_due = :p, legal_due = :l, legal_due_extended = :x, "
                    "target_due = :t, at_risk_from = :a, completed_on = :c, protocol_met = :pm, legal_met = :lm, "
                    "clock_status = :s WHERE id = :i"),
                    {"p": clock.protocol_due, "l": clock.legal_due, "x": clock.legal_due_extended,
                     "t": clock.target_due, "a": clock.at_risk_from, "c": clock.completed_on,
                     "pm": clock.protocol_met,
                     "lm": None if clock.completed_on is None else clock.completed_on <= legal_due(clock),
                     "s": clock.status.value, "i": right["id"]})
        except (ConfigError, ValueError):
            continue  # a region no longer configured, or dates the engine refuses: the sweep tries again
        summary = summarise(clocks)
        if summary is None:
            continue
        from models.region_config import get_region

        suspended = None
        if get_region(req["region_id"]).deadlines.suspend_for_identity:
            suspended = next((s.start for s in suspensions(events) if s.end is None), None)
        task_due = min((due for due, answered in tasks if not answered), default=None)
        bind.execute(sa.text(
            "UPDATE request SET sla_status = :s, sla_protocol_due = :p, sla_legal_due = :l, sla_target_due = :t, "
            "sla_at_risk_from = :a, sla_suspended_since = :ss, sla_extended = :x, sla_task_due = :td, "
            "sla_completed_on = :c, sla_protocol_met = :pm, sla_legal_met = :lm, sla_refreshed_on = :today "
            "WHERE id = :i"),
            {"s": summary.status.value, "p": summary.protocol_due, "l": summary.legal_due, "t": summary.target_due,
             "a": summary.at_risk_from, "ss": suspended, "x": summary.extended, "td": task_due,
             "c": summary.completed_on, "pm": summary.protocol_met, "lm": summary.legal_met, "today": today,
             "i": req["id"]})


def _day(value):
    """A date column as SQLite (text) or PostgreSQL (date) returns it."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def downgrade() -> None:
    with op.batch_alter_table('letter', schema=None) as batch_op:
        for name in ('approved_by', 'closing_text', 'intro_text'):
            batch_op.drop_column(name)
    with op.batch_alter_table('requestright', schema=None) as batch_op:
        for name in ('clock_status', 'legal_met', 'protocol_met', 'completed_on', 'at_risk_from', 'target_due',
                     'legal_due_extended', 'legal_due', 'protocol_due'):
            batch_op.drop_column(name)
    with op.batch_alter_table('request', schema=None) as batch_op:
        batch_op.drop_index('ix_request_received_region')
        batch_op.drop_index('ix_request_status_target')
        for name in ('sla_legal_met', 'sla_protocol_met', 'sla_extended', 'sla_refreshed_on', 'sla_completed_on',
                     'sla_task_due', 'sla_suspended_since', 'sla_at_risk_from', 'sla_target_due', 'sla_legal_due',
                     'sla_protocol_due', 'sla_status'):
            batch_op.drop_column(name)
