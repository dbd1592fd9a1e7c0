"""Issue 18 point 9: the police and OM parts cite only verified articles and terms.

Verified (docs/letters.md, "Police and OM parts"): Wpg art. 25 (inzage, six weeks), Wpg art.
28 (verbetering, aanvulling, vernietiging, afscherming, four weeks), no right to object in the
Wpg; for the OM inzage within six weeks (the AP's guidance) and Wjsg art. 39j lid 2 (to whom
the data went in the last four years, four weeks). Not verified, so never printed: Wpg art.
29, an OM article for inzage, correction or verzet."""
import re
from pathlib import Path

import pytest

from models.enums import Regime, RequestType, RoutingTarget
from models.letters.context import Referral
from models.letters.render import render_html
from models.letters.samples import sample_context
from tests.readability import cites, reference_lines, readability
from tests.test_letters_all_kinds import MAX_REFERENCE
from tests.legaltools import text as text_of

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REGION_IDS = sorted(p.stem for p in (PROJECT_ROOT / "config" / "regions").glob("*.yaml"))
T = RequestType


def referral_letter(region, target: RoutingTarget, types: list[RequestType]) -> str:
    """The referral notice with one part: ``types`` sent to the region's ``target`` body."""
    regime = Regime.wpg if target in (RoutingTarget.wpg_loket, RoutingTarget.politie_privacyfunctionaris) else Regime.wjsg
    unit = next(p.unit for p in region.partners if p.regime == regime)
    body = region.routing_body(target, unit)
    ctx = sample_context("doorverwijzing_betrokkene", region)
    part = Referral.for_body(body, f"{ctx.reference}-W1", types, ctx.referrals[0].sent_on)
    return render_html("doorverwijzing_betrokkene", ctx.model_copy(update={"referrals": [part]}))


def forwarding_letter(region, target: RoutingTarget, types: list[RequestType]) -> str:
    ctx = sample_context("doorzending", region)
    referral = ctx.referral
    regime_unit = next(p.unit for p in region.partners if p.regime == (
        Regime.wpg if target in (RoutingTarget.wpg_loket, RoutingTarget.politie_privacyfunctionaris) else Regime.wjsg))
    body = region.routing_body(target, regime_unit)
    part = Referral.for_body(body, referral.reference, types, referral.sent_on)
    return render_html("doorzending", ctx.model_copy(update={"referral": part}))


@pytest.mark.parametrize("region_id", REGION_IDS)
def test_police_inzage_six_weeks_under_article_25(region_id, regions):
    html = referral_letter(regions[region_id], RoutingTarget.wpg_loket, [T.inzage])
    text = text_of(html)
    assert "Op een verzoek om inzage antwoordt de politie binnen zes weken." in text
    assert cites(html, "artikel 25 Wpg") and not cites(html, "artikel 28 Wpg")


@pytest.mark.parametrize("region_id", REGION_IDS)
def test_police_correction_four_weeks_under_article_28(region_id, regions):
    html = referral_letter(regions[region_id], RoutingTarget.wpg_loket, [T.correctie, T.verwijdering, T.eigen_verklaring])
    text = text_of(html)
    assert "Op uw verzoek om correctie, verwijdering en eigen verklaring antwoordt de politie binnen vier weken." in text
    assert cites(html, "artikel 28 Wpg") and not cites(html, "artikel 25 Wpg")


@pytest.mark.parametrize("region_id", REGION_IDS)
def test_a_verzet_sent_to_the_police_is_treated_under_its_own_law(region_id, regions):
    html = referral_letter(regions[region_id], RoutingTarget.politie_privacyfunctionaris, [T.verzet])
    text = text_of(html)
    assert "De Wet politiegegevens kent geen recht van verzet" in text
    assert "De politie behandelt uw verzet daarom volgens haar eigen wet." in text
    assert "binnen vier weken" not in text.split("Doorgestuurd naar", 1)[1].split("Noem daarbij")[0]
    forwarding = text_of(forwarding_letter(regions[region_id], RoutingTarget.politie_privacyfunctionaris, [T.verzet]))
    assert "De Wet politiegegevens kent geen recht van verzet." in forwarding
    assert "zoals uw eigen wet dat toelaat" in forwarding


@pytest.mark.parametrize("region_id", REGION_IDS)
def test_the_om_part_gives_its_term_and_its_verified_article(region_id, regions):
    html = referral_letter(regions[region_id], RoutingTarget.parket_privacyfunctionaris, [T.inzage, T.correctie])
    text = text_of(html)
    assert "Op een verzoek om inzage antwoordt het Openbaar Ministerie binnen zes weken." in text
    assert "Voor uw verzoek om correctie gelden de regels en termijnen van die wet." in text
    assert "aan wie het uw gegevens de laatste vier jaar heeft gegeven. Daarop krijgt u binnen vier weken antwoord." in text
    assert cites(html, "artikel 39j lid 2 Wjsg")
    verzet = text_of(referral_letter(regions[region_id], RoutingTarget.parket_generaal_bjz, [T.verzet]))
    assert "binnen zes weken" not in verzet.split("Doorgestuurd naar", 1)[1].split("Noem daarbij")[0]


@pytest.mark.parametrize("region_id", REGION_IDS)
def test_no_unverified_police_or_om_article_is_printed(region_id, regions):
    region = regions[region_id]
    letters = [referral_letter(region, target, types)
               for target in RoutingTarget if target.value in {b.target.value for b in region.routing.bodies}
               for types in ([T.inzage], [T.correctie], [T.verzet], [T.overdraagbaarheid], list(T))]
    letters += [forwarding_letter(region, RoutingTarget.wpg_loket, list(T)),
                forwarding_letter(region, RoutingTarget.parket_privacyfunctionaris, list(T))]
    for html in letters:
        text = text_of(html)
        assert not re.search(r"29\s+(Wpg|Wet politiegegevens)", text)
        assert "25 tot en met 29" not in text
        for line in reference_lines(html):
            assert not re.search(r"\b(39q|39e|39i|18|22|26) [^;]*Wjsg", line), line
        assert readability(html).longest[0] <= 25, readability(html).longest
        assert all(len(f"Regels: {line}.") <= MAX_REFERENCE for line in reference_lines(html)), reference_lines(html)


def test_no_routing_body_address_line_names_an_article(regions):
    for region in regions.values():
        for body in region.routing.bodies:
            for line in [body.name, *body.address]:
                assert not re.search(r"\bart(ikel)?\.? ?\d", line), (region.id, body.id, line)
