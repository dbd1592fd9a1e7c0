"""Schema of a region file in config/regions/*.yaml, and its loader.

Everything regional is data: partners, role titles, signatory, forums, routing targets,
deadline policy, identity rule, retention, refusal grounds, and the article each rule comes
from. A wrong or missing key fails at load with the file name and the key's dotted path.
"""
import hashlib
import logging
import re
import threading
import time
from functools import lru_cache
from pathlib import Path
from typing import Literal, Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from models.enums import NotificationChannel, PartnerKind, Regime, RequestType, RoutingTarget, SpecialCategory


class ConfigError(ValueError):
    """A configuration file is wrong. The message names the file and the key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Rule(_Strict):
    """Where a rule comes from. ``national_model`` marks a value taken from the national
    model protocol because the region's own text is missing (Hollands Midden)."""

    article: str = Field(min_length=1)
    national_model: bool = False
    note: Optional[str] = None


#: The value of a contact detail the sources do not give and nobody has confirmed yet. A
#: letter that would print it cannot be approved or sent (models/letters/contacts.py),
#: except under the demo setting, and then it is marked "VOORBEELD – niet verzenden".
UNVERIFIED = "unverified"


def is_unverified(value) -> bool:
    """True for a missing value, the marker ``unverified``, or a list holding either."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip() or value.strip() == UNVERIFIED
    if isinstance(value, (list, tuple)):
        return not value or any(is_unverified(v) for v in value)
    return False


class SourceDocument(_Strict):
    file: str  # file name in ../shared/seeds/
    title: str
    adopted: Optional[str] = None  # date or year as the document gives it
    # How the letters name the rules of this region in a sentence ("ons privacyprotocol"),
    # and the rules taken from the national model (Rule.national_model) where the region's
    # own source has none (Hollands Midden).
    letter_name: str = "ons privacyprotocol"
    national_model_name: str = "het landelijke privacyprotocol voor veiligheidshuizen"
    # Printed once in every letter to the betrokkene, below the text: where the rules come from,
    # when that is not obvious (Hollands Midden: the national model for the focusoverleggen).
    letter_note: Optional[str] = None


class Letterhead(_Strict):
    """How the betrokkene reaches the ZVH: every letter prints all of it (issue 9 point 18).
    A value the sources do not give is ``unverified`` until the region confirms it."""

    organisation: str
    postal_address: list[str] = Field(min_length=1)
    visiting_address: list[str] = Field(min_length=1)
    phone: str = Field(min_length=1)
    email: str = Field(min_length=1)
    website: Optional[str] = None
    opening_hours: str = Field(min_length=1)  # or how to make an appointment
    note: Optional[str] = None  # where the values come from, what is still to be confirmed


class Roles(_Strict):
    """Regional titles of the generic roles (domain.md §2)."""

    coordinator: str  # the privacy officer / procesregisseur who runs the request
    manager: str  # watches the SLA
    signatory: str  # signs replies
    rule: Rule


class Signatory(_Strict):
    """Who signs the replies: a person with a function (issue 9 point 6).

    ``on_behalf`` is printed above the name: "namens de verwerkingsverantwoordelijken", or
    the bestuursorgaan itself when the signer signs in its mandate (``mandate``: the letter
    then says "namens dezen", Awb art. 10:10). ``decides`` says that this bestuursorgaan
    takes every decision itself (Fryslân: the Zetelgemeente), so every part of a reply is
    its Awb-besluit; otherwise each part is decided by the partner that supplied the data."""

    name: str = Field(min_length=1)  # the person; ``unverified`` until the region names them
    function: str = Field(min_length=1)  # written out, no abbreviation
    on_behalf: str = "namens de verwerkingsverantwoordelijken"
    mandate: bool = False
    decides: bool = False
    # Four eyes: a reply is approved by a signatory who did not write it (record the decision,
    # edit an explanation, the source or the letter's text). Off only where the region has
    # one person for both (models/actions/replies.py ``approve_replies``).
    four_eyes: bool = True
    rule: Rule


class InternalSigner(_Strict):
    """Who signs the letters to partners and the manager (consultation, reminder, escalation)."""

    name: str = Field(min_length=1)
    function: str = Field(min_length=1)


class Bezwaar(_Strict):
    """Where a bezwaarschrift goes against a decision that is not one partner's: a decision
    taken for all controllers together (no data found, a right the protocol does not give,
    only police/OM data), and in Fryslân against every decision (``signatory.decides``).
    UAVG art. 34; Awb art. 6:4, 6:5, 6:7."""

    weeks: int = 6
    addressee: str = Field(min_length=1)  # the bestuursorgaan, e.g. "het college van ..."
    address: list[str] = Field(min_length=1)
    rule: Rule


class PartnerBezwaar(_Strict):
    """The bezwaar route of a partner that is a bestuursorgaan: to whom and where."""

    addressee: str = Field(min_length=1)
    address: list[str] = Field(min_length=1)
    note: Optional[str] = None  # the source of the address, or what is still to be confirmed


class Forum(_Strict):
    id: str  # e.g. "casusoverleg", "partneroverleg"
    name: str  # regional name as the protocol uses it
    # How a letter to the betrokkene names it, in plain words and with the region's own name
    # for the meeting (Fryslân: "het Maatwerkoverleg"), e.g. "het overleg van de organisaties".
    in_letters: Optional[str] = None
    description: Optional[str] = None

    @property
    def letter_name(self) -> str:
        return self.in_letters or f"het {self.name}"


class RightRule(_Strict):
    """Whether a right is handled, which forum decides, and the article."""

    available: bool = True
    forum: Optional[str] = None  # a Forum.id; None for a standard refusal
    # The right the law gives for it where the protocol has none of its own: the eigen
    # verklaring outside Fryslân is the aanvullende verklaring of AVG art. 16.
    handled_as: Optional[RequestType] = None
    rule: Rule


class RoutingBody(_Strict):
    """An external body that decides on police or OM data (domain.md §3)."""

    id: str
    target: RoutingTarget
    unit: Optional[str] = None  # the police eenheid or OM parket it serves; None: national
    name: str
    address: list[str] = Field(min_length=1)  # full postal address; lines may be ``unverified``
    phone: Optional[str] = None
    email: Optional[str] = None


class RegimeRouting(_Strict):
    """For one legal regime: which target decides each request type."""

    targets: dict[RequestType, RoutingTarget]
    rule: Rule


class Routing(_Strict):
    wpg: RegimeRouting
    wjsg: RegimeRouting
    bodies: list[RoutingBody]


class ProtocolPeriod(_Strict):
    """The protocol's own period for one request type: a number of weeks, or "the terms of
    the AVG" (``avg``: one month, extended as AVG art. 12(3) allows; Rotterdam PP 18.2)."""

    weeks: Optional[int] = Field(default=None, ge=1, le=12)
    avg: bool = False
    rule: Rule

    @model_validator(mode="after")
    def _one_kind(self):
        if (self.weeks is None) == (not self.avg):
            raise ValueError("give either weeks or avg: true")
        return self


class DeadlinePolicy(_Strict):
    periods: dict[RequestType, ProtocolPeriod]  # every request type, each with its article
    protocol_provides_extension: bool = False
    suspend_for_identity: bool  # does the clock stop while identification is awaited?
    suspend_rule: Rule
    # The term the identity invitation gives (working days after the invitation). When it
    # passes unused the request ends with a reasoned decision (Awb art. 4:5 lid 1: "binnen
    # een door het bestuursorgaan gestelde termijn"); product choice, see docs/decisions.md.
    identity_working_days: int = Field(default=10, ge=5, le=30)
    at_risk_working_days: int = Field(default=5, ge=0)
    consultation_working_days: int = Field(default=10, ge=1)
    reminder_working_days_before: int = Field(default=2, ge=0)
    escalation_working_days_after: int = Field(default=1, ge=0)

    @model_validator(mode="after")
    def _every_type(self):
        missing = set(RequestType) - set(self.periods)
        if missing:
            raise ValueError(f"periods: missing request types {sorted(t.value for t in missing)}")
        return self

    def period(self, rtype: RequestType) -> ProtocolPeriod:
        return self.periods[RequestType(rtype)]


class IdentityLocation(_Strict):
    """A place where the betrokkene can come to identify: the invitation prints all of it."""

    name: str = Field(min_length=1)
    address: list[str] = Field(min_length=1)  # lines may be ``unverified``
    hours: str = Field(min_length=1)  # opening hours, or how to make an appointment


class IdentityRule(_Strict):
    methods: list[Literal["in_persoon", "in_persoon_gemeentehuis", "digid", "notaris"]] = Field(
        min_length=1
    )
    locations: list[IdentityLocation] = Field(min_length=1)
    bring: list[str] = Field(min_length=1)  # what to bring, for the invitation letter
    rule: Rule

    @property
    def places(self) -> list[str]:
        """The names of the locations (the identity check records one of them)."""
        return [loc.name for loc in self.locations]


class Retention(_Strict):
    """How long the ZVH keeps the request file itself (the request, its letters, the record of
    the identity check) after the request closed (issue 18 point 7).

    No protocol has a rule for the request file: their retention articles speak of the case
    data (Utrecht PP 11.2: "uiterlijk binnen 1 jaar na het besluit tot Afschaling"). The period
    is therefore a decision of the partners, and the letters cite it as that: ``decision`` is
    how they name it ("besluit van de Stuurgroep van 12 maart 2026"), ``unverified`` until the
    region records it (the letter then prints a placeholder and is marked VOORBEELD). ``rule``
    says where the proposed period comes from; it is never printed as its source.

    Whatever the years, the file is kept until every remedy period has run out and while a
    bezwaar, beroep or complaint about the request runs (models/retention.py)."""

    request_file_years: int = Field(ge=1, le=30)
    decision: str = Field(default=UNVERIFIED, min_length=1)
    rule: Rule


class Purpose(_Strict):
    text: str  # Dutch, B1, as the reply states it ("Wij gebruiken uw gegevens om ...")
    rule: Rule


class InzageInformation(_Strict):
    """Items a and d of the inzage reply, from the protocol (e.g. Rotterdam PP art. 3, 11):
    what the data are processed for, and how long they are kept."""

    purposes: list[Purpose] = Field(min_length=1)
    retention_text: str  # the period, or the criteria to determine it, in B1 Dutch
    retention_rule: Rule


#: The sub-grounds of art. 41 lid 1 UAVG (= AVG art. 23(1) a-j).
UAVG41 = ("a", "b", "c", "d", "e", "f", "g", "h", "i", "j")


class RefusalGround(_Strict):
    """A ground to withhold data from the betrokkene or refuse a request: a sub-ground of
    art. 41 lid 1 UAVG (AVG art. 23(1)), with the region's own article where it has one.
    ``aliases`` keep older ids working (stored answers, scenario files)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    uavg: Literal["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]
    label: str  # as the law words it
    plain: str = Field(min_length=1)  # the same in plain words (B1), for the letters
    aliases: list[str] = Field(default_factory=list)
    rule: Rule  # the region's article (and how it relates to art. 41 UAVG)

    @property
    def law(self) -> str:
        return f"artikel 41 lid 1 onder {self.uavg} UAVG"


class Mandate(_Strict):
    """The mandate by which the region's signer takes a bestuursorgaan's decisions on requests
    (Awb art. 10:1, 10:2): "een door de gemandateerde binnen de grenzen van zijn bevoegdheid
    genomen besluit geldt als een besluit van de mandaatgever". The letter names the organ
    above "namens dezen" (Awb art. 10:10). A general mandate is given in writing (Awb art.
    10:5) and published (Awb art. 3:42): ``decree`` names that mandaatbesluit and
    ``decided_on`` its date. Until both are recorded a reply with this organ's part cannot be
    approved (models/letters/contacts.py); the region administrator fills them in (the DB
    overlay keys ``partners.<slug>.mandate.decree`` and ``.decided_on``)."""

    organ: str = Field(min_length=1)  # as above "namens dezen": "Het college van ... van X"
    decree: str = Field(default=UNVERIFIED, min_length=1)  # title or reference of the mandaatbesluit
    decided_on: str = Field(default=UNVERIFIED, min_length=1)  # ISO date (YYYY-MM-DD)

    @model_validator(mode="after")
    def _iso_date(self):
        if not is_unverified(self.decided_on):
            from datetime import date

            try:
                date.fromisoformat(self.decided_on.strip())
            except ValueError:
                raise ValueError(f"decided_on: {self.decided_on!r} is no date (YYYY-MM-DD)") from None
        return self

    @property
    def recorded(self) -> bool:
        return not any(is_unverified(v) for v in (self.organ, self.decree, self.decided_on))


class PartnerNotification(_Strict):
    channel: NotificationChannel = NotificationChannel.file
    address: Optional[str] = None


class PartnerConfig(_Strict):
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str  # the organisation exactly as the source document names it
    kind: PartnerKind
    regime: Regime
    unit: Optional[str] = None  # police eenheid or OM parket
    # Is the organ that decides on this partner's data a bestuursorgaan (Awb art. 1:1)? Then
    # its decision on a request is an Awb-besluit (UAVG art. 34) and the letter gives its
    # bezwaar route; otherwise the route of UAVG art. 35 (the rechtbank). Always with the
    # reason (legal form) in ``bestuursorgaan_rule``.
    bestuursorgaan: bool
    bestuursorgaan_rule: Rule
    bezwaar: Optional[PartnerBezwaar] = None  # required for a bestuursorgaan under the AVG
    # How the signer decides for this bestuursorgaan (Awb art. 10:10): printed above
    # "namens dezen" for its parts; missing or unverified blocks the approval of such a reply.
    mandate: Optional[Mandate] = None
    # What this partner's data are unless its answer says otherwise about an item, for item b
    # of the inzage reply (health, special, criminal or none; models/letters/categories.py).
    # Unset: by ``kind`` (zorg: health; reclassering: criminal; others: none). Set it where the
    # kind does not tell: a justitiële inrichting (criminal), a welfare organisation filed as
    # zorg (none).
    special_by_default: Optional[SpecialCategory] = None
    notification: PartnerNotification = PartnerNotification()

    @model_validator(mode="after")
    def _unit_for_police_and_om(self):
        if self.regime in (Regime.wpg, Regime.wjsg) and not self.unit:
            raise ValueError("unit is required for a partner under the Wpg or Wjsg")
        if self.bestuursorgaan and self.regime == Regime.avg and self.bezwaar is None:
            raise ValueError("bezwaar (addressee, address) is required for a bestuursorgaan")
        if not self.bestuursorgaan and self.bezwaar is not None:
            raise ValueError("bezwaar belongs to a bestuursorgaan only")
        if self.mandate is not None and not (self.bestuursorgaan and self.regime == Regime.avg):
            raise ValueError("mandate belongs to a bestuursorgaan under the AVG only")
        if self.special_by_default is not None and self.regime != Regime.avg:
            raise ValueError("special_by_default belongs to a partner under the AVG only "
                             "(police and OM data are always criminal data)")
        return self

    @property
    def display_name(self) -> str:
        """The name as it reads in a sentence: "gemeente Achtkarspelen", not "Gemeente ..."."""
        return running_name(self.name)

    @property
    def plain_name(self) -> str:
        """The name without the abbreviated legal form: "St. GGZ Drenthe" -> "GGZ Drenthe"."""
        return plain_name(self.name)


#: An abbreviated legal form before a name ("St. Altrecht", "st. Vaart Welzijn"): not B1, and
#: not part of how anyone calls the organisation. "Stichting" written out stays. A saint's
#: name is written out in the region file ("Sint Antonius"), so "St." always means stichting.
_ABBREVIATED_FORM = re.compile(r"^(?:St|st|Stg|stg)\.\s+(?=\S)")


def plain_name(name: str) -> str:
    """An organisation's name without "St." (issue 18 point 11): "St. Altrecht" -> "Altrecht"."""
    return _ABBREVIATED_FORM.sub("", name.strip(), count=1)


def running_name(name: str) -> str:
    """An organisation's name as it reads in a sentence: "gemeente Achtkarspelen", not
    "Gemeente ...", and without "St." ("St. GGZ Drenthe" -> "GGZ Drenthe")."""
    name = plain_name(name)
    for word in ("Gemeente ", "Stichting "):
        if name.startswith(word):
            return word.lower() + name[len(word):]
    return name


class PortalPolicy(_Strict):
    """How partners of this region reach their consultation tasks in the portal.

    By default the link in a consultation letter opens the task only for a signed-in user
    of that partner organisation. ``task_link_without_login`` lets the link alone open that
    one task (for partners without accounts): a region decision, so it needs its
    ``reason`` (who decided it, and why the risk of a forwarded e-mail is acceptable)."""

    task_link_without_login: bool = False
    reason: Optional[str] = None

    @model_validator(mode="after")
    def _reasoned(self):
        if self.task_link_without_login and not (self.reason or "").strip():
            raise ValueError("reason is required when task_link_without_login is true")
        return self


class Complaint(Rule):
    """Where the protocol names the complaint: ``zvh`` when the betrokkene may also complain
    to the ZVH itself (Rotterdam, Drenthe, Utrecht PP 16.5 f), besides the AP (art. 77 AVG)."""

    zvh: bool


class RegionConfig(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    short_name: str
    reference_prefix: str = Field(pattern=r"^[A-Z0-9]{2,10}$")
    source: SourceDocument
    letterhead: Letterhead
    roles: Roles
    signatory: Signatory
    internal_signer: InternalSigner
    bezwaar: Bezwaar
    forums: list[Forum] = Field(min_length=1)
    rights: dict[RequestType, RightRule]
    routing: Routing
    deadlines: DeadlinePolicy
    identity: IdentityRule
    retention: Retention
    refusal_grounds: list[RefusalGround] = Field(min_length=1)
    inzage_information: InzageInformation
    complaint: Complaint  # where the protocol names the Autoriteit Persoonsgegevens
    partners: list[PartnerConfig] = Field(min_length=1)
    portal: PortalPolicy = PortalPolicy()  # off unless the region decides otherwise

    @model_validator(mode="after")
    def _consistent(self):
        missing = set(RequestType) - set(self.rights)
        if missing:
            raise ValueError(f"rights: missing request types {sorted(missing)}")
        forum_ids = {f.id for f in self.forums}
        for rtype, right in self.rights.items():
            if right.available and right.forum not in forum_ids:
                raise ValueError(f"rights.{rtype.value}.forum: unknown forum {right.forum!r}")
        _unique("partners", [p.slug for p in self.partners])
        _unique("refusal_grounds", [x for g in self.refusal_grounds for x in (g.id, *g.aliases)])
        letters = sorted(g.uavg for g in self.refusal_grounds)
        if letters != list(UAVG41):
            raise ValueError(
                "refusal_grounds: need each sub-ground a-j of art. 41 lid 1 UAVG exactly once"
                f" (found {''.join(letters)})"
            )
        for rtype, right in self.rights.items():
            if right.handled_as is not None and not right.available:
                raise ValueError(f"rights.{rtype.value}.handled_as: only for a right that is available")
        _unique("routing.bodies", [b.id for b in self.routing.bodies])
        for partner in self.partners:
            if partner.regime == Regime.avg:
                continue
            table = self.routing.wpg if partner.regime == Regime.wpg else self.routing.wjsg
            for target in set(table.targets.values()):
                if self.routing_body(target, partner.unit) is None:
                    raise ValueError(
                        f"routing.bodies: no {target.value} for unit {partner.unit!r}"
                        f" (partner {partner.slug})"
                    )
        return self

    def partner(self, slug: str) -> PartnerConfig:
        for p in self.partners:
            if p.slug == slug:
                return p
        raise KeyError(f"onbekende partner {slug!r} in regio {self.id}")

    def joint_partner(self) -> Optional[PartnerConfig]:
        """The partner that is the body for joint decisions (``bezwaar.addressee``): the
        bestuursorgaan partner with the same bezwaar addressee (Rotterdam: the college of
        Rotterdam). Its mandate signs a decision taken for all controllers together, and in
        Fryslân (``signatory.decides``) every decision. None while the body is unverified or
        is no partner."""
        if is_unverified(self.bezwaar.addressee):
            return None
        name = self.bezwaar.addressee.strip().casefold()
        for p in self.partners:
            if p.bestuursorgaan and p.regime == Regime.avg and p.bezwaar is not None \
                    and p.bezwaar.addressee.strip().casefold() == name:
                return p
        return None

    def routing_body(self, target: RoutingTarget, unit: Optional[str]) -> Optional[RoutingBody]:
        """The body for a target and unit; a body without unit serves every unit (national)."""
        exact = [b for b in self.routing.bodies if b.target == target and b.unit == unit]
        national = [b for b in self.routing.bodies if b.target == target and b.unit is None]
        return (exact or national or [None])[0]

    def refusal_ground(self, ground_id: str) -> RefusalGround:
        """The ground by its id or by one of its older ids (aliases)."""
        for g in self.refusal_grounds:
            if ground_id == g.id or ground_id in g.aliases:
                return g
        known = ", ".join(g.id for g in self.refusal_grounds)
        raise KeyError(f"onbekende weigeringsgrond {ground_id!r} in regio {self.id} (bekend: {known})")

    def forum(self, forum_id: str) -> Forum:
        for f in self.forums:
            if f.id == forum_id:
                return f
        raise KeyError(f"onbekend overleg {forum_id!r} in regio {self.id}")

    def source_name(self, rule: Rule) -> str:
        """How a letter names where a rule comes from: the region's own protocol, or the
        national model where the region has no rule of its own."""
        return self.source.national_model_name if rule.national_model else self.source.letter_name


def _unique(key: str, values: list[str]) -> None:
    seen = set()
    for v in values:
        if v in seen:
            raise ValueError(f"{key}: duplicate id {v!r}")
        seen.add(v)


def _format_error(path: Path, exc: ValidationError) -> str:
    first = exc.errors()[0]
    key = ".".join(str(part) for part in first["loc"])
    msg = first["msg"].removeprefix("Value error, ")
    if not key and ": " in msg:  # cross-field checks above put the key first: "key: message"
        key, msg = msg.split(": ", 1)
    return f"{path}: key '{key or '(top level)'}': {msg}"


def yaml_problem(exc: yaml.YAMLError) -> str:
    """A YAML error on one line: what is wrong and where."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"{problem} (line {mark.line + 1}, column {mark.column + 1})" if mark else problem


# libyaml's loader where PyYAML was built with it: the same documents, ten times faster
# (every process that starts, each CLI command included, reads the five region files).
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_region_file(path: Path) -> RegionConfig:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {yaml_problem(exc)}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: key '(top level)': expected a mapping")
    try:
        region = RegionConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_format_error(path, exc)) from exc
    if region.id != path.stem:
        raise ConfigError(f"{path}: key 'id': {region.id!r} must equal the file name {path.stem!r}")
    return region


def load_regions(config_dir: Path) -> dict[str, RegionConfig]:
    files = sorted((config_dir / "regions").glob("*.yaml"))
    if not files:
        raise ConfigError(f"{config_dir / 'regions'}: no region files (*.yaml)")
    return {r.id: r for r in (load_region_file(f) for f in files)}


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@lru_cache
def _regions_in(config_dir: str) -> dict[str, RegionConfig]:
    return load_regions(Path(config_dir))


def file_regions() -> dict[str, RegionConfig]:
    """The regions exactly as their files say, without the region's facts (the region page
    shows both; ``init`` loads the files)."""
    from models.settings import get_settings

    return _regions_in(str(get_settings().config_dir))


def configured_regions() -> dict[str, RegionConfig]:
    """The regions of the configured config dir, loaded and validated once per process, with
    the facts each region keeps in the database in place of the file's values (issue 18
    point 12, ``models/region_facts.py``)."""
    return _with_facts(file_regions())


# ------------------------------------------------------------------ the region's facts
#
# The facts live in table ``regionfact``; ``regionfactstamp`` holds a random stamp per region,
# new with every change. A process keeps the regions with their facts and the stamps it built
# them from, and asks the database for the stamps again after ``region_facts_refresh_seconds``
# (one small query); only a changed stamp makes it read the facts and rebuild. The process
# that changes a fact forgets its copy when the change commits (``forget_facts``), so there the
# change counts at once; elsewhere within the refresh time, without a restart.
#
# Why no race: the stamps are read before the facts. A change that commits in between leaves
# newer facts under the older stamps, which the next check replaces; the reverse (older facts
# under a newer stamp, kept for good) cannot happen.
#
# Without the table (a database not yet migrated, a process without a database) the files'
# values count: a placeholder then blocks the letters, as before the region page existed.


class _Facts:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.base: Optional[dict] = None  # the file regions the overlay was built on
        self.stamps: Optional[dict] = None  # {region id: stamp} the overlay was built from
        self.regions: Optional[dict] = None  # the regions with their facts
        self.skipped: dict[str, list[str]] = {}  # region id -> stored keys left out
        self.checked_at = float("-inf")  # time.monotonic() of the last look at the stamps
        self.warned = False
        self.generation = 0  # raised by ``forget_facts``: a look that began before it does not count


_FACTS = _Facts()
log = logging.getLogger(__name__)


def forget_facts() -> None:
    """Look at the database again on the next ``get_region`` (a fact changed here, the
    settings changed, a test emptied the tables)."""
    _FACTS.generation += 1
    _FACTS.checked_at = float("-inf")
    _FACTS.stamps = None


def skipped_facts(region_id: str) -> list[str]:
    """Stored keys the overlay could not use for this region (shown on the region page)."""
    configured_regions()
    return list(_FACTS.skipped.get(region_id, []))


def _refresh_seconds() -> float:
    from models.settings import get_settings

    return get_settings().region_facts_refresh_seconds


def _read_stamps(conn) -> dict[str, str]:
    from sqlalchemy import text

    return dict(conn.execute(text("SELECT region_id, stamp FROM regionfactstamp")).all())


def _read_facts(conn) -> dict[str, dict]:
    from sqlalchemy import text

    from models.region_facts import decode

    out: dict[str, dict] = {}
    for region_id, key, value in conn.execute(text("SELECT region_id, key, value FROM regionfact")).all():
        out.setdefault(region_id, {})[key] = decode(value)
    return out


def _with_facts(base: dict[str, RegionConfig]) -> dict[str, RegionConfig]:
    state = _FACTS
    if state.base is base and time.monotonic() - state.checked_at < _refresh_seconds():
        return state.regions
    with state.lock:
        now = time.monotonic()
        if state.base is base and now - state.checked_at < _refresh_seconds():
            return state.regions
        from sqlalchemy.exc import SQLAlchemyError

        from models.db import get_engine

        generation = state.generation
        try:
            engine = get_engine()
            with engine.connect() as conn:
                stamps = _read_stamps(conn)  # first: see "Why no race" above
                unchanged = state.base is base and stamps == state.stamps
                facts = {} if unchanged or not stamps else _read_facts(conn)
                if engine.dialect.name == "sqlite":
                    # A SQLite connection is cheap to open (no server): close it rather than
                    # keep it idle in the pool between looks, so no connection of ours holds the
                    # file's WAL index open while the file is checkpointed, restored or
                    # replaced (``rechtenloket backup restore``, the test suite's resets).
                    conn.invalidate()
        except SQLAlchemyError as exc:
            if not state.warned:
                # A database without the tables (not migrated yet) is expected before ``init``.
                missing = "regionfact" in str(getattr(exc, "orig", exc))
                log.log(logging.DEBUG if missing else logging.WARNING,
                        "region facts not read (%s): the region files' values count", type(exc).__name__)
                state.warned = True
            if state.base is not base or state.regions is None:
                state.base, state.regions, state.stamps, state.skipped = base, base, None, {}
            state.checked_at = now
            return state.regions
        if not unchanged:
            from models.region_facts import apply_facts

            regions, skipped = dict(base), {}
            for region_id, region_facts in facts.items():
                if region_id in base:
                    regions[region_id], left_out = apply_facts(base[region_id], region_facts)
                    if left_out:
                        skipped[region_id] = left_out
                        log.warning("region %s: stored facts left out: %s", region_id, ", ".join(left_out))
            state.base, state.stamps, state.regions, state.skipped = base, stamps, regions, skipped
        if generation == state.generation:  # else a change committed meanwhile: look again next time
            state.checked_at = now
        else:
            state.stamps = None
        return state.regions


def get_region(region_id: str) -> RegionConfig:
    regions = configured_regions()
    if region_id not in regions:
        raise ConfigError(f"onbekende regio {region_id!r} (bekend: {', '.join(sorted(regions))})")
    return regions[region_id]
