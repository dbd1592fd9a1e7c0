"""The whole journey in headless Chromium (issue 12): the coordinator registers a request
and records the identity check, the partner answers in the portal, the coordinator records
the forum's decision, the signatory approves and sends the reply, and the manager's list
shows the request closed on time. axe-core on every page (0 serious or critical), the CSP
holds (the ``page`` fixture), screenshots in var/screenshots/werkbank-*.png.

One test, one live server (the session's): every page of the workbench is visited once."""

import pytest
from sqlmodel import Session, select

from models import dutch_time
from models.actions.intake import RegistrationInput, SubjectInput, add_registration
from models.db import session_scope
from models.tables import AuditEvent, Letter
from models.tables import Request as RequestRow
from tests.principals import TESTER
from tests.web.browser import check_accessibility, screenshot
from tests.web.helpers import PASSWORD, make_account

pytestmark = pytest.mark.browser

BSN = "111222333"
NAME = "Fictieve Proefpersoon"


def _login(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/inloggen")
    page.fill("#veld-username", username)
    page.fill("#veld-password", PASSWORD)
    page.click("button:has-text('Inloggen')")
    page.wait_for_url(base + "/")


def _look(page, name: str) -> None:
    check_accessibility(page)
    screenshot(page, f"werkbank-{name}")


def test_coordinator_partner_signatory_manager_journey(loaded, live_server, page):
    base = live_server
    today = dutch_time.today()
    for username, role, partner in [("w.coord", "coordinator", None), ("w.onderteken", "signatory", None),
                                    ("w.manager", "manager", None), ("w.assen", "partner", "gemeente-assen"),
                                    ("w.fg", "auditor", None)]:
        make_account(loaded, username, role, partner=partner)
    subject = SubjectInput(bsn=BSN, name=NAME, address="Proefweg 3, 9401 AA Assen")
    with session_scope() as s:  # what the ZVH holds about the betrokkene (supplied by one partner)
        add_registration(s, RegistrationInput(region="drenthe", subject=subject, casus="ZVHD-2025-0099",
                                              partner="gemeente-assen", category="Gegevens over wonen",
                                              description="Huurachterstand bij de woningcorporatie."), TESTER, today)

    # --- the coordinator registers the request
    _login(page, base, "w.coord")
    page.click("nav[aria-label='Menu'] >> text=Nieuw verzoek")
    _look(page, "registreren")
    page.click("button:has-text('Verzoek registreren')")  # empty: errors, nothing saved
    assert page.title().startswith("Fout: ")
    _look(page, "registreren-fout")
    page.check("#veld-types")  # inzage
    page.fill("#veld-subject-name", NAME)
    page.fill("#veld-subject-bsn", BSN)
    page.fill("#veld-subject-address", "Proefweg 3\n9401 AA Assen")
    page.click("button:has-text('Verzoek registreren')")
    page.wait_for_url(f"{base}/verzoeken/*")
    assert "Het verzoek is geregistreerd." in page.inner_text("main")
    request_id = page.url.split("/verzoeken/")[1].split("?")[0]
    assert "wacht op identificatie" in page.inner_text("main")
    assert NAME in page.inner_text("main")  # the coordinator sees personal data (a logged view)
    _look(page, "verzoek-nieuw")

    # the same BSN again: the open request is shown before anything is saved
    page.goto(base + "/verzoeken-nieuw")
    page.check("#veld-types")
    page.fill("#veld-subject-name", NAME)
    page.fill("#veld-subject-bsn", BSN)
    page.fill("#veld-subject-address", "Proefweg 3\n9401 AA Assen")
    page.click("button:has-text('Verzoek registreren')")
    assert "al een open verzoek" in page.inner_text("main")
    _look(page, "registreren-dubbel")
    with Session(loaded) as db:
        assert len(db.exec(select(RequestRow)).all()) == 1

    # --- the letter alone does not show who sent it: the reason, then the invitation (issue 18 point 3)
    page.goto(f"{base}/verzoeken/{request_id}")
    page.click("text=Identiteit nog niet vast te stellen: reden vastleggen")
    _look(page, "identiteit-reden")
    page.check("#veld-reason-5")  # another reason, without the text it needs: refused
    page.click("button:has-text('Reden vastleggen en uitnodiging versturen')")
    assert page.title().startswith("Fout: ")
    _look(page, "identiteit-reden-fout")
    page.check("#veld-reason-4")  # sensitive data: a letter alone is not enough
    page.click("button:has-text('Reden vastleggen en uitnodiging versturen')")
    page.wait_for_url(f"{base}/verzoeken/{request_id}?gedaan=identiteit-reden")
    assert "De uitnodiging om langs te komen is verstuurd" in page.inner_text("main")
    assert "De termijn staat stil sinds" in page.inner_text("main")

    # --- the identity check
    page.goto(f"{base}/verzoeken/{request_id}")
    page.click("text=Identificatie vastleggen")
    _look(page, "identiteit")
    page.fill("#veld-officer", "procesregisseur")
    page.select_option("#veld-document_type", "paspoort")
    page.fill("#veld-document_last_digits", "48")
    page.click("button:has-text('Identificatie vastleggen')")
    page.wait_for_url(f"{base}/verzoeken/{request_id}?gedaan=identiteit")
    assert "partners geraadpleegd" in page.inner_text("main")
    _look(page, "verzoek-raadpleging")

    # --- the partner answers in the portal
    _login(page, base, "w.assen")
    page.goto(base + "/taken")
    page.click("table a")
    page.check("#veld-items-0-supplied_by_us")  # ja
    page.check("#veld-items-0-correct")  # ja
    page.check("#veld-items-0-withhold")  # nee, the betrokkene may see it
    page.fill("#veld-answered_by", "A. Jansen")
    page.click("button:has-text('Antwoord versturen')")
    # The page after the answer, not the form still loaded: the answer is committed and the
    # request carried on before the redirect (wait_for_load_state alone could return at once).
    page.wait_for_url(lambda url: "verstuurd=1" in url)
    assert "Uw antwoord is verstuurd." in page.inner_text("main")
    _look(page, "partner-verstuurd")

    # --- the coordinator records the decision
    _login(page, base, "w.coord")
    page.goto(f"{base}/verzoeken/{request_id}")
    assert "wacht op besluit" in page.inner_text("main")
    page.click("text=Besluit van het")
    _look(page, "besluit")
    page.check("#veld-decisions-0-outcome")  # toegewezen, for the whole request
    page.click("button:has-text('Besluit vastleggen')")
    page.wait_for_url(f"{base}/verzoeken/{request_id}?gedaan=besluit")
    text = page.inner_text("main")
    assert "antwoord klaar voor goedkeuring" in text and "Een ondertekenaar moet het antwoord goedkeuren" in text
    _look(page, "verzoek-antwoord-klaar")

    # the reply as printed: its page, the HTML and the PDF; its free text
    page.click("table >> text=bekijken >> nth=-1")
    _look(page, "brief")
    letter_url = page.url
    pdf = page.request.get(letter_url + "/brief.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    page.click("text=Eigen tekst in de brief aanpassen")
    page.fill("#veld-intro_text", "Dank voor uw geduld.")
    _look(page, "brief-tekst")
    page.click("button:has-text('Tekst opslaan')")
    page.wait_for_url(f"{base}/verzoeken/{request_id}?gedaan=tekst")
    with Session(loaded) as db:
        reply = db.exec(select(Letter).where(Letter.request_id == request_id, Letter.reply.is_(True))).one()
        assert "Dank voor uw geduld." in reply.html and reply.status == "draft"

    # --- the signatory approves, then sends
    _login(page, base, "w.onderteken")
    page.goto(f"{base}/verzoeken/{request_id}")
    page.click("button:has-text('Antwoorden goedkeuren')")
    page.wait_for_url(f"{base}/verzoeken/{request_id}?gedaan=goedgekeurd")
    _look(page, "verzoek-goedgekeurd")
    page.click("button:has-text('Antwoorden versturen')")
    page.wait_for_url(f"{base}/verzoeken/{request_id}?gedaan=verstuurd")
    assert "afgesloten" in page.inner_text("main")

    # --- the manager: closed on time, references not names until a logged read
    _login(page, base, "w.manager")
    page.click("nav[aria-label='Menu'] >> text=Open verzoeken")
    section = page.inner_text("main")
    assert "Onlangs afgesloten" in section and "Afgerond op tijd" in section and NAME not in section
    _look(page, "dashboard")
    page.click("text=Onlangs afgesloten >> xpath=.. >> table a")
    assert NAME not in page.inner_text("main")
    _look(page, "verzoek-manager")
    page.select_option("#persoonsgegevens", "kwaliteit")
    page.click("button:has-text('Persoonsgegevens openen')")
    assert NAME in page.inner_text("main")
    with Session(loaded) as db:
        reads = [e.detail for e in db.exec(select(AuditEvent).where(AuditEvent.request_id == request_id,
                                                                    AuditEvent.action == "page.viewed"))]
        assert {"page": "request.personal", "reason": "kwaliteit"} in [
            {k: d.get(k) for k in ("page", "reason")} for d in reads]
    page.goto(f"{base}/verzoeken/{request_id}/tijdlijn")
    assert "Verzonden" in page.inner_text("main") or "verzonden" in page.inner_text("main").lower()
    _look(page, "tijdlijn")
    page.click("nav[aria-label='Menu'] >> text=Statistiek")
    assert "Afgehandeld" in page.inner_text("main")
    _look(page, "statistiek")

    # --- the FG: who looked at this betrokkene's data (the BSN posted, never in the URL)
    _login(page, base, "w.fg")
    page.click("nav[aria-label='Menu'] >> text=Verwerkingenlogboek")
    _look(page, "verwerkingenlogboek")
    page.fill("#veld-bsn", BSN)
    page.click("button:has-text('Logboek tonen')")
    assert BSN not in page.url
    shown = page.inner_text("main")
    assert "manager, account" in shown
    assert "automatische stap" in shown and "de keten van het logboek is in orde" in shown.lower()
    _look(page, "verwerkingenlogboek-regels")
    with page.expect_download() as download:
        page.click("button:has-text('Download als CSV')")
    assert download.value.suggested_filename.endswith(".csv")
