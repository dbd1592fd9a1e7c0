"""The Fryslân region file (config/regions/fryslan.yaml) against its source document,
the "Privacyprotocol Veiligheidshuis Fryslân 2019 en verder"."""
import pytest

from models.enums import PartnerKind, Regime, RequestType
from tests.regions.conftest import assert_joint_body, assert_mandates, assert_partner, collapse

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


def test_signatory_is_the_college_of_the_zetelgemeente(config, seed_text):
    # Art. 1: Zetelgemeente = "het College van B&W van de gemeente Leeuwarden"; 18.4: it handles
    # every request, 19.2/19.4/20.6/21.4: it answers. So every reply is its Awb-besluit, signed
    # in mandate ("namens dezen", Awb art. 10:10).
    seed = collapse(seed_text)
    assert "de zetelgemeente handelt een verzoek zoals bedoeld in artikel 18.3 a t/m d af" in seed
    assert "het college van b&w van de gemeente leeuwarden" in seed
    assert config.signatory.on_behalf == "Het college van burgemeester en wethouders van Leeuwarden"
    # The decisions are signed in the Zetelgemeente's mandate (issue 18 point 2): the organ is
    # in the seed, the mandaatbesluit to the signer is not, so it stays to be confirmed.
    leeuwarden = config.partner("gemeente-leeuwarden")
    assert config.joint_partner() == leeuwarden
    assert leeuwarden.mandate.organ == config.signatory.on_behalf
    assert leeuwarden.mandate.decree == "unverified" and leeuwarden.mandate.decided_on == "unverified"
    assert "mandaat" not in seed.replace("gemandateerde politiechef", "")
    assert config.signatory.mandate is True and config.signatory.decides is True
    assert "art. 10:10 Awb" in config.signatory.rule.article
    assert config.bezwaar.weeks == 6
    assert config.bezwaar.addressee == "het college van burgemeester en wethouders van Leeuwarden"
    assert config.bezwaar.address == ["Gemeente Leeuwarden", "Postbus 21000", "8900 JA Leeuwarden"]
    assert "6:7 Awb" in config.bezwaar.rule.article and "art. 34 UAVG" in config.bezwaar.rule.article
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


@pytest.mark.parametrize(
    "rtype, article, quote",
    [
        (RequestType.inzage, "art. 19.2 en 19.4 Privacyprotocol", "het verzoek wordt binnen vier weken door de zetelgemeente beantwoord"),
        (RequestType.correctie, "art. 20.6 Privacyprotocol", "uiterlijk binnen 4 weken na ontvangst van het verzoek"),
        (RequestType.eigen_verklaring, "art. 20.6 Privacyprotocol", "uiterlijk binnen 4 weken na ontvangst van het verzoek"),
        (RequestType.verzet, "art. 21.4 Privacyprotocol", "binnen 4 weken en draagt er zorg voor dat de beslissing binnen deze 4 weken wordt uitgevoerd"),
    ],
)
def test_four_weeks_per_type_from_the_seed(config, seed_text, rtype, article, quote):
    period = config.deadlines.period(rtype)
    assert (period.weeks, period.avg, period.rule.article) == (4, False, article)
    assert quote in collapse(seed_text)


def test_no_extension_and_suspension_not_from_19_5(config):
    deadlines = config.deadlines
    assert deadlines.protocol_provides_extension is False
    assert deadlines.suspend_for_identity is True
    # 19.5 is the identity rule, not a suspension: the letters cite the AVG and the EDPB.
    assert "19.5" not in deadlines.suspend_rule.article
    assert deadlines.suspend_rule.article.startswith("art. 12 lid 6 AVG")


def test_identity_in_person_at_the_veiligheidshuis(config):
    assert config.identity.methods == ["in_persoon"]
    assert config.identity.places[0] == "Veiligheidshuis Fryslân"
    assert config.identity.rule.article.startswith("art. 19.5")


def test_refusal_grounds_a_to_j_from_article_19_3(config, seed_text):
    assert [g.uavg for g in config.refusal_grounds] == list("abcdefghij")
    seed = collapse(seed_text)
    for ground in config.refusal_grounds:
        assert ground.rule.article == f"art. 19.3 sub {ground.uavg} Privacyprotocol"
        assert ground.aliases == [ground.uavg]  # the old ids a-j keep working
        assert collapse(ground.label) in seed
    assert config.refusal_ground("g").label.endswith("beroepsregels voor gereguleerde beroepen")
    assert config.refusal_ground("i").id == "rechten-van-anderen"


def test_no_rule_claims_the_national_model(config):
    rules = [
        config.roles.rule,
        config.signatory.rule,
        config.bezwaar.rule,
        config.routing.wpg.rule,
        config.routing.wjsg.rule,
        *(p.rule for p in config.deadlines.periods.values()),
        config.deadlines.suspend_rule,
        config.identity.rule,
        config.retention.rule,
        config.complaint,
        *(r.rule for r in config.rights.values()),
        *(g.rule for g in config.refusal_grounds),
    ]
    assert not any(rule.national_model for rule in rules)


def test_mandates_and_the_body_for_joint_decisions(config, seed_text):
    """Issue 18 points 2 and 4. Every decision is the Zetelgemeente's (art. 18.4), signed in
    its mandate; every other bestuursorgaan partner has its own mandate on record too. Three
    municipalities of the seed merged into Noardeast-Fryslân (2019, the partners' note)."""
    merged = {slug: "Noardeast-Fryslân" for slug in
              ("gemeente-dongeradeel", "gemeente-kollumerland", "gemeente-ferwerderadiel")}
    assert_mandates(config, seed_text, merged=merged)
    assert "het college van b&w van de gemeente leeuwarden" in collapse(seed_text)
    assert_joint_body(config, "gemeente-leeuwarden")
