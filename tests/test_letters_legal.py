"""Issue 9 on the letters themselves, for every kind and region: B1 readability, who signs,
contact details that work (or the VOORBEELD marking), the complaint, the sources named."""
import re
from pathlib import Path

import pytest
import yaml

from models.enums import RequestType
from models.letters import KINDS, contacts
from models.letters.render import DEMO_MARK, render_html, unverified_keys
from models.letters.samples import sample_context
from models.region_config import load_region_file
from tests.readability import MAX_AVERAGE, MAX_WORDS, cites, readability, running_text

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REGION_IDS = sorted(p.stem for p in (PROJECT_ROOT / "config" / "regions").glob("*.yaml"))


def html_of(kind, region):
    return render_html(kind, sample_context(kind, region))


@pytest.mark.parametrize("region_id", REGION_IDS)
@pytest.mark.parametrize("kind", list(KINDS))
def test_readability(kind, region_id, regions):
    """B1: no sentence longer than about 25 words, short on average (issue 9 point 20)."""
    r = readability(html_of(kind, regions[region_id]))
    assert r.sentences, "a letter has running text"
    longest, sentence = r.longest
    assert longest <= MAX_WORDS, f"{longest} woorden: {sentence}"
    assert r.average <= MAX_AVERAGE, r.average


@pytest.mark.parametrize("region_id", REGION_IDS)
@pytest.mark.parametrize("kind", list(KINDS))
def test_plain_words_in_the_running_text(kind, region_id, regions):
    region = regions[region_id]
    html = html_of(kind, region)
    ctx = sample_context(kind, region)
    text = " ".join(running_text(html)).replace(ctx.reference, "")
    # no abbreviations of the ZVH, no role title with one
    for abbreviation in {region.short_name, region.reference_prefix, "ZVHRR", "VH Fryslân", "Hoofd ZVHRR"}:
        assert not re.search(rf"\b{re.escape(abbreviation)}\b", text), abbreviation
    # a municipality in lower case in a sentence ("gemeente Achtkarspelen")
    assert not re.search(r"[a-z,] Gemeente [A-Z]", text)
    # no article strings inside the sentences: they are in the short references
    assert not re.search(r"\bart\. \d", text), re.search(r".{40}\bart\. \d.{20}", text)
    if KINDS[kind].recipient.value == "betrokkene":
        assert "procesregisseur" not in text.lower() or "de medewerker die de aanpak van uw zaak regelt" in text
        if "bestuursorgaan" in text:
            assert "in de wet: bestuursorgaan" in text or "In de wet heet dat een bestuursorgaan" in text
        if re.search(r"\bcasus\b", text):
            assert 'heet in het dossier een "casus"' in text or "zaken (casussen)" in text or kind != "inzage_besluit"


@pytest.mark.parametrize("region_id", REGION_IDS)
def test_letters_to_the_betrokkene_give_every_way_to_reach_us(region_id, regions):
    region = regions[region_id]
    for kind in (k for k in KINDS.values() if k.recipient.value == "betrokkene"):
        visible = re.sub(r"<[^>]+>", " ", html_of(kind.id, region))
        for label in ("Bellen:", "Mailen:", "Schrijven:", "Langskomen:", "Telefoon:", "E-mail:", "Bezoekadres:"):
            assert label in visible, (kind.id, label)
        if kind.id != "inzage_besluit":
            assert "Autoriteit Persoonsgegevens" in visible
        assert ("een klacht indienen bij ons" in visible) == region.complaint.zvh, kind.id


@pytest.mark.parametrize("region_id", REGION_IDS)
@pytest.mark.parametrize("kind", list(KINDS))
def test_an_unverified_contact_detail_marks_the_letter(kind, region_id, regions):
    """Placeholders and the VOORBEELD marking go together, and each placeholder comes from a
    key the up-front check (contacts.unsendable) also names."""
    region = regions[region_id]
    html = html_of(kind, region)
    keys = unverified_keys(html)
    assert ("[nog niet bekend]" in html) == bool(keys) == (DEMO_MARK in html)
    possible = set(contacts.possible_keys(region, kind))
    ctx = sample_context(kind, region)
    partner_keys = set(contacts.remedy_keys(region, ctx.remedies)) if ctx.remedies else set()
    assert set(keys) <= possible | partner_keys
    named = {line.split(": ", 1)[1].split(" ", 1)[0]
             for line in contacts.unsendable(region, [kind]) + contacts.partner_problems(
                 region, [p.slug for p in region.partners])}
    # The fields of one mandate make one line, named by the mandate's key (issue 18 point 2).
    assert {re.sub(r"^(partners\.[^.]+\.mandate)\..*", r"\1", k) for k in keys} <= named


def _verified_region(tmp_path, region_id="utrecht"):
    """A copy of a region file with every contact detail filled in (as the region will)."""
    src = PROJECT_ROOT / "config" / "regions" / f"{region_id}.yaml"
    data = yaml.safe_load(src.read_text(encoding="utf-8"))

    def fill(value, key=None):
        if isinstance(value, dict):
            return {k: fill(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [fill(v) for v in value]
        if value == "unverified":
            return "2025-01-14" if key == "decided_on" else "Ingevuld 1, 1234 AB Test"
        return value

    data = fill(data)
    path = tmp_path / "regions" / f"{region_id}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_region_file(path)


def test_a_region_with_every_detail_confirmed_sends_unmarked_letters(tmp_path):
    region = _verified_region(tmp_path)
    assert contacts.unsendable(region) == []
    assert contacts.partner_problems(region, [p.slug for p in region.partners]) == []
    for kind in KINDS:
        html = html_of(kind, region)
        assert DEMO_MARK not in html and unverified_keys(html) == [] and "[nog niet bekend]" not in html
        signature = html[html.index('id="signature"'):]
        assert "Ingevuld 1, 1234 AB Test" in signature  # the signer's name: a person


def test_unsendable_names_the_region_and_the_key(regions):
    problems = contacts.unsendable(regions["drenthe"], ["uitnodiging_identificatie"])
    assert "regio drenthe: letterhead.phone is nog niet bevestigd (unverified)" in problems
    assert "regio drenthe: signatory.name is nog niet bevestigd (unverified)" in problems
    assert "regio drenthe: identity.locations.0.address is nog niet bevestigd (unverified)" in problems
    assert not any("bezwaar" in p for p in problems)  # the invitation is no decision
    decision = contacts.unsendable(regions["drenthe"], ["geen_gegevens"])
    assert "regio drenthe: bezwaar.addressee is nog niet bevestigd (unverified)" in decision
    assert contacts.unsendable(regions["fryslan"], ["geen_gegevens"]) != []
    assert not any("bezwaar.address" in p for p in contacts.unsendable(regions["fryslan"], ["geen_gegevens"]))


def test_blocked_is_empty_under_the_demo_setting_only(regions, production):
    assert contacts.blocked(regions["utrecht"]) == contacts.unsendable(regions["utrecht"]) != []


def test_blocked_under_demo(regions):
    assert contacts.blocked(regions["utrecht"]) == []


def test_the_signature_is_a_person_with_a_function_and_mandate_where_it_applies(regions):
    fryslan = html_of("inzage_besluit", regions["fryslan"])
    signature = fryslan[fryslan.index('id="signature"'):]
    assert "Het college van burgemeester en wethouders van Leeuwarden,<br>namens dezen," in signature
    rotterdam = html_of("ontvangstbevestiging", regions["rotterdam-rijnmond"])  # no decision
    signature = rotterdam[rotterdam.index('id="signature"'):]
    assert "namens de verwerkingsverantwoordelijken," in signature and "namens dezen" not in signature
    assert "hoofd van het Zorg- en Veiligheidshuis Rotterdam-Rijnmond" in signature
    assert "Hoofd ZVHRR" not in rotterdam


def test_rotterdam_inzage_follows_the_avg_in_the_letters(regions):
    region = regions["rotterdam-rijnmond"]
    ack = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html_of("ontvangstbevestiging", region)))
    assert "Voor uw verzoek om inzage hebben wij een maand. Dat is de termijn van de AVG." in ack
    assert "Voor uw verzoek om correctie hebben wij vier weken." in ack
    html = html_of("ontvangstbevestiging", region)
    assert cites(html, "art. 18.2 Privacyprotocol") and cites(html, "art. 19.4 Privacyprotocol")
    assert "19.4 en 20.4" not in ack
    verlenging = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html_of("verlenging", region)))
    assert "volgt ons privacyprotocol de termijnen van de AVG" in verlenging
    assert "art. 18.2 Privacyprotocol" in verlenging


def test_hollands_midden_letters_say_the_rules_come_from_the_national_model(regions):
    region = regions["hollands-midden"]
    for kind in ("inzage_besluit", "weigering_overdraagbaarheid", "besluit_correctie", "geen_gegevens"):
        visible = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html_of(kind, region)))
        assert "ons privacyprotocol" not in visible, kind
        assert "focusoverleggen" in visible and "landelijk model" in visible, kind
    overdracht = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html_of("weigering_overdraagbaarheid", region)))
    assert "Dat staat ook in het landelijke privacyprotocol voor veiligheidshuizen." in overdracht


def test_referral_parts_name_the_body_and_never_the_content(regions):
    """Issue 9 point 15: where the part went and whom to contact, under which law; nothing of
    what the police or OM data are."""
    for region in regions.values():
        ctx = sample_context("doorverwijzing_betrokkene", region)
        visible = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", render_html("doorverwijzing_betrokkene", ctx)))
        assert "Wij weten niet wat zij u antwoorden" in visible
        assert "Neem dan contact op met" in visible
        for r in ctx.referrals:
            assert r.body_name in visible and r.reference in visible
        assert "Gegevens van de politie:" not in visible  # the old headings said what was there


def test_consultation_offers_the_grounds_of_article_41_uavg_and_asks_for_an_explanation(regions):
    for region in regions.values():
        visible = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html_of("consultatieverzoek", region)))
        assert "Alleen de gronden van artikel 41 lid 1 UAVG zijn mogelijk" in visible
        for g in region.refusal_grounds:
            assert f"{g.id}: {g.plain} (onder {g.uavg})" in visible
        assert "uitleg voor de betrokkene zelf" in visible and "u-vorm" in visible
        assert "Zo niet: van wie dan?" in visible


def test_verzet_letter_shows_the_weighing(regions):
    for region in regions.values():
        ctx = sample_context("besluit_verzet", region)
        visible = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", render_html("besluit_verzet", ctx)))
        assert ctx.situation in visible
        for part in ctx.parts:
            assert part.weighing in visible
            if part.compelling_grounds:
                assert part.compelling_grounds in visible
        assert "Dwingende redenen om door te gaan: die zijn er niet." in visible  # the granted part
        assert "artikel 21 lid 1 AVG" in visible


def test_eigen_verklaring_outside_fryslan_is_an_aanvulling_in_the_letter(regions):
    for region in regions.values():
        ctx = sample_context("besluit_correctie", region).model_copy(update={"request_type": RequestType.eigen_verklaring})
        html = render_html("besluit_correctie", ctx)
        visible = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
        said = "Wij behandelen uw verzoek als een verzoek om aanvulling" in visible
        assert said == (region.id != "fryslan")
        assert cites(html, region.rights[RequestType.eigen_verklaring].rule.article)


def test_a_placeholder_from_the_letters_own_data_marks_it_too(regions):
    from models.letters import context as c

    ctx = sample_context("kennisgeving_ontvangers", regions["utrecht"])
    ctx = ctx.model_copy(update={"addressee": c.Addressee(name="Woonstichting", address_lines=["unverified"])})
    html = render_html("kennisgeving_ontvangers", ctx)
    assert DEMO_MARK in html and "addressee.address_lines" in unverified_keys(html)
