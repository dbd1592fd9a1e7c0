"""The link in a consultation letter that opens one consultation task in the portal.

A task link is ``<portal_url>/taak/<token>``: the token says nothing about anyone (no
reference, no name, no id), and it opens exactly one task. It is:

- **high-entropy and single-purpose**: an HMAC-SHA256 (the key derived from the master
  key, purpose ``task-link/v1``) of the task's random ``row_uid``: 256 bits nobody can
  guess or compute without the key, meaningful for that one task only;
- **stored only as a hash**: table ``tasklink`` keeps its SHA-256, never the token;
- **expiring**: ``expires_on`` is the letter's date plus ``RECHTENLOKET_TASK_LINK_DAYS``;
- **spent** when the task is answered: a link of an answered task opens nothing (until the
  coordinator reopens the answer, models.actions.answers.reopen_answer).

Why derived rather than random: the consultation step (flows/steps.py ``open_consultation``)
must be safe to rerun after a crash at any point. The letter is frozen once it is sent, so
the token in it must stay the one that works. Derived from the task, a rerun (or the
rehearsal of an action, or a crash between writing the link and writing the letter)
computes the very same token, so every letter ever rendered for the task carries the token
its ``tasklink`` row accepts. One row per task (unique ``task_id``): a rerun never makes a
second. Should the master key change before the letter exists, the row is brought up to
date (the old token was never sent); once the letter exists, nothing is recomputed.
"""
import hashlib
import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Optional

from sqlmodel import Session, select

from models.crypto import keyed_digest
from models.enums import Role, TaskStatus
from models.principal import Principal
from models.settings import get_settings
from models.tables import ConsultationTask, Partner, TaskLink
from models.tables.common import utcnow

PURPOSE = "task-link/v1"
PATH = "/taak/"
TOKEN = re.compile(r"^[0-9a-f]{64}$")


def token_for(task: ConsultationTask) -> str:
    """The task's token (deterministic: the same task and key give the same token)."""
    return keyed_digest(PURPOSE, task.row_uid)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def url_for(token: str) -> str:
    return f"{get_settings().portal_url}{PATH}{token}"


@dataclass(frozen=True)
class Issued:
    token: str
    url: str
    expires_on: date


def ensure_link(session: Session, task: ConsultationTask, today: date) -> Issued:
    """The task's link, created the first time (caller commits, in the step's transaction)."""
    token = token_for(task)
    row = session.exec(select(TaskLink).where(TaskLink.task_id == task.id)).first()
    if row is None:
        row = TaskLink(task_id=task.id, token_hash=token_hash(token), created_on=today,
                       expires_on=today + timedelta(days=get_settings().task_link_days))
        session.add(row)
        session.flush()
    elif row.token_hash != token_hash(token):
        # Only reached before the letter exists (the step does not ask once it does): the
        # master key changed in between, and the old token was never sent to anyone.
        row.token_hash = token_hash(token)
        session.add(row)
        session.flush()
    return Issued(token, url_for(token), row.expires_on)


class LinkState(StrEnum):
    valid = "valid"
    malformed = "malformed"  # not a token at all
    unknown = "unknown"  # the right shape, but no link has it
    expired = "expired"
    answered = "answered"  # spent: the task was answered (reused after submit)


@dataclass(frozen=True)
class Resolved:
    state: LinkState
    link: Optional[TaskLink] = None
    task: Optional[ConsultationTask] = None
    partner: Optional[Partner] = None

    @property
    def region_id(self) -> Optional[str]:
        return self.partner.region_id if self.partner else None

    def allows(self, principal: Optional[Principal]) -> bool:
        """May this signed-in person open the task with this link: a partner user of the
        task's own organisation (in its region), nobody else."""
        return (principal is not None and principal.role == Role.partner and self.partner is not None
                and principal.partner_slug == self.partner.slug and principal.in_region(self.partner.region_id))

    def principal(self) -> Principal:
        """Who acts with the link alone (a region that allows it): a partner principal of the
        task's organisation, named after the link, never after a person."""
        return Principal(id=f"link-{self.link.id}", role=Role.partner,
                         regions=frozenset({self.partner.region_id}), partner_slug=self.partner.slug)


def resolve(session: Session, token: str, today: date) -> Resolved:
    """What a token from a URL opens. Only a ``valid`` result carries the task."""
    if not isinstance(token, str) or not TOKEN.match(token):
        return Resolved(LinkState.malformed)
    row = session.exec(select(TaskLink).where(TaskLink.token_hash == token_hash(token))).first()
    if row is None:
        return Resolved(LinkState.unknown)
    if today > row.expires_on:
        return Resolved(LinkState.expired)
    task = session.get(ConsultationTask, row.task_id)
    if task.status != TaskStatus.open.value:
        return Resolved(LinkState.answered)
    return Resolved(LinkState.valid, row, task, session.get(Partner, task.partner_id))


def mark_used(session: Session, task: ConsultationTask) -> None:
    """The task was answered: its link is spent (caller commits)."""
    row = session.exec(select(TaskLink).where(TaskLink.task_id == task.id)).first()
    if row is not None:
        row.used_at = utcnow()
        session.add(row)
