"""The partner portal and API through HTTP (FastAPI's TestClient, real database): every read
of personal data is in the audit trail; a submitted answer changes only after the
coordinator reopens it; forwarding a request (bad input keeps everything and saves nothing;
the clock starts at the partner's date); the task list's reminder and escalation states.
The authorization matrix (test_authorization_matrix.py) checks who may reach what."""
from datetime import date, timedelta

from sqlmodel import Session, func, select

from flows.demo import demo_bsn
from models import api_tokens, dutch_time
from models.actions.answers import ReopenInput, reopen_answer
from models.enums import RequestStatus, Role, TaskStatus
from models.principal import Principal
from models.tables import AuditEvent, ConsultationTask, Partner, Request
from tests.journey import identify, new_request
from tests.principals import TESTER
from tests.web.helpers import csrf_of, login, make_account
from web.audit import VIEWED

TODAY = dutch_time.today()
ASSEN = [("gemeente-assen", "Gegevens over wonen", "Huurachterstand van drie maanden."),
         ("gemeente-assen", "Gegevens over schulden", "Schuldhulpverlening sinds 2025.")]
ADMIN = Principal(id="test", role=Role.administrator, all_regions=True)


def _setup(engine, registrations=ASSEN, days_ago=6):
    rid = new_request(types=("inzage",), received=TODAY - timedelta(days=days_ago), registrations_=registrations)
    identify(rid, TODAY - timedelta(days=5))
    with Session(engine) as db:
        assen = db.exec(select(Partner).where(Partner.slug == "gemeente-assen")).one()
        task = db.exec(select(ConsultationTask).where(ConsultationTask.request_id == rid,
                                                      ConsultationTask.partner_id == assen.id)).one()
        from models.state import registrations as regs_of
        regs = [r.id for r in regs_of(db, db.get(Request, rid)) if r.partner_id == assen.id]
        token = api_tokens.create_token(db, api_tokens.TokenInput(region="drenthe", partner="gemeente-assen",
                                                                  label="test"), ADMIN, TODAY).token
        db.commit()
        return rid, task.row_uid, task.id, regs, token


def _views(engine, request_id=None) -> list[AuditEvent]:
    with Session(engine) as db:
        query = select(AuditEvent).where(AuditEvent.action == VIEWED)
        if request_id:
            query = query.where(AuditEvent.request_id == request_id)
        return list(db.exec(query.order_by(AuditEvent.seq)))


def _answer(regs, **changes) -> dict:
    return {"answered_by": "J. de Vries", "items": [
        {"registration_id": r, "supplied_by_us": True, "correct": True, "withhold": False} for r in regs], **changes}


def test_every_read_of_personal_data_is_audited_with_the_principal(client, loaded):
    rid, uid, task_id, regs, token = _setup(loaded)
    account = make_account(loaded, "p.assen", "partner", partner="gemeente-assen")
    login(client, "p.assen")

    # the list shows references and dates only: no record, and no name on it
    listing = client.get("/taken")
    assert listing.status_code == 200 and "Fictieve Tester" not in listing.text
    assert _views(loaded) == []

    page = client.get(f"/taken/{uid}")
    assert "Fictieve Tester" in page.text and "Huurachterstand" in page.text
    [seen] = _views(loaded, rid)
    assert seen.actor == f"partner:{account}" and seen.detail == {"page": "task", "task": task_id}

    # a form that comes back with errors shows the data again: recorded as well
    refused = client.post(f"/taken/{uid}", data={"csrf_token": csrf_of(page.text), "actie": "versturen"})
    assert refused.status_code == 422 and "Huurachterstand" in refused.text
    assert _views(loaded, rid)[-1].detail == {"page": "task", "task": task_id, "form": "refused"}

    # the API: the same record, with the token's principal
    api = client.get(f"/api/v1/tasks/{uid}", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200 and api.json()["betrokkene"]["name"] == "Fictieve Tester"
    last = _views(loaded, rid)[-1]
    assert last.actor.startswith("partner:") and last.actor != seen.actor
    assert last.detail == {"page": "api.task", "task": task_id}
    assert len(_views(loaded)) == 3
    # nothing personal in the trail itself
    assert all("Fictieve" not in str(e.detail) and "Huur" not in str(e.detail) for e in _views(loaded))


def test_a_submitted_answer_changes_only_after_the_coordinator_reopens_it(client, loaded):
    rid, uid, task_id, regs, token = _setup(loaded)
    auth = {"Authorization": f"Bearer {token}"}
    sent = client.post(f"/api/v1/tasks/{uid}/answer", json=_answer(regs), headers=auth)
    assert sent.status_code == 200, sent.text
    assert sent.json()["repeated"] is False and "u hoeft nu niets meer te doen" in sent.json()["detail"]
    with Session(loaded) as db:
        assert db.get(Request, rid).status == RequestStatus.deliberating  # the only partner: it advanced

    # the same answer again is the same answer; another answer or a draft is refused (409)
    assert client.post(f"/api/v1/tasks/{uid}/answer", json=_answer(regs), headers=auth).json()["repeated"] is True
    changed = client.post(f"/api/v1/tasks/{uid}/answer", json=_answer(regs, answered_by="iemand anders"),
                          headers=auth)
    assert changed.status_code == 409 and "heropenen" in changed.json()["detail"]
    assert client.put(f"/api/v1/tasks/{uid}/draft", json={"note": "toch"}, headers=auth).status_code == 409
    make_account(loaded, "p.assen", "partner", partner="gemeente-assen")
    login(client, "p.assen")
    page = client.get(f"/taken/{uid}")
    assert "Antwoord versturen" not in page.text and "U heeft deze vraag beantwoord" in page.text
    by_form = client.post(f"/taken/{uid}", data={"csrf_token": csrf_of(page.text), "actie": "concept"})
    assert by_form.status_code == 409 and "al beantwoord" in by_form.text

    # the coordinator reopens it: the partner sees why, starts from its answer, sends again
    with Session(loaded) as db:
        reopen_answer(db, rid, ReopenInput(partner="gemeente-assen", reason="Gegeven 2 klopt volgens de "
                                           "betrokkene niet."), TESTER, TODAY)
        db.commit()
        assert db.get(ConsultationTask, task_id).status == TaskStatus.open
        assert db.get(Request, rid).status == RequestStatus.consulting
    page = client.get(f"/taken/{uid}")
    assert "heeft uw antwoord heropend" in page.text and "Gegeven 2 klopt volgens de betrokkene niet." in page.text
    assert 'value="J. de Vries"' in page.text  # the earlier answer, as the draft
    again = client.post(f"/api/v1/tasks/{uid}/answer",
                        json=_answer(regs, answered_by="J. de Vries", note="Gegeven 2 aangepast."), headers=auth)
    assert again.status_code == 200 and again.json()["repeated"] is False
    with Session(loaded) as db:
        assert db.get(ConsultationTask, task_id).status == TaskStatus.answered


FORWARD = {"received_on": (TODAY - timedelta(days=3)).isoformat(), "types": ["inzage", "correctie"],
           "subject.name": "Doorgestuurde Betrokkene", "subject.bsn": demo_bsn(9001), "subject.birth_date": "1985-03-04",
           "subject.address": "Stationsstraat 1, 9401 KJ Assen"}


def _requests(engine) -> int:
    with Session(engine) as db:
        return db.exec(select(func.count()).select_from(Request)).one()


def test_forwarding_keeps_what_was_typed_on_bad_input_and_starts_the_clock_at_the_partners_date(client, loaded):
    make_account(loaded, "p.assen", "partner", partner="gemeente-assen")
    login(client, "p.assen")
    form = client.get("/doorsturen")
    csrf = csrf_of(form.text)

    bad = {**FORWARD, "received_on": (TODAY + timedelta(days=2)).isoformat(), "subject.bsn": "12345",
           "subject.address": ""}
    refused = client.post("/doorsturen", data={"csrf_token": csrf, **bad}, follow_redirects=False)
    assert refused.status_code == 422
    html = refused.text
    for field in ("received_on", "subject-bsn", "subject-address"):  # all errors at once, each next to its field
        assert f'id="veld-{field}-fout"' in html, field
        assert f'href="#veld-{field}"' in html  # and in the summary, with a link to the field
    assert 'value="Doorgestuurde Betrokkene"' in html and 'value="12345"' in html  # kept
    assert 'value="correctie" checked' in html
    assert _requests(loaded) == 0  # nothing saved

    done = client.post("/doorsturen", data={"csrf_token": csrf, **FORWARD}, follow_redirects=False)
    assert done.status_code == 303
    shown = client.get(done.headers["location"])
    with Session(loaded) as db:
        [row] = db.exec(select(Request)).all()
        assen = db.exec(select(Partner).where(Partner.slug == "gemeente-assen")).one()
        assert (row.received_by_partner_id, row.forwarded_on) == (assen.id, TODAY)
        assert row.first_received_on == TODAY - timedelta(days=3)  # the clock starts at the partner
        reference = row.reference
    assert reference in shown.text  # the partner sees the reference
    assert _views(loaded, row.id)[-1].detail == {"page": "forwarded"}
    # the same request forwarded twice is one request
    client.post("/doorsturen", data={"csrf_token": csrf, **FORWARD}, follow_redirects=False)
    assert _requests(loaded) == 1


def test_the_task_list_shows_reminders_escalations_and_filters(client, loaded):
    rid, uid, task_id, regs, token = _setup(loaded)
    late_rid, late_uid, late_id, _, _ = _setup(loaded, registrations=[ASSEN[0]], days_ago=7)
    with Session(loaded) as db:
        late = db.get(ConsultationTask, late_id)
        late.due_on, late.reminded_on, late.escalated_on = TODAY - timedelta(days=1), TODAY - timedelta(days=4), TODAY
        db.add(late)
        db.commit()
    make_account(loaded, "p.assen", "partner", partner="gemeente-assen")
    login(client, "p.assen")
    everything = client.get("/taken").text
    assert everything.count('href="/taken/') == 2
    overdue = client.get("/taken?te_laat=ja").text
    assert f'href="/taken/{late_uid}"' in overdue and f'href="/taken/{uid}"' not in overdue
    api = client.get("/api/v1/tasks?overdue=true", headers={"Authorization": f"Bearer {token}"}).json()["tasks"]
    assert [(t["id"], t["overdue"], t["reminded_on"], t["escalated_on"]) for t in api] == [
        (late_uid, True, (TODAY - timedelta(days=4)).isoformat(), TODAY.isoformat())]
    state = api[0]["state"]
    assert state in overdue  # the same words on the page as in the API


def test_a_region_may_let_the_link_alone_open_its_one_task(client, loaded, tmp_path, monkeypatch):
    """Region config ``portal.task_link_without_login`` (off in every shipped region): the
    link from the letter opens that one task without an account, until it is answered."""
    import shutil

    from models import task_links
    from models.settings import get_settings

    config = tmp_path / "config"
    shutil.copytree(get_settings().config_dir, config)
    with open(config / "regions" / "drenthe.yaml", "a", encoding="utf-8") as f:
        f.write("\nportal:\n  task_link_without_login: true\n  reason: Besloten door de stuurgroep (test).\n")
    monkeypatch.setenv("RECHTENLOKET_CONFIG_DIR", str(config))
    get_settings.cache_clear()
    try:
        rid, uid, task_id, regs, _ = _setup(loaded)
        with Session(loaded) as db:
            link = f"/taak/{task_links.token_for(db.get(ConsultationTask, task_id))}"
        page = client.get(link)
        assert page.status_code == 200 and "U gebruikt de link uit de brief" in page.text
        assert "Huurachterstand" in page.text
        assert _views(loaded, rid)[-1].actor.startswith("partner:")  # the link's principal, on record
        assert client.get(f"/taken/{uid}", follow_redirects=False).status_code == 303  # nothing else opens

        form = {"csrf_token": csrf_of(page.text), "answered_by": "J. de Vries"}
        for n, r in enumerate(regs):
            form |= {f"items.{n}.registration_id": str(r), f"items.{n}.supplied_by_us": "ja",
                     f"items.{n}.correct": "ja", f"items.{n}.withhold": "nee"}
        draft = client.post(link, data={**form, "actie": "concept"}, follow_redirects=False)
        assert (draft.status_code, draft.headers["location"]) == (303, f"{link}?opgeslagen=1")
        sent = client.post(link, data={**form, "actie": "versturen"}, follow_redirects=False)
        assert sent.status_code == 200 and "De link in de brief werkt nu niet meer" in sent.text
        with Session(loaded) as db:
            assert db.get(ConsultationTask, task_id).status == TaskStatus.answered
        spent = client.get(link)
        assert spent.status_code == 410 and "Huurachterstand" not in spent.text
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def test_the_demo_partner_has_work_to_do(client, loaded):
    """``make run`` in demo mode prints demo.partner (gemeente Assen), who can log in; the
    demo seeds (``make demo``, flows/demo.py) give it fresh, reminded, overdue and answered
    tasks. Pure checks of the seeds: playing them is what test_examples.py does per scenario."""
    from flows.demo import DEMO_PARTNER, PARTNER_CASES, partner_scenarios
    from web.demo import demo_accounts, password_of

    assert any("demo.partner" in line and password_of("demo.partner") in line and DEMO_PARTNER in line
               for line in demo_accounts())
    assert login(client, "demo.partner", password_of("demo.partner")).status_code == 303
    assert client.get("/taken").status_code == 200
    scenarios = partner_scenarios(TODAY)
    assert len(scenarios) == len(PARTNER_CASES) == 5
    ages = sorted(days for days, *_ in PARTNER_CASES)
    assert ages[0] < 7 < 14 < ages[-1]  # from days to weeks old: fresh, reminded, late
    assert any(answered for *_, answered in PARTNER_CASES)
    assert all(any(e.do == "answer" for e in s.events) == case[-1] for s, case in zip(scenarios, PARTNER_CASES))
