"""The manager's dashboard and the statistics page at scale, on demand (not in CI;
docs/performance.md).

    .venv/bin/python bench/dashboard.py                          # SQLite, 100,000 requests
    .venv/bin/python bench/dashboard.py --requests 20000 --runs 20
    scripts/with-postgres.sh .venv/bin/python bench/dashboard.py  # PostgreSQL

Seeds N requests over five regions and three years (received up to today), each with one or
two rights, five consultation tasks (500,000 for 100,000 requests), clock events (identity
suspensions, extensions) and, for the closed ones, decisions per right; the stored deadline
columns (models/sla.py) filled as the engine would (protocol 4 weeks, legal one month,
done on time or late). The rows are written in bulk with plain SQL (the encrypted columns
get a placeholder: neither page reads them), so seeding takes minutes, not days.

Then, server-side (the real app in-process through FastAPI's TestClient, as a signed-in
manager of all five regions), ``--runs`` times each: the dashboard's first page sorted by
urgency with its counts (``/verzoeken``) and the statistics page for the last full year
(``/statistiek?jaar=...``); and as the floor, the bare SQL aggregates the statistics page is
made of (``models.statistics.floor``) and the dashboard's own queries without rendering
(``models.dashboard.dashboard``). Prints one JSON object: median and p95 per page, the
number of SQL statements per page (the same on every run: no query per row), the
page/floor ratio, and the query plans of the two heaviest statements.
"""
import argparse
import json
import os
import platform
import random
import statistics as stats
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _environment(keep: bool) -> Path:
    """A throwaway data folder (removed at the end unless ``--keep``) and the settings."""
    from models.crypto import generate_master_key

    data = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    if not keep:
        import atexit
        import shutil

        atexit.register(shutil.rmtree, data, True)
    os.environ.setdefault("RECHTENLOKET_DATA_DIR", str(data))
    os.environ["RECHTENLOKET_SECRET_KEY"] = os.environ.get("RECHTENLOKET_SECRET_KEY") or generate_master_key()
    os.environ["RECHTENLOKET_DATABASE_URL"] = os.environ.get("RECHTENLOKET_TEST_DATABASE_URL") or \
        f"sqlite:///{data / 'bench.db'}"
    os.environ["RECHTENLOKET_DISPATCH"] = "direct"
    os.environ["RECHTENLOKET_DEMO"] = "1"
    return data


def _schema():
    from sqlalchemy import text
    from sqlmodel import Session

    from models.bootstrap import sync_regions
    from models.db import get_engine
    from models.region_config import load_regions
    from models.schema import upgrade_database
    from models.settings import get_settings

    engine = get_engine()
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade_database()
    config_dir = get_settings().config_dir
    with Session(engine) as session:
        sync_regions(session, load_regions(config_dir), config_dir)
        session.commit()
    return engine


def seed(engine, n: int, today: date, seed_value: int = 12) -> dict:
    """N requests in bulk (see the module's docstring); returns the row counts."""
    import sqlalchemy as sa
    from sqlmodel import Session, select

    from models.tables import Partner

    rnd = random.Random(seed_value)
    with Session(engine) as s:
        partners: dict[str, list[int]] = {}
        for p in s.exec(select(Partner)):
            partners.setdefault(p.region_id, []).append(p.id)
    regions = sorted(partners)
    t = {name: sa.table(name, *[sa.column(c) for c in cols]) for name, cols in {
        "datasubject": ("id", "row_uid", "name", "name_hash", "bsn_hash", "created_at"),
        "request": ("id", "row_uid", "reference", "region_id", "subject_id", "first_received_on", "channel",
                    "requester_kind", "status", "subject_name", "subject_name_hash", "failures", "created_at",
                    "closed_on", "sla_status", "sla_protocol_due", "sla_legal_due", "sla_target_due",
                    "sla_at_risk_from", "sla_suspended_since", "sla_extended", "sla_task_due", "sla_completed_on",
                    "sla_protocol_met", "sla_legal_met", "sla_refreshed_on"),
        "requestright": ("request_id", "row_uid", "type", "outcome", "decided_on", "replied_on", "protocol_due",
                         "legal_due", "legal_due_extended", "target_due", "at_risk_from", "completed_on",
                         "protocol_met", "legal_met", "clock_status"),
        "consultationtask": ("row_uid", "request_id", "partner_id", "status", "created_on", "due_on", "reminder_on",
                             "escalation_on", "reminded_on", "escalated_on", "answered_on", "answered_by",
                             "reopened", "created_at"),
        "clockevent": ("request_id", "kind", "on_date", "recorded_by", "recorded_at"),
        "itemdecision": ("row_uid", "request_id", "right_type", "outcome", "ground", "decided_on"),
    }.items()}
    counts = {k: 0 for k in t}
    start = today - timedelta(days=3 * 365)
    types = ["inzage", "inzage", "inzage", "correctie", "verwijdering", "beperking", "verzet"]
    open_phases = ["awaiting_identity", "consulting", "consulting", "deliberating", "replying", "executing"]
    batch: dict[str, list[dict]] = {k: [] for k in t}
    now = time.monotonic()

    def flush():
        with engine.begin() as conn:
            for name, rows in batch.items():
                if rows:
                    conn.execute(t[name].insert(), rows)
                    counts[name] += len(rows)
                    rows.clear()

    per_year: dict[int, int] = {}
    for i in range(n):
        region = regions[i % len(regions)]
        received = start + timedelta(days=rnd.randrange((today - start).days + 1))
        year_no = per_year[received.year] = per_year.get(received.year, 0) + 1
        rid = f"b{i:031d}"
        age = (today - received).days
        closed = age > 60 or rnd.random() < max(0.0, (age - 10) / 60)
        protocol, legal = received + timedelta(days=28), received + timedelta(days=30)
        extended = rnd.random() < 0.05
        legal_ext = received + timedelta(days=91) if extended else None
        completed = received + timedelta(days=min(rnd.randint(5, 45), max(age, 0))) if closed else None
        target = protocol
        pm = completed <= protocol if completed else None
        lm = completed <= (legal_ext or legal) if completed else None
        suspended = None if closed or rnd.random() > 0.1 else received + timedelta(days=1)
        phase = "closed" if closed else ("awaiting_identity" if suspended else rnd.choice(open_phases))
        batch["datasubject"].append({"id": i + 1, "row_uid": f"s{i:031d}", "name": "x", "name_hash": f"{i:064x}",
                                     "bsn_hash": f"{i + n:064x}", "created_at": received})
        batch["request"].append({
            "id": rid, "row_uid": f"r{i:031d}", "reference": f"B{regions.index(region)}-{received.year}-{year_no:06d}",
            "region_id": region, "subject_id": i + 1, "first_received_on": received,
            "channel": rnd.choice(["brief", "brief", "email", "balie", "via_partner"]), "requester_kind": "betrokkene",
            "status": phase, "subject_name": "x", "subject_name_hash": f"{i:064x}", "failures": 0,
            "created_at": received, "closed_on": completed,
            "sla_status": ("done_on_time" if pm else "done_late") if closed else "on_track",
            "sla_protocol_due": protocol, "sla_legal_due": legal_ext or legal, "sla_target_due": target,
            "sla_at_risk_from": target - timedelta(days=7), "sla_suspended_since": suspended,
            "sla_extended": extended and not closed, "sla_task_due": None if closed else received + timedelta(days=14),
            "sla_completed_on": completed, "sla_protocol_met": pm, "sla_legal_met": lm, "sla_refreshed_on": today})
        chosen = list(dict.fromkeys(rnd.sample(types, rnd.choice([1, 1, 2]))))
        for rtype in chosen:
            outcome = rnd.choice(["granted", "granted", "partly", "refused"]) if closed else None
            batch["requestright"].append({
                "request_id": rid, "row_uid": f"q{i:029d}{chosen.index(rtype):02d}", "type": rtype,
                "outcome": outcome, "decided_on": completed, "replied_on": completed, "protocol_due": protocol,
                "legal_due": legal, "legal_due_extended": legal_ext, "target_due": target,
                "at_risk_from": target - timedelta(days=7), "completed_on": completed, "protocol_met": pm,
                "legal_met": lm, "clock_status": ("done_on_time" if pm else "done_late") if closed else "on_track"})
            if closed:
                batch["itemdecision"].append({
                    "row_uid": f"d{i:029d}{chosen.index(rtype):02d}", "request_id": rid, "right_type": rtype,
                    "outcome": outcome, "ground": "art41_1_h" if outcome != "granted" else None,
                    "decided_on": completed})
        for k, pid in enumerate(rnd.sample(partners[region], min(5, len(partners[region])))):
            created = received + timedelta(days=2)
            answered = created + timedelta(days=rnd.randint(1, 20)) if closed or rnd.random() < 0.5 else None
            if answered and answered > today:
                answered = None
            due = created + timedelta(days=14)
            batch["consultationtask"].append({
                "row_uid": f"t{i:029d}{k:02d}", "request_id": rid, "partner_id": pid,
                "status": "answered" if answered else "open", "created_on": created, "due_on": due,
                "reminder_on": due - timedelta(days=3), "escalation_on": due + timedelta(days=5),
                "reminded_on": due - timedelta(days=3) if (answered or today) > due - timedelta(days=3) and rnd.random() < 0.3 else None,
                "escalated_on": due + timedelta(days=5) if not answered and today > due + timedelta(days=5) else None,
                "answered_on": answered, "answered_by": "bench" if answered else None, "reopened": 0,
                "created_at": created})
        if suspended or rnd.random() < 0.1:
            batch["clockevent"].append({"request_id": rid, "kind": "suspend", "on_date": received + timedelta(days=1),
                                        "recorded_by": "bench", "recorded_at": received})
        if extended:
            batch["clockevent"].append({"request_id": rid, "kind": "extend", "on_date": received + timedelta(days=20),
                                        "recorded_by": "bench", "recorded_at": received})
        if (i + 1) % 5000 == 0:
            flush()
    flush()
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(sa.text("SELECT setval(pg_get_serial_sequence('datasubject', 'id'), "
                                 "(SELECT max(id) FROM datasubject))"))
        # As autovacuum leaves a table that has settled: statistics, and the visibility map
        # that lets an index-only scan skip the table.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
    counts["seconds"] = round(time.monotonic() - now, 1)
    return counts


class Statements:
    """Counts the SQL statements a block runs (the constant-queries claim)."""

    def __init__(self, engine):
        self.engine, self.n = engine, 0

    def _count(self, *args, **kwargs):
        self.n += 1

    def __enter__(self):
        import sqlalchemy as sa

        self.n = 0
        sa.event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        import sqlalchemy as sa

        sa.event.remove(self.engine, "before_cursor_execute", self._count)


def timed(fn, runs: int, engine, before=None) -> dict:
    """``fn`` ``runs`` times after one warm-up call; ``before`` (not timed) runs before each."""
    times, statements = [], set()
    fn()  # warm: templates compiled, caches filled, as a running server has them
    for _ in range(runs):
        if before:
            before()
        with Statements(engine) as counter:
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1000)
        statements.add(counter.n)
    times.sort()
    return {"median_ms": round(stats.median(times), 1),
            "p95_ms": round(times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)], 1),
            "statements": sorted(statements)}


def plans(engine, year: int, today: date) -> dict:
    """The query plans of the dashboard's first page, of the heaviest statistics aggregate and
    of the statistics' fingerprint: EXPLAIN QUERY PLAN on SQLite, EXPLAIN ANALYZE on PostgreSQL."""
    from sqlmodel import Session, func, select

    from models.dashboard import SORTS, _open, Filters
    from models.sla import status_expression
    from models.statistics import Period, _in_period, queries
    from models.tables import Request

    status = status_expression(today)
    page = _open(select(Request.id, Request.reference, status.label("sla")), Filters(), today) \
        .order_by(*SORTS["urgentie"](today)).limit(25)
    period = Period.year(year)
    heavy = queries(period)["answer_days"]
    stamp = _in_period(select(func.count(), func.sum(Request.stats_version)), period, None)
    out = {}
    with Session(engine) as s:
        for name, query in (("dashboard_first_page", page), ("statistics_answer_days", heavy),
                            ("statistics_fingerprint", stamp)):
            compiled = query.compile(engine, compile_kwargs={"literal_binds": True})
            prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN ANALYZE "
            rows = s.connection().exec_driver_sql(prefix + str(compiled)).all()
            out[name] = [" ".join(str(c) for c in row) for row in rows]
    return out


def _touch(engine, year: int):
    """A change to one request of the year, as every action makes (models/statistics_cache.py):
    the next view of the statistics recomputes them."""
    from sqlalchemy import text

    def touch():
        with engine.begin() as conn:
            conn.execute(text("UPDATE request SET stats_version = stats_version + 1 WHERE id = ("
                              "SELECT min(id) FROM request WHERE first_received_on BETWEEN :a AND :b)"),
                         {"a": date(year, 1, 1), "b": date(year, 12, 31)})
    return touch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the database folder")
    args = parser.parse_args()
    _environment(args.keep)
    engine = _schema()
    today = date.today()
    counts = seed(engine, args.requests, today)

    from fastapi.testclient import TestClient
    from sqlmodel import Session

    from models.accounts import AccountInput, add_account
    from models.dashboard import Filters, dashboard
    from models.enums import Role
    from models.principal import Principal
    from models.statistics import Period, floor
    from tests.web.helpers import login, plain_http_settings
    from web.app import create_app

    admin = Principal(id="bench", role=Role.administrator, all_regions=True)
    regions = ["drenthe", "fryslan", "hollands-midden", "rotterdam-rijnmond", "utrecht"]
    with Session(engine) as db:
        add_account(db, AccountInput(username="bench.manager", role="manager", regions=regions),
                    "een-lang-wachtwoord", admin)
        db.commit()
    app = create_app(plain_http_settings())
    year = today.year - 1
    with TestClient(app, base_url="http://testserver") as client:
        assert login(client, "bench.manager", "een-lang-wachtwoord").status_code == 303

        def get(path):
            answer = client.get(path)
            assert answer.status_code == 200, (path, answer.status_code)

        scope = frozenset(regions)
        result = {
            "dialect": engine.dialect.name, "requests": args.requests, "rows": counts, "runs": args.runs,
            "python": platform.python_version(), "cpus": os.cpu_count(),
            "load_average": [round(x, 1) for x in os.getloadavg()],
            "dashboard_page": timed(lambda: get("/verzoeken"), args.runs, engine),
            "dashboard_queries": timed(lambda: _with_session(engine, lambda s: dashboard(
                s, Filters(regions=scope), today)), args.runs, engine),
            "statistics_page": timed(lambda: get(f"/statistiek?jaar={year}"), args.runs, engine),
            "statistics_page_recomputed": timed(lambda: get(f"/statistiek?jaar={year}"), args.runs, engine,
                                                before=_touch(engine, year)),
            "statistics_floor": timed(lambda: _with_session(engine, lambda s: floor(s, Period.year(year), scope)),
                                      args.runs, engine),
        }
    result["statistics_page_floor_ratio"] = round(
        result["statistics_page"]["median_ms"] / max(result["statistics_floor"]["median_ms"], 0.1), 2)
    result["statistics_page_recomputed_floor_ratio"] = round(
        result["statistics_page_recomputed"]["median_ms"] / max(result["statistics_floor"]["median_ms"], 0.1), 2)
    result["dashboard_page_floor_ratio"] = round(
        result["dashboard_page"]["median_ms"] / max(result["dashboard_queries"]["median_ms"], 0.1), 2)
    result["plans"] = plans(engine, year, today)
    result["load_average_end"] = [round(x, 1) for x in os.getloadavg()]
    print(json.dumps(result, indent=2, default=str))


def _with_session(engine, fn):
    from sqlmodel import Session

    with Session(engine) as s:
        return fn(s)


if __name__ == "__main__":
    main()
