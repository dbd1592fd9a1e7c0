"""From the database to letters: build a letter's context, render it, keep it as a draft,
and (for letters that need no approval) send it through the outbox at once.

The flows and actions call this; the templates never look anything up themselves.
"""
from datetime import date

from sqlmodel import Session, select

from models import outbox
from models.enums import DecisionOutcome, NotificationChannel, RequestType
from models.letters import context as c
from models.letters import store
from models.letters.kinds import Recipient, get_kind
from models.letters.render import render_html
from models.region_config import RegionConfig, get_region
from models.tables import CaseRegistration, Letter, Partner, Representative, Request

def letter_key(request: Request, suffix: str) -> str:
    return f"{request.id}:{suffix}"


def subject_line(request: Request, kind_id: str) -> str:
    """Mail subject and outbox subject: reference and kind only, never personal data."""
    return f"{request.reference} {kind_id}"


def _lines(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def person(request: Request) -> c.Person:
    """The betrokkene as given with this request (a later move does not rewrite old letters)."""
    return c.Person(
        name=request.subject_name,
        birth_date=date.fromisoformat(request.subject_birth_date) if request.subject_birth_date else None,
        address_lines=_lines(request.subject_address),
    )


def requester_addressee(session: Session, request: Request) -> c.Addressee:
    """Replies go to whoever made the request: the betrokkene or their representative."""
    rep = session.exec(select(Representative).where(Representative.request_id == request.id)).first()
    if rep is not None:
        return c.Addressee(name=rep.name, address_lines=_lines(rep.address))
    return c.Addressee(name=request.subject_name, address_lines=_lines(request.subject_address))


def partner_addressee(partner: Partner) -> c.Addressee:
    return c.Addressee(name=partner.name, address_lines=[partner.name], attention="t.a.v. de contactpersoon ZVH")


def manager_addressee(region: RegionConfig) -> c.Addressee:
    return c.Addressee(
        name=region.roles.manager, address_lines=[region.letterhead.organisation], salutation="Beste collega"
    )


def base(session: Session, request: Request, today: date, addressee: c.Addressee, kind_id: str) -> dict:
    fields = dict(
        region=get_region(request.region_id),
        reference=request.reference,
        letter_date=today,
        addressee=addressee,
        subject_line=get_kind(kind_id).title,
    )
    rep = session.exec(select(Representative).where(Representative.request_id == request.id)).first()
    if rep is not None and get_kind(kind_id).recipient == Recipient.betrokkene:
        birth = request.subject_birth_date
        born = f", geboren {date.fromisoformat(birth).strftime('%d-%m-%Y')}" if birth else ""
        fields["on_behalf_of"] = f"uw cliënt of vertegenwoordigde {request.subject_name}{born}"
    return fields


def received(request: Request) -> dict:
    return {"received_on": request.first_received_on}


def data_item(session: Session, reg: CaseRegistration) -> c.DataItem:
    partner = session.get(Partner, reg.partner_id)
    return c.DataItem(
        casus=reg.casus_ref, supplier=partner.name, category=reg.category,
        description=reg.description, recorded_on=reg.supplied_on,
    )


def purposes(region: RegionConfig) -> list[str]:
    """Item a of the inzage reply: the region's purposes, each with its article."""
    return [f"{p.text} ({p.rule.article})" for p in region.inzage_information.purposes]


def retention(region: RegionConfig) -> str:
    """Item d of the inzage reply: how long the data are kept, with the article."""
    info = region.inzage_information
    return f"{info.retention_text} ({info.retention_rule.article})"


def issue(
    session: Session,
    request: Request,
    kind_id: str,
    key_suffix: str,
    ctx: c.LetterContext,
    actor: str,
    *,
    send_now: bool,
    partner: Partner | None = None,
    recipient_label: str | None = None,
    redate: bool = False,
) -> Letter:
    """Render and keep a letter (idempotent on its key); send it now unless it needs approval.

    With ``redate`` an existing draft is rendered again from ``ctx`` (its new date) and
    edited; a letter that is approved or sent is never touched."""
    letter = existing(session, request, key_suffix)
    if letter is not None:
        if redate and letter.status == store.DRAFT:
            store.edit_draft(session, letter.id, render_html(kind_id, ctx), actor)
        return letter
    html = render_html(kind_id, ctx)
    letter = store.create_draft(
        session, request.id, kind_id, letter_key(request, key_suffix), html, actor,
        recipient_partner_id=partner.id if partner else None,
    )
    if send_now:
        send(session, request, letter, actor, recipient_label=recipient_label)
    return letter


def existing(session: Session, request: Request, key_suffix: str) -> Letter | None:
    return session.exec(select(Letter).where(Letter.key == letter_key(request, key_suffix))).first()


def send(session: Session, request: Request, letter: Letter, actor: str, recipient_label: str | None = None) -> None:
    """Approve (if needed), freeze and put the letter in the outbox."""
    store.approve(session, letter.id, actor)
    store.mark_sent(session, letter.id, actor)
    channel, recipient = _route(session, request, letter, recipient_label)
    outbox.enqueue(
        session,
        key=letter.key,
        request_id=request.id,
        kind=letter.kind,
        channel=channel,
        recipient=recipient,
        subject=subject_line(request, letter.kind),
        body=letter.html,
    )


def _route(session: Session, request: Request, letter: Letter, label: str | None) -> tuple[str, str]:
    """Partners get the letter through their configured channel; everyone else by post
    (the file transport: printed and posted by the office)."""
    kind = get_kind(letter.kind)
    if kind.recipient in (Recipient.partner, Recipient.ontvanger) and letter.recipient_partner_id:
        partner = session.get(Partner, letter.recipient_partner_id)
        if partner.notification_address and partner.notification_channel != NotificationChannel.file.value:
            return partner.notification_channel, partner.notification_address
        return NotificationChannel.file.value, partner.slug
    return NotificationChannel.file.value, label or kind.recipient.value


def withheld_part(region: RegionConfig, item: c.DataItem, ground: str, motivation: str) -> c.WithheldPart:
    return c.WithheldPart.from_ground(
        region, ground,
        description=f"Gegevens van {item.supplier} in casus {item.casus} ({item.category})",
        motivation=motivation, supplier=item.supplier,
    )


def outcome_of(right_outcome: str | None) -> DecisionOutcome:
    return DecisionOutcome(right_outcome) if right_outcome else DecisionOutcome.refused


def types_of(values) -> list[RequestType]:
    return [RequestType(v) for v in values]
