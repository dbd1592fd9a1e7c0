"""The partner API against its own OpenAPI document: every route is documented (summary,
description, its error answers, the bearer token) and on the docs page; every route of the
app is in the authorization matrix; and whatever a partner system sends (hypothesis makes
bodies and query strings of every shape), the answer is JSON with a Dutch ``detail``, a
status the document lists for that operation, never a 500, and a 422 names the fields."""
import re
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from models import api_tokens, dutch_time
from models.enums import Role
from models.principal import Principal
from models.tables import ConsultationTask, Request
from tests.conftest import _empty_all_tables, _sync_regions
from tests.journey import identify, new_request
from tests.web.helpers import plain_http_settings
from tests.web.matrix import ROUTES, WORKBENCH_ROUTES
from tests.web.test_guard import _all_routes
from web.app import create_app

# Routes outside the matrix, with the reason: the login and logout forms have their own
# tests (test_login_sessions.py, test_csrf_throttle.py); /health holds no data.
NOT_IN_MATRIX = {("GET", "/inloggen"), ("POST", "/inloggen"), ("POST", "/uitloggen"), ("GET", "/health")}


def _template(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path.split("?")[0])


def test_every_route_of_the_app_is_in_the_authorization_matrix(web_app):
    routes = {(method, _template(r.path)) for r in _all_routes(web_app) if not r.path.startswith("/static/")
              for method in (getattr(r, "methods", None) or ()) if method != "HEAD"}
    # A matrix row names a concrete path ("/antwoord/gemeente-assen"); it covers the app's
    # route whose pattern it matches.
    tried = [(r.method, re.sub(r"\{[^}]+\}", "x", r.path.split("?")[0])) for r in [*ROUTES, *WORKBENCH_ROUTES]]
    patterns = {(method, _template(r.path)): re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(r.path)) + "$")
                for r in _all_routes(web_app) for method in (getattr(r, "methods", None) or ())}
    in_matrix = {route for route in routes
                 if any(m == route[0] and patterns[route].match(path) for m, path in tried)}
    missing = sorted(routes - in_matrix - NOT_IN_MATRIX)
    assert missing == [], f"routes without a row in tests/web/matrix.py: {missing}"
    assert NOT_IN_MATRIX <= routes  # and the exemptions name routes that exist
    gone = [(m, path) for m, path in tried if not any(m == k[0] and rx.match(path) for k, rx in patterns.items())]
    assert gone == []  # and the matrix tests no route that is gone


@pytest.fixture(scope="module")
def api(_schema):
    """One request in consultation, a token of gemeente Assen, and a client; for the module."""
    _empty_all_tables(_schema)
    _sync_regions(_schema)
    today = dutch_time.today()
    rid = new_request(types=("inzage",), received=today - timedelta(days=6),
                      registrations_=[("gemeente-assen", "Gegevens over wonen", "Huurachterstand.")])
    identify(rid, today - timedelta(days=5))
    with Session(_schema) as db:
        uid = db.exec(select(ConsultationTask).where(ConsultationTask.request_id == rid)).one().row_uid
        token = api_tokens.create_token(db, api_tokens.TokenInput(region="drenthe", partner="gemeente-assen",
                                                                  label="fuzz"),
                                        Principal(id="t", role=Role.administrator, all_regions=True), today).token
        db.commit()
    app = create_app(plain_http_settings(throttle_free_client=1_000_000))
    with TestClient(app, base_url="http://testserver") as client:
        spec = client.get("/api/v1/openapi.json").json()
        yield client, spec, uid, {"Authorization": f"Bearer {token}"}, rid
    _empty_all_tables(_schema)


def test_the_openapi_document_describes_every_operation(api):
    client, spec, *_ = api
    assert spec["info"]["title"] == "Rechtenloket partner-API"
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    operations = [(m, p, op) for p, item in spec["paths"].items() for m, op in item.items()]
    assert {(m, p) for m, p, _ in operations} == {
        ("get", "/tasks"), ("get", "/tasks/{task_id}"), ("put", "/tasks/{task_id}/draft"),
        ("post", "/tasks/{task_id}/answer"), ("post", "/requests")}
    for method, path, op in operations:
        assert op["summary"] and op["description"], (method, path)
        assert op["security"] == [{"HTTPBearer": []}], (method, path)
        assert {"401", "422", "429"} <= set(op["responses"]), (method, path)
        if "{task_id}" in path:
            assert "404" in op["responses"], (method, path)
        assert f"/api/v1{path}" in page.text and op["summary"] in page.text  # on the docs page too


JSON = st.recursive(st.none() | st.booleans() | st.integers(-2**40, 2**40) | st.text(max_size=30),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner,
                                                                                max_size=4), max_leaves=12)
ITEM = st.fixed_dictionaries({}, optional={
    "registration_id": st.integers(-5, 10**12) | st.text(max_size=5), "supplied_by_us": JSON, "correct": JSON,
    "correction": st.text(max_size=3000) | JSON, "withhold": JSON, "withhold_ground": st.text(max_size=80) | JSON,
    "explanation": st.text(max_size=50), "note": JSON})
ANSWER = st.fixed_dictionaries({}, optional={"answered_by": st.text(max_size=200) | JSON, "note": JSON,
                                             "items": st.lists(ITEM, max_size=3) | JSON})
SUBJECT = st.fixed_dictionaries({}, optional={"bsn": st.text("0123456789 .", max_size=12) | JSON,
                                              "name": st.text(max_size=250) | JSON,
                                              "birth_date": st.dates().map(str) | JSON, "address": JSON})
FORWARD = st.fixed_dictionaries({}, optional={
    "received_on": st.dates(date(1990, 1, 1), date(2200, 1, 1)).map(str) | JSON,
    "types": st.lists(st.sampled_from(["inzage", "correctie", "verwijdering", "beperking", "verzet", "x"]),
                      max_size=6) | JSON,
    "subject": SUBJECT | JSON, "representative": JSON, "region": JSON})
CALLS = st.one_of(
    st.tuples(st.just("put"), st.just("/tasks/{task_id}/draft"), ANSWER | JSON),
    st.tuples(st.just("post"), st.just("/tasks/{task_id}/answer"), ANSWER | JSON),
    st.tuples(st.just("post"), st.just("/requests"), FORWARD | JSON),
    st.tuples(st.just("get"), st.just("/tasks"),
              st.fixed_dictionaries({}, optional={"status": st.text(max_size=10), "overdue": st.text(max_size=6),
                                                  "reference": st.text(max_size=60)})),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          database=None)
@given(call=CALLS, other_task=st.booleans())
def test_whatever_a_partner_system_sends_the_answer_is_documented_and_dutch(api, call, other_task):
    client, spec, uid, auth, rid = api
    method, path, body = call
    task = "0" * 32 if other_task else uid
    url = "/api/v1" + path.replace("{task_id}", task)
    if method == "get":
        answer = client.get(url, params=body, headers=auth)
    else:
        answer = client.request(method.upper(), url, json=body, headers=auth)
    assert answer.status_code < 500, answer.text
    assert str(answer.status_code) in spec["paths"][path][method]["responses"], (answer.status_code, answer.text)
    assert answer.headers["content-type"].startswith("application/json")
    out = answer.json()
    if answer.status_code >= 400:
        assert isinstance(out["detail"], str) and re.search(r"\b(de|het|een|niet|is|uw)\b", out["detail"])
        if answer.status_code == 422:
            assert all(set(e) == {"field", "message"} and e["message"] for e in out["errors"])
    if answer.status_code == 201:  # a forwarded request: one for the ZVH, nothing else changed
        with Session(_engine()) as db:
            assert db.get(Request, out["request_id"]).received_by_partner_id is not None


def _engine():
    from models.db import get_engine

    return get_engine()
