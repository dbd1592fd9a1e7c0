"""The authorization matrix (tests/web/matrix.py): every route of the portal and the API ×
every principal × every token state (the workbench's routes: every principal, no token) gets its expected status, never a 500, and no response
holds a byte of another organisation's data. And every answer that shows a betrokkene's
name or BSN has logged that read in the processing log (architecture rule 7, issue 13)."""
import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from models.tables import DataSubject, ProcessingLogEntry

from tests.conftest import _empty_all_tables, _sync_regions
from tests.web.helpers import plain_http_settings
from tests.web.matrix import (
    PRINCIPALS,
    ROUTES,
    TOKENS,
    WORKBENCH_PRINCIPALS,
    WORKBENCH_ROUTES,
    Clients,
    build_world,
    check_cell,
    make_accounts,
    run_cell,
)
from web.app import create_app


@pytest.fixture(scope="module")
def matrix(_schema):
    """One world for the whole module (its tests do not use the per-test ``engine``)."""
    _empty_all_tables(_schema)
    _sync_regions(_schema)
    make_accounts(_schema)
    world = build_world(_schema)
    # The matrix makes hundreds of attempts with bad tokens from one address: no lock here
    # (the throttle has its own test).
    app = create_app(plain_http_settings(throttle_free_client=1_000_000, throttle_free_account=1_000_000))
    clients = Clients(app)
    with Session(_schema) as db:  # the ORM decrypts: each betrokkene's name and BSN, and its pseudonym
        world.subjects = {s.row_uid: [v for v in (s.name, s.bsn) if v] for s in db.exec(select(DataSubject))}
    yield world, clients
    clients.close()


def _run_logged(engine, world, clients, route, principal, token) -> tuple:
    """One cell, and what it shows without logging: the pseudonyms of the betrokkenen whose
    name or BSN the answer holds but who got no processing-log line from it."""
    with Session(engine) as db:
        before = db.exec(select(func.max(ProcessingLogEntry.seq))).one() or 0
    answer = run_cell(clients, world, route, principal, token)
    shown = {uid for uid, values in world.subjects.items() if any(v in answer.text for v in values)}
    if not shown:
        return answer, []
    with Session(engine) as db:
        logged = set(db.exec(select(ProcessingLogEntry.data_subject_id).where(ProcessingLogEntry.seq > before)))
    return answer, [f"{route.name} / {principal} / {token}: shows a betrokkene's data without a processing-log line"
                    for _ in shown - logged]


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_every_principal_and_token_state(matrix, route, _schema):
    world, clients = matrix
    problems = []
    for principal in PRINCIPALS:
        for token in TOKENS:
            answer, unlogged = _run_logged(_schema, world, clients, route, principal, token)
            problems += unlogged
            assert answer.status_code < 500, f"{route.name} / {principal} / {token}: {answer.status_code}"
            problems += check_cell(world, route, principal, token, answer)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("route", WORKBENCH_ROUTES, ids=[r.name for r in WORKBENCH_ROUTES])
def test_every_principal_on_the_workbench(matrix, route, _schema):
    """A coordinator sees only the regions of the account, a manager references and not
    names until the logged read, the FG reads and changes nothing, a partner none of it."""
    world, clients = matrix
    problems = []
    for principal in WORKBENCH_PRINCIPALS:
        answer, unlogged = _run_logged(_schema, world, clients, route, principal, "none")
        problems += unlogged
        assert answer.status_code < 500, f"{route.name} / {principal}: {answer.status_code}"
        problems += check_cell(world, route, principal, "none", answer)
    assert not problems, "\n".join(problems)
