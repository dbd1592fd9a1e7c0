"""Shared fixtures.

The database under test is a SQLite file unless RECHTENLOKET_TEST_DATABASE_URL points at a
PostgreSQL server (scripts/test.sh starts a throwaway one and runs the suite again on it).
The schema is built once per session by the real Alembic migrations; each test that asks
for ``db`` starts from empty tables.
"""
import os
import tempfile
from pathlib import Path

# Prefect reads its home when it is first imported: give the test session its own, so no
# result, log or database of a developer's Prefect is touched (and the privacy tests can
# search everything Prefect wrote).
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="rechtenloket-prefect-")

import pytest  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Tests that do not touch the test database run once, in the SQLite pass (not collected,
# rather than skipped, in the PostgreSQL pass of scripts/test.sh): the pure domain logic,
# the region files, the letters rendered from them, the warm start's processes. None of
# them asks for a database fixture (``engine``, ``db``), and none opens one otherwise.
# The browser checks of the login and the pages' accessibility (web/test_browser.py) are the
# same on either database; the journeys (web/test_*_journey.py) run on both.
WITHOUT_DATABASE = [
    "test_product.py", "web/test_browser.py",
    "regions", "test_bsn.py", "test_deadlines.py", "test_holidays.py", "test_lifecycle.py", "test_routing.py",
    "test_dutch_time.py", "test_region_config.py", "test_cli_termijn.py", "test_cli_letters.py",
    "test_letters_golden.py", "test_letters_legal.py", "test_letters_pdf.py", "test_letters_render.py",
    "test_prefect_yaml.py", "test_warmstart.py", "test_warmworker.py",
]
collect_ignore = WITHOUT_DATABASE if os.environ.get("RECHTENLOKET_TEST_DATABASE_URL") else []
# CI and developers have the shared material beside the clone (../shared).
SEEDS_DIR = PROJECT_ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="module")
def regions():
    """The shipped region files as loaded from config/ (no database, no facts): per module,
    so a test that changes a region's copy changes no other module's."""
    from models.region_config import load_regions

    return load_regions(PROJECT_ROOT / "config")


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    assert SEEDS_DIR.is_dir(), f"the source documents are expected in {SEEDS_DIR}"
    return SEEDS_DIR


@pytest.fixture(scope="session", autouse=True)
def _environment(tmp_path_factory):
    """Every test runs with its own data dir, a fresh key and the test database URL."""
    from models.crypto import generate_master_key
    from models.settings import reset_settings

    data_dir = tmp_path_factory.mktemp("var")
    saved = dict(os.environ)
    os.environ["RECHTENLOKET_DATA_DIR"] = str(data_dir)
    os.environ["RECHTENLOKET_SECRET_KEY"] = generate_master_key()
    os.environ["RECHTENLOKET_DATABASE_URL"] = os.environ.get(
        "RECHTENLOKET_TEST_DATABASE_URL", f"sqlite:///{data_dir / 'test.db'}"
    )
    os.environ.pop("RECHTENLOKET_CONFIG_DIR", None)
    # Commands carry requests on in their own process without Prefect, unless a test asks
    # for the flow (inline, under the test harness) or the deployments (tests/test_runtime.py).
    os.environ["RECHTENLOKET_DISPATCH"] = "direct"
    # The shipped region files still hold contact details marked "unverified": the suite runs
    # under the demo setting (letters go out marked "VOORBEELD"), except the tests that prove
    # the refusal (fixture ``production``).
    os.environ["RECHTENLOKET_DEMO"] = "1"
    reset_settings()
    yield
    os.environ.clear()
    os.environ.update(saved)
    reset_settings()


@pytest.fixture
def production(monkeypatch):
    """The demo setting off: letters with unverified contact details are refused."""
    from models.settings import get_settings

    monkeypatch.setenv("RECHTENLOKET_DEMO", "0")
    get_settings.cache_clear()
    yield
    monkeypatch.setenv("RECHTENLOKET_DEMO", "1")
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def _schema(_environment):
    from models.db import get_engine
    from models.schema import upgrade_database

    engine = get_engine()
    if engine.dialect.name == "postgresql":  # a reused server: start from nothing
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade_database()
    return engine


def _empty_all_tables(engine) -> None:
    """Empty every table, the audit trail too (its append-only triggers are lifted for
    the moment, in the same transaction), and the test data dir's audit anchors."""
    import models.tables  # noqa: F401
    from models import anchor, audit, processing

    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
            conn.execute(text("ALTER TABLE auditevent DISABLE TRIGGER USER"))
            conn.execute(text("ALTER TABLE processinglog DISABLE TRIGGER USER"))
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            conn.execute(text("ALTER TABLE auditevent ENABLE TRIGGER USER"))
            conn.execute(text("ALTER TABLE processinglog ENABLE TRIGGER USER"))
        else:
            audit.drop_append_only_triggers(conn)
            processing.drop_append_only_triggers(conn)
            for table in reversed(SQLModel.metadata.sorted_tables):
                conn.execute(table.delete())
            audit.create_append_only_triggers(conn)
            processing.create_append_only_triggers(conn)
    anchor.anchor_file().unlink(missing_ok=True)
    from models import region_config

    region_config.forget_facts()  # the region facts went with the tables


@pytest.fixture
def engine(_schema):
    _empty_all_tables(_schema)
    return _schema


@pytest.fixture
def db(engine):
    """A session on empty tables (schema from the real migrations)."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


_REGIONS: dict[tuple, dict] = {}


def _regions(config_dir: Path) -> dict:
    """The region files as ``load_regions`` reads them, read once per content: parsing the
    YAML takes seconds and hundreds of tests load the same five files. Any change to a
    file (another config dir, a test that writes one) is a new key, read for real."""
    import hashlib

    from models.region_config import load_regions

    key = (str(config_dir), *((p.name, hashlib.sha256(p.read_bytes()).hexdigest())
                              for p in sorted((config_dir / "regions").glob("*.yaml"))))
    if key not in _REGIONS:
        _REGIONS[key] = load_regions(config_dir)
    return _REGIONS[key]


def _sync_regions(engine) -> None:
    from models.bootstrap import sync_regions
    from models.settings import get_settings

    config_dir = get_settings().config_dir
    with Session(engine) as session:
        sync_regions(session, _regions(config_dir), config_dir)
        session.commit()


@pytest.fixture
def loaded(engine):
    """Empty tables plus the five regions and their partners, as ``rechtenloket init`` loads them."""
    _sync_regions(engine)
    return engine


@pytest.fixture(scope="session")
def prefect_harness():
    """A real, temporary Prefect server and database for the whole session.

    Flow-run heartbeats are off here: the heartbeat thread sleeps in one-second steps and
    every run waits for it on exit. Crash recovery is ours (tests/test_flow_crash.py), not
    Prefect's, so the tests lose nothing and run five times faster."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120), temporary_settings(
        updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
    ):
        yield


@pytest.fixture
def settings_env(monkeypatch):
    """Change settings for one test (``settings_env(NAME=value, OTHER=None)``, None removes
    one); the session's come back afterwards."""
    from models.settings import reset_settings

    def apply(**env):
        for name, value in env.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, str(value))
        reset_settings()

    yield apply
    monkeypatch.undo()
    reset_settings()
