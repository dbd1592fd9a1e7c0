"""In a real browser (Debian's headless Chromium): keyboard only, axe-core on every page
(0 serious or critical WCAG 2.1 AA violations), the CSP holds (the ``page`` fixture fails
on a violation), screenshots in var/screenshots/."""
import pytest

from tests.web.browser import check_accessibility, screenshot
from tests.web.helpers import PASSWORD, make_account

pytestmark = pytest.mark.browser


def _focused(page) -> str:
    return page.evaluate("() => { const e = document.activeElement; return e.id || e.tagName + ':' + e.textContent.trim(); }")


def test_keyboard_only_login_journey(loaded, live_server, page):
    make_account(loaded, "coord.drenthe")
    page.goto(live_server + "/")
    assert page.url.startswith(live_server + "/inloggen?volgende=")
    check_accessibility(page)
    screenshot(page, "inloggen")
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    screenshot(page, "inloggen-telefoon")
    page.set_viewport_size({"width": 1280, "height": 900})

    # the first Tab reaches the skip link, which is then visible, and leads to the content
    page.keyboard.press("Tab")
    assert _focused(page) == "A:Direct naar de inhoud"
    assert page.locator(".utrecht-skip-link").is_visible()
    screenshot(page, "inloggen-skiplink")
    page.keyboard.press("Enter")
    assert _focused(page) == "inhoud"
    page.keyboard.press("Tab")
    assert _focused(page) == "veld-username"

    # a form with an error: the summary has focus, its link leads to the field
    page.keyboard.type("coord.drenthe")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.title() == "Fout: Inloggen - Rechtenloket"
    assert _focused(page) == "foutmeldingen"
    assert page.input_value("#veld-username") == "coord.drenthe"  # kept
    check_accessibility(page)
    screenshot(page, "inloggen-fout")
    page.keyboard.press("Tab")
    assert _focused(page) == "A:Wachtwoord mag niet leeg zijn"
    page.keyboard.press("Enter")
    assert _focused(page) == "veld-password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(live_server + "/")
    assert page.locator("h1").inner_text() == "Welkom bij Rechtenloket"
    check_accessibility(page)
    screenshot(page, "start-coordinator")

    # out again, by keyboard: skip link, logo, logout
    for expected in ("A:Direct naar de inhoud", "A:Rechtenloket\n            Zorg- en Veiligheidshuizen"):
        page.keyboard.press("Tab")
        assert " ".join(_focused(page).split()) == " ".join(expected.split())
    page.keyboard.press("Tab")
    assert _focused(page) == "BUTTON:Uitloggen"
    page.keyboard.press("Enter")
    page.wait_for_url(live_server + "/inloggen?uitgelogd=1")
    assert "U bent uitgelogd." in page.locator("main").inner_text()
    check_accessibility(page)


def test_other_pages_pass_the_accessibility_check(loaded, live_server, page):
    make_account(loaded, "p.ggz", "partner", partner="ggz-drenthe")
    page.goto(live_server + "/inloggen")
    page.fill("#veld-username", "p.ggz")
    page.fill("#veld-password", PASSWORD)
    page.click("button:has-text('Inloggen')")
    page.wait_for_url(live_server + "/")
    check_accessibility(page)
    screenshot(page, "start-partner")

    page.goto(live_server + "/bestaat-niet")
    check_accessibility(page)
    screenshot(page, "fout-404")

    page.set_viewport_size({"width": 360, "height": 740})  # a phone: the page reflows (WCAG 1.4.10)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    screenshot(page, "fout-404-telefoon")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(live_server + "/proef/formulier")
    check_accessibility(page)
    page.fill("#veld-received_on", "2999-01-01")
    page.check("#veld-types")
    with page.expect_navigation():
        page.click("button:has-text('Doorsturen')")
    assert page.locator("#foutmeldingen li").count() == 5  # date, channel, region, name, address
    check_accessibility(page)
    screenshot(page, "formulier-fouten")


def test_the_region_page_passes_the_accessibility_check(loaded, live_server, page):
    """The administrator's region page and a group form with an error (issue 18 point 12)."""
    from sqlalchemy import text

    make_account(loaded, "beheer.drenthe", "administrator", regions=("drenthe",))
    page.goto(live_server + "/inloggen")
    page.fill("#veld-username", "beheer.drenthe")
    page.fill("#veld-password", PASSWORD)
    page.click("button:has-text('Inloggen')")
    page.wait_for_url(live_server + "/")
    page.click("a:has-text('Regiogegevens')")
    page.wait_for_url(live_server + "/regio/drenthe")
    check_accessibility(page)
    screenshot(page, "regio-beheerder")
    page.goto(live_server + "/regio/drenthe/briefhoofd")
    page.fill("#veld-letterhead-phone", "12")
    with page.expect_navigation():
        page.click("button:has-text('Opslaan en bevestigen')")
    assert page.locator("#veld-letterhead-phone-fout").is_visible()
    check_accessibility(page)
    screenshot(page, "regio-formulier-fout")
    page.fill("#veld-letterhead-phone", "0592 123 456")
    with page.expect_navigation():
        page.click("button:has-text('Opslaan en bevestigen')")
    assert "Opgeslagen: Briefhoofd en contact." in page.locator("main").inner_text()
    check_accessibility(page)
    with loaded.begin() as conn:
        conn.execute(text("DELETE FROM regionfact"))
        conn.execute(text("DELETE FROM regionfactstamp"))
    from models import region_config

    region_config.forget_facts()
