"""Realistic, fictitious contexts for every letter kind: for ``rechtenloket letter preview``,
for review by the privacy officer, and for the tests (golden files).

Everything regional (partners, police unit, parket, bodies, refusal grounds, articles) is
taken from the region configuration, so a sample shows what the letter will look like in
that region. The person is obviously fictitious and all dates are fixed, so the output is
stable (golden files do not change from one day to the next).
"""
from datetime import date, timedelta
from typing import Callable

from dateutil.relativedelta import relativedelta

from models.enums import DecisionOutcome, IdentityDoubt, PartnerKind, Regime, RequestType, RoutingTarget
from models.identity import DOUBT_SENTENCES
from models.letters import compose
from models.letters import context as c
from models.letters.categories import REGIME_LABELS
from models.letters.kinds import LetterKind, get_kind
from models.letters.remedies import remedies_for
from models.region_config import PartnerConfig, RegionConfig, RoutingBody

RECEIVED = date(2026, 2, 2)  # a Monday
THEIR_LETTER = date(2026, 1, 30)
DEADLINE = RECEIVED + timedelta(weeks=4)  # 2 March 2026
LEGAL_DEADLINE = date(2026, 3, 2)  # one month after receipt

PERSON_NAME = "mevrouw J. de Vries"
PERSON_ADDRESS = ["Voorbeeldstraat 1", "1234 AB Voorbeeldstad"]
PERSON = c.Person(name=PERSON_NAME, birth_date=date(1985, 5, 12), address_lines=PERSON_ADDRESS)
CASUS_A = "Casus 2025-0142 (persoonsgerichte aanpak)"
CASUS_B = "Casus 2026-0007 (zorgmelding)"


def _reference(region: RegionConfig, suffix: str = "") -> str:
    return f"{region.reference_prefix}-2026-0042{suffix}"


def _betrokkene() -> c.Addressee:
    return c.Addressee(
        name=PERSON_NAME, address_lines=PERSON_ADDRESS, salutation="Geachte mevrouw De Vries"
    )


def _avg_partner(region: RegionConfig, *kinds: PartnerKind, skip: str | None = None) -> PartnerConfig:
    candidates = [p for p in region.partners if p.regime == Regime.avg and p.slug != skip]
    for kind in kinds:
        for p in candidates:
            if p.kind == kind:
                return p
    return candidates[0]


def _due(region: RegionConfig, rtype: RequestType) -> date:
    period = region.deadlines.period(rtype)
    if period.avg:
        return RECEIVED + relativedelta(months=1)
    return RECEIVED + timedelta(weeks=period.weeks)


def _deadlines(region: RegionConfig, types: list[RequestType], shift: int = 0) -> list[c.TypeDeadline]:
    return [c.TypeDeadline(request_type=t, due=_due(region, t) + timedelta(days=shift)) for t in types]


def _gemeente(region: RegionConfig) -> PartnerConfig:
    return _avg_partner(region, PartnerKind.gemeente)


def _zorg(region: RegionConfig) -> PartnerConfig:
    return _avg_partner(
        region, PartnerKind.zorg, PartnerKind.jeugd, PartnerKind.overig, skip=_gemeente(region).slug
    )


def _body(region: RegionConfig, regime: Regime, target: RoutingTarget) -> RoutingBody:
    units = [p.unit for p in region.partners if p.regime == regime]
    for unit in units:
        body = region.routing_body(target, unit)
        if body is not None:
            return body
    return next(b for b in region.routing.bodies if b.target == target)


def _partner_addressee(partner: PartnerConfig, region: RegionConfig) -> c.Addressee:
    return c.Addressee(
        name=partner.name,
        attention=f"t.a.v. de contactpersoon voor het {region.letterhead.organisation}",
        address_lines=["Voorbeeldweg 10", "1234 AB Voorbeeldstad"],
    )


def _base(region: RegionConfig, kind: LetterKind, letter_date: date, **extra) -> dict:
    values = {
        "region": region,
        "reference": _reference(region),
        "letter_date": letter_date,
        "addressee": _betrokkene(),
        "subject_line": kind.title,
    }
    values.update(extra)
    return values


def _items(region: RegionConfig) -> list[c.DataItem]:
    gemeente, zorg = _gemeente(region).name, _zorg(region).name
    return [
        c.DataItem(
            casus=CASUS_A, supplier=gemeente, category="Naam, adres en geboortedatum",
            description="Mevrouw J. de Vries, Voorbeeldstraat 1, 1234 AB Voorbeeldstad, geboren op 12 mei 1985.",
            recorded_on=date(2025, 9, 15),
        ),
        c.DataItem(
            casus=CASUS_A, supplier=gemeente, category="Gegevens over wonen en de buurt",
            description=(
                "Melding van geluidsoverlast door buren op 14 augustus 2025. Gesprek met mevrouw "
                "De Vries op 20 augustus 2025; afspraak gemaakt over bemiddeling door de wijkcoach."
            ),
            recorded_on=date(2025, 9, 15),
        ),
        c.DataItem(
            casus=CASUS_A, supplier=zorg, category="Gegevens over zorg en hulpverlening",
            description="Mevrouw De Vries krijgt sinds maart 2025 begeleiding thuis, één keer per week.",
            recorded_on=date(2025, 10, 2),
        ),
        c.DataItem(
            casus=CASUS_B, supplier=zorg, category="Plan van aanpak",
            description=(
                "Afspraak in het casusoverleg van 12 januari 2026: de begeleider bespreekt met "
                "mevrouw De Vries of extra hulp bij schulden nodig is."
            ),
            recorded_on=date(2026, 1, 12),
        ),
    ]


WITHHELD_CATEGORY = "Verklaring van een buurtbewoner"


def _withheld(region: RegionConfig) -> c.WithheldPart:
    ground = next(g for g in region.refusal_grounds if g.uavg == "i")
    return c.WithheldPart.from_ground(
        region,
        ground.id,
        description="Een verklaring van een buurtbewoner over de overlast",
        motivation=(
            "In deze verklaring staan gegevens over een andere persoon. Als u de verklaring "
            "krijgt, weet u wie haar heeft gegeven. Dat kan die persoon schaden. Wij hebben "
            "bekeken of wij een deel kunnen geven zonder dat duidelijk wordt van wie zij komt. "
            "Dat kan niet. Het belang van die persoon weegt hier zwaarder dan uw belang."
        ),
        supplier=_gemeente(region).name,
    )


def _referrals(region: RegionConfig, types: list[RequestType]) -> list[c.Referral]:
    police = _body(region, Regime.wpg, RoutingTarget.wpg_loket)
    om = _body(region, Regime.wjsg, RoutingTarget.parket_privacyfunctionaris)
    return [
        c.Referral.for_body(police, _reference(region, "-W1"), types, date(2026, 2, 11)),
        c.Referral.for_body(om, _reference(region, "-O1"), types, date(2026, 2, 11)),
    ]


def _ontvangstbevestiging(region, kind):
    types = [RequestType.inzage, RequestType.correctie]
    return c.OntvangstbevestigingContext(
        **_base(region, kind, date(2026, 2, 4), their_letter_date=THEIR_LETTER),
        received_on=RECEIVED,
        request_types=types,
        deadlines=_deadlines(region, types, shift=2),
        forwarded_by=_gemeente(region).name,
    )


def _termijn_na_identificatie(region, kind):
    types = [RequestType.inzage, RequestType.correctie]
    return c.TermijnNaIdentificatieContext(
        **_base(region, kind, date(2026, 2, 9)),
        received_on=RECEIVED,
        identity_checked_on=date(2026, 2, 9),
        acknowledged_on=date(2026, 2, 4),
        suspended_days=5,
        deadlines=_deadlines(region, types, shift=7),
    )


def _uitnodiging_identificatie(region, kind):
    return c.UitnodigingIdentificatieContext(
        **_base(region, kind, date(2026, 2, 4)),
        received_on=RECEIVED,
        request_types=[RequestType.inzage, RequestType.correctie],
        identify_before=date(2026, 2, 18),
        doubt_reason=DOUBT_SENTENCES[IdentityDoubt.gevoelige_gegevens],
    )


def _buiten_behandeling(region, kind):
    return c.BuitenBehandelingContext(
        **_base(region, kind, date(2026, 2, 19), their_letter_date=THEIR_LETTER,
                remedies=remedies_for(region, None)),
        received_on=RECEIVED,
        request_types=[RequestType.inzage, RequestType.correctie],
        invited_on=date(2026, 2, 4),
        identify_before=date(2026, 2, 18),
        doubt_reason=DOUBT_SENTENCES[IdentityDoubt.gevoelige_gegevens],
    )


def _inzage_besluit(region, kind):
    items = _items(region)
    gemeente, zorg = _gemeente(region), _zorg(region)
    from models.letters.replies import meeting_phrase
    categories = [
        c.Category(label="Gegevens over wonen en de buurt"),
        c.Category(label="Gegevens over zorg en hulpverlening", mark="health"),
        c.Category(label="Naam, adres en geboortedatum"),
        c.Category(label="Plan van aanpak"),
        c.Category(label=WITHHELD_CATEGORY, note="Dit deel krijgt u niet; zie hieronder."),
        c.Category(label=REGIME_LABELS[Regime.wpg], mark="criminal",
                   note="De politie beslist zelf over inzage in deze gegevens."),
    ]
    return c.InzageBesluitContext(
        **_base(region, kind, date(2026, 2, 26), their_letter_date=THEIR_LETTER,
                remedies=remedies_for(region, [gemeente, zorg])),
        received_on=RECEIVED,
        purposes=compose.purposes(region),
        data_categories=categories,
        recipients=[
            f"{gemeente.display_name}, {zorg.display_name} en de politie: {meeting_phrase(region)}.",
            f"De medewerkers van het {region.letterhead.organisation} die uw zaak begeleiden.",
        ],
        retention=compose.retention(region),
        items=items,
        withheld=[_withheld(region)],
        referrals=_referrals(region, [RequestType.inzage])[:1],
    )


def _weigering(region, kind):
    """The standard refusal of a right the region's protocol does not provide (no region lacks
    one today but portability, which has its own letter): an inzage refusal is an inzage_besluit."""
    rtype = RequestType.beperking
    rule = region.rights[rtype].rule
    return c.WeigeringContext(
        **_base(region, kind, date(2026, 2, 26), their_letter_date=THEIR_LETTER,
                remedies=remedies_for(region, None)),
        received_on=RECEIVED,
        request_type=rtype,
        full=True,
        withheld=[c.WithheldPart(
            description="Uw verzoek om beperking van het gebruik van uw gegevens",
            ground_label="dit recht staat niet in het protocol van deze regio",
            ground_plain="dit recht geldt niet bij de samenwerking in deze regio",
            ground_law=None,
            ground_article=rule.article,
            motivation="Het protocol van deze regio voorziet hier niet in.",
        )],
    )


def _besluit_correctie(region, kind):
    gemeente, zorg = _gemeente(region).name, _zorg(region).name
    return c.BesluitCorrectieContext(
        **_base(region, kind, date(2026, 2, 27), their_letter_date=THEIR_LETTER,
                remedies=remedies_for(region, [_gemeente(region), _zorg(region)], granted=[_gemeente(region)])),
        received_on=RECEIVED,
        request_type=RequestType.correctie,
        requested=(
            "U vroeg ons uw huisnummer te verbeteren en de tekst over uw begeleiding aan te "
            "passen, omdat die volgens u niet klopt."
        ),
        decisions=[
            c.ItemDecision(
                description=f"Uw adres in {CASUS_A}",
                outcome=DecisionOutcome.granted,
                motivation="Het huisnummer in het dossier was fout. U woont op nummer 1.",
                action="Wij hebben uw adres verbeterd.",
                executed_on=date(2026, 2, 24),
                decided_by=gemeente,
            ),
            c.ItemDecision(
                description=f"De tekst over uw begeleiding in {CASUS_A}",
                outcome=DecisionOutcome.refused,
                motivation=(
                    "De tekst beschrijft wat de begeleider heeft gezien en vastgelegd. "
                    "De organisatie heeft dit nagekeken en vindt dat de tekst klopt. U kunt wel "
                    "vragen om uw eigen reactie toe te voegen."
                ),
                decided_by=zorg,
            ),
        ],
        recipients_informed=[zorg],
    )


def _besluit_verzet(region, kind):
    gemeente, zorg = _gemeente(region), _zorg(region)
    return c.BesluitVerzetContext(
        **_base(region, kind, date(2026, 2, 27), their_letter_date=THEIR_LETTER,
                remedies=remedies_for(region, [gemeente, zorg], granted=[gemeente])),
        received_on=RECEIVED,
        processing=f"het bespreken van uw situatie in {CASUS_A} en {CASUS_B}",
        situation=(
            "U zegt dat de problemen met uw buren zijn opgelost. De begeleiding thuis heeft u zelf "
            "geregeld. Het bespreken van uw situatie voelt voor u als een last."
        ),
        outcome=DecisionOutcome.partly,
        parts=[
            c.VerzetPart(
                description=f"Uw gegevens in {CASUS_A}",
                outcome=DecisionOutcome.granted,
                weighing=(
                    "De overlast is inderdaad opgelost. Er is geen reden meer om uw gegevens in "
                    "deze casus te gebruiken. Uw belang weegt daarom zwaarder."
                ),
                decided_by=gemeente.name,
            ),
            c.VerzetPart(
                description=f"Uw gegevens in {CASUS_B}",
                outcome=DecisionOutcome.refused,
                compelling_grounds=(
                    "De hulp bij schulden is nog niet klaar. Als wij stoppen, kunnen de organisaties "
                    "die hulp niet meer op elkaar afstemmen. Dan is er een reëel risico dat u uw huis "
                    "verliest."
                ),
                weighing=(
                    "Wij begrijpen dat het bespreken zwaar voor u is. Toch weegt het risico op het "
                    "verlies van uw huis zwaarder. Wij bespreken alleen wat voor de hulp nodig is."
                ),
                decided_by=zorg.name,
            ),
        ],
        execution=c.Execution(
            executed_on=date(2026, 2, 25),
            description=(
                f"Wij hebben {CASUS_A} afgesloten. Uw gegevens uit die casus zijn verwijderd en "
                "worden niet meer besproken."
            ),
        ),
        recipients_informed=[zorg.name],
    )


def _weigering_overdraagbaarheid(region, kind):
    return c.WeigeringOverdraagbaarheidContext(
        **_base(region, kind, date(2026, 2, 9), their_letter_date=THEIR_LETTER,
                remedies=remedies_for(region, None)),
        received_on=RECEIVED,
        other_request_types=[RequestType.inzage],
    )


def _doorverwijzing_betrokkene(region, kind):
    return c.DoorverwijzingBetrokkeneContext(
        **_base(region, kind, date(2026, 2, 11), their_letter_date=THEIR_LETTER,
                remedies=remedies_for(region, None)),
        received_on=RECEIVED,
        referrals=_referrals(region, [RequestType.inzage, RequestType.correctie]),
    )


def _doorzending(region, kind):
    referral = _referrals(region, [RequestType.inzage, RequestType.correctie])[0]
    police = _body(region, Regime.wpg, RoutingTarget.wpg_loket)
    return c.DoorzendingContext(
        **_base(
            region, kind, date(2026, 2, 11),
            reference=referral.reference,
            addressee=c.Addressee.for_body(police),
        ),
        received_on=RECEIVED,
        referral=referral,
        betrokkene=PERSON,
        identity_verified_on=date(2026, 2, 9),
        enclosures=["een kopie van het verzoek van 30 januari 2026"],
    )


def _consultatieverzoek(region, kind):
    partner = _gemeente(region)
    return c.ConsultatieverzoekContext(
        **_base(
            region, kind, date(2026, 2, 11),
            reference=_reference(region, "-C1"),
            addressee=_partner_addressee(partner, region),
        ),
        received_on=RECEIVED,
        partner_name=partner.name,
        betrokkene=PERSON,
        request_types=[RequestType.inzage, RequestType.correctie],
        items=[i for i in _items(region) if i.supplier == partner.name],
        requested_change="Haar huisnummer verbeteren: zij woont op nummer 1.",
        due_on=date(2026, 2, 25),
        request_deadline=DEADLINE,
        task_link="https://rechtenloket.example.nl/taak/" + "3f" * 32,  # a fictitious token
        task_link_expires_on=date(2026, 3, 25),
    )


def _herinnering_consultatie(region, kind):
    partner = _gemeente(region)
    return c.HerinneringConsultatieContext(
        **_base(
            region, kind, date(2026, 2, 23),
            reference=_reference(region, "-C1"),
            addressee=_partner_addressee(partner, region),
        ),
        partner_name=partner.name,
        consultation_reference=_reference(region, "-C1"),
        consultation_sent_on=date(2026, 2, 11),
        due_on=date(2026, 2, 25),
        request_deadline=DEADLINE,
    )


def _escalatie_manager(region, kind):
    partner = _gemeente(region)
    return c.EscalatieManagerContext(
        **_base(
            region, kind, date(2026, 2, 26),
            addressee=c.Addressee(
                name=region.roles.manager,
                address_lines=[region.letterhead.organisation, "Intern"],
                salutation="Beste collega",
            ),
        ),
        tasks=[
            c.OverdueTask(
                partner_name=partner.name,
                task_reference=_reference(region, "-C1"),
                due_on=date(2026, 2, 25),
                reminder_sent_on=date(2026, 2, 23),
            )
        ],
        request_deadline=DEADLINE,
    )


def _verlenging(region, kind):
    return c.VerlengingContext(
        **_base(region, kind, date(2026, 2, 25), their_letter_date=THEIR_LETTER),
        received_on=RECEIVED,
        request_types=[RequestType.inzage],
        original_deadline=LEGAL_DEADLINE,
        announced_deadline=_due(region, RequestType.inzage),
        new_deadline=date(2026, 5, 4),
        reason=(
            "Uw gegevens staan in twee casussen en komen van vijf organisaties. Wij moeten al "
            "die organisaties om advies vragen. Twee van hen hebben meer tijd nodig om hun "
            "gegevens na te kijken."
        ),
    )


def _kennisgeving_ontvangers(region, kind):
    recipient = _zorg(region)
    return c.KennisgevingOntvangersContext(
        **_base(
            region, kind, date(2026, 2, 27),
            addressee=_partner_addressee(recipient, region),
        ),
        betrokkene=PERSON,
        request_type=RequestType.correctie,
        changes=[
            c.NotifiedChange(
                description=f"Adres van betrokkene, in {CASUS_A}",
                action="Het huisnummer is verbeterd. Het juiste adres is Voorbeeldstraat 1, 1234 AB Voorbeeldstad.",
            )
        ],
        decided_on=date(2026, 2, 24),
    )


def _geen_gegevens(region, kind):
    return c.GeenGegevensContext(
        **_base(region, kind, date(2026, 2, 16), their_letter_date=THEIR_LETTER,
                remedies=remedies_for(region, None)),
        received_on=RECEIVED,
        request_types=[RequestType.inzage],
        searched_on=date(2026, 2, 12),
    )


_BUILDERS: dict[str, Callable[[RegionConfig, LetterKind], c.LetterContext]] = {
    "ontvangstbevestiging": _ontvangstbevestiging,
    "uitnodiging_identificatie": _uitnodiging_identificatie,
    "termijn_na_identificatie": _termijn_na_identificatie,
    "buiten_behandeling": _buiten_behandeling,
    "inzage_besluit": _inzage_besluit,
    "weigering": _weigering,
    "besluit_correctie": _besluit_correctie,
    "besluit_verzet": _besluit_verzet,
    "weigering_overdraagbaarheid": _weigering_overdraagbaarheid,
    "doorverwijzing_betrokkene": _doorverwijzing_betrokkene,
    "doorzending": _doorzending,
    "consultatieverzoek": _consultatieverzoek,
    "herinnering_consultatie": _herinnering_consultatie,
    "escalatie_manager": _escalatie_manager,
    "verlenging": _verlenging,
    "kennisgeving_ontvangers": _kennisgeving_ontvangers,
    "geen_gegevens": _geen_gegevens,
}


#: Fictitious representatives (issue 18 point 5): a parent of a child of 14, and a lawyer.
PARENT = c.Addressee(name="de heer P. de Vries", address_lines=PERSON_ADDRESS, salutation="Geachte heer De Vries")
CHILD = c.Representation.of("wettelijk_vertegenwoordiger", "Sanne de Vries", date(2011, 9, 3), RECEIVED)
LAWYER = c.Addressee(name="mr. A. Voorbeeld", address_lines=["Postbus 1", "1000 AA Amsterdam"],
                     salutation="Geachte mr. Voorbeeld")
CLIENT = c.Representation.of("advocaat", PERSON_NAME, PERSON.birth_date, RECEIVED)
REPRESENTATIVES = {"ouder": (PARENT, CHILD), "advocaat": (LAWYER, CLIENT)}


def sample_context(kind: str, region: RegionConfig, representative: str | None = None) -> c.LetterContext:
    """A realistic, fictitious context of letter ``kind`` for ``region``. With
    ``representative`` ("ouder", "advocaat"): the same letter for a request made for the
    betrokkene (the letters to the betrokkene go to the representative)."""
    letter_kind = get_kind(kind)
    ctx = _BUILDERS[letter_kind.id](region, letter_kind)
    if representative is None:
        return ctx
    addressee, about = REPRESENTATIVES[representative]
    update: dict = {"representation": about}
    if letter_kind.recipient.value == "betrokkene":
        update["addressee"] = addressee
    if isinstance(ctx, (c.ConsultatieverzoekContext, c.DoorzendingContext)):
        person = c.Person(name=about.name, birth_date=about.birth_date, address_lines=PERSON_ADDRESS)
        update["betrokkene"] = person
    if isinstance(ctx, c.DoorzendingContext):
        update["representative"] = f"{addressee.name}, als {about.words.capacity} van de betrokkene (machtiging)"
        update.pop("representation")
    elif letter_kind.recipient.value not in ("betrokkene",) and not isinstance(ctx, c.ConsultatieverzoekContext):
        update.pop("representation")
    values = {k: (v if k in ("region", "addressee") else _spoken_of(v, about.words)) for k, v in dict(ctx).items()}
    return type(ctx).model_validate({**values, **update})


def _spoken_of(value, words):
    """The sample's own free texts as a partner would write them to the representative:
    "uw gegevens" becomes "de gegevens over uw kind" (models/letters/words.py ``rewrite``)."""
    if isinstance(value, str):
        return words.rewrite(value)
    if isinstance(value, list):
        return [_spoken_of(v, words) for v in value]
    if isinstance(value, c._Model) and not isinstance(value, (c.Remedies, c.Referral)):
        return type(value).model_validate({k: _spoken_of(v, words) for k, v in dict(value).items()})
    return value
