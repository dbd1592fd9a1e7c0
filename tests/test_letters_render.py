"""Every letter renders for every region; a missing or blank value is an error, not a hole;
the legal content that depends on the region (articles, signatory, bezwaarclausule) is there."""
import re
from datetime import date
from pathlib import Path

import pytest
from jinja2 import UndefinedError
from markupsafe import escape
from pydantic import ValidationError

from models.enums import DecisionOutcome, RequestType
from models.letters import KINDS, Recipient
from models.letters import context as c
from models.letters.render import (
    LetterIncomplete,
    datum,
    naam,
    environment,
    opsomming,
    render_html,
    telwoord,
    unverified_keys,
)
from models.letters.samples import sample_context
from models.region_config import load_regions
from tests.readability import cites

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REGION_IDS = sorted(p.stem for p in (PROJECT_ROOT / "config" / "regions").glob("*.yaml"))
DECISIONS = [k for k in KINDS.values() if k.decision]


@pytest.fixture(scope="module")
def regions():
    return load_regions(PROJECT_ROOT / "config")


def html_of(kind: str, region) -> str:
    return render_html(kind, sample_context(kind, region))


def text_of(html: str) -> str:
    """Visible text, whitespace collapsed (for phrase checks across line breaks)."""
    html = re.sub(r"<style>.*?</style>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def e(value: str) -> str:
    return str(escape(value))


def test_all_five_regions_present():
    assert len(REGION_IDS) >= 5


@pytest.mark.parametrize("region_id", REGION_IDS)
@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_renders_for_every_region(kind, region_id, regions):
    region = regions[region_id]
    html = html_of(kind, region)
    assert html.startswith("<!DOCTYPE html>")
    assert f'<meta name="letter-kind" content="{kind}">' in html
    assert e(region.letterhead.organisation) in html
    assert "Ons kenmerk" in html and region.reference_prefix in html
    assert "Met vriendelijke groet," in html
    signature = html[html.index('id="signature"'):]
    if KINDS[kind].signer == "signatory":
        # a person with a function, on behalf of the controllers or in mandate (Awb 10:10):
        # a decision names every bestuursorgaan whose part it decides, "namens dezen"
        assert ('class="signer-name"' in signature) and ('class="signer"' in signature)
        remedies = sample_context(kind, region).remedies if KINDS[kind].decision else None
        if remedies is not None and remedies.mandates:
            for line in remedies.mandates:
                if line.organ != "unverified":
                    assert f"{e(line.organ)},<br>namens dezen," in signature, line
            assert ("namens de" in signature and "verwerkingsverantwoordelijken" in signature) == remedies.others
        else:
            assert e(region.signatory.on_behalf) in signature
            assert ("namens dezen" in signature) == region.signatory.mandate
        if region.signatory.function != "unverified":
            assert e(region.signatory.function) in signature
    else:
        assert e(region.internal_signer.function) in signature
    # No hole, no placeholder, no BSN.
    visible = text_of(html)
    assert not re.search(r"\bNone\b", visible)
    assert "Undefined" not in visible
    assert "BSN" not in visible and "burgerservicenummer" not in visible.lower()


@pytest.mark.parametrize("region_id", REGION_IDS)
def test_every_decision_carries_its_remedies_and_no_other_letter_does(region_id, regions):
    region = regions[region_id]
    for kind in KINDS.values():
        html = html_of(kind.id, region)
        has_remedy = 'id="remedy"' in html
        assert has_remedy == kind.decision, kind.id
        if not has_remedy:
            continue
        visible = text_of(html)
        ctx = sample_context(kind.id, region)
        for route in ctx.remedies.bezwaar:
            assert e(route.addressee) in html, kind.id
            assert "bezwaarschrift" in visible and "binnen zes weken" in visible
            assert "8:81 Awb" in visible and "34 UAVG" in visible and "6:7" in visible
            assert "Bezwaar is iets anders dan verzet" in visible
            assert "voorlopige voorziening" in visible
            assert e(ctx.reference) in html
        assert ("artikel 35 lid 2 en 4 UAVG" in visible) == ctx.remedies.court, kind.id
        if ctx.remedies.court:
            assert "verzoekschrift" in visible and "geen advocaat nodig" in visible


def test_fryslan_decides_as_a_bestuursorgaan_for_every_part(regions):
    """The Zetelgemeente (College van B&W Leeuwarden) decides every request: only bezwaar."""
    region = regions["fryslan"]
    for kind in (k for k in KINDS.values() if k.decision):
        ctx = sample_context(kind.id, region)
        assert [r.addressee for r in ctx.remedies.bezwaar] == [region.bezwaar.addressee]
        assert ctx.remedies.court is False
        visible = text_of(render_html(kind.id, ctx))
        assert "artikel 35 lid 2 en 4 UAVG" not in visible and "Gemeente Leeuwarden Postbus 21000 8900 JA Leeuwarden" in visible


def test_remedies_follow_who_decided(regions):
    from models.letters.remedies import remedies_for

    region = regions["rotterdam-rijnmond"]
    gemeente = region.partner("gemeente-rotterdam")
    raad = region.partner("raad-voor-de-kinderbescherming")
    ggz = region.partner("ggz-antes")
    police = region.partner("politie-eenheid-rotterdam")
    # one private partner: only the court route
    only_private = remedies_for(region, [ggz])
    assert only_private.bezwaar == [] and only_private.court_parts == ["GGZ Antes"]
    # one bestuursorgaan: only its bezwaar route, covering everything
    only_public = remedies_for(region, [gemeente, police])  # police decide themselves
    assert [r.addressee for r in only_public.bezwaar] == ["het college van burgemeester en wethouders van Rotterdam"]
    assert only_public.bezwaar[0].parts == [] and only_public.court is False
    # mixed: a route per bestuursorgaan with its parts, and the court for the private ones
    mixed = remedies_for(region, [gemeente, raad, ggz])
    assert {r.addressee: r.parts for r in mixed.bezwaar} == {
        "het college van burgemeester en wethouders van Rotterdam": ["gemeente Rotterdam"],
        "de Raad voor de Kinderbescherming": ["Raad voor de Kinderbescherming Rotterdam"],
    }
    assert mixed.court_parts == ["GGZ Antes"]
    # no partner's data (no data found, a standard refusal): for all controllers together
    joint = remedies_for(region, None)
    assert joint.joint and joint.court and [r.key for r in joint.bezwaar] == ["bezwaar"]
    html = render_html("geen_gegevens", sample_context("geen_gegevens", region))
    assert "voor alle samenwerkende organisaties samen" in text_of(html)


def test_a_decision_without_remedies_does_not_render(regions):
    ctx = sample_context("geen_gegevens", regions["utrecht"]).model_copy(update={"remedies": None})
    with pytest.raises(LetterIncomplete, match="rechtsmiddelen"):
        render_html("geen_gegevens", ctx)


def test_both_kinds_of_decider_occur(regions):
    """The remedy tests above are only meaningful if both cases occur."""
    assert {r.signatory.decides for r in regions.values()} == {True, False}
    flags = {p.bestuursorgaan for r in regions.values() for p in r.partners if p.regime == "avg"}
    assert flags == {True, False}


@pytest.mark.parametrize("region_id", REGION_IDS)
def test_inzage_reply_has_items_a_to_h_and_the_source_of_every_item(region_id, regions):
    region = regions[region_id]
    ctx = sample_context("inzage_besluit", region)
    html = render_html("inzage_besluit", ctx)
    headings = {
        "a": "Waarvoor gebruiken wij uw gegevens?",
        "b": "Welke soorten gegevens hebben wij over u?",
        "c": "Aan wie zijn uw gegevens gegeven?",
        "d": "Hoe lang bewaren wij uw gegevens?",
        "e": "Welke rechten heeft u?",
        "f": "Waar kunt u een klacht indienen?",
        "g": "Van wie komen uw gegevens?",
        "h": "Neemt een computer beslissingen over u?",
    }
    positions = []
    for letter, title in headings.items():
        heading = f'<h2 id="item-{letter}">{letter}. {title}</h2>'
        assert heading in html, letter
        positions.append(html.index(heading))
    assert positions == sorted(positions), "items a-h must be in order"
    visible = text_of(html)
    # e: the rights; f: the Autoriteit Persoonsgegevens (and the ZVH) with the region's article.
    for phrase in ("verbeteren of aan te vullen", "verwijderen", "beperken", "verzet", "eigen verklaring"):
        assert phrase in visible
    assert "Autoriteit Persoonsgegevens" in visible and region.complaint.article in visible
    assert "Postbus 93374, 2509 AJ Den Haag" in visible and "088 - 1805 250" in visible
    assert ("een klacht indienen bij ons" in visible) == region.complaint.zvh
    # b: every category, withheld and police ones too, with the special and criminal marks
    section_b = text_of(html[html.index('id="item-b"'): html.index('id="item-c"')])
    assert "bijzonder gegeven: over uw gezondheid" in section_b and "strafrechtelijk gegeven" in section_b
    assert "Gegevens van de politie" in section_b and "Verklaring van een buurtbewoner" in section_b
    assert "De kopie is gratis" in visible
    # g: one row per item with its supplying partner, numbered as in the annex.
    section_g = html[html.index('id="item-g"'): html.index('id="item-h"')]
    for nr, item in ctx.numbered_items():
        row = re.search(rf'<td class="nr">{nr}</td>.*?</tr>', section_g, flags=re.S)
        assert row, nr
        assert f'<td class="source">{e(naam(item.supplier))}</td>' in row.group(0)
    # The copy, grouped by casus and then by supplier.
    annex = html[html.index('<section class="annex" id="annex">'):]
    assert "Kopie van uw gegevens" in annex
    for casus, by_supplier in ctx.annex():
        assert f'<h2 class="casus">{e(casus)}</h2>' in annex
        for supplier, rows in by_supplier:
            assert f'<h3 class="supplier">Gegevens van {e(naam(supplier))}</h3>' in annex
            for _, item in rows:
                assert e(item.description) in annex
    # h: none by default.
    assert "alleen door een computer is gemaakt" in visible


def test_inzage_partial_refusal_and_referral_are_reasoned(regions):
    region = regions["rotterdam-rijnmond"]
    ctx = sample_context("inzage_besluit", region)
    visible = text_of(render_html("inzage_besluit", ctx))
    part = ctx.withheld[0]
    assert "Gegevens die u niet krijgt" in visible
    assert part.ground_plain in visible and part.ground_label in visible and part.ground_article in visible
    assert part.motivation in visible
    assert "artikel 41 lid 1 onder i UAVG" in visible and "artikel 23 lid 1 AVG" in visible
    assert ctx.referrals[0].body_name in visible
    assert region.routing.wpg.rule.article in visible
    assert "Op een verzoek om inzage antwoordt de politie binnen zes weken" in visible
    assert cites(render_html("inzage_besluit", ctx), "artikel 25 Wpg")  # verified; not "25 tot en met 29"


def test_a_withheld_part_without_explanation_shows_the_hole(regions):
    ctx = sample_context("inzage_besluit", regions["utrecht"])
    part = ctx.withheld[0].model_copy(update={"motivation": None})
    html = render_html("inzage_besluit", ctx.model_copy(update={"withheld": [part]}))
    assert "de uitleg voor u ontbreekt nog" in text_of(html)
    assert "vroeg om het om deze reden niet te verstrekken" not in html


def test_automated_decision_making_is_explained_when_present(regions):
    ctx = sample_context("inzage_besluit", regions["utrecht"])
    ctx = ctx.model_copy(update={"automated_decision_making": "Een computer telt meldingen voor de Top-X-lijst; een mens beslist."})
    visible = text_of(render_html("inzage_besluit", ctx))
    assert "Een computer telt meldingen" in visible
    assert "alleen door een computer is gemaakt" not in visible


@pytest.mark.parametrize("region_id", REGION_IDS)
def test_no_data_reply(region_id, regions):
    region = regions[region_id]
    html = html_of("geen_gegevens", region)
    visible = text_of(html)
    assert "Wij hebben daarin geen gegevens over u gevonden" in visible
    assert "annex" not in html.split("</style>")[1]
    assert cites(html, region.rights[RequestType.inzage].rule.article)
    assert "Autoriteit Persoonsgegevens" in visible
    # the truth: the request file itself is kept for the retention period
    assert "Wij bewaren wel de gegevens van uw verzoek zelf" in visible
    assert f"{telwoord(region.retention.request_file_years)} jaar nadat uw verzoek is afgehandeld" in visible
    # the period is the partners' decision: its source, not a protocol article (issue 18 point 7)
    assert "Dat hebben de samenwerkende organisaties samen besloten." in visible
    assert "retention.decision" in unverified_keys(html)


@pytest.mark.parametrize("region_id", REGION_IDS)
def test_region_articles_come_from_the_configuration(region_id, regions):
    region = regions[region_id]
    html = {kind: html_of(kind, region) for kind in KINDS}

    def visible(kind):
        return text_of(html[kind])

    assert cites(html["weigering_overdraagbaarheid"], region.rights[RequestType.overdraagbaarheid].rule.article)
    assert "artikel 20 lid 1 en lid 3 AVG" in visible("weigering_overdraagbaarheid")
    assert cites(html["besluit_correctie"], region.rights[RequestType.correctie].rule.article)
    assert cites(html["besluit_correctie"], region.deadlines.period(RequestType.correctie).rule.article)
    assert cites(html["besluit_verzet"], region.rights[RequestType.verzet].rule.article)
    assert cites(html["besluit_verzet"], region.deadlines.period(RequestType.verzet).rule.article)
    ack = visible("ontvangstbevestiging")
    for rtype in (RequestType.inzage, RequestType.correctie):  # the sample asks for both
        assert cites(html["ontvangstbevestiging"], region.deadlines.period(rtype).rule.article)
    assert "Het behandelen van uw verzoek is gratis" in ack and "artikel 12 lid 5 AVG" in ack
    assert cites(html["uitnodiging_identificatie"], region.identity.rule.article)
    assert cites(html["doorverwijzing_betrokkene"], region.routing.wpg.rule.article)
    assert cites(html["doorverwijzing_betrokkene"], region.routing.wjsg.rule.article)
    assert cites(html["doorzending"], region.routing.wpg.rule.article)
    assert cites(html["verlenging"], "artikel 12 lid 3 AVG")
    assert cites(html["kennisgeving_ontvangers"], "artikel 19 AVG")


@pytest.mark.parametrize("region_id", REGION_IDS)
def test_identification_letter_uses_places_and_bring_from_config(region_id, regions):
    region = regions[region_id]
    html = html_of("uitnodiging_identificatie", region)
    for loc in region.identity.locations:
        assert e(loc.name) in html
        for line in loc.address:
            assert (e(line) in html) or line == "unverified"
    for thing in region.identity.bring:
        assert e(thing) in html
    visible = text_of(html)
    assert ("staat de termijn voor ons antwoord stil" in visible) == region.deadlines.suspend_for_identity
    assert "U krijgt dan een bericht met de nieuwe datum" in visible


@pytest.mark.parametrize("region_id", REGION_IDS)
def test_suspension_is_cited_truthfully_and_the_new_date_told(region_id, regions):
    """Issue 9 point 3: no protocol article for the suspension; after the identity check the
    betrokkene learns the new date, and the later letters say why a date changed."""
    region = regions[region_id]
    for kind in ("ontvangstbevestiging", "uitnodiging_identificatie", "termijn_na_identificatie"):
        visible = text_of(html_of(kind, region))
        assert region.deadlines.suspend_rule.article in visible
        assert "(art. 19.5 Privacyprotocol)" not in visible and "art. 18.4 Privacy" not in visible.split("Regels:")[-1]
    ctx = sample_context("termijn_na_identificatie", region)
    visible = text_of(render_html("termijn_na_identificatie", ctx))
    assert "De termijn heeft vijf dagen stilgestaan" in visible
    for d in ctx.deadlines:
        assert datum(d.due) in visible
    verlenging = sample_context("verlenging", region)
    visible = text_of(render_html("verlenging", verlenging))
    assert f"Wij schreven u eerder dat u uiterlijk op {datum(verlenging.announced_deadline)} antwoord zou" in visible


@pytest.mark.parametrize("region_id", REGION_IDS)
def test_referral_letters_name_the_configured_bodies(region_id, regions):
    region = regions[region_id]
    ctx = sample_context("doorverwijzing_betrokkene", region)
    html = render_html("doorverwijzing_betrokkene", ctx)
    targets = {r.target for r in ctx.referrals}
    assert {"wpg_loket", "parket_privacyfunctionaris"} <= {t.value for t in targets}
    for r in ctx.referrals:
        assert e(r.body_name) in html
        for line in r.body_address_lines:
            assert e(line) in html
    forward = sample_context("doorzending", region)
    html = render_html("doorzending", forward)
    assert e(forward.betrokkene.name) in html
    for line in forward.addressee.address_lines:
        assert e(line) in html


def test_eigen_verklaring_is_offered_in_every_region(regions):
    for region in regions.values():
        visible = text_of(html_of("inzage_besluit", region))
        assert "uw eigen verklaring bij het dossier te voegen" in visible, region.id
        html = html_of("inzage_besluit", region)
        assert cites(html, "artikel 16 AVG")  # the aanvullende verklaring of AVG art. 16
        right = region.rights[RequestType.eigen_verklaring]
        # a right of the protocol's own (Fryslân art. 20.2) names its article too
        assert cites(html, right.rule.article) == (right.handled_as is None), region.id


# ---------------------------------------------------------------- missing data is an error


def test_strict_undefined_raises_on_a_missing_field(regions):
    ctx = sample_context("ontvangstbevestiging", regions["utrecht"])
    with pytest.raises(UndefinedError):
        environment().from_string("{{ ctx.no_such_field }}").render(ctx=ctx)


def test_context_without_a_required_value_does_not_render(regions):
    """model_construct skips validation: the template itself must refuse the hole."""
    good = sample_context("inzage_besluit", regions["drenthe"])
    values = dict(good)
    del values["purposes"]
    broken = c.InzageBesluitContext.model_construct(**values)
    with pytest.raises(LetterIncomplete):
        render_html("inzage_besluit", broken)


def test_none_is_never_printed(regions):
    good = sample_context("geen_gegevens", regions["drenthe"])
    broken = good.model_copy(update={"subject_line": None})  # model_copy does not validate
    with pytest.raises(LetterIncomplete):
        render_html("geen_gegevens", broken)
    with pytest.raises(LetterIncomplete):
        environment().from_string("{{ x }}").render(x="   ")


@pytest.mark.parametrize(
    "field, value",
    [("subject_line", ""), ("subject_line", "   "), ("reference", ""), ("retention", " "), ("purposes", []), ("purposes", [""])],
)
def test_empty_required_field_is_rejected(field, value, regions):
    good = sample_context("inzage_besluit", regions["fryslan"])
    values = dict(good)
    values[field] = value
    with pytest.raises(ValidationError):
        c.InzageBesluitContext(**values)


def test_blank_addressee_is_rejected():
    with pytest.raises(ValidationError):
        c.Addressee(name="", address_lines=["Voorbeeldstraat 1"])
    with pytest.raises(ValidationError):
        c.Addressee(name="mevrouw J. de Vries", address_lines=[])


def test_no_bsn_can_be_put_in_a_letter():
    with pytest.raises(ValidationError):
        c.Person(name="mevrouw J. de Vries", bsn="111222333")


def test_wrong_context_model_is_refused(regions):
    ctx = sample_context("ontvangstbevestiging", regions["utrecht"])
    with pytest.raises(TypeError):
        render_html("inzage_besluit", ctx)


def test_values_are_escaped(regions):
    ctx = sample_context("geen_gegevens", regions["utrecht"])
    ctx = c.GeenGegevensContext(**{**dict(ctx), "subject_line": "<script>alert(1)</script>"})
    html = render_html("geen_gegevens", ctx)
    assert "<script>" not in html and "&lt;script&gt;" in html


# ---------------------------------------------------------------- legal consistency checks


def test_verzet_refusal_needs_compelling_grounds_and_grant_needs_execution(regions):
    values = dict(sample_context("besluit_verzet", regions["utrecht"]))
    with pytest.raises(ValidationError, match="compelling_grounds"):
        c.BesluitVerzetContext(**{**values, "outcome": DecisionOutcome.refused, "compelling_grounds": None})
    with pytest.raises(ValidationError, match="execution"):
        c.BesluitVerzetContext(**{**values, "outcome": DecisionOutcome.granted, "execution": None})
    late = c.Execution(executed_on=date(2026, 3, 30), description="Uitgevoerd.")
    with pytest.raises(ValidationError, match="eerst uitvoeren"):
        c.BesluitVerzetContext(**{**values, "execution": late})


def test_granted_correction_needs_what_was_done():
    with pytest.raises(ValidationError):
        c.ItemDecision(description="Adres", outcome=DecisionOutcome.granted, motivation="Klopte niet.")


def test_correction_decision_only_for_correction_types(regions):
    values = dict(sample_context("besluit_correctie", regions["utrecht"]))
    with pytest.raises(ValidationError):
        c.BesluitCorrectieContext(**{**values, "request_type": RequestType.inzage})


def test_extension_must_be_sent_within_the_first_month_and_at_most_two_months(regions):
    values = dict(sample_context("verlenging", regions["utrecht"]))
    with pytest.raises(ValidationError, match="eerste maand"):
        c.VerlengingContext(**{**values, "letter_date": date(2026, 3, 3)})
    with pytest.raises(ValidationError, match="twee maanden"):
        c.VerlengingContext(**{**values, "new_deadline": date(2026, 6, 1)})


def test_consultation_shows_only_the_partners_own_items(regions):
    region = regions["rotterdam-rijnmond"]
    values = dict(sample_context("consultatieverzoek", region))
    foreign = c.DataItem(casus="Casus X", supplier="Andere partner", category="Zorg", description="Iets")
    with pytest.raises(ValidationError, match="andere partners"):
        c.ConsultatieverzoekContext(**{**values, "items": [*values["items"], foreign]})


def test_referral_target_must_be_police_or_om():
    with pytest.raises(ValidationError):
        c.Referral(
            target="consultation", body_name="X", body_address_lines=["Y"], reference="R",
            request_types=[RequestType.inzage], sent_on=date(2026, 2, 2),
        )


def test_internal_letters_carry_no_personal_data_of_the_betrokkene(regions):
    region = regions["drenthe"]
    for kind in ("herinnering_consultatie", "escalatie_manager"):
        visible = text_of(html_of(kind, region))
        assert "de Vries" not in visible and "Voorbeeldstraat" not in visible, kind


def test_recipients_of_each_kind_are_set():
    assert {k.recipient for k in KINDS.values()} == set(Recipient)


# ---------------------------------------------------------------- filters


def test_dutch_dates_and_lists():
    assert datum(date(2026, 11, 25)) == "25 november 2026"
    assert datum(date(2026, 3, 1)) == "1 maart 2026"
    assert opsomming(["a"]) == "a"
    assert opsomming(["a", "b", "c"]) == "a, b en c"
    assert opsomming(["a", "b"], last="of") == "a of b"
    assert telwoord(6) == "zes" and telwoord(4) == "vier" and telwoord(52) == "52"
    with pytest.raises(LetterIncomplete):
        opsomming([])


def test_letter_to_a_representative_says_whom_it_is_about(regions):
    from models.letters.render import render_html
    from models.letters.samples import sample_context

    ctx = sample_context("inzage_besluit", regions["utrecht"]).model_copy(
        update={"on_behalf_of": "uw cliënt of vertegenwoordigde J. Voorbeeld, geboren 01-02-1980"}
    )
    html = render_html("inzage_besluit", ctx)
    assert "Betreft" in html and "J. Voorbeeld, geboren 01-02-1980" in html
    assert "Betreft" not in render_html("inzage_besluit", sample_context("inzage_besluit", regions["utrecht"]))


def test_referral_notice_says_when_it_is_the_whole_answer(regions):
    from models.letters.render import render_html
    from models.letters.samples import sample_context

    ctx = sample_context("doorverwijzing_betrokkene", regions["drenthe"])
    whole = render_html("doorverwijzing_betrokkene", ctx.model_copy(update={"zvh_answers_rest": False}))
    part = render_html("doorverwijzing_betrokkene", ctx.model_copy(update={"zvh_answers_rest": True}))
    assert "daarom ons antwoord op uw verzoek" in whole
    assert "Over de rest van uw verzoek krijgt u antwoord van ons." in part
    assert "daarom ons antwoord op uw verzoek" not in part
    # issue 9 point 5: the notice that is the whole answer is a decision, with its remedies
    assert 'id="remedy"' in whole and 'id="remedy"' not in part
