"""The deadline engine: the clock of one request type. Pure: no I/O, no date.today().

Dataclasses in (ClockInput), dataclass out (Clock). The rules and their legal sources
are in docs/deadlines.md; in short:

- protocol deadline: the region's period for the request type (``policy.period(type)``):
  receipt + N weeks, or, where the protocol follows the AVG's terms (Rotterdam inzage, PP
  18.2), the legal deadline itself, extended with it;
- legal deadline (AVG art. 12(3)): receipt + one calendar month, same day number, or the
  last day of the month when that day does not exist (Reg. 1182/71 art. 3(2)(c));
- extension (AVG art. 12(3)): receipt + three months, only with a reason recorded no later
  than the end of the first month (``extension_notice_by``); it extends the legal
  deadline only, the protocols provide none;
- suspension: every suspended day on or before a deadline is added to it; a suspension is
  only there because the coordinator recorded why the identity could not yet be established
  (AVG art. 12 lid 6), never for a balie request (``channel``; models/identity.py);
- counting: raw date = receipt + period + suspended days; then, if the raw date is a
  Saturday, Sunday or holiday, the deadline is the next working day (Atw art. 1;
  Reg. 1182/71 art. 3(4)). The holidays that caused a move are reported by name.

Suspended days are counted inclusive-exclusive: a suspension from A to B stops the clock
on A, A+1, ..., B-1 and the clock runs again on B, so it adds (B - A) days. An open
suspension (end None) counts up to ``now`` (exclusive): the deadlines shown are what
they would be if the clock ran again today. Overlapping suspensions count each day once.
A suspended day moves a deadline only if it falls on or before that deadline (as moved
by the earlier suspended days): a period that has already ended cannot be revived by a
later suspension. So each Deadline says how many days it was moved (``added_days``).
"""
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Optional

from dateutil.relativedelta import relativedelta

from models.enums import Channel, RequestType
from models.holidays import (
    DecreeDay,
    add_working_days,
    count_working_days,
    move_to_working_day,
)
from models.identity import may_suspend
from models.region_config import DeadlinePolicy


class DeadlineError(ValueError):
    """The input cannot be right (dates out of order, in the future, ...). Dutch message."""


class ExtensionRefused(DeadlineError):
    """An extension recorded after the extension notice date (AVG art. 12(3))."""


class ClockStatus(StrEnum):
    on_track = "on_track"
    at_risk = "at_risk"
    overdue = "overdue"
    suspended = "suspended"
    extended = "extended"
    done_on_time = "done_on_time"
    done_late = "done_late"


@dataclass(frozen=True)
class Suspension:
    """The clock stops on ``start`` and runs again on ``end`` (None: still stopped)."""

    start: date
    end: Optional[date] = None


@dataclass(frozen=True)
class Extension:
    reason: str
    recorded_on: date  # the day the reason was recorded and the notice sent


@dataclass(frozen=True)
class ConsultationTask:
    due: date
    answered: bool = False


@dataclass(frozen=True)
class ClockInput:
    received: date  # first receipt by any party (domain.md §2)
    request_type: RequestType
    policy: DeadlinePolicy
    now: date  # the moment the status is asked for; passed in, never read from the clock
    suspensions: tuple[Suspension, ...] = ()
    extension: Optional[Extension] = None
    decided_on: Optional[date] = None  # recorded for the file; the reply is what counts
    replied_on: Optional[date] = None  # the betrokkene was told the decision
    executed_on: Optional[date] = None  # verzet: the decision was carried out
    # Verzet needs execution only where there is something for the ZVH to carry out: pass
    # False when the objection was refused entirely, or when nothing of the ZVH's own is
    # left (no data found, or only police/OM data that were referred). None means
    # "verzet: yes, other types: no".
    execution_required: Optional[bool] = None
    consultations: tuple[ConsultationTask, ...] = ()
    decree_days: tuple[DecreeDay, ...] = ()
    # How the request came in. A balie request had its identity check at intake: its clock
    # never stands still for the identity (AVG art. 12 lid 6; models/identity.py).
    channel: Optional[Channel] = None


@dataclass(frozen=True)
class Deadline:
    raw: date  # receipt + period + suspended days, before the working-day move
    due: date
    moved_by: tuple[str, ...] = ()  # holidays skipped between raw and due
    added_days: int = 0  # suspended days that moved this deadline


@dataclass(frozen=True)
class Clock:
    protocol: Deadline
    legal: Deadline  # also the last day to send the extension notice
    legal_extended: Optional[Deadline]  # only when a valid extension is recorded
    execution_due: Optional[date]  # verzet with something to carry out: the protocol deadline
    target_due: date  # the date the status is measured against (see _target)
    at_risk_from: Optional[date]  # from this day on, status is at least at_risk
    working_days_left: Optional[int]  # [now, target_due], None once done
    suspended_days: int
    status: ClockStatus
    protocol_provides_extension: bool
    consultations_overdue: int
    completed_on: Optional[date]  # the last required milestone, None while open
    protocol_met: Optional[bool]  # done by the protocol deadline? None while open
    open_milestones: tuple[str, ...] = field(default=())  # "reply", "execution"
    protocol_weeks: Optional[int] = None  # the protocol period in weeks; None: the AVG's terms
    protocol_article: str = ""  # where the protocol period comes from

    @property
    def protocol_due(self) -> date:
        return self.protocol.due

    @property
    def legal_due(self) -> date:
        return self.legal.due

    @property
    def extension_notice_by(self) -> date:
        return self.legal.due

    @property
    def legal_due_extended(self) -> Optional[date]:
        return self.legal_extended.due if self.legal_extended else None

    @property
    def moved_by_holiday(self) -> tuple[str, ...]:
        names: list[str] = []
        for d in (self.protocol, self.legal, self.legal_extended):
            for n in d.moved_by if d else ():
                if n not in names:
                    names.append(n)
        return tuple(names)

    def to_dict(self) -> dict:
        """JSON-ready: dates as ISO strings. The CLI prints this."""

        def iso(d: Optional[date]) -> Optional[str]:
            return d.isoformat() if d else None

        return {
            "protocol_due": iso(self.protocol_due),
            "legal_due": iso(self.legal_due),
            "extension_notice_by": iso(self.extension_notice_by),
            "legal_due_extended": iso(self.legal_due_extended),
            "execution_due": iso(self.execution_due),
            "target_due": iso(self.target_due),
            "at_risk_from": iso(self.at_risk_from),
            "working_days_left": self.working_days_left,
            "suspended_days": self.suspended_days,
            "status": self.status.value,
            "protocol_provides_extension": self.protocol_provides_extension,
            "moved_by_holiday": list(self.moved_by_holiday),
            "consultations_overdue": self.consultations_overdue,
            "completed_on": iso(self.completed_on),
            "protocol_met": self.protocol_met,
            "open_milestones": list(self.open_milestones),
            "protocol_period": (
                {"weeks": self.protocol_weeks} if self.protocol_weeks else {"avg": True}
            ),
            "protocol_article": self.protocol_article,
        }


@dataclass(frozen=True)
class ConsultationSchedule:
    due: date
    remind_on: date
    escalate_on: date


def consultation_schedule(
    opened_on: date, policy: DeadlinePolicy, decree_days: tuple[DecreeDay, ...] = ()
) -> ConsultationSchedule:
    """Dates of one partner consultation task, in working days (weekends and holidays
    excluded): due after ``consultation_working_days``, a reminder
    ``reminder_working_days_before`` that, an escalation ``escalation_working_days_after``."""
    due = add_working_days(opened_on, policy.consultation_working_days, decree_days)
    return ConsultationSchedule(
        due=due,
        remind_on=add_working_days(due, -policy.reminder_working_days_before, decree_days),
        escalate_on=add_working_days(due, policy.escalation_working_days_after, decree_days),
    )


def suspended_days(suspensions: tuple[Suspension, ...], now: date) -> list[date]:
    """The days the clock stood still, sorted: the union of [start, end) (open: [start, now))."""
    days: set[date] = set()
    for s in suspensions:
        end = s.end if s.end is not None else now
        days.update(s.start + timedelta(days=i) for i in range((end - s.start).days))
    return sorted(days)


def period_end(
    base: date, stopped: list[date], decree_days: tuple[DecreeDay, ...] = ()
) -> Deadline:
    """The deadline of a period whose unsuspended end is ``base``.

    Each stopped day on or before the deadline as it stands moves the raw end one day
    on; then the raw end is moved off weekends and holidays (Atw art. 1)."""
    raw, added = base, 0
    for day in stopped:  # sorted, so the deadline only grows while we walk
        if day > move_to_working_day(raw, decree_days)[0]:
            break
        raw += timedelta(days=1)
        added += 1
    due, names = move_to_working_day(raw, decree_days)
    return Deadline(raw=raw, due=due, moved_by=names, added_days=added)


def compute_clock(inp: ClockInput) -> Clock:
    _validate_dates(inp)
    cal = inp.decree_days
    stopped = suspended_days(inp.suspensions, inp.now)

    def deadline(base: date) -> Deadline:
        return period_end(base, stopped, cal)

    # Period first, then the suspended days: the clock stood still, so the end of the
    # period moves by exactly those days (the month arithmetic is done from receipt, so
    # 31 January + one month is always the end of February, whatever the suspension).
    period = inp.policy.period(inp.request_type)
    legal = deadline(inp.received + relativedelta(months=1))

    legal_extended = None
    if inp.extension is not None:
        _check_extension(inp.extension, notice_by=legal.due, received=inp.received, now=inp.now)
        # "two further months": the whole period is three months from receipt, counted
        # like the first month (same day number, else the last day of the month).
        legal_extended = deadline(inp.received + relativedelta(months=3))

    if period.avg:
        # "binnen de termijnen bepaald in de AVG": the protocol's deadline is the legal one,
        # and an extension under AVG art. 12(3) extends it too.
        protocol = legal_extended or legal
    else:
        protocol = deadline(inp.received + timedelta(weeks=period.weeks))

    verzet = inp.request_type == RequestType.verzet
    needs_execution = verzet if inp.execution_required is None else inp.execution_required
    open_milestones = tuple(
        name
        for name, done, required in (
            ("reply", inp.replied_on, True),
            ("execution", inp.executed_on, needs_execution),
        )
        if required and done is None
    )
    completed_on = None
    if not open_milestones:
        done = (inp.replied_on, inp.executed_on if needs_execution else None)
        completed_on = max(d for d in done if d is not None)

    target = _target(protocol, legal, legal_extended)
    at_risk_from = None
    if inp.policy.at_risk_working_days > 0:
        # The day after the N-th working day before the target: from then on at most N
        # working days (the target included) remain.
        nth_before = add_working_days(target, -inp.policy.at_risk_working_days, cal)
        at_risk_from = nth_before + timedelta(days=1)
    overdue_tasks = sum(1 for t in inp.consultations if not t.answered and inp.now > t.due)
    suspended_now = any(s.end is None for s in inp.suspensions)

    if completed_on is not None:
        status = ClockStatus.done_on_time if completed_on <= target else ClockStatus.done_late
    elif inp.now > target:
        status = ClockStatus.overdue
    elif suspended_now:
        status = ClockStatus.suspended
    elif overdue_tasks or (at_risk_from is not None and inp.now >= at_risk_from):
        status = ClockStatus.at_risk
    elif legal_extended is not None:
        status = ClockStatus.extended
    else:
        status = ClockStatus.on_track

    return Clock(
        protocol=protocol,
        legal=legal,
        legal_extended=legal_extended,
        execution_due=protocol.due if verzet and needs_execution else None,
        target_due=target,
        at_risk_from=at_risk_from,
        working_days_left=None if completed_on else count_working_days(inp.now, target, cal),
        suspended_days=len(stopped),
        status=status,
        protocol_provides_extension=inp.policy.protocol_provides_extension or period.avg,
        consultations_overdue=overdue_tasks,
        completed_on=completed_on,
        protocol_met=None if completed_on is None else completed_on <= protocol.due,
        open_milestones=open_milestones,
        protocol_weeks=period.weeks,
        protocol_article=period.rule.article,
    )


def _target(protocol: Deadline, legal: Deadline, extended: Optional[Deadline]) -> date:
    """The deadline the status is measured against. Normally the protocol deadline (the
    ZVH's own period for the type), but never later than the law allows: a region configured
    with more weeks than a month still has to answer within the month. With a valid
    extension the extended legal deadline governs (the protocol deadline is then missed
    by design; ``protocol_met`` says so)."""
    if extended is not None:
        return extended.due
    return min(protocol.due, legal.due)


def _check_extension(ext: Extension, notice_by: date, received: date, now: date) -> None:
    if not ext.reason.strip():
        raise DeadlineError("een verlenging heeft een reden nodig (AVG art. 12 lid 3)")
    if ext.recorded_on < received:
        raise DeadlineError(
            f"verlenging op {ext.recorded_on} ligt vóór de ontvangst van het verzoek ({received})"
        )
    if ext.recorded_on > now:
        raise DeadlineError(f"verlenging op {ext.recorded_on} ligt in de toekomst (nu: {now})")
    if ext.recorded_on > notice_by:
        raise ExtensionRefused(
            f"verlenging op {ext.recorded_on} is te laat: de betrokkene moest uiterlijk op "
            f"{notice_by} over de verlenging zijn geïnformeerd (AVG art. 12 lid 3)"
        )


def _validate_dates(inp: ClockInput) -> None:
    if inp.received > inp.now:
        raise DeadlineError(f"ontvangstdatum {inp.received} ligt na de peildatum {inp.now}")
    if inp.suspensions and not inp.policy.suspend_for_identity:
        raise DeadlineError("deze regio schort de termijn niet op tijdens de identificatie")
    if inp.suspensions and inp.channel is not None and not may_suspend(inp.channel):
        raise DeadlineError("een verzoek aan de balie is bij de intake geïdentificeerd: de termijn staat niet stil")
    open_count = 0
    for s in inp.suspensions:
        if s.start < inp.received:
            raise DeadlineError(
                f"opschorting begint op {s.start}, vóór de ontvangst ({inp.received})"
            )
        if s.start > inp.now:
            raise DeadlineError(f"opschorting begint op {s.start}, na de peildatum {inp.now}")
        if s.end is None:
            open_count += 1
            continue
        if s.end < s.start:
            raise DeadlineError(f"opschorting eindigt op {s.end}, vóór het begin ({s.start})")
        if s.end > inp.now:
            raise DeadlineError(f"opschorting eindigt op {s.end}, na de peildatum {inp.now}")
    if open_count > 1:
        raise DeadlineError("er kan maar één opschorting tegelijk openstaan")
    for label, d in (
        ("beslisdatum", inp.decided_on),
        ("antwoorddatum", inp.replied_on),
        ("uitvoeringsdatum", inp.executed_on),
    ):
        if d is not None and not inp.received <= d <= inp.now:
            raise DeadlineError(
                f"{label} {d} ligt niet tussen ontvangst ({inp.received})"
                f" en peildatum ({inp.now})"
            )
