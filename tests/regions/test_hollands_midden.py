"""Region file config/regions/hollands-midden.yaml against its source document.

The seed holds only Deel 1 of the convenant and the 2018 AVG addendum; the privacy protocol
(Deel 2) is missing, so every rights rule must be marked as taken from the national model.
"""
import re

import pytest

from models.enums import PartnerKind, Regime, RequestType
from models.region_config import RegionConfig
from tests.regions.conftest import assert_joint_body, assert_mandates, assert_partner, collapse

REGION_ID = "hollands-midden"


def test_identity_of_the_file(config: RegionConfig):
    assert config.reference_prefix == "VHHM"
    assert config.source.file == "hollands-midden-samenwerkingsconvenant-2017.txt"


@pytest.mark.parametrize(
    "slug, name, kind, regime",
    [
        ("gemeente-leiden", "Gemeente Leiden", PartnerKind.gemeente, Regime.avg),
        ("gemeente-gouda", "Gemeente Gouda", PartnerKind.gemeente, Regime.avg),
        ("reclassering-nederland", "Reclassering Nederland", PartnerKind.reclassering, Regime.avg),
        ("raad-voor-de-kinderbescherming", "Raad voor de Kinderbescherming", PartnerKind.jeugd, Regime.avg),
        ("dienst-justitiele-inrichtingen", "Dienst Justitiële Inrichtingen", PartnerKind.overig, Regime.avg),
        ("ggd-hollands-midden", "Regionale Dienst Openbare Gezondheidszorg Hollands Midden", PartnerKind.zorg, Regime.avg),
        ("goodwillwerk-leger-des-heils-regio-den-haag", "Goodwillwerk Leger des Heils regio Den Haag", PartnerKind.zorg, Regime.avg),
        ("politie-eenheid-den-haag", "Nationale Politie", PartnerKind.politie, Regime.wpg),
        ("om-arrondissementsparket-den-haag", "Openbaar Ministerie", PartnerKind.om, Regime.wjsg),
    ],
)
def test_named_partners(config: RegionConfig, slug, name, kind, regime):
    assert_partner(config, slug, name, kind, regime)


def test_every_ketenpartner_of_the_convenant_is_a_partner(config: RegionConfig, seed_text: str):
    # §7: the list of contracting "Ketenpartners" ends at 'Verder gezamenlijk te noemen "Partners"'.
    block = seed_text.split("De Ketenpartners:", 1)[1].split("Verder gezamenlijk", 1)[0]
    listed = [line[2:].strip() for line in block.splitlines() if line.startswith("- ")]
    assert len(listed) == 13
    names = collapse(" | ".join(p.name for p in config.partners))
    for entry in listed:
        # "Fivoor (Palier maakt hier onderdeel van uit)" -> "Fivoor"; "... Hollands Midden (GGD)" -> without "(GGD)"
        core = collapse(entry.split(" (")[0])
        assert core in names, entry


def test_municipality_count_matches_the_source(config: RegionConfig, seed_text: str):
    # The convenant names only Gouda and Leiden as contracting municipalities (§7) and signatories
    # (§8); the other regiogemeenten ("alle 19 regiogemeenten", §6) are not named in the seed.
    parties = re.findall(r"^- Gemeente (\w+)$", seed_text, flags=re.MULTILINE)
    assert sorted(parties) == ["Gouda", "Leiden"]
    gemeenten = [p for p in config.partners if p.kind == PartnerKind.gemeente]
    assert len(gemeenten) == len(parties) == 2
    assert "alle 19 regiogemeenten" in seed_text


def test_police_and_om_units_and_routing_articles(config: RegionConfig):
    # The units' own routing bodies, the Parket-Generaal and the routing targets: tests/test_region_config.py.
    assert config.partner("politie-eenheid-den-haag").unit == "Eenheid Den Haag"  # §8: "Politiechef eenheid Den Haag"
    assert config.partner("om-arrondissementsparket-den-haag").unit == "Arrondissementsparket Den Haag"
    assert "17.6" in config.routing.wpg.rule.article
    assert "17.5" in config.routing.wjsg.rule.article


def test_signatory_is_the_ketenmanager_and_no_public_body(config: RegionConfig, seed_text: str):
    assert config.signatory.function == "ketenmanager van het Veiligheidshuis Hollands Midden"
    assert "Ketenmanager Veiligheidshuis Hollands Midden" in seed_text  # signs the Voorwoord so
    assert config.signatory.decides is False and config.signatory.mandate is False
    assert config.signatory.name == "unverified"
    # "in dienst bij een van de ketenpartners" (§3.4): no bestuursorgaan; the source names no
    # organ for bezwaar against a joint decision, so it is to be confirmed.
    assert "in dienst bij een van de ketenpartners" in seed_text
    assert config.bezwaar.addressee == "unverified"
    assert config.roles.manager == "Ketenmanager"
    assert config.roles.coordinator == "Procesregisseur"


def test_forums_and_rights(config: RegionConfig, seed_text: str):
    forums = {f.id: f.name for f in config.forums}
    assert forums == {"casusoverleg": "Casusoverleg", "partneroverleg": "Partneroverleg"}
    for name in forums.values():
        assert name in seed_text  # art. 8 and art. 13.4 of the addendum
    assert config.rights[RequestType.inzage].forum == "casusoverleg"
    assert config.rights[RequestType.correctie].forum == "partneroverleg"
    assert config.rights[RequestType.verzet].forum == "partneroverleg"
    assert config.rights[RequestType.overdraagbaarheid].available is False
    assert "21.1" in config.rights[RequestType.overdraagbaarheid].rule.article
    eigen = config.rights[RequestType.eigen_verklaring]
    assert eigen.available is True and eigen.handled_as == RequestType.aanvulling


def test_rules_come_from_the_national_model(config: RegionConfig):
    # The seed has no privacy-protocol text: every rights rule is marked and explained.
    rules = [r.rule for r in config.rights.values()]
    rules += [config.routing.wpg.rule, config.routing.wjsg.rule, config.identity.rule,
              config.retention.rule, config.complaint, config.signatory.rule]
    rules += [p.rule for p in config.deadlines.periods.values()]
    rules += [g.rule for g in config.refusal_grounds]
    for rule in rules:
        assert rule.national_model is True, rule.article
        assert rule.note and "model" in rule.note, rule.article


def test_deadline_identity_and_retention(config: RegionConfig, seed_text: str):
    d = config.deadlines
    for rtype in RequestType:
        assert d.period(rtype).weeks == 4 and d.period(rtype).rule.national_model is True
    assert "18.2" in d.period(RequestType.inzage).rule.article
    assert "20.4" in d.period(RequestType.verzet).rule.article
    assert d.protocol_provides_extension is False
    assert d.suspend_for_identity is True
    assert d.suspend_rule.article.startswith("art. 12 lid 6 AVG")
    assert config.identity.methods == ["in_persoon"]
    # §4.4: "het Stationsplein 107 te Leiden en in het Huis van de Stad te Gouda"
    assert "Stationsplein 107 te Leiden en in het Huis van de Stad te Gouda" in seed_text
    assert any("Stationsplein 107" in loc.address for loc in config.identity.locations)
    assert any("Gouda" in p for p in config.identity.places)
    assert config.letterhead.visiting_address == ["Stationsplein 107", "Leiden"]
    assert config.retention.request_file_years == 1
    assert [g.uavg for g in config.refusal_grounds] == list("abcdefghij")
    assert config.refusal_ground("e").uavg == "i"  # old alias (16.6 e) of the national model


def test_letters_name_the_national_model(config: RegionConfig):
    # The own source has no rights articles; the Stuurgroep adopted the national protocol for
    # the focusoverleggen (Stuurgroepbesluit 18 juni 2018, sub c).
    assert config.source.letter_name == "ons samenwerkingsconvenant"
    assert config.source.national_model_name == "het landelijke privacyprotocol voor veiligheidshuizen"
    assert "Privacy Protocol Integrale Veiligheid en Complexe Multiproblematiek" in config.source.letter_note
    assert "focusoverleggen" in config.source.letter_note
    assert config.source_name(config.rights[RequestType.inzage].rule) == config.source.national_model_name


def test_mandates_and_the_body_for_joint_decisions(config, seed_text):
    """Issue 18 points 2 and 4. The leerplicht part is decided by the college of the pupil's
    woonplaats, no fixed organ: its mandate's organ is open. The seed has two centrumgemeenten
    (Leiden and Gouda) and no one body for joint decisions: still to be chosen."""
    assert_mandates(config, seed_text, open_organs=("regionaal-bureau-leerplicht-holland-rijnland",))
    seed = collapse(seed_text)
    assert "de burgemeesters van leiden en gouda, de twee centrumgemeenten" in seed
    assert "zetelgemeente" not in seed and "beheersorganisatie" not in seed
    assert_joint_body(config, None)
