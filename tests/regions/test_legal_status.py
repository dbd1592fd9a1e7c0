"""What issue 9 asks of every region file, checked for all five against their seeds: who is a
bestuursorgaan (with the reason), the bezwaar routes, the refusal grounds of art. 41 lid 1
UAVG, a suspension cited truthfully, the eigen verklaring as aanvulling, the complaint."""
import pytest

from models.enums import PartnerKind, Regime, RequestType
from models.region_config import UNVERIFIED, load_region_file
from tests.regions.conftest import collapse

REGIONS = ["drenthe", "fryslan", "hollands-midden", "rotterdam-rijnmond", "utrecht"]


@pytest.fixture(scope="module", params=REGIONS)
def region(request, project_root):
    return load_region_file(project_root / "config" / "regions" / f"{request.param}.yaml")


@pytest.fixture(scope="module")
def seed(region, seeds_dir):
    return collapse((seeds_dir / region.source.file).read_text(encoding="utf-8"))


def test_every_partner_says_whether_it_is_a_bestuursorgaan_and_why(region):
    for p in region.partners:
        assert "1:1" in p.bestuursorgaan_rule.article, p.slug  # Awb art. 1:1: what is a bestuursorgaan
        assert p.bestuursorgaan_rule.note, p.slug
        if p.bestuursorgaan and p.regime == Regime.avg:
            assert p.bezwaar is not None and p.bezwaar.addressee and p.bezwaar.address, p.slug


def test_gemeenten_are_bestuursorganen_with_their_college_as_addressee(region):
    gemeenten = [p for p in region.partners if p.kind == PartnerKind.gemeente]
    assert gemeenten
    for p in gemeenten:
        assert p.bestuursorgaan is True
        assert p.bezwaar.addressee.startswith("het college van burgemeester en wethouders van "), p.slug


def test_police_and_om_decide_under_their_own_law(region):
    for p in region.partners:
        if p.regime in (Regime.wpg, Regime.wjsg):
            assert p.bestuursorgaan is True and p.bezwaar is None, p.slug


def test_private_partners_are_no_bestuursorgaan(region, seed):
    """Foundations (the seed calls them "Stichting" or "St."), housing corporations and
    probation organisations decide as private controllers: the route of UAVG art. 35."""
    for p in region.partners:
        if p.kind in (PartnerKind.woningcorporatie, PartnerKind.reclassering):
            assert p.bestuursorgaan is False, p.slug
        if p.name.startswith(("St. ", "Stichting ")):
            assert p.bestuursorgaan is False, p.slug
            assert collapse(p.name) in seed


def test_state_and_public_bodies_are_bestuursorganen(region):
    for p in region.partners:
        if "Raad voor de Kinderbescherming" in p.name or "Justitiële Inrichtingen" in p.name \
                or "Justitiele Inrichtingen" in p.name or p.name.startswith("Veiligheidsregio"):
            assert p.bestuursorgaan is True, p.slug
            assert p.bezwaar is not None


def test_verified_bezwaar_addresses_are_complete(region):
    """An address given without "unverified" has a postcode line (4 digits, 2 letters)."""
    import re

    routes = [region.bezwaar.address] + [p.bezwaar.address for p in region.partners if p.bezwaar]
    for lines in routes:
        if UNVERIFIED not in lines:
            assert re.search(r"\b\d{4} [A-Z]{2}\b", " ".join(lines)), lines


def test_refusal_grounds_are_the_sub_grounds_of_article_41_uavg(region):
    assert sorted(g.uavg for g in region.refusal_grounds) == list("abcdefghij")
    assert region.refusal_ground("rechten-van-anderen").uavg == "i"
    for g in region.refusal_grounds:
        assert g.law == f"artikel 41 lid 1 onder {g.uavg} UAVG"
        assert g.plain and len(g.plain.split()) <= 15


def test_no_protocol_provides_the_suspension(region):
    rule = region.deadlines.suspend_rule
    assert rule.article.startswith("art. 12 lid 6 AVG") and "EDPB" in rule.article
    assert "rotocol" not in rule.article  # neither "Privacyprotocol" nor "Privacy Protocol"
    assert "par." not in rule.article  # no paragraph number that was not verified


def test_eigen_verklaring_is_handled_everywhere(region):
    eigen = region.rights[RequestType.eigen_verklaring]
    assert eigen.available is True
    if region.id == "fryslan":
        assert eigen.handled_as is None and "20.2" in eigen.rule.article
    else:
        assert eigen.handled_as == RequestType.aanvulling and "art. 16 AVG" in eigen.rule.article


def test_complaint_to_the_zvh_where_the_protocol_says_so(region, seed):
    says = "bij het zvhd en bij de autoriteit persoonsgegevens" in seed \
        or "bij het zorg- en veiligheidshuis en bij de autoriteit persoonsgegevens" in seed \
        or "bij het (zorg- en) veiligheidshuis en bij de autoriteit persoonsgegevens" in seed
    if region.id == "hollands-midden":
        assert region.complaint.zvh is True and region.complaint.national_model is True
    else:
        assert region.complaint.zvh is says


def test_every_contact_detail_is_present_or_marked(region):
    lh = region.letterhead
    for value in (lh.phone, lh.email, lh.opening_hours, *lh.postal_address, *lh.visiting_address,
                  region.signatory.name, region.signatory.function):
        assert value.strip()
    for loc in region.identity.locations:
        assert loc.address and loc.hours
    for body in region.routing.bodies:
        assert len(body.address) >= 2
