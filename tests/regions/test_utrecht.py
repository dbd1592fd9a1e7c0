"""Region file for Veiligheidshuis Regio Utrecht (VHRU): schema, partners against the seed, rules."""
import pytest

from models.enums import PartnerKind, Regime, RequestType
from tests.regions.conftest import assert_joint_body, assert_mandates, assert_partner, collapse

REGION_ID = "utrecht"


def _municipalities_in_seed(seed_text: str) -> list[str]:
    """The 'Gemeente X' lines under 'In de regio Utrecht' in the Convenant's list of parties."""
    lines = seed_text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "In de regio Utrecht")
    names = []
    for line in lines[start + 1 :]:
        stripped = line.strip()
        if stripped.startswith("verder afzonderlijk"):
            break
        if stripped.startswith("Gemeente "):
            names.append(stripped)
    return names


def test_identity_of_the_file(config):
    assert config.short_name == "VHRU"
    assert config.reference_prefix == "VHRU"
    assert config.source.file == "utrecht-topx-dpia-en-privacyprotocol.txt"


@pytest.mark.parametrize(
    "slug, name, kind, regime",
    [
        ("gemeente-utrecht", "Gemeente Utrecht", PartnerKind.gemeente, Regime.avg),
        ("gemeente-vijfheerenlanden", "Gemeente Vijfheerenlanden", PartnerKind.gemeente, Regime.avg),
        ("politie-eenheid-midden-nederland", "Politie eenheid Midden-Nederland", PartnerKind.politie, Regime.wpg),
        ("om-arrondissementsparket-midden-nederland", "Openbaar Ministerie Midden Nederland", PartnerKind.om, Regime.wjsg),
        ("reclassering-nederland", "Reclassering Nederland", PartnerKind.reclassering, Regime.avg),
        (
            "raad-voor-de-kinderbescherming-midden-nederland",
            "Raad voor de Kinderbescherming Midden-Nederland",
            PartnerKind.jeugd,
            Regime.avg,
        ),
        ("dji-pi-nieuwegein", "Dienst Justitiële Inrichtingen, Vestiging PI Nieuwegein", PartnerKind.overig, Regime.avg),
        ("mitros", "Mitros woningcorporatie", PartnerKind.woningcorporatie, Regime.avg),
        ("altrecht", "Altrecht", PartnerKind.zorg, Regime.avg),
    ],
)
def test_specific_partners(config, slug, name, kind, regime):
    assert_partner(config, slug, name, kind, regime)


def test_only_one_police_unit_and_one_parket(config):
    assert [p.slug for p in config.partners if p.regime == Regime.wpg] == ["politie-eenheid-midden-nederland"]
    assert [p.slug for p in config.partners if p.regime == Regime.wjsg] == [
        "om-arrondissementsparket-midden-nederland"
    ]


def test_municipality_count_matches_source(config, seed_text):
    in_seed = _municipalities_in_seed(seed_text)
    in_config = [p.name for p in config.partners if p.kind == PartnerKind.gemeente]
    # The DPIA itself speaks of "de 26 gemeenten in de Regio Utrecht".
    assert "26 gemeenten in de regio utrecht" in collapse(seed_text)
    assert len(in_seed) == 26
    assert len(in_config) == len(in_seed)
    assert sorted(in_config) == sorted(in_seed)


def test_no_municipality_from_the_other_two_regions(config):
    names = {p.name for p in config.partners}
    for other in ("Gemeente Almere", "Gemeente Urk", "Gemeente Hilversum", "Gemeente Weesp"):
        assert other not in names


def test_police_and_om_units_and_routing_articles(config):
    # The units' own routing bodies, the Parket-Generaal and the routing targets: tests/test_region_config.py.
    assert config.partner("politie-eenheid-midden-nederland").unit == "Eenheid Midden-Nederland"
    assert config.partner("om-arrondissementsparket-midden-nederland").unit == "Arrondissementsparket Midden-Nederland"
    assert "17.6" in config.routing.wpg.rule.article
    assert "17.5" in config.routing.wjsg.rule.article


def test_signatory_is_the_manager_not_a_public_body(config, seed_text):
    assert config.signatory.function == "manager van het Veiligheidshuis Regio Utrecht"
    assert config.signatory.decides is False and config.signatory.mandate is False
    assert config.roles.manager == "Manager"
    assert "18.5" in config.signatory.rule.article
    # Conv. Bijlage 5: answering inzage requests falls under the Awb, and each controller stays
    # responsible: a bestuursorgaan's part is its Awb-besluit (UAVG art. 34).
    seed = collapse(seed_text)
    assert "beantwoording van inzageverzoeken en klachten over de verwerking van persoonsgegevens etc. vallen onder de awb" in seed
    assert "Bijlage 5" in config.signatory.rule.article
    # A joint decision: bezwaar to the beheersorganisatie, gemeente Utrecht (PP 12.3, fn. 4).
    assert config.bezwaar.addressee == "het college van burgemeester en wethouders van Utrecht"
    assert config.bezwaar.address == ["Gemeente Utrecht", "Postbus 16200", "3500 CE Utrecht"]


def test_forums_per_right(config):
    assert {f.id for f in config.forums} == {"casusoverleg", "partneroverleg"}
    assert config.rights[RequestType.inzage].forum == "casusoverleg"
    for rtype in (RequestType.correctie, RequestType.verwijdering, RequestType.verzet):
        assert config.rights[rtype].forum == "partneroverleg"
    assert "20" in config.rights[RequestType.verzet].rule.article


def test_portability_refused_and_eigen_verklaring_as_aanvulling(config):
    portability = config.rights[RequestType.overdraagbaarheid]
    assert portability.available is False
    assert portability.forum is None
    assert "21.1" in portability.rule.article
    eigen = config.rights[RequestType.eigen_verklaring]
    assert eigen.available is True and eigen.handled_as == RequestType.aanvulling
    assert "art. 16 AVG" in eigen.rule.article


@pytest.mark.parametrize(
    "rtype, article, quote",
    [
        (RequestType.inzage, "art. 18.2 Privacyprotocol", "het verzoek wordt binnen vier weken door de manager beantwoord"),
        (RequestType.correctie, "art. 19.4 Privacyprotocol", "uiterlijk binnen 4 weken na ontvangst van het verzoek"),
        (RequestType.verzet, "art. 20.4 Privacyprotocol", "binnen 4 weken en draagt er zorg voor dat de beslissing binnen deze 4 weken wordt uitgevoerd"),
    ],
)
def test_four_weeks_per_type_from_the_seed(config, seed_text, rtype, article, quote):
    period = config.deadlines.period(rtype)
    assert (period.weeks, period.avg, period.rule.article) == (4, False, article)
    assert quote in collapse(seed_text)


def test_deadline_identity_and_refusal_grounds(config):
    assert config.deadlines.protocol_provides_extension is False
    assert config.deadlines.suspend_for_identity is True
    assert "18.4" not in config.deadlines.suspend_rule.article  # 18.4 is identification, not a stop
    assert config.identity.methods == ["in_persoon"]
    assert "18.4" in config.identity.rule.article
    assert [g.uavg for g in config.refusal_grounds] == list("abcdefghij")
    assert config.refusal_ground("b").uavg == "d"  # the old id of 16.6 b: criminal offences
    assert config.refusal_ground("strafbare-feiten").label.startswith("de voorkoming, het onderzoek")
    assert "16.5" in config.complaint.article and config.complaint.zvh is True


def test_mandates_and_the_body_for_joint_decisions(config, seed_text):
    """Issue 18 points 2 and 4. The Manager provides the copy "namens de
    Verwerkingsverantwoordelijke" (PP 18.5); the gemeente Utrecht is the beheersorganisatie (PP
    12.3, fn. 4), the body for joint decisions, signed in its college's mandate. No
    mandaatbesluit in the seed."""
    seed = collapse(seed_text)
    assert "verstrekt de manager namens de verwerkingsverantwoordelijke" in seed
    assert "de beheersorganisatie is de gemeente utrecht" in seed
    assert_mandates(config, seed_text)
    assert_joint_body(config, "gemeente-utrecht")
