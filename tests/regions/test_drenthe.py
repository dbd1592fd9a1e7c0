"""Region file for the Zorg- en veiligheidshuis Drenthe, checked against its source document
(../shared/seeds/drenthe-privacyprotocol-2019.txt)."""
import re

import pytest

from models.enums import PartnerKind, Regime, RequestType
from tests.regions.conftest import assert_partner, collapse

REGION_ID = "drenthe"


def test_identity_of_the_file(config):
    assert config.short_name == "ZVHD"
    assert config.reference_prefix == "ZVHD"
    assert config.source.file == "drenthe-privacyprotocol-2019.txt"


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
    assert_partner(config, slug, name, kind, regime)


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


def test_police_and_om_units_and_routing_articles(config):
    # The units' own routing bodies, the Parket-Generaal and the routing targets: tests/test_region_config.py.
    assert config.partner("politie-eenheid-noord-nederland").unit == "Eenheid Noord-Nederland"
    assert config.partner("om-arrondissementsparket-noord-nederland").unit == "Arrondissementsparket Noord-Nederland"
    assert "17.6" in config.routing.wpg.rule.article
    assert "17.5" in config.routing.wjsg.rule.article


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
    seed = collapse(seed_text)
    for ground in config.refusal_grounds:
        assert collapse(ground.label) in seed
        assert "16.6" in ground.rule.article
