"""The region's own facts: which values the region's administrator fills in, how each is
checked, and how they lie over the region file (issue 18 point 12).

The protocol's rules stay in ``config/regions/*.yaml``, reviewed like code. The facts the
sources do not give, and that a region knows best, are kept in the database (table
``regionfact``) and replace the file's value at the same dotted key: the letterhead, the
signers, the body for joint decisions, each bestuursorgaan's bezwaar addressee and mandate,
the identity desks and the addresses of the police and OM bodies. Only the keys of this
registry can be filled in, each with its check:

- an address: one line per row, the last one postcode and town ("9401 AA Assen");
- a phone number: a Dutch number (10 digits from 0, a 0800/090x number, or 14 + area code);
- an e-mail address; a date (not in the future); a text with a length limit.

Pure: a region (from its file) and stored values in, the registry, checked values and the
region with its facts out. Reading and writing the table: ``models/actions/region_facts.py``;
the overlay of every ``get_region``: ``models/region_config.py``.
"""
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Optional, Union

from models.enums import Regime
from models.region_config import UNVERIFIED, RegionConfig, is_unverified

Value = Union[str, list[str]]

ADDRESS, PHONE, EMAIL, DATE, TEXT = "address", "phone", "email", "date", "text"
#: Lines of an address, and characters per line (models/actions/inputs.py LINE).
MAX_LINES = 6
MAX_LINE = 120
#: The earliest date a mandaatbesluit can carry (a year typo is refused).
EARLIEST_DATE = date(1990, 1, 1)

POSTCODE_LINE = re.compile(r"^([1-9][0-9]{3})\s?([A-Za-z]{2})\s+(\S.*)$")
EMAIL_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                           r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class FactInvalid(ValueError):
    """A value that cannot be a region fact: the Dutch reason, read after the field's label
    ("Telefoonnummer is geen Nederlands telefoonnummer ..."), without the value itself."""


@dataclass(frozen=True)
class FactSpec:
    """One editable fact: its dotted key in the region file, how the page names it, what it
    is for (the region page and ``rechtenloket regions check``), and its check."""

    key: str
    label: str
    kind: str  # ADDRESS, PHONE, EMAIL, DATE or TEXT
    purpose: str
    group: str
    max_length: int = 200
    hint: Optional[str] = None

    @property
    def multiline(self) -> bool:
        return self.kind == ADDRESS


@dataclass(frozen=True)
class FactGroup:
    """The facts that belong together on one form of the region page."""

    id: str
    title: str
    intro: str
    specs: tuple[FactSpec, ...]


@dataclass(frozen=True)
class StoredFact:
    """A fact as the table holds it (``models.tables.RegionFact``), decoded."""

    key: str
    value: Value
    confirmed_by: str
    confirmed_on: date
    changed_by: str
    changed_at: datetime


# ------------------------------------------------------------------ the registry


def _address_hint(example: str) -> str:
    return f"Eén regel per regel van het adres. De laatste regel is de postcode en de plaats, bijvoorbeeld: {example}."


def groups(region: RegionConfig) -> list[FactGroup]:
    """Every group of facts the administrator of ``region`` can fill in, in page order.
    Built from the region file, so a partner or desk added there appears here too."""
    out = [
        FactGroup("briefhoofd", "Briefhoofd en contact",
                  "Dit staat in elke brief. Zo kan de betrokkene u bellen, mailen, schrijven en bezoeken.", (
                      FactSpec("letterhead.postal_address", "Postadres", ADDRESS,
                               "Elke brief: waar de betrokkene een brief naartoe stuurt.", "briefhoofd",
                               hint=_address_hint("Postbus 100, 9400 AC Assen") + " Begin met de naam van de organisatie."),
                      FactSpec("letterhead.visiting_address", "Bezoekadres", ADDRESS,
                               "Elke brief: waar de betrokkene langs kan komen.", "briefhoofd",
                               hint=_address_hint("Stationsstraat 1, 9401 KV Assen")),
                      FactSpec("letterhead.phone", "Telefoonnummer", PHONE,
                               "Elke brief: welk nummer de betrokkene kan bellen.", "briefhoofd",
                               hint="Een Nederlands nummer, bijvoorbeeld 0592 123 456 of 14 0592."),
                      FactSpec("letterhead.email", "E-mailadres", EMAIL,
                               "Elke brief: naar welk adres de betrokkene kan mailen.", "briefhoofd", max_length=254,
                               hint="Bijvoorbeeld privacy@zorgenveiligheidshuis.nl."),
                      FactSpec("letterhead.opening_hours", "Openingstijden of hoe u een afspraak maakt", TEXT,
                               "Elke brief, achter het telefoonnummer: wanneer de betrokkene kan bellen of langskomen.",
                               "briefhoofd", max_length=150,
                               hint="Kort, bijvoorbeeld: maandag tot en met vrijdag van 9.00 tot 17.00 uur."),
                  )),
        FactGroup("ondertekening", "Ondertekening",
                  "Wie de brieven ondertekent, met de functie voluit (geen afkorting).", (
                      FactSpec("signatory.name", "Naam van de ondertekenaar van de antwoorden", TEXT,
                               "Ondertekent de antwoorden en besluiten aan de betrokkene.", "ondertekening",
                               max_length=100, hint="Voorletters en achternaam, bijvoorbeeld: J. de Vries."),
                      FactSpec("signatory.function", "Functie van de ondertekenaar", TEXT,
                               "Staat onder de naam in de antwoorden en besluiten.", "ondertekening", max_length=120),
                      FactSpec("internal_signer.name", "Naam van de ondertekenaar van de brieven aan partners", TEXT,
                               "Ondertekent de vragen aan partners, de herinneringen en de brieven aan de manager.",
                               "ondertekening", max_length=100),
                      FactSpec("internal_signer.function", "Functie van die ondertekenaar", TEXT,
                               "Staat onder de naam in de brieven aan partners en de manager.", "ondertekening",
                               max_length=120),
                  )),
        FactGroup("gezamenlijk", "Orgaan voor gezamenlijke besluiten",
                  "Sommige besluiten nemen de organisaties samen: er zijn geen gegevens gevonden, het protocol kent het"
                  " recht niet, of er zijn alleen gegevens van politie of OM. Bezwaar daartegen gaat naar dit orgaan."
                  " Is het een van de partners hieronder? Schrijf het dan precies zoals bij die partner. Dan"
                  " ondertekent u deze besluiten in het mandaat van die partner.", (
                      FactSpec("bezwaar.addressee", "Naar wie gaat het bezwaar", TEXT,
                               "Besluiten voor alle organisaties samen: naar wie de betrokkene bezwaar stuurt.",
                               "gezamenlijk", max_length=200,
                               hint="Bijvoorbeeld: het college van burgemeester en wethouders van Assen."),
                      FactSpec("bezwaar.address", "Adres voor het bezwaar", ADDRESS,
                               "Besluiten voor alle organisaties samen: waar de betrokkene het bezwaar naartoe stuurt.",
                               "gezamenlijk", hint=_address_hint("Postbus 30018, 9400 RA Assen")),
                  )),
        FactGroup("bewaren", "Bewaren van het dossier van een verzoek",
                  "Hoe lang het dossier van een verzoek blijft bewaard, hebben de partners samen besloten. Dat besluit"
                  " staat in de brief als er geen gegevens zijn gevonden.", (
                      FactSpec("retention.decision", "Besluit over de bewaartermijn", TEXT,
                               "Brief 'geen gegevens': op welk besluit van de partners de bewaartermijn rust.",
                               "bewaren", max_length=300,
                               hint="De titel en datum, bijvoorbeeld: Besluit stuurgroep Zorg- en Veiligheidshuis van"
                                    " 12-03-2025."),
                  )),
    ]
    for partner in region.partners:
        if not (partner.bestuursorgaan and partner.regime == Regime.avg and partner.bezwaar is not None):
            continue
        name, prefix, gid = partner.display_name, f"partners.{partner.slug}", f"partner-{partner.slug}"
        out.append(FactGroup(gid, partner.name, (
            f"Over de gegevens van {name} beslist een bestuursorgaan. Daarom staat in de brief waar bezwaar heen"
            " gaat, en in wiens mandaat u tekent (artikel 10:10 Awb). Zonder mandaat kan een besluit over deze"
            " gegevens niet worden goedgekeurd."), (
            FactSpec(f"{prefix}.bezwaar.addressee", "Naar wie gaat het bezwaar", TEXT,
                     f"Besluiten over de gegevens van {name}: naar wie de betrokkene bezwaar stuurt.", gid),
            FactSpec(f"{prefix}.bezwaar.address", "Adres voor het bezwaar", ADDRESS,
                     f"Besluiten over de gegevens van {name}: waar het bezwaar naartoe gaat.", gid,
                     hint=_address_hint("Postbus 30018, 9400 RA Assen")),
            FactSpec(f"{prefix}.mandate.organ", "Bestuursorgaan dat mandaat gaf", TEXT,
                     f"Besluiten over de gegevens van {name}: staat boven 'namens dezen' in de ondertekening.", gid,
                     hint="Zoals het boven 'namens dezen' staat, bijvoorbeeld: Het college van burgemeester en"
                          " wethouders van Assen."),
            FactSpec(f"{prefix}.mandate.decree", "Mandaatbesluit", TEXT,
                     f"Besluiten over de gegevens van {name}: het besluit waarin het orgaan de ondertekenaar mandaat"
                     " gaf.", gid, max_length=300,
                     hint="De titel of het kenmerk, bijvoorbeeld: Mandaatbesluit Zorg- en veiligheidshuis 2025."),
            FactSpec(f"{prefix}.mandate.decided_on", "Datum van het mandaatbesluit", DATE,
                     f"Besluiten over de gegevens van {name}: wanneer het mandaat is gegeven.", gid,
                     hint="Bijvoorbeeld 14-01-2025."),
        )))
    for n, desk in enumerate(region.identity.locations):
        gid = f"identificatie-{n + 1}"
        out.append(FactGroup(gid, f"Identificatie: {desk.name}",
                             "Dit staat in de uitnodiging om de identiteit te laten zien.", (
                                 FactSpec(f"identity.locations.{n}.address", "Adres", ADDRESS,
                                          f"Uitnodiging voor de identificatie: waar {desk.name} is.", gid,
                                          hint=_address_hint("Stationsstraat 1, 9401 KV Assen")),
                                 FactSpec(f"identity.locations.{n}.hours", "Openingstijden of hoe u een afspraak maakt",
                                          TEXT, "Uitnodiging voor de identificatie: wanneer de betrokkene kan komen.",
                                          gid, max_length=300),
                             )))
    for body in region.routing.bodies:
        gid = f"instantie-{body.id}"
        out.append(FactGroup(gid, body.name,
                             "Een verzoek over gegevens van politie of OM sturen wij door naar deze instantie. Het"
                             " adres staat in die brief en in de brief aan de betrokkene.", (
                                 FactSpec(f"routing.bodies.{body.id}.address", "Postadres", ADDRESS,
                                          f"Brieven die een verzoek doorsturen naar {body.name}.", gid,
                                          hint=_address_hint("Postbus 20305, 2500 EH Den Haag")),
                             )))
    return out


def specs(region: RegionConfig) -> dict[str, FactSpec]:
    """Every editable key of the region, with its spec."""
    return {spec.key: spec for group in groups(region) for spec in group.specs}


def group(region: RegionConfig, group_id: str) -> Optional[FactGroup]:
    return next((g for g in groups(region) if g.id == group_id), None)


def field_anchor(key: str) -> str:
    """The HTML id of a key's field on its form (as web/forms.py ``field_id`` makes it)."""
    return "veld-" + re.sub(r"[^A-Za-z0-9_-]+", "-", key).strip("-")


def group_of_key(region: RegionConfig, key: str) -> Optional[str]:
    """The group a key is filled in on; a partner's whole ``mandate`` (a partner without one
    in the file) belongs to that partner's group."""
    found = specs(region).get(key)
    if found is not None:
        return found.group
    if key.startswith("partners.") and key.endswith(".mandate"):
        gid = f"partner-{key.split('.')[1]}"
        return gid if any(g.id == gid for g in groups(region)) else None
    return None


# ------------------------------------------------------------------ the checks


def _one_line(raw: str, spec: FactSpec) -> str:
    value = " ".join(raw.split())
    if not value:
        raise FactInvalid("mag niet leeg zijn")
    if value.casefold() == UNVERIFIED:
        raise FactInvalid("mag niet 'unverified' zijn: vul de echte waarde in")
    if len(value) > spec.max_length:
        raise FactInvalid(f"is te lang (hoogstens {spec.max_length} tekens)")
    return value


def _address(raw: str) -> list[str]:
    lines = [" ".join(line.split()) for line in raw.replace("\r\n", "\n").split("\n")]
    lines = [line for line in lines if line]
    if any(line.casefold() == UNVERIFIED for line in lines):
        raise FactInvalid("mag geen regel 'unverified' hebben: vul het echte adres in")
    if len(lines) < 2:
        raise FactInvalid("moet minstens twee regels hebben: straat en huisnummer (of postbus), en postcode en"
                          " plaats")
    if len(lines) > MAX_LINES:
        raise FactInvalid(f"heeft te veel regels (hoogstens {MAX_LINES})")
    if any(len(line) > MAX_LINE for line in lines):
        raise FactInvalid(f"heeft een regel die te lang is (hoogstens {MAX_LINE} tekens)")
    match = POSTCODE_LINE.match(lines[-1])
    if match is None:
        raise FactInvalid("moet eindigen met een regel met postcode en plaats, zoals 9401 AA Assen")
    digits, letters, town = match.groups()
    lines[-1] = f"{digits} {letters.upper()} {town}"
    return lines


#: After the digits are taken: a number of 10 digits from 0 (not 00), a free or paid service
#: number (0800, 0900, 0906, 0909 with 4 or 7 digits), or a municipality's 14 + area code.
_PHONE_FORMS = (re.compile(r"^0[1-9][0-9]{8}$"), re.compile(r"^0(?:800|900|906|909)(?:[0-9]{4}|[0-9]{7})$"),
                re.compile(r"^140[1-9][0-9]{1,2}$"))


def _phone(raw: str, spec: FactSpec) -> str:
    shown = _one_line(raw, spec)
    if re.search(r"[^0-9 +()\-.]", shown):
        raise FactInvalid("is geen Nederlands telefoonnummer: gebruik alleen cijfers, spaties en streepjes,"
                          " bijvoorbeeld 0592 123 456")
    digits = re.sub(r"[^0-9+]", "", shown)
    if digits.startswith("+31"):
        digits = "0" + digits[3:]
    elif digits.startswith("0031"):
        digits = "0" + digits[4:]
    if "+" in digits or not any(form.match(digits) for form in _PHONE_FORMS):
        raise FactInvalid("is geen Nederlands telefoonnummer: gebruik bijvoorbeeld 0592 123 456, 06 12345678,"
                          " 0800 1234 of 14 0592")
    return shown


def _email(raw: str, spec: FactSpec) -> str:
    value = _one_line(raw, spec)
    if " " in value or not EMAIL_ADDRESS.match(value):
        raise FactInvalid("is geen e-mailadres: schrijf het zo: naam@organisatie.nl")
    local, _, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


def _date(raw: str, spec: FactSpec, today: date) -> str:
    value = _one_line(raw, spec)
    day: Optional[date] = None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        match = re.fullmatch(r"([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4})", value)
        if match:
            try:
                day = date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
            except ValueError:
                day = None
    if day is None:
        raise FactInvalid("is geen datum: schrijf de datum zo: 14-01-2025")
    if day > today:
        raise FactInvalid("ligt in de toekomst: vul de datum in waarop het besluit is genomen")
    if day < EARLIEST_DATE:
        raise FactInvalid(f"ligt te ver terug (vóór {EARLIEST_DATE.year}): kijk het jaartal na")
    return day.isoformat()


def clean(spec: FactSpec, raw: str, today: date) -> Value:
    """The value as it will be stored and printed, or FactInvalid with the reason in Dutch.
    ``raw`` is what was typed (an address: one line per row)."""
    if not isinstance(raw, str):
        raise FactInvalid("moet tekst zijn")
    if _CONTROL.search(raw.replace("\n", "").replace("\r", "").replace("\t", "")):
        raise FactInvalid("bevat een teken dat niet in een brief kan")
    if spec.kind == ADDRESS:
        return _address(raw)
    if _CONTROL.search(raw.replace("\t", "")):
        raise FactInvalid("moet op één regel staan")
    if spec.kind == PHONE:
        return _phone(raw, spec)
    if spec.kind == EMAIL:
        return _email(raw, spec)
    if spec.kind == DATE:
        return _date(raw, spec, today)
    return _one_line(raw, spec)


def as_text(value: Any) -> str:
    """A value as the form shows it: address lines one per row; ``unverified`` (and lines
    that are) left out, so the administrator types only what is missing."""
    if isinstance(value, (list, tuple)):
        return "\n".join(str(v) for v in value if not is_unverified(v))
    if value is None or is_unverified(value):
        return ""
    return str(value)


def encode(value: Value) -> str:
    return json.dumps(value, ensure_ascii=False)


def decode(stored: str) -> Value:
    value = json.loads(stored)
    if isinstance(value, list):
        return [str(v) for v in value]
    return str(value)


# ------------------------------------------------------------------ the overlay


def _set(node: Any, parts: list[str], value: Value) -> None:
    """Put ``value`` at the dotted path in the dumped region (list items by index or by
    ``id``/``slug``, as ``models.letters.contacts.lookup`` reads them)."""
    for n, part in enumerate(parts):
        last = n == len(parts) - 1
        if isinstance(node, list):
            if part.isdigit():
                index = int(part)
                if index >= len(node):
                    raise KeyError(part)
            else:
                index = next((i for i, item in enumerate(node)
                              if isinstance(item, dict) and part in (item.get("id"), item.get("slug"))), None)
                if index is None:
                    raise KeyError(part)
            if last:
                node[index] = value
                return
            node = node[index]
            continue
        if not isinstance(node, dict) or part not in node:
            raise KeyError(part)
        if last:
            node[part] = value
            return
        if node[part] is None and part == "mandate":  # a bestuursorgaan without one in the file
            node[part] = {"organ": UNVERIFIED, "decree": UNVERIFIED, "decided_on": UNVERIFIED}
        node = node[part]


def apply_facts(region: RegionConfig, facts: Mapping[str, Value]) -> tuple[RegionConfig, list[str]]:
    """The region with its facts in place of the file's values, validated as a region file
    is, and the keys that were left out: a key the registry does not know (any more), or a
    value the region's schema refuses. A left-out key keeps the file's value (the letters
    then show it as before: a placeholder blocks them)."""
    from models.region_config import RegionConfig as Schema

    known = specs(region)
    usable = {k: v for k, v in facts.items() if k in known}
    skipped = [k for k in facts if k not in known]
    if not usable:
        return region, skipped
    data = region.model_dump()
    for key in list(usable):
        try:
            _set(data, key.split("."), usable[key])
        except (KeyError, TypeError):
            skipped.append(key)
            del usable[key]
    try:
        return Schema.model_validate(data), skipped
    except ValueError:
        pass
    # One of them does not fit the schema (a file changed under a stored fact): add them one
    # by one and keep those that do.
    current = region
    for key, value in usable.items():
        trial = current.model_dump()
        _set(trial, key.split("."), value)
        try:
            current = Schema.model_validate(trial)
        except ValueError:
            skipped.append(key)
    return current, skipped


# ------------------------------------------------------------------ what the page shows


OPEN, FROM_FILE, CONFIRMED = "open", "file", "confirmed"


@dataclass(frozen=True)
class FactStatus:
    """One value on the region page: what letters print now, and whether the region
    confirmed it. ``state``: ``open`` (not known: it blocks real letters), ``file`` (from the
    region file, not confirmed by the region), ``confirmed`` (kept by the region)."""

    spec: FactSpec
    value: Any
    state: str
    stored: Optional[StoredFact] = None

    @property
    def shown(self) -> str:
        """The value on one line for the overview (address lines separated by commas)."""
        if isinstance(self.value, (list, tuple)):
            return ", ".join("[nog niet bekend]" if is_unverified(v) else str(v) for v in self.value)
        return "[nog niet bekend]" if is_unverified(self.value) else str(self.value)


def statuses(region: RegionConfig, stored: Mapping[str, StoredFact]) -> list[tuple[FactGroup, list[FactStatus]]]:
    """Every group with the status of each of its values. ``region`` is the region with its
    facts (what the letters print); ``stored`` the facts the table holds."""
    from models.letters.contacts import lookup

    out = []
    for g in groups(region):
        rows = []
        for spec in g.specs:
            try:
                value = lookup(region, spec.key)
            except (KeyError, AttributeError):
                value = None
            fact = stored.get(spec.key)
            if is_unverified(value):
                state = OPEN
            elif fact is not None and fact.value == value:
                state = CONFIRMED
            else:
                state = FROM_FILE
            rows.append(FactStatus(spec=spec, value=value, state=state, stored=fact))
        out.append((g, rows))
    return out
