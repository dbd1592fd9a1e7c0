"""The audit trail is tamper-evident: keyed chain, positions, anchors outside the database,
and triggers that refuse changes. Each kind of tampering is done the way someone with
database access (but without the master key) would do it: lift the triggers, change rows."""
import os
import stat
from contextlib import contextmanager

import pytest
from sqlalchemy import exc, text
from sqlmodel import select

from models import anchor, audit, keys, legacy
from models.keys import MasterKey, generate_master_key, parse_master_key
from models.tables import AuditEvent


def _trail(db, n: int = 5) -> list[AuditEvent]:
    """``n`` events, one commit each (so each is anchored), over two requests."""
    events = []
    for i in range(n):
        events.append(audit.record(db, "tester", "request.status", f"r{i % 2}", n=i))
        db.commit()
    return events


@contextmanager
def attacker(engine):
    """A connection as someone with database rights has it: triggers dropped for the deed,
    put back afterwards, so only the content of the trail changes."""
    with engine.begin() as conn:
        audit.drop_append_only_triggers(conn)
        yield conn
        audit.create_append_only_triggers(conn)


def _problem(db) -> audit.Problem:
    db.expire_all()
    result = audit.check(db)
    assert not result.intact, "tampering went unnoticed"
    return result.problem


AE = AuditEvent.__table__  # typed columns: dates and JSON as the application stores them


def _rewrite_chain(conn, key: MasterKey | None, change=None, keep_key_id: str | None = None) -> None:
    """Recompute every event's hashes after ``change(row_values)``: with ``key`` (HMAC, as
    the product does), or with the old unkeyed SHA-256 when ``key`` is None."""
    prev = audit.GENESIS
    events = db_events(conn)
    for ev in events:
        if change:
            change(ev)
        if key is None:
            digest = legacy.chain_digest(prev, ev.at, ev.actor, ev.action, ev.request_id, ev.detail)
            key_id = ev.key_id
        else:
            key_id = keep_key_id or key.key_id
            digest = audit.mac(_with_id(key, key_id), ev.seq, prev, ev.at, ev.actor, ev.action, ev.request_id, ev.detail)
        conn.execute(AE.update().where(AE.c.id == ev.id).values(
            action=ev.action, detail=ev.detail, key_id=key_id, prev_hash=prev, hash=digest))
        prev = digest


def _with_id(key: MasterKey, key_id: str) -> MasterKey:
    """A key that claims another key id (a forger copying our id onto his own MACs)."""
    forged = MasterKey(material=key.material, source=key.source)
    forged.__dict__["key_id"] = key_id
    return forged


def db_events(conn) -> list[AuditEvent]:
    from sqlmodel import Session

    with Session(bind=conn) as s:
        events = list(s.exec(select(AuditEvent).order_by(AuditEvent.seq)))
        s.expunge_all()
    return events


# --- intact ---------------------------------------------------------------------------


def test_an_intact_trail_verifies_with_every_anchor(db):
    events = _trail(db)
    result = audit.check(db)
    assert result.intact and result.events == 5 and result.anchors == 5 and result.unanchored == 0
    assert result.head == (5, events[-1].hash)
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert audit.verify_chain(db) == 5


def test_the_chain_is_an_hmac_with_a_key_outside_the_database(db):
    ev = _trail(db, 1)[0]
    key = keys.current()
    assert ev.key_id == key.key_id
    assert ev.hash == audit.mac(key, 1, audit.GENESIS, ev.at, ev.actor, ev.action, ev.request_id, ev.detail)
    assert ev.hash != legacy.chain_digest(audit.GENESIS, ev.at, ev.actor, ev.action, ev.request_id, ev.detail)
    assert ev.hash != audit.mac(parse_master_key(generate_master_key(), "x"), 1, audit.GENESIS, ev.at,
                                ev.actor, ev.action, ev.request_id, ev.detail)


def test_each_commit_appends_one_anchor_line_and_a_rollback_none(db):
    audit.record(db, "tester", "a")
    audit.record(db, "tester", "b")
    db.commit()  # two events, one commit: one line with the head
    audit.record(db, "tester", "c")
    db.rollback()
    path = anchor.anchor_file()
    lines = path.read_text().splitlines()
    assert len(lines) == 1
    version, seq, digest, written = lines[0].split(" ")
    last = db.exec(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert (version, int(seq), digest) == ("v1", 2, last.hash) and written.endswith("+00:00")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_concurrent_sessions_each_anchor_their_own_commit(db, engine):
    from sqlmodel import Session

    with Session(engine) as other:
        audit.record(db, "tester", "a")
        db.commit()
        audit.record(other, "tester", "b")
        other.commit()
    assert [a.seq for a in anchor.read()] == [1, 2]
    assert audit.check(db).anchors == 2


# --- tampering ------------------------------------------------------------------------


def test_an_edited_event(db, engine):
    _trail(db)
    with attacker(engine) as conn:
        conn.execute(text("UPDATE auditevent SET action = 'request.withdrawn' WHERE seq = 2"))
    p = _problem(db)
    assert p.seq == 2 and "gebeurtenis" in p.message and "klopt niet met zijn HMAC" in p.message
    with pytest.raises(audit.AuditTampered, match=r"volgnummer 2\)"):
        audit.verify_chain(db)


def test_an_edited_detail(db, engine):
    _trail(db)
    with attacker(engine) as conn:
        conn.execute(AE.update().where(AE.c.seq == 3).values(detail={"n": 99}))
    assert _problem(db).seq == 3


def test_a_deleted_event_in_the_middle(db, engine):
    _trail(db)
    with attacker(engine) as conn:
        conn.execute(text("DELETE FROM auditevent WHERE seq = 3"))
    p = _problem(db)
    assert p.seq == 4 and "volgnummer 3 ontbreekt" in p.message


def test_a_deleted_event_with_the_positions_renumbered(db, engine):
    _trail(db)
    with attacker(engine) as conn:
        conn.execute(text("DELETE FROM auditevent WHERE seq = 3"))
        conn.execute(text("UPDATE auditevent SET seq = seq - 1 WHERE seq > 3"))
    p = _problem(db)
    assert p.seq == 3 and "verwijst niet naar de vorige gebeurtenis" in p.message


def test_the_last_events_deleted(db, engine):
    _trail(db)
    with attacker(engine) as conn:
        conn.execute(text("DELETE FROM auditevent WHERE seq >= 4"))
    p = _problem(db)
    assert "eindigt bij volgnummer 3" in p.message and "verankert volgnummer 5" in p.message
    assert "gebeurtenissen aan het eind zijn verwijderd" in p.message


def test_every_event_deleted(db, engine):
    _trail(db)
    with attacker(engine) as conn:
        conn.execute(text("DELETE FROM auditevent"))
    assert "alle gebeurtenissen zijn verwijderd" in _problem(db).message


def test_events_reordered(db, engine):
    _trail(db)
    with attacker(engine) as conn:  # swap the positions of events 2 and 3
        conn.execute(text("UPDATE auditevent SET seq = -seq WHERE seq IN (2, 3)"))
        conn.execute(text("UPDATE auditevent SET seq = 3 WHERE seq = -2"))
        conn.execute(text("UPDATE auditevent SET seq = 2 WHERE seq = -3"))
    p = _problem(db)
    assert p.seq == 2 and "verplaatst" in p.message


def test_event_contents_swapped_in_place(db, engine):
    _trail(db)
    with attacker(engine) as conn:  # keep ids and positions, swap what happened
        a, b = conn.execute(select(AE.c.id, AE.c.detail).where(AE.c.seq.in_([2, 3])).order_by(AE.c.seq)).all()
        conn.execute(AE.update().where(AE.c.id == a.id).values(detail=b.detail))
        conn.execute(AE.update().where(AE.c.id == b.id).values(detail=a.detail))
    assert _problem(db).seq == 2


def test_a_forged_event_appended(db, engine):
    events = _trail(db, 2)
    with attacker(engine) as conn:
        conn.execute(AE.insert().values(
            seq=3, at=events[-1].at, actor="tester", action="replies.sent", request_id="r0", detail={},
            key_id=events[-1].key_id, prev_hash=events[-1].hash, hash="ab" * 32))
    p = _problem(db)
    assert p.seq == 3 and "klopt niet met zijn HMAC" in p.message


def test_a_chain_recomputed_with_the_old_unkeyed_digest(db, engine):
    _trail(db)
    with attacker(engine) as conn:
        _rewrite_chain(conn, None, change=lambda ev: ev.seq == 2 and setattr(ev, "action", "request.withdrawn"))
    p = _problem(db)
    assert p.seq == 1 and "ongesleutelde SHA-256" in p.message


def test_a_chain_recomputed_with_another_key(db, engine):
    _trail(db)
    own = parse_master_key(generate_master_key(), "forger")
    with attacker(engine) as conn:
        _rewrite_chain(conn, own, change=lambda ev: ev.seq == 2 and setattr(ev, "action", "request.withdrawn"))
    p = _problem(db)
    assert p.seq == 1 and "die deze installatie niet kent" in p.message


def test_a_chain_recomputed_with_another_key_under_our_key_id(db, engine):
    _trail(db)
    own = parse_master_key(generate_master_key(), "forger")
    with attacker(engine) as conn:
        _rewrite_chain(conn, own, keep_key_id=keys.current().key_id)
    p = _problem(db)
    assert p.seq == 1 and "klopt niet met zijn HMAC" in p.message


def test_a_chain_recomputed_with_the_right_key_is_caught_by_the_anchors(db, engine):
    """Even someone holding the key cannot rewrite history the anchors already saw."""
    _trail(db)
    with attacker(engine) as conn:
        _rewrite_chain(conn, keys.current(), change=lambda ev: ev.seq == 2 and setattr(ev, "action", "request.withdrawn"))
    p = _problem(db)
    assert p.seq == 2 and "wijkt af van het anker" in p.message and str(anchor.anchor_file()) in p.message


def test_a_deleted_anchor_file(db):
    _trail(db, 2)
    anchor.anchor_file().unlink()
    assert "geen enkel anker" in _problem(db).message


def test_a_damaged_anchor_file(db):
    _trail(db, 2)
    with open(anchor.anchor_file(), "a") as fh:
        fh.write("v1 3 nonsense\n")
    assert "regel 3 is geen anker" in _problem(db).message


def test_a_line_cut_off_by_a_crash_is_not_an_alarm(db):
    _trail(db, 2)
    with open(anchor.anchor_file(), "a") as fh:
        fh.write("v1 3 ab")  # the process died in the middle of its write
    assert audit.check(db).intact


def test_a_wrong_key_is_a_key_error_not_tampering(db, monkeypatch):
    from models.settings import reset_settings

    _trail(db, 1)
    keys.reset()
    keys.ensure_verified(db.connection())  # registers the test key (tables were emptied)
    db.commit()
    monkeypatch.setenv("RECHTENLOKET_SECRET_KEY", generate_master_key())
    reset_settings()
    try:
        with pytest.raises(keys.WrongKey, match="RECHTENLOKET_SECRET_KEY"):
            audit.check(db)
    finally:
        monkeypatch.undo()
        reset_settings()


# --- below the application -------------------------------------------------------------


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


@pytest.mark.parametrize("statement", [
    "UPDATE auditevent SET action = 'other'",
    "UPDATE auditevent SET seq = seq + 100",
    "DELETE FROM auditevent",
    "DELETE FROM auditevent WHERE seq = 2",
])
def test_the_database_refuses_update_and_delete(db, engine, statement):
    _trail(db, 2)
    with engine.connect() as conn:
        with pytest.raises(exc.DBAPIError, match=audit.APPEND_ONLY_MESSAGE):
            conn.execute(text(statement))
        conn.rollback()
    assert audit.verify_chain(db) == 2


def test_postgresql_refuses_truncate(db, engine):
    _trail(db, 1)
    if engine.dialect.name != "postgresql":
        assert engine.dialect.name == "sqlite"  # SQLite has no TRUNCATE; DELETE is refused above
        return
    with engine.connect() as conn:
        with pytest.raises(exc.DBAPIError, match=audit.APPEND_ONLY_MESSAGE):
            conn.execute(text("TRUNCATE auditevent"))
        conn.rollback()
    assert audit.verify_chain(db) == 1


def test_checkpoint_anchors_an_unanchored_head_once(db):
    _trail(db, 2)
    anchor.anchor_file().unlink()
    assert audit.checkpoint(db)[0] == 2
    assert audit.checkpoint(db)[0] == 2
    assert [a.seq for a in anchor.read()] == [2]
    assert audit.check(db).intact
