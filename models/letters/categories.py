"""Item b of the inzage reply: every category of data processed, marked where it is a special
category (AVG art. 9, e.g. health) or criminal data (AVG art. 10). Pure.

What the data are decides, not a word in the category text (issue 18 point 8): "Gegevens
over zorg" from a GGZ supplier ("Crisisopname van twee weken") is health data, though no
word in it says so. In this order:

1. Police and OM data are always criminal data (they are processed for the criminal-law
   tasks of the Wpg and the Wjsg). The letter names them only in general terms: what those
   data are is for the police and the OM to say (issue 9 point 15).
2. The supplier's answer about the item (``ItemAnswer.special_category``), where it gave one:
   it knows what it supplied. Its "none" takes a mark away, its "health" gives one.
3. Else the supplier's default: ``special_by_default`` in the region file where the region
   set one, else its kind (``DEFAULT_BY_KIND``): a care provider's data are health data
   (AVG recital 35: data "collected in the course of the registration for, or the provision
   of, health care services"), a probation service's are criminal data.
"""
from typing import Literal, Optional

from models.enums import PartnerKind, Regime, SpecialCategory

Mark = Optional[Literal["health", "special", "criminal"]]

#: The supplier's default by its kind, where its region file sets no ``special_by_default``.
DEFAULT_BY_KIND = {
    PartnerKind.zorg: SpecialCategory.health,
    PartnerKind.reclassering: SpecialCategory.criminal,
    PartnerKind.politie: SpecialCategory.criminal,
    PartnerKind.om: SpecialCategory.criminal,
}
#: When items of one category are marked differently, the letter shows the strictest.
STRICTNESS = {"criminal": 3, "health": 2, "special": 1, None: 0}
#: How the letter names police and OM data in item b (never their own category text).
REGIME_LABELS = {
    Regime.wpg: "Gegevens van de politie",
    Regime.wjsg: "Gegevens van het Openbaar Ministerie",
}
#: How the partner's form and the workbench name each answer (Dutch, B1).
CHOICE_LABELS = {
    SpecialCategory.health: "Ja, over de gezondheid (bijvoorbeeld zorg, behandeling of verslaving)",
    SpecialCategory.special: "Ja, een ander bijzonder gegeven (bijvoorbeeld geloof, afkomst, politieke mening "
                             "of seksuele voorkeur)",
    SpecialCategory.criminal: "Ja, een strafrechtelijk gegeven (over een strafbaar feit of een straf)",
    SpecialCategory.none: "Nee, geen van deze",
}
#: The default in words, for the hint under the question ("Kiest u niets? Dan ...").
DEFAULT_WORDS = {
    SpecialCategory.health: "een gegeven over de gezondheid",
    SpecialCategory.special: "een ander bijzonder gegeven",
    SpecialCategory.criminal: "een strafrechtelijk gegeven",
    SpecialCategory.none: "een gewoon gegeven",
}


def supplier_default(kind: PartnerKind, configured: Optional[SpecialCategory] = None) -> SpecialCategory:
    """What the supplier's data are unless it says otherwise about an item: the region's
    ``special_by_default`` for this partner, else by its kind."""
    if configured is not None:
        return SpecialCategory(configured)
    return DEFAULT_BY_KIND.get(PartnerKind(kind), SpecialCategory.none)


def default_in(region, slug: str, kind: PartnerKind) -> SpecialCategory:
    """The supplier's default as its region file sets it (``RegionConfig``), else by its kind;
    a partner no longer in the file: by its kind."""
    try:
        configured = region.partner(slug).special_by_default
    except KeyError:
        configured = None
    return supplier_default(kind, configured)


def mark_of(regime: Regime, partner_kind: PartnerKind, special: Optional[SpecialCategory] = None,
            default: Optional[SpecialCategory] = None) -> Mark:
    """The mark of one item: police and OM data always criminal; else the supplier's answer
    ``special`` (None: it did not say); else ``default`` (the region's ``special_by_default``
    for the supplier), else the supplier's kind."""
    if Regime(regime) in (Regime.wpg, Regime.wjsg):
        return "criminal"
    what = SpecialCategory(special) if special is not None else supplier_default(partner_kind, default)
    return None if what == SpecialCategory.none else what.value


def strictest(*marks: Mark) -> Mark:
    """One category, several items: the strictest mark shows (criminal, health, special)."""
    return max(marks, key=lambda m: STRICTNESS[m], default=None)
