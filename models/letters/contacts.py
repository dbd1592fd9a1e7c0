"""Can the letters of a region go out? Contact details that work (issue 9 point 18).

Every letter prints the ZVH's postal and visiting address, phone, e-mail and opening hours,
and a signer who is a person; the identity invitation prints the places; referral letters the
police and OM bodies; decision letters the bezwaar routes. Where the region file does not
know a value it says ``unverified``. Such a value is printed as a visible placeholder, the
letter carries the "VOORBEELD – niet verzenden" marking, and it can be approved and sent
only under the demo setting (``RECHTENLOKET_DEMO``).

Pure: region configuration and letter contexts in, lists of Dutch problem lines out. The
actions call :func:`unsendable` before they write anything.
"""
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Optional

from models.region_config import RegionConfig, is_unverified

#: Printed on every letter, in the letterhead and the "Heeft u vragen?" block.
LETTERHEAD_KEYS = (
    "letterhead.postal_address",
    "letterhead.visiting_address",
    "letterhead.phone",
    "letterhead.email",
    "letterhead.opening_hours",
)
SIGNATORY_KEYS = ("signatory.name", "signatory.function")
INTERNAL_SIGNER_KEYS = ("internal_signer.name", "internal_signer.function")
#: Region facts a kind cites as its source, printed only once the region recorded them (issue
#: 18 point 7): the partners' decision on the retention of the request file.
RULE_KEYS = {"geen_gegevens": ("retention.decision",)}
#: Kinds that can show police or OM bodies (a referral part).
REFERRAL_KINDS = {"doorverwijzing_betrokkene", "doorzending", "inzage_besluit", "weigering"}


class LetterUnsendable(ValueError):
    """The letter would go out with an unverified or missing contact detail."""


def lookup(region: RegionConfig, key: str) -> Any:
    """The value at a dotted key; list items by index, or by ``id``/``slug``/``name``."""
    value: Any = region
    for part in key.split("."):
        if isinstance(value, (list, tuple)):
            if part.isdigit():
                value = value[int(part)]
                continue
            match = [v for v in value if part in (getattr(v, "id", None), getattr(v, "slug", None))]
            if not match:
                raise KeyError(f"regio {region.id}: geen {key}")
            value = match[0]
            continue
        value = getattr(value, part)
    return value


def static_keys(region: RegionConfig, kind_id: str) -> list[str]:
    """The region keys a letter of this kind always prints."""
    from models.letters.kinds import get_kind

    kind = get_kind(kind_id)
    keys = list(LETTERHEAD_KEYS)
    keys += SIGNATORY_KEYS if kind.signer == "signatory" else INTERNAL_SIGNER_KEYS
    if kind_id == "uitnodiging_identificatie":
        for n, _ in enumerate(region.identity.locations):
            keys += [f"identity.locations.{n}.address", f"identity.locations.{n}.hours"]
    keys += list(RULE_KEYS.get(kind_id, ()))
    return keys


def possible_keys(region: RegionConfig, kind_id: str) -> list[str]:
    """Every region key a letter of this kind may print, whatever the request: the static keys,
    every routing body for the kinds that can show one, and the region's bezwaar route for
    the kinds that can be a decision. Partner bezwaar routes depend on who supplied the data
    and are checked per letter (:func:`letter_problems`)."""
    from models.letters.kinds import get_kind

    keys = static_keys(region, kind_id)
    if kind_id in REFERRAL_KINDS:
        for body in region.routing.bodies:
            keys.append(f"routing.bodies.{body.id}.address")
    if get_kind(kind_id).decision or kind_id == "doorverwijzing_betrokkene":
        keys += ["bezwaar.addressee", "bezwaar.address"]
        joint = region.joint_partner()
        if joint is not None:  # it signs the decisions for all controllers together, in mandate
            keys += mandate_keys(region, joint.slug)
    return keys


def bad_keys(region: RegionConfig, keys: Iterable[str]) -> list[str]:
    """The keys whose value is unverified or missing."""
    return [key for key in dict.fromkeys(keys) if is_unverified(lookup(region, key))]


#: The fields of a bestuursorgaan's mandate that must be recorded before its decision goes out.
MANDATE_FIELDS = ("organ", "decree", "decided_on")


def mandate_keys(region: RegionConfig, slug: str) -> list[str]:
    """The keys of one partner's mandate (the whole ``mandate`` where it has none)."""
    if region.partner(slug).mandate is None:
        return [f"partners.{slug}.mandate"]
    return [f"partners.{slug}.mandate.{f}" for f in MANDATE_FIELDS]


def remedy_keys(region: RegionConfig, remedies) -> list[str]:
    """The region keys the remedies and the signature of a decision print or rest on: the
    bezwaar routes, and the mandate of every organ the signer signs for (Awb art. 10:10)."""
    keys = []
    for route in remedies.bezwaar:
        keys += [f"{route.key}.addressee", f"{route.key}.address"]
    for line in remedies.mandates:
        if line.key is None:
            keys.append("bezwaar.addressee")  # the body for joint decisions, no partner: named there
        else:
            keys += mandate_keys(region, line.key.split(".")[1])
    return keys


def message(region: RegionConfig, key: str) -> str:
    """One Dutch line for a key whose value is unverified or missing (a mandate key: the line
    of that partner's mandate, :func:`mandate_message`)."""
    if _mandate_slug(key) is not None:
        return mandate_message(region, _mandate_slug(key))
    value = lookup(region, key)
    what = "ontbreekt" if value in (None, "", []) else "is nog niet bevestigd (unverified)"
    return f"regio {region.id}: {key} {what}"


#: What each field of a mandate is, in the line that says it is missing.
MANDATE_LABELS = {"organ": "het bestuursorgaan", "decree": "het mandaatbesluit", "decided_on": "de datum van het mandaatbesluit"}


def _mandate_slug(key: str) -> Optional[str]:
    """The partner of a mandate key (``partners.<slug>.mandate[.<field>]``), else None."""
    parts = key.split(".")
    if len(parts) >= 3 and parts[0] == "partners" and parts[2] == "mandate":
        return parts[1]
    return None


def _mandate_page(region: RegionConfig, slug: str) -> str:
    """The region page's form of this partner (its bezwaar route and mandate), else the page."""
    from models.region_facts import group

    group_id = f"partner-{slug}"
    return region_page(region.id, group_id if group(region, group_id) is not None else None)


def mandate_message(region: RegionConfig, slug: str) -> str:
    """Why a decision on this partner's data cannot be approved while its mandate is not
    recorded: the signer decides in the name of the bestuursorgaan (Awb art. 10:1, 10:10), so
    the mandaatbesluit and its date must be known. One line per partner, naming the key."""
    partner = region.partner(slug)
    mandate = partner.mandate
    if mandate is None:
        missing = "er is geen mandaat vastgelegd"
    else:
        fields = [MANDATE_LABELS[f] for f in MANDATE_FIELDS if is_unverified(getattr(mandate, f))]
        if not fields:
            missing = "het mandaat was nog niet vastgelegd toen deze brief werd gemaakt"
        elif len(fields) == 1:
            missing = f"{fields[0]} is nog niet bevestigd"
        else:
            missing = f"{', '.join(fields[:-1])} en {fields[-1]} zijn nog niet bevestigd"
    return (
        f"regio {region.id}: partners.{slug}.mandate ({partner.display_name}): {missing}. "
        f"De ondertekenaar beslist namens {_organ(partner)} (mandaat, art. 10:10 Awb). Zonder "
        "vastgelegd mandaatbesluit en datum kan een besluit over deze gegevens niet worden "
        f"goedgekeurd. De beheerder van de regio vult het mandaat in op "
        f"{_mandate_page(region, slug)}; 'rechtenloket regions check {region.id}' "
        "toont wat nog ontbreekt"
    )


def _organ(partner) -> str:
    from models.letters.remedies import organ_of

    organ = organ_of(partner)
    return "het bestuursorgaan" if is_unverified(organ) else organ[:1].lower() + organ[1:]


def problems(region: RegionConfig, keys: Iterable[str]) -> list[str]:
    """One Dutch line per key whose value is unverified or missing, naming region and key;
    the fields of one partner's mandate make one line together."""
    return list(dict.fromkeys(message(region, key) for key in bad_keys(region, keys)))


def unsendable(region: RegionConfig, kinds: Optional[Iterable[str]] = None) -> list[str]:
    """The problems that stop letters of ``kinds`` (default: every kind) in this region from
    going out; empty when they can go out. Ignores the demo setting: the caller decides."""
    from models.letters.kinds import KINDS

    keys: list[str] = []
    for kind_id in (kinds if kinds is not None else KINDS):
        keys += possible_keys(region, kind_id)
    return problems(region, keys)


def blocked(region: RegionConfig, kinds: Optional[Iterable[str]] = None) -> list[str]:
    """:func:`unsendable`, but empty under the demo setting (then the letters go out marked
    "VOORBEELD – niet verzenden"). What an action checks before it writes anything."""
    from models.settings import get_settings

    return [] if get_settings().demo else unsendable(region, kinds)


def partner_keys(region: RegionConfig, slugs: Iterable[str]) -> list[str]:
    """The keys of the bezwaar routes and the mandates of these partners."""
    keys = []
    for slug in dict.fromkeys(slugs):
        partner = region.partner(slug)
        if partner.bestuursorgaan and partner.bezwaar is not None:
            keys += [f"partners.{slug}.bezwaar.addressee", f"partners.{slug}.bezwaar.address"]
            keys += mandate_keys(region, slug)
    return keys


def partner_problems(region: RegionConfig, slugs: Iterable[str]) -> list[str]:
    """The bezwaar routes and the mandates of these partners (for decisions on their data):
    a bestuursorgaan's decision is signed in its mandate (Awb art. 10:10)."""
    return problems(region, partner_keys(region, slugs))


# ------------------------------------------------------------------ what still blocks (issue 18 point 13)


@dataclass(frozen=True)
class Blocker:
    """A value that stops real letters of the region: its key, what it is for, and where the
    region fills it in (the region page: ``page`` with the field's anchor)."""

    region_id: str
    key: str
    label: str
    purpose: str
    page: Optional[str]  # "/regio/drenthe/briefhoofd#veld-letterhead-phone"; None: only in the region file
    group_title: Optional[str]
    line: str  # the one-line problem (``message``)

    @property
    def where(self) -> str:
        if self.page is None:
            return f"config/regions/{self.region_id}.yaml, sleutel {self.key}"
        return f"regiopagina {self.page}, veld {self.key}"


def region_page(region_id: str, group_id: Optional[str] = None) -> str:
    """The path of the region page (web/pages/region.py), or of one group's form."""
    return f"/regio/{region_id}" + (f"/{group_id}" if group_id else "")


def blockers(region: RegionConfig) -> list[Blocker]:
    """Everything that still stops a real letter of this region, in the order of the region
    page: every letter kind's contact details, signers, bodies and joint route
    (:func:`unsendable`), and every bestuursorgaan's bezwaar route and mandate
    (:func:`partner_problems`). Empty when the region can send real letters. One list for
    ``rechtenloket regions check`` and the region page. Ignores the demo setting."""
    from models.letters.kinds import KINDS
    from models.region_facts import field_anchor, groups

    keys: list[str] = []
    for kind_id in KINDS:
        keys += possible_keys(region, kind_id)
    keys += partner_keys(region, [p.slug for p in region.partners])
    bad = bad_keys(region, keys)
    order, where = {}, {}
    for g in groups(region):
        for spec in g.specs:
            order[spec.key] = len(order)
            where[spec.key] = (g, spec)
    for key in bad:  # a partner's whole mandate (none in the file): its group
        if key not in where and key.startswith("partners.") and key.endswith(".mandate"):
            slug = key.split(".")[1]
            found = next(((g, s) for g, s in where.values() if g.id == f"partner-{slug}"
                          and s.key.endswith(".mandate.organ")), None)
            if found is not None:
                where[key] = found
                order[key] = order[found[1].key]
    out = []
    for key in sorted(bad, key=lambda k: order.get(k, len(order))):
        if key in where:
            g, spec = where[key]
            out.append(Blocker(region_id=region.id, key=key, label=spec.label, purpose=spec.purpose,
                               page=f"{region_page(region.id, g.id)}#{field_anchor(spec.key)}", group_title=g.title,
                               line=message(region, key)))
        else:
            out.append(Blocker(region_id=region.id, key=key, label=key, purpose="Staat in de brieven.", page=None, group_title=None,
                               line=message(region, key)))
    return out


def letter_keys(kind_id: str, ctx) -> list[str]:
    """The region keys one letter prints: its static keys, plus the routing bodies and the
    bezwaar routes that are in its context."""
    region = ctx.region
    keys = static_keys(region, kind_id)
    for referral in _referrals(ctx):
        if referral.body_id:
            keys.append(f"routing.bodies.{referral.body_id}.address")
    remedies = getattr(ctx, "remedies", None)
    if remedies is not None:
        keys += remedy_keys(region, remedies)
    return keys


#: Named when the letter's own addressee has an unknown address line (e.g. a third party).
ADDRESSEE_KEY = "addressee.address_lines"


def letter_bad_keys(kind_id: str, ctx) -> list[str]:
    keys = bad_keys(ctx.region, letter_keys(kind_id, ctx))
    bodies = [list(r.body_address_lines) for r in _referrals(ctx)]
    lines = list(ctx.addressee.address_lines)
    if is_unverified(lines) and not any(lines == b[-len(lines):] for b in bodies):
        keys.append(ADDRESSEE_KEY)  # not a routing body's address (those have their own key)
    return keys


def letter_problems(kind_id: str, ctx) -> list[str]:
    return problems(ctx.region, letter_keys(kind_id, ctx))


def _referrals(ctx) -> list:
    out = list(getattr(ctx, "referrals", None) or [])
    single = getattr(ctx, "referral", None)
    if single is not None:
        out.append(single)
    return out
