"""Region file for the Zorg- en veiligheidshuis Drenthe, checked against its source document
(../shared/seeds/drenthe-privacyprotocol-2019.txt)."""
import re

import pytest

from models.enums import PartnerKind, Regime, RequestType
from tests.regions.conftest import assert_joint_body, assert_mandates, assert_partner, collapse

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


def test_manager_signs_and_is_no_public_body(config, seed_text):
    # 18.2: "Het verzoek wordt binnen vier weken door de Manager beantwoord"; 18.5: "namens de
    # Verwerkingsverantwoordelijke". The Manager is no bestuursorgaan: each part is decided
    # by the partner that supplied it.
    seed = collapse(seed_text)
    assert "het verzoek wordt binnen vier weken door de manager beantwoord" in seed
    assert "verstrekt de manager namens de verwerkingsverantwoordelijke" in seed
    assert config.signatory.function == "manager van het Zorg- en veiligheidshuis Drenthe"
    assert config.signatory.name == "unverified"  # the seed names no person
    assert config.signatory.decides is False and config.signatory.mandate is False
    assert config.roles.signatory == "Manager"
    assert "Procesregisseur" in config.roles.coordinator


def test_forums(config):
    assert {f.id for f in config.forums} == {"casusoverleg", "partneroverleg"}
    assert config.rights[RequestType.inzage].forum == "casusoverleg"
    for rtype in (RequestType.correctie, RequestType.verwijdering, RequestType.beperking, RequestType.verzet):
        assert config.rights[rtype].forum == "partneroverleg"


def test_rights_not_provided(config):
    portability = config.rights[RequestType.overdraagbaarheid]
    assert portability.available is False
    assert portability.rule.article == "art. 22 Privacy Protocol"
    # No eigen verklaring in the protocol, but AVG art. 16 gives the aanvullende verklaring.
    eigen = config.rights[RequestType.eigen_verklaring]
    assert eigen.available is True and eigen.handled_as == RequestType.aanvulling
    assert "art. 16 AVG" in eigen.rule.article and eigen.forum == "partneroverleg"


@pytest.mark.parametrize(
    "rtype, article, quote",
    [
        (RequestType.inzage, "art. 18.2 Privacy Protocol", "het verzoek wordt binnen vier weken door de manager beantwoord"),
        (RequestType.correctie, "art. 19.4 Privacy Protocol", "uiterlijk binnen 4 weken na ontvangst van het verzoek"),
        (RequestType.verwijdering, "art. 19.4 Privacy Protocol", "uiterlijk binnen 4 weken na ontvangst van het verzoek"),
        (RequestType.beperking, "art. 20.4 Privacy Protocol", "verzoek tot beperking van hem of haar betreffende persoonsgegevens schriftelijk en gemotiveerd zo spoedig mogelijk, maar uiterlijk binnen 4 weken"),
        (RequestType.verzet, "art. 21.4 Privacy Protocol", "binnen 4 weken en draagt er zorg voor dat de beslissing binnen deze 4 weken wordt uitgevoerd"),
    ],
)
def test_four_weeks_per_type_from_the_seed(config, seed_text, rtype, article, quote):
    period = config.deadlines.period(rtype)
    assert (period.weeks, period.avg, period.rule.article) == (4, False, article)
    assert quote in collapse(seed_text)


def test_no_extension_and_suspension_not_from_the_protocol(config):
    d = config.deadlines
    assert d.protocol_provides_extension is False
    assert d.suspend_for_identity is True
    # No protocol article provides the suspension: it rests on the AVG and the EDPB guidelines.
    assert "Privacy Protocol" not in d.suspend_rule.article
    assert "art. 12 lid 6 AVG" in d.suspend_rule.article and "01/2022" in d.suspend_rule.article


def test_identity_in_person_at_zvh_or_town_hall(config):
    assert set(config.identity.methods) == {"in_persoon", "in_persoon_gemeentehuis"}
    assert "18.4" in config.identity.rule.article
    assert any("gemeentehuis" in place for place in config.identity.places)
    for loc in config.identity.locations:
        assert loc.address and loc.hours


def test_refusal_grounds_come_from_article_41_uavg(config, seed_text):
    # 18.2: refusal only on "in de wet gespecificeerde weigeringsgronden" = art. 41 lid 1 UAVG.
    assert "met het oog op in de wet gespecificeerde weigeringsgronden" in collapse(seed_text)
    assert [g.uavg for g in config.refusal_grounds] == list("abcdefghij")
    for ground in config.refusal_grounds:
        assert ground.rule.article == "art. 18.2 Privacy Protocol"
        assert "16.6" not in ground.rule.article
    # The old ids (16.6 a-e, Wbp wording) stay as aliases of the matching sub-ground.
    assert {old: config.refusal_ground(old).uavg for old in "abcde"} == {
        "a": "a", "b": "d", "c": "e", "d": "h", "e": "i"}


def test_bestuursorgaan_flags_follow_the_seed(config, seed_text):
    # "Veilig Thuis Drenthe valt onder de Gemeenschappelijke Gezondheidsdienst Drenthe (GGD)": a
    # gemeenschappelijke regeling, so a bestuursorgaan; the foundations ("St. ...") are not.
    assert "Gemeenschappelijke Gezondheidsdienst Drenthe (GGD)" in seed_text
    assert config.partner("ggd-drenthe").bestuursorgaan is True
    assert config.partner("veiligheidsregio-drenthe").bestuursorgaan is True
    for slug in ("ggz-drenthe", "halt-nederland-team-drenthe", "mee-drenthe", "vaart-welzijn"):
        assert config.partner(slug).bestuursorgaan is False, slug
    assert config.partner("gemeente-midden-drenthe").bezwaar.address == [
        "Gemeente Midden-Drenthe", "Postbus 24", "9410 AA Beilen"]


def test_mandates_and_the_body_for_joint_decisions(config, seed_text):
    """Issue 18 points 2 and 4. The Manager answers "namens de Verwerkingsverantwoordelijke"
    (18.5), so a bestuursorgaan's part is signed in its mandate; the seed has no mandaatbesluit
    (to be confirmed per organ, docs/regions/drenthe.md). It names no host municipality or
    beheersorganisatie either: the body for joint decisions is still to be chosen."""
    seed = collapse(seed_text)
    assert "verstrekt de manager namens de verwerkingsverantwoordelijke" in seed
    assert_mandates(config, seed_text)
    assert "zetelgemeente" not in seed and "beheersorganisatie" not in seed
    assert_joint_body(config, None)
