"""The remedy of a decision follows who decided (issue 9 point 4, issue 18 points 2 and 4;
UAVG art. 34 and 35).

A written decision on a request under AVG art. 15-22 *by a bestuursorgaan* is an Awb-besluit
(UAVG art. 34): bezwaar within six weeks, to that organ (Awb art. 6:4, 6:5, 6:7). Against the
decision of anyone else the betrokkene may ask the rechtbank (UAVG art. 35: verzoekschrift
within six weeks, no lawyer needed; the rechtbank of the verzoeker's woonplaats is competent,
art. 262 Rv).

Who decided:

- where the signatory's organ decides every request itself (``signatory.decides``, Fryslân:
  the Zetelgemeente), that organ, for every part;
- otherwise each part is decided by the partner that supplied the data (it keeps
  "zeggenschap"): a bestuursorgaan gives its own bezwaar route, a private partner the court
  route. Where one route covers every part, the letter gives only that one;
- a decision that is no partner's (no data found, a right the protocol does not give, only
  police/OM data) is taken for all controllers together: bezwaar against the region's body
  for joint decisions (``bezwaar.addressee``) for the bestuursorganen among them, and the
  court route against the others. The letter says against whom each runs.

A part granted in full gets no remedy: the betrokkene got what was asked, so there is no
interest in bezwaar or a verzoekschrift (docs/decisions.md, issue 18 point 4). Its organ still
signs: the signature names every bestuursorgaan whose decision the letter holds, "namens
dezen" (Awb art. 10:10), and "namens de (andere) verwerkingsverantwoordelijken" for the rest.

Pure: region configuration in, a ``Remedies`` part of a letter context out.
"""
from collections.abc import Iterable
from typing import Optional, Union

from models.enums import Regime
from models.letters.context import BezwaarRoute, MandateLine, Remedies
from models.region_config import UNVERIFIED, PartnerConfig, RegionConfig, is_unverified


def _region_route(region: RegionConfig) -> BezwaarRoute:
    return BezwaarRoute(
        addressee=region.bezwaar.addressee, address_lines=list(region.bezwaar.address),
        key="bezwaar", rule_article=region.bezwaar.rule.article,
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def organ_of(partner: PartnerConfig) -> str:
    """How the signature names the partner's organ: its mandate's ``organ``, else its bezwaar
    addressee (the same organ), else ``unverified``."""
    if partner.mandate is not None:
        return partner.mandate.organ
    if partner.bezwaar is not None and not is_unverified(partner.bezwaar.addressee):
        return _capital(partner.bezwaar.addressee)
    return UNVERIFIED


def joint_mandate(region: RegionConfig) -> MandateLine:
    """The signature line of the body for joint decisions (and in Fryslân of every decision)."""
    partner = region.joint_partner()
    if partner is not None:
        return MandateLine(organ=organ_of(partner), key=f"partners.{partner.slug}.mandate")
    if region.signatory.decides and not is_unverified(region.signatory.on_behalf):
        return MandateLine(organ=region.signatory.on_behalf)
    addressee = region.bezwaar.addressee
    return MandateLine(organ=UNVERIFIED if is_unverified(addressee) else _capital(addressee))


def _is_organ(partner: PartnerConfig) -> bool:
    return partner.bestuursorgaan and partner.bezwaar is not None


def remedies_for(
    region: RegionConfig,
    decided_by: Optional[Iterable[PartnerConfig]],
    *,
    granted: Iterable[Union[PartnerConfig, str]] = (),
) -> Remedies:
    """The remedies of a decision on the data of ``decided_by`` (None or empty: a decision
    for all controllers together). ``granted``: the partners (or slugs) among them whose parts
    were granted in full; no remedy runs against those parts."""
    weeks = region.bezwaar.weeks
    granted_slugs = {g if isinstance(g, str) else g.slug for g in granted}
    partners = list({p.slug: p for p in decided_by or ()}.values())
    partners = [p for p in partners if p.regime == Regime.avg]  # police/OM decide themselves
    open_partners = [p for p in partners if p.slug not in granted_slugs]
    granted_names = [p.display_name for p in partners if p.slug in granted_slugs]
    if region.signatory.decides:
        mandates = [joint_mandate(region)]
        if partners and not open_partners:
            return Remedies(granted_parts=granted_names, mandates=mandates, weeks=weeks)
        return Remedies(bezwaar=[_region_route(region)], mandates=mandates, weeks=weeks)
    if not partners:
        return Remedies(bezwaar=[_region_route(region)], court_parts=[], joint=True,
                        mandates=[joint_mandate(region)], others=True, weeks=weeks)
    # The signature: every bestuursorgaan whose part the letter decides, granted or not.
    lines: dict[str, MandateLine] = {}
    for partner in partners:
        if not _is_organ(partner):
            continue
        organ = organ_of(partner)
        if organ in lines and organ != UNVERIFIED:
            old = lines[organ]
            lines[organ] = old.model_copy(update={"parts": [*old.parts, partner.display_name]})
        else:
            lines[organ if organ != UNVERIFIED else partner.slug] = MandateLine(
                organ=organ, parts=[partner.display_name], key=f"partners.{partner.slug}.mandate")
    others = any(not _is_organ(p) for p in partners)
    mandates = list(lines.values())
    if len(mandates) == 1 and not others:
        mandates = [mandates[0].model_copy(update={"parts": []})]  # one organ decides everything
    # The routes: only against parts not granted in full.
    routes: dict[tuple, BezwaarRoute] = {}
    private: list[str] = []
    for partner in open_partners:
        if _is_organ(partner):
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
    if len(bezwaar) == 1 and not private and not granted_names:
        bezwaar = [bezwaar[0].model_copy(update={"parts": []})]  # one route covers everything
    return Remedies(bezwaar=bezwaar, court_parts=private if private else None, granted_parts=granted_names,
                    mandates=mandates, others=others, weeks=weeks)
