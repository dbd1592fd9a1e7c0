"""Routing by source (domain.md §3), checked on every region's real configuration."""
import pytest

from models.enums import Regime, RequestType as T, RoutingTarget as R
from models.region_config import load_regions
from models.routing import Item, plan_routing

REGIONS = load_regions(__import__("pathlib").Path(__file__).resolve().parent.parent / "config")


def _items(region):
    police = next(p for p in region.partners if p.regime == Regime.wpg)
    om = next(p for p in region.partners if p.regime == Regime.wjsg)
    avg = [p for p in region.partners if p.regime == Regime.avg][:2]
    return police, om, avg, [
        Item(1, police.slug, Regime.wpg),
        Item(2, om.slug, Regime.wjsg),
        Item(3, avg[0].slug, Regime.avg),
        Item(4, avg[0].slug, Regime.avg),
        Item(5, avg[1].slug, Regime.avg),
    ]


@pytest.mark.parametrize("region_id", sorted(REGIONS))
def test_inzage_goes_to_wpg_loket_and_parket_and_consults_the_rest(region_id):
    region = REGIONS[region_id]
    police, om, avg, items = _items(region)
    plan = plan_routing(region, [T.inzage], items)
    targets = {(r.partner_slug, r.target) for r in plan.referrals}
    assert targets == {(police.slug, R.wpg_loket), (om.slug, R.parket_privacyfunctionaris)}
    assert [(c.partner_slug, c.registration_ids) for c in plan.consultations] == sorted(
        [(avg[0].slug, (3, 4)), (avg[1].slug, (5,))]
    )
    body = region.routing_body(R.wpg_loket, police.unit)
    assert next(r for r in plan.referrals if r.target == R.wpg_loket).body_id == body.id


@pytest.mark.parametrize("region_id", sorted(REGIONS))
def test_verzet_goes_to_police_privacyfunctionaris_and_parket_generaal(region_id):
    region = REGIONS[region_id]
    police, om, _, items = _items(region)
    plan = plan_routing(region, [T.verzet, T.correctie], items)
    by_target = {r.target: r for r in plan.referrals}
    assert by_target[R.politie_privacyfunctionaris].request_types == (T.verzet,)
    assert by_target[R.wpg_loket].request_types == (T.correctie,)
    assert by_target[R.parket_generaal_bjz].request_types == (T.verzet,)
    assert by_target[R.parket_privacyfunctionaris].request_types == (T.correctie,)
    assert by_target[R.parket_generaal_bjz].partner_slug == om.slug


def test_no_data_is_an_answer_too():
    from models.enums import RequestStatus
    from models.lifecycle import after_routing

    plan = plan_routing(REGIONS["drenthe"], [T.inzage], [])
    assert not plan.referrals and not plan.consultations and not plan.standard_refusals
    outcome = after_routing(len(plan.consultations), len(plan.referrals), handled_rights=1)
    assert outcome.status == RequestStatus.replying and outcome.no_data_reply


@pytest.mark.parametrize("region_id", sorted(REGIONS))
def test_portability_is_a_standard_refusal_that_routes_nothing(region_id):
    _, _, _, items = _items(REGIONS[region_id])
    plan = plan_routing(REGIONS[region_id], [T.overdraagbaarheid], items)
    assert not plan.referrals and not plan.consultations and plan.standard_refusals == (T.overdraagbaarheid,)


def test_eigen_verklaring_is_handled_in_every_region():
    """Issue 9 point 10: AVG art. 16 gives the aanvullende verklaring; outside Fryslân it is
    handled as an aanvulling, never a standard refusal. Police/OM parts are referred like an
    aanvulling; the AVG partners are consulted."""
    for region_id, region in REGIONS.items():
        _, _, _, items = _items(region)
        plan = plan_routing(region, [T.eigen_verklaring], items)
        assert plan.standard_refusals == (), region_id
        assert plan.consultations, region_id
        aanvulling = plan_routing(region, [T.aanvulling], items)
        assert [r.target for r in plan.referrals] == [r.target for r in aanvulling.referrals], region_id
