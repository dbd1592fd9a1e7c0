"""The contexts of the letters: the contract between the flows and the templates.

A flow builds one context per letter from the database and the region configuration, and
hands it to ``models.letters.render.render_html``. A context holds plain values only
(strings, dates, enums, lists of small models): the template does no look-ups.

Rules that make a letter impossible to send with a hole in it:

- every text field is stripped and must keep at least one character (``Text``): an empty
  string is a validation error, not a blank in the letter;
- lists that the letter needs are ``min_length=1``;
- unknown fields are rejected (``extra="forbid"``), so a BSN cannot slip in: no letter
  carries a BSN (data minimisation; the name, birth date and address identify enough);
- what is legally required together is checked together (e.g. a refused verzet needs its
  compelling grounds, a granted one its execution).

All dates are ``datetime.date``; the template prints them as "25 november 2026".
"""
import re
from datetime import date
from typing import Annotated, Literal, Optional

from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from models.enums import DecisionOutcome, RequesterKind, RequestType, RoutingTarget
from models.letters.words import SELF, Words, age_on
from models.region_config import UNVERIFIED, RegionConfig, RoutingBody

#: A text that must not be empty (leading/trailing whitespace is removed first).
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

#: The request types a decision on "correctie" covers (AVG art. 16-18; Fryslân art. 20.2).
CORRECTION_TYPES = frozenset(
    {
        RequestType.correctie,
        RequestType.aanvulling,
        RequestType.verwijdering,
        RequestType.beperking,
        RequestType.eigen_verklaring,
    }
)
#: The request types whose execution is reported to recipients (AVG art. 19): correction,
#: completion (also by an attached statement: the eigen verklaring, AVG art. 16), erasure
#: (also the anonymisation that carries out a granted verzet) and restriction.
ART19_TYPES = frozenset(
    {
        RequestType.correctie,
        RequestType.aanvulling,
        RequestType.verwijdering,
        RequestType.beperking,
        RequestType.eigen_verklaring,
    }
)
#: How the police's and the OM's own laws group the request types of a referred part (issue 18
#: point 9). The Wpg gives inzage (art. 25, six weeks) and the verbetering, aanvulling (also by
#: an aanvullende verklaring), vernietiging and afscherming of art. 28 (four weeks); it has no
#: right to object and none to portability: such a part is treated under that law as the body
#: sees fit. The articles and terms the letters print, and their sources, are in docs/letters.md.
REFERRAL_GROUPS = {
    "inzage": frozenset({RequestType.inzage}),
    "correctie": CORRECTION_TYPES,
    "verzet": frozenset({RequestType.verzet}),
    "overig": frozenset({RequestType.overdraagbaarheid}),
}
#: Police targets (Wet politiegegevens) and OM targets (Wjsg).
WPG_TARGETS = frozenset({RoutingTarget.wpg_loket, RoutingTarget.politie_privacyfunctionaris})
WJSG_TARGETS = frozenset(
    {RoutingTarget.parket_privacyfunctionaris, RoutingTarget.parket_generaal_bjz}
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- parts


class Addressee(_Model):
    """The address block (as it shows in the envelope window) and the salutation."""

    name: Text  # "mevrouw J. de Vries", "Politie Eenheid Rotterdam"
    address_lines: list[Text] = Field(min_length=1)  # street, postcode + town, ...
    attention: Optional[Text] = None  # "t.a.v. de privacyfunctionaris"
    salutation: Text = "Geachte heer, mevrouw"  # without the comma: "Geachte mevrouw De Vries"

    @classmethod
    def for_body(cls, body: RoutingBody) -> "Addressee":
        """The address block of a police or OM body, from the region configuration."""
        lines = list(body.address)
        if len(lines) == 1:
            return cls(name=body.name, address_lines=lines)
        return cls(name=lines[0], address_lines=lines[1:])


class TypeDeadline(_Model):
    """The date by which one right of the request is answered."""

    request_type: RequestType
    due: date


class BezwaarRoute(_Model):
    """Bezwaar (Awb) against the decision of one bestuursorgaan (UAVG art. 34)."""

    addressee: Text  # the bestuursorgaan, e.g. "het college van burgemeester en wethouders van X"
    address_lines: list[Text] = Field(min_length=1)
    parts: list[Text] = Field(default_factory=list)  # whose data it covers; empty: the whole decision
    key: Text  # region key of the route ("bezwaar" or "partners.<slug>.bezwaar"), for the checks
    rule_article: Text  # why this organ is a bestuursorgaan, or the region's bezwaar article

    @property
    def named(self) -> bool:
        """The organ is known. While it is not (the region has not chosen its body for joint
        decisions, ``unverified``), the letter speaks of "dat overheidsorgaan" and shows the
        placeholder once, in the address, never as the object of a sentence."""
        return self.addressee.strip() != UNVERIFIED

    @property
    def address_block(self) -> list[str]:
        """The address as printed: an unknown organ's name line is the placeholder."""
        if self.named or any(line.strip() == UNVERIFIED for line in self.address_lines):
            return list(self.address_lines)
        return [UNVERIFIED, *self.address_lines]


class MandateLine(_Model):
    """A bestuursorgaan whose decision the signer signs in mandate (Awb art. 10:10): the
    signature prints "<organ>, namens dezen," (issue 18 point 2)."""

    organ: Text  # as above "namens dezen"; ``unverified`` prints as a placeholder (and blocks)
    parts: list[Text] = Field(default_factory=list)  # whose data; empty: the whole decision
    # The region key of the mandate ("partners.<slug>.mandate"), for the checks; None where the
    # body for joint decisions is no partner (then ``bezwaar.addressee`` names it).
    key: Optional[Text] = None


class Remedies(_Model):
    """What the betrokkene can do against a decision: it follows who decided (issue 9 point 4,
    issue 18 points 2 and 4).

    ``bezwaar``: one route per bestuursorgaan that decided on a part that was not granted in
    full. ``court_parts``: such parts private partners decided (UAVG art. 35, verzoekschrift to
    the rechtbank); None: no such parts. ``joint``: the decision was taken for all controllers
    together. ``granted_parts``: parts granted in full, against which no remedy is offered.
    ``mandates`` and ``others`` are the signature: the organs the signer signs for in mandate,
    and whether it also signs for controllers that are no bestuursorgaan."""

    bezwaar: list[BezwaarRoute] = Field(default_factory=list)
    court_parts: Optional[list[Text]] = None
    joint: bool = False
    granted_parts: list[Text] = Field(default_factory=list)
    mandates: list[MandateLine] = Field(default_factory=list)
    others: bool = False
    weeks: int = 6

    @model_validator(mode="after")
    def _at_least_one_route(self):
        if not self.bezwaar and self.court_parts is None and not self.granted_parts:
            raise ValueError("een besluit heeft ten minste één rechtsmiddel")
        return self

    @property
    def granted_in_full(self) -> bool:
        """Every part was granted in full: no remedy, only what to do if something is wrong."""
        return self.routes == 0

    @property
    def court(self) -> bool:
        return self.court_parts is not None

    @property
    def routes(self) -> int:
        return len(self.bezwaar) + (1 if self.court else 0)


class Person(_Model):
    """The betrokkene as a partner or body needs them to find their records. Never a BSN."""

    name: Text
    birth_date: Optional[date] = None
    address_lines: list[Text] = Field(default_factory=list)


class DataItem(_Model):
    """One registration in the ZVH file about the betrokkene (a row of the copy)."""

    casus: Text  # the casus it belongs to, e.g. "Casus 2025-0142 (Top-X aanpak)"
    supplier: Text  # the source (item g): the supplying partner, or the source established later
    category: Text  # category of data, e.g. "Gegevens over zorg en hulpverlening"
    description: Text  # the data itself as registered: this is the copy (AVG art. 15(3))
    recorded_on: Optional[date] = None  # when it was registered in the ZVH file
    # The partner answered that it did not supply this item and the true source is not yet
    # established: the letter says so and cannot be approved (issue 9 point 12).
    source_open: bool = False
    # The partner that holds it in the file, when that is not the source (item g names the source).
    held_by: Optional[Text] = None


class Category(_Model):
    """A category of data processed (item b), also when withheld or police/OM data."""

    label: Text
    # What the data are (models/letters/categories.py): "health" (AVG art. 4(15), art. 9),
    # "special" (another special category of AVG art. 9), "criminal" (criminal convictions and
    # offences, AVG art. 10).
    mark: Optional[Literal["health", "special", "criminal"]] = None
    note: Optional[Text] = None  # e.g. "u krijgt dit deel niet", "de politie beslist hierover"


class WithheldPart(_Model):
    """A part of the data that is not disclosed (AVG art. 23; UAVG art. 41): written and
    reasoned per part. ``description`` says what kind of data is withheld without revealing it.

    ``motivation`` is the explanation written for the betrokkene ("u"). None: it is still
    missing; the letter shows that, and it cannot be approved (models.letters.approval)."""

    description: Text
    ground_label: Text  # the refusal ground as the law words it
    ground_plain: Text  # the same in plain words, for the sentence in the letter
    # e.g. "artikel 41 lid 1 onder i UAVG"; None for the standard refusal of a right the
    # region's protocol does not provide (no restriction ground, only the region's article)
    ground_law: Optional[Text] = "artikel 41 lid 1 UAVG"
    ground_article: Text  # the region's article, e.g. "art. 19.3 sub d Privacyprotocol"
    motivation: Optional[Text] = None
    supplier: Optional[Text] = None

    @classmethod
    def from_ground(
        cls,
        region: RegionConfig,
        ground_id: str,
        description: str,
        motivation: Optional[str],
        supplier: Optional[str] = None,
    ) -> "WithheldPart":
        """Fill label and article from the region's refusal ground ``ground_id``."""
        ground = region.refusal_ground(ground_id)
        return cls(
            description=description,
            ground_label=ground.label,
            ground_plain=ground.plain,
            ground_law=ground.law,
            ground_article=ground.rule.article,
            motivation=(motivation or "").strip() or None,
            supplier=supplier,
        )


class Referral(_Model):
    """A part of the request that went to a police or OM body (domain.md §3)."""

    target: RoutingTarget
    body_name: Text  # e.g. "Wpg-loket politie Eenheid Rotterdam"
    body_address_lines: list[Text] = Field(min_length=1)
    body_id: Optional[Text] = None  # the routing body in the region file (for the contact checks)
    body_phone: Optional[Text] = None
    body_email: Optional[Text] = None
    unit: Optional[Text] = None  # the eenheid or parket; None for the Parket-Generaal
    reference: Text  # our reference of the forwarding letter, e.g. "ZVHRR-2026-0001-W1"
    request_types: list[RequestType] = Field(min_length=1)
    sent_on: date

    @model_validator(mode="after")
    def _police_or_om(self):
        if self.target not in WPG_TARGETS | WJSG_TARGETS:
            raise ValueError(f"target {self.target.value!r} is geen politie- of OM-instantie")
        return self

    @property
    def law(self) -> str:
        """The law the body decides under: "wpg" (police data) or "wjsg" (OM data)."""
        return "wpg" if self.target in WPG_TARGETS else "wjsg"

    def asks(self, group: str) -> list[RequestType]:
        """The request types of this part in one group of the police's or OM's own law
        (``REFERRAL_GROUPS``): "inzage", "correctie", "verzet" or "overig"."""
        return [t for t in self.request_types if t in REFERRAL_GROUPS[group]]

    @classmethod
    def for_body(
        cls,
        body: RoutingBody,
        reference: str,
        request_types: list[RequestType],
        sent_on: date,
    ) -> "Referral":
        return cls(
            target=body.target,
            body_name=body.name,
            body_address_lines=list(body.address),
            body_id=body.id,
            body_phone=body.phone,
            body_email=body.email,
            unit=body.unit,
            reference=reference,
            request_types=request_types,
            sent_on=sent_on,
        )


class ItemDecision(_Model):
    """The decision on one part of a correctie/aanvulling/verwijdering/beperking request."""

    description: Text  # which data, e.g. "Uw adres in casus 2025-0142"
    outcome: DecisionOutcome
    motivation: Text  # always reasoned, also when granted
    action: Optional[Text] = None  # what we did, e.g. "Wij hebben uw adres verbeterd."
    executed_on: Optional[date] = None  # when it was done
    decided_by: Optional[Text] = None  # the supplying partner that decided on correctness
    # Eigen verklaring (issue 18 point 6): the part of the statement attached to this item, and
    # for a refusal its ground in plain words with its reference ("artikel 16 AVG").
    statement: Optional[Text] = None
    ground_plain: Optional[Text] = None
    ground_ref: Optional[Text] = None

    @model_validator(mode="after")
    def _execution_when_granted(self):
        if self.outcome != DecisionOutcome.refused and not (self.action and self.executed_on):
            raise ValueError("action en executed_on zijn verplicht als het verzoek (deels) is toegewezen")
        return self


class VerzetPart(_Model):
    """The weighing of one part of a verzet (AVG art. 21(1)): the compelling legitimate
    grounds put against the betrokkene's situation, and the outcome of the weighing."""

    description: Text  # which processing or data, e.g. "uw gegevens in casus 2025-0142"
    outcome: DecisionOutcome
    weighing: Text  # the outcome of the weighing, for the betrokkene
    compelling_grounds: Optional[Text] = None  # required unless granted
    decided_by: Optional[Text] = None

    @model_validator(mode="after")
    def _grounds_unless_granted(self):
        if self.outcome != DecisionOutcome.granted and not self.compelling_grounds:
            raise ValueError("compelling_grounds is verplicht als verzet (deels) wordt afgewezen")
        return self


class Execution(_Model):
    """How and when a decision was carried out (verzet: within the same four weeks)."""

    executed_on: date
    description: Text  # e.g. "Wij hebben uw gegevens uit casus 2025-0142 verwijderd."


class NotifiedChange(_Model):
    """One change a recipient is told about (AVG art. 19)."""

    description: Text  # which data, e.g. "Het adres van betrokkene"
    action: Text  # what changed, e.g. "verbeterd in: Voorbeeldstraat 1, Voorbeeldstad"


class Representation(_Model):
    """The requester acts for the betrokkene (issue 18 point 5): a parent or guardian, a
    curator or mentor, a lawyer or other gemachtigde. A letter to them addresses them in that
    capacity and speaks of the betrokkene's data ("de gegevens over uw kind") throughout."""

    kind: RequesterKind
    name: Text  # the betrokkene
    birth_date: Optional[date] = None
    age: Optional[int] = Field(default=None, ge=0, le=130)  # on the day the request was received

    @model_validator(mode="after")
    def _someone_else(self):
        if self.kind == RequesterKind.betrokkene:
            raise ValueError("een vertegenwoordiger is niet de betrokkene zelf")
        return self

    @classmethod
    def of(cls, kind: RequesterKind | str, name: str, birth_date: Optional[date], received_on: date) -> "Representation":
        return cls(kind=RequesterKind(kind), name=name, birth_date=birth_date, age=age_on(birth_date, received_on))

    @property
    def words(self) -> Words:
        return Words(kind=self.kind, name=self.name, age=self.age)


class OverdueTask(_Model):
    """A consultation task past its due date, for the manager (no personal data)."""

    partner_name: Text
    task_reference: Text
    due_on: date
    reminder_sent_on: Optional[date] = None


# --------------------------------------------------------------------------- base


class LetterContext(_Model):
    """What every letter has: sender (from the region), addressee, date, reference, subject."""

    region: RegionConfig  # letterhead, signatory, articles: never written in a template
    reference: Text  # "Ons kenmerk": the request reference, e.g. "ZVHRR-2026-0001"
    letter_date: date
    addressee: Addressee
    subject_line: Text  # "Onderwerp"
    their_reference: Optional[Text] = None  # "Uw kenmerk"
    their_letter_date: Optional[date] = None  # "Uw brief van"
    signer_name: Optional[Text] = None  # overrides the region's signer name (e.g. a deputy)
    # What the betrokkene can do against a decision (required on every decision letter).
    remedies: Optional[Remedies] = None
    # When the addressee acts for the betrokkene (lawyer, guardian, ...): whom the letter is
    # about, e.g. "de heer J. Jansen, geboren 1 januari 1980" (the "Betreft" line; by default
    # from ``representation``).
    on_behalf_of: Optional[Text] = None
    # The requester acts for the betrokkene (issue 18 point 5): the letter addresses them in
    # their capacity and speaks of "de gegevens over uw kind / uw cliënt" (``words``). In a
    # letter to a partner or body: who asked, and for a child of 12 to 16 the weighing.
    representation: Optional[Representation] = None
    # A reply's free-text parts, written by the coordinator (models/actions/letters.py): plain
    # text, printed escaped as paragraphs after the salutation and before the questions.
    intro_text: Optional[Text] = None
    closing_text: Optional[Text] = None

    @property
    def words(self) -> Words:
        """The phrases about whose data the letter is (``w`` in the templates)."""
        return self.representation.words if self.representation else SELF


class _Received(LetterContext):
    received_on: date  # first receipt by any party: the clock starts here

    @model_validator(mode="after")
    def _letter_after_receipt(self):
        if self.letter_date < self.received_on:
            raise ValueError("letter_date ligt voor received_on")
        return self


# --------------------------------------------------------------------------- per kind


class OntvangstbevestigingContext(_Received):
    """Acknowledgement of receipt, with the date of the answer per right."""

    request_types: list[RequestType] = Field(min_length=1)
    deadlines: list[TypeDeadline] = Field(min_length=1)  # per right: the protocol target
    forwarded_by: Optional[Text] = None  # the partner that received the request first
    identity_check_needed: bool = True  # the identity is not yet established (say what happens)
    identity_checked_at_desk: Optional[date] = None  # balie: checked at intake, on this day

    @model_validator(mode="after")
    def _deadline_after_receipt(self):
        if any(d.due <= self.received_on for d in self.deadlines):
            raise ValueError("deadline moet na received_on liggen")
        if {d.request_type for d in self.deadlines} != set(self.request_types):
            raise ValueError("deadlines: één datum per gevraagd recht")
        return self

    @property
    def one_date(self) -> Optional[date]:
        """The date, when every right has the same one."""
        dates = {d.due for d in self.deadlines}
        return dates.pop() if len(dates) == 1 else None


class TermijnNaIdentificatieContext(_Received):
    """After the identity check: the clock runs again, and the new date of the answer."""

    identity_checked_on: date
    acknowledged_on: date  # the date of the receipt letter that said the date would move
    suspended_days: int = Field(ge=0)
    deadlines: list[TypeDeadline] = Field(min_length=1)

    @property
    def one_date(self) -> Optional[date]:
        dates = {d.due for d in self.deadlines}
        return dates.pop() if len(dates) == 1 else None


class UitnodigingIdentificatieContext(_Received):
    """Request to come and identify: where and what to bring come from region.identity."""

    request_types: list[RequestType] = Field(min_length=1)
    identify_before: date  # the last day of the term: "kom uiterlijk op ..."
    representative: bool = False  # the requester acts for the betrokkene: bring proof
    # Why the identity could not yet be established (AVG art. 12 lid 6; models/identity.py):
    # the sentence of the recorded reason, or the coordinator's own text for "anders".
    doubt_reason: Optional[Text] = None
    earlier_invitation: bool = False  # a new invitation with a new term (the clock already stood still)

    @model_validator(mode="after")
    def _before_after_letter(self):
        if self.identify_before <= self.letter_date:
            raise ValueError("identify_before moet na letter_date liggen")
        return self


class InzageBesluitContext(_Received):
    """The inzage reply: items a-h of the protocol and the copy of the data (annex).

    a ``purposes``, b ``data_categories``, c ``recipients`` (+ ``third_countries``),
    d ``retention``, e/f from the region configuration, g the supplier of every item in
    ``items``, h ``automated_decision_making`` (None: there is none).
    """

    purposes: list[Text] = Field(min_length=1)
    data_categories: list[Category] = Field(min_length=1)  # every category processed (item b)
    recipients: list[Text] = Field(min_length=1)  # to whom the data were disclosed (item c)
    third_countries: Optional[Text] = None  # None: no transfer outside the EU
    retention: Text  # the period, or the criteria to determine it
    automated_decision_making: Optional[Text] = None  # None: none takes place
    # The items the betrokkene sees (the copy). Empty: every item is withheld, a full refusal of
    # inzage. That is still this letter with items a-h: art. 41 lid 1 UAVG lifts a right only
    # "voor zover" necessary, so only the copy and the withheld contents go (issue 18 point 1).
    items: list[DataItem] = Field(default_factory=list)
    withheld: list[WithheldPart] = Field(default_factory=list)  # partial or full refusal
    referrals: list[Referral] = Field(default_factory=list)  # police/OM parts sent on

    @model_validator(mode="after")
    def _something_decided(self):
        if not self.items and not self.withheld:
            raise ValueError("items en withheld zijn beide leeg: dat is de brief geen_gegevens")
        return self

    @property
    def nothing_given(self) -> bool:
        """Every item is withheld: no copy, no annex (the overview a-h stays)."""
        return not self.items

    def numbered_items(self) -> list[tuple[int, DataItem]]:
        """The items in annex order (by casus, then supplier), numbered from 1."""
        ordered = sorted(self.items, key=lambda i: (i.casus, i.supplier))
        return list(enumerate(ordered, start=1))

    def annex(self) -> list[tuple[str, list[tuple[str, list[tuple[int, DataItem]]]]]]:
        """[(casus, [(supplier, [(nr, item), ...]), ...]), ...] for the copy."""
        groups: dict[str, dict[str, list[tuple[int, DataItem]]]] = {}
        for nr, item in self.numbered_items():
            groups.setdefault(item.casus, {}).setdefault(item.supplier, []).append((nr, item))
        return [(casus, list(by_supplier.items())) for casus, by_supplier in groups.items()]

    def suppliers(self) -> list[str]:
        return sorted({i.supplier for i in self.items})


class WeigeringContext(_Received):
    """(Partial) refusal, written and reasoned per withheld part: the standard refusal of a right
    the region's protocol does not provide. Never inzage: a refusal of inzage is an
    ``InzageBesluitContext`` with every item withheld, which keeps items a-h (art. 15 lid 1 AVG;
    art. 41 lid 1 UAVG allows a restriction only "voor zover" necessary)."""

    request_type: RequestType
    full: bool  # True: nothing is provided; False: the rest is provided (provided_summary)
    withheld: list[WithheldPart] = Field(min_length=1)
    provided_summary: Optional[Text] = None  # what the betrokkene does get, when partial
    referrals: list[Referral] = Field(default_factory=list)

    @model_validator(mode="after")
    def _summary_when_partial(self):
        if self.request_type == RequestType.inzage:
            raise ValueError("een weigering van inzage is een inzage_besluit met alle gegevens achtergehouden "
                             "(artikel 15 lid 1 AVG, artikel 41 lid 1 UAVG)")
        if not self.full and not self.provided_summary:
            raise ValueError("provided_summary is verplicht bij een gedeeltelijke weigering")
        if self.full and self.provided_summary:
            raise ValueError("provided_summary hoort niet bij een volledige weigering")
        return self


class BesluitCorrectieContext(_Received):
    """Decision on correctie, aanvulling, verwijdering, beperking (or eigen verklaring)."""

    request_type: RequestType
    requested: Text  # what the betrokkene asked, in one sentence ("U vroeg ons ...")
    decisions: list[ItemDecision] = Field(min_length=1)
    recipients_informed: list[Text] = Field(default_factory=list)  # AVG art. 19

    @model_validator(mode="after")
    def _type(self):
        if self.request_type not in CORRECTION_TYPES:
            raise ValueError(f"request_type {self.request_type.value!r} hoort niet bij besluit_correctie")
        if self.request_type == RequestType.eigen_verklaring:
            # Issue 18 point 6: the statement is added unless there is a ground.
            if any(d.outcome != DecisionOutcome.granted and not d.ground_plain for d in self.decisions):
                raise ValueError("een eigen verklaring weigeren kan alleen met een grond (ground_plain)")
        return self

    @property
    def outcome(self) -> DecisionOutcome:
        outcomes = {d.outcome for d in self.decisions}
        if outcomes == {DecisionOutcome.granted}:
            return DecisionOutcome.granted
        if outcomes == {DecisionOutcome.refused}:
            return DecisionOutcome.refused
        return DecisionOutcome.partly


class BesluitVerzetContext(_Received):
    """Decision on verzet (AVG art. 21), the weighing per part, and its execution within the
    same weeks."""

    processing: Text  # what the objection is about, e.g. "de bespreking van uw situatie in ..."
    situation: Text  # the betrokkene's particular situation, as the forum recorded it
    outcome: DecisionOutcome
    parts: list[VerzetPart] = Field(min_length=1)  # the weighing, per part
    execution: Optional[Execution] = None  # required unless refused
    recipients_informed: list[Text] = Field(default_factory=list)  # AVG art. 19

    @model_validator(mode="after")
    def _grounds_and_execution(self):
        if self.outcome != DecisionOutcome.refused and self.execution is None:
            raise ValueError("execution is verplicht als verzet (deels) wordt toegewezen")
        if self.execution and self.execution.executed_on > self.letter_date:
            raise ValueError("execution.executed_on ligt na letter_date: eerst uitvoeren")
        outcomes = {p.outcome for p in self.parts}
        if self.outcome == DecisionOutcome.granted and outcomes != {DecisionOutcome.granted}:
            raise ValueError("outcome granted past niet bij een deel dat (deels) is afgewezen")
        if self.outcome == DecisionOutcome.refused and outcomes != {DecisionOutcome.refused}:
            raise ValueError("outcome refused past niet bij een deel dat is toegewezen")
        return self


class WeigeringOverdraagbaarheidContext(_Received):
    """Standard refusal of portability, citing the region's article."""

    other_request_types: list[RequestType] = Field(default_factory=list)  # answered separately


class DoorverwijzingBetrokkeneContext(_Received):
    """Tells the betrokkene which part went to the police or the OM, and where."""

    referrals: list[Referral] = Field(min_length=1)
    zvh_answers_rest: bool = True  # we answer the rest of the request ourselves

    @property
    def whole_answer(self) -> bool:
        """The notice is the whole answer: then it is a decision, with its remedies."""
        return not self.zvh_answers_rest


class DoorzendingContext(_Received):
    """Forwarding letter to the police or OM body; the addressee is that body."""

    referral: Referral
    betrokkene: Person
    identity_verified_on: Optional[date] = None
    representative: Optional[Text] = None  # e.g. "zijn advocaat mr. P. Pleiter (machtiging)"
    enclosures: list[Text] = Field(default_factory=lambda: ["een kopie van het verzoek"])


class ConsultatieverzoekContext(_Received):
    """Consultation task to one supplying partner. Shows only that partner's own items."""

    partner_name: Text
    betrokkene: Person
    request_types: list[RequestType] = Field(min_length=1)
    items: list[DataItem] = Field(default_factory=list)  # empty: "do you hold anything?"
    requested_change: Optional[Text] = None  # for correctie etc.: what the betrokkene asks
    due_on: date
    request_deadline: date
    how_to_answer: Optional[Text] = None  # e.g. the portal address; else reply by letter
    # The link to this one task in the partner portal (models/task_links.py): the portal's
    # address and a token, never a personal datum; the last day it works; and whether the
    # region lets the link alone open the task (region config ``portal``).
    task_link: Optional[Text] = None
    task_link_expires_on: Optional[date] = None
    task_link_without_login: bool = False

    @model_validator(mode="after")
    def _own_items_only(self):
        others = {i.supplier for i in self.items} - {self.partner_name}
        if others:
            raise ValueError(f"items van andere partners horen niet in dit verzoek: {sorted(others)}")
        if self.due_on <= self.letter_date:
            raise ValueError("due_on moet na letter_date liggen")
        if self.task_link is not None:
            if not re.match(r"^https?://[^\s?#]+/taak/[0-9a-f]{64}$", self.task_link):
                raise ValueError("task_link moet <portal_url>/taak/<token> zijn, zonder andere gegevens")
            if self.task_link_expires_on is None or self.task_link_expires_on <= self.letter_date:
                raise ValueError("task_link_expires_on moet na letter_date liggen")
        return self


class HerinneringConsultatieContext(LetterContext):
    """Reminder of a consultation task (by reference only: no personal data)."""

    partner_name: Text
    consultation_reference: Text
    consultation_sent_on: date
    due_on: date
    request_deadline: date


class EscalatieManagerContext(LetterContext):
    """Escalation of overdue consultation tasks to the manager (no personal data)."""

    tasks: list[OverdueTask] = Field(min_length=1)
    request_deadline: date


class VerlengingContext(_Received):
    """Extension (AVG art. 12(3)): reason, new date, sent within the first month."""

    request_types: list[RequestType] = Field(min_length=1)
    original_deadline: date  # end of the first month (as the deadline engine computed it)
    announced_deadline: date  # the date we told the betrokkene before (receipt or later letter)
    new_deadline: date
    reason: Text  # why more time is needed (complexity, number of requests)

    @model_validator(mode="after")
    def _within_first_month(self):
        if self.letter_date > self.original_deadline:
            raise ValueError("een verlenging moet binnen de eerste maand worden meegedeeld (art. 12 lid 3 AVG)")
        if self.new_deadline <= self.original_deadline:
            raise ValueError("new_deadline moet na original_deadline liggen")
        if self.new_deadline <= self.announced_deadline:
            raise ValueError("new_deadline moet na announced_deadline liggen")
        # Two further months at most; a few days' slack for Atw art. 1 (weekend/holiday).
        if self.new_deadline > self.original_deadline + relativedelta(months=2, days=4):
            raise ValueError("een verlenging is ten hoogste twee maanden (art. 12 lid 3 AVG)")
        return self


class KennisgevingOntvangersContext(LetterContext):
    """Notice to a recipient of corrected, completed, erased or restricted data (AVG art. 19).
    ``reason`` says why, when the change carries out something else: a granted verzet."""

    betrokkene: Person
    request_type: RequestType
    changes: list[NotifiedChange] = Field(min_length=1)
    decided_on: date
    after_verzet: bool = False  # the erasure carries out a granted verzet (AVG art. 17(1)(c))

    @model_validator(mode="after")
    def _type(self):
        if self.request_type not in ART19_TYPES:
            raise ValueError(f"request_type {self.request_type.value!r} valt niet onder art. 19 AVG")
        return self


class BuitenBehandelingContext(_Received):
    """The identity was never established within the term of the invitation (issue 18 point
    3): a reasoned decision not to deal with the request, with its remedies. For the
    bestuursorganen among the controllers this is the decision of Awb art. 4:5 lid 1 ("buiten
    behandeling"); for the others the reasoned answer of AVG art. 12 lid 4."""

    request_types: list[RequestType] = Field(min_length=1)
    invited_on: date  # the (last) invitation to identify
    identify_before: date  # the last day of its term
    doubt_reason: Text  # why the identity could not be established from the request

    @model_validator(mode="after")
    def _term_passed(self):
        if not self.invited_on < self.identify_before < self.letter_date:
            raise ValueError("het besluit volgt pas na afloop van de termijn van de uitnodiging")
        if self.remedies is None:
            raise ValueError("een besluit heeft rechtsmiddelen nodig")
        return self

    @property
    def bestuursorgaan(self) -> bool:
        """A bestuursorgaan is among those who decided (a bezwaar route): Awb art. 4:5 applies."""
        return bool(self.remedies and self.remedies.bezwaar)


class GeenGegevensContext(_Received):
    """No data found: still a complete answer, and a decision. It tells the truth: the ZVH
    does keep the request file itself for the retention period."""

    request_types: list[RequestType] = Field(min_length=1)
    searched_on: date  # when the ZVH file was searched
