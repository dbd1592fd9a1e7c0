"""The warm start of served flow runs (flows/warmstart.py, flows/warm.py): Prefect's flow
engine gets a forkserver context where it asks for "spawn", and a process started from it
has what it preloads imported, the regions validated, the letter templates compiled, the
PostgreSQL driver imported and the tables' mappers configured before the run begins. The whole path (served deployments running real requests) is exercised by
tests/test_runtime.py on SQLite."""
import multiprocessing

import prefect.flow_engine as flow_engine
import pytest

from flows import warmstart


def _report(queue) -> None:
    import sys

    from sqlmodel import SQLModel

    from models.db import get_engine
    from models.letters.render import environment
    from models.region_config import _regions_in

    queue.put({"warm": "flows.warm" in sys.modules, "regions": _regions_in.cache_info().currsize,
                "templates": len(environment().cache),
                # The PostgreSQL driver imported and the tables' mappers configured (each cost
                # runs on PostgreSQL more than their own work did: docs/performance.md).
                "psycopg": "psycopg" in sys.modules, "mappers": not SQLModel._sa_registry._new_mappers,
                # No engine (so no pooled connection) from the forkserver: a connection shared
                # by forked runs corrupts both (seen on PostgreSQL when warming read the facts).
                "engine": get_engine.cache_info().currsize})


def test_prefect_starts_runs_from_a_warm_forkserver(monkeypatch):
    monkeypatch.setattr(flow_engine, "multiprocessing", flow_engine.multiprocessing)  # undone after the test
    context = warmstart.install(preload=("flows.warm",))
    assert flow_engine.multiprocessing.get_context("spawn") is context
    assert context.get_start_method() == "forkserver"
    assert flow_engine.multiprocessing.get_context("fork") is multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_report, args=(queue,))
    child.start()
    seen = queue.get(timeout=120)
    child.join(30)
    assert child.exitcode == 0
    assert seen["warm"] and seen["regions"] == 1 and seen["templates"] > 10, seen
    assert seen["psycopg"] and seen["mappers"], seen
    assert seen["engine"] == 0, seen


def test_an_unknown_prefect_start_is_refused_not_half_patched(monkeypatch):
    def run_flow_in_subprocess(*args, **kwargs):  # a future Prefect that starts runs another way
        return None

    monkeypatch.setattr(flow_engine, "run_flow_in_subprocess", run_flow_in_subprocess)
    monkeypatch.setattr(flow_engine, "multiprocessing", flow_engine.multiprocessing)
    before = flow_engine.multiprocessing
    with pytest.raises(warmstart.WarmStartUnavailable):
        warmstart.install()
    assert flow_engine.multiprocessing is before
