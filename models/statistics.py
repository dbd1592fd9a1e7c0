"""Statistics for the annual report (Rotterdam Conv. 12.3: the hoofd reports case numbers;
every region's FG asks the same): the requests received in a period, per type, region,
channel, outcome and partner; on time against the protocol and the legal deadline; the
median and 90th percentile of the handling time; extensions; refusals per ground; and per
partner the answer times and the reminders and escalations it needed.

Counts only, never a reference or a name. A fixed number of aggregate queries (each a
GROUP BY over the requests received in the period, read from the stored deadlines of
models/sla.py); percentiles come from a histogram of days, so no query returns a row per
request. ``floor`` runs the same SQL without building anything: the benchmark's floor.
"""
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from sqlalchemy import Integer, case, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement
from sqlmodel import Session, select

from models.enums import RequestType
from models.region_config import ConfigError, get_region
from models.tables import ConsultationTask, ItemAnswer, ItemDecision, Partner, Region, Request, RequestRight


class days_between(FunctionElement):
    """``later - earlier`` in whole days, on SQLite and PostgreSQL."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between)
def _days_sqlite(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return (f"CAST(julianday({compiler.process(later, **kw)}) - julianday({compiler.process(earlier, **kw)})"
            " AS INTEGER)")


@compiles(days_between, "postgresql")
def _days_postgresql(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return f"({compiler.process(later, **kw)} - {compiler.process(earlier, **kw)})"


@dataclass(frozen=True)
class Period:
    """The requests received from ``start`` to ``end`` (both included)."""

    start: date
    end: date

    @classmethod
    def year(cls, year: int, until: Optional[date] = None) -> "Period":
        end = date(year, 12, 31)
        return cls(date(year, 1, 1), min(end, until) if until else end)

    @property
    def label(self) -> str:
        return f"{self.start.strftime('%d-%m-%Y')} t/m {self.end.strftime('%d-%m-%Y')}"


#: The outcome of one requested right, as the report counts it.
OUTCOMES = {
    "granted": "toegewezen",
    "partly": "deels toegewezen",
    "refused": "afgewezen",
    "not_handled": "niet behandeld (identiteit niet vastgesteld, art. 4:5 Awb)",
    "standard_refusal": "standaardweigering (recht niet in het protocol)",
    "no_own_decision": "geen eigen besluit (geen gegevens, of doorverwezen naar politie of OM)",
    "open": "nog in behandeling",
}
CHANNELS = {"brief": "brief", "email": "e-mail", "balie": "balie", "via_partner": "via een partner"}


@dataclass(frozen=True)
class Days:
    """A distribution of whole days: count, median, 90th percentile (nearest rank)."""

    count: int = 0
    median: Optional[int] = None
    p90: Optional[int] = None
    mean: Optional[float] = None

    @classmethod
    def of(cls, histogram: Counter) -> "Days":
        n = sum(histogram.values())
        if not n:
            return cls()
        return cls(count=n, median=_rank(histogram, n, 0.5), p90=_rank(histogram, n, 0.9),
                   mean=round(sum(d * k for d, k in histogram.items()) / n, 1))


def _rank(histogram: Counter, n: int, q: float) -> int:
    """The nearest-rank q-quantile: the smallest value with at least q*n values at or below it."""
    need = max(1, math.ceil(round(q * n, 6)))
    seen = 0
    for days in sorted(histogram):
        seen += histogram[days]
        if seen >= need:
            return days
    return max(histogram)


@dataclass(frozen=True)
class PartnerFigures:
    partner_id: int
    name: str
    region_id: str
    consultations: int
    answered: int
    reminded: int
    escalated: int
    answer_days: Days


@dataclass(frozen=True)
class Statistics:
    period: Period
    regions: Optional[frozenset[str]]
    received: int
    completed: int
    open: int
    per_region: dict[str, int]
    region_names: dict[str, str]
    per_channel: dict[str, int]
    per_type: dict[str, int]
    per_outcome: dict[str, int]
    protocol_met: int  # completed requests, every right within its protocol deadline
    legal_met: int  # completed requests, every right within its legal deadline
    handling_days: Days
    extensions: int  # rights whose legal deadline was extended
    refusals: dict[str, int]  # refusal ground -> parts refused or withheld
    ground_labels: dict[str, str]
    partners: list[PartnerFigures] = field(default_factory=list)

    def percentage(self, part: int) -> Optional[float]:
        return round(100 * part / self.completed, 1) if self.completed else None


def _in_period(query, period: Period, regions: Optional[frozenset[str]]):
    query = query.where(Request.first_received_on >= period.start, Request.first_received_on <= period.end)
    if regions is not None:
        query = query.where(Request.region_id.in_(sorted(regions)))
    return query


def queries(period: Period, regions: Optional[frozenset[str]] = None) -> dict:
    """The aggregate queries the statistics are made of (the benchmark times them bare)."""
    done = Request.sla_completed_on.is_not(None)
    handled = days_between(Request.sla_completed_on, Request.first_received_on)
    answered = days_between(ConsultationTask.answered_on, ConsultationTask.created_on)
    refused = ItemDecision.outcome != "granted"
    return {
        "requests": _in_period(select(
            Request.region_id, Request.channel, done.label("done"), Request.sla_protocol_met, Request.sla_legal_met,
            func.count()).group_by(Request.region_id, Request.channel, done, Request.sla_protocol_met,
                                   Request.sla_legal_met), period, regions),
        "handling": _in_period(select(handled, func.count()).where(done).group_by(handled), period, regions),
        "rights": _in_period(select(
            # Grouped by the status itself: PostgreSQL does not see two bound "= 'closed'" as one expression.
            Request.region_id, RequestRight.type, RequestRight.outcome, Request.status,
            func.count(), func.sum(case((RequestRight.legal_due_extended.is_not(None), 1), else_=0)))
            .join(Request, Request.id == RequestRight.request_id)
            .group_by(Request.region_id, RequestRight.type, RequestRight.outcome, Request.status),
            period, regions),
        "partners": _in_period(select(
            ConsultationTask.partner_id, func.count(), func.count(ConsultationTask.answered_on),
            func.count(ConsultationTask.reminded_on), func.count(ConsultationTask.escalated_on))
            .join(Request, Request.id == ConsultationTask.request_id)
            .group_by(ConsultationTask.partner_id), period, regions),
        "answer_days": _in_period(select(ConsultationTask.partner_id, answered, func.count())
                                  .join(Request, Request.id == ConsultationTask.request_id)
                                  .where(ConsultationTask.answered_on.is_not(None))
                                  .group_by(ConsultationTask.partner_id, answered), period, regions),
        "refused": _in_period(select(Request.region_id, ItemDecision.ground, func.count())
                              .join(Request, Request.id == ItemDecision.request_id)
                              .where(refused).group_by(Request.region_id, ItemDecision.ground), period, regions),
        "withheld": _in_period(select(Request.region_id, ItemAnswer.withhold_ground, func.count())
                               .select_from(ItemAnswer)
                               .join(ConsultationTask, ConsultationTask.id == ItemAnswer.task_id)
                               .join(Request, Request.id == ConsultationTask.request_id)
                               .where(ItemAnswer.withhold.is_(True))
                               .group_by(Request.region_id, ItemAnswer.withhold_ground), period, regions),
    }


def floor(session: Session, period: Period, regions: Optional[frozenset[str]] = None) -> int:
    """Run the statistics' aggregate queries and nothing else; returns the number of groups."""
    return sum(len(session.exec(q).all()) for q in queries(period, regions).values())


def statistics(session: Session, period: Period, regions: Optional[frozenset[str]] = None) -> Statistics:
    """The statistics computed now, from the aggregate queries."""
    return assemble(session, period, regions,
                    {name: session.exec(q).all() for name, q in queries(period, regions).items()})


def cached_statistics(session: Session, period: Period, regions: Optional[frozenset[str]] = None) -> Statistics:
    """The same statistics, from the kept groups while no request of the period and scope
    has changed (models/statistics_cache.py): what the page and the CSV export show."""
    from models.statistics_cache import groups

    return assemble(session, period, regions, groups(session, period, regions))


def assemble(session: Session, period: Period, regions: Optional[frozenset[str]], q: dict) -> Statistics:
    """The statistics from the groups of ``queries`` (plus the partner and region names)."""
    per_region, per_channel = Counter(), Counter()
    received = completed = protocol_met = legal_met = 0
    for region_id, channel, done, pm, lm, n in q["requests"]:
        received += n
        per_region[region_id] += n
        per_channel[channel] += n
        if done:
            completed += n
            protocol_met += n if pm else 0
            legal_met += n if lm else 0
    handling = Counter({int(d): n for d, n in q["handling"] if d is not None})

    per_type, per_outcome = Counter(), Counter()
    extensions = 0
    for region_id, rtype, outcome, status, n, extended in q["rights"]:
        per_type[rtype] += n
        extensions += int(extended or 0)
        per_outcome[_outcome(region_id, rtype, outcome, status == "closed")] += n

    names = {p.id: p for p in session.exec(select(Partner))}
    answer_days: dict[int, Counter] = {}
    for partner_id, days, n in q["answer_days"]:
        answer_days.setdefault(partner_id, Counter())[int(days)] += n
    partners = [
        PartnerFigures(pid, names[pid].name, names[pid].region_id, n, answered, reminded, escalated,
                       Days.of(answer_days.get(pid, Counter())))
        for pid, n, answered, reminded, escalated in q["partners"]
    ]
    partners.sort(key=lambda p: (p.region_id, p.name))

    refusals, labels = Counter(), {}
    for rows in (q["refused"], q["withheld"]):
        for region_id, ground, n in rows:
            code = ground or "zonder_grond"
            refusals[code] += n
            labels.setdefault(code, _ground_label(region_id, code))
    region_names = dict(session.exec(select(Region.id, Region.name)).all())
    return Statistics(
        period=period, regions=regions, received=received, completed=completed, open=received - completed,
        per_region=dict(sorted(per_region.items())), region_names=region_names,
        per_channel=dict(sorted(per_channel.items())),
        per_type={t.value: per_type[t.value] for t in RequestType if per_type[t.value]},
        per_outcome={k: per_outcome[k] for k in OUTCOMES if per_outcome[k]},
        protocol_met=protocol_met, legal_met=legal_met, handling_days=Days.of(handling), extensions=extensions,
        refusals=dict(sorted(refusals.items(), key=lambda kv: (-kv[1], kv[0]))), ground_labels=labels,
        partners=partners,
    )


def _outcome(region_id: str, rtype: str, outcome: Optional[str], closed: bool) -> str:
    if outcome:
        return outcome
    if not closed:
        return "open"
    try:
        available = get_region(region_id).rights[RequestType(rtype)].available
    except (ConfigError, KeyError):
        available = True
    return "no_own_decision" if available else "standard_refusal"


def _ground_label(region_id: str, code: str) -> str:
    if code == "dwingende_gerechtvaardigde_gronden":
        return "verzet: dwingende gerechtvaardigde gronden (art. 21 lid 1 AVG)"
    if code == "zonder_grond":
        return "afgewezen zonder weigeringsgrond (bijvoorbeeld: geen verbeterde tekst)"
    from models.statement import statement_ground

    own = statement_ground(code)
    if own is not None:  # an eigen verklaring refused on a ground of the AVG itself (issue 18 point 6)
        return f"eigen verklaring: {own.label} ({own.law})"
    try:
        ground = get_region(region_id).refusal_ground(code)
        return f"{ground.label} ({ground.law})"
    except (ConfigError, KeyError):
        return code


def table_rows(stats: Statistics) -> list[dict]:
    """The statistics as one table (CSV export, the Prefect artifact): section, what, number,
    and where it applies a percentage or days. Counts only."""
    rows: list[dict] = []

    def add(section: str, what: str, number, extra: str = "") -> None:
        rows.append({"onderdeel": section, "wat": what, "aantal": number, "toelichting": extra})

    add("totaal", "ontvangen", stats.received, stats.period.label)
    add("totaal", "afgehandeld", stats.completed)
    add("totaal", "nog open", stats.open)
    for region_id, n in stats.per_region.items():
        add("regio", stats.region_names.get(region_id, region_id), n)
    for channel, n in stats.per_channel.items():
        add("kanaal", CHANNELS.get(channel, channel), n)
    for rtype, n in stats.per_type.items():
        add("soort verzoek", rtype.replace("_", " "), n)
    for outcome, n in stats.per_outcome.items():
        add("uitkomst per recht", OUTCOMES[outcome], n)
    add("termijn", "binnen de termijn van het protocol", stats.protocol_met, _pct(stats.percentage(stats.protocol_met)))
    add("termijn", "binnen de wettelijke termijn", stats.legal_met, _pct(stats.percentage(stats.legal_met)))
    h = stats.handling_days
    add("behandelduur", "mediaan (dagen)", h.median if h.median is not None else "-", f"{h.count} afgehandeld")
    add("behandelduur", "90e percentiel (dagen)", h.p90 if h.p90 is not None else "-")
    add("verlenging", "termijn verlengd (AVG art. 12 lid 3)", stats.extensions, "per recht")
    for ground, n in stats.refusals.items():
        add("weigeringsgrond", stats.ground_labels.get(ground, ground), n, "per geweigerd of achtergehouden deel")
    for p in stats.partners:
        add("partner", p.name, p.consultations,
            f"beantwoord {p.answered}; mediaan {_days(p.answer_days.median)}, 90e percentiel "
            f"{_days(p.answer_days.p90)}; herinnering {p.reminded}; escalatie {p.escalated}")
    return rows


def _pct(value: Optional[float]) -> str:
    return "-" if value is None else f"{value:.1f}%".replace(".", ",")


def _days(value: Optional[int]) -> str:
    return "-" if value is None else f"{value} dagen"


def previous_years(today: date, count: int = 5) -> list[int]:
    return [today.year - i for i in range(count)]

