"""Abuse tests of the web app and the partner API (issue 13): CSRF on every state-changing
route, brute force on task links and API tokens (throttled and logged), path traversal and
template injection in the free text, and schemathesis against the API's own OpenAPI document
(no server error, no change on rejected input).

One database for the whole module (the authorization matrix's world: two partner
organisations with tasks, links and API tokens), built once; every test that adds throttle
rows uses a client address of its own, so the tests do not lock each other out.
"""
import re

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from sqlmodel import Session, select

from models.tables import AuditEvent
from tests.dbdump import dump
from tests.web.helpers import csrf_of, login, plain_http_settings
from tests.web.matrix import build_world, make_accounts
from web.app import create_app

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
INJECTED = "{{ 7*7 }}{% include '/etc/passwd' %}${7*7}<script>alert(1)</script>../../etc/passwd"


@pytest.fixture(scope="module")
def world(_schema):
    from tests.conftest import _empty_all_tables, _sync_regions

    _empty_all_tables(_schema)
    _sync_regions(_schema)
    built = build_world(_schema)
    make_accounts(_schema)
    return built


@pytest.fixture(scope="module")
def app(world):
    # A small free allowance so that the brute-force tests need a few calls, not twenty.
    return create_app(plain_http_settings(throttle_free_client=3))


def _client(app, address: str) -> TestClient:
    return TestClient(app, base_url="http://testserver", client=(address, 50000), follow_redirects=False)


def _fill(path: str, world) -> str:
    values = {"uid": world.task_a, "token": world.links["valid_a"], "task_id": world.task_a}
    return re.sub(r"\{(\w+)(:\w+)?\}", lambda m: values.get(m.group(1), "x"), path)


def _state_changing_routes(app) -> list[tuple[str, str]]:
    from tests.web.test_guard import _all_routes

    routes = []
    for route in _all_routes(app):
        for method in sorted(getattr(route, "methods", None) or ()):
            if method in STATE_CHANGING and not route.path.startswith("/api/"):
                routes.append((method, route.path))
    return routes


def test_csrf_on_every_state_changing_route(app, world, _schema):
    """Without a token and with another session's token every POST/PUT/PATCH/DELETE outside
    the API is refused with the Dutch page and the database does not change."""
    routes = _state_changing_routes(app)
    assert {("POST", "/inloggen"), ("POST", "/uitloggen"), ("POST", "/taken/{uid}"),
            ("POST", "/taak/{token}")} <= set(routes), routes
    mine, other = _client(app, "10.13.0.1"), _client(app, "10.13.0.2")
    assert login(mine, "matrix.a").status_code == 303 and login(other, "matrix.b").status_code == 303
    own, foreign = csrf_of(mine.get("/").text), csrf_of(other.get("/").text)
    assert own != foreign
    before = dump(_schema)
    for method, path in routes:
        url = _fill(path, world)
        for data in ({"opslaan": "1"}, {"csrf_token": foreign, "opslaan": "1"}, {"csrf_token": "0" * 64}):
            answer = mine.request(method, url, data=data)
            assert answer.status_code == 403 and "Formulier niet geaccepteerd" in answer.text, (method, path, data)
        header = mine.request(method, url, headers={"X-CSRF-Token": foreign})
        assert header.status_code == 403, (method, path)
    assert dump(_schema) == before
    # The same request with its own token does get past the check (the test is not vacuous).
    passed = mine.post(_fill("/taken/{uid}", world), data={"csrf_token": own, "actie": "opslaan"})
    assert passed.status_code != 403 or "Formulier niet geaccepteerd" not in passed.text


def _refusals(engine, action: str) -> list[AuditEvent]:
    with Session(engine) as db:
        return db.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)).all()


def test_guessing_api_tokens_is_throttled_and_logged(app, world, _schema):
    attacker = _client(app, "10.13.1.1")
    before = len(_refusals(_schema, "api_token.refused"))
    guesses = [f"rlp_{n:02d}" + "A" * 40 for n in range(3)]
    answers = [attacker.get("/api/v1/tasks", headers={"Authorization": f"Bearer {g}"}) for g in guesses]
    assert [a.status_code for a in answers] == [401, 401, 401]
    locked = attacker.get("/api/v1/tasks", headers={"Authorization": "Bearer rlp_another"})
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    # During the lock not even the right token is checked; another address is not affected.
    valid = {"Authorization": f"Bearer {world.api['valid_a']}"}
    assert attacker.get("/api/v1/tasks", headers=valid).status_code == 429
    assert _client(app, "10.13.1.2").get("/api/v1/tasks", headers=valid).status_code == 200
    events = _refusals(_schema, "api_token.refused")[before:]
    assert len(events) == 3 and events[-1].detail["locked"] is True
    assert all(g not in str(e.detail) for e in events for g in guesses)  # no guess stored


def test_guessing_task_links_is_throttled_and_logged(app, world, _schema):
    attacker = _client(app, "10.13.2.1")
    before = len(_refusals(_schema, "task_link.refused"))
    answers = [attacker.get(f"/taak/geraden-{n}-" + "x" * 30) for n in range(3)]
    assert [a.status_code for a in answers] == [404, 404, 404]
    locked = attacker.get("/taak/nog-een-gok")
    assert locked.status_code == 429 and "te veel links" in locked.text
    assert attacker.get(f"/taak/{world.links['valid_a']}").status_code == 429  # the right link neither
    events = _refusals(_schema, "task_link.refused")[before:]
    assert len(events) == 3 and events[-1].detail["locked"] is True


@pytest.mark.parametrize("path", [
    "/static/../pyproject.toml", "/static/%2e%2e/pyproject.toml", "/static/..%2f..%2fpyproject.toml",
    "/static/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/taken/..%2f..%2fetc%2fpasswd", "/taak/..%2F..%2Fetc%2Fpasswd",
    "/api/v1/tasks/..%2f..%2fetc%2fpasswd",
])
def test_path_traversal_reaches_no_file(app, world, path):
    client = _client(app, "10.13.3.1")
    login(client, "matrix.a")
    answer = client.get(path, headers={"Authorization": f"Bearer {world.api['valid_a']}"})
    assert answer.status_code in (400, 401, 403, 404), (path, answer.status_code)
    assert "[build-system]" not in answer.text and "root:" not in answer.text


def test_template_injection_in_free_text_stays_text(app, world, _schema):
    """What a partner types (through the API) is shown on the task page as the text it is:
    not evaluated as a template, not as HTML; the same for the forwarded betrokkene's name."""
    api = _client(app, "10.13.4.1")
    token = {"Authorization": f"Bearer {world.api['valid_a']}"}
    task = api.get(f"/api/v1/tasks/{world.task_a}", headers=token).json()
    items = [{"registration_id": r["id"], "note": INJECTED} for r in task["registrations"]]
    saved = api.put(f"/api/v1/tasks/{world.task_a}/draft", headers=token, json={"note": INJECTED, "items": items})
    assert saved.status_code == 200, saved.text
    browser = _client(app, "10.13.4.2")
    login(browser, "matrix.a")
    page = browser.get(f"/taken/{world.task_a}")
    assert page.status_code == 200
    assert "{{ 7*7 }}" in page.text and "{% include" in page.text  # shown literally
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text and "<script>alert(1)" not in page.text
    assert "root:x:" not in page.text
    back = api.get(f"/api/v1/tasks/{world.task_a}", headers=token).json()
    assert INJECTED in str(back)  # kept exactly, not rendered


def test_an_oversized_api_body_is_refused_before_the_token_or_the_body_is_read(app, world):
    api = _client(app, "10.13.5.1")
    big = b'{"note": "' + b"x" * 1_100_000 + b'"}'
    answer = api.put(f"/api/v1/tasks/{world.task_a}/draft", content=big,
                     headers={"Content-Type": "application/json",
                              "Authorization": f"Bearer {world.api['valid_a']}"})
    assert answer.status_code == 413


# --- schemathesis: every operation of the partner API, from its own OpenAPI document -------

schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture(scope="module")
def api_schema(app):
    loaded = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    # Generated cases only (no separate coverage phase): enough to find a crash or an
    # undocumented answer, and cheap enough for every CI run.
    loaded.config.phases.coverage.enabled = False
    return loaded


@schema.parametrize()
@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_the_api_survives_generated_input(case, world, _schema):
    """Generated paths, queries and bodies (valid and not): never a server error, every
    answer as documented, and a refused call (4xx) changes nothing in the database."""
    headers = {"Authorization": f"Bearer {world.api['valid_a']}"}
    changing = case.method.upper() in STATE_CHANGING
    before = dump(_schema) if changing else None
    response = case.call(headers=headers)
    case.validate_response(response)
    assert response.status_code < 500
    if changing and 400 <= response.status_code < 500:
        assert dump(_schema) == before, (case.method, case.path, response.status_code)
