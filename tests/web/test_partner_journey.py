"""The partner's journey in a real browser (Debian's headless Chromium, issue 11's "must
show"): the link from the consultation e-mail in the outbox, log in, the task page with only
the own organisation's registrations, a draft, a refused answer (errors next to the fields,
everything kept), the answer (one item incorrect with the right text, one withheld with a
ground and an explanation), the request advances (checked in the database), the task list
shows it answered, the spent link explains itself. axe-core on every page; screenshots of
every page under var/screenshots/partner-*.png."""
import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from sqlmodel import Session, select

from models import dutch_time
from models.actions.answers import AnswerInput, record_answer
from models.enums import RequestStatus, TaskStatus
from models.outbox import content_of
from models.partner_answers import load_draft
from models.tables import AuditEvent, ConsultationTask, ItemAnswer, OutboxMessage, Partner, Request
from tests.journey import identify, new_request
from tests.principals import TESTER
from tests.web.browser import check_accessibility, screenshot
from tests.web.helpers import PASSWORD, make_account
from web.audit import VIEWED

pytestmark = pytest.mark.browser

OWN = [("gemeente-assen", "Gegevens over wonen", "Huurachterstand van drie maanden bij Woonzorg."),
       ("gemeente-assen", "Gegevens over schulden", "Aangemeld bij schuldhulpverlening in 2025.")]
OTHER = ("ggz-drenthe", "Gegevens over zorg", "GEHEIM-VAN-GGZ behandeling")
CORRECTION = "Huurachterstand van één maand bij Woonzorg, inmiddels betaald."
EXPLANATION = "Wij laten dit gegeven nu niet zien, omdat het onderzoek naar uw schulden nog loopt."


def _link_in_outbox(engine, request_id: str) -> str:
    """The path of the task link in the consultation e-mail to gemeente Assen."""
    with Session(engine) as db:
        assen = db.exec(select(Partner).where(Partner.slug == OWN[0][0])).one()
        messages = db.exec(select(OutboxMessage).where(OutboxMessage.request_id == request_id,
                                                       OutboxMessage.kind == "consultatieverzoek")).all()
        assert len(messages) == 2  # one to each partner
        bodies = [content_of(m).html for m in messages if m.recipient in (assen.slug, assen.notification_address)]
    assert len(bodies) == 1, "one consultation e-mail to gemeente Assen"
    links = set(re.findall(r'href="(http[^"]+/taak/[^"]+)"', bodies[0]))
    assert len(links) == 1
    return urlsplit(links.pop()).path


def _answer_other_partner(engine, request_id: str, today: date) -> None:
    """GGZ Drenthe has answered already: after Assen's answer the request can advance."""
    with Session(engine) as db:
        ggz = db.exec(select(Partner).where(Partner.slug == OTHER[0])).one()
        from models.state import registrations
        regs = [r.id for r in registrations(db, db.get(Request, request_id)) if r.partner_id == ggz.id]
        record_answer(db, request_id, AnswerInput(partner=OTHER[0], answered_on=today, answered_by="ggz",
                                                  items=[{"registration_id": r, "supplied_by_us": True,
                                                          "correct": True} for r in regs]), TESTER, today)
        db.commit()


def test_partner_answers_a_task_from_the_link_in_the_email(loaded, live_server, page):
    today = dutch_time.today()
    rid = new_request(types=("inzage",), received=today - timedelta(days=6), registrations_=[*OWN, OTHER])
    identify(rid, today - timedelta(days=5))  # consulting: a task and an e-mail per partner
    other_org = new_request(types=("inzage",), received=today - timedelta(days=6),
                            subject={"bsn": "111222333", "name": "Andere Persoon", "birth_date": "1970-01-01",
                                     "address": "Elders 1, 9401 AA Assen"}, registrations_=[OTHER])
    identify(other_org, today - timedelta(days=5))  # a task of GGZ only: never in Assen's list
    _answer_other_partner(loaded, rid, today)
    with Session(loaded) as db:
        assert db.get(Request, rid).status == RequestStatus.consulting
    make_account(loaded, "p.assen", "partner", partner="gemeente-assen")
    path = _link_in_outbox(loaded, rid)

    def other_data_absent():
        body = page.content()
        assert "GEHEIM-VAN-GGZ" not in body and "Andere Persoon" not in body

    # the link from the e-mail: first the login page, then straight to the task
    page.goto(live_server + path)
    assert urlsplit(page.url).path == "/inloggen"  # (its axe check is in test_browser.py)
    page.fill("#veld-username", "p.assen")
    page.fill("#veld-password", PASSWORD)
    with page.expect_navigation():
        page.click("button:has-text('Inloggen')")
    assert re.fullmatch(re.escape(live_server) + r"/taken/[0-9a-f-]+", page.url), page.url
    task_url = page.url
    assert page.locator("h1").inner_text().startswith("Vraag ZVHD-")
    main = page.locator("main").inner_text()
    assert "Huurachterstand van drie maanden" in main and "schuldhulpverlening" in main
    assert "Fictieve Tester" in main  # whom it is about, as in the letter
    other_data_absent()
    check_accessibility(page)
    screenshot(page, "partner-taak")

    # item 1 is not correct (with the right text); item 2 is withheld (ground, explanation)
    page.check("input[name='items.0.supplied_by_us'][value='ja']")
    page.check("input[name='items.0.correct'][value='nee']")
    page.fill("textarea[name='items.0.correction']", CORRECTION)
    page.check("input[name='items.0.withhold'][value='nee']")
    page.check("input[name='items.1.supplied_by_us'][value='ja']")
    page.check("input[name='items.1.correct'][value='ja']")
    page.check("input[name='items.1.withhold'][value='ja']")
    page.fill("textarea[name='items.1.explanation']", EXPLANATION)
    page.fill("input[name='answered_by']", "J. de Vries")
    with page.expect_navigation():
        page.click("button:has-text('Concept opslaan')")
    assert "Uw concept is opgeslagen" in page.locator("main").inner_text()
    assert page.input_value("textarea[name='items.0.correction']") == CORRECTION  # the draft, reloaded
    with Session(loaded) as db:
        task = db.exec(select(ConsultationTask).where(ConsultationTask.request_id == rid,
                                                      ConsultationTask.partner_id != _ggz_id(db))).one()
        assert task.status == TaskStatus.open
        assert load_draft(db, task).items[1].explanation == EXPLANATION

    # submitting without the ground: the form comes back, the error next to the field, all kept
    with page.expect_navigation():
        page.click("button:has-text('Antwoord versturen')")
    assert page.title().startswith("Fout: ")
    ground = page.locator("select[name='items.1.withhold_ground']")
    assert ground.get_attribute("aria-invalid") == "true"
    error_id = ground.get_attribute("aria-describedby").split()[-1]
    assert page.locator(f"#{error_id}").inner_text().startswith("Fout:")
    assert page.locator("#foutmeldingen a").count() == 1
    assert page.input_value("textarea[name='items.1.explanation']") == EXPLANATION
    assert page.input_value("input[name='answered_by']") == "J. de Vries"
    with Session(loaded) as db:
        assert db.get(ConsultationTask, task.id).status == TaskStatus.open  # nothing saved
    check_accessibility(page)
    screenshot(page, "partner-taak-fout")

    # the error summary's link leads to the field; choose a ground and submit
    page.click("#foutmeldingen a")
    assert page.evaluate("() => document.activeElement.name") == "items.1.withhold_ground"
    ground_value = page.evaluate(
        "() => [...document.querySelector(\"select[name='items.1.withhold_ground']\").options]"
        ".map(o => o.value).find(v => v)")
    ground.select_option(ground_value)
    ground_label = ground.locator(f"option[value='{ground_value}']").inner_text().strip()
    with page.expect_navigation():
        page.click("button:has-text('Antwoord versturen')")
    assert page.url == task_url + "?verstuurd=1"
    main = page.locator("main").inner_text()
    assert "Uw antwoord is verstuurd" in main and "U hoeft nu niets meer te doen" in main  # what happens next
    assert CORRECTION in main and EXPLANATION in main
    assert f"om deze grond: {ground_label}" in main  # the ground's words, not its id
    other_data_absent()
    check_accessibility(page)
    screenshot(page, "partner-taak-verstuurd")

    # in the database: the answer per item, and the request has moved on
    with Session(loaded) as db:
        assert db.get(ConsultationTask, task.id).status == TaskStatus.answered
        assert db.get(Request, rid).status == RequestStatus.deliberating
        items = {a.registration_id: a for a in db.exec(select(ItemAnswer).where(ItemAnswer.task_id == task.id))}
        assert [(a.correct, a.correction) for a in items.values() if a.correction] == [(False, CORRECTION)]
        withheld = [a for a in items.values() if a.withhold]
        assert len(withheld) == 1 and withheld[0].withhold_ground == ground_value
        viewer = db.exec(select(AuditEvent).where(AuditEvent.action == VIEWED, AuditEvent.request_id == rid)).all()
        assert viewer and all(e.actor.startswith("partner:") and e.detail["task"] == task.id for e in viewer)

    # the task list: this task answered, GGZ's task not there at all
    page.click("nav a:has-text('Vragen aan uw organisatie')")
    page.wait_for_url(live_server + "/taken")
    rows = page.locator("main table tbody tr")
    assert rows.count() == 1
    assert "Beantwoord" in rows.first.inner_text()
    other_data_absent()
    check_accessibility(page)
    screenshot(page, "partner-taken")
    page.goto(live_server + "/taken?status=open")
    assert page.locator("main table tbody tr").count() == 0

    # the link from the e-mail is spent now: a Dutch page, no data
    page.goto(live_server + path)
    assert page.locator("h1").inner_text() == "Deze vraag is al beantwoord"
    assert "Fictieve Tester" not in page.content()
    check_accessibility(page)
    screenshot(page, "partner-link-gebruikt")

    # the coordinator reopens the answer: the partner reads why and starts from its answer
    from models.actions.answers import ReopenInput, reopen_answer

    with Session(loaded) as db:
        reopen_answer(db, rid, ReopenInput(partner="gemeente-assen", reason="Bij gegeven 2 ontbreekt de datum."),
                      TESTER, today)
        db.commit()
    page.goto(task_url)
    assert "Bij gegeven 2 ontbreekt de datum." in page.locator("main").inner_text()
    assert page.input_value("textarea[name='items.0.correction']") == CORRECTION
    check_accessibility(page)
    screenshot(page, "partner-taak-heropend")


def _ggz_id(db) -> int:
    return db.exec(select(Partner).where(Partner.slug == OTHER[0])).one().id


def test_partner_forwards_a_request_and_reads_the_api_docs(loaded, live_server, page):
    """The other partner pages in the browser: the forward form (with errors first), the
    forwarded request, the API's documentation; axe on each, the task list on a phone."""
    from flows.demo import demo_bsn

    make_account(loaded, "p.assen", "partner", partner="gemeente-assen")
    page.goto(live_server + "/inloggen?volgende=/doorsturen")
    page.fill("#veld-username", "p.assen")
    page.fill("#veld-password", PASSWORD)
    with page.expect_navigation():
        page.click("button:has-text('Inloggen')")
    assert page.url == live_server + "/doorsturen"
    check_accessibility(page)
    screenshot(page, "partner-doorsturen")

    page.fill("#veld-received_on", (dutch_time.today() + timedelta(days=3)).isoformat())  # in the future
    page.check("input[name='types'][value='inzage']")
    page.fill("#veld-subject-name", "Doorgestuurde Betrokkene")
    page.fill("#veld-subject-bsn", "123")
    with page.expect_navigation():
        page.click("button:has-text('Verzoek doorsturen')")
    assert page.title().startswith("Fout: ")
    summary = page.locator("#foutmeldingen li").all_inner_texts()  # all at once, in the form's order
    assert [t.split()[0] for t in summary] == ["Datum", "BSN", "Adres"], summary
    assert not summary[1].startswith("BSN: BSN")
    assert page.input_value("#veld-subject-name") == "Doorgestuurde Betrokkene"
    assert page.is_checked("input[name='types'][value='inzage']")
    with Session(loaded) as db:
        assert db.exec(select(Request)).all() == []
    check_accessibility(page)
    screenshot(page, "partner-doorsturen-fout")

    page.fill("#veld-received_on", (dutch_time.today() - timedelta(days=2)).isoformat())
    page.fill("#veld-subject-bsn", demo_bsn(9100))
    page.fill("#veld-subject-address", "Stationsstraat 1\n9401 KJ Assen")
    with page.expect_navigation():
        page.click("button:has-text('Verzoek doorsturen')")
    with Session(loaded) as db:
        [forwarded] = db.exec(select(Request)).all()
    assert page.url == f"{live_server}/doorgestuurd/{forwarded.id}"
    assert forwarded.reference in page.locator("main").inner_text()
    check_accessibility(page)
    screenshot(page, "partner-doorgestuurd")

    page.set_viewport_size({"width": 360, "height": 740})  # a phone: the task list reflows
    page.goto(live_server + "/taken")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    screenshot(page, "partner-taken-telefoon")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(live_server + "/api/v1/docs")
    assert page.locator("h1").count() == 1 and "/api/v1/tasks" in page.locator("main").inner_text()
    check_accessibility(page)
    screenshot(page, "api-docs")
