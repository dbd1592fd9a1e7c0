"""Creating and upgrading the database schema with Alembic (models/migrations/).

A schema change is a new revision: ``rechtenloket db revision "what changed"`` writes it from
the difference between the tables and the database; tests check nothing is left unmigrated.
"""
from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def upgrade_database() -> None:
    """Upgrade to the newest schema; on SQLite, then (re)create the length triggers."""
    from models.db import get_engine
    from models.length_limits import sync_sqlite_triggers

    command.upgrade(alembic_config(), "head")
    engine = get_engine()
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            sync_sqlite_triggers(conn)


def new_revision(message: str) -> None:
    command.revision(alembic_config(), message=message, autogenerate=True)
