"""Item b of the inzage reply: every category of data processed, marked where it is a special
category (AVG art. 9, e.g. health) or criminal data (AVG art. 10). Pure.

Police and OM data are always criminal data (they are processed for the criminal-law tasks
of the Wpg and the Wjsg). For the other items the category text and the supplier's kind
decide; a partner can say so in its answer (``ItemAnswer``) where the text does not show it.
The letter names police and OM categories only in general terms: what those data are is for
the police and the OM to say (issue 9 point 15)."""
import re
from typing import Literal, Optional

from models.enums import PartnerKind, Regime

Mark = Optional[Literal["art9", "art10"]]

# Words that show data concerning health (AVG art. 4(15), art. 9(1)).
HEALTH = re.compile(
    r"gezondheid|medisch|ggz|psych|verslav|behandel|diagnose|zorggegevens|zorg en hulpverlening"
    r"|ziekte|beperking van|lichamelijk|geestelijk|medicijn|forensische zorg",
    re.IGNORECASE,
)
# Words that show data on criminal convictions and offences (AVG art. 10).
CRIMINAL = re.compile(
    r"strafbaar|strafrecht|justiti|politie|veroordel|delict|misdrijf|overtreding|reclassering"
    r"|detentie|gedetineerd|strafvorder|verdacht|proces-verbaal|aangifte|toezicht door de reclassering",
    re.IGNORECASE,
)
#: How the letter names police and OM data in item b (never their own category text).
REGIME_LABELS = {
    Regime.wpg: "Gegevens van de politie",
    Regime.wjsg: "Gegevens van het Openbaar Ministerie",
}


def mark_of(category: str, regime: Regime, partner_kind: Optional[PartnerKind] = None) -> Mark:
    """Criminal data come first: they are the stricter regime for this file."""
    if regime in (Regime.wpg, Regime.wjsg) or partner_kind == PartnerKind.reclassering:
        return "art10"
    if CRIMINAL.search(category):
        return "art10"
    if HEALTH.search(category):
        return "art9"
    return None
