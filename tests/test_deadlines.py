"""The deadline engine (issue 3): table-driven cases over real calendars 2025-2031,
suspension, extension, status, consultation dates, and properties.

Expected dates are worked out by hand in the comments (weekday and holiday of each step),
not copied from the engine.
"""
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.deadlines import (
    ClockInput,
    ClockStatus,
    ConsultationTask,
    DeadlineError,
    Extension,
    ExtensionRefused,
    Suspension,
    compute_clock,
    consultation_schedule,
)
from models.enums import RequestType
from models.holiday_config import load_decree_days
from models.holidays import DecreeDay, is_non_working_day
from models.region_config import DeadlinePolicy, ProtocolPeriod, Rule

D = date.fromisoformat
RULE = Rule(article="art. 18.2")


def policy(protocol_weeks: int = 4, avg_types: tuple = (), **kw) -> DeadlinePolicy:
    """A policy with the same number of weeks for every type, except ``avg_types``, whose
    protocol follows the AVG's terms (Rotterdam PP 18.2 for inzage)."""
    periods = {
        t: ProtocolPeriod(avg=True, rule=RULE) if t in avg_types else ProtocolPeriod(weeks=protocol_weeks, rule=RULE)
        for t in RequestType
    }
    return DeadlinePolicy(periods=periods, suspend_rule=RULE, **{"suspend_for_identity": True, **kw})


POLICY = policy()
NO_SUSPEND = policy(suspend_for_identity=False)
DECREE_DAYS = tuple(
    load_decree_days(Path(__file__).resolve().parent.parent / "config" / "holidays.yaml")
)


def S(start: str, end: str | None = None) -> Suspension:
    return Suspension(D(start), D(end) if end else None)


def clock(received, now=None, rtype=RequestType.inzage, policy=POLICY, decree=DECREE_DAYS, **kw):
    received = D(received) if isinstance(received, str) else received
    now = D(now) if isinstance(now, str) else (now or received)
    return compute_clock(
        ClockInput(
            received=received, request_type=rtype, policy=policy, now=now, decree_days=decree, **kw
        )
    )


# received, protocol_due, legal_due, holiday names that moved a date
CALENDAR_CASES = [
    # month ends: 31 Jan 2025 + 28 days = Fri 28 Feb; + 1 month = 28 Feb (no 31 Feb)
    ("2025-01-31", "2025-02-28", "2025-02-28", []),
    # leap year: 31 Jan 2028 + 28 = Mon 28 Feb; + 1 month = Tue 29 Feb
    ("2028-01-31", "2028-02-28", "2028-02-29", []),
    # from the leap day: + 28 = Tue 28 Mar; + 1 month = Wed 29 Mar
    ("2028-02-29", "2028-03-28", "2028-03-29", []),
    # 31 Mar 2027 + 1 month = Fri 30 Apr (no 31 Apr); + 28 = Wed 28 Apr
    ("2027-03-31", "2027-04-28", "2027-04-30", []),
    # Easter 2026 (5 Apr): + 28 = Goede Vrijdag 3 Apr -> weekend -> tweede Paasdag -> Tue 7;
    # + 1 month = tweede Paasdag 6 Apr -> Tue 7
    ("2026-03-06", "2026-04-07", "2026-04-07", ["Goede Vrijdag", "tweede Paasdag"]),
    # Easter 2029 (1 Apr): + 28 = Goede Vrijdag 30 Mar -> ... -> Tue 3 Apr; 2 Apr -> Tue 3
    ("2029-03-02", "2029-04-03", "2029-04-03", ["Goede Vrijdag", "tweede Paasdag"]),
    # Koningsdag 2025 on Saturday 26 Apr (27th is a Sunday): + 28 = Sat 26 Apr -> Mon 28;
    # + 1 month = Tue 29 Apr
    ("2025-03-29", "2025-04-28", "2025-04-29", ["Koningsdag"]),
    # Koningsdag 2026 on Monday 27 Apr: -> Tue 28; + 1 month = Thu 30 Apr
    ("2026-03-30", "2026-04-28", "2026-04-30", ["Koningsdag"]),
    # Christmas 2031: Thu 25 Dec, Fri 26 Dec, weekend -> Mon 29; 1 month = Sat 27 -> Mon 29
    ("2031-11-27", "2031-12-29", "2031-12-29", ["eerste Kerstdag", "tweede Kerstdag"]),
    # into the new year: Sat 1 Jan 2028 (Nieuwjaarsdag) -> Mon 3 Jan; 1 month = Tue 4 Jan
    ("2027-12-04", "2028-01-03", "2028-01-04", ["Nieuwjaarsdag"]),
    # Nieuwjaarsdag 2026 (Thu) and the decree day Fri 2 Jan 2026 -> Mon 5 Jan;
    # 1 month = Sun 4 Jan -> Mon 5 Jan
    ("2025-12-04", "2026-01-05", "2026-01-05",
     ["Nieuwjaarsdag", "vrijdag na Nieuwjaarsdag (gelijkgestelde dag)"]),
    # 5 mei 2027 (Wed), Hemelvaartsdag (Thu), decree day Fri 7 May -> Mon 10 May;
    # 1 month = Fri 7 May (decree day) -> Mon 10 May
    ("2027-04-07", "2027-05-10", "2027-05-10",
     ["Bevrijdingsdag (5 mei)", "Hemelvaartsdag", "vrijdag na Hemelvaartsdag (gelijkgestelde dag)"]),
    # Hemelvaartsdag 2026 (Thu 14 May) + decree day Fri 15 May: + 28 = Fri 15 -> Mon 18;
    # 1 month = Sun 17 -> Mon 18
    ("2026-04-17", "2026-05-18", "2026-05-18", ["vrijdag na Hemelvaartsdag (gelijkgestelde dag)"]),
    # tweede Pinksterdag 2030 (Mon 10 Jun) -> Tue 11; 1 month = Thu 13 Jun
    ("2030-05-13", "2030-06-11", "2030-06-13", ["tweede Pinksterdag"]),
    # Hemelvaartsdag 2031 (Thu 22 May), no decree day known for 2031 -> Fri 23 May
    ("2031-04-24", "2031-05-23", "2031-05-26", ["Hemelvaartsdag"]),
]


@pytest.mark.parametrize("received, protocol_due, legal_due, moved_by", CALENDAR_CASES)
def test_calendar(received, protocol_due, legal_due, moved_by):
    c = clock(received)
    assert c.protocol_due == D(protocol_due)
    assert c.legal_due == D(legal_due)
    assert c.extension_notice_by == D(legal_due)
    assert c.legal_due_extended is None and c.execution_due is None
    assert list(c.moved_by_holiday) == moved_by
    assert c.suspended_days == 0


def test_decree_day_comes_from_data():
    # the same receipt without the decree days: Fri 15 May 2026 is an ordinary working day
    assert clock("2026-04-17", decree=()).protocol_due == D("2026-05-15")
    made_up = (DecreeDay(D("2030-06-14"), "testdag", "testbesluit"),)
    # 17 May 2030 + 28 = Fri 14 Jun, made a holiday here -> Mon 17 Jun
    c = clock("2030-05-17", decree=made_up)
    assert c.protocol_due == D("2030-06-17")
    assert c.moved_by_holiday == ("testdag",)


def test_protocol_weeks_come_from_the_policy():
    six = policy(protocol_weeks=6)
    c = clock("2026-06-01", policy=six)  # Mon + 42 days = Mon 13 Jul; 1 month = Wed 1 Jul
    assert c.protocol_due == D("2026-07-13")
    assert c.target_due == D("2026-07-01")  # never later than the law allows


def test_verzet_tracks_decision_and_execution():
    c = clock("2026-04-17", rtype=RequestType.verzet)
    assert c.execution_due == c.protocol_due == D("2026-05-18")
    assert c.open_milestones == ("reply", "execution")

    replied = clock("2026-04-17", "2026-05-01", RequestType.verzet, replied_on=D("2026-05-01"))
    assert replied.status == ClockStatus.on_track
    assert replied.open_milestones == ("execution",)

    done = clock(
        "2026-04-17", "2026-05-19", RequestType.verzet,
        replied_on=D("2026-05-01"), executed_on=D("2026-05-18"),
    )
    assert (done.status, done.completed_on) == (ClockStatus.done_on_time, D("2026-05-18"))

    late = clock(
        "2026-04-17", "2026-05-20", RequestType.verzet,
        replied_on=D("2026-05-01"), executed_on=D("2026-05-19"),
    )
    assert late.status == ClockStatus.done_late

    refused = clock(
        "2026-04-17", "2026-05-01", RequestType.verzet,
        replied_on=D("2026-05-01"), execution_required=False,
    )
    assert refused.status == ClockStatus.done_on_time
    assert refused.execution_due is None and refused.open_milestones == ()


def test_verzet_with_nothing_to_execute_closes_its_clock():
    """Issue 9 point 2: only police/OM data (referred) or none: the reply closes the clock,
    weeks later it is still done, never overdue with execution pending."""
    c = clock("2026-04-17", "2026-07-01", RequestType.verzet, replied_on=D("2026-04-22"),
              execution_required=False)
    assert c.status == ClockStatus.done_on_time
    assert c.open_milestones == () and c.execution_due is None and c.completed_on == D("2026-04-22")


# --- the protocol period per request type (issue 9 point 1) -------------------------------
ROTTERDAM_LIKE = policy(avg_types=(RequestType.inzage,))


def test_a_protocol_that_follows_the_avg_gives_the_month():
    # Mon 2 Feb 2026: four weeks = Mon 2 Mar, one month = Mon 2 Mar; take a month-end receipt:
    # Sat 31 Jan 2026: four weeks = Sat 28 Feb -> Mon 2 Mar; one month = Sat 28 Feb -> Mon 2 Mar.
    # Thu 5 Mar 2026: four weeks = Thu 2 Apr; one month = Sun 5 Apr -> tweede Paasdag 6 Apr -> Tue 7 Apr.
    inzage = clock("2026-03-05", policy=ROTTERDAM_LIKE)
    correctie = clock("2026-03-05", rtype=RequestType.correctie, policy=ROTTERDAM_LIKE)
    assert correctie.protocol_due == D("2026-04-02") and correctie.protocol_weeks == 4
    assert inzage.protocol_due == inzage.legal_due == D("2026-04-07")
    assert inzage.protocol_weeks is None and inzage.to_dict()["protocol_period"] == {"avg": True}


def test_rotterdam_inzage_after_four_weeks_but_within_the_month_is_on_time():
    done = clock("2026-03-05", "2026-04-07", policy=ROTTERDAM_LIKE, replied_on=D("2026-04-07"))
    assert done.status == ClockStatus.done_on_time and done.protocol_met is True
    four_weeks = clock("2026-03-05", "2026-04-07", rtype=RequestType.correctie, policy=ROTTERDAM_LIKE,
                       replied_on=D("2026-04-07"))
    assert four_weeks.status == ClockStatus.done_late


def test_an_avg_protocol_period_extends_with_the_avg():
    ext = Extension("veel partners te raadplegen", D("2026-03-20"))
    c = clock("2026-03-05", "2026-03-20", policy=ROTTERDAM_LIKE, extension=ext)
    # three months from Thu 5 Mar 2026 = Fri 5 Jun 2026
    assert c.protocol_due == c.legal_due_extended == D("2026-06-05")
    assert c.protocol_provides_extension is True
    done = clock("2026-03-05", "2026-06-01", policy=ROTTERDAM_LIKE, extension=ext, replied_on=D("2026-06-01"))
    assert done.protocol_met is True and done.status == ClockStatus.done_on_time
    weeks = clock("2026-03-05", "2026-06-01", rtype=RequestType.correctie, policy=ROTTERDAM_LIKE,
                  extension=ext, replied_on=D("2026-06-01"))
    assert weeks.protocol_met is False and weeks.status == ClockStatus.done_on_time


def test_every_request_type_needs_a_period():
    from pydantic import ValidationError

    periods = {t: ProtocolPeriod(weeks=4, rule=RULE) for t in RequestType if t != RequestType.verzet}
    with pytest.raises(ValidationError, match="verzet"):
        DeadlinePolicy(periods=periods, suspend_rule=RULE, suspend_for_identity=True)
    with pytest.raises(ValidationError, match="weeks or avg"):
        ProtocolPeriod(weeks=4, avg=True, rule=RULE)


# --- suspension ----------------------------------------------------------------------------
# Receipt Mon 2 Feb 2026: protocol and legal both end Mon 2 Mar 2026 without suspension.


@pytest.mark.parametrize(
    "suspensions, days, due",
    [
        ([("2026-02-03", "2026-02-10")], 7, "2026-03-09"),  # 2 Mar + 7 = Mon 9 Mar
        # two suspensions add up: 2 + 3 = 5 days -> Sat 7 Mar -> Mon 9 Mar
        ([("2026-02-03", "2026-02-05"), ("2026-02-10", "2026-02-13")], 5, "2026-03-09"),
        # overlapping suspensions count each day once: 3..11 Feb = 9 days -> Wed 11 Mar
        ([("2026-02-03", "2026-02-10"), ("2026-02-05", "2026-02-12")], 9, "2026-03-11"),
        ([("2026-02-03", "2026-02-03")], 0, "2026-03-02"),  # zero-length
        ([("2026-02-26", "2026-02-28")], 2, "2026-03-04"),  # 2 Mar + 2 = Wed 4 Mar
    ],
)
def test_suspension_moves_both_deadlines(suspensions, days, due):
    c = clock("2026-02-02", "2026-03-01", suspensions=tuple(S(a, b) for a, b in suspensions))
    assert c.suspended_days == days
    assert c.protocol_due == c.legal_due == D(due)


def test_suspension_from_receipt_equals_a_later_receipt():
    # stopped from the day of receipt until identification on Mon 9 Feb: as if received then
    suspended = clock("2026-02-02", "2026-02-20", suspensions=(S("2026-02-02", "2026-02-09"),))
    later = clock("2026-02-09", "2026-02-20")
    assert (suspended.protocol_due, suspended.legal_due) == (later.protocol_due, later.legal_due)


def test_open_suspension_counts_to_now_and_shows_suspended():
    c = clock("2026-02-02", "2026-02-10", suspensions=(S("2026-02-03"),))
    assert c.suspended_days == 7
    assert c.protocol_due == D("2026-03-09")
    assert c.status == ClockStatus.suspended


def test_suspension_after_the_deadline_does_not_revive_it():
    c = clock("2026-02-02", "2026-03-20", suspensions=(S("2026-03-10", "2026-03-12"),))
    assert c.suspended_days == 2
    assert c.protocol.added_days == 0 and c.protocol_due == D("2026-03-02")
    assert c.status == ClockStatus.overdue


def test_suspension_on_the_moved_due_date_counts():
    # receipt Sat 3 Jan 2026: + 28 = Sat 31 Jan -> due Mon 2 Feb. Stopped on Sun 1 Feb (after
    # the raw end, before the due date): the period had not ended, so it moves: Sun 1 Feb
    # raw -> due Mon 2 Feb (raw 1 Feb is a Sunday).
    c = clock("2026-01-03", "2026-02-10", suspensions=(S("2026-02-01", "2026-02-02"),))
    assert c.protocol.added_days == 1
    assert c.protocol.raw == D("2026-02-01") and c.protocol_due == D("2026-02-02")


@pytest.mark.parametrize(
    "suspension, now, message",
    [
        (S("2026-02-05", "2026-02-04"), "2026-02-20", "vóór het begin"),
        (S("2026-02-01", "2026-02-04"), "2026-02-20", "vóór de ontvangst"),
        (S("2026-02-21"), "2026-02-20", "na de peildatum"),
        (S("2026-02-05", "2026-02-21"), "2026-02-20", "na de peildatum"),
    ],
)
def test_bad_suspensions_are_refused(suspension, now, message):
    with pytest.raises(DeadlineError, match=message):
        clock("2026-02-02", now, suspensions=(suspension,))


def test_suspension_needs_the_policy():
    with pytest.raises(DeadlineError, match="schort de termijn niet op"):
        clock("2026-02-02", "2026-02-20", policy=NO_SUSPEND, suspensions=(S("2026-02-03", "2026-02-05"),))


# --- extension -----------------------------------------------------------------------------


def test_extension_extends_only_the_legal_deadline():
    # receipt Mon 2 Feb 2026: notice by Mon 2 Mar; 3 months = Sat 2 May -> Mon 4 May
    c = clock("2026-02-02", "2026-02-20", extension=Extension("veel partners", D("2026-02-20")))
    assert c.extension_notice_by == D("2026-03-02")
    assert c.legal_due_extended == D("2026-05-04")
    assert c.protocol_due == D("2026-03-02")  # the protocols provide no extension
    assert c.protocol_provides_extension is False
    assert c.target_due == D("2026-05-04")
    assert c.status == ClockStatus.extended


def test_extension_on_the_last_day_is_accepted_the_day_after_refused():
    ok = clock("2026-02-02", "2026-03-02", extension=Extension("reden", D("2026-03-02")))
    assert ok.legal_due_extended == D("2026-05-04")
    with pytest.raises(ExtensionRefused, match="uiterlijk op 2026-03-02"):
        clock("2026-02-02", "2026-03-03", extension=Extension("reden", D("2026-03-03")))


def test_extension_notice_date_moves_off_the_weekend():
    # receipt Sat 28 Feb 2026: 1 month = Sat 28 Mar -> Mon 30 Mar, so a notice on Mon 30 Mar
    # is in time; 3 months = Thu 28 May
    c = clock("2026-02-28", "2026-03-30", extension=Extension("reden", D("2026-03-30")))
    assert c.extension_notice_by == D("2026-03-30")
    assert c.legal_due_extended == D("2026-05-28")
    with pytest.raises(ExtensionRefused):
        clock("2026-02-28", "2026-03-31", extension=Extension("reden", D("2026-03-31")))


def test_extension_notice_date_moves_with_suspension():
    # 7 days suspended: notice by 2 Mar + 7 = Mon 9 Mar, so 6 Mar is in time
    c = clock(
        "2026-02-02", "2026-03-06",
        suspensions=(S("2026-02-03", "2026-02-10"),),
        extension=Extension("reden", D("2026-03-06")),
    )
    assert c.extension_notice_by == D("2026-03-09")
    assert c.legal_due_extended == D("2026-05-11")  # Sat 2 May + 7 = Sat 9 May -> Mon 11 May


def test_extended_period_is_three_months_from_receipt():
    # 31 Jan 2026 + 3 months = Thu 30 Apr (not 28 Feb + 2 months = 28 Apr)
    c = clock("2026-01-31", "2026-02-10", extension=Extension("reden", D("2026-02-10")))
    assert c.legal_due_extended == D("2026-04-30")


@pytest.mark.parametrize(
    "ext, now, message",
    [
        (Extension("  ", D("2026-02-10")), "2026-02-20", "reden"),
        (Extension("reden", D("2026-02-01")), "2026-02-20", "vóór de ontvangst"),
        (Extension("reden", D("2026-02-21")), "2026-02-20", "in de toekomst"),
    ],
)
def test_bad_extensions_are_refused(ext, now, message):
    with pytest.raises(DeadlineError, match=message):
        clock("2026-02-02", now, extension=ext)


def test_done_within_extension_misses_the_protocol():
    c = clock(
        "2026-02-02", "2026-04-01",
        extension=Extension("reden", D("2026-02-20")), replied_on=D("2026-04-01"),
    )
    assert c.status == ClockStatus.done_on_time
    assert c.protocol_met is False


# --- status --------------------------------------------------------------------------------
# Receipt Mon 2 Feb 2026, due Mon 2 Mar 2026, at risk with 5 working days left.


@pytest.mark.parametrize(
    "now, status, left",
    [
        ("2026-02-02", ClockStatus.on_track, 21),  # 20 working days in Feb from the 2nd + 2 Mar
        ("2026-02-20", ClockStatus.on_track, 7),  # Fri: 20, 23-27 Feb, 2 Mar
        ("2026-02-23", ClockStatus.on_track, 6),
        ("2026-02-24", ClockStatus.at_risk, 5),  # 24-27 Feb, 2 Mar
        ("2026-03-02", ClockStatus.at_risk, 1),  # the due day itself is not overdue
        ("2026-03-03", ClockStatus.overdue, 0),
    ],
)
def test_status_over_time(now, status, left):
    c = clock("2026-02-02", now)
    assert c.at_risk_from == D("2026-02-24")
    assert (c.status, c.working_days_left) == (status, left)


def test_overdue_consultation_puts_the_request_at_risk():
    tasks = (ConsultationTask(D("2026-02-16"), answered=True), ConsultationTask(D("2026-02-16")))
    assert clock("2026-02-02", "2026-02-16", consultations=tasks).status == ClockStatus.on_track
    c = clock("2026-02-02", "2026-02-17", consultations=tasks)
    assert (c.status, c.consultations_overdue) == (ClockStatus.at_risk, 1)


def test_no_at_risk_window_when_configured_zero():
    c = clock("2026-02-02", "2026-03-02", policy=policy(at_risk_working_days=0))
    assert c.at_risk_from is None and c.status == ClockStatus.on_track


@pytest.mark.parametrize(
    "replied, status, met",
    [("2026-03-02", ClockStatus.done_on_time, True), ("2026-03-03", ClockStatus.done_late, False)],
)
def test_done_on_time_or_late(replied, status, met):
    c = clock("2026-02-02", "2026-03-10", replied_on=D(replied))
    assert (c.status, c.protocol_met, c.working_days_left) == (status, met, None)


def test_overdue_wins_over_suspended():
    # overdue on 3 Mar; a suspension opened on 10 Mar cannot help any more
    c = clock("2026-02-02", "2026-03-20", suspensions=(S("2026-03-10"),))
    assert c.status == ClockStatus.overdue


@pytest.mark.parametrize(
    "kw, message",
    [
        ({"now": "2026-02-01"}, "na de peildatum"),
        ({"now": "2026-02-10", "replied_on": D("2026-02-11")}, "antwoorddatum"),
        ({"now": "2026-02-10", "executed_on": D("2026-02-01")}, "uitvoeringsdatum"),
    ],
)
def test_impossible_dates_are_refused(kw, message):
    with pytest.raises(DeadlineError, match=message):
        clock("2026-02-02", **kw)


def test_to_dict_is_the_cli_contract():
    d = clock("2026-04-17", "2026-04-20", RequestType.verzet).to_dict()
    assert d["protocol_due"] == d["legal_due"] == d["execution_due"] == "2026-05-18"
    assert d["legal_due_extended"] is None
    assert d["status"] == "on_track" and d["suspended_days"] == 0
    assert d["moved_by_holiday"] == ["vrijdag na Hemelvaartsdag (gelijkgestelde dag)"]


# --- consultation tasks --------------------------------------------------------------------


def test_consultation_schedule_in_working_days():
    # opened Thu 30 Apr 2026, 10 working days, skipping 5 mei, Hemelvaartsdag and the decree
    # day Fri 15 May: 1 May, 4, 6, 7, 8, 11, 12, 13, 18, 19 May -> due Tue 19 May.
    s = consultation_schedule(D("2026-04-30"), POLICY, DECREE_DAYS)
    assert s.due == D("2026-05-19")
    assert s.remind_on == D("2026-05-13")  # 2 working days before: 18, 13 May
    assert s.escalate_on == D("2026-05-20")  # 1 working day after
    custom = policy(consultation_working_days=3, reminder_working_days_before=0)
    s = consultation_schedule(D("2026-12-23"), custom, DECREE_DAYS)  # 24, 28, 29 Dec
    assert (s.due, s.remind_on) == (D("2026-12-29"), D("2026-12-29"))


# --- properties ----------------------------------------------------------------------------

receipts = st.dates(min_value=date(2025, 1, 1), max_value=date(2031, 9, 30))
types = st.sampled_from(list(RequestType))
gaps = st.lists(st.tuples(st.integers(0, 40), st.integers(0, 20)), max_size=3)


def _suspensions(received: date, spec) -> tuple[Suspension, ...]:
    return tuple(
        Suspension(received + timedelta(days=start), received + timedelta(days=start + length))
        for start, length in spec
    )


@settings(max_examples=300, deadline=None)
@given(receipts, types, gaps)
def test_no_due_date_on_a_weekend_or_holiday(received, rtype, spec):
    now = received + timedelta(days=70)
    c = clock(received, now, rtype, suspensions=_suspensions(received, spec),
              extension=Extension("reden", received))
    for due in (c.protocol_due, c.legal_due, c.extension_notice_by, c.legal_due_extended):
        assert not is_non_working_day(due, DECREE_DAYS), due
    assert c.protocol.raw >= received + timedelta(weeks=4)
    assert c.protocol_due >= c.protocol.raw and c.legal_due >= c.legal.raw
    assert c.protocol_due <= c.legal_due <= c.legal_due_extended


@settings(max_examples=300, deadline=None)
@given(receipts, st.integers(min_value=0, max_value=60), gaps)
def test_later_receipt_never_gives_an_earlier_deadline(received, later_by, spec):
    later = received + timedelta(days=later_by)
    now = later + timedelta(days=100)
    same = _suspensions(later, spec)  # the same suspension dates for both receipts
    early = clock(received, now, suspensions=same)
    late = clock(later, now, suspensions=same)
    assert early.protocol_due <= late.protocol_due
    assert early.legal_due <= late.legal_due


@settings(max_examples=200, deadline=None)
@given(receipts, gaps, st.integers(min_value=0, max_value=40))
def test_more_suspension_never_gives_an_earlier_deadline(received, spec, extra):
    now = received + timedelta(days=150)
    base = _suspensions(received, spec)
    more = base + (Suspension(received + timedelta(days=extra), received + timedelta(days=extra + 3)),)
    a, b = clock(received, now, suspensions=base), clock(received, now, suspensions=more)
    assert a.protocol_due <= b.protocol_due and a.legal_due <= b.legal_due
