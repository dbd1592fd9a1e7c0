"""Issue 18 points 2, 4 and 11 on the remedies and the signature, pure: region files in,
``Remedies`` and rendered letters out (models/letters/remedies.py, _remedies.html.j2,
base.html.j2).

- point 2: a bestuursorgaan's part is signed in its mandate, "<organ>, namens dezen," (Awb
  art. 10:10), and each such organ's mandate is a key the approval checks;
- point 4: each region names its body for joint decisions; where both routes are open the
  letter says against whom each runs; a part granted in full gets no route; an unnamed body
  is never the object of a sentence ("een brief aan unverified");
- point 11: the court route names the court (the rechtbank of the woonplaats, art. 262 onder a
  Rv; art. 35 lid 2 en 4 UAVG).
"""
import re
from html import escape as e
from pathlib import Path

import pytest

from models.letters import contacts
from models.letters.render import render_html
from models.letters.remedies import organ_of, remedies_for
from models.letters.samples import sample_context
from tests.legaltools import text as text_of

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REGION_IDS = sorted(p.stem for p in (PROJECT_ROOT / "config" / "regions").glob("*.yaml"))

#: The body for joint decisions per region, as the region files name it (None: the region
#: has not chosen one; docs/regions/<region>.md says so). Checked against the seeds in
#: tests/regions/test_<region>.py.
JOINT_BODY = {
    "drenthe": None,
    "fryslan": "het college van burgemeester en wethouders van Leeuwarden",
    "hollands-midden": None,
    "rotterdam-rijnmond": "het college van burgemeester en wethouders van Rotterdam",
    "utrecht": "het college van burgemeester en wethouders van Utrecht",
}
JOINT_PARTNER = {"fryslan": "gemeente-leeuwarden", "rotterdam-rijnmond": "gemeente-rotterdam",
                 "utrecht": "gemeente-utrecht"}


def signature_of(html: str) -> str:
    return html[html.index('id="signature"'):]


def render_with(kind: str, region, remedies) -> str:
    ctx = sample_context(kind, region).model_copy(update={"remedies": remedies})
    return render_html(kind, ctx)


# ------------------------------------------------------------------ the body for joint decisions


@pytest.mark.parametrize("region_id", REGION_IDS)
def test_each_region_names_its_body_for_joint_decisions_or_marks_it_open(region_id, regions):
    region = regions[region_id]
    joint = remedies_for(region, None)
    expected = JOINT_BODY[region_id]
    assert [r.key for r in joint.bezwaar] == ["bezwaar"]
    route = joint.bezwaar[0]
    if expected is None:
        assert region.bezwaar.addressee == "unverified" and not route.named
        assert region.joint_partner() is None
        # no partner and no name: the signature line is the placeholder, checked at the
        # body's own key (the region must choose it before any joint decision goes out)
        assert [(m.organ, m.key) for m in joint.mandates] == [("unverified", None)]
        assert "bezwaar.addressee" in contacts.remedy_keys(region, joint)
        return
    assert route.addressee == expected and route.named
    partner = region.joint_partner()
    assert partner is not None and partner.slug == JOINT_PARTNER[region_id]
    # the body signs the joint decision in its own mandate (Awb art. 10:10)
    assert [(m.organ, m.key) for m in joint.mandates] == [
        (organ_of(partner), f"partners.{partner.slug}.mandate")]
    assert organ_of(partner) == expected[:1].upper() + expected[1:]
    assert {f"partners.{partner.slug}.mandate.decree", f"partners.{partner.slug}.mandate.decided_on"} <= set(
        contacts.remedy_keys(region, joint))


@pytest.mark.parametrize("region_id", ["rotterdam-rijnmond", "utrecht"])
def test_a_joint_decision_says_against_whom_each_route_runs(region_id, regions):
    region = regions[region_id]
    joint = remedies_for(region, None)
    assert joint.joint and joint.court and joint.others
    html = render_html("geen_gegevens", sample_context("geen_gegevens", region))
    visible = text_of(html)
    body = JOINT_BODY[region_id]
    assert f"Tegen het besluit van {body}: bezwaar maken" in visible
    assert f"Voor hen besliste {body}." in visible
    assert f"Stuur binnen zes weken een brief aan {body}." in visible
    assert "Tegen het besluit van de andere organisaties: naar de rechtbank" in visible
    assert "Hieronder staat tegen wie u wat kunt doen." in visible
    signature = signature_of(html)
    assert f"{e(body[:1].upper() + body[1:])},<br>namens dezen," in signature
    assert "en namens de andere verwerkingsverantwoordelijken," in signature


@pytest.mark.parametrize("region_id", ["drenthe", "hollands-midden"])
def test_an_unnamed_body_is_never_the_object_of_a_sentence(region_id, regions):
    """Drenthe and Hollands Midden have not chosen their body: the demo letter says "dat
    overheidsorgaan" and shows the placeholder once, in the address (issue 18 point 4)."""
    region = regions[region_id]
    for kind in ("geen_gegevens", "weigering", "weigering_overdraagbaarheid", "buiten_behandeling"):
        html = render_html(kind, sample_context(kind, region))
        remedy = text_of(html[html.index('id="remedy"'):html.index("</section>", html.index('id="remedy"'))])
        assert "unverified" not in remedy, kind
        assert not re.search(r"(aan|van|besliste|nam) \[nog niet bekend\]", remedy), kind
        assert "Stuur binnen zes weken een brief aan dat overheidsorgaan." in remedy, kind
        assert "Tegen het besluit voor de overheidsorganen: bezwaar maken" in remedy, kind
        assert "Het adres is: [nog niet bekend]" in remedy, kind


def test_fryslan_signs_every_decision_for_the_zetelgemeente(regions):
    region = regions["fryslan"]
    leeuwarden = region.partner("gemeente-leeuwarden")
    harlingen, ggz = region.partner("gemeente-harlingen"), region.partner("ggz-friesland")
    for parts in (None, [harlingen], [harlingen, ggz]):  # a private partner's part too
        r = remedies_for(region, parts)
        assert [(m.organ, m.key) for m in r.mandates] == [
            ("Het college van burgemeester en wethouders van Leeuwarden", f"partners.{leeuwarden.slug}.mandate")]
        assert [b.addressee for b in r.bezwaar] == [region.bezwaar.addressee] and not r.court and not r.others
    html = render_html("besluit_correctie", sample_context("besluit_correctie", region))
    signature = signature_of(html)
    assert "Het college van burgemeester en wethouders van Leeuwarden,<br>namens dezen," in signature
    assert "Voor de gegevens van" not in signature and "verwerkingsverantwoordelijken" not in signature
    # granted in full: no route at all, the Zetelgemeente still signs
    granted = remedies_for(region, [region.partner("gemeente-harlingen")], granted=["gemeente-harlingen"])
    assert granted.granted_in_full and granted.bezwaar == [] and granted.mandates[0].organ.endswith("Leeuwarden")


# ------------------------------------------------------------------ who decided, what was granted


def test_a_part_granted_in_full_gets_no_route(regions):
    """Issue 18 point 4: in Utrecht a fully granted Altrecht part got a court route."""
    region = regions["utrecht"]
    gemeente, altrecht = region.partner("gemeente-utrecht"), region.partner("altrecht")
    r = remedies_for(region, [gemeente, altrecht], granted=[altrecht])
    assert r.court is False and r.court_parts is None
    assert r.granted_parts == ["Altrecht"]
    assert [(b.addressee, b.parts) for b in r.bezwaar] == [
        ("het college van burgemeester en wethouders van Utrecht", ["gemeente Utrecht"])]
    visible = text_of(render_with("besluit_correctie", region, r))
    assert "Over de gegevens van Altrecht hebben wij uw verzoek helemaal toegewezen." in visible
    assert "verzoekschrift" not in visible and "artikel 262" not in visible
    # one route: no heading above it, so the sentence names the parts it covers
    assert ("Over de gegevens van gemeente Utrecht besliste het college van burgemeester en wethouders "
            "van Utrecht.") in visible
    # the other way round: the organ granted in full, the private partner refused
    r = remedies_for(region, [gemeente, altrecht], granted=["gemeente-utrecht"])
    assert r.bezwaar == [] and r.court_parts == ["Altrecht"] and r.granted_parts == ["gemeente Utrecht"]
    html = render_with("besluit_correctie", region, r)
    visible = text_of(html)
    assert "bezwaarschrift" not in visible
    assert "Over de andere gegevens besliste Altrecht. Dat is geen overheidsorgaan." in visible
    # the organ still signs its part in mandate, although no route runs against it
    assert [m.organ for m in r.mandates] == ["Het college van burgemeester en wethouders van Utrecht"]
    signature = signature_of(html)
    assert ("Voor de gegevens van gemeente Utrecht:<br>Het college van burgemeester en wethouders van "
            "Utrecht,<br>namens dezen,") in signature
    assert "Voor de gegevens van de andere organisaties:<br>namens de verwerkingsverantwoordelijken," in signature


def test_everything_granted_in_full_offers_no_remedy(regions):
    region = regions["rotterdam-rijnmond"]
    gemeente, ggz = region.partner("gemeente-rotterdam"), region.partner("ggz-antes")
    r = remedies_for(region, [gemeente, ggz], granted=[gemeente, ggz])
    assert r.granted_in_full and r.routes == 0 and r.bezwaar == [] and r.court_parts is None
    visible = text_of(render_with("besluit_verzet", region, r))
    assert "Wij hebben uw verzoek helemaal toegewezen." in visible
    assert "bezwaarschrift" not in visible and "verzoekschrift" not in visible


def test_partly_granted_is_not_granted_in_full(regions):
    """Only a part granted in full loses its route: ``granted`` lists those partners; the
    actions put a partner there only when every decision on its data is "granted"."""
    region = regions["rotterdam-rijnmond"]
    gemeente, ggz = region.partner("gemeente-rotterdam"), region.partner("ggz-antes")
    r = remedies_for(region, [gemeente, ggz])
    assert r.routes == 2 and r.granted_parts == []
    assert [b.parts for b in r.bezwaar] == [["gemeente Rotterdam"]] and r.court_parts == ["GGZ Antes"]


def test_organs_with_one_name_share_a_signature_line_and_police_decide_themselves(regions):
    region = regions["utrecht"]
    dji = [region.partner(s) for s in ("dji-pi-nieuwegein", "dji-pi-lelystad")]
    police = region.partner("politie-eenheid-midden-nederland")
    r = remedies_for(region, [*dji, police])
    assert [(m.organ, m.parts) for m in r.mandates] == [("De Dienst Justitiële Inrichtingen", [])]
    assert len(r.bezwaar) == 1 and not r.court and not r.others
    two = remedies_for(region, [*dji, region.partner("gemeente-zeist")])
    assert {m.organ: m.parts for m in two.mandates} == {
        "De Dienst Justitiële Inrichtingen": [p.display_name for p in dji],
        "Het college van burgemeester en wethouders van Zeist": ["gemeente Zeist"],
    }
    signature = signature_of(render_with("besluit_correctie", region, two))
    assert signature.count("namens dezen,") == 2 and "verwerkingsverantwoordelijken" not in signature
    # every organ's mandate is a key of the letter (the approval checks them)
    keys = contacts.remedy_keys(region, two)
    for slug in ("dji-pi-nieuwegein", "gemeente-zeist"):
        assert f"partners.{slug}.mandate.decree" in keys and f"partners.{slug}.mandate.decided_on" in keys


def test_one_organ_deciding_everything_is_signed_without_parts(regions):
    region = regions["drenthe"]
    hoogeveen = region.partner("gemeente-hoogeveen")
    r = remedies_for(region, [hoogeveen])
    assert [(m.organ, m.parts, m.key) for m in r.mandates] == [
        ("Het college van burgemeester en wethouders van Hoogeveen", [], "partners.gemeente-hoogeveen.mandate")]
    signature = signature_of(render_with("besluit_correctie", region, r))
    assert ("Het college van burgemeester en wethouders van Hoogeveen,<br>namens dezen,</p>") in signature
    assert "Voor de gegevens van" not in signature and "verwerkingsverantwoordelijken" not in signature
    # the person and function below the organ (the name is still to be confirmed)
    assert signature.index("namens dezen") < signature.index('class="signer-name"') < signature.index(
        "manager van het Zorg- en veiligheidshuis Drenthe")


def test_an_organ_without_a_recorded_mandate_is_a_placeholder_and_a_key(regions):
    """Hollands Midden's leerplicht part: which college decides is not fixed (the pupil's
    woonplaats), so its mandate's organ is unverified too."""
    region = regions["hollands-midden"]
    leerplicht = region.partner("regionaal-bureau-leerplicht-holland-rijnland")
    r = remedies_for(region, [leerplicht])
    assert [(m.organ, m.key) for m in r.mandates] == [
        ("unverified", "partners.regionaal-bureau-leerplicht-holland-rijnland.mandate")]
    html = render_with("besluit_correctie", region, r)
    assert '<span class="unverified">[nog niet bekend]</span>,<br>namens dezen,' in signature_of(html)
    assert "partners.regionaal-bureau-leerplicht-holland-rijnland.mandate.organ" in contacts.remedy_keys(region, r)


# ------------------------------------------------------------------ the approval's reason


def test_the_mandate_line_says_what_is_missing_and_why(regions):
    region = regions["rotterdam-rijnmond"]
    keys = ["partners.gemeente-rotterdam.mandate.decree", "partners.gemeente-rotterdam.mandate.decided_on"]
    lines = contacts.problems(region, keys)
    assert len(lines) == 1  # one line per partner, not per field
    line = lines[0]
    assert line.startswith("regio rotterdam-rijnmond: partners.gemeente-rotterdam.mandate (gemeente Rotterdam): ")
    assert "het mandaatbesluit en de datum van het mandaatbesluit zijn nog niet bevestigd" in line
    assert "De ondertekenaar beslist namens het college van burgemeester en wethouders van Rotterdam" in line
    assert "art. 10:10 Awb" in line and "niet worden goedgekeurd" in line
    # a partner without any mandate on record
    no_mandate = region.partner("gemeente-rotterdam").model_copy(update={"mandate": None})
    bare = region.model_copy(update={"partners": [no_mandate if p.slug == no_mandate.slug else p
                                                  for p in region.partners]})
    assert contacts.mandate_keys(bare, "gemeente-rotterdam") == ["partners.gemeente-rotterdam.mandate"]
    assert "er is geen mandaat vastgelegd" in contacts.problems(bare, ["partners.gemeente-rotterdam.mandate"])[0]


@pytest.mark.parametrize("region_id", REGION_IDS)
def test_every_bestuursorgaan_partner_has_its_mandate_checked(region_id, regions):
    region = regions[region_id]
    organs = [p for p in region.partners if p.bestuursorgaan and p.regime.value == "avg"]
    lines = contacts.partner_problems(region, [p.slug for p in organs])
    for partner in organs:
        assert partner.mandate is not None, partner.slug
        assert any(line.startswith(f"regio {region_id}: partners.{partner.slug}.mandate ") for line in lines), partner.slug


# ------------------------------------------------------------------ the court and inzage


@pytest.mark.parametrize("region_id", ["drenthe", "hollands-midden", "rotterdam-rijnmond", "utrecht"])
def test_the_court_route_names_the_court(region_id, regions):
    """Issue 18 point 11: the rechtbank of the betrokkene's woonplaats (art. 262 onder a Rv:
    the court of the verzoeker's woonplaats is competent), by verzoekschrift within six weeks,
    without a lawyer (art. 35 lid 2 en 4 UAVG)."""
    region = regions[region_id]
    visible = text_of(render_html("geen_gegevens", sample_context("geen_gegevens", region)))  # joint: both routes
    assert "Stuur die brief aan de rechtbank in het gebied waar u woont." in visible
    assert "Welke rechtbank dat is, ziet u op www.rechtspraak.nl." in visible
    assert "U heeft hiervoor geen advocaat nodig." in visible
    assert "artikel 35 lid 2 en 4 UAVG; artikel 262 onder a Rv" in visible


@pytest.mark.parametrize("region_id", REGION_IDS)
def test_inzage_keeps_a_route_for_parts_shown_in_full(region_id, regions):
    """docs/decisions.md: an inzage decision is contested on its completeness, which the
    betrokkene cannot see; so every part keeps its route and the letter says so."""
    region = regions[region_id]
    ctx = sample_context("inzage_besluit", region)
    assert ctx.remedies.granted_parts == [] and ctx.remedies.routes >= 1
    visible = text_of(render_html("inzage_besluit", ctx))
    assert "Denkt u dat wij meer gegevens over u hebben dan in deze brief staan? Ook dan kunt u dit doen." in visible
    other = text_of(render_html("besluit_correctie", sample_context("besluit_correctie", region)))
    assert "Denkt u dat wij meer gegevens" not in other
