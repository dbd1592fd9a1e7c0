"""Personal data is encrypted at rest: not in the raw database, readable only through the key."""
from sqlalchemy import text

from models.crypto import lookup_hash
from models.tables import DataSubject

BSN, NAME = "123456782", "Henriëtte Zonderland"


def _store(db):
    db.add(DataSubject(bsn=BSN, bsn_hash=lookup_hash(BSN), name=NAME, name_hash=lookup_hash(NAME),
                       address="Kerkpad 12, Zwolle"))
    db.commit()


def test_raw_columns_hold_ciphertext(db):
    _store(db)
    bsn, name, address, bsn_hash = db.connection().execute(
        text("SELECT bsn, name, address, bsn_hash FROM datasubject")
    ).one()
    assert BSN not in bsn and "Zonderland" not in name and "Kerkpad" not in address
    assert BSN not in bsn_hash and len(bsn_hash) == 64


def test_raw_sqlite_file_does_not_contain_the_values(db, engine):
    _store(db)
    if engine.dialect.name != "sqlite":
        # On PostgreSQL the column check above is the proof; there is no single file.
        assert engine.dialect.name == "postgresql"
        return
    db.close()
    engine.dispose()  # checkpoint the WAL so that everything is in the main file
    path = engine.url.database
    raw = open(path, "rb").read() + (open(path + "-wal", "rb").read() if __import__("os").path.exists(path + "-wal") else b"")
    assert BSN.encode() not in raw
    assert "Zonderland".encode() not in raw
    assert b"Kerkpad" not in raw


def test_another_key_cannot_read(db, monkeypatch):
    _store(db)
    from models.crypto import generate_master_key
    from models.settings import reset_settings
    import pytest
    from cryptography.fernet import InvalidToken

    monkeypatch.setenv("RECHTENLOKET_SECRET_KEY", generate_master_key())
    reset_settings()
    try:
        raw_name = db.connection().execute(text("SELECT name FROM datasubject")).scalar_one()
        from models.crypto import decrypt

        with pytest.raises(InvalidToken):
            decrypt(raw_name)
    finally:
        monkeypatch.undo()
        reset_settings()
