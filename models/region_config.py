"""Schema of a region file in config/regions/*.yaml, and its loader.

Everything regional is data: partners, role titles, signatory, forums, routing targets,
deadline policy, identity rule, retention, refusal grounds, and the article each rule comes
from. A wrong or missing key fails at load with the file name and the key's dotted path.
"""
import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Literal, Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from models.enums import NotificationChannel, PartnerKind, Regime, RequestType, RoutingTarget


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


class SourceDocument(_Strict):
    file: str  # file name in ../shared/seeds/
    title: str
    adopted: Optional[str] = None  # date or year as the document gives it


class Letterhead(_Strict):
    organisation: str
    postal_address: list[str] = Field(min_length=1)
    visiting_address: Optional[list[str]] = None
    phone: Optional[str] = None
    email: Optional[str] = None
    website: Optional[str] = None


class Roles(_Strict):
    """Regional titles of the generic roles (domain.md §2)."""

    coordinator: str  # the privacy officer / procesregisseur who runs the request
    manager: str  # watches the SLA
    signatory: str  # signs replies
    rule: Rule


class Signatory(_Strict):
    title: str  # e.g. "Hoofd ZVHRR", "College van burgemeester en wethouders van Leeuwarden"
    on_behalf: str = "namens de verwerkingsverantwoordelijken"
    public_body: bool  # a public body's reply is an Awb-besluit with a bezwaarclausule
    rule: Rule


class Bezwaar(_Strict):
    """Objection clause for replies that are an Awb-besluit (UAVG art. 34; Awb art. 6:7)."""

    applies: bool
    weeks: int = 6
    addressee: Optional[str] = None  # to whom the bezwaarschrift goes
    address: Optional[list[str]] = None
    rule: Rule

    @model_validator(mode="after")
    def _addressee_when_applies(self):
        if self.applies and not (self.addressee and self.address):
            raise ValueError("addressee and address are required when applies is true")
        return self


class Forum(_Strict):
    id: str  # e.g. "casusoverleg", "partneroverleg"
    name: str  # regional name as the protocol uses it
    description: Optional[str] = None


class RightRule(_Strict):
    """Whether a right is handled, which forum decides, and the article."""

    available: bool = True
    forum: Optional[str] = None  # a Forum.id; None for a standard refusal
    rule: Rule


class RoutingBody(_Strict):
    """An external body that decides on police or OM data (domain.md §3)."""

    id: str
    target: RoutingTarget
    unit: Optional[str] = None  # the police eenheid or OM parket it serves; None: national
    name: str
    address: list[str] = Field(min_length=1)
    email: Optional[str] = None


class RegimeRouting(_Strict):
    """For one legal regime: which target decides each request type."""

    targets: dict[RequestType, RoutingTarget]
    rule: Rule


class Routing(_Strict):
    wpg: RegimeRouting
    wjsg: RegimeRouting
    bodies: list[RoutingBody]


class DeadlinePolicy(_Strict):
    protocol_weeks: int = Field(default=4, ge=1, le=12)
    protocol_rule: Rule
    protocol_provides_extension: bool = False
    suspend_for_identity: bool  # does the clock stop while identification is awaited?
    suspend_rule: Rule
    at_risk_working_days: int = Field(default=5, ge=0)
    consultation_working_days: int = Field(default=10, ge=1)
    reminder_working_days_before: int = Field(default=2, ge=0)
    escalation_working_days_after: int = Field(default=1, ge=0)


class IdentityRule(_Strict):
    methods: list[Literal["in_persoon", "in_persoon_gemeentehuis", "digid", "notaris"]] = Field(
        min_length=1
    )
    places: list[str] = Field(min_length=1)  # where the betrokkene can come to identify
    bring: list[str] = Field(min_length=1)  # what to bring, for the invitation letter
    rule: Rule


class Retention(_Strict):
    request_file_years: int = Field(ge=1, le=30)
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


class RefusalGround(_Strict):
    id: str
    label: str  # Dutch, as the protocol words it
    rule: Rule


class PartnerNotification(_Strict):
    channel: NotificationChannel = NotificationChannel.file
    address: Optional[str] = None


class PartnerConfig(_Strict):
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str  # the organisation exactly as the source document names it
    kind: PartnerKind
    regime: Regime
    unit: Optional[str] = None  # police eenheid or OM parket
    notification: PartnerNotification = PartnerNotification()

    @model_validator(mode="after")
    def _unit_for_police_and_om(self):
        if self.regime in (Regime.wpg, Regime.wjsg) and not self.unit:
            raise ValueError("unit is required for a partner under the Wpg or Wjsg")
        return self


class RegionConfig(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    short_name: str
    reference_prefix: str = Field(pattern=r"^[A-Z0-9]{2,10}$")
    source: SourceDocument
    letterhead: Letterhead
    roles: Roles
    signatory: Signatory
    bezwaar: Bezwaar
    forums: list[Forum] = Field(min_length=1)
    rights: dict[RequestType, RightRule]
    routing: Routing
    deadlines: DeadlinePolicy
    identity: IdentityRule
    retention: Retention
    refusal_grounds: list[RefusalGround] = Field(min_length=1)
    inzage_information: InzageInformation
    complaint: Rule  # where the protocol names the Autoriteit Persoonsgegevens
    partners: list[PartnerConfig] = Field(min_length=1)

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
        _unique("refusal_grounds", [g.id for g in self.refusal_grounds])
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

    def routing_body(self, target: RoutingTarget, unit: Optional[str]) -> Optional[RoutingBody]:
        """The body for a target and unit; a body without unit serves every unit (national)."""
        exact = [b for b in self.routing.bodies if b.target == target and b.unit == unit]
        national = [b for b in self.routing.bodies if b.target == target and b.unit is None]
        return (exact or national or [None])[0]

    def refusal_ground(self, ground_id: str) -> RefusalGround:
        for g in self.refusal_grounds:
            if g.id == ground_id:
                return g
        raise KeyError(f"onbekende weigeringsgrond {ground_id!r} in regio {self.id}")


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


def load_region_file(path: Path) -> RegionConfig:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
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


def configured_regions() -> dict[str, RegionConfig]:
    """The regions of the configured config dir, loaded and validated once per process."""
    from models.settings import get_settings

    return _regions_in(str(get_settings().config_dir))


def get_region(region_id: str) -> RegionConfig:
    regions = configured_regions()
    if region_id not in regions:
        raise ConfigError(f"onbekende regio {region_id!r} (bekend: {', '.join(sorted(regions))})")
    return regions[region_id]
