"""Splitting a request by the source of the data (domain.md §3). Pure, no I/O.

Police (Wpg) and OM (Wjsg) data are not decided by the ZVH: each supplying unit gets a
referral to the body the region's routing table names for the request type. Every other
supplier gets one consultation task. Which item goes where is decided here and nowhere else.
"""
from dataclasses import dataclass, field

from models.enums import Regime, RequestType, RoutingTarget
from models.region_config import RegionConfig


@dataclass(frozen=True)
class Item:
    """The routing-relevant facts of one case registration."""

    registration_id: int
    partner_slug: str
    regime: Regime


@dataclass(frozen=True)
class ReferralPlan:
    partner_slug: str
    target: RoutingTarget
    body_id: str
    request_types: tuple[RequestType, ...]
    registration_ids: tuple[int, ...]


@dataclass(frozen=True)
class ConsultationPlan:
    partner_slug: str
    registration_ids: tuple[int, ...]


@dataclass(frozen=True)
class RoutingPlan:
    referrals: tuple[ReferralPlan, ...] = ()
    consultations: tuple[ConsultationPlan, ...] = ()
    # Request types the ZVH answers itself without consulting anybody (standard refusals:
    # rights the region's protocol does not give, e.g. overdraagbaarheid).
    standard_refusals: tuple[RequestType, ...] = field(default=())


def plan_routing(
    region: RegionConfig, request_types: list[RequestType], items: list[Item]
) -> RoutingPlan:
    """Referrals per (police/OM partner, target) and one consultation per other partner.

    Rights the region does not provide (overdraagbaarheid, every protocol) are answered
    with a standard refusal and route nothing. The eigen verklaring is routed like any other
    right: in Fryslân under its own article 20.2, elsewhere as the aanvullende verklaring of
    AVG art. 16 (``rights.eigen_verklaring.handled_as: aanvulling``).
    """
    handled = [t for t in request_types if region.rights[t].available]
    refusals = tuple(t for t in request_types if not region.rights[t].available)
    if not handled:
        return RoutingPlan(standard_refusals=refusals)

    by_partner: dict[str, list[Item]] = {}
    for item in items:
        by_partner.setdefault(item.partner_slug, []).append(item)

    referrals: list[ReferralPlan] = []
    consultations: list[ConsultationPlan] = []
    for slug in sorted(by_partner):
        partner_items = by_partner[slug]
        ids = tuple(sorted(i.registration_id for i in partner_items))
        regime = partner_items[0].regime
        if regime == Regime.avg:
            consultations.append(ConsultationPlan(slug, ids))
            continue
        table = region.routing.wpg if regime == Regime.wpg else region.routing.wjsg
        unit = region.partner(slug).unit
        targets: dict[RoutingTarget, list[RequestType]] = {}
        for rtype in handled:
            targets.setdefault(table.targets[rtype], []).append(rtype)
        for target in sorted(targets):
            body = region.routing_body(target, unit)
            if body is None:  # the config validator prevents this; keep the failure loud
                raise LookupError(f"geen {target.value} voor {slug} in regio {region.id}")
            referrals.append(ReferralPlan(slug, target, body.id, tuple(targets[target]), ids))
    return RoutingPlan(tuple(referrals), tuple(consultations), refusals)
