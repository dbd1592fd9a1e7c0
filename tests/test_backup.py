"""Backups (issue 13): encrypted, with the key kept apart; restored into a fresh directory
(and database) where ``audit verify`` passes; a restore never overwrites data unasked."""
import os
import tarfile
import uuid
from datetime import date

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, select
from typer.testing import CliRunner

from cli.main import app
from models import backup, keys
from models.db import session_scope
from models.settings import get_settings, reset_settings
from models.tables import DataSubject, Request

runner = CliRunner()
TODAY = date(2026, 4, 20)



@pytest.fixture(scope="module")
def _world(_schema, tmp_path_factory):
    """Four demo requests, seeded once for the module and kept as a snapshot (tests/snapshot.py)."""
    from flows.demo import seed
    from tests.conftest import _empty_all_tables, _sync_regions
    from tests.snapshot import Snapshot

    _empty_all_tables(_schema)
    _sync_regions(_schema)
    seed(4, TODAY)
    return Snapshot.take(_schema, tmp_path_factory.mktemp("backup-world"))


@pytest.fixture
def seeded(_world, _schema):
    """The module's four requests as seeded, database and files, whatever the test before did."""
    _world.restore()
    with Session(_schema) as s:
        assert len(s.exec(select(Request)).all()) == 4
    return _schema


@pytest.fixture
def fresh_target(tmp_path):
    """Settings for a fresh installation: its own data dir and an empty database of the same
    kind as the test database (SQLite file, or a new PostgreSQL database)."""
    url = make_url(os.environ["RECHTENLOKET_DATABASE_URL"])
    var = tmp_path / "restored"
    created = None
    if url.get_backend_name() == "sqlite":
        target = f"sqlite:///{var / 'rechtenloket.db'}"
    else:
        created = f"restore_{uuid.uuid4().hex[:10]}"
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{created}"'))
        admin.dispose()
        target = url.set(database=created).render_as_string(hide_password=False)
    yield {"RECHTENLOKET_DATA_DIR": var, "RECHTENLOKET_DATABASE_URL": target}
    if created:
        reset_settings()
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)'))
        admin.dispose()


def _picture() -> dict:
    with session_scope() as s:
        return {
            "subjects": sorted((d.bsn, d.name, d.address) for d in s.exec(select(DataSubject))),
            "requests": sorted((r.reference, r.status, r.subject_name) for r in s.exec(select(Request))),
        }


def test_backup_and_restore_into_a_fresh_directory(seeded, tmp_path, settings_env, fresh_target):
    before = _picture()
    names = [n for _, n, _ in before["subjects"]]
    out = tmp_path / "rechtenloket.rlbackup"
    made = runner.invoke(app, ["backup", "--out", str(out)])
    assert made.exit_code == 0, made.output
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    raw = out.read_bytes()
    assert raw.startswith(backup.MAGIC)
    secret = os.environ["RECHTENLOKET_SECRET_KEY"]
    for needle in [*names, secret, "Voorbeeld"]:  # nothing readable, and never the key
        assert needle.encode() not in raw, needle

    settings_env(**fresh_target)
    assert not get_settings().effective_audit_anchor_file.exists()
    restored = runner.invoke(app, ["restore", str(out)])
    assert restored.exit_code == 0, restored.output
    assert "auditspoor in orde" in restored.stdout
    verified = runner.invoke(app, ["audit", "verify"])
    assert verified.exit_code == 0, verified.output
    assert _picture() == before

    # The restored database holds data now: a second restore is refused, and changes nothing.
    again = runner.invoke(app, ["restore", str(out)])
    assert again.exit_code == 2 and "--overwrite" in again.stderr and "bevat al gegevens" in again.stderr
    forced = runner.invoke(app, ["restore", str(out), "--overwrite"])
    assert forced.exit_code == 0, forced.output
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0
    assert _picture() == before
    kept = list(get_settings().data_dir.glob("audit-anchors.log.voor-terugzetten-*"))
    assert len(kept) == 1  # the anchors that were there are kept aside, never thrown away


def test_a_backup_opens_only_with_its_key_and_whole(seeded, tmp_path, settings_env, fresh_target):
    out = tmp_path / "b.rlbackup"
    assert runner.invoke(app, ["backup", "--out", str(out)]).exit_code == 0
    kid, original = keys.current().key_id, os.environ["RECHTENLOKET_SECRET_KEY"]
    assert runner.invoke(app, ["backup", "--out", str(out)]).exit_code == 2  # never overwrites a backup

    settings_env(**fresh_target, RECHTENLOKET_SECRET_KEY=keys.generate_master_key())
    wrong = runner.invoke(app, ["restore", str(out)])
    assert wrong.exit_code == 2 and kid in wrong.stderr and "RECHTENLOKET_SECRET_KEY" in wrong.stderr
    assert not get_settings().effective_audit_anchor_file.exists()  # nothing written

    settings_env(**fresh_target, RECHTENLOKET_SECRET_KEY=original)
    data = bytearray(out.read_bytes())
    cut = tmp_path / "cut.rlbackup"
    cut.write_bytes(bytes(data[:-40]))
    assert "afgebroken" in runner.invoke(app, ["restore", str(cut)]).stderr
    flipped = tmp_path / "flipped.rlbackup"
    data[len(data) // 2] ^= 1
    flipped.write_bytes(bytes(data))
    result = runner.invoke(app, ["restore", str(flipped)])
    assert result.exit_code == 2 and "gewijzigd" in result.stderr
    assert not get_settings().effective_audit_anchor_file.exists()


def test_the_archive_holds_the_database_the_anchors_and_a_manifest_only(seeded, tmp_path):
    import io
    import base64

    out = tmp_path / "c.rlbackup"
    made = backup.make(out)
    with out.open("rb") as source:
        header = backup.read_header(source)
        key = keys.keyring().get(header["key_id"])
        reader = io.BufferedReader(backup._OpeningReader(
            source, backup._archive_key(key, base64.b64decode(header["salt"])), header["_raw"]))
        with tarfile.open(fileobj=reader, mode="r|gz") as tar:
            names = [m.name for m in tar]
    assert set(names) == {"manifest.json", f"database.{'sqlite' if made.database == 'sqlite' else 'pgdump'}",
                          "audit-anchors.log"}
    assert backup.backup_key(key) != key.material  # derived, not the master key
    with Session(seeded) as s:
        from models.tables import AuditEvent

        assert s.exec(select(AuditEvent).where(AuditEvent.action == "backup.created")).one().detail["sha256"] == made.sha256
