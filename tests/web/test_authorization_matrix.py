"""The authorization matrix (tests/web/matrix.py): every route of the portal and the API ×
every principal × every token state (the workbench's routes: every principal, no token) gets its expected status, never a 500, and no response
holds a byte of another organisation's data."""
import pytest

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
    yield world, clients
    clients.close()


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_every_principal_and_token_state(matrix, route):
    world, clients = matrix
    problems = []
    for principal in PRINCIPALS:
        for token in TOKENS:
            answer = run_cell(clients, world, route, principal, token)
            assert answer.status_code < 500, f"{route.name} / {principal} / {token}: {answer.status_code}"
            problems += check_cell(world, route, principal, token, answer)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("route", WORKBENCH_ROUTES, ids=[r.name for r in WORKBENCH_ROUTES])
def test_every_principal_on_the_workbench(matrix, route):
    """A coordinator sees only the regions of the account, a manager references and not
    names until the logged read, the FG reads and changes nothing, a partner none of it."""
    world, clients = matrix
    problems = []
    for principal in WORKBENCH_PRINCIPALS:
        answer = run_cell(clients, world, route, principal, "none")
        assert answer.status_code < 500, f"{route.name} / {principal}: {answer.status_code}"
        problems += check_cell(world, route, principal, "none", answer)
    assert not problems, "\n".join(problems)
