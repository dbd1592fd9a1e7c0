"""Where a request stands and what the system does next. Pure, no I/O.

The request's durable state is its status plus the rows around it. ``next_step`` reads a
snapshot of that state and names the one automatic step to run, or the human event the
request waits for. Flows run steps until a wait; the event's command starts the next run.

    registered        -> acknowledge (receipt letter; the clock keeps running)
    awaiting_identity -> wait for the identity check, then route; where the coordinator
                         recorded a doubt (invitation, clock stop) and its term passed
                         unused: not_identified (a reasoned decision, then replying)
    consulting        -> open missing consultation tasks; wait for every answer
    deliberating      -> wait for the forum's decision
    executing         -> wait until every granted change is carried out
    replying          -> wait until the coordinator approves and sends the replies; close

Replies are drafted in the same transaction that moves a request into ``replying``, so a
crash can never leave a replying request without its drafts.
"""
from dataclasses import dataclass
from enum import StrEnum

from models.enums import DecisionOutcome, RequestStatus, RequestType


class Step(StrEnum):
    acknowledge = "acknowledge"
    route = "route"
    fan_out = "fan_out"
    to_deliberation = "to_deliberation"
    after_decision = "after_decision"
    not_identified = "not_identified"
    close = "close"


class Wait(StrEnum):
    identity = "identity"
    answers = "answers"
    decision = "decision"
    execution = "execution"
    sending = "sending"
    nothing = "nothing"  # closed


# Rights whose granted decision changes the file and so must be carried out.
NEEDS_EXECUTION = {
    RequestType.correctie,
    RequestType.aanvulling,
    RequestType.verwijdering,
    RequestType.beperking,
    RequestType.verzet,
    RequestType.eigen_verklaring,
}


@dataclass(frozen=True)
class RightState:
    type: RequestType
    available: bool  # False: standard refusal (overdraagbaarheid, eigen verklaring elsewhere)
    outcome: DecisionOutcome | None
    executed: bool
    replied: bool

    @property
    def needs_execution(self) -> bool:
        return (
            self.type in NEEDS_EXECUTION
            and self.outcome in (DecisionOutcome.granted, DecisionOutcome.partly)
            and not self.executed
        )


@dataclass(frozen=True)
class Snapshot:
    status: RequestStatus
    identity_verified: bool
    planned_consultations: int  # partners that must be consulted (from the routing plan)
    open_consultation_rows: int  # tasks that exist and are not answered
    existing_consultation_rows: int
    rights: tuple[RightState, ...]
    replies_unsent: int  # reply letters drafted or approved but not sent
    # The term of the identity invitation passed unused (a ``no_identity`` clock event,
    # recorded by the daily sweep or the coordinator): the request ends with a decision.
    identity_lapsed: bool = False


def next_step(s: Snapshot) -> Step | Wait:
    if s.status == RequestStatus.registered:
        return Step.acknowledge
    if s.status == RequestStatus.awaiting_identity:
        if s.identity_verified:
            return Step.route
        return Step.not_identified if s.identity_lapsed else Wait.identity
    if s.status == RequestStatus.consulting:
        if s.existing_consultation_rows < s.planned_consultations:
            return Step.fan_out
        return Wait.answers if s.open_consultation_rows else Step.to_deliberation
    if s.status == RequestStatus.deliberating:
        decidable = [r for r in s.rights if r.available]
        return Step.after_decision if all(r.outcome for r in decidable) else Wait.decision
    if s.status == RequestStatus.executing:
        return Wait.execution if any(r.needs_execution for r in s.rights) else Step.after_decision
    if s.status == RequestStatus.replying:
        return Wait.sending if s.replies_unsent else Step.close
    return Wait.nothing


# ------------------------------------------------------------------ where a step leaves the request
#
# The steps (flows/steps.py) do the work; which status a request has after a step is decided
# here and nowhere else.

#: Steps that always end in the same status.
STATUS_AFTER = {
    Step.acknowledge: RequestStatus.awaiting_identity,
    Step.to_deliberation: RequestStatus.deliberating,
    # The identity was never established: the decision not to deal with the request is the
    # answer to every right; it goes out like any reply (approval, four eyes, sending).
    Step.not_identified: RequestStatus.replying,
    Step.close: RequestStatus.closed,
}


@dataclass(frozen=True)
class AfterRouting:
    status: RequestStatus
    no_data_reply: bool  # the ZVH itself has nothing: a "geen gegevens" reply is its answer


def after_routing(consultations: int, referrals: int, handled_rights: int) -> AfterRouting:
    """Consult the supplying partners if there are any; otherwise reply at once: with "geen
    gegevens" when nothing went to the police or the OM either, while a right is handled (the
    referral notice is the answer when only police or OM data were found; standard refusals
    answer the rights the region does not provide)."""
    if consultations:
        return AfterRouting(RequestStatus.consulting, no_data_reply=False)
    return AfterRouting(RequestStatus.replying, no_data_reply=referrals == 0 and handled_rights > 0)


def after_decision(rights: tuple[RightState, ...]) -> RequestStatus:
    """Executing while a granted change still has to be carried out; then replying."""
    return RequestStatus.executing if any(r.needs_execution for r in rights) else RequestStatus.replying


#: Where a submitted consultation answer may still be reopened by the coordinator: while the
#: answers are gathered, and in deliberation as long as nothing was decided on them.
REOPENABLE = (RequestStatus.consulting, RequestStatus.deliberating)


def after_reopen(status: RequestStatus) -> RequestStatus:
    """A reopened answer is an open consultation again: the request waits for it."""
    if status not in REOPENABLE:
        raise ValueError(f"an answer cannot be reopened in status {status.value}")
    return RequestStatus.consulting
