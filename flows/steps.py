"""The automatic steps of a request, one transaction each (models.lifecycle names them).

Every step is idempotent: what it creates has a unique key (letter key, outbox key,
(request, partner) for tasks, (request, partner, target) for referrals), and the status
change that ends the step is committed together with everything the step wrote. Run a
step twice, or after a crash anywhere, and the result is the same.
"""
from datetime import date

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, select

from models import audit
from models.deadlines import consultation_schedule
from models.enums import ClockEventKind, DecisionOutcome, RequestStatus, RequestType, TaskStatus
from models.holidays import add_working_days
from models.letters import compose
from models.letters import context as c
from models.lifecycle import NEEDS_EXECUTION
from models.region_config import get_region
from models.state import REPLY_PREFIX, clocks, decree_days, registrations, rights, routing_plan
from models.tables import (
    CaseRegistration,
    ClockEvent,
    ConsultationTask,
    DataSubject,
    IdentityCheck,
    ItemAnswer,
    ItemDecision,
    Partner,
    Referral,
    Request,
)

ACTOR = "system:flow"
IDENTIFY_WITHIN_WORKING_DAYS = 10


def _partner(session: Session, region_id: str, slug: str) -> Partner:
    return session.exec(select(Partner).where(Partner.region_id == region_id, Partner.slug == slug)).one()


def _set_status(session: Session, request: Request, status: RequestStatus, today: date) -> None:
    old = request.status
    request.status = status.value
    session.add(request)
    session.flush()
    audit.record(session, ACTOR, "request.status", request.id, old=old, new=status.value, on=today)


def _protocol_due(session: Session, request: Request, today: date) -> date:
    return min(clk.protocol_due for clk in clocks(session, request, today).values())


# ------------------------------------------------------------------ registered


def acknowledge(session: Session, request: Request, today: date) -> None:
    """Receipt letter with the deadline; invitation to identify; stop the clock if allowed."""
    region = get_region(request.region_id)
    types = [RequestType(r.type) for r in rights(session, request.id)]
    verified = session.exec(select(IdentityCheck).where(IdentityCheck.request_id == request.id)).first()
    to = compose.requester_addressee(session, request)
    forwarded_by = session.get(Partner, request.received_by_partner_id).name if request.received_by_partner_id else None
    if not verified and region.deadlines.suspend_for_identity:
        session.add(ClockEvent(
            request_id=request.id, kind=ClockEventKind.suspend.value, on_date=today,
            reason="wacht op identificatie", recorded_by=ACTOR,
        ))
        session.flush()
    ack = c.OntvangstbevestigingContext(
        **compose.base(session, request, today, to, "ontvangstbevestiging"), **compose.received(request),
        request_types=types, deadline=_protocol_due(session, request, today), forwarded_by=forwarded_by,
        identity_check_needed=not verified,
    )
    compose.issue(session, request, "ontvangstbevestiging", "ack", ack, ACTOR, send_now=True)
    if not verified:
        invite = c.UitnodigingIdentificatieContext(
            **compose.base(session, request, today, to, "uitnodiging_identificatie"), **compose.received(request),
            request_types=types,
            identify_before=add_working_days(today, IDENTIFY_WITHIN_WORKING_DAYS, decree_days()),
            representative=request.requester_kind != "betrokkene",
        )
        compose.issue(session, request, "uitnodiging_identificatie", "identity-invite", invite, ACTOR, send_now=True)
    _set_status(session, request, RequestStatus.awaiting_identity, today)


# ------------------------------------------------------------------ route


def route(session: Session, request: Request, today: date) -> None:
    """Scope and routing: refer police and OM parts, then consult, reply or wait."""
    region = get_region(request.region_id)
    plan = routing_plan(session, request)
    subject = session.get(DataSubject, request.subject_id)
    check = session.exec(select(IdentityCheck).where(IdentityCheck.request_id == request.id)).first()
    referral_ctx: list[c.Referral] = []
    for n, ref in enumerate(plan.referrals, start=1):
        partner = _partner(session, region.id, ref.partner_slug)
        row = session.exec(select(Referral).where(
            Referral.request_id == request.id, Referral.partner_id == partner.id, Referral.target == ref.target.value
        )).first()
        if row is None:
            row = Referral(
                request_id=request.id, partner_id=partner.id, target=ref.target.value,
                request_types=",".join(t.value for t in ref.request_types),
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
            **compose.received(request), referral=item, betrokkene=compose.person(subject),
            identity_verified_on=check.checked_on if check else None,
        )
        compose.issue(session, request, "doorzending", f"referral:{row.reference}", letter, ACTOR,
                      send_now=True, recipient_label=body.id)
    to = compose.requester_addressee(session, request)
    if referral_ctx:
        notice = c.DoorverwijzingBetrokkeneContext(
            **compose.base(session, request, today, to, "doorverwijzing_betrokkene"), **compose.received(request),
            referrals=referral_ctx, zvh_answers_rest=bool(plan.consultations or plan.standard_refusals),
        )
        compose.issue(session, request, "doorverwijzing_betrokkene", "referral-notice", notice, ACTOR, send_now=True)
    audit.record(session, ACTOR, "request.routed", request.id, referrals=len(plan.referrals),
                 consultations=len(plan.consultations), standard_refusals=[t.value for t in plan.standard_refusals])
    if plan.consultations:
        _set_status(session, request, RequestStatus.consulting, today)
        return
    handled = [RequestType(r.type) for r in rights(session, request.id) if region.rights[RequestType(r.type)].available]
    if handled and not plan.referrals:
        none = c.GeenGegevensContext(
            **compose.base(session, request, today, to, "geen_gegevens"), **compose.received(request),
            request_types=handled, searched_on=today,
        )
        compose.issue(session, request, "geen_gegevens", f"{REPLY_PREFIX}geen_gegevens", none, ACTOR, send_now=False)
    _draft_standard_refusals(session, request, today)
    _set_status(session, request, RequestStatus.replying, today)


def _draft_standard_refusals(session: Session, request: Request, today: date) -> None:
    region = get_region(request.region_id)
    all_types = [RequestType(r.type) for r in rights(session, request.id)]
    for rtype in all_types:
        if region.rights[rtype].available:
            continue
        if rtype == RequestType.overdraagbaarheid:
            ctx = c.WeigeringOverdraagbaarheidContext(
                **compose.base(session, request, today, compose.requester_addressee(session, request),
                               "weigering_overdraagbaarheid"),
                **compose.received(request), other_request_types=[t for t in all_types if t != rtype],
            )
            compose.issue(session, request, "weigering_overdraagbaarheid", f"{REPLY_PREFIX}{rtype.value}", ctx,
                          ACTOR, send_now=False)
        else:  # a right this region's protocol does not provide (eigen verklaring outside Fryslân)
            ctx = c.WeigeringContext(
                **compose.base(session, request, today, compose.requester_addressee(session, request), "weigering"),
                **compose.received(request), request_type=rtype, full=True,
                withheld=[c.WithheldPart(
                    description=f"Uw verzoek om {rtype.value.replace('_', ' ')}",
                    ground_label="dit recht is in het protocol van deze regio niet geregeld",
                    ground_article=region.rights[rtype].rule.article,
                    motivation=region.rights[rtype].rule.note or "Het protocol voorziet hier niet in.",
                )],
            )
            compose.issue(session, request, "weigering", f"{REPLY_PREFIX}{rtype.value}", ctx, ACTOR, send_now=False)


# ------------------------------------------------------------------ consulting


def consultation_partners(session: Session, request: Request) -> list[str]:
    return [p.partner_slug for p in routing_plan(session, request).consultations]


def open_consultation(session: Session, request: Request, partner_slug: str, today: date) -> None:
    """One consultation task and its letter for one supplying partner (mapped in parallel)."""
    region = get_region(request.region_id)
    partner = _partner(session, region.id, partner_slug)
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
    items = [compose.data_item(session, r) for r in registrations(session, request) if r.partner_id == partner.id]
    subject = session.get(DataSubject, request.subject_id)
    ctx = c.ConsultatieverzoekContext(
        **compose.base(session, request, today, compose.partner_addressee(partner), "consultatieverzoek"),
        **compose.received(request), partner_name=partner.name, betrokkene=compose.person(subject),
        request_types=[RequestType(r.type) for r in rights(session, request.id)], items=items,
        due_on=task.due_on, request_deadline=_protocol_due(session, request, today),
        how_to_answer="Geef per gegeven aan of het van u komt, of het juist is en of het aan de betrokkene "
                      "mag worden verstrekt (zo niet: op welke grond). Antwoord via de procesregisseur.",
    )
    compose.issue(session, request, "consultatieverzoek", f"consult:{partner.slug}", ctx, ACTOR,
                  send_now=True, partner=partner)


def to_deliberation(session: Session, request: Request, today: date) -> None:
    _set_status(session, request, RequestStatus.deliberating, today)


# ------------------------------------------------------------------ decided


def after_decision(session: Session, request: Request, today: date) -> None:
    """Wait for execution where a granted change must be carried out; otherwise draft the
    replies (and tell recipients of changed data, AVG art. 19) and move to replying."""
    rows = rights(session, request.id)
    pending = [
        r for r in rows
        if RequestType(r.type) in NEEDS_EXECUTION and r.outcome in ("granted", "partly") and r.executed_on is None
    ]
    if pending:
        if request.status != RequestStatus.executing.value:
            _set_status(session, request, RequestStatus.executing, today)
        return
    for r in rows:
        _draft_reply(session, request, r, today)
    _notify_recipients(session, request, today)
    _set_status(session, request, RequestStatus.replying, today)


def _answers(session: Session, request: Request) -> dict[int, ItemAnswer]:
    rows = session.exec(select(ItemAnswer).join(ConsultationTask, ItemAnswer.task_id == ConsultationTask.id)
                        .where(ConsultationTask.request_id == request.id))
    return {a.registration_id: a for a in rows}


def _item_decisions(session: Session, request: Request, rtype: str) -> dict[int | None, ItemDecision]:
    rows = session.exec(select(ItemDecision).where(ItemDecision.request_id == request.id,
                                                   ItemDecision.right_type == rtype))
    return {d.registration_id: d for d in rows}


def _referrals(session: Session, request: Request, region) -> list[c.Referral]:
    out = []
    for row in session.exec(select(Referral).where(Referral.request_id == request.id).order_by(Referral.id)):
        partner = session.get(Partner, row.partner_id)
        from models.enums import RoutingTarget

        body = region.routing_body(RoutingTarget(row.target), partner.unit)
        out.append(c.Referral.for_body(body, row.reference, compose.types_of(row.request_types.split(",")),
                                       row.sent_on))
    return out


def _draft_reply(session: Session, request: Request, right, today: date) -> None:
    region = get_region(request.region_id)
    rtype = RequestType(right.type)
    if not region.rights[rtype].available:
        _draft_standard_refusals(session, request, today)
        return
    to = compose.requester_addressee(session, request)
    common = dict(**compose.received(request))
    answers = _answers(session, request)
    decisions = _item_decisions(session, request, right.type)
    whole = decisions.get(None)
    avg_regs = [r for r in registrations(session, request) if r.regime == "avg"]
    key = f"{REPLY_PREFIX}{rtype.value}"

    def refused(reg: CaseRegistration) -> ItemDecision | None:
        d = decisions.get(reg.id) or whole
        return d if d and d.outcome == DecisionOutcome.refused.value else None

    if rtype == RequestType.inzage:
        shown, withheld = [], []
        for reg in avg_regs:
            item = compose.data_item(session, reg)
            answer, dec = answers.get(reg.id), refused(reg)
            if dec is not None:
                withheld.append(compose.withheld_part(region, item, dec.ground or region.refusal_grounds[0].id,
                                                      dec.motivation or ""))
            elif answer is not None and answer.withhold:
                withheld.append(compose.withheld_part(
                    region, item, answer.withhold_ground,
                    answer.note or "De partner die dit gegeven leverde, heeft om deze reden gevraagd het niet te verstrekken.",
                ))
            else:
                shown.append(item)
        referrals = _referrals(session, request, region)
        if shown:
            ctx = c.InzageBesluitContext(
                **compose.base(session, request, today, to, "inzage_besluit"), **common,
                purposes=[compose.purpose_text(region)],
                data_categories=sorted({i.category for i in shown}),
                recipients=sorted({i.supplier for i in shown} | {"de partners in het " + region.rights[rtype].forum}),
                retention=compose.retention_text(region), items=shown, withheld=withheld, referrals=referrals,
            )
            compose.issue(session, request, "inzage_besluit", key, ctx, ACTOR, send_now=False)
        else:
            ctx = c.WeigeringContext(
                **compose.base(session, request, today, to, "weigering"), **common,
                request_type=rtype, full=True, withheld=withheld, referrals=referrals,
            )
            compose.issue(session, request, "weigering", key, ctx, ACTOR, send_now=False)
        return

    if rtype == RequestType.verzet:
        dec = whole or next(iter(decisions.values()))
        outcome = DecisionOutcome(right.outcome)
        execution = None
        if outcome != DecisionOutcome.refused:
            execution = c.Execution(executed_on=right.executed_on,
                                    description="Wij hebben uw gegevens in het dossier van het "
                                                f"{region.short_name} geanonimiseerd; zij worden niet meer gebruikt.")
        ctx = c.BesluitVerzetContext(
            **compose.base(session, request, today, to, "besluit_verzet"), **common,
            processing=f"het gebruik van uw gegevens in het {region.short_name}",
            grounds_given="de bijzondere persoonlijke omstandigheden die u in uw verzoek noemt",
            outcome=outcome,
            considerations=dec.motivation or "Wij hebben uw belang afgewogen tegen het belang van de samenwerking.",
            compelling_grounds=dec.motivation if outcome != DecisionOutcome.granted else None,
            execution=execution,
        )
        compose.issue(session, request, "besluit_verzet", key, ctx, ACTOR, send_now=False)
        return

    # correctie, aanvulling, verwijdering, beperking, eigen verklaring
    items = []
    for reg in avg_regs:
        dec = decisions.get(reg.id) or whole
        if dec is None:
            continue
        outcome = DecisionOutcome(dec.outcome)
        granted = outcome != DecisionOutcome.refused
        items.append(c.ItemDecision(
            description=f"Gegeven van {session.get(Partner, reg.partner_id).name} in casus {reg.casus_ref}",
            outcome=outcome,
            motivation=dec.motivation or "De partner die het gegeven leverde, is het met uw verzoek eens.",
            action=_ACTIONS[rtype] if granted else None,
            executed_on=right.executed_on if granted else None,
            decided_by=session.get(Partner, reg.partner_id).name,
        ))
    ctx = c.BesluitCorrectieContext(
        **compose.base(session, request, today, to, "besluit_correctie"), **common,
        request_type=rtype, requested=_REQUESTED[rtype], decisions=items,
        recipients_informed=sorted(_recipients(session, request)) if rtype in c.ART19_TYPES else [],
    )
    compose.issue(session, request, "besluit_correctie", key, ctx, ACTOR, send_now=False)


_ACTIONS = {
    RequestType.correctie: "Wij hebben het gegeven verbeterd.",
    RequestType.aanvulling: "Wij hebben het gegeven aangevuld.",
    RequestType.verwijdering: "Wij hebben het gegeven verwijderd (geanonimiseerd).",
    RequestType.beperking: "Wij hebben het gebruik van het gegeven beperkt.",
    RequestType.eigen_verklaring: "Wij hebben uw eigen verklaring bij het gegeven gevoegd.",
}
_REQUESTED = {
    RequestType.correctie: "U vroeg ons gegevens over u te verbeteren.",
    RequestType.aanvulling: "U vroeg ons gegevens over u aan te vullen.",
    RequestType.verwijdering: "U vroeg ons gegevens over u te verwijderen.",
    RequestType.beperking: "U vroeg ons het gebruik van gegevens over u te beperken.",
    RequestType.eigen_verklaring: "U vroeg ons uw eigen verklaring bij gegevens over u te voegen.",
}


def _recipients(session: Session, request: Request) -> set[str]:
    """Partners that received the changed data: the other partners in the same casussen."""
    regs = registrations(session, request)
    casussen = {r.casus_ref for r in regs}
    suppliers = {r.partner_id for r in regs}
    rows = session.exec(select(CaseRegistration).where(CaseRegistration.region_id == request.region_id,
                                                       CaseRegistration.casus_ref.in_(casussen)))
    return {session.get(Partner, r.partner_id).name for r in rows if r.partner_id not in suppliers} | {
        session.get(Partner, pid).name for pid in suppliers if _partner_is_avg(session, pid)
    }


def _partner_is_avg(session: Session, partner_id: int) -> bool:
    return session.get(Partner, partner_id).regime == "avg"


def _notify_recipients(session: Session, request: Request, today: date) -> None:
    """AVG art. 19: every recipient of corrected, completed, erased or restricted data."""
    subject = session.get(DataSubject, request.subject_id)
    for right in rights(session, request.id):
        rtype = RequestType(right.type)
        if rtype not in c.ART19_TYPES or right.executed_on is None:
            continue
        for name in sorted(_recipients(session, request)):
            partner = session.exec(select(Partner).where(Partner.region_id == request.region_id,
                                                         Partner.name == name)).first()
            ctx = c.KennisgevingOntvangersContext(
                **compose.base(session, request, today, compose.partner_addressee(partner), "kennisgeving_ontvangers"),
                betrokkene=compose.person(subject), request_type=rtype,
                changes=[c.NotifiedChange(description="Gegevens over de betrokkene", action=_ACTIONS[rtype])],
                decided_on=right.decided_on,
            )
            compose.issue(session, request, "kennisgeving_ontvangers", f"art19:{rtype.value}:{partner.slug}", ctx,
                          ACTOR, send_now=True, partner=partner)


# ------------------------------------------------------------------ close


def close(session: Session, request: Request, today: date) -> None:
    region = get_region(request.region_id)
    for r in rights(session, request.id):
        if r.replied_on is None:
            r.replied_on = today
            session.add(r)
    request.closed_on = today
    request.delete_after = today + relativedelta(years=region.retention.request_file_years)
    _set_status(session, request, RequestStatus.closed, today)


# ------------------------------------------------------------------ daily sweep


def remind_and_escalate(session: Session, request: Request, today: date) -> dict:
    """Reminders before and escalations after a consultation task's due date."""
    region = get_region(request.region_id)
    counts = {"reminders": 0, "escalations": 0}
    tasks = session.exec(select(ConsultationTask).where(ConsultationTask.request_id == request.id,
                                                        ConsultationTask.status == TaskStatus.open.value)).all()
    overdue = []
    for task in tasks:
        partner = session.get(Partner, task.partner_id)
        if today >= task.reminder_on and task.reminded_on is None:
            ctx = c.HerinneringConsultatieContext(
                **compose.base(session, request, today, compose.partner_addressee(partner), "herinnering_consultatie"),
                partner_name=partner.name, consultation_reference=f"{request.reference}-C{task.id}",
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
                                 task_reference=f"{request.reference}-C{t.id}", due_on=t.due_on,
                                 reminder_sent_on=t.reminded_on) for t in overdue],
            request_deadline=_protocol_due(session, request, today),
        )
        compose.issue(session, request, "escalatie_manager", f"escalation:{today.isoformat()}", ctx, ACTOR,
                      send_now=True, recipient_label="manager")
        for t in overdue:
            t.escalated_on = today
            session.add(t)
        audit.record(session, ACTOR, "consultation.escalated", request.id, tasks=[t.id for t in overdue])
        counts["escalations"] += 1
    return counts
