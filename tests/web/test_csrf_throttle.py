"""CSRF on every state-changing form, and login throttling across processes."""
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models.tables import AuditEvent, LoginThrottle, WebSession
from tests.web.helpers import PASSWORD, csrf_of, login, make_account, plain_http_settings
from web.app import create_app
from web.throttle import account_key


def _count(engine, table):
    with Session(engine) as db:
        return len(db.exec(select(table)).all())


def test_login_without_or_with_a_foreign_token_is_refused_and_changes_nothing(client, loaded):
    make_account(loaded, "coord.drenthe")
    client.get("/inloggen")
    events = _count(loaded, AuditEvent)
    bare = client.post("/inloggen", data={"username": "coord.drenthe", "password": PASSWORD})
    other = TestClient(client.app)
    foreign = csrf_of(other.get("/inloggen").text)  # a valid token, of another browser
    crossed = client.post("/inloggen", data={"csrf_token": foreign, "username": "coord.drenthe",
                                             "password": PASSWORD})
    malformed = client.post("/inloggen", data={"csrf_token": "0" * 64, "username": "coord.drenthe",
                                               "password": PASSWORD})
    for answer in (bare, crossed, malformed):
        assert answer.status_code == 403
        assert "Formulier niet geaccepteerd" in answer.text and 'lang="nl"' in answer.text
        assert "rl_session" not in answer.cookies
    assert _count(loaded, AuditEvent) == events  # no login, no failed login, nothing
    assert _count(loaded, WebSession) == 0 and _count(loaded, LoginThrottle) == 0


def test_logout_needs_the_token_of_its_own_session(client, loaded):
    make_account(loaded, "coord.drenthe")
    make_account(loaded, "coord.twee")
    login(client, "coord.drenthe")
    other = TestClient(client.app)
    login(other, "coord.twee")
    foreign = csrf_of(other.get("/").text)
    for data in ({}, {"csrf_token": foreign}, {"csrf_token": ""}):
        answer = client.post("/uitloggen", data=data, follow_redirects=False)
        assert answer.status_code == 403, data
    assert _count(loaded, WebSession) == 2  # both still signed in
    assert client.get("/").status_code == 200
    # the token may also come as a header (progressive enhancement), never in the URL
    header = client.post("/uitloggen", headers={"X-CSRF-Token": csrf_of(client.get("/").text)},
                         follow_redirects=False)
    assert header.status_code == 303 and _count(loaded, WebSession) == 1


def test_the_token_changes_at_login(client, loaded):
    make_account(loaded, "coord.drenthe")
    before = csrf_of(client.get("/inloggen").text)
    login(client, "coord.drenthe")
    after = csrf_of(client.get("/").text)
    assert before != after
    assert client.post("/uitloggen", data={"csrf_token": before}).status_code == 403


def _throttle_app(**changes):
    return create_app(plain_http_settings(throttle_free_account=3, throttle_free_client=5, **changes))


def test_an_account_is_locked_after_failures_also_for_the_right_password(loaded):
    make_account(loaded, "coord.drenthe")
    with TestClient(_throttle_app()) as c:
        for _ in range(3):
            assert login(c, "coord.drenthe", "fout-fout-fout-fout").status_code == 401
        locked = login(c, "coord.drenthe")
        assert locked.status_code == 429
        assert "te veel mislukte pogingen" in locked.text and "rl_session" not in locked.cookies
    with Session(loaded) as db:
        rows = db.exec(select(LoginThrottle)).all()
        failures = db.exec(select(AuditEvent).where(AuditEvent.action == "auth.login_failed")).all()
    # stored under keyed hashes: neither the name nor the address in the clear
    assert all(len(r.key) == 64 and "coord" not in r.key and "testclient" not in r.key for r in rows)
    assert [e.detail["locked"] for e in failures] == [False, False, True]  # the lock is in the trail

    # another process (a second app instance) honours the same lock
    with TestClient(_throttle_app()) as other:
        assert login(other, "coord.drenthe").status_code == 429

    # when the lock has passed, the right password works and clears the account's count
    with Session(loaded) as db:
        for row in db.exec(select(LoginThrottle).where(LoginThrottle.locked_until.is_not(None))):
            row.locked_until = row.locked_until - timedelta(hours=1)
            db.add(row)
        db.commit()
    with TestClient(_throttle_app()) as c:
        assert login(c, "coord.drenthe").status_code == 303
    with Session(loaded) as db:
        assert db.get(LoginThrottle, account_key("coord.drenthe")) is None


def test_the_back_off_doubles(loaded):
    make_account(loaded, "coord.drenthe")
    with TestClient(_throttle_app(throttle_base_seconds=30)) as c:
        waits = []
        for _ in range(3):
            login(c, "coord.drenthe", "fout-fout-fout-fout")
        for _ in range(2):
            with Session(loaded) as db:
                row = db.get(LoginThrottle, account_key("coord.drenthe"))
                waits.append(row.locked_until - row.window_started_at)
                row.locked_until = row.window_started_at  # let the next attempt through
                db.add(row)
                db.commit()
            login(c, "coord.drenthe", "fout-fout-fout-fout")
    # measured from the window's first failure, so the seconds the failed logins took are in
    # it too (argon2 on a busy machine): 30 s, then 60 s, plus that
    first, second = (w.total_seconds() for w in waits)
    assert 30 <= first < 40 and 60 <= second < 75, waits


def test_a_client_address_is_locked_across_names(loaded):
    """Trying many names from one address (password spraying) locks the address."""
    make_account(loaded, "coord.drenthe")
    with TestClient(_throttle_app()) as c:
        statuses = [login(c, f"naam{i}", "fout-fout-fout-fout").status_code for i in range(5)]
        assert statuses == [401] * 5
        assert login(c, "coord.drenthe").status_code == 429
