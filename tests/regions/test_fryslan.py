"""The Fryslân region file (config/regions/fryslan.yaml) against its source document,
the "Privacyprotocol Veiligheidshuis Fryslân 2019 en verder"."""
import pytest

from models.enums import PartnerKind, Regime, RequestType
from tests.regions.conftest import assert_partner, collapse

REGION_ID = "fryslan"


def test_identity_of_the_file(config):
    assert config.reference_prefix == "VHF"
    assert config.source.file == "fryslan-privacyprotocol-2019.txt"
    assert config.source.adopted == "14 november 2018"


def test_partner_slugs_are_unique(config):
    slugs = [p.slug for p in config.partners]
    assert len(slugs) == len(set(slugs))


def test_twenty_municipalities_as_in_the_party_list(config, seed_text):
    gemeenten = [p for p in config.partners if p.kind == PartnerKind.gemeente]
    assert len(gemeenten) == 20
    # The source's party list "DE FRIESE GEMEENTEN" has 20 bullets before the representation clause.
    block = collapse(seed_text).split("de friese gemeenten", 1)[1].split("op grond van artikel 171", 1)[0]
    assert block.count("- ") == 20
    assert all(p.regime == Regime.avg for p in gemeenten)


def test_eleven_ketenpartners(config):
    others = [p for p in config.partners if p.kind != PartnerKind.gemeente]
    assert len(others) == 11
    assert len(config.partners) == 31


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
def test_specific_partners(config, slug, name, kind, regime):
    assert_partner(config, slug, name, kind, regime)


def test_every_request_type_is_routed_for_police_and_om(config):
    assert set(config.routing.wpg.targets) == set(RequestType)
    assert set(config.routing.wjsg.targets) == set(RequestType)


def test_police_and_om_units_and_routing_articles(config):
    # The units' own routing bodies, the Parket-Generaal and the routing targets: tests/test_region_config.py.
    assert config.partner("politie-eenheid-noord-nederland").unit == "Eenheid Noord-Nederland"
    assert config.partner("om-arrondissementsparket-noord-nederland").unit == "Arrondissementsparket Noord-Nederland"
    assert config.routing.wpg.rule.article.startswith("art. 18.7")
    assert config.routing.wjsg.rule.article.startswith("art. 18.6")


def test_signatory_is_the_college_of_the_zetelgemeente(config):
    assert config.signatory.title == "College van burgemeester en wethouders van Leeuwarden"
    assert config.signatory.public_body is True
    assert config.signatory.on_behalf == "namens de verwerkingsverantwoordelijken"
    assert config.bezwaar.applies is True
    assert config.bezwaar.weeks == 6
    assert "Leeuwarden" in config.bezwaar.addressee
    assert "art. 6:7 Awb" in config.bezwaar.rule.article
    assert "Privacy-adviseur" in config.roles.coordinator


def test_forum_is_the_afstemming_with_the_supplying_partners(config):
    forum_ids = {f.id for f in config.forums}
    assert {"partneroverleg", "casusoverleg"} <= forum_ids
    assert next(f for f in config.forums if f.id == "casusoverleg").name == "Maatwerkoverleg"
    for rtype in (RequestType.inzage, RequestType.correctie, RequestType.verzet):
        assert config.rights[rtype].forum == "partneroverleg"


def test_portability_refused_and_eigen_verklaring_available(config):
    portability = config.rights[RequestType.overdraagbaarheid]
    assert portability.available is False
    assert portability.forum is None
    assert portability.rule.article.startswith("art. 22.1")
    eigen = config.rights[RequestType.eigen_verklaring]
    assert eigen.available is True
    assert eigen.rule.article.startswith("art. 20.2")


def test_four_weeks_without_extension(config):
    deadlines = config.deadlines
    assert deadlines.protocol_weeks == 4
    assert deadlines.protocol_provides_extension is False
    for article in ("19.2", "19.4", "20.6", "21.4"):
        assert article in deadlines.protocol_rule.article
    assert deadlines.suspend_for_identity is True
    assert deadlines.suspend_rule.article.startswith("art. 19.5")


def test_identity_in_person_at_the_veiligheidshuis(config):
    assert config.identity.methods == ["in_persoon"]
    assert config.identity.places[0] == "Veiligheidshuis Fryslân"
    assert config.identity.rule.article.startswith("art. 19.5")


def test_refusal_grounds_a_to_j_from_article_19_3(config, seed_text):
    assert [g.id for g in config.refusal_grounds] == list("abcdefghij")
    seed = collapse(seed_text)
    for ground in config.refusal_grounds:
        assert ground.rule.article == f"art. 19.3 sub {ground.id} Privacyprotocol"
        assert collapse(ground.label) in seed
    assert config.refusal_ground("g").label.endswith("beroepsregels voor gereguleerde beroepen")


def test_no_rule_claims_the_national_model(config):
    rules = [
        config.roles.rule,
        config.signatory.rule,
        config.bezwaar.rule,
        config.routing.wpg.rule,
        config.routing.wjsg.rule,
        config.deadlines.protocol_rule,
        config.deadlines.suspend_rule,
        config.identity.rule,
        config.retention.rule,
        config.complaint,
        *(r.rule for r in config.rights.values()),
        *(g.rule for g in config.refusal_grounds),
    ]
    assert not any(rule.national_model for rule in rules)
