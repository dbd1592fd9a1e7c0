"""The replies to the betrokkene, built from the decisions, and the notices to recipients
of changed data (AVG art. 19). Drafted when a request moves to ``replying``; redated when
the coordinator sends them (a letter carries the date it is sent: the bezwaar period of an
Awb-besluit runs from there)."""
from datetime import date

from sqlmodel import Session, select

from models.actions.decisions import affected
from models.enums import DecisionOutcome, RequestType, RoutingTarget
from models.letters import compose
from models.letters import context as c
from models.region_config import get_region
from models.state import REPLY_PREFIX, registrations, rights
from models.tables import (
    CaseRegistration,
    ConsultationTask,
    ItemAnswer,
    ItemDecision,
    Partner,
    Referral,
    Request,
    RequestRight,
)

ACTIONS = {
    RequestType.correctie: "Wij hebben het gegeven verbeterd.",
    RequestType.aanvulling: "Wij hebben het gegeven aangevuld.",
    RequestType.verwijdering: "Wij hebben het gegeven verwijderd (geanonimiseerd).",
    RequestType.beperking: "Wij hebben het gebruik van het gegeven beperkt.",
    RequestType.eigen_verklaring: "Wij hebben uw eigen verklaring bij het gegeven gevoegd.",
}
REQUESTED = {
    RequestType.correctie: "U vroeg ons gegevens over u te verbeteren.",
    RequestType.aanvulling: "U vroeg ons gegevens over u aan te vullen.",
    RequestType.verwijdering: "U vroeg ons gegevens over u te verwijderen.",
    RequestType.beperking: "U vroeg ons het gebruik van gegevens over u te beperken.",
    RequestType.eigen_verklaring: "U vroeg ons uw eigen verklaring bij gegevens over u te voegen.",
}
# A granted verzet is carried out by anonymising the items: for recipients that is erasure
# (AVG art. 17(1)(c)), which art. 19 requires us to report.
NOTICE_TYPE = {
    RequestType.correctie: RequestType.correctie,
    RequestType.aanvulling: RequestType.aanvulling,
    RequestType.verwijdering: RequestType.verwijdering,
    RequestType.beperking: RequestType.beperking,
    RequestType.verzet: RequestType.verwijdering,
}


def draft_all(session: Session, request: Request, today: date, actor: str) -> None:
    for right in rights(session, request.id):
        draft_reply(session, request, right, today, actor)


def redate_drafts(session: Session, request: Request, today: date, actor: str) -> None:
    """Render every unsent reply again with ``today`` as its date (edits the draft)."""
    for right in rights(session, request.id):
        draft_reply(session, request, right, today, actor, redate=True)
    if not [r for r in rights(session, request.id) if get_region(request.region_id).rights[RequestType(r.type)].available]:
        return
    no_data = compose.existing(session, request, f"{REPLY_PREFIX}geen_gegevens")
    if no_data is not None:
        draft_no_data(session, request, today, actor, redate=True)


def draft_no_data(session: Session, request: Request, today: date, actor: str, redate: bool = False) -> None:
    region = get_region(request.region_id)
    handled = [RequestType(r.type) for r in rights(session, request.id) if region.rights[RequestType(r.type)].available]
    to = compose.requester_addressee(session, request)
    ctx = c.GeenGegevensContext(
        **compose.base(session, request, today, to, "geen_gegevens"), **compose.received(request),
        request_types=handled, searched_on=today,
    )
    compose.issue(session, request, "geen_gegevens", f"{REPLY_PREFIX}geen_gegevens", ctx, actor,
                  send_now=False, redate=redate)


def draft_reply(session: Session, request: Request, right: RequestRight, today: date, actor: str,
                redate: bool = False) -> None:
    region = get_region(request.region_id)
    rtype = RequestType(right.type)
    key = f"{REPLY_PREFIX}{rtype.value}"
    if redate and compose.existing(session, request, key) is None:
        return
    if not region.rights[rtype].available:
        _standard_refusal(session, request, rtype, today, actor, redate)
    elif right.outcome is None:
        return  # answered by the referral notice or the no-data letter
    elif rtype == RequestType.inzage:
        _inzage(session, request, right, today, actor, redate)
    elif rtype == RequestType.verzet:
        _verzet(session, request, right, today, actor, redate)
    else:
        _correction(session, request, right, today, actor, redate)


def _standard_refusal(session, request, rtype, today, actor, redate) -> None:
    region = get_region(request.region_id)
    all_types = [RequestType(r.type) for r in rights(session, request.id)]
    to = compose.requester_addressee(session, request)
    key = f"{REPLY_PREFIX}{rtype.value}"
    if rtype == RequestType.overdraagbaarheid:
        ctx = c.WeigeringOverdraagbaarheidContext(
            **compose.base(session, request, today, to, "weigering_overdraagbaarheid"), **compose.received(request),
            other_request_types=[t for t in all_types if t != rtype],
        )
        compose.issue(session, request, "weigering_overdraagbaarheid", key, ctx, actor, send_now=False, redate=redate)
        return
    rule = region.rights[rtype]  # a right this region's protocol does not provide
    ctx = c.WeigeringContext(
        **compose.base(session, request, today, to, "weigering"), **compose.received(request),
        request_type=rtype, full=True,
        withheld=[c.WithheldPart(
            description=f"Uw verzoek om {rtype.value.replace('_', ' ')}",
            ground_label="dit recht is in het protocol van deze regio niet geregeld",
            ground_article=rule.rule.article,
            motivation=rule.rule.note or "Het protocol voorziet hier niet in.",
        )],
    )
    compose.issue(session, request, "weigering", key, ctx, actor, send_now=False, redate=redate)


def _answers(session: Session, request: Request) -> dict[int, ItemAnswer]:
    rows = session.exec(select(ItemAnswer).join(ConsultationTask, ItemAnswer.task_id == ConsultationTask.id)
                        .where(ConsultationTask.request_id == request.id))
    return {a.registration_id: a for a in rows}


def referrals(session: Session, request: Request) -> list[c.Referral]:
    region = get_region(request.region_id)
    out = []
    for row in session.exec(select(Referral).where(Referral.request_id == request.id).order_by(Referral.id)):
        partner = session.get(Partner, row.partner_id)
        body = region.routing_body(RoutingTarget(row.target), partner.unit)
        out.append(c.Referral.for_body(body, row.reference, compose.types_of(row.request_types.split(",")),
                                       row.sent_on))
    return out


def _inzage(session, request, right, today, actor, redate) -> None:
    region = get_region(request.region_id)
    rtype = RequestType.inzage
    decisions = {d.registration_id: d for d in session.exec(
        select(ItemDecision).where(ItemDecision.request_id == request.id, ItemDecision.right_type == rtype.value))}
    answers = _answers(session, request)
    shown, withheld = [], []
    for reg in (r for r in registrations(session, request) if r.regime == "avg"):
        item = compose.data_item(session, reg)
        decision = decisions.get(reg.id) or decisions.get(None)
        answer = answers.get(reg.id)
        if decision is not None and decision.outcome == DecisionOutcome.refused.value:
            withheld.append(compose.withheld_part(region, item, decision.ground or region.refusal_grounds[0].id,
                                                  decision.motivation or ""))
        elif answer is not None and answer.withhold:
            withheld.append(compose.withheld_part(
                region, item, answer.withhold_ground,
                answer.note or "De partner die dit gegeven leverde, vroeg om het om deze reden niet te verstrekken.",
            ))
        else:
            shown.append(item)
    to = compose.requester_addressee(session, request)
    key = f"{REPLY_PREFIX}{rtype.value}"
    if shown:
        ctx = c.InzageBesluitContext(
            **compose.base(session, request, today, to, "inzage_besluit"), **compose.received(request),
            purposes=compose.purposes(region),
            data_categories=sorted({i.category for i in shown}),
            recipients=sorted({i.supplier for i in shown} | {"de partners in het " + region.rights[rtype].forum}),
            retention=compose.retention(region), items=shown, withheld=withheld,
            referrals=referrals(session, request),
        )
        compose.issue(session, request, "inzage_besluit", key, ctx, actor, send_now=False, redate=redate)
    else:
        ctx = c.WeigeringContext(
            **compose.base(session, request, today, to, "weigering"), **compose.received(request),
            request_type=rtype, full=True, withheld=withheld, referrals=referrals(session, request),
        )
        compose.issue(session, request, "weigering", key, ctx, actor, send_now=False, redate=redate)


def _verzet(session, request, right, today, actor, redate) -> None:
    region = get_region(request.region_id)
    decided = affected(session, request, RequestType.verzet)
    refused = [d for _, d in decided if d.outcome == DecisionOutcome.refused.value]
    outcome = DecisionOutcome(right.outcome)
    execution = None
    if outcome != DecisionOutcome.refused:
        execution = c.Execution(
            executed_on=right.executed_on,
            description=f"Wij hebben uw gegevens in het dossier van het {region.short_name} geanonimiseerd"
                        + (" voor zover wij uw verzet toewijzen" if refused else "")
                        + "; zij worden niet meer gebruikt.",
        )
    ctx = c.BesluitVerzetContext(
        **compose.base(session, request, today, compose.requester_addressee(session, request), "besluit_verzet"),
        **compose.received(request),
        processing=f"het gebruik van uw gegevens in het {region.short_name}",
        grounds_given=right.statement or "de bijzondere persoonlijke omstandigheden die u in uw verzoek noemt",
        outcome=outcome,
        considerations="Wij hebben uw persoonlijke situatie afgewogen tegen het belang van de samenwerking "
                       f"in het {region.rights[RequestType.verzet].forum}.",
        compelling_grounds=refused[0].motivation if refused else None,
        execution=execution,
    )
    compose.issue(session, request, "besluit_verzet", f"{REPLY_PREFIX}verzet", ctx, actor, send_now=False,
                  redate=redate)


def _correction(session, request, right, today, actor, redate) -> None:
    rtype = RequestType(right.type)
    items = []
    for reg, decision in affected(session, request, rtype):
        partner = session.get(Partner, reg.partner_id)
        granted = decision.outcome != DecisionOutcome.refused.value
        items.append(c.ItemDecision(
            description=f"{reg.category}, geleverd door {partner.name} (casus {reg.casus_ref})",
            outcome=DecisionOutcome(decision.outcome),
            motivation=decision.motivation or "De partner die het gegeven leverde, is het met uw verzoek eens.",
            action=ACTIONS[rtype] if granted else None,
            executed_on=right.executed_on if granted else None,
            decided_by=partner.name,
        ))
    ctx = c.BesluitCorrectieContext(
        **compose.base(session, request, today, compose.requester_addressee(session, request), "besluit_correctie"),
        **compose.received(request), request_type=rtype, decisions=items,
        requested=REQUESTED[rtype] + (f' U schreef: "{right.statement}"' if right.statement else ""),
        recipients_informed=sorted(p.name for p in recipients(session, request)) if rtype in NOTICE_TYPE else [],
    )
    compose.issue(session, request, "besluit_correctie", f"{REPLY_PREFIX}{rtype.value}", ctx, actor,
                  send_now=False, redate=redate)


def recipients(session: Session, request: Request) -> list[Partner]:
    """Who received the betrokkene's data from the ZVH: the other AVG partners in the same
    casussen (police and OM data are not shared onwards through the ZVH file)."""
    regs = registrations(session, request)
    casussen = {r.casus_ref for r in regs}
    rows = session.exec(select(CaseRegistration).where(
        CaseRegistration.region_id == request.region_id, CaseRegistration.casus_ref.in_(casussen)))
    ids = sorted({r.partner_id for r in rows})
    return [p for p in (session.get(Partner, i) for i in ids) if p.regime == "avg"]


def notify_recipients(session: Session, request: Request, today: date, actor: str) -> None:
    """AVG art. 19: tell every recipient what was corrected, completed, erased or restricted,
    except the partner who supplied (and so decided on) that item itself."""
    for right in rights(session, request.id):
        rtype = RequestType(right.type)
        if rtype not in NOTICE_TYPE or right.executed_on is None:
            continue
        changed = [(reg, d) for reg, d in affected(session, request, rtype) if d.outcome == DecisionOutcome.granted.value]
        for partner in recipients(session, request):
            changes = [
                c.NotifiedChange(description=f"{reg.category} (casus {reg.casus_ref})",
                                 action=_notice_action(rtype, reg))
                for reg, _ in changed if reg.partner_id != partner.id
            ]
            if not changes:
                continue
            ctx = c.KennisgevingOntvangersContext(
                **compose.base(session, request, today, compose.partner_addressee(partner), "kennisgeving_ontvangers"),
                betrokkene=compose.person(request), request_type=NOTICE_TYPE[rtype], changes=changes,
                decided_on=right.decided_on,
            )
            compose.issue(session, request, "kennisgeving_ontvangers", f"art19:{rtype.value}:{partner.slug}", ctx,
                          actor, send_now=True, partner=partner)


def _notice_action(rtype: RequestType, reg: CaseRegistration) -> str:
    if rtype in (RequestType.correctie, RequestType.aanvulling):
        return f"{'verbeterd' if rtype == RequestType.correctie else 'aangevuld'}; de tekst is nu: {reg.description}"
    if rtype == RequestType.beperking:
        return "het gebruik is beperkt: alleen nog bewaren"
    return "verwijderd (geanonimiseerd)" + (" na verzet van de betrokkene" if rtype == RequestType.verzet else "")
