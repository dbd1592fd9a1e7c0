"""Personal data is encrypted at rest and bound to its place: not in the raw database,
readable only through the key, and only in the table, column and row it was written to."""
import os
from datetime import date

import pytest
from sqlalchemy import exc, text, update
from sqlmodel import SQLModel, select

from models import crypto, keys
from models.crypto import DecryptionFailed, EncryptedString, Place, lookup_hash, lookup_hashes
from models.keys import Keyring, WrongKey, generate_master_key, parse_master_key
from models.letters import store
from models.tables import DataSubject, Letter, Region, Request

BSN, NAME, ADDRESS = "123456782", "Henriëtte Zonderland", "Kerkpad 12, Zwolle"


def _subject(db, bsn=BSN, name=NAME, address=ADDRESS) -> DataSubject:
    subject = DataSubject(bsn=bsn, bsn_hash=lookup_hash(bsn), name=name, name_hash=lookup_hash(name), address=address)
    db.add(subject)
    db.commit()
    return subject


def _raw(db, table: str, column: str, row_id) -> str:
    return db.connection().execute(text(f"SELECT {column} FROM {table} WHERE id = :i"), {"i": row_id}).scalar_one()


def _reload(db, model, row_id):
    db.expunge_all()
    return db.exec(select(model).where(model.id == row_id)).one()


def test_raw_columns_hold_bound_ciphertext(db):
    subject = _subject(db)
    bsn, name, address, bsn_hash = db.connection().execute(
        text("SELECT bsn, name, address, bsn_hash FROM datasubject")
    ).one()
    assert BSN not in bsn and "Zonderland" not in name and "Kerkpad" not in address
    assert BSN not in bsn_hash and len(bsn_hash) == 64
    kid = keys.current().key_id
    assert all(v.startswith(f"rl1.{kid}.") for v in (bsn, name, address))
    assert crypto.unseal(name, Place("datasubject", "name", subject.row_uid)) == NAME


def test_the_application_reads_and_writes_plain_attributes(db):
    subject = _subject(db)
    assert (subject.bsn, subject.name) == (BSN, NAME) and type(subject.name) is str
    back = _reload(db, DataSubject, subject.id)
    assert (back.bsn, back.name, back.address, back.birth_date) == (BSN, NAME, ADDRESS, None)
    assert not db.dirty
    back.address = "Nieuwe Gracht 1, Utrecht"
    db.commit()
    assert back.address == "Nieuwe Gracht 1, Utrecht" and type(back.address) is str
    assert "Gracht" not in _raw(db, "datasubject", "address", subject.id)
    db.expire(back, ["address"])  # a refresh of one attribute opens it again
    assert back.address == "Nieuwe Gracht 1, Utrecht"
    assert _reload(db, DataSubject, subject.id).address == "Nieuwe Gracht 1, Utrecht"


def test_a_ciphertext_copied_to_another_row_does_not_decrypt(db):
    """The issue's case: the BSN and address of one subject copied onto another."""
    a = _subject(db)
    b = _subject(db, bsn="111222333", name="Jan Jansen", address="Dorpsstraat 1, Assen")
    db.connection().execute(
        text("UPDATE datasubject SET bsn = (SELECT bsn FROM datasubject WHERE id = :a), "
             "address = (SELECT address FROM datasubject WHERE id = :a) WHERE id = :b"),
        {"a": a.id, "b": b.id},
    )
    db.commit()
    db.expunge_all()
    with pytest.raises(DecryptionFailed) as caught:
        db.exec(select(DataSubject).where(DataSubject.id == b.id)).one()
    err = caught.value
    assert (err.table, err.column, err.row) == ("datasubject", "bsn", b.id)
    message = str(err)
    assert "datasubject.bsn" in message and f"rij {b.id}" in message
    assert BSN not in message and "Kerkpad" not in message and "rl1." not in message
    db.rollback()
    assert _reload(db, DataSubject, a.id).bsn == BSN  # the original still opens where it belongs


def test_a_ciphertext_copied_to_another_column_does_not_decrypt(db):
    subject = _subject(db)
    db.connection().execute(text("UPDATE datasubject SET address = name WHERE id = :i"), {"i": subject.id})
    db.commit()
    db.expunge_all()
    with pytest.raises(DecryptionFailed, match=r"datasubject\.address"):
        db.exec(select(DataSubject)).one()


def test_a_ciphertext_copied_to_another_table_does_not_decrypt(db):
    subject = _subject(db)
    db.add(Region(id="r", name="R", config_hash="0" * 64))
    request = Request(reference="T-1", region_id="r", subject_id=subject.id, first_received_on=date(2026, 1, 5),
                      channel="post", subject_name=subject.name, subject_name_hash=subject.name_hash)
    db.add(request)
    db.flush()
    letter = store.create_draft(db, request.id, "verlenging", "k1", "<p>brief</p>", "tester")
    db.commit()
    # Same row_uid too: only the table name differs in the associated data.
    db.connection().execute(text("UPDATE letter SET row_uid = :u, html = :h WHERE id = :i"),
                            {"u": subject.row_uid, "h": _raw(db, "datasubject", "name", subject.id), "i": letter.id})
    db.commit()
    db.expunge_all()
    with pytest.raises(DecryptionFailed, match=r"letter\.html"):
        db.exec(select(Letter)).one()


def test_a_damaged_or_old_format_value_is_refused(db):
    subject = _subject(db)
    old = crypto.unseal(_raw(db, "datasubject", "name", subject.id), Place("datasubject", "name", subject.row_uid))
    assert old == NAME
    db.connection().execute(text("UPDATE datasubject SET name = 'gAAAAABfernet' WHERE id = :i"), {"i": subject.id})
    db.commit()
    db.expunge_all()
    with pytest.raises(DecryptionFailed, match="niet in het formaat rl1"):
        db.exec(select(DataSubject)).one()


def test_row_uid_never_changes(db):
    from models.sealing import RowIdentityChanged

    subject = _subject(db)
    subject.row_uid = "0" * 32
    with pytest.raises(RowIdentityChanged):
        db.commit()
    db.rollback()


def test_bulk_statements_cannot_write_plaintext(db):
    subject = _subject(db)
    with pytest.raises(exc.StatementError, match="only be written through the ORM"):
        db.exec(update(DataSubject).where(DataSubject.id == subject.id).values(name="Plain Text"))
    db.rollback()
    assert "Plain" not in _raw(db, "datasubject", "name", subject.id)


def test_every_table_with_encrypted_columns_has_a_row_identity():
    import models.tables  # noqa: F401

    encrypted = {t.name for t in SQLModel.metadata.sorted_tables
                 if any(isinstance(c.type, EncryptedString) for c in t.columns)}
    assert encrypted == {"datasubject", "caseregistration", "consultationtask", "itemanswer", "itemdecision",
                         "letter", "outboxmessage", "representative", "request", "requestright", "sourcetask",
                         "disclosure", "keyring", "answerdraft"}
    for table in SQLModel.metadata.sorted_tables:
        if table.name in encrypted:
            column = table.c.row_uid
            assert not column.nullable and any(i.unique and list(i.columns) == [column] for i in table.indexes)


def test_edited_draft_letters_stay_sealed(db):
    subject = _subject(db)
    db.add(Region(id="r", name="R", config_hash="0" * 64))
    request = Request(reference="T-1", region_id="r", subject_id=subject.id, first_received_on=date(2026, 1, 5),
                      channel="post", subject_name=subject.name, subject_name_hash=subject.name_hash)
    db.add(request)
    db.flush()
    letter = store.create_draft(db, request.id, "verlenging", "k1", "<p>Geachte mevrouw Zonderland</p>", "tester")
    db.commit()
    store.edit_draft(db, letter.id, "<p>Geachte mevrouw H. Zonderland</p>", "tester")
    db.commit()
    raw = _raw(db, "letter", "html", letter.id)
    assert "Zonderland" not in raw and raw.startswith("rl1.")
    assert _reload(db, Letter, letter.id).html == "<p>Geachte mevrouw H. Zonderland</p>"


def test_the_raw_sqlite_file_does_not_contain_the_values(db, engine):
    _subject(db)
    if engine.dialect.name != "sqlite":
        # On PostgreSQL the column checks above are the proof; there is no single file.
        assert engine.dialect.name == "postgresql"
        return
    db.close()
    engine.dispose()  # checkpoint the WAL so that everything is in the main file
    path = engine.url.database
    raw = open(path, "rb").read() + (open(path + "-wal", "rb").read() if os.path.exists(path + "-wal") else b"")
    assert BSN.encode() not in raw
    assert "Zonderland".encode() not in raw
    assert b"Kerkpad" not in raw


def test_another_key_cannot_read(db, monkeypatch):
    from models.settings import reset_settings

    subject = _subject(db)
    raw_name = _raw(db, "datasubject", "name", subject.id)
    monkeypatch.setenv("RECHTENLOKET_SECRET_KEY", generate_master_key())
    reset_settings()
    try:
        with pytest.raises(WrongKey, match="RECHTENLOKET_SECRET_KEY") as caught:
            crypto.unseal(raw_name, Place("datasubject", "name", subject.row_uid))
        assert "Zonderland" not in str(caught.value)
    finally:
        monkeypatch.undo()
        reset_settings()


def test_an_older_key_in_the_keyring_still_decrypts(monkeypatch):
    """Rotation (issue 13): values sealed with an older key open while new ones use the new
    key. The keyring is configuration; here it is given two keys directly."""
    old = keys.current()
    token = crypto.seal(NAME, Place("datasubject", "name", "u1"))
    new = parse_master_key(generate_master_key(), "new")
    monkeypatch.setattr(keys, "keyring", lambda: Keyring((new, old)))
    assert crypto.unseal(token, Place("datasubject", "name", "u1")) == NAME
    fresh = crypto.seal(NAME, Place("datasubject", "name", "u1"))
    assert crypto.key_id_of(fresh) == new.key_id != old.key_id
    assert lookup_hashes(BSN) == [crypto._lookup(new, BSN), crypto._lookup(old, BSN)]


def test_lookup_hash_is_keyed_and_normalised():
    assert lookup_hash(" Jan Jansen ") == lookup_hash("jan jansen") != lookup_hash("jan janssen")
    assert lookup_hashes("jan jansen") == [lookup_hash("jan jansen")]


@pytest.mark.slow
@pytest.mark.parametrize("example, also", [
    ("fryslan-eigen-verklaring-verzet.json", {"caseregistration.eigen_verklaring"}),
    ("utrecht-inzage-advocaat.json", {"representative.name", "representative.address"}),
    ("drenthe-inzage-ouder-kind.json", {"representative.name", "consultationtask.child_interest"}),
])
def test_every_code_path_stores_bound_ciphertext_only(loaded, prefect_harness, project_root, example, also):
    """A whole request through the real flows (intake, consultation, answers, decisions,
    execution, letters, outbox): every encrypted value in every table is ``rl1`` and opens
    at its own place only."""
    from flows import scenario as sc

    sc.play(sc.load(project_root / "examples" / example))
    seen = set()
    with loaded.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            columns = [c.name for c in table.columns if isinstance(c.type, EncryptedString)]
            if not columns:
                continue
            pk = next(iter(table.primary_key.columns)).name
            for row in conn.execute(text(f"SELECT {pk} AS id, row_uid, {', '.join(columns)} FROM {table.name}")):
                for column in columns:
                    raw = row._mapping[column]
                    if raw is None:
                        continue
                    assert raw.startswith(f"rl1.{keys.current().key_id}."), (table.name, column)
                    crypto.unseal(raw, Place(table.name, column, row.row_uid))
                    others = [c for c in columns if c != column]
                    if others:
                        with pytest.raises(DecryptionFailed):
                            crypto.unseal(raw, Place(table.name, others[0], row.row_uid))
                    seen.add(f"{table.name}.{column}")
    assert {"datasubject.name", "datasubject.bsn", "datasubject.address", "caseregistration.description",
            "letter.html", "outboxmessage.body", "outboxmessage.recipient", *also} <= seen, sorted(seen)
