"""Migration 0003 on a real database at revision 0002 with data written the old way (Fernet
columns, unkeyed SHA-256 chain): everything reads back, bound and re-chained; a wrong key,
no key or an already damaged trail stops it with the database left at 0002."""
import uuid
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from models import audit, crypto, keys, legacy
from models.crypto import Place
from models.schema import alembic_config
from models.settings import get_settings, reset_settings

OLD = {
    "datasubject": {"bsn": "111222333", "name": "Fictief Persoon", "birth_date": "1980-02-29",
                    "address": "Voorbeeldstraat 1, 8900 AA Leeuwarden"},
    "caseregistration": {"description": "Melding overlast 2025", "eigen_verklaring": "Mijn kant van het verhaal"},
    "requestright": {"statement": "Ik maak bezwaar tegen de verwerking"},
    "representative": {"name": "Mr. P. Pleiter", "address": "Advocatenweg 2, Leeuwarden"},
    "consultationtask": {"note": "Graag snel"},
    "itemanswer": {"correction": "Melding 2024", "note": "Datum was fout"},
    "itemdecision": {"motivation": "Nodig voor de lopende zorg"},
    "letter": {"html": "<p>Geachte heer Persoon</p>"},
    "outboxmessage": {"recipient": "Voorbeeldstraat 1, 8900 AA Leeuwarden", "body": "<p>Geachte heer Persoon</p>"},
}


@pytest.fixture
def old_url(tmp_path, monkeypatch):
    """An empty database of its own, on the same kind of server as the suite, and settings
    pointing at it (with their own data dir, so the anchors are this database's)."""
    from models.settings import get_settings as current

    test_url = current().effective_database_url
    if test_url.startswith("postgresql"):
        name = f"rl_m0003_{uuid.uuid4().hex[:10]}"
        server = sa.create_engine(test_url, isolation_level="AUTOCOMMIT")
        with server.connect() as conn:
            conn.execute(sa.text(f"CREATE DATABASE {name}"))
        url = make_url(test_url).set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path / 'old.db'}"
    monkeypatch.setenv("RECHTENLOKET_DATABASE_URL", url)
    monkeypatch.setenv("RECHTENLOKET_DATA_DIR", str(tmp_path / "var"))
    reset_settings()
    yield url
    monkeypatch.undo()
    reset_settings()
    if test_url.startswith("postgresql"):
        with server.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE {name} WITH (FORCE)"))
        server.dispose()


def _build_at_0002(url: str, tamper_chain: bool = False) -> int:
    """Revision 0002 with one of everything, encrypted and chained as 0002 did. Returns the
    number of audit events."""
    from models.db import get_engine

    command.upgrade(alembic_config(), "0002")
    fernet = legacy.fernet(keys.current())
    enc = {t: {c: fernet.encrypt(v.encode()).decode() for c, v in cols.items()} for t, cols in OLD.items()}
    now = datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=UTC)
    meta = sa.MetaData()
    meta.reflect(get_engine())
    t = meta.tables
    with get_engine().begin() as conn:
        conn.execute(t["region"].insert().values(id="fryslan", name="Fryslân", config_hash="0" * 64))
        # No explicit id where the application adds rows later (init loads partners).
        partner = conn.execute(t["partner"].insert().values(
            region_id="fryslan", slug="gemeente-leeuwarden", name="Gemeente", kind="gemeente", regime="avg",
            notification_channel="email", active=True)).inserted_primary_key[0]
        conn.execute(t["datasubject"].insert().values(id=1, name_hash="a" * 64, bsn_hash="b" * 64, created_at=now,
                                                      **enc["datasubject"]))
        conn.execute(t["caseregistration"].insert().values(
            id=1, region_id="fryslan", subject_id=1, casus_ref="C-1", partner_id=partner, category="Wonen", regime="avg",
            restricted=False, anonymised=False, created_at=now, **enc["caseregistration"]))
        conn.execute(t["request"].insert().values(
            id="r" * 32, reference="ZVHF-2026-0001", region_id="fryslan", subject_id=1,
            first_received_on=date(2026, 3, 2), channel="post", requester_kind="advocaat", status="consulting",
            created_at=now))
        conn.execute(t["requestright"].insert().values(id=1, request_id="r" * 32, type="verzet", **enc["requestright"]))
        conn.execute(t["requestright"].insert().values(id=2, request_id="r" * 32, type="inzage", statement=None))
        conn.execute(t["representative"].insert().values(id=1, request_id="r" * 32, kind="advocaat",
                                                         proof_of_authority="machtiging", **enc["representative"]))
        conn.execute(t["consultationtask"].insert().values(
            id=1, request_id="r" * 32, partner_id=partner, status="answered", created_on=date(2026, 3, 3),
            due_on=date(2026, 3, 10), reminder_on=date(2026, 3, 8), escalation_on=date(2026, 3, 12), created_at=now,
            **enc["consultationtask"]))
        conn.execute(t["itemanswer"].insert().values(id=1, task_id=1, registration_id=1, supplied_by_us=True,
                                                     correct=False, withhold=False, **enc["itemanswer"]))
        conn.execute(t["itemdecision"].insert().values(id=1, request_id="r" * 32, right_type="verzet",
                                                       registration_id=1, outcome="refused",
                                                       decided_on=date(2026, 3, 11), **enc["itemdecision"]))
        conn.execute(t["letter"].insert().values(id=1, request_id="r" * 32, kind="verlenging", key="k1",
                                                 status="draft", created_at=now, **enc["letter"]))
        conn.execute(t["outboxmessage"].insert().values(
            id=1, idempotency_key="k1", request_id="r" * 32, kind="letter", channel="post",
            subject="ZVHF-2026-0001 brief", status="pending", attempts=0, created_at=now, **enc["outboxmessage"]))
        prev = legacy.GENESIS
        events = [("cli", "request.registered", {"types": ["verzet", "inzage"]}),
                  ("system:flow", "request.status", {"old": "registered", "new": "consulting"}),
                  ("cli", "consultation.answered", {"partner": "gemeente-leeuwarden", "items": 1})]
        for i, (actor, action, detail) in enumerate(events):
            at = now.replace(second=i)
            digest = legacy.chain_digest(prev, at, actor, action, "r" * 32, detail)
            if tamper_chain and i == 1:
                action = "request.withdrawn"  # changed after the fact, under 0002
            conn.execute(t["auditevent"].insert().values(at=at, actor=actor, action=action, request_id="r" * 32,
                                                         detail=detail, prev_hash=prev, hash=digest))
            prev = digest
    return len(events)


def _head() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _version() -> str:
    from models.db import get_engine

    with get_engine().connect() as conn:
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()


def _raw_request(column: str):
    from models.db import get_engine

    with get_engine().connect() as conn:
        return conn.execute(sa.text(f"SELECT {column} FROM request")).scalar_one()


def _raw(table: str, column: str):
    from models.db import get_engine

    with get_engine().connect() as conn:
        return conn.execute(sa.text(f"SELECT {column} FROM {table} WHERE id = 1")).scalar_one()


def test_upgrade_rebinds_every_value_and_rechains_the_trail(old_url):
    from models.bootstrap import initialise
    from models.db import get_engine
    from models.tables import (AuditEvent, CaseRegistration, ConsultationTask, DataSubject, ItemAnswer,
                               ItemDecision, KeyringEntry, Letter, OutboxMessage, Representative, RequestRight)

    old_events = _build_at_0002(old_url)
    initialise(get_settings())  # what `rechtenloket init` does: upgrade, verify the key, anchor
    assert _version() == _head()
    models = {"datasubject": DataSubject, "caseregistration": CaseRegistration, "requestright": RequestRight,
              "representative": Representative, "consultationtask": ConsultationTask, "itemanswer": ItemAnswer,
              "itemdecision": ItemDecision, "letter": Letter, "outboxmessage": OutboxMessage}
    kid = keys.current().key_id
    with Session(get_engine()) as s:
        for table, model in models.items():
            row = s.get(model, 1)
            assert len(row.row_uid) == 32
            for column, plain in OLD[table].items():
                assert getattr(row, column) == plain, (table, column)
                raw = _raw(table, column)
                assert raw.startswith(f"rl1.{kid}.") and plain not in raw
                assert crypto.unseal(raw, Place(table, column, row.row_uid)) == plain
        assert s.get(RequestRight, 2).statement is None
        # Migration 0005: the request carries the subject's details it was made with, sealed to it.
        from models.tables import Request

        request = s.get(Request, "r" * 32)
        subject = OLD["datasubject"]
        assert (request.subject_name, request.subject_address, request.subject_birth_date) == (
            subject["name"], subject["address"], subject["birth_date"])
        assert request.subject_name_hash == "a" * 64 and request.failures == 0
        raw = _raw_request("subject_name")
        assert crypto.unseal(raw, Place("request", "subject_name", request.row_uid)) == subject["name"]
        assert len({s.get(m, 1).row_uid for m in models.values()}) == len(models)

        events = s.exec(select(AuditEvent).order_by(AuditEvent.seq)).all()
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        assert [e.action for e in events[:old_events + 1]] == [
            "request.registered", "request.status", "consultation.answered", "audit.rechained"]
        assert events[old_events].detail == {"migration": "0003", "events": 3, "values_reencrypted": 16,
                                             "chain": "hmac-sha256", "was": "sha256"}
        assert events[0].at == datetime(2026, 3, 2, 9, 30, 0, 123456, tzinfo=UTC)
        assert all(e.key_id == kid for e in events)
        assert audit.verify_chain(s) == len(events) == old_events + 1 + 5  # and five regions loaded by init
        assert s.exec(select(KeyringEntry)).one().key_id == kid
    with get_engine().connect() as conn:
        with pytest.raises(sa.exc.DBAPIError, match=audit.APPEND_ONLY_MESSAGE):
            conn.execute(sa.text("DELETE FROM auditevent"))


def test_a_fresh_database_gets_the_triggers_and_the_key(old_url):
    from models.db import get_engine
    from models.schema import upgrade_database
    from models.tables import KeyringEntry

    upgrade_database()
    with Session(get_engine()) as s:
        assert s.exec(select(KeyringEntry)).one().key_id == keys.current().key_id
        audit.record(s, "tester", "request.status")  # row triggers need a row
        s.commit()
    with get_engine().connect() as conn:
        for statement in ("UPDATE auditevent SET action = 'x'", "DELETE FROM auditevent"):
            with pytest.raises(sa.exc.DBAPIError, match=audit.APPEND_ONLY_MESSAGE):
                conn.execute(sa.text(statement))
            conn.rollback()


def _unchanged_at_0002() -> None:
    from models.db import get_engine

    assert _version() == "0002"
    assert _raw("datasubject", "name").startswith("gAAAAA")  # still the old Fernet token
    assert not sa.inspect(get_engine()).has_table("keyring")
    assert "row_uid" not in {c["name"] for c in sa.inspect(get_engine()).get_columns("datasubject")}


def test_a_wrong_key_stops_the_upgrade_and_changes_nothing(old_url, monkeypatch):
    from models.bootstrap import initialise

    _build_at_0002(old_url)
    right = get_settings().secret_key
    monkeypatch.setenv("RECHTENLOKET_SECRET_KEY", keys.generate_master_key())
    reset_settings()
    with pytest.raises(keys.WrongKey, match=r"RECHTENLOKET_SECRET_KEY opent de bestaande gegevens niet"):
        initialise(get_settings())
    _unchanged_at_0002()
    monkeypatch.setenv("RECHTENLOKET_SECRET_KEY", right)  # the right key from the backup: now it works
    reset_settings()
    initialise(get_settings())
    assert _version() == _head()


def test_no_key_stops_the_upgrade(old_url, monkeypatch):
    from models.bootstrap import initialise

    _build_at_0002(old_url)
    monkeypatch.delenv("RECHTENLOKET_SECRET_KEY")
    reset_settings()
    with pytest.raises(keys.MissingKey, match="bevat al versleutelde gegevens"):
        initialise(get_settings())
    _unchanged_at_0002()


def test_a_trail_damaged_before_the_upgrade_is_not_laundered(old_url):
    from models.bootstrap import initialise

    _build_at_0002(old_url, tamper_chain=True)
    with pytest.raises(ValueError, match="al beschadigd bij gebeurtenis 2"):
        initialise(get_settings())
    _unchanged_at_0002()


def test_there_is_no_way_back(old_url):
    from models.schema import upgrade_database

    upgrade_database()
    with pytest.raises(ValueError, match="gaat niet terug"):
        command.downgrade(alembic_config(), "0002")
    assert _version() == _head()


def test_upgrade_0008_reads_reply_keys_and_lists_into_columns(old_url):
    """Migration 0008: a reply letter's right comes from its key once, into columns; the
    comma-joined lists become JSON lists."""
    from models.db import get_engine
    from models.schema import upgrade_database
    from models.tables import Deliberation, Letter, Referral

    _build_at_0002(old_url)
    command.upgrade(alembic_config(), "0006")
    rid = "r" * 32
    with get_engine().begin() as conn:
        partner = conn.execute(sa.text("SELECT id FROM partner")).scalar_one()
        conn.execute(sa.text("UPDATE letter SET key = :k WHERE id = 1"), {"k": f"{rid}:reply:verzet"})
        conn.execute(sa.text("INSERT INTO referral (request_id, partner_id, target, request_types, reference) "
                             "VALUES (:r, :p, 'wpg_loket', 'inzage,verzet', 'ZVHF-2026-0001-D1')"),
                     {"r": rid, "p": partner})
        conn.execute(sa.text("INSERT INTO deliberation (request_id, forum, held_on, participants) "
                             "VALUES (:r, 'casusoverleg', '2026-03-11', 'gemeente-leeuwarden,politie')"), {"r": rid})
    upgrade_database()
    with Session(get_engine()) as s:
        letter = s.get(Letter, 1)
        assert (letter.reply, letter.right_type) == (True, "verzet")
        assert s.exec(select(Referral)).one().request_types == ["inzage", "verzet"]
        assert s.exec(select(Deliberation)).one().participants == ["gemeente-leeuwarden", "politie"]
