"""Issue 18 point 2 end to end: a reply with a bestuursorgaan's part is signed in that organ's
mandate (Awb art. 10:10), and cannot be approved outside the demo setting while the mandate
(mandaatbesluit and its date) is not recorded: the same Dutch reason in the action, on the
request page and in the CLI, and nothing written. Under the demo setting the letter is marked
VOORBEELD and is approved as before; with the mandate recorded it goes out unmarked.

Real actions and steps on the real database (tests/legaltools.py); the region file is a copy
of Rotterdam-Rijnmond with every contact detail filled in as the region will, so that the
mandate is the only thing missing."""
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from sqlmodel import Session, func, select
from typer.testing import CliRunner

from cli.main import app as cli_app
from models.actions.common import ActionError
from models.actions.replies import approve_replies, send_replies
from models.db import session_scope
from models.letters.render import DEMO_MARK, unverified_keys
from models.tables import AuditEvent, Letter, OutboxMessage, Request
from tests.legaltools import answer_all, decide, identify, letters, start, text
from tests.principals import SIGNATORY, TESTER
from tests.web.conftest import client, web_app  # noqa: F401 - the web app's fixtures
from tests.web.helpers import csrf_of, login, make_account

D = date.fromisoformat
REGION = "rotterdam-rijnmond"
SUBJECT = {"bsn": "111222333", "name": "Fictief Persoon", "address": "Voorbeeldstraat 1, 3000 AA Rotterdam"}
REGISTRATIONS = [
    {"casus": "ZVH-2026-0001", "partner": "gemeente-rotterdam", "category": "Gegevens over wonen",
     "description": "Huurachterstand van drie maanden.", "supplied_on": D("2026-01-10")},
    {"casus": "ZVH-2026-0001", "partner": "ggz-antes", "category": "Gegevens over behandeling",
     "description": "In behandeling sinds 2025.", "supplied_on": D("2026-01-11")},
]
ORGAN = "Het college van burgemeester en wethouders van Rotterdam"
REASON = ("regio rotterdam-rijnmond: partners.gemeente-rotterdam.mandate (gemeente Rotterdam): het mandaatbesluit "
          "en de datum van het mandaatbesluit zijn nog niet bevestigd. De ondertekenaar beslist namens het college "
          "van burgemeester en wethouders van Rotterdam (mandaat, art. 10:10 Awb).")
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _confirmed_copy(tmp_path: Path, mandates: bool) -> Path:
    """A config dir whose Rotterdam file has every ``unverified`` value filled in, the mandates'
    mandaatbesluit and date too where ``mandates`` (else those stay unverified)."""
    config = tmp_path / ("with-mandates" if mandates else "without-mandates")
    shutil.copytree(PROJECT_ROOT / "config", config)
    path = config / "regions" / f"{REGION}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))

    def fill(value, key=None, in_mandate=False):
        if isinstance(value, dict):
            return {k: fill(v, k, in_mandate or key == "mandate") for k, v in value.items()}
        if isinstance(value, list):
            return [fill(v, None, in_mandate) for v in value]
        if value == "unverified" and (mandates or not in_mandate):
            if key == "decided_on":
                return "2025-01-14"
            return "Mandaatbesluit ZVH 2025" if key == "decree" else "Ingevuld 1, 1234 AB Test"
        return value

    path.write_text(yaml.safe_dump(fill(data), allow_unicode=True), encoding="utf-8")
    return config


@pytest.fixture
def confirmed(tmp_path, monkeypatch):
    """Use a filled-in copy of the region files (``confirmed(mandates=...)``) for this test."""
    from models.settings import get_settings

    def use(mandates: bool) -> Path:
        config = _confirmed_copy(tmp_path, mandates)
        monkeypatch.setenv("RECHTENLOKET_CONFIG_DIR", str(config))
        get_settings.cache_clear()
        return config

    yield use
    monkeypatch.delenv("RECHTENLOKET_CONFIG_DIR", raising=False)
    get_settings.cache_clear()


def _until_replying() -> str:
    request_id, _ = start(REGION, SUBJECT, REGISTRATIONS, ["inzage"], D("2026-03-02"))
    identify(request_id, REGION, D("2026-03-03"))
    answer_all(request_id, D("2026-03-05"))
    decide(request_id, REGION, D("2026-03-09"), [{"type": "inzage", "outcome": "granted"}])
    return request_id


def _counts(engine):
    with Session(engine) as s:
        return (s.exec(select(func.count()).select_from(AuditEvent)).one(),
                s.exec(select(func.count()).select_from(OutboxMessage)).one(),
                tuple(sorted((x.key, x.status) for x in s.exec(select(Letter)))))


def _signature(html: str) -> str:
    return html[html.index('id="signature"'):]


def test_the_reply_is_signed_in_the_organs_mandate(loaded):
    reply = letters(_until_replying())["reply:inzage"].html
    signature = _signature(reply)
    assert f"Voor de gegevens van gemeente Rotterdam:<br>{ORGAN},<br>namens dezen," in signature
    assert "Voor de gegevens van de andere organisaties:<br>namens de verwerkingsverantwoordelijken," in signature
    assert "hoofd van het Zorg- en Veiligheidshuis Rotterdam-Rijnmond" in signature
    keys = unverified_keys(reply)
    assert {"partners.gemeente-rotterdam.mandate.decree", "partners.gemeente-rotterdam.mandate.decided_on"} <= set(keys)


def test_under_the_demo_setting_the_reply_is_marked_and_approved_as_before(loaded):
    request_id = _until_replying()
    assert DEMO_MARK in letters(request_id)["reply:inzage"].html
    with session_scope() as s:
        approved = approve_replies(s, request_id, SIGNATORY, D("2026-03-10"))
        send_replies(s, request_id, TESTER, D("2026-03-10"))
    assert approved.ids
    assert letters(request_id)["reply:inzage"].status == "sent"


def test_outside_the_demo_an_unrecorded_mandate_blocks_the_approval(loaded, confirmed, request):
    confirmed(mandates=False)
    request_id = _until_replying()
    reply = letters(request_id)["reply:inzage"].html
    # everything else is filled in: the mandate is all that is missing
    assert set(unverified_keys(reply)) == {"partners.gemeente-rotterdam.mandate.decree",
                                           "partners.gemeente-rotterdam.mandate.decided_on"}
    assert "Ingevuld 1, 1234 AB Test" in _signature(reply)  # the signer: a person
    request.getfixturevalue("production")
    before = _counts(loaded)
    with pytest.raises(ActionError) as refused, session_scope() as s:
        approve_replies(s, request_id, SIGNATORY, D("2026-03-10"))
    message = str(refused.value)
    assert message.startswith("de antwoorden kunnen niet worden goedgekeurd: ")
    assert REASON in message and "niet worden goedgekeurd" in message.split(REASON, 1)[1]
    assert message.count("partners.gemeente-rotterdam.mandate") == 1  # one line, not one per field
    assert "letterhead" not in message and "ggz-antes" not in message  # no private partner's mandate
    assert _counts(loaded) == before  # nothing written
    with pytest.raises(ActionError, match="nog niet goedgekeurd"), session_scope() as s:
        send_replies(s, request_id, TESTER, D("2026-03-10"))  # not approved: nothing to send either


def test_the_request_page_and_the_approve_button_give_the_reason(loaded, confirmed, request, client, web_app):
    confirmed(mandates=False)
    request_id = _until_replying()
    request.getfixturevalue("production")
    make_account(loaded, "o.tekenaar", "signatory", regions=(REGION,))
    assert login(client, "o.tekenaar").status_code == 303
    web_app.state.clock = lambda: D("2026-03-10")
    try:
        page = client.get(f"/verzoeken/{request_id}")
        assert page.status_code == 200
        assert "Het antwoord kan nog niet weg:" in page.text
        assert REASON in text(page.text)
        before = _counts(loaded)
        refused = client.post(f"/verzoeken/{request_id}/goedkeuren", data={"csrf_token": csrf_of(page.text)},
                              follow_redirects=False)
        assert refused.status_code == 422
        assert "antwoorden kunnen niet worden goedgekeurd: " + REASON in text(refused.text)
        assert _counts(loaded)[1:] == before[1:]  # letters and outbox unchanged
        with Session(loaded) as s:  # the trail holds the page shown again (a view), no approval
            assert not s.exec(select(AuditEvent).where(AuditEvent.action == "replies.approved")).all()
    finally:
        web_app.state.clock = None


def test_the_cli_refuses_the_approval_with_the_reason(loaded, confirmed, request):
    confirmed(mandates=False)
    request_id = _until_replying()
    with Session(loaded) as s:
        reference = s.get(Request, request_id).reference
    request.getfixturevalue("production")
    before = _counts(loaded)
    result = CliRunner().invoke(cli_app, ["request", "approve", reference, "--today", "2026-03-10"])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("fout: de antwoorden kunnen niet worden goedgekeurd: ")
    assert REASON in result.stderr and len(result.stderr.splitlines()) == 1
    assert _counts(loaded) == before


def test_with_the_mandate_recorded_the_reply_goes_out_unmarked(loaded, confirmed, request):
    confirmed(mandates=True)
    request_id = _until_replying()
    reply = letters(request_id)["reply:inzage"].html
    assert unverified_keys(reply) == [] and DEMO_MARK not in reply
    request.getfixturevalue("production")
    with session_scope() as s:
        approve_replies(s, request_id, SIGNATORY, D("2026-03-10"))
        send_replies(s, request_id, TESTER, D("2026-03-10"))
    sent = letters(request_id)["reply:inzage"]
    assert sent.status == "sent"
    assert f"{ORGAN},<br>namens dezen," in _signature(sent.html) and "[nog niet bekend]" not in sent.html


def test_a_mandate_filled_in_after_the_draft_lets_the_same_draft_be_approved(loaded, confirmed, request):
    """The administrator records the mandate on the region page after the reply was drafted:
    the approval renders the draft again with the fact (models/actions/replies.py
    ``blockers_as_signed``), so no redraft is needed and the signed letter carries no placeholder."""
    from models.actions.region_facts import save_group
    from models.enums import Role
    from models.principal import Principal

    confirmed(mandates=False)
    request_id = _until_replying()
    assert "partners.gemeente-rotterdam.mandate.decree" in unverified_keys(letters(request_id)["reply:inzage"].html)
    request.getfixturevalue("production")
    admin = Principal(id="beheer-rr", role=Role.administrator, regions=frozenset({REGION}))
    with Session(loaded) as s:
        save_group(s, admin, REGION, "partner-gemeente-rotterdam", {
            "partners.gemeente-rotterdam.mandate.decree": "Mandaatbesluit ZVH Rotterdam 2025",
            "partners.gemeente-rotterdam.mandate.decided_on": "14-01-2025"}, D("2026-03-09"))
        s.commit()
    with session_scope() as s:
        approved = approve_replies(s, request_id, SIGNATORY, D("2026-03-10"))
        send_replies(s, request_id, TESTER, D("2026-03-10"))
    assert approved.ids
    sent = letters(request_id)["reply:inzage"]
    assert sent.status == "sent" and unverified_keys(sent.html) == [] and DEMO_MARK not in sent.html
    assert f"{ORGAN},<br>namens dezen," in _signature(sent.html)
