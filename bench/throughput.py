"""Throughput of the running product, on demand (not in CI; docs/performance.md).

    .venv/bin/python bench/throughput.py                      # 200 requests, embedded default
    .venv/bin/python bench/throughput.py --requests 500
    scripts/with-postgres.sh .venv/bin/python bench/throughput.py --setup workers   # PostgreSQL, 2 workers

N requests (fictitious betrokkenen, five regions), each with registrations at 5 partners
that are consulted plus police and OM data (referred to the Wpg-loket and the parket),
from intake to sent reply through the real deployments: register, identity, the 5 partner
answers (at once, as partners do), the decision, approve-and-send. Each event is recorded
by the real action in one transaction and dispatched through the seam of the product
(flows/dispatch.py, mode deployment: ``run_deployment(timeout=0)``), as the command line
and the web app do; the driver waits until every request has reached its next wait before
it records the next event.

Setups (``--setup``): ``embedded`` (SQLite, a local Prefect server on SQLite, the served
deployments of ``python -m flows.serve``) and ``workers`` (PostgreSQL from
RECHTENLOKET_TEST_DATABASE_URL, a Prefect server on its own PostgreSQL database, the
``rechtenloket`` process pool from prefect.yaml, ``--workers`` process workers).

The floor: in the same run, a bare Prefect flow of the same shape (the same number of flow
runs, each with the same number of no-op task runs as the real run of that event had),
deployed and dispatched the same way, driven in the same order.

Reported: requests per minute; the orchestration overhead per request as the ratio of the
real run's wall time to the floor's; the latency from a committed action to the request
reaching its next wait (the end of its flow run), p50 and p95; peak memory (RSS) of the
Prefect server and of what runs the flows (the served process or the workers, with their
flow-run processes).
"""
import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from prefect import flow, task

ROOT = Path(__file__).resolve().parent.parent
BARE = "bench-bare"


# --------------------------------------------------------------------------- the floor

@task(name="noop", persist_result=False)
def noop(i: int) -> int:
    return i


@flow(name=BARE, flow_run_name="bare-{request_id}", persist_result=False)
def bare_request(request_id: str, tasks: int) -> int:
    """The floor: a flow run with ``tasks`` no-op task runs, nothing of ours imported."""
    for i in range(tasks):
        noop(i)
    return tasks


def serve_bare() -> None:
    """Served as the product's deployments are (flows/serve.py): the flow added to a Runner
    as a flow, each run started from a warm forkserver that has imported Prefect (not our
    code), unless RECHTENLOKET_WARM_START=0, as for the real run."""
    import asyncio

    from prefect.runner import Runner

    sys.path.insert(0, str(ROOT))
    if os.environ.get("RECHTENLOKET_WARM_START", "1") != "0":
        from flows import warmstart

        warmstart.install(preload=("prefect.flow_engine", "prefect.runner"))
    runner = Runner(limit=8, query_seconds=float(os.environ.get("RECHTENLOKET_SERVE_POLL_SECONDS") or 0.5))
    runner.add_flow(bare_request, name=BARE)
    asyncio.run(runner.start())


# --------------------------------------------------------------------------- memory

class PeakRss:
    """Samples the memory (PSS, ``_rss``) of process trees twice a second; keeps the peak sum."""

    def __init__(self, groups: dict[str, list[int]]):
        self.groups, self.peak = groups, {name: 0 for name in groups}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _run(self):
        from tests.stack import process_tree

        while not self._stop.wait(0.5):
            for name, pids in self.groups.items():
                self.peak[name] = max(self.peak[name], sum(_rss(p) for p in process_tree(pids)))


def _rss(pid: int) -> int:
    """The process's proportional set size (PSS): its resident memory with every page it
    shares counted once across the processes sharing it. The forked flow-run processes
    share most of their pages with the forkserver, so plain RSS summed over the tree would
    count those pages once per process. RSS where the kernel gives no PSS."""
    for source, field_name in ((f"/proc/{pid}/smaps_rollup", "Pss:"), (f"/proc/{pid}/status", "VmRSS:")):
        try:
            for line in Path(source).read_text().splitlines():
                if line.startswith(field_name):
                    return int(line.split()[1]) * 1024
        except OSError:
            continue
    return 0


# --------------------------------------------------------------------------- the driver

DAY = date(2026, 3, 2)


def _principal():
    """Who records the events: a coordinator of every region, as the scenario runner is."""
    from models.principal import Principal, Role

    return Principal(id="bench", role=Role.coordinator, all_regions=True)
STAGES = ["register", "identity", "answers", "decide", "send"]


def _scenario(n: int):
    """Request ``n`` as a scenario (docs/scenario.md): the real inputs of every event."""
    from flows import scenario as sc
    from tests import batch

    region = batch.region_of(n)
    general, justice = batch.partners(region, 5)
    regs = [{"casus": f"ZVH-2026-{n:04d}", "partner": p, "category": "Gegevens",
             "description": f"Registratie bij {p}.", "supplied_on": (DAY - timedelta(days=30)).isoformat()}
            for p in general + justice]
    on = {"identity": DAY + timedelta(days=1), "answers": DAY + timedelta(days=6),
          "decide": DAY + timedelta(days=9), "send": DAY + timedelta(days=10)}
    events = [{"on": on["identity"].isoformat(), "do": "verify_identity", "officer": "procesregisseur",
               "document_type": "paspoort", "document_last_digits": "1234"}]
    events += [{"on": on["answers"].isoformat(), "do": "answer", "partner": p} for p in general]
    events += [{"on": on["decide"].isoformat(), "do": "decide", "decisions": [
        {"type": "inzage", "outcome": "granted", "motivation": "U krijgt alle gegevens die over u zijn vastgelegd."}]},
        {"on": on["send"].isoformat(), "do": "send"}]
    data = batch.request_input(n, DAY)
    return sc.Scenario.model_validate({"region": region, "subject": data["subject"], "registrations": regs,
                                       "request": {k: data[k] for k in ("types", "received_on", "channel")},
                                       "events": events})


class Driver:
    """Records the events of every request stage by stage, dispatches each, and waits until
    every request reached its next wait (its flow run ended) before the next stage."""

    def __init__(self, stack, n: int, first: int = 0, isolated: bool = False):
        self.stack, self.n, self.first, self.isolated = stack, n, first, isolated
        self.runs: list[dict] = []  # one per event: stage, request, flow run id, committed at

    def seed(self) -> None:
        from models.actions.intake import RegistrationInput, add_registration
        from models.db import session_scope

        self.scenarios = [_scenario(i) for i in range(self.first, self.first + self.n)]
        self.reg_ids: dict[int, list[int]] = {}
        for sc_ in self.scenarios:
            with session_scope() as s:
                self.reg_ids[id(sc_)] = [add_registration(s, RegistrationInput(
                    region=sc_.region, subject=sc_.subject, **r.model_dump()), _principal(), DAY).id
                    for r in sc_.registrations]

    def real(self) -> float:
        """The product: the real actions and the dispatch seam. Returns the wall time."""
        from flows import scenario as sc
        from flows.dispatch import dispatch
        from models.actions.intake import RequestInput, register_request
        from models.db import session_scope

        self.ids: list[str] = []

        def record(stage, request_id, action, day):
            with session_scope() as s:
                recorded = action(s)
            at = time.time()
            run = dispatch(recorded.request_id, day.isoformat(), recorded.event_key)
            self.runs.append({"stage": stage, "request": recorded.request_id, "run": run.flow_run_id, "at": at})
            if self.isolated:  # one event at a time: a person's action on an otherwise quiet product
                self._wait(stage, runs=self.runs[-1:])
            return recorded.request_id

        started = time.time()
        for i, scenario in enumerate(self.scenarios):
            self.ids.append(record("register", None, lambda s, scenario=scenario: register_request(
                s, RequestInput(region=scenario.region, subject=scenario.subject,
                                **scenario.request.model_dump()), _principal(), DAY), DAY))
        self._wait("register")
        groups = {"identity": ["verify_identity"], "answers": ["answer"], "decide": ["decide"], "send": ["send"]}
        for stage in STAGES[1:]:
            for rid, scenario in zip(self.ids, self.scenarios):
                for event in [e for e in sc.events(scenario) if e.do in groups[stage]]:
                    with session_scope() as s:
                        pairs = sc.inputs(scenario, s, rid, self.reg_ids[id(scenario)], event)
                    for action, data in pairs:
                        record(stage, rid, lambda s, action=action, data=data, event=event, rid=rid:
                               sc.ACTIONS[action](s, rid, data, _principal(), event.on), event.on)
            self._wait(stage)
        return time.time() - started

    def bare(self, tasks_per_run: dict[str, int]) -> float:
        """The floor: the same runs in the same order, of the bare flow, no actions."""
        from prefect.deployments import run_deployment

        self.bare_runs: list[dict] = []
        started = time.time()
        by_stage: dict[str, list[dict]] = {}
        for r in self.runs:
            by_stage.setdefault(r["stage"], []).append(r)
        for stage in STAGES:
            for k, r in enumerate(by_stage.get(stage, [])):
                at = time.time()
                run = run_deployment(f"{BARE}/{BARE}", parameters={"request_id": r["request"],
                                                                  "tasks": tasks_per_run[r["run"]]},
                                     timeout=0, as_subflow=False, idempotency_key=f"bare:{r['run']}")
                self.bare_runs.append({"stage": stage, "run": str(run.id), "at": at})
                if self.isolated:
                    self._wait(stage, runs=self.bare_runs[-1:])
            self._wait(stage, runs=self.bare_runs)
        return time.time() - started

    def _wait(self, stage: str, runs=None) -> None:
        pending = {r["run"] for r in (runs if runs is not None else self.runs) if r["stage"] == stage}
        deadline = time.monotonic() + 3600
        while pending and time.monotonic() < deadline:
            for chunk in _chunks(sorted(pending), 200):
                for r in self.stack.api("POST", "/flow_runs/filter", {"flow_runs": {"id": {"any_": chunk}},
                                                                      "limit": 200}):
                    if r["state_type"] in ("FAILED", "CRASHED", "CANCELLED"):
                        raise RuntimeError(f"stage {stage}: run {r['id']} {r['state_type']}")
                    if r["state_type"] == "COMPLETED":
                        pending.discard(r["id"])
            if pending:
                self.stack.check_alive()
                time.sleep(0.3)
        if pending:
            raise TimeoutError(stage)


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _ended(stack, flow: str) -> dict[str, dict]:
    return {r["id"]: r for r in stack.flow_runs(flow)}


def _task_counts(stack, run_ids: list[str]) -> dict[str, int]:
    counts = {}
    for rid in run_ids:
        counts[rid] = stack.api("POST", "/task_runs/count", {"flow_runs": {"id": {"any_": [rid]}}})
    return counts


def _latencies(runs: list[dict], ended: dict[str, dict]) -> list[float]:
    out = []
    for r in runs:
        end = ended[r["run"]]["end_time"]
        out.append(datetime.fromisoformat(end).timestamp() - r["at"])
    return out


def _phases(runs: list[dict], ended: dict[str, dict]) -> dict:
    """Median seconds from the commit to the run's start (poll, process start, imports) and
    from its start to its end (the steps)."""
    queue, work = [], []
    for r in runs:
        fr = ended[r["run"]]
        start, end = (datetime.fromisoformat(fr[k]).timestamp() for k in ("start_time", "end_time"))
        queue.append(start - r["at"])
        work.append(end - start)
    return {"to_start_p50": round(_pct(queue, 50), 2), "run_p50": round(_pct(work, 50), 2)}


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


# --------------------------------------------------------------------------- a whole run

def run(setup: str, n: int, workers: int, poll: str, keep: bool, probes: int) -> dict:
    root = Path(tempfile.mkdtemp(prefix=f"rechtenloket-bench-{setup}-"))
    from models.crypto import generate_master_key

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "RECHTENLOKET_"))}
    env.update(RECHTENLOKET_DATA_DIR=str(root / "var"), RECHTENLOKET_SECRET_KEY=generate_master_key(),
               RECHTENLOKET_DEMO="1", RECHTENLOKET_DISPATCH="deployment")
    drop = None
    if setup == "workers":
        url = os.environ.get("RECHTENLOKET_TEST_DATABASE_URL", "")
        if not url.startswith("postgresql"):
            sys.exit("fout: --setup workers needs PostgreSQL: run it under scripts/with-postgres.sh")
        env["RECHTENLOKET_DATABASE_URL"] = url
    for k in list(os.environ):
        if k.startswith(("PREFECT_", "RECHTENLOKET_")):
            del os.environ[k]
    os.environ.update({k: v for k, v in env.items() if k.startswith("RECHTENLOKET_")})
    os.environ["PREFECT_HOME"] = str(root / "prefect-driver")
    from models.bootstrap import initialise
    from models.settings import get_settings, reset_settings
    from tests.stack import Stack

    reset_settings()
    initialise(get_settings())
    stack = Stack(root, env)
    fast = {"RECHTENLOKET_SERVE_POLL_SECONDS": poll, "PREFECT_WORKER_QUERY_SECONDS": poll}
    try:
        if setup == "workers":
            from tests.stack import prefect_database

            prefect_url, drop = prefect_database(url)
            stack.start_server(prefect_url)
            stack.deploy_and_start_workers(workers, **fast)
            runner_prefix = "worker"
        else:
            stack.start_server()
            stack.serve(**fast)
            runner_prefix = "serve"
        os.environ["PREFECT_API_URL"] = stack.api_url
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings(updates={PREFECT_API_URL: stack.api_url}):
            return _measure(setup, stack, n, workers, poll, runner_prefix, fast, root, probes)
    finally:
        stack.stop()
        if drop:
            drop()
        if not keep:
            import shutil

            shutil.rmtree(root, ignore_errors=True)


def _measure(setup, stack, n, workers, poll, runner_prefix, fast, root, probes) -> dict:
    if True:
        driver = Driver(stack, n)
        driver.seed()
        with PeakRss({"server": stack.pids("prefect-server"), "runner": stack.pids(runner_prefix)}) as rss:
            real_seconds = driver.real()
        # Then one request at a time, one event at a time: the latency a person sees.
        probe = Driver(stack, probes, first=n, isolated=True)
        probe.seed()
        probe.real()
        ended = _ended(stack, "advance-request")
        counts = _task_counts(stack, [r["run"] for r in driver.runs + probe.runs])
        one = _latencies(probe.runs, ended)
        # The real half's figures now, to standard error: at 200 requests or more the floor
        # takes as long again, and a run stopped during it would otherwise keep nothing.
        print("real: " + json.dumps({
            "requests": n, "seconds": round(real_seconds, 1), "requests_per_minute": round(n / real_seconds * 60, 1),
            "latency_p50": round(_pct(one, 50), 2), "latency_p95": round(_pct(one, 95), 2),
            "peak_rss_server_mb": round(rss.peak["server"] / 2**20),
            "peak_rss_runner_mb": round(rss.peak["runner"] / 2**20)}), file=sys.stderr, flush=True)
        # The floor, dispatched the same way: served next to ours, or on the same pool.
        if setup == "workers":
            bare_request.from_source(str(ROOT), "bench/throughput.py:bare_request").deploy(
                name=BARE, work_pool_name="rechtenloket", print_next_steps=False)
        else:
            stack.start("serve-bare", [sys.executable, str(Path(__file__).resolve()), "--serve-bare"],
                        stack.client_env(**fast))
        deadline = time.monotonic() + 120
        while not [d for d in stack.api("POST", "/deployments/filter", {}) if d["name"] == BARE]:
            if time.monotonic() > deadline:
                raise RuntimeError(stack.log("serve-bare"))
            time.sleep(0.5)
        if setup == "embedded":  # one process runs the flows, as for the real run
            for name, proc in stack.children:
                if name == "serve":
                    proc.terminate()
                    proc.wait()
            stack.children = [(nm, p) for nm, p in stack.children if nm != "serve"]
        bare_seconds = driver.bare(counts)
        probe.bare(counts)
        bare_ended = _ended(stack, BARE)
        lat = _latencies(driver.runs, ended)
        bare_lat = _latencies(driver.bare_runs, bare_ended)
        bare_one = _latencies(probe.bare_runs, bare_ended)
        statuses = _statuses(driver.ids)
        return {
            "setup": setup, "requests": n, "workers": workers if setup == "workers" else 0, "poll_seconds": poll,
            "flow_runs": len(driver.runs), "task_runs": sum(counts.values()),
            "closed": statuses.get("closed", 0), "statuses": statuses,
            "seconds": round(real_seconds, 1), "bare_seconds": round(bare_seconds, 1),
            "requests_per_minute": round(n / real_seconds * 60, 1),
            "bare_requests_per_minute": round(n / bare_seconds * 60, 1),
            "overhead_ratio": round(real_seconds / bare_seconds, 2),
            "latency_p50": round(_pct(one, 50), 2), "latency_p95": round(_pct(one, 95), 2),
            "bare_latency_p50": round(_pct(bare_one, 50), 2), "bare_latency_p95": round(_pct(bare_one, 95), 2),
            "latency_events": len(one), "closed_probes": _statuses(probe.ids).get("closed", 0),
            "burst_latency_p50": round(_pct(lat, 50), 2), "burst_latency_p95": round(_pct(lat, 95), 2),
            "bare_burst_latency_p50": round(_pct(bare_lat, 50), 2),
            "bare_burst_latency_p95": round(_pct(bare_lat, 95), 2),
            "real_phases": _phases(driver.runs, ended), "bare_phases": _phases(driver.bare_runs, bare_ended),
            "probe_phases": _phases(probe.runs, ended), "bare_probe_phases": _phases(probe.bare_runs, bare_ended),
            "peak_rss_server_mb": round(rss.peak["server"] / 2**20),
            "peak_rss_runner_mb": round(rss.peak["runner"] / 2**20),
            "root": str(root),
        }


def _statuses(ids: list[str]) -> dict[str, int]:
    from collections import Counter

    from models.db import session_scope
    from models.tables import Request

    with session_scope() as s:
        return dict(Counter(s.get(Request, rid).status for rid in ids))


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal"))
    return (f"{os.cpu_count()} cores ({cpu}), {int(mem) // 2**20} GiB, Python {platform.python_version()}, "
            f"load average at start {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--setup", choices=["embedded", "workers"], default="embedded")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--poll", default="0.5", help="seconds between polls of the served process / workers")
    parser.add_argument("--probes", type=int, default=5,
                        help="requests driven one event at a time after the batch, for the latency")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs)")
    parser.add_argument("--serve-bare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_bare:
        serve_bare()
        return
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    print(f"machine: {machine()}", flush=True)
    result = run(args.setup, args.requests, args.workers, args.poll, args.keep, args.probes)
    result["machine"] = machine()
    result["command"] = " ".join(["bench/throughput.py", *sys.argv[1:]])
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
