"""Role checks on the server, security headers on every response, oversized bodies, and
the Dutch error pages (never a traceback, never data)."""
import re

import pytest
from fastapi import Depends
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models.enums import Role
from models.principal import Principal
from models.tables import AuditEvent
from tests.web.helpers import csrf_of, login, make_account, plain_http_settings
from web.app import create_app
from web.auth import current_principal, require_roles

# Every other route must check a role. The task link checks its token itself (the token is
# the credential in regions that allow it; web/pages/tasks.py); the API's description is public.
PUBLIC = {"/inloggen", "/uitloggen", "/health", "/taak/{token}", "/api/v1/openapi.json", "/api/v1/docs"}


@pytest.fixture(scope="module")
def guarded_app():
    """The real app plus a few routes that exist only here, to reach every error path."""
    app = create_app(plain_http_settings(max_body_bytes=4096))

    @app.get("/proef/beheer")
    def admin_only(principal: Principal = Depends(require_roles(Role.administrator))):
        return {"actor": principal.actor}

    @app.post("/proef/beheer")
    def admin_post(principal: Principal = Depends(require_roles(Role.administrator))):
        return {"actor": principal.actor}

    @app.get("/proef/wie")
    def who(principal: Principal = Depends(current_principal)):
        return {"role": principal.role, "regions": sorted(principal.regions), "partner": principal.partner_slug}

    @app.get("/proef/kapot")
    def broken():
        raise ValueError("Jansen, BSN 123456782, Kerkstraat 1")

    @app.get("/proef/getal/{n}")
    def number(n: int):
        return {"n": n}

    return app


@pytest.fixture
def guarded(guarded_app, loaded):
    with TestClient(guarded_app) as c:
        yield c


def test_roles_are_checked_on_the_server(guarded, loaded):
    make_account(loaded, "coord.drenthe")
    make_account(loaded, "beheer.drenthe", "administrator")
    assert guarded.get("/proef/beheer", follow_redirects=False).status_code == 303  # anonymous GET: log in
    assert guarded.post("/proef/beheer", data={"csrf_token": csrf_of(guarded.get("/inloggen").text)}
                        ).status_code == 401
    login(guarded, "coord.drenthe")
    refused = guarded.get("/proef/beheer")
    assert refused.status_code == 403 and "Geen toegang" in refused.text
    guarded.cookies.clear()
    login(guarded, "beheer.drenthe")
    assert guarded.get("/proef/beheer").json()["actor"].startswith("administrator:")


def test_a_partner_user_is_a_principal_of_one_organisation(guarded, loaded):
    make_account(loaded, "p.ggz", "partner", regions=("drenthe",), partner="ggz-drenthe")
    login(guarded, "p.ggz")
    assert guarded.get("/proef/wie").json() == {"role": "partner", "regions": ["drenthe"], "partner": "ggz-drenthe"}


def test_every_route_checks_a_role_unless_it_is_public(web_app):
    """A guard for the routes still to come: each needs a role dependency, or a place in PUBLIC."""
    unchecked, seen = [], set()
    for route in _all_routes(web_app):
        dependant = getattr(route, "dependant", None)
        if dependant is None:  # mounts (the static files) and the API's OpenAPI document
            assert route.path.startswith("/static/") or route.path in PUBLIC, route.path
            continue
        seen.add(route.path)
        calls = set(_calls(dependant))
        checked = current_principal in calls or any(hasattr(c, "roles") for c in calls)
        if not checked and route.path not in PUBLIC:
            unchecked.append(route.path)
    assert unchecked == [] and {"/", "/inloggen", "/taken", "/api/v1/tasks"} <= seen


def _all_routes(app, prefix=""):
    """Every route, also those of included routers (newer FastAPI keeps them apart) and of
    mounted apps (the partner API), with their full paths."""
    from copy import copy

    from starlette.routing import Mount

    for route in app.routes:
        if isinstance(route, Mount) and getattr(route.app, "routes", None):
            yield from _all_routes(route.app, prefix + route.path)
            continue
        contexts = getattr(route, "effective_route_contexts", None)
        for one in (contexts() if contexts is not None else [route]):
            if prefix:
                one = copy(one)
                one.path = prefix + one.path
            yield one


def _calls(dependant):
    for dependency in dependant.dependencies:
        yield dependency.call
        yield from _calls(dependency)


def _assert_secure_headers(answer, static=False):
    headers = answer.headers
    csp = headers["content-security-policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-frame-options"] == "DENY"
    assert headers["cache-control"] == ("no-cache" if static else "no-store")
    assert "strict-transport-security" not in headers  # plain http here


def test_security_headers_on_every_kind_of_response(guarded, loaded):
    make_account(loaded, "coord.drenthe")
    responses = [guarded.get("/inloggen"), guarded.get("/bestaat-niet"), guarded.get("/health"),
                 guarded.get("/proef/kapot"), guarded.post("/inloggen"), guarded.get("/uitloggen"),
                 guarded.post("/inloggen", content=b"x" * 5000)]
    login(guarded, "coord.drenthe")
    responses += [guarded.get("/"), guarded.get("/proef/beheer")]
    assert [r.status_code for r in responses] == [200, 404, 200, 500, 403, 405, 413, 200, 403]
    assert responses[5].headers["allow"] == "POST"
    for answer in responses:
        _assert_secure_headers(answer)
    css = guarded.get("/static/nlds/components/index.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    _assert_secure_headers(css, static=True)


def test_hsts_behind_tls(loaded):
    with TestClient(create_app(plain_http_settings(behind_tls=True)), base_url="https://testserver") as c:
        assert c.get("/inloggen").headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"


def test_no_inline_script_or_style_in_any_template(project_root):
    """The CSP forbids them; a template that had one would break in the browser."""
    for path in (project_root / "templates" / "web").glob("*.j2"):
        text = path.read_text(encoding="utf-8")
        assert "<style" not in text and " style=" not in text, path.name
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path.name
        assert not re.search(r"\son[a-z]+=", text), path.name  # onclick= and friends


def test_an_oversized_body_is_refused_before_it_is_read(guarded, loaded):
    make_account(loaded, "coord.drenthe")
    token = csrf_of(guarded.get("/inloggen").text)
    events = _events(loaded)
    declared = guarded.post("/inloggen", content=b"a" * 5000,
                            headers={"content-type": "application/x-www-form-urlencoded"})
    assert declared.status_code == 413 and "Te veel gegevens" in declared.text

    def chunks():  # no Content-Length: counted while it arrives
        yield f"csrf_token={token}&username=coord.drenthe&password=".encode()
        for _ in range(10):
            yield b"b" * 1000

    streamed = guarded.post("/inloggen", content=chunks(),
                            headers={"content-type": "application/x-www-form-urlencoded"})
    assert streamed.status_code == 413
    assert guarded.post("/inloggen", content=b"x", headers={"content-length": "nonsense"}).status_code == 400
    assert _events(loaded) == events  # nothing recorded


def _events(engine):
    with Session(engine) as db:
        return len(db.exec(select(AuditEvent)).all())


@pytest.mark.parametrize("method,path,status,title", [
    ("get", "/bestaat-niet", 404, "Pagina niet gevonden"),
    ("get", "/uitloggen", 405, "Dit kan hier niet"),
    ("get", "/proef/getal/twee", 422, "Gegevens niet goed"),
    ("get", "/proef/kapot", 500, "Er ging iets mis"),
])
def test_error_pages_are_dutch_and_show_no_data(guarded, method, path, status, title):
    answer = getattr(guarded, method)(path)
    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("text/html")
    assert 'lang="nl"' in answer.text and f"<h1 class=\"utrecht-heading-1\">{title}</h1>" in answer.text
    for leak in ("Traceback", "ValueError", "Jansen", "123456782", "twee", "File \""):
        assert leak not in answer.text


def test_a_server_error_has_a_code_for_the_administrator(guarded, caplog):
    answer = guarded.get("/proef/kapot")
    code = re.search(r'<code class="utrecht-code">([0-9a-f]{8})</code>', answer.text).group(1)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert code in logged and "ValueError" in logged
    assert "Jansen" not in logged and "123456782" not in logged  # where, not what


def test_unauthenticated_post_gets_the_401_page(guarded):
    token = csrf_of(guarded.get("/inloggen").text)
    answer = guarded.post("/proef/beheer", data={"csrf_token": token})
    assert answer.status_code == 401 and "U bent niet ingelogd" in answer.text
