"""Filling in and confirming a region's own facts (issue 18 point 12): the administrator of
that region only, one group of the region page at a time.

Every value of the group is checked first (``models.region_facts.clean``), and then the
region as a whole (``apply_facts``: the region file's schema, e.g. a mandate's date); one bad
value refuses the group and nothing is written. A value that differs from what the letters
print now is *changed*; a value left as it is, is *confirmed* (a value from the region file
becomes the region's own, with who confirmed it and when). Each is an audit event
(``regionfact.changed``, ``regionfact.confirmed``) with the key and a digest of the value, in
the same transaction, together with a new stamp for the region (``regionfactstamp``): every
process sees the change without a restart (``models/region_config.py``).
"""
import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from models import audit, region_facts
from models.actions.common import authorise
from models.enums import Role
from models.principal import Principal
from models.region_config import ConfigError, RegionConfig, file_regions, forget_facts
from models.region_facts import FactInvalid, FactStatus, StoredFact, apply_facts, as_text, clean, decode, encode
from models.tables import Account, RegionFact, RegionFactStamp
from models.tables.common import utcnow

CHANGED, CONFIRMED = "regionfact.changed", "regionfact.confirmed"
#: Who may fill in a region's facts.
ADMINISTRATORS = (Role.administrator,)
_CHANGED_FLAG = "region_facts.changed"


class FactsRefused(ValueError):
    """One or more values of the group are refused: {field name (the key; "" for the form):
    Dutch reason}. Nothing was written."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" if k else v for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Saved:
    changed: list[str] = field(default_factory=list)
    confirmed: list[str] = field(default_factory=list)


# ------------------------------------------------------------------ reading


def file_region(region_id: str) -> RegionConfig:
    """The region as its file says (LookupError for a region that is not configured)."""
    regions = file_regions()
    if region_id not in regions:
        raise LookupError(f"onbekende regio {region_id!r}")
    return regions[region_id]


def stored_facts(session: Session, region_id: str) -> dict[str, StoredFact]:
    rows = session.exec(select(RegionFact).where(RegionFact.region_id == region_id))
    return {row.key: StoredFact(key=row.key, value=decode(row.value), confirmed_by=row.confirmed_by,
                                confirmed_on=row.confirmed_on, changed_by=row.changed_by, changed_at=row.changed_at)
            for row in rows}


def region_with_facts(session: Session, region_id: str) -> RegionConfig:
    """The region with the facts this session sees (its own uncommitted changes included),
    not the process's copy of ``get_region``."""
    base = file_region(region_id)
    return apply_facts(base, {k: f.value for k, f in stored_facts(session, region_id).items()})[0]


def overview(session: Session, principal: Principal, region_id: str) -> list[tuple]:
    """What the region page lists: every group with the status of each value."""
    authorise(principal, region_id, *ADMINISTRATORS)
    region = region_with_facts(session, region_id)
    return region_facts.statuses(region, stored_facts(session, region_id))


def who(session: Session, actor: str) -> str:
    """How the page names whoever confirmed or changed a value: the account's username."""
    role, _, account_id = actor.partition(":")
    if account_id == "cli":
        return "de beheerder op de server"
    account = session.get(Account, account_id) if account_id else None
    return account.username if account is not None else actor


# ------------------------------------------------------------------ changing


def _digest(value) -> str:
    """Which value was set, for the audit trail, without the value (a signer's name)."""
    return hashlib.sha256(encode(value).encode()).hexdigest()[:16]


def _same(raw: str, current) -> bool:
    return " ".join(raw.split()) == " ".join(as_text(current).split())


def save_group(session: Session, principal: Principal, region_id: str, group_id: str,
               values: Mapping[str, str], today: date) -> Saved:
    """Check, then write the values of one group (field name = key -> what was typed).

    A field left empty (or as the form showed it) while its value is still unknown stays
    unknown; a known value left as it is, is confirmed. NotAllowed for anyone but an administrator of the region, LookupError
    for an unknown group, FactsRefused with the reasons per field; the caller commits."""
    actor = authorise(principal, region_id, *ADMINISTRATORS)
    base = file_region(region_id)
    the_group = region_facts.group(base, group_id)
    if the_group is None:
        raise LookupError(f"onbekend onderdeel {group_id!r} van regio {region_id}")
    stored = stored_facts(session, region_id)
    current_region = apply_facts(base, {k: f.value for k, f in stored.items()})[0]
    statuses = {s.spec.key: s for g, rows in region_facts.statuses(current_region, stored) if g.id == group_id
                for s in rows}
    errors: dict[str, str] = {}
    chosen: dict[str, tuple[object, str]] = {}  # key -> (value, CHANGED or CONFIRMED)
    for spec in the_group.specs:
        raw = values.get(spec.key)
        if raw is None:
            continue
        status: FactStatus = statuses[spec.key]
        if not raw.strip():
            if status.state != region_facts.OPEN:
                errors[spec.key] = "mag niet leeg zijn: laat de waarde staan als die klopt"
            continue
        if _same(raw, status.value):
            if status.state != region_facts.OPEN:  # as it is: from the reviewed file, or kept before
                chosen[spec.key] = (status.value, CONFIRMED)
            continue  # still unknown and not touched (the known lines of an address): stays open
        try:
            value = clean(spec, raw, today)
        except FactInvalid as exc:
            errors[spec.key] = str(exc)
            continue
        chosen[spec.key] = (value, CONFIRMED if value == status.value else CHANGED)
    if not errors and not chosen:
        errors[""] = "Vul minstens één waarde in."
    if not errors:
        facts = {k: f.value for k, f in stored.items()} | {k: v for k, (v, _) in chosen.items()}
        _, skipped = apply_facts(base, facts)
        for key in skipped:
            if key in chosen:
                errors[key] = "past niet bij de rest van het regiobestand: kijk de waarde na"
    if errors:
        raise FactsRefused(errors)
    saved = Saved()
    now = utcnow()
    rows = {row.key: row for row in session.exec(
        select(RegionFact).where(RegionFact.region_id == region_id, RegionFact.key.in_(list(chosen))))}
    for key, (value, action) in chosen.items():
        row = rows.get(key)
        previous = statuses[key].state
        if row is None:
            row = RegionFact(region_id=region_id, key=key, value=encode(value), confirmed_by=actor,
                             confirmed_on=today, changed_by=actor, changed_at=now)
        else:
            row.confirmed_by, row.confirmed_on = actor, today
            if action == CHANGED:
                row.value, row.changed_by, row.changed_at = encode(value), actor, now
        session.add(row)
        (saved.changed if action == CHANGED else saved.confirmed).append(key)
        audit.record(session, actor, action, region=region_id, key=key, previous=previous,
                     value_sha256=_digest(value))
    stamp = session.get(RegionFactStamp, region_id)
    if stamp is None:
        stamp = RegionFactStamp(region_id=region_id, stamp=uuid.uuid4().hex, changed_at=now)
    else:
        stamp.stamp, stamp.changed_at = uuid.uuid4().hex, now
    session.add(stamp)
    session.flush()
    session.info[_CHANGED_FLAG] = True
    return saved


@event.listens_for(OrmSession, "after_commit")
def _forget_after_commit(session) -> None:
    """The process that changed a fact uses it from the commit on (others within
    ``region_facts_refresh_seconds``)."""
    if session.info.pop(_CHANGED_FLAG, False):
        forget_facts()


@event.listens_for(OrmSession, "after_soft_rollback")
def _nothing_changed(session, _previous_transaction) -> None:
    session.info.pop(_CHANGED_FLAG, None)


def require_region(region_id: str) -> Optional[RegionConfig]:
    """The file region, or None (a region id from a URL)."""
    try:
        return file_region(region_id)
    except (LookupError, ConfigError):
        return None
