"""Runtime settings, read from the environment (prefix RECHTENLOKET_) or a .env file.

The embedded default is a SQLite file under ``var/``; set RECHTENLOKET_DATABASE_URL to a
``postgresql+psycopg://`` URL for the scale-out setup. Nothing else changes.
"""
from functools import lru_cache
from pathlib import Path

from urllib.parse import urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RECHTENLOKET_", env_file=".env", extra="ignore")

    data_dir: Path = PROJECT_ROOT / "var"
    database_url: str = ""
    config_dir: Path = PROJECT_ROOT / "config"
    templates_dir: Path = PROJECT_ROOT / "templates"
    # Base64 (url-safe) of 32 random bytes. When unset, ``init`` writes one to data_dir/secret.key.
    secret_key: str = ""
    # The successor of the master key during a rotation (docs/keys.md): it decrypts from the
    # moment it is configured, and encrypts once ``rechtenloket keys rotate`` has started.
    # When unset, the data dir's ``secret.key.next`` (written by ``keys new``) is used.
    secret_key_next: str = ""
    # How often a running process checks the database's keyring again (a rotation started by
    # another process is noticed within this time).
    key_refresh_seconds: float = 5.0
    # How often a running process asks the database whether the region's facts (the region
    # page, models/region_facts.py) changed: a change made in another process (another
    # web-app instance, a worker) takes effect within this time; in the process that made
    # it, at once.
    region_facts_refresh_seconds: float = Field(default=1.0, ge=0, le=300)
    # Outgoing messages land here as .eml/.html files when the transport is "file".
    outbox_dir: Path | None = None
    # Append-only checkpoints of the audit trail's head, outside the database (models.anchor).
    audit_anchor_file: Path | None = None
    # How a recorded event carries its request on (flows/dispatch.py): "auto" (the running
    # product's deployments when PREFECT_API_URL is set, else directly in this process),
    # "deployment", "inline" (the Prefect flow in this process) or "direct" (no Prefect).
    dispatch: str = "auto"
    # Demo mode (RECHTENLOKET_DEMO=1: make run, make demo, the tests): fictitious data and demo
    # accounts allowed, and letters whose contact details are still ``unverified`` in the region
    # file may be approved and sent, each with a visible "VOORBEELD – niet verzenden" marking.
    # Off in production: such a letter is refused.
    demo: bool = False
    # The partner portal's address as partners reach it: the consultation letter links to
    # <portal_url>/taak/<token> (models/task_links.py). Set it to the https address in
    # production; plain http is accepted only for 127.0.0.1 and localhost.
    portal_url: str = "http://127.0.0.1:8000"
    # How many days a task link in a consultation letter opens the task (from the letter's
    # date). After that the partner finds the task after logging in.
    task_link_days: int = Field(default=42, ge=1, le=366)

    @field_validator("portal_url")
    @classmethod
    def _portal_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        parts = urlsplit(value)
        local = parts.hostname in ("127.0.0.1", "localhost")
        if parts.scheme not in ("https", "http") or not parts.hostname or parts.query or parts.fragment \
                or (parts.scheme == "http" and not local):
            raise ValueError("RECHTENLOKET_PORTAL_URL moet een https-adres zijn (http alleen voor 127.0.0.1), "
                             "zonder ? of #")
        return value

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'rechtenloket.db'}"

    @property
    def effective_outbox_dir(self) -> Path:
        return self.outbox_dir or self.data_dir / "outbox"

    @property
    def key_file(self) -> Path:
        return self.data_dir / "secret.key"

    @property
    def next_key_file(self) -> Path:
        return self.data_dir / "secret.key.next"

    @property
    def effective_audit_anchor_file(self) -> Path:
        return self.audit_anchor_file or self.data_dir / "audit-anchors.log"


@lru_cache
def get_settings() -> Settings:
    return Settings()


def reset_settings() -> None:
    """Forget cached settings (tests change the environment between cases)."""
    get_settings.cache_clear()
    from models import crypto, db, region_config

    crypto.reset_keys()
    db.reset_engine()
    region_config._regions_in.cache_clear()
    region_config.forget_facts()
