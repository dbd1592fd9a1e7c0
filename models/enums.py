"""Vocabulary shared by tables, configuration and domain logic.

Values are stored as plain strings so that PostgreSQL needs no enum types and a new value
needs no migration; validation happens in code through these enums.
"""
from enum import StrEnum


class RequestType(StrEnum):
    """The rights a betrokkene can exercise (AVG art. 15-22; Fryslân art. 20.2 eigen verklaring)."""

    inzage = "inzage"
    correctie = "correctie"
    aanvulling = "aanvulling"
    verwijdering = "verwijdering"
    beperking = "beperking"
    verzet = "verzet"
    overdraagbaarheid = "overdraagbaarheid"
    eigen_verklaring = "eigen_verklaring"


class PartnerKind(StrEnum):
    gemeente = "gemeente"
    politie = "politie"
    om = "om"
    zorg = "zorg"
    jeugd = "jeugd"
    reclassering = "reclassering"
    woningcorporatie = "woningcorporatie"
    overig = "overig"


class Regime(StrEnum):
    """The law under which a partner supplied data: decides who handles a request about it."""

    avg = "avg"
    wpg = "wpg"  # Wet politiegegevens
    wjsg = "wjsg"  # Wet justitiële en strafvorderlijke gegevens


class SpecialCategory(StrEnum):
    """What a data item is, for item b of the inzage reply: decided by what the data are
    (the supplier's answer, else the supplier's default), never by a word in the category.

    ``health``: data concerning health (AVG art. 4(15), a special category of art. 9(1));
    ``special``: another special category of art. 9(1) (racial or ethnic origin, political
    opinions, religious or philosophical beliefs, trade union membership, genetic or
    biometric data, sex life or sexual orientation); ``criminal``: data relating to criminal
    convictions and offences (AVG art. 10; not a special category under the AVG, a regime of
    its own); ``none``: none of these."""

    health = "health"
    special = "special"
    criminal = "criminal"
    none = "none"


class RoutingTarget(StrEnum):
    """Where a bucket of police or OM data goes (domain.md §3)."""

    wpg_loket = "wpg_loket"
    politie_privacyfunctionaris = "politie_privacyfunctionaris"
    parket_privacyfunctionaris = "parket_privacyfunctionaris"
    parket_generaal_bjz = "parket_generaal_bjz"


class Channel(StrEnum):
    """How a request reached the first party."""

    brief = "brief"
    email = "email"
    balie = "balie"
    via_partner = "via_partner"


class RequesterKind(StrEnum):
    betrokkene = "betrokkene"
    wettelijk_vertegenwoordiger = "wettelijk_vertegenwoordiger"
    curator = "curator"
    mentor = "mentor"
    advocaat = "advocaat"
    gemachtigde = "gemachtigde"


class RequestStatus(StrEnum):
    registered = "registered"
    awaiting_identity = "awaiting_identity"
    consulting = "consulting"
    deliberating = "deliberating"
    executing = "executing"
    replying = "replying"
    closed = "closed"


class TaskStatus(StrEnum):
    open = "open"
    answered = "answered"


class DecisionOutcome(StrEnum):
    granted = "granted"
    partly = "partly"
    refused = "refused"
    # The identity was never established within the term of the invitation (issue 18 point 3):
    # the request is not dealt with (for a bestuursorgaan: Awb art. 4:5, buiten behandeling).
    not_handled = "not_handled"


class ClockEventKind(StrEnum):
    suspend = "suspend"  # the coordinator recorded why the identity could not yet be established
    resume = "resume"  # the identity was established
    extend = "extend"
    # The term of the identity invitation passed unused: the clock runs again, and the request
    # ends with a reasoned decision (issue 18 point 3).
    no_identity = "no_identity"


class IdentityDoubt(StrEnum):
    """Why the identity could not yet be established from the request (AVG art. 12 lid 6:
    "redenen heeft om te twijfelen"). The Dutch sentences are in models/identity.py."""

    geen_vergelijking = "geen_vergelijking"
    afwijkende_gegevens = "afwijkende_gegevens"
    vertegenwoordiger = "vertegenwoordiger"
    gevoelige_gegevens = "gevoelige_gegevens"
    anders = "anders"


class NotificationChannel(StrEnum):
    """How a partner or external body receives messages from the outbox."""

    file = "file"
    email = "email"
    webhook = "webhook"
    portal = "portal"


class Role(StrEnum):
    """Who a principal is in the product (domain.md §2). A person's account has one role;
    the system's own runs are ``system``."""

    coordinator = "coordinator"  # privacy officer / procesregisseur: registers and steers requests
    signatory = "signatory"  # approves and signs the replies to the betrokkene
    manager = "manager"  # watches the deadlines; sees references, not names, until a logged read
    partner = "partner"  # a user of one partner organisation: answers its own consultation tasks
    auditor = "auditor"  # FG: reads requests and the audit trail, changes nothing
    administrator = "administrator"  # accounts, partner API tokens; no personal data of requests
    system = "system"  # the flows, the sweep, the command line's own bookkeeping
