"""The automatic steps of a request, one transaction each (models.lifecycle names them).

Every step is idempotent: what it creates has a unique key (letter key, outbox key,
(request, partner) for tasks, (request, partner, target) for referrals), and the status
change that ends the step is committed together with everything the step wrote. Run a
step twice, or after a crash anywhere, and the result is the same.
"""
from datetime import date

from sqlmodel import Session, select

from models import audit
from models import recipients as recipients_log
from models import task_links
from models.actions.common import partner_row
from models.deadlines import consultation_schedule
from models import identity as identity_rules
from models.actions.identity import lapse_due, lapse_identity
from models.enums import Channel, ClockEventKind, DecisionOutcome, RequestStatus, RequestType, TaskStatus
from models.holidays import add_working_days
from models.letters import compose, replies
from models.letters import context as c
from models import lifecycle, sla
from models.lifecycle import Step, Wait, next_step
from models.region_config import get_region
from models.state import clocks, decree_days, registrations, rights, routing_plan, snapshot
from models.tables import ClockEvent, ConsultationTask, IdentityCheck, Partner, Referral, Request

ACTOR = "system:flow"


def _set_status(session: Session, request: Request, status: RequestStatus, today: date) -> None:
    old = request.status
    request.status = status.value
    session.add(request)
    session.flush()
    audit.record(session, ACTOR, "request.status", request.id, old=old, new=status.value, on=today)
    sla.refresh(session, request, today)  # the stored deadlines follow every step


def _protocol_due(session: Session, request: Request, today: date) -> date:
    return min(clk.target_due for clk in clocks(session, request, today).values())


def _deadlines(session: Session, request: Request, today: date) -> list[c.TypeDeadline]:
    """The date of the answer per right, as the betrokkene is told it: the target the status
    is measured against (the protocol period of that type, never later than the law)."""
    return [c.TypeDeadline(request_type=RequestType(t), due=clk.target_due)
            for t, clk in clocks(session, request, today).items()]


# ------------------------------------------------------------------ registered


def acknowledge(session: Session, request: Request, today: date) -> None:
    """Receipt letter with the deadline. The clock keeps running (issue 18 point 3, AVG art.
    12 lid 6): it stands still only once the coordinator records why the identity could not
    yet be established (models/actions/identity.py ``record_identity_doubt``, which sends the
    invitation). A balie request was identified at intake: the letter says so."""
    types = [RequestType(r.type) for r in rights(session, request.id)]
    verified = session.exec(select(IdentityCheck).where(IdentityCheck.request_id == request.id)).first()
    to = compose.requester_addressee(session, request)
    forwarded_by = session.get(Partner, request.received_by_partner_id).name if request.received_by_partner_id else None
    ack = c.OntvangstbevestigingContext(
        **compose.base(session, request, today, to, "ontvangstbevestiging"), **compose.received(request),
        request_types=types, deadlines=_deadlines(session, request, today), forwarded_by=forwarded_by,
        identity_check_needed=not verified,
        identity_checked_at_desk=verified.checked_on if verified and request.channel == Channel.balie.value else None,
    )
    compose.issue(session, request, "ontvangstbevestiging", "ack", ack, ACTOR, send_now=True)
    _set_status(session, request, lifecycle.STATUS_AFTER[Step.acknowledge], today)


def not_identified(session: Session, request: Request, today: date) -> None:
    """The term of the invitation passed unused: a reasoned decision not to deal with the
    request, for every right, with the remedies of a decision for all controllers together
    (for a bestuursorgaan: Awb art. 4:5, buiten behandeling). It is a reply: approved and sent
    by people, then the request closes with that outcome (not a lapse)."""
    invites = session.exec(select(ClockEvent).where(
        ClockEvent.request_id == request.id, ClockEvent.kind == ClockEventKind.suspend.value
    ).order_by(ClockEvent.id)).all()
    last = invites[-1]
    region = get_region(request.region_id)
    reason, explanation = identity_rules.decode_reason(last.reason)
    sentence = identity_rules.reason_sentence(reason, explanation) or "Uit uw verzoek alleen konden wij niet opmaken dat het van u komt."
    ctx = c.BuitenBehandelingContext(
        **compose.base(session, request, today, compose.requester_addressee(session, request), "buiten_behandeling"),
        **compose.received(request), remedies=compose.remedies(session, request),
        request_types=[RequestType(r.type) for r in rights(session, request.id)],
        invited_on=last.on_date,
        identify_before=identity_rules.term_end(last.on_date, region.deadlines.identity_working_days, decree_days()),
        doubt_reason=sentence,
    )
    compose.issue(session, request, "buiten_behandeling", f"{replies.REPLY_PREFIX}buiten_behandeling", ctx, ACTOR,
                  send_now=False)
    for r in rights(session, request.id):
        if r.outcome is None:
            r.outcome = DecisionOutcome.not_handled.value
            r.decided_on = today
            session.add(r)
    session.flush()
    audit.record(session, ACTOR, "request.not_handled", request.id, on=today,
                 awb_4_5=ctx.bestuursorgaan)
    _set_status(session, request, lifecycle.STATUS_AFTER[Step.not_identified], today)


# ------------------------------------------------------------------ route


def route(session: Session, request: Request, today: date) -> None:
    """Scope and routing: refer police and OM parts, then consult, reply or wait. Also: the
    recipients log of the betrokkene's registrations, and (after a suspension) the new date."""
    region = get_region(request.region_id)
    plan = routing_plan(session, request)
    recipients_log.ensure_casus_disclosures(session, request)
    check = session.exec(select(IdentityCheck).where(IdentityCheck.request_id == request.id)).first()
    referral_ctx: list[c.Referral] = []
    for n, ref in enumerate(plan.referrals, start=1):
        partner = partner_row(session, region, ref.partner_slug)
        row = session.exec(select(Referral).where(
            Referral.request_id == request.id, Referral.partner_id == partner.id, Referral.target == ref.target.value
        )).first()
        if row is None:
            row = Referral(
                request_id=request.id, partner_id=partner.id, target=ref.target.value,
                request_types=[t.value for t in ref.request_types],
                reference=f"{request.reference}-D{n}", sent_on=today,
            )
            session.add(row)
            session.flush()
            audit.record(session, ACTOR, "referral.created", request.id, target=ref.target.value,
                         partner=partner.slug, reference=row.reference)
        body = region.routing_body(ref.target, partner.unit)
        item = c.Referral.for_body(body, row.reference, list(ref.request_types), row.sent_on)
        referral_ctx.append(item)
        letter = c.DoorzendingContext(
            **compose.base(session, request, today, c.Addressee.for_body(body), "doorzending"),
            **compose.received(request), referral=item, betrokkene=compose.person(request),
            identity_verified_on=check.checked_on if check else None,
            representative=compose.requester_line(session, request),
        )
        compose.issue(session, request, "doorzending", f"referral:{row.reference}", letter, ACTOR,
                      send_now=True, recipient_label=body.id)
    to = compose.requester_addressee(session, request)
    rest = bool(plan.consultations or plan.standard_refusals)
    if referral_ctx:
        notice = c.DoorverwijzingBetrokkeneContext(
            **compose.base(session, request, today, to, "doorverwijzing_betrokkene"), **compose.received(request),
            referrals=referral_ctx, zvh_answers_rest=rest,
            remedies=None if rest else compose.remedies(session, request),  # the whole answer: a decision
        )
        compose.issue(session, request, "doorverwijzing_betrokkene", "referral-notice", notice, ACTOR, send_now=True)
    if rest or not plan.referrals:
        _new_deadline_notice(session, request, check, to, today)
    audit.record(session, ACTOR, "request.routed", request.id, referrals=len(plan.referrals),
                 consultations=len(plan.consultations), standard_refusals=[t.value for t in plan.standard_refusals])
    handled = sum(region.rights[RequestType(r.type)].available for r in rights(session, request.id))
    outcome = lifecycle.after_routing(len(plan.consultations), len(plan.referrals), handled)
    if outcome.status == RequestStatus.replying:
        if outcome.no_data_reply:
            replies.draft_no_data(session, request, today, ACTOR)
        replies.draft_all(session, request, today, ACTOR)  # standard refusals (the rest has no outcome)
    _set_status(session, request, outcome.status, today)


def _new_deadline_notice(session: Session, request: Request, check, to, today: date) -> None:
    """After the identity check the clock runs again: tell the betrokkene the new date
    (issue 9 point 3). Only where the clock was stopped: the receipt letter said it would move."""
    region = get_region(request.region_id)
    events = session.exec(select(ClockEvent).where(
        ClockEvent.request_id == request.id, ClockEvent.kind == ClockEventKind.suspend.value)).all()
    if check is None or not events or not region.deadlines.suspend_for_identity:
        return
    stopped = max(clk.suspended_days for clk in clocks(session, request, today).values())
    ctx = c.TermijnNaIdentificatieContext(
        **compose.base(session, request, today, to, "termijn_na_identificatie"), **compose.received(request),
        identity_checked_on=check.checked_on,
        acknowledged_on=min(e.on_date for e in events),  # the suspension began with the receipt letter
        suspended_days=stopped, deadlines=_deadlines(session, request, today),
    )
    compose.issue(session, request, "termijn_na_identificatie", "deadline-after-identity", ctx, ACTOR, send_now=True)


# ------------------------------------------------------------------ consulting


def consultation_partners(session: Session, request: Request) -> list[str]:
    return [p.partner_slug for p in routing_plan(session, request).consultations]


def open_consultation(session: Session, request: Request, partner_slug: str, today: date) -> None:
    """One consultation task and its letter for one supplying partner (mapped in parallel)."""
    region = get_region(request.region_id)
    partner = partner_row(session, region, partner_slug)
    task = session.exec(select(ConsultationTask).where(
        ConsultationTask.request_id == request.id, ConsultationTask.partner_id == partner.id
    )).first()
    if task is None:
        when = consultation_schedule(today, region.deadlines, decree_days())
        task = ConsultationTask(
            request_id=request.id, partner_id=partner.id, created_on=today,
            due_on=when.due, reminder_on=when.remind_on, escalation_on=when.escalate_on,
        )
        session.add(task)
        session.flush()
        audit.record(session, ACTOR, "consultation.opened", request.id, partner=partner.slug, due_on=task.due_on)
    key = f"consult:{partner.slug}"
    if compose.existing(session, request, key) is not None:
        return  # the letter is frozen once sent: its link is the one that works (models/task_links.py)
    link = task_links.ensure_link(session, task, today)
    items = [compose.data_item(session, r) for r in registrations(session, request) if r.partner_id == partner.id]
    ctx = c.ConsultatieverzoekContext(
        **compose.base(session, request, today, compose.partner_addressee(partner), "consultatieverzoek"),
        **compose.received(request), partner_name=partner.name, betrokkene=compose.person(request),
        request_types=[RequestType(r.type) for r in rights(session, request.id)], items=items,
        due_on=task.due_on, request_deadline=_protocol_due(session, request, today),
        how_to_answer="Geef per gegeven antwoord op de vragen hierboven. Houdt u een deel achter? Geef dan de "
                      "grond en een uitleg in de u-vorm voor de betrokkene.",
        task_link=link.url, task_link_expires_on=link.expires_on,
        task_link_without_login=region.portal.task_link_without_login,
    )
    compose.issue(session, request, "consultatieverzoek", key, ctx, ACTOR, send_now=True, partner=partner)
    sla.refresh(session, request, today)


def consultation_sent(session: Session, request: Request, partner_slug: str) -> bool:
    """The partner's consultation letter exists (then its task does too): nothing to do."""
    return compose.existing(session, request, f"consult:{partner_slug}") is not None


def to_deliberation(session: Session, request: Request, today: date) -> None:
    _set_status(session, request, lifecycle.STATUS_AFTER[Step.to_deliberation], today)


# ------------------------------------------------------------------ decided


def after_decision(session: Session, request: Request, today: date) -> None:
    """Wait for execution where a granted change must be carried out; otherwise draft the
    replies (and tell recipients of changed data, AVG art. 19) and move to replying."""
    status = lifecycle.after_decision(snapshot(session, request).rights)
    if status == RequestStatus.executing:
        if request.status != status.value:
            _set_status(session, request, status, today)
        return
    replies.draft_all(session, request, today, ACTOR)
    replies.notify_recipients(session, request, today, ACTOR)
    _set_status(session, request, status, today)


# ------------------------------------------------------------------ close


def close(session: Session, request: Request, today: date) -> None:
    from models.retention import delete_after_for

    region = get_region(request.region_id)
    replied = []
    for r in rights(session, request.id):
        if r.replied_on is None:
            r.replied_on = today
            session.add(r)
        replied.append(r.replied_on)
    request.closed_on = today
    # the region's years (a decision of the partners), never before the remedy periods end
    request.delete_after = delete_after_for(today, region.retention.request_file_years, max(replied, default=None))
    _set_status(session, request, lifecycle.STATUS_AFTER[Step.close], today)


# ------------------------------------------------------------------ daily sweep


def task_references(session: Session, request: Request) -> dict[int, str]:
    """{partner id: "<reference>-C<n>"}: the consultations numbered in the order of the
    partners' slugs, the same however the tasks were opened (in parallel, after a crash)."""
    rows = session.exec(select(Partner.id, Partner.slug).join(ConsultationTask, ConsultationTask.partner_id == Partner.id)
                        .where(ConsultationTask.request_id == request.id)).all()
    return {pid: f"{request.reference}-C{n}" for n, (pid, _) in enumerate(sorted(rows, key=lambda r: r[1]), start=1)}


def reminders_due(session: Session, request: Request, today: date) -> bool:
    """Whether ``remind_and_escalate`` has a reminder or an escalation to write today
    (statuses and dates only: the sweep asks this in a sealed read)."""
    tasks = session.exec(select(ConsultationTask).where(ConsultationTask.request_id == request.id,
                                                        ConsultationTask.status == TaskStatus.open.value)).all()
    return lapse_due(session, request, today) is not None or any(
        (today >= t.reminder_on and t.reminded_on is None) or (today >= t.escalation_on and t.escalated_on is None)
        for t in tasks)


def remind_and_escalate(session: Session, request: Request, today: date) -> dict:
    """Reminders before and escalations after a consultation task's due date; and the term of
    an identity invitation that passed unused (the next run drafts the decision)."""
    region = get_region(request.region_id)
    counts = {"reminders": 0, "escalations": 0}
    lapse_identity(session, request, today, ACTOR)
    tasks = session.exec(select(ConsultationTask).where(ConsultationTask.request_id == request.id,
                                                        ConsultationTask.status == TaskStatus.open.value)).all()
    overdue = []
    references = task_references(session, request)
    for task in tasks:
        partner = session.get(Partner, task.partner_id)
        if today >= task.reminder_on and task.reminded_on is None:
            ctx = c.HerinneringConsultatieContext(
                **compose.base(session, request, today, compose.partner_addressee(partner), "herinnering_consultatie"),
                partner_name=partner.name, consultation_reference=references[task.partner_id],
                consultation_sent_on=task.created_on, due_on=task.due_on,
                request_deadline=_protocol_due(session, request, today),
            )
            compose.issue(session, request, "herinnering_consultatie", f"reminder:{partner.slug}", ctx, ACTOR,
                          send_now=True, partner=partner)
            task.reminded_on = today
            session.add(task)
            audit.record(session, ACTOR, "consultation.reminded", request.id, partner=partner.slug)
            counts["reminders"] += 1
        if today >= task.escalation_on and task.escalated_on is None:
            overdue.append(task)
    if overdue:
        ctx = c.EscalatieManagerContext(
            **compose.base(session, request, today, compose.manager_addressee(region), "escalatie_manager"),
            tasks=[c.OverdueTask(partner_name=session.get(Partner, t.partner_id).name,
                                 task_reference=references[t.partner_id], due_on=t.due_on,
                                 reminder_sent_on=t.reminded_on) for t in overdue],
            request_deadline=_protocol_due(session, request, today),
        )
        compose.issue(session, request, "escalatie_manager", f"escalation:{today.isoformat()}", ctx, ACTOR,
                      send_now=True, recipient_label="manager")
        for t in overdue:
            t.escalated_on = today
            session.add(t)
        audit.record(session, ACTOR, "consultation.escalated", request.id,
                     partners=sorted(session.get(Partner, t.partner_id).slug for t in overdue))
        counts["escalations"] += 1
    sla.refresh(session, request, today)  # daily: an open suspension moves the deadlines every day
    return counts


# ------------------------------------------------------------------ one request, in one session

STEPS = {
    Step.acknowledge: acknowledge,
    Step.route: route,
    Step.to_deliberation: to_deliberation,
    Step.after_decision: after_decision,
    Step.not_identified: not_identified,
    Step.close: close,
}
MAX_STEPS = 20  # a guard: a request never needs more automatic steps than this in one run


def run_due_steps(session: Session, request: Request, today: date) -> tuple[list[str], Wait]:
    """Every automatic step that is due, one after the other, in this session: what an
    action rehearses before it commits (models/actions/common.py). The flow runs the same
    steps as Prefect tasks, each in its own transaction (flows/advance.py)."""
    done: list[str] = []
    for _ in range(MAX_STEPS):
        nxt = next_step(snapshot(session, request))
        if isinstance(nxt, Wait):
            return done, nxt
        if nxt == Step.fan_out:
            for slug in consultation_partners(session, request):
                open_consultation(session, request, slug, today)
        else:
            STEPS[nxt](session, request, today)
        session.flush()
        done.append(nxt.value)
    raise RuntimeError(f"request {request.id}: more than {MAX_STEPS} steps in one run")
