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
    command.upgrade(alembic_config(), "head")


def new_revision(message: str) -> None:
    command.revision(alembic_config(), message=message, autogenerate=True)
