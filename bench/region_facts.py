"""What the region facts cost ``get_region`` (issue 18 point 12), on demand (not in CI;
docs/performance.md).

    .venv/bin/python bench/region_facts.py
    .venv/bin/python bench/region_facts.py --calls 100000
    scripts/with-postgres.sh .venv/bin/python bench/region_facts.py   # PostgreSQL

A throwaway database with the five regions; every value that blocks Utrecht's letters (the
largest region: 112 values, 42 groups) filled in through the real action. Then, each
``--calls`` times, ``get_region("utrecht")``:

- ``file_only``: the regions from their files, no overlay (``file_regions``): the floor;
- ``cached``: with the facts, within ``region_facts_refresh_seconds`` (the usual case);
- ``stamp_check``: with the facts, refresh time 0: every call asks the database for the
  stamps (one small query; nothing changed, nothing rebuilt): the worst case of the check;
- ``rebuild``: after a change (a new stamp), the first call: stamps, facts and the region
  validated again (``--rebuilds`` times).

Prints one JSON object: microseconds per call (median of ``--repeat`` rounds) per case.
"""
import argparse
import json
import os
import platform
import statistics as stats
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _environment() -> None:
    import atexit
    import shutil

    from models.crypto import generate_master_key

    data = Path(tempfile.mkdtemp(prefix="bench-facts-"))
    atexit.register(shutil.rmtree, data, True)
    os.environ.setdefault("RECHTENLOKET_DATA_DIR", str(data))
    os.environ["RECHTENLOKET_SECRET_KEY"] = os.environ.get("RECHTENLOKET_SECRET_KEY") or generate_master_key()
    os.environ["RECHTENLOKET_DATABASE_URL"] = os.environ.get("RECHTENLOKET_TEST_DATABASE_URL") or \
        f"sqlite:///{data / 'bench.db'}"


def _setup(region_id: str) -> int:
    from sqlalchemy import text
    from sqlmodel import Session

    from models import region_facts
    from models.actions.region_facts import save_group
    from models.bootstrap import sync_regions
    from models.db import get_engine
    from models.enums import Role
    from models.letters import contacts
    from models.principal import Principal
    from models.region_config import file_regions
    from models.schema import upgrade_database
    from models.settings import get_settings

    engine = get_engine()
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade_database()
    config_dir = get_settings().config_dir
    with Session(engine) as session:
        sync_regions(session, file_regions(), config_dir)
        session.commit()
    region = file_regions()[region_id]
    values = {region_facts.ADDRESS: "Teststraat 1\n3511 AB Utrecht", region_facts.PHONE: "030 123 4567",
              region_facts.EMAIL: "privacy@veiligheidshuis.nl", region_facts.DATE: "2025-01-14",
              region_facts.TEXT: "Ingevuld"}
    specs = region_facts.specs(region)
    by_group: dict[str, dict] = {}
    for blocker in contacts.blockers(region):
        spec = specs[blocker.key]
        by_group.setdefault(spec.group, {})[spec.key] = values[spec.kind]
    admin = Principal(id="bench", role=Role.administrator, regions=frozenset({region_id}))
    for group_id, group_values in by_group.items():
        with Session(engine) as session:
            save_group(session, admin, region_id, group_id, group_values, date.today())
            session.commit()
    return sum(len(v) for v in by_group.values())


def _per_call(fn, calls: int, repeat: int) -> float:
    rounds = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        rounds.append((time.perf_counter() - start) / calls * 1e6)
    return round(stats.median(rounds), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rebuilds", type=int, default=50)
    parser.add_argument("--region", default="utrecht")
    args = parser.parse_args()
    _environment()

    from sqlalchemy import text

    from models import region_config
    from models.db import get_engine
    from models.letters import contacts
    from models.region_config import file_regions, get_region
    from models.settings import get_settings

    facts = _setup(args.region)
    region_id = args.region
    assert contacts.blockers(get_region(region_id)) == [], "every blocking value is filled in"
    settings = get_settings()
    out = {"region": region_id, "facts": facts, "calls": args.calls, "repeat": args.repeat,
           "database": get_engine().dialect.name, "python": platform.python_version(), "machine": platform.machine(),
           "cpus": os.cpu_count()}

    out["file_only_us"] = _per_call(lambda: file_regions()[region_id], args.calls, args.repeat)
    settings.region_facts_refresh_seconds = 3600.0
    get_region(region_id)
    out["cached_us"] = _per_call(lambda: get_region(region_id), args.calls, args.repeat)
    settings.region_facts_refresh_seconds = 0.0
    get_region(region_id)
    out["stamp_check_us"] = _per_call(lambda: get_region(region_id), max(args.calls // 20, 100), args.repeat)

    rebuilds = []
    engine = get_engine()
    for n in range(args.rebuilds):
        with engine.begin() as conn:  # another process's change: only the stamp is new
            conn.execute(text("UPDATE regionfactstamp SET stamp = :s WHERE region_id = :r"),
                         {"s": f"{n:032x}", "r": region_id})
        start = time.perf_counter()
        region = get_region(region_id)
        rebuilds.append((time.perf_counter() - start) * 1e6)
        assert region is not None
    out["rebuild_us"] = round(stats.median(rebuilds), 1)
    out["rebuild_p95_us"] = round(sorted(rebuilds)[int(len(rebuilds) * 0.95) - 1], 1)
    region_config.forget_facts()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
