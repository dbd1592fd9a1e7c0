"""The region's own facts (issue 18 points 12 and 13): the checks of each kind of value, the
overlay of ``get_region`` (a fact in the database replaces the file's placeholder in a
rendered letter; the cache sees a change without a restart, also one made by another
process), nothing written on a refused value, and ``rechtenloket regions check``."""
import json
import os
import re
import subprocess
import sys
from datetime import date

import pytest
from sqlalchemy import text
from sqlmodel import Session, select
from typer.testing import CliRunner

from cli.main import app
from models import region_config, region_facts
from models.actions.region_facts import CHANGED, CONFIRMED, FactsRefused, save_group, stored_facts
from models.enums import Role
from models.letters import KINDS, contacts
from models.letters.render import DEMO_MARK, render_html, unverified_keys
from models.letters.samples import sample_context
from models.principal import NotAllowed, Principal
from models.region_config import get_region
from models.region_facts import FactInvalid, clean
from models.settings import get_settings
from models.tables import AuditEvent, Letter, RegionFact, RegionFactStamp
from tests.conftest import PROJECT_ROOT

TODAY = date(2026, 3, 2)
ADMIN_DRENTHE = Principal(id="beheer-drenthe", role=Role.administrator, regions=frozenset({"drenthe"}))
ADMIN_HM = Principal(id="beheer-hm", role=Role.administrator, regions=frozenset({"hollands-midden"}))
runner = CliRunner()


@pytest.fixture
def facts(loaded):
    """The regions loaded, and no fact left behind for the tests that read the regions
    without emptying the tables first."""
    yield loaded
    with loaded.begin() as conn:
        conn.execute(text("DELETE FROM regionfact"))
        conn.execute(text("DELETE FROM regionfactstamp"))
    region_config.forget_facts()


def _save(engine, principal, region_id, group_id, values):
    with Session(engine) as db:
        saved = save_group(db, principal, region_id, group_id, values, TODAY)
        db.commit()
    return saved


def _spec(key, region="drenthe"):
    return region_facts.specs(region_config.file_regions()[region])[key]


# ------------------------------------------------------------------ the checks (pure)


@pytest.mark.parametrize("raw", ["0592 123 456", "0592-123456", "06 12345678", "+31 6 1234 5678", "0031592123456",
                                 "088 123 4567", "0800 1234", "0900-1234567", "14 0592", "(0592) 123 456"])
def test_a_dutch_phone_number_is_accepted_as_typed(raw):
    assert clean(_spec("letterhead.phone"), raw, TODAY) == " ".join(raw.split())


@pytest.mark.parametrize("raw", ["12", "0592 123 45", "0592 123 4567", "+32 2 123 45 67", "00 12345678",
                                 "0592 12a 456", "unverified", "", "bel 0592 123 456"])
def test_anything_else_is_no_phone_number(raw):
    with pytest.raises(FactInvalid) as refused:
        clean(_spec("letterhead.phone"), raw, TODAY)
    assert str(refused.value).startswith(("is geen Nederlands telefoonnummer", "mag niet"))


def test_an_address_ends_with_postcode_and_town_and_is_written_the_dutch_way():
    spec = _spec("letterhead.postal_address")
    assert clean(spec, "Zorg- en veiligheidshuis Drenthe\r\n  Postbus  100\n\n9400ac   Assen\n", TODAY) == [
        "Zorg- en veiligheidshuis Drenthe", "Postbus 100", "9400 AC Assen"]
    for raw, reason in [("Postbus 100", "minstens twee regels"), ("Postbus 100\nAssen", "postcode en plaats"),
                        ("9400 AC Assen\nPostbus 100", "postcode en plaats"), ("Postbus 1\n0400 AC Assen", "postcode"),
                        ("Postbus 1\nunverified", "unverified"), ("a\n" * 6 + "9400 AC Assen", "te veel regels"),
                        ("x" * 121 + "\n9400 AC Assen", "te lang")]:
        with pytest.raises(FactInvalid, match=reason):
            clean(spec, raw, TODAY)


def test_e_mail_date_and_text():
    email = _spec("letterhead.email")
    assert clean(email, " Privacy@ZVH-Drenthe.NL ", TODAY) == "Privacy@zvh-drenthe.nl"
    for bad in ("privacy", "privacy@zvh", "pri vacy@zvh.nl", "a@b@zvh.nl"):
        with pytest.raises(FactInvalid, match="geen e-mailadres"):
            clean(email, bad, TODAY)
    day = _spec("partners.gemeente-assen.mandate.decided_on")
    assert clean(day, "14-01-2025", TODAY) == clean(day, "2025-01-14", TODAY) == "2025-01-14"
    for bad, reason in (("14 januari", "geen datum"), ("31-02-2025", "geen datum"), ("2026-03-03", "toekomst"),
                        ("1980-01-01", "te ver terug")):
        with pytest.raises(FactInvalid, match=reason):
            clean(day, bad, TODAY)
    name = _spec("signatory.name")
    assert clean(name, "  J.   de Vries ", TODAY) == "J. de Vries"
    for bad, reason in (("x" * 101, "te lang"), ("Unverified", "unverified"), ("J. de\x00Vries", "teken"),
                        ("J. de\nVries", "één regel")):
        with pytest.raises(FactInvalid, match=reason):
            clean(name, bad, TODAY)


def test_every_key_that_blocks_letters_can_be_filled_in_on_the_region_page():
    """Whatever stops a real letter (contacts.unsendable, contacts.partner_problems) has a
    field on the region page: the check never names something the region cannot fix."""
    for region in region_config.load_regions(PROJECT_ROOT / "config").values():
        found = contacts.blockers(region)
        old = {line.split(": ", 1)[1].split(" ", 1)[0] for line in contacts.unsendable(region)
               + contacts.partner_problems(region, [p.slug for p in region.partners])}
        # One line per partner's mandate (contacts.mandate_message), one blocker per field.
        assert {b.key.rsplit(".", 1)[0] if ".mandate." in b.key else b.key for b in found} == old
        assert all(b.page and b.page.startswith(f"/regio/{region.id}/") for b in found), region.id
        assert all(b.purpose and b.label for b in found)


# ------------------------------------------------------------------ the overlay


def test_a_fact_in_the_database_replaces_the_placeholder_in_a_letter(facts):
    from tests.journey import new_request

    assert get_region("drenthe").letterhead.phone == "unverified"
    saved = _save(facts, ADMIN_DRENTHE, "drenthe", "briefhoofd", {
        "letterhead.phone": "0592 123 456", "letterhead.email": "privacy@zvhdrenthe.nl",
        "letterhead.visiting_address": "Stationsstraat 1\n9401 KV Assen"})
    assert saved.changed == ["letterhead.visiting_address", "letterhead.phone", "letterhead.email"]
    region = get_region("drenthe")  # no restart, no cache cleared by hand
    assert region.letterhead.phone == "0592 123 456"
    assert region.letterhead.visiting_address == ["Stationsstraat 1", "9401 KV Assen"]
    # a real letter of a real request: the receipt
    rid = new_request(types=("inzage",), received=TODAY)
    with Session(facts) as db:
        receipt = db.exec(select(Letter).where(Letter.request_id == rid, Letter.kind == "ontvangstbevestiging")).one()
    assert "Telefoon: 0592 123 456" in receipt.html and "Bellen: 0592 123 456" in receipt.html
    assert "privacy@zvhdrenthe.nl" in receipt.html and "Stationsstraat 1, 9401 KV Assen" in receipt.html
    keys = unverified_keys(receipt.html)
    assert "letterhead.phone" not in keys and "letterhead.email" not in keys
    assert "letterhead.opening_hours" in keys and DEMO_MARK in receipt.html  # still open: still VOORBEELD
    # the file is untouched: the rules stay there, the fact lies over it
    assert region_config.file_regions()["drenthe"].letterhead.phone == "unverified"


def test_a_refused_value_writes_nothing(facts):
    with Session(facts) as db:
        before = len(db.exec(select(AuditEvent)).all())
        with pytest.raises(FactsRefused) as refused:
            save_group(db, ADMIN_DRENTHE, "drenthe", "briefhoofd", {
                "letterhead.phone": "0592 123 456", "letterhead.email": "geen-adres",
                "letterhead.postal_address": "Postbus 100\nAssen"}, TODAY)
        db.rollback()
        assert set(refused.value.errors) == {"letterhead.email", "letterhead.postal_address"}
        assert "postcode en plaats" in refused.value.errors["letterhead.postal_address"]
        assert db.exec(select(RegionFact)).all() == [] and db.exec(select(RegionFactStamp)).all() == []
        assert len(db.exec(select(AuditEvent)).all()) == before
    assert get_region("drenthe").letterhead.phone == "unverified"


def test_only_the_administrator_of_the_region(facts):
    coordinator = Principal(id="c", role=Role.coordinator, regions=frozenset({"drenthe"}))
    other = Principal(id="b", role=Role.administrator, regions=frozenset({"fryslan"}))
    for principal in (coordinator, other):
        with Session(facts) as db, pytest.raises(NotAllowed):
            save_group(db, principal, "drenthe", "briefhoofd", {"letterhead.phone": "0592 123 456"}, TODAY)
    with Session(facts) as db, pytest.raises(LookupError):
        save_group(db, ADMIN_DRENTHE, "drenthe", "partner-ggz-drenthe", {}, TODAY)  # no bestuursorgaan


def test_a_value_left_as_it_is_is_confirmed_and_audited(facts):
    function = region_config.file_regions()["drenthe"].signatory.function
    saved = _save(facts, ADMIN_DRENTHE, "drenthe", "ondertekening",
                  {"signatory.name": "J. de Vries", "signatory.function": function, "internal_signer.name": ""})
    assert saved.changed == ["signatory.name"] and saved.confirmed == ["signatory.function"]
    with Session(facts) as db:
        stored = stored_facts(db, "drenthe")
        events = {e.detail["key"]: e for e in db.exec(select(AuditEvent).where(
            AuditEvent.action.in_([CHANGED, CONFIRMED])))}
    assert set(stored) == {"signatory.name", "signatory.function"}  # the empty, unknown one stays open
    assert stored["signatory.function"].confirmed_by == "administrator:beheer-drenthe"
    assert events["signatory.name"].action == CHANGED and events["signatory.name"].detail["previous"] == "open"
    assert events["signatory.function"].action == CONFIRMED and events["signatory.function"].detail["previous"] == "file"
    assert events["signatory.name"].actor == "administrator:beheer-drenthe"
    assert "Vries" not in json.dumps([e.detail for e in events.values()])  # a digest, not the name
    # once set, a value cannot be emptied (it would fall back to the placeholder)
    with Session(facts) as db, pytest.raises(FactsRefused) as refused:
        save_group(db, ADMIN_DRENTHE, "drenthe", "ondertekening", {"signatory.name": " "}, TODAY)
    assert "mag niet leeg zijn" in refused.value.errors["signatory.name"]


def test_a_mandate_is_recorded_and_signs_the_letters(facts):
    _save(facts, ADMIN_DRENTHE, "drenthe", "partner-gemeente-assen", {
        "partners.gemeente-assen.bezwaar.address": "Gemeente Assen\nPostbus 30018\n9400 RA Assen",
        "partners.gemeente-assen.mandate.decree": "Mandaatbesluit Zorg- en veiligheidshuis Drenthe 2025",
        "partners.gemeente-assen.mandate.decided_on": "14-01-2025"})
    partner = get_region("drenthe").partner("gemeente-assen")
    assert partner.mandate.recorded and partner.mandate.decided_on == "2025-01-14"
    assert contacts.partner_problems(get_region("drenthe"), ["gemeente-assen"]) == []
    assert contacts.partner_problems(get_region("drenthe"), ["gemeente-emmen"]) != []


def test_the_cache_sees_a_change_made_by_another_process(facts, monkeypatch):
    """Another web-app instance (here: another Python process) changes a fact; this process
    sees it once ``region_facts_refresh_seconds`` has passed, without a restart."""
    assert get_region("drenthe").letterhead.email == "unverified"  # cached now, stamps read
    script = (
        "from datetime import date\n"
        "from models.db import session_scope\n"
        "from models.enums import Role\n"
        "from models.principal import Principal\n"
        "from models.actions.region_facts import save_group\n"
        "admin = Principal(id='elders', role=Role.administrator, regions=frozenset({'drenthe'}))\n"
        "with session_scope() as db:\n"
        "    save_group(db, admin, 'drenthe', 'briefhoofd', {'letterhead.email': 'elders@zvhdrenthe.nl'},"
        " date(2026, 3, 2))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, env=dict(os.environ),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    monkeypatch.setattr(get_settings(), "region_facts_refresh_seconds", 3600.0)
    assert get_region("drenthe").letterhead.email == "unverified"  # not asked again yet: the copy counts
    monkeypatch.setattr(get_settings(), "region_facts_refresh_seconds", 0.0)
    assert get_region("drenthe").letterhead.email == "elders@zvhdrenthe.nl"  # asked again: the stamp changed


def test_a_stored_fact_the_file_no_longer_has_is_left_out():
    region = region_config.load_regions(PROJECT_ROOT / "config")["drenthe"]
    result, skipped = region_facts.apply_facts(region, {"letterhead.phone": "0592 123 456",
                                                        "partners.vertrokken.mandate.decree": "Besluit",
                                                        "letterhead.organisation": "Iets anders"})
    assert result.letterhead.phone == "0592 123 456" and result.letterhead.organisation == region.letterhead.organisation
    assert sorted(skipped) == ["letterhead.organisation", "partners.vertrokken.mandate.decree"]


# ------------------------------------------------------------------ regions check (point 13)


def _fill_everything(engine, principal, region_id):
    """Fill in every value that blocks letters, group by group, as the administrator would."""
    values = {region_facts.ADDRESS: "Teststraat 1\n2312 AB Leiden", region_facts.PHONE: "071 123 4567",
              region_facts.EMAIL: "privacy@veiligheidshuis.nl", region_facts.DATE: "2025-01-14",
              region_facts.TEXT: "Ingevuld Tekst"}
    region = get_region(region_id)
    by_group: dict[str, dict] = {}
    specs = region_facts.specs(region)
    for blocker in contacts.blockers(region):
        spec = specs[blocker.key]
        by_group.setdefault(spec.group, {})[spec.key] = values[spec.kind]
    for group_id, group_values in by_group.items():
        _save(engine, principal, region_id, group_id, group_values)
    return by_group


def test_regions_check_lists_what_blocks_and_is_empty_once_all_is_filled_in(facts):
    result = runner.invoke(app, ["regions", "check", "hollands-midden"])
    assert result.exit_code == 1, result.output
    count = len(contacts.blockers(region_config.get_region("hollands-midden")))
    assert count > 30  # the letterhead, signers, joint body, every organ's route and mandate, the desks
    assert f"Veiligheidshuis Hollands Midden: {count} gegevens houden echte brieven nog tegen." in result.stdout
    assert "- Telefoonnummer (letterhead.phone)" in result.stdout
    assert "  Waarvoor: Elke brief: welk nummer de betrokkene kan bellen." in result.stdout
    assert f"  Invullen: {get_settings().portal_url}/regio/hollands-midden/briefhoofd#veld-letterhead-phone" \
        in result.stdout
    assert "mandate.decree" in result.stdout and "routing.bodies.politie-den-haag-wpg-loket.address" in result.stdout
    listed = json.loads(runner.invoke(app, ["regions", "check", "hollands-midden", "--json"]).stdout)
    assert listed["blocking"] == len(listed["items"]) == count
    assert {"key", "label", "purpose", "group", "where"} <= set(listed["items"][0])

    _fill_everything(facts, ADMIN_HM, "hollands-midden")
    done = runner.invoke(app, ["regions", "check", "hollands-midden"])
    assert done.exit_code == 0, done.output
    assert "Veiligheidshuis Hollands Midden: alles is ingevuld. Echte brieven kunnen uit." in done.stdout
    assert json.loads(runner.invoke(app, ["regions", "check", "hollands-midden", "--json"]).stdout)["items"] == []
    assert runner.invoke(app, ["regions", "check", "drenthe"]).exit_code == 1  # another region: still open
    # and the letters of that region go out unmarked: not one placeholder, no VOORBEELD
    region = get_region("hollands-midden")
    assert contacts.unsendable(region) == [] and contacts.blockers(region) == []
    for kind in KINDS:
        html = render_html(kind, sample_context(kind, region))
        assert DEMO_MARK not in html and unverified_keys(html) == [] and "[nog niet bekend]" not in html, kind


def test_regions_check_of_an_unknown_region():
    result = runner.invoke(app, ["regions", "check", "atlantis"])
    assert result.exit_code == 2 and "onbekende regio 'atlantis'" in result.stderr


def test_demo_letters_stay_marked_and_never_print_the_raw_placeholder(facts):
    """Demo mode: a region half filled in still marks every letter that misses something
    VOORBEELD, and no letter shows the word "unverified" (only the visible placeholder)."""
    assert get_settings().demo
    _save(facts, ADMIN_DRENTHE, "drenthe", "briefhoofd", {"letterhead.phone": "0592 123 456"})
    region = get_region("drenthe")
    for kind in KINDS:
        html = render_html(kind, sample_context(kind, region))
        visible = re.sub(r"<[^>]+>", " ", re.sub(r"<head>.*?</head>", "", html, flags=re.S))
        assert "unverified" not in visible, kind
        assert DEMO_MARK in html and "[nog niet bekend]" in html, kind
        if KINDS[kind].recipient.value == "betrokkene":
            assert "0592 123 456" in visible, kind
