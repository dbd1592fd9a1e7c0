"""From the database to letters: build a letter's context, render it, keep it as a draft,
and (for letters that need no approval) send it through the outbox at once.

The flows and actions call this; the templates never look anything up themselves.
"""
from datetime import date

from sqlmodel import Session, select

from models import outbox, processing
from models.enums import NotificationChannel, RequestType
from models.letters import context as c
from models.letters import contacts, store
from models.letters.kinds import Recipient, get_kind
from models.letters.remedies import remedies_for
from models.letters.render import render_html, unverified_keys
from models.region_config import PartnerConfig, RegionConfig, get_region
from models.settings import get_settings
from models.tables import CaseRegistration, Letter, Partner, Representative, Request, SourceTask

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
        return c.Addressee(name=rep.name, address_lines=_lines(rep.address), salutation=f"Geachte {rep.name}")
    return c.Addressee(name=request.subject_name, address_lines=_lines(request.subject_address),
                       salutation=f"Geachte {request.subject_name}")


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
    if get_kind(kind_id).recipient == Recipient.betrokkene or kind_id in ABOUT_THE_REQUESTER:
        fields["representation"] = representation(session, request)
    return fields


#: Letters to a partner that say a representative made the request (the consultation: the
#: explanation is written to the representative; for a child of 12 to 16 the weighing of the
#: child's own interest, art. 41 lid 1 onder i UAVG).
ABOUT_THE_REQUESTER = frozenset({"consultatieverzoek"})


def representation(session: Session, request: Request) -> c.Representation | None:
    """Whom the request is made for, when a representative made it (issue 18 point 5): the
    betrokkene's name, birth date and age on the day of receipt. None: the betrokkene asked."""
    rep = session.exec(select(Representative).where(Representative.request_id == request.id)).first()
    if rep is None:
        return None
    birth = date.fromisoformat(request.subject_birth_date) if request.subject_birth_date else None
    return c.Representation.of(rep.kind, request.subject_name, birth, request.first_received_on)


def words(session: Session, request: Request):
    """The phrases about whose data a reply is (models/letters/words.py)."""
    from models.letters.words import SELF

    rep = representation(session, request)
    return rep.words if rep else SELF


def requester_line(session: Session, request: Request) -> str | None:
    """Who made the request for the betrokkene, for the forwarding letter to the police or OM:
    "mr. A. Voorbeeld, als gemachtigde van de betrokkene (machtiging van 3 maart 2026)"."""
    rep = session.exec(select(Representative).where(Representative.request_id == request.id)).first()
    if rep is None:
        return None
    from models.letters.words import CAPACITY
    from models.enums import RequesterKind

    return f"{rep.name}, als {CAPACITY[RequesterKind(rep.kind)]} van de betrokkene ({rep.proof_of_authority})"


def received(request: Request) -> dict:
    return {"received_on": request.first_received_on}


def data_item(session: Session, reg: CaseRegistration, request: Request | None = None) -> c.DataItem:
    """One registration for a letter. With ``request``: item g names the true source where the
    supplying partner said it did not supply the item (a source task), or says it is still open."""
    partner = session.get(Partner, reg.partner_id)
    source, source_open, held_by = partner.name, False, None
    if request is not None:
        task = session.exec(select(SourceTask).where(
            SourceTask.request_id == request.id, SourceTask.registration_id == reg.id)).first()
        if task is not None:
            held_by = partner.name
            if task.resolved_on is None:
                source_open = True
            else:
                source = task.source
    return c.DataItem(
        casus=reg.casus_ref, supplier=source, category=reg.category, description=reg.description,
        recorded_on=reg.supplied_on, source_open=source_open, held_by=held_by,
    )


def partner_configs(session: Session, region: RegionConfig, regs) -> list[PartnerConfig]:
    """The region configuration of the partners that supplied these registrations (they decide)."""
    out: dict[str, PartnerConfig] = {}
    for reg in regs:
        partner = session.get(Partner, reg.partner_id)
        out.setdefault(partner.slug, region.partner(partner.slug))
    return list(out.values())


def remedies(session: Session, request: Request, regs=None, granted_regs=()) -> c.Remedies:
    """The remedies of a decision on these registrations (None: for all controllers together).
    ``granted_regs``: the registrations whose part was granted in full; a partner all of whose
    registrations are among them gets no remedy (issue 18 point 4)."""
    region = get_region(request.region_id)
    if not regs:
        return remedies_for(region, None)
    granted_ids = {r.id for r in granted_regs}
    open_slugs = {p.slug for p in partner_configs(session, region, [r for r in regs if r.id not in granted_ids])}
    partners = partner_configs(session, region, regs)
    return remedies_for(region, partners, granted=[p for p in partners if p.slug not in open_slugs])


def purposes(region: RegionConfig) -> list[str]:
    """Item a of the inzage reply: the region's purposes (the articles go in the reference)."""
    return [p.text for p in region.inzage_information.purposes]


def retention(region: RegionConfig) -> str:
    """Item d of the inzage reply: how long the data are kept (the article in the reference)."""
    return region.inzage_information.retention_text


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
    right: RequestType | None = None,
) -> Letter:
    """Render and keep a letter (idempotent on its key); send it now unless it needs approval.

    A letter that is not sent now is a reply to the betrokkene, answering ``right`` (None:
    every right the ZVH handles, as the "geen gegevens" letter does).

    With ``redate`` an existing draft is rendered again from ``ctx`` (its new date) and
    edited; a letter that is approved or sent is never touched."""
    letter = existing(session, request, key_suffix)
    if letter is not None:
        if redate and letter.status == store.DRAFT:
            store.edit_draft(session, letter.id, render_html(kind_id, with_free_text(ctx, letter)), actor)
        return letter
    html = render_html(kind_id, ctx)
    processing.record(session, actor, processing.as_code("brief", kind_id), processing.LETTER, request_id=request.id)
    letter = store.create_draft(
        session, request.id, kind_id, letter_key(request, key_suffix), html, actor,
        recipient_partner_id=partner.id if partner else None,
        reply=not send_now, right_type=right.value if right else None,
    )
    if send_now:
        send(session, request, letter, actor, recipient_label=recipient_label)
    return letter


def with_free_text(ctx: c.LetterContext, letter: Letter) -> c.LetterContext:
    """The context with the free-text parts the coordinator wrote for this letter
    (models/actions/letters.py): values like any other, escaped when rendered."""
    if not (letter.intro_text or letter.closing_text):
        return ctx
    return ctx.model_copy(update={"intro_text": letter.intro_text, "closing_text": letter.closing_text})


def existing(session: Session, request: Request, key_suffix: str) -> Letter | None:
    return session.exec(select(Letter).where(Letter.key == letter_key(request, key_suffix))).first()


def sendable_problems(request: Request, letter: Letter) -> list[str]:
    """Why this letter may not go out: contact details the region has not confirmed, and the
    mandate of every bestuursorgaan a decision is signed for (Awb art. 10:10; one line per
    partner). Empty under the demo setting (the letter then carries the "VOORBEELD" marking)."""
    keys = unverified_keys(letter.html)
    if not keys or get_settings().demo:
        return []
    region = get_region(request.region_id)
    out = []
    for key in keys:
        try:
            out.append(contacts.message(region, key))
        except (KeyError, AttributeError):
            out.append(f"brief {letter.kind}: {key} ontbreekt of is nog niet bevestigd")
    return list(dict.fromkeys(out))


def send(session: Session, request: Request, letter: Letter, actor: str, recipient_label: str | None = None) -> None:
    """Approve (if needed), freeze and put the letter in the outbox. A letter with an
    unverified contact detail is refused outside the demo setting (LetterUnsendable)."""
    problems = sendable_problems(request, letter)
    if problems:
        raise contacts.LetterUnsendable(f"brief {letter.kind} kan niet worden verstuurd: " + "; ".join(problems))
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


def withheld_part(region: RegionConfig, item: c.DataItem, ground: str, motivation: str | None) -> c.WithheldPart:
    """A withheld item: what kind of data (never its content), the ground, and the explanation
    written for the betrokkene (None while missing: the reply cannot be approved then)."""
    return c.WithheldPart.from_ground(
        region, ground,
        description=f"{item.category}, in casus {item.casus}",
        motivation=motivation, supplier=item.supplier,
    )


def types_of(values) -> list[RequestType]:
    return [RequestType(v) for v in values]
