"""Region file rotterdam-rijnmond: it validates and matches its source document.

Source: ../shared/seeds/rotterdam-rijnmond-convenant-privacyprotocol-2024.txt (convenant and
privacy protocol of the Zorg- en Veiligheidshuis Rotterdam-Rijnmond, AB 28-02-2024).
"""
import re

import pytest

from models.enums import PartnerKind, Regime, RequestType
from tests.regions.conftest import assert_joint_body, assert_mandates, assert_partner, collapse

REGION_ID = "rotterdam-rijnmond"


# (a) the file loads and validates: tests/test_region_config.py; here what is particular to it


def test_identity_of_the_file(config):
    assert config.short_name == "ZVHRR"
    assert config.reference_prefix == "ZVHRR"
    assert config.source.file == "rotterdam-rijnmond-convenant-privacyprotocol-2024.txt"
    assert config.source.adopted == "28-02-2024"


# (b) every partner name occurs in the source document: tests/test_region_config.py


def test_seed_names_the_adoption_date(config, seed_text):
    assert f"Algemeen Bestuur vastgesteld d.d. {config.source.adopted}" in seed_text


# (c) specific partners from the preamble, including police and OM


@pytest.mark.parametrize(
    "slug, name, kind, regime",
    [
        ("gemeente-rotterdam", "gemeente Rotterdam", PartnerKind.gemeente, Regime.avg),
        ("gemeente-goeree-overflakkee", "gemeente Goeree Overflakkee", PartnerKind.gemeente, Regime.avg),
        ("gemeente-capelle-aan-den-ijssel", "Capelle aan den IJssel", PartnerKind.gemeente, Regime.avg),
        ("reclassering-nederland", "Reclassering Nederland", PartnerKind.reclassering, Regime.avg),
        ("raad-voor-de-kinderbescherming", "Raad voor de Kinderbescherming Rotterdam", PartnerKind.jeugd, Regime.avg),
        ("dienst-justitiele-inrichtingen", "Dienst Justitiele Inrichtingen", PartnerKind.overig, Regime.avg),
        ("ggz-antes", "GGZ Antes", PartnerKind.zorg, Regime.avg),
        ("politie-eenheid-rotterdam", "Eenheid Rotterdam Politie", PartnerKind.politie, Regime.wpg),
        ("om-arrondissementsparket-rotterdam", "Arrondissementsparket Rotterdam", PartnerKind.om, Regime.wjsg),
    ],
)
def test_named_partner(config, slug, name, kind, regime):
    assert_partner(config, slug, name, kind, regime)


def test_only_police_and_om_have_a_special_regime(config):
    special = {p.slug for p in config.partners if p.regime != Regime.avg}
    assert special == {"politie-eenheid-rotterdam", "om-arrondissementsparket-rotterdam"}


# (d) number of municipalities


def test_number_of_municipalities_matches_the_source(config, seed_text):
    # The preamble lists each municipality on a line starting with "Burgemeester" or
    # "Wethouder Zorg"; the Rotterdam directorates start with "Directeur" and are not counted.
    start = seed_text.index("van de gemeenten:")
    end = seed_text.index("Directeur GGZ Antes")
    block = seed_text[start:end]
    seed_count = len(re.findall(r"^(?:Burgemeester|Wethouder Zorg) ", block, flags=re.MULTILINE))
    gemeenten = [p for p in config.partners if p.kind == PartnerKind.gemeente]
    assert seed_count == 13
    assert len(gemeenten) == seed_count


def test_partner_count(config):
    # 13 gemeenten + 26 distinct other organisations (27 lines, Fivoor twice)
    assert len(config.partners) == 39
    assert sum(1 for p in config.partners if p.kind != PartnerKind.gemeente) == 26


# (e) region-specific rules


def test_police_and_om_units_and_routing_articles(config):
    # Their own routing bodies and the national Parket-Generaal (BJZ): tests/test_region_config.py.
    assert config.partner("politie-eenheid-rotterdam").unit == "Eenheid Rotterdam"
    assert config.partner("om-arrondissementsparket-rotterdam").unit == "Arrondissementsparket Rotterdam"
    # PP 17.6: inzage/correctie to the Wpg-loket, verzet to the privacyfunctionaris/jurist
    assert config.routing.wpg.rule.article == "art. 17.6 Privacyprotocol"
    # PP 17.5: inzage/rectificatie to the parket, verzetschriften to PG-BJZ
    assert config.routing.wjsg.rule.article == "art. 17.5 Privacyprotocol"


def test_signatory_is_the_hoofd_namens_the_controllers(config, seed_text):
    # PP 18.2: "door het hoofd beantwoord namens de verantwoordelijken in overleg met de
    # verantwoordelijken". The hoofd is no bestuursorgaan: each part follows its supplier.
    assert "door het hoofd beantwoord namens de verantwoordelijken" in collapse(seed_text)
    assert config.signatory.function == "hoofd van het Zorg- en Veiligheidshuis Rotterdam-Rijnmond"
    assert config.signatory.decides is False and config.signatory.mandate is False
    assert config.signatory.on_behalf == "namens de verwerkingsverantwoordelijken"
    assert config.roles.coordinator == "Procesregisseur"
    # A joint decision goes to the gemeente Rotterdam, under which the ZVHRR works (Conv. 12.2).
    assert config.bezwaar.addressee == "het college van burgemeester en wethouders van Rotterdam"
    assert "Postbus 1011" in config.bezwaar.address


def test_forums_per_request_type(config):
    assert {f.id for f in config.forums} == {"casusoverleg", "partneroverleg"}
    assert config.rights[RequestType.inzage].forum == "casusoverleg"  # PP 17.2
    assert config.rights[RequestType.verzet].forum == "casusoverleg"  # PP 20.3
    assert config.rights[RequestType.correctie].forum == "partneroverleg"  # PP 19.1
    assert config.rights[RequestType.verwijdering].forum == "partneroverleg"  # PP 19.1


def test_portability_refused_and_eigen_verklaring_as_aanvulling(config):
    portability = config.rights[RequestType.overdraagbaarheid]
    assert portability.available is False
    assert portability.forum is None
    assert portability.rule.article == "art. 21.1 Privacyprotocol"
    eigen = config.rights[RequestType.eigen_verklaring]
    assert eigen.available is True and eigen.handled_as == RequestType.aanvulling
    assert "art. 16 AVG" in eigen.rule.article and eigen.forum == "partneroverleg"


def test_inzage_follows_the_avg_and_the_rest_four_weeks(config, seed_text):
    """Issue 9 point 1: PP 18.2 answers inzage "binnen de termijnen bepaald in de AVG"; 19.4
    and 20.4 keep four weeks."""
    d = config.deadlines
    seed = collapse(seed_text)
    assert "het verzoek wordt binnen de termijnen bepaald in de avg door het hoofd beantwoord" in seed
    inzage = d.period(RequestType.inzage)
    assert (inzage.avg, inzage.weeks, inzage.rule.article) == (True, None, "art. 18.2 Privacyprotocol")
    assert "uiterlijk binnen 4 weken na ontvangst van het verzoek" in seed
    for rtype in (RequestType.correctie, RequestType.verwijdering, RequestType.aanvulling, RequestType.beperking):
        assert (d.period(rtype).weeks, d.period(rtype).rule.article) == (4, "art. 19.4 Privacyprotocol")
    assert "binnen 4 weken en draagt er zorg voor dat de beslissing binnen deze 4 weken wordt uitgevoerd" in seed
    assert (d.period(RequestType.verzet).weeks, d.period(RequestType.verzet).rule.article) == (
        4, "art. 20.4 Privacyprotocol")
    assert d.protocol_provides_extension is False
    assert d.suspend_for_identity is True
    assert "18.4" not in d.suspend_rule.article  # 18.4 is the identity check, no suspension


def test_rotterdam_inzage_after_four_weeks_within_the_month_is_on_time(config):
    from models.deadlines import ClockInput, ClockStatus, compute_clock
    from datetime import date

    # Thu 5 Mar 2026: four weeks = Thu 2 Apr; a month = Sun 5 Apr -> tweede Paasdag -> Tue 7 Apr.
    clock = compute_clock(ClockInput(
        received=date(2026, 3, 5), request_type=RequestType.inzage, policy=config.deadlines,
        now=date(2026, 4, 7), replied_on=date(2026, 4, 7),
    ))
    assert clock.status == ClockStatus.done_on_time and clock.protocol_met is True
    correctie = compute_clock(ClockInput(
        received=date(2026, 3, 5), request_type=RequestType.correctie, policy=config.deadlines,
        now=date(2026, 4, 7), replied_on=date(2026, 4, 7),
    ))
    assert correctie.status == ClockStatus.done_late


def test_retention_and_refusal_grounds(config, seed_text):
    assert config.retention.request_file_years == 5
    # a decision of the partners (issue 18 point 7), proposed by analogy with 11.2 (case data)
    assert config.retention.rule.article == "voorstel, naar analogie van art. 11.2 Privacyprotocol"
    assert config.retention.decision == "unverified"
    # 18.2: refusal only on "in de wet gespecificeerde weigeringsgronden": art. 41 lid 1 UAVG,
    # not the information-duty exceptions of 16.6 (whose letters stay as aliases).
    seed = collapse(seed_text)
    assert "met het oog op in de wet gespecificeerde weigeringsgronden" in seed
    assert [g.uavg for g in config.refusal_grounds] == list("abcdefghij")
    for ground in config.refusal_grounds:
        assert ground.rule.article == "art. 18.2 Privacyprotocol"
    assert config.refusal_ground("e").uavg == "i"
    assert config.refusal_ground("e").label == "de bescherming van de betrokkene of van de rechten en vrijheden van anderen"
    assert config.complaint.zvh is True  # 16.5 f: "bij het Zorg- en Veiligheidshuis en bij de AP"
    assert "bij het zorg- en veiligheidshuis en bij de autoriteit persoonsgegevens" in seed


def test_mandates_and_the_body_for_joint_decisions(config, seed_text):
    """Issue 18 points 2 and 4. The hoofd answers "namens de verwerkingsverantwoordelijke"
    (PP 18.5) and falls under the gemeente Rotterdam (Conv. 12.2): the college of Rotterdam is
    the body for joint decisions, signed in its mandate. No mandaatbesluit in the seed."""
    seed = collapse(seed_text)
    assert "verstrekt het hoofd namens de verwerkingsverantwoordelijke" in seed
    assert "valt onder de verantwoordelijkheid van de gemeente rotterdam" in seed
    assert_mandates(config, seed_text, named_in_seed={"nifp": "N.I.F.P."})
    assert_joint_body(config, "gemeente-rotterdam")
