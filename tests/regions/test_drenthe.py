"""Region file for the Zorg- en veiligheidshuis Drenthe, checked against its source document
(../shared/seeds/drenthe-privacyprotocol-2019.txt)."""
import re
from pathlib import Path

import pytest

from models.enums import PartnerKind, Regime, RequestType, RoutingTarget
from models.region_config import RegionConfig, load_region_file

SEED = "drenthe-privacyprotocol-2019.txt"


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


@pytest.fixture(scope="module")
def config(project_root: Path) -> RegionConfig:
    return load_region_file(project_root / "config" / "regions" / "drenthe.yaml")


@pytest.fixture(scope="module")
def seed_text(seeds_dir: Path) -> str:
    return (seeds_dir / SEED).read_text(encoding="utf-8")


def test_file_loads_and_validates(config):
    assert config.id == "drenthe"
    assert config.short_name == "ZVHD"
    assert config.reference_prefix == "ZVHD"
    assert config.source.file == SEED
    assert set(config.rights) == set(RequestType)


def test_source_file_exists(seeds_dir, config):
    assert (seeds_dir / config.source.file).is_file()


def test_every_partner_name_occurs_in_the_seed(config, seed_text):
    seed = _collapse(seed_text)
    missing = [p.name for p in config.partners if _collapse(p.name) not in seed]
    assert missing == []


@pytest.mark.parametrize(
    "slug, name, kind, regime",
    [
        ("gemeente-aa-en-hunze", "gemeente Aa & Hunze", PartnerKind.gemeente, Regime.avg),
        ("gemeente-midden-drenthe", "gemeente Midden-Drenthe", PartnerKind.gemeente, Regime.avg),
        (
            "politie-eenheid-noord-nederland",
            "Nationale Politie, Regionale Eenheid Noord-Nederland",
            PartnerKind.politie,
            Regime.wpg,
        ),
        (
            "om-arrondissementsparket-noord-nederland",
            "Openbaar Ministerie – arrondissement Noord-Nederland",
            PartnerKind.om,
            Regime.wjsg,
        ),
        (
            "dji-noord-nederland",
            "Dienst Justitiële Inrichtingen Noord Nederland",
            PartnerKind.overig,
            Regime.avg,
        ),
        ("raad-voor-de-kinderbescherming", "Raad voor de Kinderbescherming", PartnerKind.jeugd, Regime.avg),
        (
            "reclassering-nederland",
            "Reclassering Nederland, regio Midden-Noord",
            PartnerKind.reclassering,
            Regime.avg,
        ),
        ("veiligheidsregio-drenthe", "Veiligheidsregio Drenthe", PartnerKind.overig, Regime.avg),
    ],
)
def test_named_partners(config, slug, name, kind, regime):
    partner = config.partner(slug)
    assert partner.name == name
    assert partner.kind == kind
    assert partner.regime == regime


def test_police_partner_routes_to_its_unit(config):
    police = config.partner("politie-eenheid-noord-nederland")
    assert police.unit == "Eenheid Noord-Nederland"
    loket = config.routing_body(RoutingTarget.wpg_loket, police.unit)
    functionaris = config.routing_body(RoutingTarget.politie_privacyfunctionaris, police.unit)
    assert loket is not None and loket.unit == police.unit
    assert functionaris is not None and functionaris.unit == police.unit
    assert config.routing.wpg.targets[RequestType.inzage] == RoutingTarget.wpg_loket
    assert config.routing.wpg.targets[RequestType.verzet] == RoutingTarget.politie_privacyfunctionaris
    assert "17.6" in config.routing.wpg.rule.article


def test_om_partner_routes_to_its_parket_and_the_parket_generaal(config):
    om = config.partner("om-arrondissementsparket-noord-nederland")
    assert om.unit == "Arrondissementsparket Noord-Nederland"
    parket = config.routing_body(RoutingTarget.parket_privacyfunctionaris, om.unit)
    assert parket is not None and parket.unit == om.unit
    pg = config.routing_body(RoutingTarget.parket_generaal_bjz, om.unit)
    assert pg is not None and pg.unit is None
    assert "Postbus 20305" in pg.address
    assert config.routing.wjsg.targets[RequestType.verzet] == RoutingTarget.parket_generaal_bjz
    assert config.routing.wjsg.targets[RequestType.correctie] == RoutingTarget.parket_privacyfunctionaris
    assert "17.5" in config.routing.wjsg.rule.article


def test_municipality_count_matches_the_preamble(config, seed_text):
    preamble = seed_text.split("En de volgende ketenpartners")[0]
    listed = re.findall(r"^\s*-\s*gemeente\s+\S", preamble, flags=re.MULTILINE)
    gemeenten = [p for p in config.partners if p.kind == PartnerKind.gemeente]
    assert len(listed) == 12
    assert len(gemeenten) == len(listed)


def test_ketenpartner_count_matches_the_preamble(config):
    # 12 gemeenten and 20 ketenpartners sign the protocol; Veilig Thuis Drenthe is part of the GGD.
    assert len(config.partners) == 32
    assert len([p for p in config.partners if p.kind != PartnerKind.gemeente]) == 20


def test_manager_signs_and_is_no_public_body(config):
    assert config.signatory.title == "Manager Zorg- en veiligheidshuis Drenthe"
    assert config.roles.signatory == "Manager"
    assert "Procesregisseur" in config.roles.coordinator
    assert config.signatory.public_body is False
    assert config.bezwaar.applies is False


def test_forums(config):
    assert {f.id for f in config.forums} == {"casusoverleg", "partneroverleg"}
    assert config.rights[RequestType.inzage].forum == "casusoverleg"
    for rtype in (RequestType.correctie, RequestType.verwijdering, RequestType.beperking, RequestType.verzet):
        assert config.rights[rtype].forum == "partneroverleg"


def test_rights_not_provided(config):
    portability = config.rights[RequestType.overdraagbaarheid]
    assert portability.available is False
    assert portability.rule.article == "art. 22 Privacy Protocol"
    assert config.rights[RequestType.eigen_verklaring].available is False
    assert config.rights[RequestType.eigen_verklaring].rule.note


def test_deadline_four_weeks_without_extension(config):
    d = config.deadlines
    assert d.protocol_weeks == 4
    assert d.protocol_provides_extension is False
    for article in ("18.2", "19.4", "20.4", "21.4"):
        assert article in d.protocol_rule.article
    assert d.suspend_for_identity is True
    assert "18.4" in d.suspend_rule.article


def test_identity_in_person_at_zvh_or_town_hall(config):
    assert set(config.identity.methods) == {"in_persoon", "in_persoon_gemeentehuis"}
    assert "18.4" in config.identity.rule.article
    assert any("gemeentehuis" in place for place in config.identity.places)


def test_refusal_grounds_follow_article_16_6(config, seed_text):
    assert [g.id for g in config.refusal_grounds] == ["a", "b", "c", "d", "e"]
    seed = _collapse(seed_text)
    for ground in config.refusal_grounds:
        assert _collapse(ground.label) in seed
        assert "16.6" in ground.rule.article
