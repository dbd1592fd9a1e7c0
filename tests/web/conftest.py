"""Fixtures of the web app's tests: the app and a test client (FastAPI's TestClient), and
for the browser tests a live server (uvicorn on a random 127.0.0.1 port, in this process)
with one headless Chromium for the whole session (tests/web/browser.py).

Reuse them for the partner, coordinator and manager journeys:

    def test_journey(loaded, live_server, page):
        make_account(loaded, "p.partner", "partner", partner="ggz-drenthe")
        page.goto(live_server + "/inloggen")
        ...
        check_accessibility(page)
        screenshot(page, "partner-taak")
"""
import pytest
from fastapi.testclient import TestClient

from tests.web.helpers import plain_http_settings
from web.app import create_app


@pytest.fixture(scope="session")
def web_app():
    return create_app(plain_http_settings())


@pytest.fixture
def client(web_app, loaded):
    """A browser-like client on empty tables with the regions loaded."""
    with TestClient(web_app, base_url="http://testserver") as c:
        yield c


@pytest.fixture(scope="session")
def live_server(_schema):
    """The real app under uvicorn on a random port of 127.0.0.1; yields its base URL."""
    from tests.web import formdemo
    from tests.web.browser import serve

    app = create_app(plain_http_settings())
    app.include_router(formdemo.router)  # /proef/formulier: every form macro, for the axe check
    with serve(app) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def browser():
    from tests.web.browser import launch

    with launch() as chromium:
        yield chromium


@pytest.fixture
def page(browser):
    """A fresh browser context (no cookies) and page; fails the test on a CSP violation or a
    script error in the page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    yield page
    context.close()
    assert not problems, problems
