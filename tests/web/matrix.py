"""The authorization matrix of the web app: every route × principal × token state, the status
each combination must get, and whose data may appear in its answer.

A *world* (``build_world``) is one database with two partner organisations of Drenthe,
A (gemeente Assen) and B (GGZ Drenthe), each with tasks, drafts, links, API tokens and
forwarded requests, and distinctive strings planted in everything each organisation
supplied or typed (``World.planted``). ``run_cell`` sends one route as one principal with
one token state, and ``check_cell`` compares the status with the route's expectation and
searches the whole response body for every planted string that does not belong to the
organisation the call legitimately acts for (``Route.owner``): not one byte of another
organisation's data, on any route, by any principal, with any token.

Extending it (the coordinator workbench, the manager dashboard): add ``Route`` rows with an
``expect`` function (the builders ``page``, ``link`` and ``api`` cover the usual shapes),
add principals to ``PRINCIPALS`` and ``ACCOUNTS``, and plant their data in ``build_world``.

Token states: for the link routes the token is the task link in the path; for the API the
API token in the ``Authorization`` header; every other page gets the API token in the header
too (a token never opens a page) and every API call carries the principal's session cookie
(a session never opens the API).
"""
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Callable, Optional

from sqlmodel import Session, select

from models import api_tokens, dutch_time, portal, task_links
from models.actions.answers import AnswerInput, record_answer
from models.enums import Role
from models.partner_answers import AnswerForm
from models.principal import Principal
from models.tables import ConsultationTask, Partner, TaskLink
from tests.principals import TESTER
from tests.web.helpers import csrf_of, login, make_account

PRINCIPALS = ("partner_a", "partner_b", "coordinator_other_region", "manager", "auditor", "anonymous")
TOKENS = ("valid_a", "expired", "reused", "for_b", "none", "malformed")
STAFF = ("coordinator_other_region", "manager", "auditor")
ORG_OF_PRINCIPAL = {"partner_a": "A", "partner_b": "B"}
ORG_OF_TOKEN = {"valid_a": "A", "for_b": "B"}

REGION = "drenthe"
PARTNER_A, PARTNER_B = "gemeente-assen", "ggz-drenthe"
#: principal -> (username, role, regions, partner)
ACCOUNTS = {
    "partner_a": ("matrix.a", Role.partner, ("drenthe",), PARTNER_A),
    "partner_b": ("matrix.b", Role.partner, ("drenthe",), PARTNER_B),
    "coordinator_other_region": ("matrix.coord.fryslan", Role.coordinator, ("fryslan",), None),
    "manager": ("matrix.manager", Role.manager, ("drenthe",), None),
    "auditor": ("matrix.fg", Role.auditor, ("drenthe",), None),
    "coordinator": ("matrix.coord", Role.coordinator, ("drenthe",), None),
    "signatory": ("matrix.onderteken", Role.signatory, ("drenthe",), None),
    "administrator": ("matrix.beheer", Role.administrator, ("drenthe",), None),
    "administrator_other_region": ("matrix.beheer.fryslan", Role.administrator, ("fryslan",), None),
}
#: The workbench's routes (tests/web/test_workbench_matrix.py) are asked of these too.
WORKBENCH_PRINCIPALS = (*PRINCIPALS, "coordinator", "signatory", "administrator", "administrator_other_region")


def partner_principal(slug: str) -> Principal:
    return Principal(id=f"matrix-{slug}", role=Role.partner, regions=frozenset({REGION}), partner_slug=slug)


@dataclass
class World:
    task_a: str  # A's open task (request 1)
    task_b: str  # B's open task (request 1)
    regs_a: list[int]  # A's registrations in request 1
    regs_b: list[int]
    forwarded_a: str  # request ids forwarded by A and by B
    forwarded_b: str
    links: dict[str, str] = field(default_factory=dict)  # token state -> task link token
    api: dict[str, str] = field(default_factory=dict)  # token state -> API token
    planted: dict[str, set[str]] = field(default_factory=dict)  # organisation -> strings
    request_1: str = ""  # the request of A's and B's tasks (the workbench's routes)
    letter_1: int = 0  # its receipt letter
    subjects: dict[str, list[str]] = field(default_factory=dict)  # pseudonym -> name and BSN

    def values(self, token: str) -> dict:
        return {"task_a": self.task_a, "task_b": self.task_b, "forwarded_a": self.forwarded_a,
                "forwarded_b": self.forwarded_b, "token": self.links.get(token, ""), "request_1": self.request_1,
                "letter_1": self.letter_1, "reg_a": self.regs_a[0] if self.regs_a else 0}


def _subject(n: int, name: str) -> dict:
    from flows.demo import demo_bsn

    return {"bsn": demo_bsn(7000 + n), "name": name, "birth_date": "1980-05-0" + str(1 + n % 9),
            "address": f"Planteweg {n}, 9401 AA Assen"}


def build_world(engine, today: Optional[date] = None) -> World:
    """The matrix's database (on empty tables with the regions loaded)."""
    from tests.journey import identify, new_request

    today = today or dutch_time.today()
    received, checked = today - timedelta(days=5), today - timedelta(days=4)
    planted = {"A": {"PLANT-A-one", "PLANT-A-three", "PLANT-A-four", "Aart Alleenvana", "Adriaan Verlopena",
                     "Plantina Gedeeld", "Fenna Doorvana"},
               "B": {"PLANT-B-one", "PLANT-B-two", "PLANT-B-draft", "Bertha Alleenvanb", "Plantina Gedeeld",
                     "Bram Doorvanb"}}

    def request(n, name, regs, types=("inzage",)):
        rid = new_request(types=types, received=received, subject=_subject(n, name), registrations_=regs)
        identify(rid, checked)
        return rid

    shared = request(1, "Plantina Gedeeld", [(PARTNER_A, "Gegevens over wonen", "PLANT-A-one huurachterstand"),
                                             (PARTNER_B, "Gegevens over zorg", "PLANT-B-one behandeling")])
    only_b = request(2, "Bertha Alleenvanb", [(PARTNER_B, "Gegevens over zorg", "PLANT-B-two opname")])
    answered = request(3, "Aart Alleenvana", [(PARTNER_A, "Gegevens over inkomen", "PLANT-A-three uitkering")])
    expired = request(4, "Adriaan Verlopena", [(PARTNER_A, "Gegevens over jeugd", "PLANT-A-four melding")])

    with Session(engine, expire_on_commit=False) as db:
        partners = {p.slug: p.id for p in db.exec(select(Partner).where(Partner.region_id == REGION))}

        def task(rid, slug):
            return db.exec(select(ConsultationTask).where(ConsultationTask.request_id == rid,
                                                          ConsultationTask.partner_id == partners[slug])).one()

        task_a, task_b = task(shared, PARTNER_A), task(shared, PARTNER_B)
        view_a, view_b = portal.task_view(db, task_a, today), portal.task_view(db, task_b, today)
        spent, old = task(answered, PARTNER_A), task(expired, PARTNER_A)
        record_answer(db, answered, AnswerInput(
            partner=PARTNER_A, answered_on=today, answered_by="medewerker A", note="PLANT-A-three",
            items=[{"registration_id": r.id, "supplied_by_us": True, "correct": True}
                   for r in portal.task_view(db, spent, today).registrations]), TESTER, today)
        link = db.exec(select(TaskLink).where(TaskLink.task_id == old.id)).one()
        link.expires_on = today - timedelta(days=1)
        db.add(link)
        b = partner_principal(PARTNER_B)
        assert not portal.save_draft(db, b, task_b, AnswerForm(note="PLANT-B-draft", items=[
            {"registration_id": r.id, "note": "PLANT-B-draft"} for r in view_b.registrations]))
        fwd = {}
        for slug, name, n in ((PARTNER_A, "Fenna Doorvana", 5), (PARTNER_B, "Bram Doorvanb", 6)):
            recorded, problems = portal.forward_request(db, partner_principal(slug), portal.ForwardForm(
                received_on=today - timedelta(days=1), types=["inzage"], subject=_subject(n, name)), today)
            assert not problems
            fwd[slug] = recorded.request_id
        admin = Principal(id="matrix", role=Role.administrator, all_regions=True)

        def token(slug, days=None):
            return api_tokens.create_token(db, api_tokens.TokenInput(region=REGION, partner=slug, label="matrix",
                                                                     days=days), admin, today - timedelta(days=5))
        api = {"valid_a": token(PARTNER_A).token, "for_b": token(PARTNER_B).token,
               "expired": token(PARTNER_A, days=1).token, "malformed": "rlp_kort"}
        revoked = token(PARTNER_A)
        api_tokens.revoke_token(db, revoked.id, admin)
        api["reused"] = revoked.token
        db.commit()
        links = {"valid_a": task_links.token_for(task_a), "for_b": task_links.token_for(task_b),
                 "expired": task_links.token_for(old), "reused": task_links.token_for(spent),
                 "malformed": "geen-token", "none": ""}
        from models.tables import Letter

        letter = db.exec(select(Letter).where(Letter.request_id == shared).order_by(Letter.id)).first()
        return World(task_a=task_a.row_uid, task_b=task_b.row_uid, regs_a=view_a.own_ids, regs_b=view_b.own_ids,
                     forwarded_a=fwd[PARTNER_A], forwarded_b=fwd[PARTNER_B], links=links, api=api, planted=planted,
                     request_1=shared, letter_1=letter.id)


def make_accounts(engine) -> None:
    for username, role, regions, partner in ACCOUNTS.values():
        make_account(engine, username, role.value, regions=regions, partner=partner)


class Clients:
    """One TestClient per principal, each logged in once, each with its CSRF token."""

    def __init__(self, app):
        from fastapi.testclient import TestClient

        self.by_principal, self.csrf = {}, {}
        for principal in WORKBENCH_PRINCIPALS:
            client = TestClient(app, base_url="http://testserver")
            client.__enter__()
            if principal in ACCOUNTS:
                assert login(client, ACCOUNTS[principal][0]).status_code == 303
                self.csrf[principal] = csrf_of(client.get("/").text)
            else:
                self.csrf[principal] = csrf_of(client.get("/inloggen").text)
            self.by_principal[principal] = client

    def close(self):
        for client in self.by_principal.values():
            client.__exit__(None, None, None)


# ------------------------------------------------------------------ the routes

Expect = Callable[[str, str], int]


def page(ok: dict[str, int], method: str = "GET", anonymous: Optional[int] = None) -> Expect:
    """A page for signed-in people: ``ok`` per principal; the other roles 403; anonymous: a GET
    goes to the login page (303), a POST gets 401. The token is irrelevant."""
    def expect(principal: str, token: str) -> int:
        if principal == "anonymous":
            return anonymous or (303 if method == "GET" else 401)
        return ok.get(principal, 403)
    return expect


def link(method: str = "GET", without_login: bool = False) -> Expect:
    """The task link: its state first, then who opens it."""
    def expect(principal: str, token: str) -> int:
        if token in ("none", "malformed"):  # no token: no such page; not a token: "link werkt niet"
            return 404
        if token in ("expired", "reused"):
            return 410
        owner = ORG_OF_TOKEN[token]
        if principal == "anonymous":
            if without_login:
                return 200 if method == "GET" else 303
            return 303 if method == "GET" else 401
        if ORG_OF_PRINCIPAL.get(principal) == owner:
            return 303
        return 403
    return expect


def api(ok: dict[str, int]) -> Expect:
    """An API route: only the header token counts (``ok`` per token state, the others 401)."""
    def expect(principal: str, token: str) -> int:
        return ok.get(token, 401)
    return expect


def public(status: int = 200) -> Expect:
    return lambda principal, token: status


def owner_by_principal(principal: str, token: str) -> Optional[str]:
    return ORG_OF_PRINCIPAL.get(principal)


def owner_by_token(principal: str, token: str) -> Optional[str]:
    return ORG_OF_TOKEN.get(token)


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    path: str  # with {task_a}, {task_b}, {token}, {forwarded_a}, {forwarded_b}
    expect: Expect
    kind: str = "page"  # page, link (token in the path) or api (token in the header)
    form: Optional[Callable[[World], dict]] = None  # a page form (CSRF added)
    json: Optional[Callable[[World], dict]] = None  # an API body
    owner: Callable[[str, str], Optional[str]] = owner_by_principal  # whose data may appear
    # A planted string per organisation that a successful (200) answer must show its owner:
    # proof that the search for other organisations' strings is not looking at empty pages.
    shows: dict[str, str] = field(default_factory=dict)


def _full_answer(regs: list[int], **changes) -> dict:
    items = [{"registration_id": r, "supplied_by_us": True, "correct": True, "withhold": False} for r in regs]
    return {"answered_by": "matrix", "items": items, **changes}


def _answer_form(regs: list[int], actie: str, complete: bool = True) -> dict:
    data = {"actie": actie, "answered_by": "matrix" if complete else ""}
    for n, r in enumerate(regs):
        data |= {f"items.{n}.registration_id": str(r), f"items.{n}.supplied_by_us": "ja",
                 f"items.{n}.correct": "ja", f"items.{n}.withhold": "nee"}
    return data


PARTNERS_OK = {"partner_a": 200, "partner_b": 200}
ROUTES: list[Route] = [
    Route("start", "GET", "/", page({p: 200 for p in ACCOUNTS})),
    Route("task list", "GET", "/taken", page(PARTNERS_OK)),
    Route("task list filtered", "GET", "/taken?status=open&te_laat=ja&kenmerk=ZVHD", page(PARTNERS_OK)),
    Route("task A", "GET", "/taken/{task_a}", page({"partner_a": 200, "partner_b": 404}),
          shows={"A": "PLANT-A-one"}),
    Route("task B", "GET", "/taken/{task_b}", page({"partner_a": 404, "partner_b": 200}),
          shows={"B": "PLANT-B-one"}),
    Route("answer A, incomplete", "POST", "/taken/{task_a}", page({"partner_a": 422, "partner_b": 404}, "POST"),
          form=lambda w: _answer_form(w.regs_a, "versturen", complete=False)),
    Route("draft of B", "POST", "/taken/{task_b}", page({"partner_a": 404, "partner_b": 303}, "POST"),
          form=lambda w: {**_answer_form(w.regs_b, "concept"), "note": "PLANT-B-draft"}),
    Route("answer B, without a name", "POST", "/taken/{task_b}", page({"partner_a": 404, "partner_b": 422}, "POST"),
          form=lambda w: _answer_form(w.regs_b, "versturen", complete=False)),
    Route("task link", "GET", "/taak/{token}", link(), kind="link"),
    Route("answer by link", "POST", "/taak/{token}", link("POST"), kind="link",
          form=lambda w: _answer_form(w.regs_a, "concept")),
    Route("forward form", "GET", "/doorsturen", page(PARTNERS_OK)),
    Route("forward, empty", "POST", "/doorsturen", page({"partner_a": 422, "partner_b": 422}, "POST"),
          form=lambda w: {"received_on": ""}),
    Route("forwarded by A", "GET", "/doorgestuurd/{forwarded_a}", page({"partner_a": 200, "partner_b": 404})),
    Route("forwarded by B", "GET", "/doorgestuurd/{forwarded_b}", page({"partner_a": 404, "partner_b": 200})),
    Route("api tasks", "GET", "/api/v1/tasks", api({"valid_a": 200, "for_b": 200}), kind="api",
          owner=owner_by_token),
    Route("api tasks filtered", "GET", "/api/v1/tasks?status=open&overdue=false", api({"valid_a": 200, "for_b": 200}),
          kind="api", owner=owner_by_token),
    Route("api task A", "GET", "/api/v1/tasks/{task_a}", api({"valid_a": 200, "for_b": 404}), kind="api",
          owner=owner_by_token, shows={"A": "PLANT-A-one"}),
    Route("api task B", "GET", "/api/v1/tasks/{task_b}", api({"valid_a": 404, "for_b": 200}), kind="api",
          owner=owner_by_token, shows={"B": "PLANT-B-draft"}),
    Route("api draft A", "PUT", "/api/v1/tasks/{task_a}/draft", api({"valid_a": 200, "for_b": 404}), kind="api",
          json=lambda w: {"note": "matrix", "items": [{"registration_id": r} for r in w.regs_a]},
          owner=owner_by_token),
    Route("api draft B", "PUT", "/api/v1/tasks/{task_b}/draft", api({"valid_a": 404, "for_b": 200}), kind="api",
          json=lambda w: {"note": "PLANT-B-draft", "items": [{"registration_id": r, "note": "PLANT-B-draft"}
                                                             for r in w.regs_b]}, owner=owner_by_token),
    Route("api answer A, without a name", "POST", "/api/v1/tasks/{task_a}/answer", api({"valid_a": 422, "for_b": 404}),
          kind="api", json=lambda w: _full_answer(w.regs_a, answered_by=None), owner=owner_by_token),
    Route("api answer B, without a name", "POST", "/api/v1/tasks/{task_b}/answer", api({"valid_a": 404, "for_b": 422}),
          kind="api", json=lambda w: _full_answer(w.regs_b, answered_by=None), owner=owner_by_token),
    Route("api answer B naming a registration not its own", "POST", "/api/v1/tasks/{task_b}/answer",
          api({"valid_a": 404, "for_b": 422}), kind="api",
          json=lambda w: _full_answer(w.regs_b, items=[{"registration_id": 999999, "supplied_by_us": True}]),
          owner=owner_by_token),
    Route("api forward, empty", "POST", "/api/v1/requests", api({"valid_a": 422, "for_b": 422}), kind="api",
          json=lambda w: {}, owner=owner_by_token),
    Route("api openapi", "GET", "/api/v1/openapi.json", public(), kind="api", owner=lambda p, t: None),
    Route("api docs", "GET", "/api/v1/docs", public(), kind="api", owner=lambda p, t: None),
]


def run_cell(clients: Clients, world: World, route: Route, principal: str, token: str):
    client = clients.by_principal[principal]
    path = route.path.format(**world.values(token))
    headers = {}
    if route.kind != "link" and token != "none":
        headers["Authorization"] = f"Bearer {world.api[token]}"
    if route.form is not None:
        data = {"csrf_token": clients.csrf[principal], **route.form(world)}
        return client.request(route.method, path, data=data, headers=headers, follow_redirects=False)
    if route.json is not None:
        return client.request(route.method, path, json=route.json(world), headers=headers, follow_redirects=False)
    return client.request(route.method, path, headers=headers, follow_redirects=False)


def check_cell(world: World, route: Route, principal: str, token: str, answer) -> list[str]:
    """What is wrong with one answer (empty: nothing)."""
    problems = []
    expected = route.expect(principal, token)
    if answer.status_code != expected:
        problems.append(f"{route.name} / {principal} / {token}: {answer.status_code}, expected {expected}")
    owner = route.owner(principal, token)
    if owner == "ALL":  # staff of the region (the workbench): every organisation's data
        allowed = set().union(*world.planted.values())
    else:
        allowed = world.planted.get(owner, set()) if owner else set()
    body = answer.text
    for org, strings in world.planted.items():
        for planted in strings - allowed:
            if planted in body:
                problems.append(f"{route.name} / {principal} / {token}: shows {planted!r} of {org}")
    if answer.status_code == 200 and owner in route.shows and route.shows[owner] not in body:
        problems.append(f"{route.name} / {principal} / {token}: does not show {route.shows[owner]!r}")
    if route.kind == "api" and route.path.startswith("/api/v1/") and "docs" not in route.path:
        if not answer.headers.get("content-type", "").startswith("application/json"):
            problems.append(f"{route.name} / {principal} / {token}: not JSON")
    return problems


# ------------------------------------------------------------------ the workbench (issue 12)


def staff_owner(principal: str, token: str) -> Optional[str]:
    """On the workbench the coordinator, the signatory and the FG of the region see every
    organisation's data; the manager none (references, not names); the rest nothing."""
    return "ALL" if principal in ("coordinator", "signatory", "auditor") else None


READ = {"coordinator": 200, "signatory": 200, "manager": 200, "auditor": 200}
LETTERS = {"coordinator": 200, "signatory": 200, "auditor": 200}
COORDINATOR = {"coordinator": 200}
COUNTERS = {"coordinator": 200, "manager": 200, "auditor": 200}


def _staff(ok: dict[str, int], method: str = "GET") -> Expect:
    return page(ok, method)


WORKBENCH_ROUTES: list[Route] = [
    Route("open requests", "GET", "/verzoeken", _staff({**READ, "coordinator_other_region": 200}), owner=staff_owner),
    Route("open requests filtered", "GET", "/verzoeken?status=on_track&sorteer=kenmerk&volgorde=aflopend&pagina=2",
          _staff({**READ, "coordinator_other_region": 200}), owner=staff_owner),
    Route("request", "GET", "/verzoeken/{request_1}", _staff(READ), owner=staff_owner,
          shows={"ALL": "Plantina Gedeeld"}),
    Route("request, personal data opened", "GET", "/verzoeken/{request_1}?persoonsgegevens=kwaliteit",
          _staff(READ), owner=lambda p, t: "ALL" if p in READ else None, shows={"ALL": "Plantina Gedeeld"}),
    Route("timeline", "GET", "/verzoeken/{request_1}/tijdlijn", _staff(READ), owner=staff_owner),
    Route("letter", "GET", "/verzoeken/{request_1}/brieven/{letter_1}", _staff(LETTERS), owner=staff_owner),
    Route("letter html", "GET", "/verzoeken/{request_1}/brieven/{letter_1}/brief.html", _staff(LETTERS),
          owner=staff_owner, shows={"ALL": "Plantina Gedeeld"}),
    Route("identity form", "GET", "/verzoeken/{request_1}/identiteit", _staff(COORDINATOR), owner=staff_owner),
    Route("identity, empty", "POST", "/verzoeken/{request_1}/identiteit", _staff({"coordinator": 422}, "POST"),
          form=lambda w: {"officer": ""}, owner=staff_owner),
    # Issue 18 point 3. request_1 is identified: the pages say why nothing can be recorded,
    # and a post is refused (422) with nothing written.
    Route("identity doubt form", "GET", "/verzoeken/{request_1}/identiteit-reden", _staff(COORDINATOR),
          owner=staff_owner),
    Route("identity doubt, empty", "POST", "/verzoeken/{request_1}/identiteit-reden",
          _staff({"coordinator": 422}, "POST"), form=lambda w: {}, owner=staff_owner),
    Route("identity doubt, identity established", "POST", "/verzoeken/{request_1}/identiteit-reden",
          _staff({"coordinator": 422}, "POST"), owner=staff_owner,
          form=lambda w: {"reason": "geen_vergelijking", "recorded_on": dutch_time.today().isoformat()}),
    Route("identity term passed page", "GET", "/verzoeken/{request_1}/identiteit-verlopen", _staff(COORDINATOR),
          owner=staff_owner),
    Route("identity term passed, nothing to record", "POST", "/verzoeken/{request_1}/identiteit-verlopen",
          _staff({"coordinator": 422}, "POST"), form=lambda w: {}, owner=staff_owner),
    Route("answer on behalf form", "GET", "/verzoeken/{request_1}/antwoord/gemeente-assen", _staff(COORDINATOR),
          owner=staff_owner, shows={"ALL": "PLANT-A-one"}),
    Route("answer on behalf, empty", "POST", "/verzoeken/{request_1}/antwoord/gemeente-assen",
          _staff({"coordinator": 422}, "POST"), form=lambda w: {"answered_by": ""}, owner=staff_owner),
    Route("reopen form", "GET", "/verzoeken/{request_1}/antwoord/gemeente-assen/heropenen", _staff(COORDINATOR),
          owner=staff_owner),
    Route("decision form", "GET", "/verzoeken/{request_1}/besluit/casusoverleg", _staff(COORDINATOR),
          owner=staff_owner),
    Route("extension form", "GET", "/verzoeken/{request_1}/verlengen", _staff(COORDINATOR), owner=staff_owner),
    Route("execution form", "GET", "/verzoeken/{request_1}/uitvoering", _staff(COORDINATOR), owner=staff_owner),
    Route("approve, nothing to approve", "POST", "/verzoeken/{request_1}/goedkeuren",
          _staff({"signatory": 422}, "POST"), form=lambda w: {}, owner=staff_owner),
    Route("send, nothing to send", "POST", "/verzoeken/{request_1}/versturen",
          _staff({"coordinator": 422, "signatory": 422}, "POST"), form=lambda w: {}, owner=staff_owner),
    Route("letter pdf", "GET", "/verzoeken/{request_1}/brieven/{letter_1}/brief.pdf", _staff(LETTERS),
          owner=staff_owner),
    # letter_1 is the receipt, not a reply: it has no free text to edit (404 for the one
    # who may edit a reply's text; the others are refused before anything is looked up).
    Route("letter text form, not a reply", "GET", "/verzoeken/{request_1}/brieven/{letter_1}/tekst",
          _staff({"coordinator": 404}), owner=staff_owner),
    Route("letter text, not a reply", "POST", "/verzoeken/{request_1}/brieven/{letter_1}/tekst",
          _staff({"coordinator": 404}, "POST"), form=lambda w: {}, owner=staff_owner),
    # reg_a is not withheld: there is no explanation or source to give (404 for the coordinator).
    Route("explanation form", "GET", "/verzoeken/{request_1}/uitleg/{reg_a}", _staff({"coordinator": 404}),
          owner=staff_owner),
    Route("explanation, empty", "POST", "/verzoeken/{request_1}/uitleg/{reg_a}",
          _staff({"coordinator": 404}, "POST"), form=lambda w: {}, owner=staff_owner),
    Route("source form", "GET", "/verzoeken/{request_1}/bron/{reg_a}", _staff({"coordinator": 404}),
          owner=staff_owner),
    Route("source, empty", "POST", "/verzoeken/{request_1}/bron/{reg_a}", _staff({"coordinator": 422}, "POST"),
          form=lambda w: {}, owner=staff_owner),
    Route("reopen, empty", "POST", "/verzoeken/{request_1}/antwoord/gemeente-assen/heropenen",
          _staff({"coordinator": 422}, "POST"), form=lambda w: {}, owner=staff_owner),
    Route("decision, empty", "POST", "/verzoeken/{request_1}/besluit/casusoverleg",
          _staff({"coordinator": 422}, "POST"), form=lambda w: {}, owner=staff_owner),
    Route("extension, empty", "POST", "/verzoeken/{request_1}/verlengen", _staff({"coordinator": 422}, "POST"),
          form=lambda w: {}, owner=staff_owner),
    Route("execution, empty", "POST", "/verzoeken/{request_1}/uitvoering", _staff({"coordinator": 422}, "POST"),
          form=lambda w: {}, owner=staff_owner),
    Route("withdraw approval, nothing approved", "POST", "/verzoeken/{request_1}/goedkeuring-intrekken",
          _staff({"coordinator": 422, "signatory": 422}, "POST"), form=lambda w: {}, owner=staff_owner),
    # A coordinator of another region searches and registers in its own region (nothing of Drenthe shown).
    Route("search form", "GET", "/zoeken?q=000000000", _staff({**READ, "coordinator_other_region": 200}),
          owner=staff_owner),
    Route("search by BSN", "POST", "/zoeken", _staff({**READ, "coordinator_other_region": 200}, "POST"),
          form=lambda w: {"q": "000000000"}, owner=staff_owner),
    Route("register form", "GET", "/verzoeken-nieuw", _staff({**COORDINATOR, "coordinator_other_region": 200}),
          owner=staff_owner),
    Route("register, empty", "POST", "/verzoeken-nieuw",
          _staff({"coordinator": 422, "coordinator_other_region": 422}, "POST"),
          form=lambda w: {"region": "drenthe"}, owner=staff_owner),
    Route("statistics", "GET", "/statistiek", _staff({**COUNTERS, "coordinator_other_region": 200}),
          owner=staff_owner),
    Route("statistics csv", "GET", "/statistiek.csv?jaar=2026", _staff({**COUNTERS, "coordinator_other_region": 200}),
          owner=staff_owner),
    # The processing log: the FG of the region only (docs/decisions.md); the BSN is posted.
    Route("processing log form", "GET", "/verwerkingenlogboek", _staff({"auditor": 200}), owner=staff_owner),
    Route("processing log by BSN", "POST", "/verwerkingenlogboek", _staff({"auditor": 200}, "POST"),
          form=lambda w: {"bsn": _subject(1, "")["bsn"]}, owner=staff_owner, shows={"ALL": "vastgelegd of gewijzigd (register)"}),
    Route("processing log, empty", "POST", "/verwerkingenlogboek", _staff({"auditor": 422}, "POST"),
          form=lambda w: {}, owner=staff_owner),
    Route("processing log export, no betrokkene", "POST", "/verwerkingenlogboek/export",
          _staff({"auditor": 422}, "POST"), form=lambda w: {"format": "json", "betrokkene": "onbekend"},
          owner=staff_owner),
    # The region page (issue 18 point 12): the administrator of the region only; another
    # region's administrator gets 404, every other role 403. No betrokkene's data on it.
    Route("region pages", "GET", "/regio", _staff({"administrator": 303, "administrator_other_region": 303}),
          owner=staff_owner),
    Route("region page", "GET", "/regio/drenthe", _staff({"administrator": 200, "administrator_other_region": 404}),
          owner=staff_owner),
    Route("region group form", "GET", "/regio/drenthe/briefhoofd",
          _staff({"administrator": 200, "administrator_other_region": 404}), owner=staff_owner),
    Route("region group form, unknown group", "GET", "/regio/drenthe/bestaat-niet",
          _staff({"administrator": 404, "administrator_other_region": 404}), owner=staff_owner),
    Route("region group, bad phone number", "POST", "/regio/drenthe/briefhoofd",
          _staff({"administrator": 422, "administrator_other_region": 404}, "POST"),
          form=lambda w: {"letterhead.phone": "12"}, owner=staff_owner),
]
