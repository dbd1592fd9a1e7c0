"""The remedy of a decision follows who decided (issue 9 point 4; UAVG art. 34 and 35).

A written decision on a request under AVG art. 15-22 *by a bestuursorgaan* is an Awb-besluit
(UAVG art. 34): bezwaar within six weeks, to that organ (Awb art. 6:4, 6:5, 6:7). Against the
decision of anyone else the betrokkene may ask the rechtbank (UAVG art. 35: verzoekschrift
within six weeks, no lawyer needed).

Who decided:

- where the signatory's organ decides every request itself (``signatory.decides``, Fryslân:
  the Zetelgemeente), that organ, for every part;
- otherwise each part is decided by the partner that supplied the data (it keeps
  "zeggenschap"): a bestuursorgaan gives its own bezwaar route, a private partner the court
  route. Where one route covers every part, the letter gives only that one;
- a decision that is no partner's (no data found, a right the protocol does not give, only
  police/OM data) is taken for all controllers together: the region's bezwaar route for the
  bestuursorganen among them, and the court route for the others.

Pure: region configuration in, a ``Remedies`` part of a letter context out.
"""
from collections.abc import Iterable
from typing import Optional

from models.enums import Regime
from models.letters.context import BezwaarRoute, Remedies
from models.region_config import PartnerConfig, RegionConfig


def _region_route(region: RegionConfig) -> BezwaarRoute:
    return BezwaarRoute(
        addressee=region.bezwaar.addressee, address_lines=list(region.bezwaar.address),
        key="bezwaar", rule_article=region.bezwaar.rule.article,
    )


def remedies_for(region: RegionConfig, decided_by: Optional[Iterable[PartnerConfig]]) -> Remedies:
    """The remedies of a decision on the data of ``decided_by`` (None or empty: a decision
    for all controllers together)."""
    weeks = region.bezwaar.weeks
    if region.signatory.decides:
        return Remedies(bezwaar=[_region_route(region)], weeks=weeks)
    partners = list({p.slug: p for p in decided_by or ()}.values())
    partners = [p for p in partners if p.regime == Regime.avg]  # police/OM decide themselves
    if not partners:
        return Remedies(bezwaar=[_region_route(region)], court_parts=[], joint=True, weeks=weeks)
    routes: dict[tuple, BezwaarRoute] = {}
    private: list[str] = []
    for partner in partners:
        if partner.bestuursorgaan and partner.bezwaar is not None:
            route_key = (partner.bezwaar.addressee, tuple(partner.bezwaar.address))
            if route_key in routes:
                old = routes[route_key]
                routes[route_key] = old.model_copy(update={"parts": [*old.parts, partner.display_name]})
            else:
                routes[route_key] = BezwaarRoute(
                    addressee=partner.bezwaar.addressee, address_lines=list(partner.bezwaar.address),
                    parts=[partner.display_name], key=f"partners.{partner.slug}.bezwaar",
                    rule_article=partner.bestuursorgaan_rule.article,
                )
        else:
            private.append(partner.display_name)
    bezwaar = list(routes.values())
    if len(bezwaar) == 1 and not private:
        bezwaar = [bezwaar[0].model_copy(update={"parts": []})]  # one route covers everything
    return Remedies(bezwaar=bezwaar, court_parts=private if private else None, weeks=weeks)
