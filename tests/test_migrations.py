"""The migrations build exactly the schema the tables describe (nothing left unmigrated)."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import models.tables  # noqa: F401


def test_no_difference_between_tables_and_migrations(engine):
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, SQLModel.metadata)
    assert diff == []


def test_upgrade_from_0002_keeps_existing_requests(engine):
    """Migration 0005 copies each request's subject details onto the request (the letters now
    read them there) and leaves every foreign key intact, on a database with data."""
    from alembic import command
    from sqlalchemy import text

    from models.crypto import decrypt, encrypt
    from models.schema import alembic_config, upgrade_database

    cfg = alembic_config()
    command.downgrade(cfg, "0002")
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO region (id, name, config_hash) VALUES ('drenthe', 'Drenthe', 'x')"))
            conn.execute(text("INSERT INTO datasubject (id, bsn, bsn_hash, name, name_hash, address, created_at) "
                              "VALUES (1, :b, 'h', :n, 'nh', :a, '2026-01-01')"),
                         {"b": encrypt("123456782"), "n": encrypt("Fictief Oud"), "a": encrypt("Oudweg 1, Assen")})
            conn.execute(text("INSERT INTO request (id, reference, region_id, subject_id, first_received_on, channel, "
                              "requester_kind, status, created_at) VALUES ('r1', 'ZVHD-2026-0001', 'drenthe', 1, "
                              "'2026-01-02', 'brief', 'betrokkene', 'registered', '2026-01-02')"))
            conn.execute(text("INSERT INTO requestright (request_id, type) VALUES ('r1', 'inzage')"))
    finally:
        upgrade_database()
    with engine.connect() as conn:
        name, name_hash, address, failures = conn.execute(text(
            "SELECT subject_name, subject_name_hash, subject_address, failures FROM request")).one()
        assert (decrypt(name), name_hash, decrypt(address), failures) == ("Fictief Oud", "nh", "Oudweg 1, Assen", 0)
        assert conn.execute(text("SELECT count(*) FROM requestright")).scalar() == 1
