"""Login, logout, sessions (fixation, timeouts, disabled accounts) and the audit events of
signing in, through the real pages."""
import hashlib
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models.accounts import disable_account
from models.tables import AuditEvent, WebSession
from models.tables.common import utcnow
from tests.web.helpers import ADMIN, PASSWORD, csrf_of, login, make_account, plain_http_settings
from web.app import create_app
from web.sessions import as_utc

COOKIE = "rl_session"


def _events(engine, action):
    with Session(engine) as db:
        return db.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def test_anonymous_page_goes_to_login_and_back(client, loaded):
    make_account(loaded, "coord.drenthe")
    first = client.get("/", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/inloggen?volgende=%2F"
    page = client.get(first.headers["location"])
    assert page.status_code == 200 and 'lang="nl"' in page.text and "<h1" in page.text
    answer = login(client, "Coord.Drenthe", next_="/")  # names are not case-sensitive
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    start = client.get("/")
    assert start.status_code == 200 and "Ingelogd als <strong>coord.drenthe</strong>" in start.text


def test_after_login_only_local_paths(client, loaded):
    make_account(loaded, "coord.drenthe")
    for target, expected in [("https://evil.example/", "/"), ("//evil.example", "/"), ("/\\evil", "/"),
                             ("/inloggen", "/"), ("/?tab=1", "/?tab=1")]:
        answer = login(client, "coord.drenthe", next_=target)
        assert answer.headers["location"] == expected, target
        client.cookies.clear()


def test_wrong_password_and_unknown_name_look_the_same(client, loaded):
    account_id = make_account(loaded, "coord.drenthe")
    wrong = login(client, "coord.drenthe", "niet-het-goede-wachtwoord")
    unknown = login(client, "niemand.bekend", "niet-het-goede-wachtwoord")
    assert wrong.status_code == unknown.status_code == 401
    message = "De gebruikersnaam of het wachtwoord klopt niet."
    assert message in wrong.text and message in unknown.text
    assert COOKIE not in wrong.cookies and COOKIE not in unknown.cookies
    failed = _events(loaded, "auth.login_failed")
    assert [(e.actor, e.detail["reason"], e.detail["account"]) for e in failed] == [
        ("anonymous", "wrong_password", account_id), ("anonymous", "unknown_account", None)]
    assert all("niemand" not in str(e.detail) and "coord" not in str(e.detail) for e in failed)
    assert failed[1].detail["name_key"] != failed[0].detail["name_key"]


def test_login_makes_a_new_session_and_logout_ends_it(client, loaded):
    account_id = make_account(loaded, "coord.drenthe")
    planted = "a" * 43  # an id an attacker set in the victim's browser before login
    client.cookies.set(COOKIE, planted)
    answer = login(client, "coord.drenthe")
    raw = answer.cookies[COOKIE]
    assert raw != planted and len(raw) >= 43
    with Session(loaded) as db:
        rows = db.exec(select(WebSession)).all()
    # only a hash of the id is stored, never the id itself
    assert [r.id_hash for r in rows] == [hashlib.sha256(raw.encode()).hexdigest()]
    assert rows[0].account_id == account_id
    assert _events(loaded, "auth.login")[0].actor == f"coordinator:{account_id}"

    # the planted id is no session
    attacker = TestClient(client.app)
    attacker.cookies.set(COOKIE, planted)
    assert attacker.get("/", follow_redirects=False).status_code == 303

    # logging in again replaces the old session with another new one
    second = login(client, "coord.drenthe")
    assert second.cookies[COOKIE] != raw
    with Session(loaded) as db:
        assert len(db.exec(select(WebSession)).all()) == 1

    page = client.get("/")
    out = client.post("/uitloggen", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/inloggen?uitgelogd=1"
    with Session(loaded) as db:
        assert db.exec(select(WebSession)).all() == []
    assert _events(loaded, "auth.logout")[0].actor == f"coordinator:{account_id}"
    # the old cookie, replayed, opens nothing
    replay = TestClient(client.app)
    replay.cookies.set(COOKIE, second.cookies[COOKIE])
    assert replay.get("/", follow_redirects=False).status_code == 303
    assert "U bent uitgelogd." in client.get("/inloggen?uitgelogd=1").text


def _age_session(engine, **moved):
    with Session(engine) as db:
        row = db.exec(select(WebSession)).one()
        for field, delta in moved.items():
            setattr(row, field, getattr(row, field) - delta)
        db.add(row)
        db.commit()


def test_idle_timeout(client, loaded):
    make_account(loaded, "coord.drenthe")
    login(client, "coord.drenthe")
    _age_session(loaded, last_seen_at=timedelta(minutes=29))
    assert client.get("/").status_code == 200  # still within 30 minutes, and touched now
    with Session(loaded) as db:
        assert utcnow() - as_utc(db.exec(select(WebSession)).one().last_seen_at) < timedelta(minutes=1)
    _age_session(loaded, last_seen_at=timedelta(minutes=31))
    assert client.get("/", follow_redirects=False).status_code == 303
    with Session(loaded) as db:
        assert db.exec(select(WebSession)).all() == []  # deleted, not only refused


def test_idle_session_says_why_on_the_login_page(client, loaded):
    make_account(loaded, "coord.drenthe")
    login(client, "coord.drenthe")
    _age_session(loaded, last_seen_at=timedelta(minutes=31))
    page = client.get("/inloggen")
    assert "U was te lang niet actief" in page.text
    assert 'rl_session=""' in page.headers["set-cookie"]  # the browser forgets it


def test_absolute_timeout_even_when_active(client, loaded):
    make_account(loaded, "coord.drenthe")
    login(client, "coord.drenthe")
    _age_session(loaded, created_at=timedelta(hours=12, seconds=1))  # last seen just now
    answer = client.get("/", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].endswith("&reden=maximum")
    assert "U was te lang ingelogd" in client.get(answer.headers["location"]).text


def test_a_form_sent_after_the_session_ended_changes_nothing(client, loaded):
    make_account(loaded, "coord.drenthe")
    login(client, "coord.drenthe")
    token = csrf_of(client.get("/").text)
    _age_session(loaded, last_seen_at=timedelta(hours=1))
    before = len(_events(loaded, "auth.logout"))
    answer = client.post("/uitloggen", data={"csrf_token": token})
    assert answer.status_code == 401 and "Uw sessie is verlopen" in answer.text
    assert len(_events(loaded, "auth.logout")) == before


def test_a_disabled_account_is_signed_out_and_cannot_log_in(client, loaded):
    make_account(loaded, "coord.drenthe")
    login(client, "coord.drenthe")
    assert client.get("/").status_code == 200
    with Session(loaded) as db:
        disable_account(db, "coord.drenthe", ADMIN)
        db.commit()
    assert client.get("/", follow_redirects=False).status_code == 303
    client.cookies.clear()
    refused = login(client, "coord.drenthe")
    assert refused.status_code == 401
    assert _events(loaded, "auth.login_failed")[-1].detail["reason"] == "disabled"


def test_a_login_lasts_across_app_instances(loaded):
    """Sessions are in the database: a second web-app instance knows them."""
    make_account(loaded, "coord.drenthe")
    one, two = create_app(plain_http_settings()), create_app(plain_http_settings())
    with TestClient(one) as a, TestClient(two) as b:
        login(a, "coord.drenthe")
        b.cookies.set(COOKIE, a.cookies[COOKIE])
        assert b.get("/").status_code == 200


def test_behind_tls_the_cookie_is_secure_and_host_only(loaded):
    make_account(loaded, "coord.drenthe")
    app = create_app(plain_http_settings(behind_tls=True))
    with TestClient(app, base_url="https://testserver") as c:
        page = c.get("/inloggen")
        assert "__Host-rl_anon=" in page.headers["set-cookie"] and "Secure" in page.headers["set-cookie"]
        answer = c.post("/inloggen", data={"csrf_token": csrf_of(page.text), "username": "coord.drenthe",
                                           "password": PASSWORD}, follow_redirects=False)
        cookie = next(v for v in answer.headers.get_list("set-cookie") if v.startswith("__Host-rl_session="))
        for attribute in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
            assert attribute in cookie
        assert "Domain" not in cookie
        assert c.get("/").status_code == 200
