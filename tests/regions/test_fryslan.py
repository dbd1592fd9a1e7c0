"""The Fryslân region file (config/regions/fryslan.yaml) against its source document,
the "Privacyprotocol Veiligheidshuis Fryslân 2019 en verder"."""
import re
from pathlib import Path

import pytest

from models.enums import PartnerKind, Regime, RequestType, RoutingTarget
from models.region_config import RegionConfig, load_region_file

SEED_FILE = "fryslan-privacyprotocol-2019.txt"


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


@pytest.fixture(scope="module")
def region(project_root: Path) -> RegionConfig:
    return load_region_file(project_root / "config" / "regions" / "fryslan.yaml")


@pytest.fixture(scope="module")
def seed_text(seeds_dir: Path) -> str:
    return _collapse((seeds_dir / SEED_FILE).read_text(encoding="utf-8"))


def test_file_loads_and_validates(region):
    assert isinstance(region, RegionConfig)
    assert region.id == "fryslan"
    assert region.reference_prefix == "VHF"
    assert region.source.file == SEED_FILE
    assert region.source.adopted == "14 november 2018"
    assert set(region.rights) == set(RequestType)


def test_source_file_exists(seeds_dir):
    assert (seeds_dir / SEED_FILE).is_file()


def test_every_partner_name_occurs_in_the_seed(region, seed_text):
    missing = [p.name for p in region.partners if _collapse(p.name) not in seed_text]
    assert missing == []


def test_partner_slugs_are_unique(region):
    slugs = [p.slug for p in region.partners]
    assert len(slugs) == len(set(slugs))


def test_twenty_municipalities_as_in_the_party_list(region, seed_text):
    gemeenten = [p for p in region.partners if p.kind == PartnerKind.gemeente]
    assert len(gemeenten) == 20
    # The source's party list "DE FRIESE GEMEENTEN" has 20 bullets before the representation clause.
    block = seed_text.split("de friese gemeenten", 1)[1].split("op grond van artikel 171", 1)[0]
    assert block.count("- ") == 20
    assert all(p.regime == Regime.avg for p in gemeenten)


def test_eleven_ketenpartners(region):
    others = [p for p in region.partners if p.kind != PartnerKind.gemeente]
    assert len(others) == 11
    assert len(region.partners) == 31


@pytest.mark.parametrize(
    "slug, name, kind, regime",
    [
        ("gemeente-leeuwarden", "Gemeente Leeuwarden", PartnerKind.gemeente, Regime.avg),
        ("gemeente-sudwest-fryslan", "Gemeente Súdwest-Fryslân", PartnerKind.gemeente, Regime.avg),
        ("gemeente-ferwerderadiel", "Gemeente Ferwerderadiel", PartnerKind.gemeente, Regime.avg),
        ("politie-eenheid-noord-nederland", "Politie Noord-Nederland", PartnerKind.politie, Regime.wpg),
        (
            "om-arrondissementsparket-noord-nederland",
            "Openbaar Ministerie Noord-Nederland",
            PartnerKind.om,
            Regime.wjsg,
        ),
        (
            "raad-voor-de-kinderbescherming-noord-nederland",
            "Raad voor de Kinderbescherming Noord-Nederland",
            PartnerKind.jeugd,
            Regime.avg,
        ),
        ("reclassering-nederland", "Reclassering Nederland Midden-Noord", PartnerKind.reclassering, Regime.avg),
        ("friese-woningcorporaties", "Friese Woningcorporaties", PartnerKind.woningcorporatie, Regime.avg),
        (
            "dienst-justitiele-inrichtingen",
            "Dienst Justitiële Inrichtingen Samenwerkingsverband Noord",
            PartnerKind.overig,
            Regime.avg,
        ),
    ],
)
def test_specific_partners(region, slug, name, kind, regime):
    partner = region.partner(slug)
    assert partner.name == name
    assert partner.kind == kind
    assert partner.regime == regime


def test_police_partner_routes_to_its_unit(region):
    police = region.partner("politie-eenheid-noord-nederland")
    assert police.unit == "Eenheid Noord-Nederland"
    loket = region.routing_body(RoutingTarget.wpg_loket, police.unit)
    pf = region.routing_body(RoutingTarget.politie_privacyfunctionaris, police.unit)
    assert loket is not None and loket.unit == police.unit
    assert pf is not None and pf.unit == police.unit
    assert region.routing.wpg.targets[RequestType.inzage] == RoutingTarget.wpg_loket
    assert region.routing.wpg.targets[RequestType.correctie] == RoutingTarget.wpg_loket
    assert region.routing.wpg.targets[RequestType.verzet] == RoutingTarget.politie_privacyfunctionaris
    assert region.routing.wpg.rule.article.startswith("art. 18.7")


def test_om_partner_routes_to_its_parket_and_the_parket_generaal(region):
    om = region.partner("om-arrondissementsparket-noord-nederland")
    assert om.unit == "Arrondissementsparket Noord-Nederland"
    pf = region.routing_body(RoutingTarget.parket_privacyfunctionaris, om.unit)
    assert pf is not None and pf.unit == om.unit
    bjz = region.routing_body(RoutingTarget.parket_generaal_bjz, om.unit)
    assert bjz is not None and bjz.unit is None
    assert "Postbus 20305" in bjz.address
    assert region.routing.wjsg.targets[RequestType.inzage] == RoutingTarget.parket_privacyfunctionaris
    assert region.routing.wjsg.targets[RequestType.verzet] == RoutingTarget.parket_generaal_bjz
    assert region.routing.wjsg.rule.article.startswith("art. 18.6")


def test_every_request_type_is_routed_for_police_and_om(region):
    assert set(region.routing.wpg.targets) == set(RequestType)
    assert set(region.routing.wjsg.targets) == set(RequestType)


def test_signatory_is_the_college_of_the_zetelgemeente(region):
    assert region.signatory.title == "College van burgemeester en wethouders van Leeuwarden"
    assert region.signatory.public_body is True
    assert region.signatory.on_behalf == "namens de verwerkingsverantwoordelijken"
    assert region.bezwaar.applies is True
    assert region.bezwaar.weeks == 6
    assert "Leeuwarden" in region.bezwaar.addressee
    assert "art. 6:7 Awb" in region.bezwaar.rule.article
    assert "Privacy-adviseur" in region.roles.coordinator


def test_forum_is_the_afstemming_with_the_supplying_partners(region):
    forum_ids = {f.id for f in region.forums}
    assert {"partneroverleg", "casusoverleg"} <= forum_ids
    assert next(f for f in region.forums if f.id == "casusoverleg").name == "Maatwerkoverleg"
    for rtype in (RequestType.inzage, RequestType.correctie, RequestType.verzet):
        assert region.rights[rtype].forum == "partneroverleg"


def test_portability_refused_and_eigen_verklaring_available(region):
    portability = region.rights[RequestType.overdraagbaarheid]
    assert portability.available is False
    assert portability.forum is None
    assert portability.rule.article.startswith("art. 22.1")
    eigen = region.rights[RequestType.eigen_verklaring]
    assert eigen.available is True
    assert eigen.rule.article.startswith("art. 20.2")


def test_four_weeks_without_extension(region):
    deadlines = region.deadlines
    assert deadlines.protocol_weeks == 4
    assert deadlines.protocol_provides_extension is False
    for article in ("19.2", "19.4", "20.6", "21.4"):
        assert article in deadlines.protocol_rule.article
    assert deadlines.suspend_for_identity is True
    assert deadlines.suspend_rule.article.startswith("art. 19.5")


def test_identity_in_person_at_the_veiligheidshuis(region):
    assert region.identity.methods == ["in_persoon"]
    assert region.identity.places[0] == "Veiligheidshuis Fryslân"
    assert region.identity.rule.article.startswith("art. 19.5")


def test_refusal_grounds_a_to_j_from_article_19_3(region, seed_text):
    assert [g.id for g in region.refusal_grounds] == list("abcdefghij")
    for ground in region.refusal_grounds:
        assert ground.rule.article == f"art. 19.3 sub {ground.id} Privacyprotocol"
        assert _collapse(ground.label) in seed_text
    assert region.refusal_ground("g").label.endswith("beroepsregels voor gereguleerde beroepen")


def test_no_rule_claims_the_national_model(region):
    rules = [
        region.roles.rule,
        region.signatory.rule,
        region.bezwaar.rule,
        region.routing.wpg.rule,
        region.routing.wjsg.rule,
        region.deadlines.protocol_rule,
        region.deadlines.suspend_rule,
        region.identity.rule,
        region.retention.rule,
        region.complaint,
        *(r.rule for r in region.rights.values()),
        *(g.rule for g in region.refusal_grounds),
    ]
    assert not any(rule.national_model for rule in rules)
