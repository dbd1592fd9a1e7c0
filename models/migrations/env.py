"""Alembic environment: the connection comes from models.db, the metadata from the tables."""
from alembic import context
from sqlmodel import SQLModel

import models.tables  # noqa: F401  registers every table on SQLModel.metadata

target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        from models.db import get_engine

        with get_engine().connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                # SQLite changes a table by copying it (batch mode); with foreign keys
                # enforced, dropping the old copy of a referenced table fails. Off during
                # the migration (only effective outside a transaction), checked after.
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            _run(connection)
            connection.commit()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()
                if broken:
                    raise RuntimeError(f"migration left {len(broken)} broken foreign keys")
    else:
        _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
