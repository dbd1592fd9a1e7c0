"""The replies to the betrokkene, built from the decisions, and the notices to recipients
of changed data (AVG art. 19). Drafted when a request moves to ``replying``; redated when
the coordinator sends them (a letter carries the date it is sent: the bezwaar period of an
Awb-besluit runs from there).

Every reply is a decision with the remedies that follow who decided (models/letters/remedies):
the partners that supplied the data it is about, or all controllers together where it is
about no partner's data (no data found, a standard refusal)."""
from datetime import date

from sqlmodel import Session, select

from models import recipients as recipients_log
from models.actions.decisions import affected
from models.enums import DecisionOutcome, PartnerKind, Regime, RequestType, RoutingTarget
from models.letters import compose
from models.letters import context as c
from models.letters.categories import REGIME_LABELS, default_in, mark_of, strictest
from models.letters.render import RIGHT_LABELS
from models.region_config import get_region, running_name
from models.state import registrations, rights

REPLY_PREFIX = "reply:"  # the idempotency keys of replies to the betrokkene
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
# The eigen verklaring (issue 18 point 6): added unless there is a ground; the part about this
# item is attached to it (and printed below the action).
STATEMENT_ACTION = "Wij hebben het deel van {verklaring} over dit gegeven erbij gevoegd."
STATEMENT_ADDED = ("Een eigen verklaring voegen wij toe als iemand het niet eens is met wat er in het dossier "
                   "staat. Daarvoor hoeft het gegeven niet onjuist te zijn.")


def _verklaring(w) -> str:
    """"uw eigen verklaring", or to a representative "de eigen verklaring van uw kind"."""
    return w.van("de eigen verklaring") if w.rep else "uw eigen verklaring"


def statement_ground_words(region, ground: str | None) -> tuple[str | None, str | None]:
    """The ground of a refused eigen verklaring in plain words, and its reference."""
    from models.statement import statement_ground

    if not ground:
        return None, None
    own = statement_ground(ground)
    if own is not None:
        return own.plain, own.law
    try:
        g = region.refusal_ground(ground)
    except KeyError:
        return None, None
    return g.plain, f"{g.law} ({g.label}); artikel 23 lid 1 AVG; {g.rule.article}"
REQUESTED = {
    RequestType.correctie: "U vroeg ons gegevens over {over} te verbeteren.",
    RequestType.aanvulling: "U vroeg ons gegevens over {over} aan te vullen.",
    RequestType.verwijdering: "U vroeg ons gegevens over {over} te verwijderen.",
    RequestType.beperking: "U vroeg ons het gebruik van gegevens over {over} te beperken.",
    RequestType.eigen_verklaring: "U vroeg ons {verklaring} bij gegevens over {over} te voegen.",
}
# What the recipients are told (AVG art. 19). A granted verzet is carried out by anonymising
# the items: for recipients that is erasure (AVG art. 17(1)(c)). An attached eigen verklaring
# completes the data (AVG art. 16: "door een aanvullende verklaring").
NOTICE_TYPE = {
    RequestType.correctie: RequestType.correctie,
    RequestType.aanvulling: RequestType.aanvulling,
    RequestType.verwijdering: RequestType.verwijdering,
    RequestType.beperking: RequestType.beperking,
    RequestType.verzet: RequestType.verwijdering,
    RequestType.eigen_verklaring: RequestType.eigen_verklaring,
}
ZVH_STAFF = "De medewerkers van het {org} die {zaak} begeleiden."


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
        request_types=handled, searched_on=today, remedies=compose.remedies(session, request),
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
    joint = compose.remedies(session, request)  # a right the protocol does not give: all controllers
    if rtype == RequestType.overdraagbaarheid:
        ctx = c.WeigeringOverdraagbaarheidContext(
            **compose.base(session, request, today, to, "weigering_overdraagbaarheid"), **compose.received(request),
            other_request_types=[t for t in all_types if t != rtype], remedies=joint,
        )
        compose.issue(session, request, "weigering_overdraagbaarheid", key, ctx, actor, send_now=False, redate=redate, right=rtype)
        return
    rule = region.rights[rtype]  # a right this region's protocol does not provide
    ctx = c.WeigeringContext(
        **compose.base(session, request, today, to, "weigering"), **compose.received(request),
        request_type=rtype, full=True, remedies=joint,
        withheld=[c.WithheldPart(
            description=f"Uw verzoek om {RIGHT_LABELS[rtype]}",
            ground_label="dit recht staat niet in het protocol van deze regio",
            ground_plain="dit recht geldt niet bij de samenwerking in deze regio",
            ground_law=None,
            ground_article=rule.rule.article,
            motivation=rule.rule.note or "Het protocol voorziet hier niet in.",
        )],
    )
    compose.issue(session, request, "weigering", key, ctx, actor, send_now=False, redate=redate, right=rtype)


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
        out.append(c.Referral.for_body(body, row.reference, compose.types_of(row.request_types),
                                       row.sent_on))
    return out


def withheld_items(session: Session, request: Request) -> dict[int, tuple[str, str | None]]:
    """Registration id -> (refusal ground, explanation for the betrokkene) of every AVG item the
    inzage reply withholds: refused by the forum, or withheld at the supplier's request."""
    decisions = {d.registration_id: d for d in session.exec(
        select(ItemDecision).where(ItemDecision.request_id == request.id, ItemDecision.right_type == "inzage"))}
    answers = _answers(session, request)
    out = {}
    region = get_region(request.region_id)
    for reg in (r for r in registrations(session, request) if r.regime == "avg"):
        decision = decisions.get(reg.id) or decisions.get(None)
        answer = answers.get(reg.id)
        if decision is not None and decision.outcome == DecisionOutcome.refused.value:
            ground = decision.ground or next(g.id for g in region.refusal_grounds if g.uavg == "i")
            out[reg.id] = (ground, decision.motivation)
        elif answer is not None and answer.withhold:
            out[reg.id] = (answer.withhold_ground, answer.explanation)
    return out


def categories(session: Session, request: Request, withheld: set[int]) -> list[c.Category]:
    """Item b: every category processed, the withheld ones too; police and OM data only by
    their regime, never their own category text. Each marked by what its items are: the
    supplier's answer about the item, else the supplier's default (models/letters/categories.py);
    a category whose items are marked differently shows the strictest mark."""
    region = get_region(request.region_id)
    answers = _answers(session, request)
    out: dict[str, c.Category] = {}
    for reg in registrations(session, request):
        partner = session.get(Partner, reg.partner_id)
        regime = Regime(reg.regime)
        if regime != Regime.avg:
            label = REGIME_LABELS[regime]
            who = "De politie" if regime == Regime.wpg else "Het Openbaar Ministerie"
            out.setdefault(label, c.Category(label=label, mark="criminal",
                                             note=f"{who} beslist zelf over inzage in deze gegevens."))
            continue
        answer = answers.get(reg.id)
        said = answer.special_category if answer is not None and answer.supplied_by_us else None
        mark = mark_of(regime, PartnerKind(partner.kind), special=said,
                       default=default_in(region, partner.slug, PartnerKind(partner.kind)))
        note = "Dit deel krijgt u niet; zie hieronder." if reg.id in withheld else None
        current = out.get(reg.category)
        if current is not None:
            mark = strictest(mark, current.mark)
            note = note if current.note else None  # a shown item wins over a withheld one
        out[reg.category] = c.Category(label=reg.category, mark=mark, note=note)
    return sorted(out.values(), key=lambda x: (x.label in REGIME_LABELS.values(), x.label.casefold()))


def recipient_lines(session: Session, request: Request) -> list[str]:
    """Item c: to whom the betrokkene's data were disclosed (the recipients log), not the
    suppliers as such, and the ZVH's own staff."""
    region = get_region(request.region_id)
    recipients_log.ensure_casus_disclosures(session, request)
    names = [compose_name(r.name) for r in recipients_log.all_recipients(session, registrations(session, request))]
    lines = []
    if names:
        lines.append(f"{opsomming(names)}: {meeting_phrase(region)}.")
    lines.append(ZVH_STAFF.format(org=region.letterhead.organisation,
                                  zaak=compose.words(session, request).van("de zaak")))
    return lines


def meeting_phrase(region) -> str:
    """Where the partners saw the data: the region's own name for the casusoverleg."""
    forum = next((f for f in region.forums if f.id == "casusoverleg"), None)
    return f"zij doen mee aan {forum.letter_name}" if forum else "zij doen mee aan de samenwerking"


def opsomming(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} en {names[-1]}"


def compose_name(name: str) -> str:
    return running_name(name)


def _inzage(session, request, right, today, actor, redate) -> None:
    region = get_region(request.region_id)
    rtype = RequestType.inzage
    withheld_map = withheld_items(session, request)
    own = [r for r in registrations(session, request) if r.regime == "avg"]
    shown, withheld = [], []
    for reg in own:
        item = compose.data_item(session, reg, request)
        if reg.id in withheld_map:
            ground, explanation = withheld_map[reg.id]
            withheld.append(compose.withheld_part(region, item, ground, explanation))
        else:
            shown.append(item)
    to = compose.requester_addressee(session, request)
    key = f"{REPLY_PREFIX}{rtype.value}"
    remedies = compose.remedies(session, request, own)
    # Also when every item is withheld: a refusal of inzage is an inzage decision with items a-h
    # (art. 15 lid 1 AVG); art. 41 lid 1 UAVG restricts only "voor zover" necessary.
    ctx = c.InzageBesluitContext(
        **compose.base(session, request, today, to, "inzage_besluit"), **compose.received(request),
        purposes=compose.purposes(region),
        data_categories=categories(session, request, set(withheld_map)),
        recipients=recipient_lines(session, request),
        retention=compose.retention(region), items=shown, withheld=withheld,
        referrals=referrals(session, request), remedies=remedies,
    )
    compose.issue(session, request, "inzage_besluit", key, ctx, actor, send_now=False, redate=redate, right=rtype)


def _verzet(session, request, right, today, actor, redate) -> None:
    region = get_region(request.region_id)
    decided = affected(session, request, RequestType.verzet)
    outcome = DecisionOutcome(right.outcome)
    org = region.letterhead.organisation
    w = compose.words(session, request)
    parts, seen = [], set()
    for reg, d in decided:
        if d.id in seen:
            continue
        seen.add(d.id)
        partner = session.get(Partner, reg.partner_id)
        whole = d.registration_id is None
        parts.append(c.VerzetPart(
            description=f"{w.gegevens} in het {org}" if whole else f"{reg.category}, in casus {reg.casus_ref}",
            outcome=DecisionOutcome(d.outcome),
            weighing=d.weighing or d.motivation or f"Wij hebben {w.van('de situatie')} gewogen tegen het belang van het gebruik.",
            compelling_grounds=d.compelling_grounds or (d.motivation if d.outcome != "granted" else None),
            decided_by=None if whole else partner.name,
        ))
    execution = None
    if outcome != DecisionOutcome.refused:
        partly = any(p.outcome != DecisionOutcome.granted for p in parts)
        execution = c.Execution(
            executed_on=right.executed_on,
            description=f"Wij hebben {w.gegevens} in het dossier van het {org} geanonimiseerd"
                        + (" voor zover wij uw verzet toewijzen" if partly else "")
                        + ". Zij worden niet meer gebruikt.",
        )
    situation = (right.statement or "").strip()
    recorded = [d.situation for _, d in decided if d.situation]
    if recorded:
        situation = recorded[0]
    ctx = c.BesluitVerzetContext(
        **compose.base(session, request, today, compose.requester_addressee(session, request), "besluit_verzet"),
        **compose.received(request),
        processing=f"het gebruik van {w.gegevens} in het {org}",
        situation=situation or "U heeft in uw verzoek geen bijzondere persoonlijke situatie beschreven.",
        outcome=outcome, parts=parts, execution=execution,
        recipients_informed=[r.name for r in notice_recipients(session, request, RequestType.verzet)]
        if execution else [],
        remedies=compose.remedies(session, request, [reg for reg, _ in decided],
                                  granted_regs=[reg for reg, d in decided if d.outcome == DecisionOutcome.granted.value]),
    )
    compose.issue(session, request, "besluit_verzet", f"{REPLY_PREFIX}verzet", ctx, actor, send_now=False,
                  right=RequestType.verzet,
                  redate=redate)


def _correction(session, request, right, today, actor, redate) -> None:
    rtype = RequestType(right.type)
    region = get_region(request.region_id)
    w = compose.words(session, request)
    statement = rtype == RequestType.eigen_verklaring
    items, regs, granted_regs = [], [], []
    for reg, decision in affected(session, request, rtype):
        partner = session.get(Partner, reg.partner_id)
        granted = decision.outcome != DecisionOutcome.refused.value
        regs.append(reg)
        if decision.outcome == DecisionOutcome.granted.value:
            granted_regs.append(reg)
        ground_plain = ground_ref = None
        if statement and decision.outcome != DecisionOutcome.granted.value:
            ground_plain, ground_ref = statement_ground_words(region, decision.ground)
        items.append(c.ItemDecision(
            description=f"{reg.category}, geleverd door {compose_name(partner.name)} (casus {reg.casus_ref})",
            outcome=DecisionOutcome(decision.outcome),
            motivation=decision.motivation or (STATEMENT_ADDED if statement else
                                               "De organisatie die het gegeven leverde, is het met uw verzoek eens."),
            action=(ACTIONS[rtype] if not statement else STATEMENT_ACTION.format(verklaring=_verklaring(w)))
            if granted else None,
            executed_on=right.executed_on if granted else None,
            decided_by=partner.name,
            # the part of the statement attached to this item (issue 18 point 6)
            statement=reg.eigen_verklaring if statement and granted and right.executed_on else None,
            ground_plain=ground_plain, ground_ref=ground_ref,
        ))
    requested = REQUESTED[rtype].format(over=w.over, verklaring=_verklaring(w))
    ctx = c.BesluitCorrectieContext(
        **compose.base(session, request, today, compose.requester_addressee(session, request), "besluit_correctie"),
        **compose.received(request), request_type=rtype, decisions=items,
        requested=requested + (f' U schreef: "{right.statement}"' if right.statement else ""),
        recipients_informed=[r.name for r in notice_recipients(session, request, rtype)],
        remedies=compose.remedies(session, request, regs, granted_regs),
    )
    compose.issue(session, request, "besluit_correctie", f"{REPLY_PREFIX}{rtype.value}", ctx, actor, right=rtype,
                  send_now=False, redate=redate)


def changed(session: Session, request: Request, rtype: RequestType) -> list[CaseRegistration]:
    """The registrations a granted (part of a) decision on ``rtype`` changed."""
    right = session.exec(select(RequestRight).where(
        RequestRight.request_id == request.id, RequestRight.type == rtype.value)).first()
    if right is None or right.executed_on is None:
        return []
    return [reg for reg, d in affected(session, request, rtype) if d.outcome == DecisionOutcome.granted.value]


def notice_recipients(session: Session, request: Request, rtype: RequestType) -> list[recipients_log.Recipient]:
    """Who is told of the change (AVG art. 19): every recipient of a changed registration
    except the partner that supplied it. Police and OM recipients too."""
    recipients_log.ensure_casus_disclosures(session, request)
    return recipients_log.all_recipients(session, changed(session, request, rtype))


def recipients(session: Session, request: Request) -> list[recipients_log.Recipient]:
    """Everyone who received any of the betrokkene's registrations (the recipients log)."""
    recipients_log.ensure_casus_disclosures(session, request)
    return recipients_log.all_recipients(session, registrations(session, request))


def notify_recipients(session: Session, request: Request, today: date, actor: str) -> None:
    """AVG art. 19: tell every recipient what was corrected, completed, erased or restricted
    (also the erasure that carries out a granted verzet and an attached eigen verklaring),
    except the partner that supplied the item."""
    recipients_log.ensure_casus_disclosures(session, request)
    for right in rights(session, request.id):
        rtype = RequestType(right.type)
        if rtype not in NOTICE_TYPE or right.executed_on is None:
            continue
        regs = changed(session, request, rtype)
        per_recipient: dict[str, tuple[recipients_log.Recipient, list[CaseRegistration]]] = {}
        for reg in regs:
            for r in recipients_log.recipients_of(session, reg):
                per_recipient.setdefault(r.key, (r, []))[1].append(reg)
        for key, (recipient, recipient_regs) in sorted(per_recipient.items()):
            changes = [
                c.NotifiedChange(description=f"{reg.category} (casus {reg.casus_ref})",
                                 action=_notice_action(rtype, reg))
                for reg in recipient_regs
            ]
            partner = session.get(Partner, recipient.partner_id) if recipient.partner_id else None
            if partner is not None:
                to = compose.partner_addressee(partner)
            else:
                lines = [x.strip() for x in (recipient.address or "").split(",") if x.strip()] or ["unverified"]
                to = c.Addressee(name=recipient.name, address_lines=lines)
            ctx = c.KennisgevingOntvangersContext(
                **compose.base(session, request, today, to, "kennisgeving_ontvangers"),
                betrokkene=compose.person(request), request_type=NOTICE_TYPE[rtype], changes=changes,
                decided_on=right.decided_on, after_verzet=rtype == RequestType.verzet,
            )
            compose.issue(session, request, "kennisgeving_ontvangers", f"art19:{rtype.value}:{key}", ctx,
                          actor, send_now=True, partner=partner, recipient_label=None if partner else key)


def _notice_action(rtype: RequestType, reg: CaseRegistration) -> str:
    if rtype in (RequestType.correctie, RequestType.aanvulling):
        return f"{'verbeterd' if rtype == RequestType.correctie else 'aangevuld'}; de tekst is nu: {reg.description}"
    if rtype == RequestType.beperking:
        return "het gebruik is beperkt: alleen nog bewaren"
    if rtype == RequestType.eigen_verklaring:
        return f"aangevuld met de verklaring van de betrokkene: {reg.eigen_verklaring}"
    return "verwijderd (geanonimiseerd)" + (" na verzet van de betrokkene" if rtype == RequestType.verzet else "")
