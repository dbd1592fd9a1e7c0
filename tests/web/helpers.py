"""Helpers for the web tests: accounts, logging in through the real form, the CSRF token
of a page."""
import re
from typing import Optional

from sqlmodel import Session

from models.accounts import AccountInput, add_account
from models.enums import Role
from models.principal import Principal
from web.settings import WebSettings

PASSWORD = "een-lang-wachtwoord"
ADMIN = Principal(id="test", role=Role.administrator, all_regions=True)
_CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')


def plain_http_settings(**changes) -> WebSettings:
    """Settings for plain-http tests (no Secure cookie, no HSTS); ``changes`` override."""
    return WebSettings(_env_file=None, **{"behind_tls": False, **changes})


def make_account(engine, username: str, role: str = "coordinator", regions=("drenthe",),
                 partner: Optional[str] = None, password: str = PASSWORD) -> str:
    """An account through the same function as ``rechtenloket user add``; returns its id."""
    with Session(engine) as db:
        account = add_account(db, AccountInput(username=username, role=role, regions=list(regions),
                                               partner=partner), password, ADMIN)
        db.commit()
        return account.id


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "the page has no CSRF field"
    return match.group(1)


def login(client, username: str, password: str = PASSWORD, next_: str = "/"):
    """Log in through the real form (GET for the token, then POST); the unfollowed answer."""
    page = client.get("/inloggen")
    return client.post("/inloggen", data={"csrf_token": csrf_of(page.text), "username": username,
                                          "password": password, "volgende": next_},
                       follow_redirects=False)


def post_form(client, path: str, data: dict, token_from: str = "/"):
    """POST a form with the CSRF token of a page the same client just saw."""
    page = client.get(token_from)
    return client.post(path, data={"csrf_token": csrf_of(page.text), **data}, follow_redirects=False)
